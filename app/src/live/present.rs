//! The projector view: the squad's board, large and read-only, following the
//! room live. It opens in its own tab beside the facilitator's room.

use checkpoint_core::board::NoteKind;
use checkpoint_core::live::View;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::link::use_live;
use super::link::{open_live, LinkIndicator, NotInRoom};
use super::live_view;
use crate::errors::error_text;

#[component]
pub fn PresentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let view = Resource::new(id, live_view);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Opening the board…"</p> }>
            {move || view.get().map(|result| match result {
                Ok(v) => view! { <Presenting initial=v/> }.into_any(),
                Err(e) => view! { <NotInRoom message=error_text(&e) id=id()/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Presenting(initial: View) -> impl IntoView {
    let live = open_live(initial);
    let info = live.select(move |v| v.info.clone());
    let steps = live.select(move |v| v.board.steps.clone());
    let note_count = live.select(move |v| v.board.notes.len());
    let has_steps = live.select(move |v| !v.board.steps.is_empty());
    view! {
        <Title text=move || format!("{} · path to production", info.get().squad_name)/>
        <div class="present">
            <header class="present-head">
                <h1><bdi>{move || info.get().squad_name}</bdi>" · path to production"</h1>
                <p class="muted">
                    {move || format!("{} · {} notes · ", info.get().held_on, note_count.get())}
                    <a href=move || format!("/checkpoints/{}", info.get().id)>"Back to the checkpoint"</a>
                </p>
                <LinkIndicator/>
            </header>
            <ul class="note-legend present-legend" aria-label="Kinds of note">
                {NoteKind::ALL.into_iter().map(|k| view! { <li class=format!("note-chip note-{}", k.id())><super::board::icon::NoteIcon kind=k/>" "{k.label()}</li> }).collect_view()}
            </ul>
            {move || if !has_steps.get() {
                view! { <p class="empty-state" data-testid="present-empty">"The squad has not mapped its flow yet. Steps and notes appear here as they are added."</p> }.into_any()
            } else {
                view! {
                    <ol class="board present-board" aria-label="Delivery flow" data-testid="present-board" tabindex="0">
                        <For each=move || steps.get() key=|s| (s.id.clone(), s.title.clone()) let:step>
                            <PresentColumn id=step.id title=step.title/>
                        </For>
                    </ol>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn PresentColumn(id: String, title: String) -> impl IntoView {
    let live = use_live();
    let step = StoredValue::new(id.clone());
    let notes = live.select(move |v| {
        v.board
            .notes
            .iter()
            .filter(|n| n.step == step.get_value())
            .cloned()
            .collect::<Vec<_>>()
    });
    let heading = format!("present-step-{id}");
    let labelled_by = heading.clone();
    view! {
        <li class="board-column" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            <ol class="notes">
                <For each=move || notes.get() key=|n| (n.id.clone(), n.version) let:note>
                    {
                        let id = note.id.clone();
                        // Totals exist only once the facilitator lets them show (or closed voting).
                        let dots = live.select(move |v| v.board.ranked.as_ref().and_then(|r| r.iter().find(|(n, _)| *n == id).map(|(_, d)| *d)));
                        view! {
                            <li class=format!("note note-{}", note.kind.id()) data-note=note.id.clone()>
                                <p class="note-kind"><super::board::icon::NoteIcon kind=note.kind/>" "{note.kind.label()}</p>
                                <p class="note-text">{note.text.clone()}</p>
                                {move || dots.get().map(|d| view! { <p class="note-dots">{checkpoint_core::summary::dots_text(d)}</p> })}
                            </li>
                        }
                    }
                </For>
            </ol>
        </li>
    }
}
