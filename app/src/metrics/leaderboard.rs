//! The leaderboard: every squad's services per environment over a window,
//! sortable and filterable by tribe. A GET form and links, so it works
//! without JavaScript and every view has an address to share.

use checkpoint_core::dora::Question;
use checkpoint_core::measured::report::{answer_label, human_duration, LeaderboardRow};
use checkpoint_core::measured::Window;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::window_label;
use crate::layout::ErrorNotice;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    pub window: Window,
    pub rows: Vec<LeaderboardRow>,
    pub tribes: Vec<String>,
}

#[server(endpoint = "leaderboard")]
pub async fn load_leaderboard(
    from: Option<String>,
    to: Option<String>,
    tribe: Option<String>,
) -> Result<Leaderboard, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    use checkpoint_core::store::ServiceError;
    require_user().await?;
    let store = &app_context()?.store;
    let now = crate::context::now_ms();
    let window = super::window_from_dates(from.as_deref(), to.as_deref(), now)
        .map_err(|(field, message)| into_server_error(ServiceError::invalid(field, message)))?;
    let tribe = tribe.filter(|t| !t.is_empty());
    let rows = store
        .leaderboard(window, tribe.as_deref())
        .await
        .map_err(into_server_error)?;
    let tribes = store.list_tribes().await.map_err(into_server_error)?;
    Ok(Leaderboard {
        window: window.get(),
        rows,
        tribes,
    })
}

/// The sortable columns: (query key, heading).
const COLUMNS: [(&str, &str); 7] = [
    ("squad", "Squad"),
    ("tribe", "Tribe"),
    ("environment", "Environment"),
    ("service", "Service"),
    ("duration", "Average deployment duration"),
    ("deployments", "Deployments"),
    ("frequency", "Deployment frequency"),
];

fn frequency_rank(row: &LeaderboardRow) -> u8 {
    row.frequency_answer
        .as_deref()
        .and_then(|a| Question::DeployFrequency.answer(a))
        .map_or(0, |a| a.code())
}

/// Sorts by `key`; numbers and frequency best first by default, names A to Z.
pub fn sort_rows(rows: &mut [LeaderboardRow], key: &str, descending: bool) {
    rows.sort_by(|a, b| {
        let order = match key {
            "squad" => a.squad_name.to_lowercase().cmp(&b.squad_name.to_lowercase()),
            "tribe" => a.tribe.to_lowercase().cmp(&b.tribe.to_lowercase()),
            "environment" => a.environment.cmp(&b.environment),
            "service" => a.service.cmp(&b.service),
            // Untimed rows go last either way.
            "duration" => match (a.mean_duration_seconds, b.mean_duration_seconds) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
            "frequency" => frequency_rank(a).cmp(&frequency_rank(b)),
            _ => a.deployments.cmp(&b.deployments),
        };
        let order = if descending { order.reverse() } else { order };
        order
            .then_with(|| a.squad_name.cmp(&b.squad_name))
            .then_with(|| a.service.cmp(&b.service))
    });
}

/// The direction a column sorts in when first clicked.
fn natural_descending(key: &str) -> bool {
    matches!(key, "deployments" | "frequency")
}

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.with(|q| q.get(k)).filter(|v| !v.is_empty());
    let data = Resource::new(
        move || (q("from"), q("to"), q("tribe")),
        |(f, t, tribe)| load_leaderboard(f, t, tribe),
    );
    let sort_key = move || {
        q("sort")
            .filter(|k| COLUMNS.iter().any(|(c, _)| c == k))
            .unwrap_or_else(|| "deployments".to_string())
    };
    let descending = move || q("dir").map_or_else(|| natural_descending(&sort_key()), |d| d == "desc");
    // A heading's link keeps the filters and sorts by it (flipping when it already does).
    let sort_link = move |key: &str| {
        let dir = if sort_key() == key {
            if descending() {
                "asc"
            } else {
                "desc"
            }
        } else if natural_descending(key) {
            "desc"
        } else {
            "asc"
        };
        let mut pairs: Vec<(String, String)> = ["from", "to", "tribe"]
            .iter()
            .filter_map(|k| q(k).map(|v| (k.to_string(), v)))
            .collect();
        pairs.push(("sort".into(), key.to_string()));
        pairs.push(("dir".into(), dir.to_string()));
        format!(
            "/leaderboard?{}",
            pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        )
    };
    view! {
        <Title text="Leaderboard"/>
        <h1>"Deployment leaderboard"</h1>
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading the leaderboard…"</p> }>
            {move || data.get().map(|result| match result {
                Err(e) => view! { <ErrorNotice e/> }.into_any(),
                Ok(board) => {
                    let mut rows = board.rows.clone();
                    sort_rows(&mut rows, &sort_key(), descending());
                    let tribe = q("tribe").unwrap_or_default();
                    view! {
                        <form method="get" class="form inline-form window-form" aria-label="Filter the leaderboard">
                            <label for="lb-from">"From"</label>
                            <input id="lb-from" name="from" type="date" value=q("from")/>
                            <label for="lb-to">"To"</label>
                            <input id="lb-to" name="to" type="date" value=q("to")/>
                            <label for="lb-tribe">"Tribe"</label>
                            <select id="lb-tribe" name="tribe">
                                <option value="" selected=tribe.is_empty()>"All tribes"</option>
                                {board.tribes.iter().map(|t| view! { <option value=t.clone() selected=t.eq_ignore_ascii_case(&tribe)>{t.clone()}</option> }).collect_view()}
                            </select>
                            <input type="hidden" name="sort" value=sort_key()/>
                            <button type="submit" class="button">"Show"</button>
                        </form>
                        <p class="muted">{format!("{} ({} days). Every environment is listed; the four DORA metrics themselves count production only.", window_label(board.window), board.window.days())}</p>
                        {if rows.is_empty() {
                            view! { <p class="empty-state">"No deployments in this window"{(!tribe.is_empty()).then(|| format!(" for tribe {tribe}"))}". Pipelines send them with a squad's API token."</p> }.into_any()
                        } else {
                            view! {
                                <table class="data-table leaderboard">
                                    <thead><tr>
                                        {COLUMNS.iter().map(|(key, heading)| {
                                            let sorted = sort_key() == *key;
                                            let aria = if sorted { if descending() { "descending" } else { "ascending" } } else { "none" };
                                            view! { <th scope="col" aria-sort=aria><a href=sort_link(key)>{*heading}{sorted.then(|| if descending() { " ▼" } else { " ▲" })}</a></th> }
                                        }).collect_view()}
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr>
                                                <th scope="row"><a href=format!("/squads/{}/metrics", r.squad)><bdi>{r.squad_name.clone()}</bdi></a></th>
                                                <td><bdi>{r.tribe.clone()}</bdi></td>
                                                <td>{r.environment.clone()}</td>
                                                <td>{r.service.clone()}</td>
                                                <td>{r.mean_duration_seconds.map_or_else(|| "–".to_string(), human_duration)}</td>
                                                <td>{r.deployments}</td>
                                                <td>{answer_label(Question::DeployFrequency, r.frequency_answer.as_deref())}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(squad: &str, deployments: usize, duration: Option<f64>, frequency: Option<&str>) -> LeaderboardRow {
        LeaderboardRow {
            squad: squad.to_lowercase(),
            squad_name: squad.into(),
            tribe: "T".into(),
            environment: "production".into(),
            service: "api".into(),
            deployments,
            mean_duration_seconds: duration,
            frequency_answer: frequency.map(str::to_string),
        }
    }

    #[test]
    fn sorting_puts_untimed_rows_last_and_ranks_frequency_by_answer() {
        let mut rows = vec![
            row("A", 5, None, Some("daily_to_weekly")),
            row("B", 9, Some(60.0), Some("on_demand")),
            row("C", 1, Some(30.0), None),
        ];
        sort_rows(&mut rows, "duration", false);
        assert_eq!(
            rows.iter().map(|r| r.squad_name.as_str()).collect::<Vec<_>>(),
            ["C", "B", "A"]
        );
        sort_rows(&mut rows, "duration", true);
        assert_eq!(
            rows.iter().map(|r| r.squad_name.as_str()).collect::<Vec<_>>(),
            ["B", "C", "A"]
        );
        sort_rows(&mut rows, "frequency", true);
        assert_eq!(
            rows.iter().map(|r| r.squad_name.as_str()).collect::<Vec<_>>(),
            ["B", "A", "C"]
        );
        sort_rows(&mut rows, "deployments", true);
        assert_eq!(rows[0].squad_name, "B");
        assert_eq!(encode("Money & more"), "Money%20%26%20more");
    }
}
