//! The projector's board: every step of the squad's flow side by side, large
//! and read-only, following the room live.

use checkpoint_core::board::NoteKind;
use leptos::prelude::*;

use crate::live::board::icon::NoteIcon;
use crate::live::link::use_live;

#[component]
pub(super) fn ProjectorBoard() -> impl IntoView {
    let live = use_live();
    let steps = live.select(move |v| v.board.steps.clone());
    let note_count = live.select(move |v| v.board.notes.len());
    let has_steps = live.select(move |v| !v.board.steps.is_empty());
    view! {
        <div class="projector-board-head">
            <ul class="note-legend present-legend" aria-label="Kinds of note">
                {NoteKind::ALL.into_iter().map(|k| view! { <li class=format!("note-chip note-{}", k.id())><NoteIcon kind=k/>" "{k.label()}</li> }).collect_view()}
            </ul>
            <p class="muted">{move || match note_count.get() { 1 => "1 note".to_string(), n => format!("{n} notes") }}</p>
        </div>
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
                                <p class="note-kind"><NoteIcon kind=note.kind/>" "{note.kind.label()}</p>
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
