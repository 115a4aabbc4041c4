//! One squad across its checkpoints: level and percentile (legacy editions)
//! or score (current ones), voted and measured, each metric's answers, and the
//! change since the previous result on the same scale.

use checkpoint_core::dora::Question;
use checkpoint_core::summary::answer_label;
use checkpoint_core::summary::history::{Paged, TrendPoint};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::history::result_text;
use super::pager::Pager;
use super::trend_chart::{Scale, TrendChart};
use crate::layout::ErrorNotice;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendData {
    pub squad_name: String,
    /// This page's checkpoints, oldest first.
    pub points: Vec<TrendPoint>,
    #[serde(flatten)]
    pub paged: Paged,
}

#[server(endpoint = "load_trend")]
pub async fn load_trend(squad: String, page: Option<String>) -> Result<TrendData, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    use checkpoint_core::summary::history::parse_page;
    require_user().await?;
    let store = &app_context()?.store;
    let page = parse_page(page.as_deref()).map_err(|e| into_server_error(e.into()))?;
    let squad_name = store.squad(&squad).await.map_err(into_server_error)?.name;
    let found = store.squad_trend(&squad, page).await.map_err(into_server_error)?;
    Ok(TrendData {
        squad_name,
        points: found.points,
        paged: found.paged,
    })
}

fn change_text(c: Option<i16>) -> String {
    match c {
        None => String::new(),
        Some(0) => " (no change)".to_string(),
        Some(n) if n > 0 => format!(" (▲ {n})"),
        Some(n) => format!(" (▼ {})", -n),
    }
}

/// The change of a 0–10 score, one decimal.
fn score_change_text(c: Option<f64>) -> String {
    match c {
        None => String::new(),
        Some(0.0) => " (no change)".to_string(),
        Some(d) if d > 0.0 => format!(" (▲ {d:.1})"),
        Some(d) => format!(" (▼ {:.1})", -d),
    }
}

/// "voted percentile (▲ 5)" or "voted score unchanged", of the squad's latest change.
fn latest_change(points: &[TrendPoint]) -> Option<(String, String)> {
    points.iter().rev().find_map(|p| {
        let date = p.row.held_on.clone();
        match (p.voted_change, p.voted_score_change) {
            (Some(0), _) => Some((date, "voted percentile unchanged".to_string())),
            (Some(c), _) => Some((date, format!("voted percentile{}", change_text(Some(c))))),
            (None, Some(0.0)) => Some((date, "voted score unchanged".to_string())),
            (None, Some(d)) => Some((date, format!("voted score{}", score_change_text(Some(d))))),
            (None, None) => None,
        }
    })
}

#[component]
pub fn SquadTrendPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.with(|p| p.get("slug")).unwrap_or_default();
    let page = move || query.with(|q| q.get("page")).filter(|p| !p.is_empty());
    let data = Resource::new(move || (slug(), page()), |(s, p)| load_trend(s, p));
    view! {
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading the trend…"</p> }>
            {move || data.get().map(|result| match result {
                Err(e) => view! { <Title text="Trend"/><ErrorNotice e/> }.into_any(),
                Ok(d) => view! { <Trend slug=slug() data=d/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Trend(slug: String, data: TrendData) -> impl IntoView {
    let TrendData {
        squad_name,
        points,
        paged,
    } = data;
    // The squad's latest change is on its last page.
    let latest_change = latest_change(&points).filter(|_| paged.page == paged.pages);
    let on_scale = |scale: Scale| {
        points.iter().any(|p| {
            let (v, m) = scale.values(p);
            v.is_some() || m.is_some()
        })
    };
    let charts: Vec<Scale> = [Scale::Percentile, Scale::Score]
        .into_iter()
        .filter(|s| on_scale(*s))
        .collect();
    view! {
        <Title text=format!("Trend · {squad_name}")/>
        <p class="breadcrumb"><a href="/history">"Past checkpoints"</a>" / "<a href=format!("/squads/{slug}")><bdi>{squad_name.clone()}</bdi></a></p>
        <h1>"Trend · "<bdi>{squad_name.clone()}</bdi></h1>
        {if points.is_empty() {
            view! { <p class="empty-state">"This squad has no checkpoints yet."</p> }.into_any()
        } else {
            view! {
                {latest_change.map(|(date, what)| view! {
                    <p class="level-line" data-testid="trend-change">{format!("Since the previous checkpoint on the same scale ({date}): {what}")}</p>
                })}
                {charts.into_iter().map(|scale| view! { <TrendChart points=points.clone() scale/> }).collect_view()}
                <div class="table-scroll">
                <table class="data-table" data-testid="trend">
                    <caption>"Oldest first; the change is against the previous checkpoint with a result on the same scale (on this page or an earlier one)"</caption>
                    <thead><tr>
                        <th scope="col">"Date"</th><th scope="col">"Voted"</th><th scope="col">"Measured"</th>
                        {Question::ALL.into_iter().map(|q| view! { <th scope="col">{format!("{} (voted / measured)", q.title())}</th> }).collect_view()}
                        <th scope="col">"Summary"</th>
                    </tr></thead>
                    <tbody>
                        {points.into_iter().map(|p| {
                            let r = p.row.clone();
                            view! {
                                <tr>
                                    <th scope="row">{r.held_on.clone()}</th>
                                    <td>{result_text(r.edition, r.voted, r.voted_score)}{change_text(p.voted_change)}{score_change_text(p.voted_score_change)}</td>
                                    <td>{result_text(r.edition, r.measured, r.measured_score)}{change_text(p.measured_change)}{score_change_text(p.measured_score_change)}</td>
                                    {Question::ALL.into_iter().enumerate().map(|(i, q)| view! {
                                        <td>{format!("{} / {}", answer_label(q, r.voted_answers[i].as_deref()), answer_label(q, r.measured_answers[i].as_deref()))}</td>
                                    }).collect_view()}
                                    <td><a href=format!("/checkpoints/{}/summary", r.id)>{r.revision.map_or_else(|| "Draft".to_string(), |n| format!("Revision {n}"))}</a></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
                <Pager paged path=format!("/squads/{slug}/trend") filters=Vec::new() label="Pages of this trend"/>
            }.into_any()
        }}
    }
}
