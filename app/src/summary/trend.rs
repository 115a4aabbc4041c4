//! One squad across its checkpoints: level and percentile, voted and
//! measured, each metric's answers, and the change since the previous one.

use checkpoint_core::dora::Question;
use checkpoint_core::summary::answer_label;
use checkpoint_core::summary::history::{Paged, TrendPoint};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::history::maturity_text;
use super::pager::Pager;
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
    let latest_change = points
        .iter()
        .rev()
        .find_map(|p| p.voted_change.map(|c| (p.row.held_on.clone(), c)))
        .filter(|_| paged.page == paged.pages);
    view! {
        <Title text=format!("Trend · {squad_name}")/>
        <p class="breadcrumb"><a href="/history">"Past checkpoints"</a>" / "<a href=format!("/squads/{slug}")><bdi>{squad_name.clone()}</bdi></a></p>
        <h1>"Trend · "<bdi>{squad_name.clone()}</bdi></h1>
        {if points.is_empty() {
            view! { <p class="empty-state">"This squad has no checkpoints yet."</p> }.into_any()
        } else {
            view! {
                {latest_change.map(|(date, c)| view! {
                    <p class="level-line" data-testid="trend-change">{format!("Since the previous checkpoint ({date}): voted percentile{}", if c == 0 { " unchanged".to_string() } else { change_text(Some(c)) })}</p>
                })}
                <PercentileChart points=points.clone()/>
                <div class="table-scroll">
                <table class="data-table" data-testid="trend">
                    <caption>"Oldest first; the change is against the previous checkpoint with a result (on this page or an earlier one)"</caption>
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
                                    <td>{maturity_text(r.voted)}{change_text(p.voted_change)}</td>
                                    <td>{maturity_text(r.measured)}{change_text(p.measured_change)}</td>
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

/// Voted and measured percentiles over the checkpoints, as two lines.
#[component]
fn PercentileChart(points: Vec<TrendPoint>) -> impl IntoView {
    let n = points.len().max(2) - 1;
    let x = move |i: usize| 40.0 + 520.0 * i as f64 / n as f64;
    let y = |p: u8| 170.0 - 1.5 * f64::from(p);
    let line = |pick: fn(&TrendPoint) -> Option<u8>| {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| pick(p).map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let voted = line(|p| p.row.voted.map(|m| m.percentile));
    let measured = line(|p| p.row.measured.map(|m| m.percentile));
    let description = points
        .iter()
        .map(|p| {
            format!(
                "{}: voted {}, measured {}",
                p.row.held_on,
                maturity_text(p.row.voted),
                maturity_text(p.row.measured)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="trend-chart">
            <svg viewBox="0 0 600 200" role="img" aria-label=format!("Percentile by checkpoint. {description}")>
                {[0u8, 25, 50, 75, 100].into_iter().map(|p| view! {
                    <line x1="40" x2="560" y1=y(p) y2=y(p) class="grid"/>
                    <text x="34" y=y(p) + 4.0 text-anchor="end" class="axis">{p}</text>
                }).collect_view()}
                <polyline points=voted class="trend-voted" fill="none"/>
                <polyline points=measured class="trend-measured" fill="none"/>
                {points.iter().enumerate().map(|(i, p)| view! {
                    <text x=x(i) y="192" text-anchor="middle" class="axis">{p.row.held_on.clone()}</text>
                }).collect_view()}
            </svg>
            <figcaption><span class="key key-voted">"Voted"</span>" "<span class="key key-measured">"Measured"</span></figcaption>
        </figure>
    }
}
