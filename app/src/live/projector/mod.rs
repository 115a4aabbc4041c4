//! The projector mode: what the squad sees on the shared screen for the whole
//! session. It follows the facilitator's stage, in large type, with no site
//! chrome and no control: the join code and QR code while people arrive, the
//! question and its live count, the reveal, the scores, the board. The
//! facilitator opens it in its own tab (or on the second screen).

mod board;
mod capabilities;
mod join;
mod question;

use checkpoint_core::live::{Stage, View};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::link::{open_projector, use_live, LinkIndicator, NotInRoom};
use crate::errors::error_text;

#[component]
pub fn ProjectorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let view = super::room_resources(id);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Opening the projector view…"</p> }>
            {move || view.get().map(|result| match result {
                Ok(v) => view! { <Projecting initial=v/> }.into_any(),
                Err(e) => view! { <NotInRoom message=error_text(&e) id=id()/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Projecting(initial: View) -> impl IntoView {
    let live = open_projector(initial);
    let info = live.select(move |v| v.info.clone());
    let stage = live.select(move |v| v.stage);
    let edition = live.peek(|v| v.info.benchmark);
    let online = live.select(move |v| v.people.iter().filter(|p| p.online).count());
    let code = live.select(move |v| v.join_code.clone());
    let stages: Vec<Stage> = Stage::all_in(edition).collect();
    let total = stages.len();
    let position = move || stages.iter().position(|s| *s == stage.get()).map_or(0, |i| i + 1);
    let arriving = move || matches!(stage.get(), Stage::Welcome | Stage::Scene);
    view! {
        <Title text=move || format!("{} · projector", info.get().squad_name)/>
        <div class="projector" data-testid="projector" data-stage=move || stage.get().id()>
            <header class="projector-head">
                <div>
                    <p class="projector-squad"><bdi>{move || info.get().squad_name}</bdi>{move || format!(" · {}", info.get().held_on)}</p>
                    <h1 data-testid="projector-stage">{move || stage.get().label_in(edition)}</h1>
                </div>
                <div class="projector-meta">
                    <span class="projector-step">{move || format!("Stage {} of {total}", position())}</span>
                    <span data-testid="projector-online">{move || format!("{} here", online.get())}</span>
                    // Latecomers still find the code in a corner of every stage.
                    {move || (!arriving()).then(|| code.get().map(|c| view! { <span class="projector-code">"Join: "<strong>{c}</strong></span> }))}
                    <LinkIndicator/>
                </div>
            </header>
            <main class="projector-body" aria-live="polite">
                {move || match stage.get() {
                    Stage::Welcome | Stage::Scene => view! { <join::ProjectorJoin/> }.into_any(),
                    Stage::Maturity if edition.current().is_some() => view! { <crate::live::stages::PerformanceStage/> }.into_any(),
                    Stage::Maturity => view! { <crate::live::stages::MaturityStage/> }.into_any(),
                    Stage::Capabilities => view! { <capabilities::ProjectorCapabilities/> }.into_any(),
                    Stage::Board => view! { <board::ProjectorBoard/> }.into_any(),
                    Stage::Summary => view! { <crate::summary::stage::SummaryStage/> }.into_any(),
                    Stage::Survey => view! { <ProjectorSurvey/> }.into_any(),
                    other => view! { <question::ProjectorQuestion question=other.metric().expect("a question stage")/> }.into_any(),
                }}
            </main>
            <p class="projector-back muted small"><a href=move || format!("/checkpoints/{}", info.get().id)>"Back to the checkpoint"</a></p>
        </div>
    }
}

#[component]
fn ProjectorSurvey() -> impl IntoView {
    let live = use_live();
    let responses = live.select(move |v| v.survey_responses);
    view! {
        <h2 id="stage-heading">"Survey"</h2>
        <p class="projector-lead">"Three short questions on your own screen. Answers are anonymous."</p>
        <p class="projector-count" data-testid="projector-survey-count">{move || match responses.get() {
            1 => "1 response so far".to_string(),
            n => format!("{n} responses so far"),
        }}</p>
    }
}
