//! Past checkpoints for every signed-in user (viewers included): the
//! filterable list and the organisation's spread of levels by quarter.

use checkpoint_core::dora::current::AnyEdition;
use checkpoint_core::dora::Level;
use checkpoint_core::summary::history::{HistoryRow, Paged, QuarterSpread};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::pager::Pager;
use crate::layout::ErrorNotice;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryData {
    /// This page's checkpoints.
    pub rows: Vec<HistoryRow>,
    #[serde(flatten)]
    pub paged: Paged,
    /// Over every checkpoint the filters keep.
    pub spread: Vec<QuarterSpread>,
    /// Open, done, carried over, dropped, over every checkpoint the filters keep.
    pub actions: [usize; 4],
    pub tribes: Vec<String>,
    /// The squad select's choices: the squads, then the archived ones (whose
    /// history is still theirs to read).
    #[serde(default)]
    pub squads: Vec<checkpoint_core::squads::Squad>,
}

#[server(endpoint = "load_history")]
pub async fn load_history(
    tribe: Option<String>,
    squad: Option<String>,
    from: Option<String>,
    to: Option<String>,
    level: Option<String>,
    page: Option<String>,
) -> Result<HistoryData, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    use checkpoint_core::summary::history::{parse_page, HistoryFilter};
    require_user().await?;
    let store = &app_context()?.store;
    let filter = HistoryFilter::parse(
        tribe.as_deref(),
        squad.as_deref(),
        from.as_deref(),
        to.as_deref(),
        level.as_deref(),
    )
    .map_err(|e| into_server_error(e.into()))?;
    let page = parse_page(page.as_deref()).map_err(|e| into_server_error(e.into()))?;
    let found = store
        .checkpoint_history(&filter, page)
        .await
        .map_err(into_server_error)?;
    let tribes = store.list_tribes().await.map_err(into_server_error)?;
    let mut squads = store.list_squads().await.map_err(into_server_error)?;
    squads.extend(store.list_archived_squads().await.map_err(into_server_error)?);
    Ok(HistoryData {
        squads,
        rows: found.rows,
        paged: found.paged,
        spread: found.spread,
        actions: found.actions,
        tribes,
    })
}

/// "Elite 89" or "—".
pub fn maturity_text(m: Option<checkpoint_core::summary::Maturity>) -> String {
    m.map_or_else(
        || "—".to_string(),
        |m| format!("{} · {}", m.level.label(), m.percentile),
    )
}

/// A checkpoint's result on its edition's own scale, named: "Elite · 84
/// (2019)" or "score 6.4 (2025)"; "—" without one.
pub fn result_text(
    edition: AnyEdition,
    maturity: Option<checkpoint_core::summary::Maturity>,
    score: Option<f64>,
) -> String {
    match (edition.current(), maturity, score) {
        (Some(_), _, Some(s)) => format!("score {s:.1} ({})", edition.id()),
        (None, Some(m), _) => format!("{} ({})", maturity_text(Some(m)), edition.id()),
        _ => "—".to_string(),
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.with(|q| q.get(k)).filter(|v| !v.is_empty());
    let data = Resource::new(
        move || (q("tribe"), q("squad"), q("from"), q("to"), q("level"), q("page")),
        |(t, s, f, to, l, p)| load_history(t, s, f, to, l, p),
    );
    // The pages' links keep every filter but the page.
    let filters = move || -> Vec<(&'static str, Option<String>)> {
        ["tribe", "squad", "from", "to", "level"]
            .into_iter()
            .map(|k| (k, q(k)))
            .collect()
    };
    view! {
        <Title text="Past checkpoints"/>
        <h1>"Past checkpoints"</h1>
        <p class="muted">"Every squad's checkpoints: the voted result from the locked answers, the measured one from the finalised summary; each on its edition's scale (a level and percentile up to 2022, a score from 0 to 10 since 2024)."</p>
        <form method="get" class="form inline-form filter-form" aria-label="Filter checkpoints">
            <label for="h-tribe">"Tribe"</label>
            <input id="h-tribe" name="tribe" list="h-tribes" value=move || q("tribe")/>
            <Transition fallback=|| ()>
                <datalist id="h-tribes">
                    {move || data.get().and_then(Result::ok).map(|d| d.tribes.into_iter().map(|t| view! { <option value=t/> }).collect_view())}
                </datalist>
            </Transition>
            <label for="h-squad">"Squad"</label>
            <Transition fallback=move || view! { <select id="h-squad" name="squad"><option value="">"Any"</option></select> }>
                <select id="h-squad" name="squad" data-testid="history-squad">
                    <option value="">"Any"</option>
                    {move || data.get().and_then(Result::ok).map(|d| squad_options(d.squads, q("squad")))}
                </select>
            </Transition>
            <label for="h-from">"From"</label>
            <input id="h-from" name="from" type="date" value=move || q("from")/>
            <label for="h-to">"To"</label>
            <input id="h-to" name="to" type="date" value=move || q("to")/>
            <label for="h-level">"Level"</label>
            <select id="h-level" name="level">
                <option value="">"Any"</option>
                {Level::ALL.into_iter().map(|l| view! { <option value=l.id() selected=move || q("level").as_deref() == Some(l.id())>{l.label()}</option> }).collect_view()}
            </select>
            <button type="submit" class="button">"Filter"</button>
            <a href="/history" class="button">"Clear"</a>
        </form>
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading the history…"</p> }>
            {move || data.get().map(|result| match result {
                Err(e) => view! { <ErrorNotice e/> }.into_any(),
                Ok(d) if d.rows.is_empty() => view! {
                    <p class="empty-state">"No checkpoint matches. Clear the filters, or run a checkpoint from a squad's page."</p>
                }.into_any(),
                Ok(d) => view! {
                    <HistoryTable rows=d.rows paged=d.paged/>
                    <Pager paged=d.paged path="/history".to_string() filters=filters() label="Pages of past checkpoints"/>
                    <ActionProgress counts=d.actions/>
                    <Spread spread=d.spread/>
                }.into_any(),
            })}
        </Transition>
    }
}

/// The squad select's options, the chosen one selected; a slug from an old
/// link that is no squad's any more stays chosen, so the filter still shows.
fn squad_options(squads: Vec<checkpoint_core::squads::Squad>, chosen: Option<String>) -> impl IntoView {
    let chosen = chosen.filter(|c| !c.is_empty());
    let unknown = chosen.clone().filter(|c| !squads.iter().any(|s| s.slug == *c));
    view! {
        {squads.into_iter().map(|s| {
            let selected = chosen.as_deref() == Some(s.slug.as_str());
            let label = if s.archived { format!("{} · {} (archived)", s.name, s.tribe) } else { format!("{} · {}", s.name, s.tribe) };
            view! { <option value=s.slug selected=selected>{label}</option> }
        }).collect_view()}
        {unknown.map(|slug| { let label = slug.clone(); view! { <option value=slug selected=true>{label}</option> } })}
    }
}

#[component]
fn HistoryTable(rows: Vec<HistoryRow>, paged: Paged) -> impl IntoView {
    let first = paged.offset() + 1;
    let last = paged.offset() + rows.len() as i64;
    view! {
        <div class="table-scroll">
        <table class="data-table" data-testid="history">
            <caption>{format!("{} checkpoints, newest first; {first} to {last} here", paged.total)}</caption>
            <thead><tr>
                <th scope="col">"Date"</th><th scope="col">"Squad"</th><th scope="col">"Tribe"</th><th scope="col">"Status"</th>
                <th scope="col">"Voted"</th><th scope="col">"Measured"</th><th scope="col">"Actions done"</th><th scope="col">"Summary"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.held_on.clone()}</th>
                        <td><a href=format!("/squads/{}/trend", r.squad_slug)><bdi>{r.squad_name.clone()}</bdi></a></td>
                        <td><bdi>{r.tribe.clone()}</bdi></td>
                        <td>{r.status.label()}</td>
                        <td>{result_text(r.edition, r.voted, r.voted_score)}</td>
                        <td>{result_text(r.edition, r.measured, r.measured_score)}</td>
                        <td>{actions_text(r.actions)}</td>
                        <td><a href=format!("/checkpoints/{}/summary", r.id)>{r.revision.map_or_else(|| "Draft".to_string(), |n| format!("Revision {n}"))}</a></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

fn actions_text(counts: [usize; 4]) -> String {
    let total: usize = counts.iter().sum();
    if total == 0 {
        "—".to_string()
    } else {
        format!("{} of {total}", counts[1])
    }
}

/// How the actions agreed in the checkpoints the filters keep (on every page) have gone.
#[component]
fn ActionProgress(counts: [usize; 4]) -> impl IntoView {
    let total: usize = counts.iter().sum();
    view! {
        <section aria-labelledby="actions-progress-heading">
            <h2 id="actions-progress-heading">"Progress on actions"</h2>
            {if total == 0 {
                view! { <p class="empty-state">"No actions agreed in these checkpoints yet."</p> }.into_any()
            } else {
                let pct = |n: usize| (100.0 * n as f64 / total as f64).round();
                view! {
                    <p data-testid="action-progress">{format!("{} of {total} actions done ({} %), {} open, {} carried over, {} dropped.", counts[1], pct(counts[1]), counts[0], counts[2], counts[3])}</p>
                    <progress max=total.to_string() value=counts[1].to_string() aria-label="Actions done"></progress>
                }.into_any()
            }}
        </section>
    }
}

/// Levels across squads by quarter, as a table and as proportional bars.
#[component]
fn Spread(spread: Vec<QuarterSpread>) -> impl IntoView {
    view! {
        <section aria-labelledby="spread-heading">
            <h2 id="spread-heading">"Levels across squads by quarter"</h2>
            <p class="muted small">"Each squad counts once per quarter, at its latest checkpoint with all four answers locked."</p>
            {if spread.is_empty() {
                view! { <p class="empty-state">"No checkpoint here has all four answers locked yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table" data-testid="spread">
                        <thead><tr>
                            <th scope="col">"Quarter"</th>
                            {Level::ALL.into_iter().map(|l| view! { <th scope="col">{l.label()}</th> }).collect_view()}
                            <th scope="col">"Spread"</th>
                        </tr></thead>
                        <tbody>
                            {spread.into_iter().map(|s| {
                                let total: usize = s.counts.iter().sum::<usize>().max(1);
                                view! {
                                    <tr>
                                        <th scope="row">{s.quarter.clone()}</th>
                                        {s.counts.iter().map(|n| view! { <td>{*n}</td> }).collect_view()}
                                        <td>
                                            <svg class="spread-bar" viewBox="0 0 100 12" width="160" height="16" aria-hidden="true">
                                                {
                                                    let mut x = 0.0;
                                                    Level::ALL.into_iter().zip(s.counts).map(|(l, n)| {
                                                        let w = 100.0 * n as f64 / total as f64;
                                                        let rect = view! { <rect x=x y="0" width=w height="12" fill=checkpoint_core::dora::chart::level_colour(l)/> };
                                                        x += w;
                                                        rect
                                                    }).collect_view()
                                                }
                                            </svg>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
