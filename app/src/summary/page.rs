//! The summary page: the summary, its revisions, highlights, finalising,
//! corrections and the exports.

use checkpoint_core::summary::{markdown::to_markdown, Summary, SummaryPage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::view::SummaryBody;
use crate::errors::FormError;
use crate::layout::ErrorNotice;
use crate::live::controls::confirm;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryData {
    pub page: SummaryPage,
    /// The reader runs this checkpoint or is an admin.
    pub can_edit: bool,
}

#[server(endpoint = "load_summary")]
pub async fn load_summary(id: String, revision: Option<u32>) -> Result<SummaryData, ServerFnError> {
    use crate::context::{app_context, into_server_error, reader_of_checkpoint};
    let ctx = app_context()?;
    let user = reader_of_checkpoint(&id).await?;
    let page = ctx.store.summary_page(&id, revision).await.map_err(into_server_error)?;
    let can_edit = match &user {
        Some(u) => ctx.store.may_write_summary(u, &id).await.is_ok(),
        None => false,
    };
    Ok(SummaryData { page, can_edit })
}

#[server(endpoint = "save_summary_highlights")]
pub async fn save_summary_highlights(id: String, highlights: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .save_highlights(&user, &id, &highlights)
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}/summary?saved=1"));
    Ok(())
}

#[server(endpoint = "finalise_summary")]
pub async fn finalise_summary(id: String, highlights: String) -> Result<u32, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let ctx = app_context()?;
    let n = ctx
        .store
        .finalise_summary(&user, &id, &highlights)
        .await
        .map_err(form_error)?;
    ctx.rooms.refresh(&id).await;
    leptos_axum::redirect(&format!("/checkpoints/{id}/summary"));
    Ok(n)
}

/// The corrected locked answers of a correction's form, one field per
/// question; a blank or missing field keeps the answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectedAnswers {
    #[serde(default)]
    pub lead_time: Option<String>,
    #[serde(default)]
    pub deploy_frequency: Option<String>,
    #[serde(default)]
    pub time_to_restore: Option<String>,
    #[serde(default)]
    pub change_failure_rate: Option<String>,
    #[serde(default)]
    pub rework_rate: Option<String>,
}

#[server(endpoint = "correct_summary")]
pub async fn correct_summary(
    id: String,
    highlights: String,
    reason: String,
    #[server(flatten)] corrected: CorrectedAnswers,
) -> Result<u32, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::dora::current::Metric;
    let user = require_user().await?;
    let fields = [
        (Metric::LeadTime, &corrected.lead_time),
        (Metric::DeployFrequency, &corrected.deploy_frequency),
        (Metric::TimeToRestore, &corrected.time_to_restore),
        (Metric::ChangeFailureRate, &corrected.change_failure_rate),
        (Metric::ReworkRate, &corrected.rework_rate),
    ];
    let answers: Vec<(Metric, &str)> = fields
        .iter()
        .filter_map(|(m, v)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (*m, v)))
        .collect();
    let n = app_context()?
        .store
        .correct_summary(&user, &id, &highlights, &reason, &answers)
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}/summary"));
    Ok(n)
}

#[component]
pub fn SummaryPageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let revision = move || query.with(|q| q.get("revision")).and_then(|r| r.parse::<u32>().ok());
    let data = Resource::new(move || (id(), revision()), |(id, rev)| load_summary(id, rev));
    view! {
        <Transition fallback=|| view! { <p class="muted" role="status">"Gathering the summary…"</p> }>
            {move || data.get().map(|result| match result {
                Err(e) => view! { <Title text="Summary"/><ErrorNotice e/> }.into_any(),
                Ok(d) => view! { <SummaryScreen data=d/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn SummaryScreen(data: SummaryData) -> impl IntoView {
    let SummaryData { page, can_edit } = data;
    let s = page.summary.clone();
    let c = s.checkpoint.clone();
    let id = c.id.clone();
    let latest = page.revisions.first().map(|r| r.revision);
    let finalised = latest.is_some();
    let query = use_query_map();
    let saved = move || query.with(|q| q.get("saved").is_some());
    view! {
        <Title text=format!("Summary · {} · {}", c.squad_name, c.held_on)/>
        <p class="breadcrumb"><a href=format!("/squads/{}", c.squad_slug)><bdi>{c.squad_name.clone()}</bdi></a>" / "<a href=format!("/checkpoints/{id}")>"checkpoint"</a>" / summary"</p>
        <h1><bdi>{c.squad_name.clone()}</bdi>{format!(" · {}", c.held_on)}</h1>
        <p class="muted">
            "Tribe "<bdi>{c.tribe.clone()}</bdi>" · facilitated by "<bdi>{c.facilitator.clone()}</bdi>{format!(" · DORA {} edition · {} participants", c.benchmark, s.participants)}
            {c.board_url.clone().map(|url| view! { " · "<a href=url rel="noopener noreferrer">"External board"</a> })}
        </p>
        <p class="status-line" data-testid="summary-status">
            {match (&s.revision, &s.finalised) {
                (Some(n), Some(f)) => format!("Finalised · revision {n} · {} by {}", f.at, f.by),
                _ => "Draft · not finalised yet".to_string(),
            }}
        </p>
        {s.finalised.as_ref().filter(|f| !f.reason.is_empty()).map(|f| view! { <p class="notice">{format!("Correction: {}", f.reason)}</p> })}
        {(page.newer_survey_responses > 0 && can_edit).then(|| view! {
            <p class="notice" role="status">{format!("{} survey responses arrived after this revision; a correction includes them.", page.newer_survey_responses)}</p>
        })}
        <Show when=saved><p class="notice notice-ok" role="status">"Highlights saved."</p></Show>
        <Exports summary=s.clone() revision=s.revision/>
        {can_edit.then(|| if finalised {
            view! { <Correction id=id.clone() summary=s.clone() next=latest.unwrap_or(1) + 1/> }.into_any()
        } else {
            view! { <HighlightsForm id=id.clone() highlights=s.highlights.clone()/> }.into_any()
        })}
        <SummaryBody summary=s.clone()/>
        <Revisions id=id.clone() page=page.clone()/>
    }
}

#[component]
fn HighlightsForm(id: String, highlights: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="edit-highlights">
            <h2 id="edit-highlights">"Highlights and finalising"</h2>
            <FormError result=Signal::derive(|| None::<Result<(), ServerFnError>>) form="save_summary_highlights"/>
            <FormError result=Signal::derive(|| None::<Result<(), ServerFnError>>) form="finalise_summary"/>
            <form method="post" action="/api/save_summary_highlights" class="form">
                <input type="hidden" name="id" value=id/>
                <label for="highlights">"Highlights"</label>
                <textarea id="highlights" name="highlights" rows="5" maxlength="4000" aria-describedby="highlights-hint">{crate::raw_text::raw_text(highlights)}</textarea>
                <p class="hint" id="highlights-hint">"What the squad wants leadership to read first. Blank lines separate paragraphs."</p>
                <div class="button-row">
                    <button type="submit" class="button">"Save highlights"</button>
                    <button type="submit" class="button primary" formaction="/api/finalise_summary" on:click=|ev| {
                        if !confirm("Finalise this summary? It will no longer change; a correction makes a new revision. The room stays open for the survey until you end the checkpoint.") { ev.prevent_default(); }
                    }>"Finalise the summary"</button>
                </div>
                <p class="hint">"Finalising freezes revision 1 for leadership. The room stays open: the survey still runs until you end the checkpoint, and later answers go into the next correction."</p>
            </form>
        </section>
    }
}

#[component]
fn Correction(id: String, summary: Summary, next: u32) -> impl IntoView {
    let highlights = summary.highlights.clone();
    view! {
        <details class="card correction">
            <summary>"Correct this summary"</summary>
            <p class="muted">{format!("A finalised summary does not change. A correction is saved as revision {next}, from the checkpoint's current data and these highlights; earlier revisions stay as they were.")}</p>
            <FormError result=Signal::derive(|| None::<Result<(), ServerFnError>>) form="correct_summary"/>
            <form method="post" action="/api/correct_summary" class="form">
                <input type="hidden" name="id" value=id/>
                <label for="correct-highlights">"Highlights"</label>
                <textarea id="correct-highlights" name="highlights" rows="5" maxlength="4000">{crate::raw_text::raw_text(highlights)}</textarea>
                <label for="correct-reason">"What does this correction change?"</label>
                <input id="correct-reason" name="reason" required maxlength="300" placeholder="Added the survey responses that came in later"/>
                <super::answer_correction::AnswerCorrections summary/>
                <button type="submit" class="button primary">{format!("Save as revision {next}")}</button>
            </form>
        </details>
    }
}

#[component]
fn Exports(summary: Summary, revision: Option<u32>) -> impl IntoView {
    let id = summary.checkpoint.id.clone();
    let suffix = revision.map(|n| format!("&revision={n}")).unwrap_or_default();
    let href = move |format: &str| format!("/api/v1/checkpoints/{id}/export?format={format}{suffix}");
    let markdown = to_markdown(&summary);
    let copied = RwSignal::new(None::<&'static str>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let md_for_copy = StoredValue::new(markdown.clone());
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let text = md_for_copy.get_value();
            wasm_bindgen_futures::spawn_local(async move {
                let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
                    return;
                };
                let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await;
                copied.set(Some(if done.is_ok() {
                    "Markdown copied to the clipboard."
                } else {
                    "The browser refused the clipboard; use the Markdown file instead."
                }));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (md_for_copy, copied);
    };
    view! {
        <section class="card exports" aria-labelledby="exports-heading">
            <h2 id="exports-heading">"Export"</h2>
            <div class="button-row">
                <button type="button" class="button primary" on:click=copy disabled=move || !hydrated.get()>"Copy as Markdown"</button>
                <a class="button" href=href("md") download="">"Markdown"</a>
                <a class="button" href=href("json") download="">"JSON"</a>
                <a class="button" href=href("html") target="_blank" rel="noopener">"HTML (print or save as PDF)"</a>
                <a class="button" href=href("csv&of=actions") download="">"Actions (CSV)"</a>
                <a class="button" href=href("csv&of=notes") download="">"Notes (CSV)"</a>
            </div>
            <p class="notice notice-ok" role="status" aria-live="polite" hidden=move || copied.get().is_none()>{move || copied.get()}</p>
            <details>
                <summary>"Markdown source"</summary>
                <label for="markdown-source" class="visually-hidden">"Markdown"</label>
                <textarea id="markdown-source" readonly rows="12" class="markdown-source">{crate::raw_text::raw_text(markdown)}</textarea>
            </details>
        </section>
    }
}

#[component]
fn Revisions(id: String, page: SummaryPage) -> impl IntoView {
    let shown = page.summary.revision;
    view! {
        <section aria-labelledby="revisions-heading">
            <h2 id="revisions-heading">"Revisions"</h2>
            {if page.revisions.is_empty() {
                view! { <p class="empty-state">"Not finalised yet: the summary follows the checkpoint as it changes."</p> }.into_any()
            } else {
                view! {
                    <ol class="revisions" reversed>
                        {page.revisions.iter().map(|r| {
                            let current = shown == Some(r.revision);
                            let label = format!("Revision {} · {} by {}", r.revision, r.at, r.by);
                            let reason = (!r.reason.is_empty()).then(|| format!(": {}", r.reason));
                            view! {
                                <li>
                                    {if current {
                                        view! { <strong aria-current="page">{label}</strong> }.into_any()
                                    } else {
                                        view! { <a href=format!("/checkpoints/{id}/summary?revision={}", r.revision)>{label}</a> }.into_any()
                                    }}
                                    {reason}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}
