//! Dot voting on improvements: the buttons on a note and the voting's panel.

use checkpoint_core::board::{DotsPhase, DEFAULT_BUDGET, DEFAULT_PER_NOTE};
use leptos::prelude::*;

use super::form::BoardForm;
use crate::live::link::use_live;

#[component]
pub(super) fn DotButton(note: String, add: bool, label: String) -> impl IntoView {
    view! {
        <BoardForm op="dot" class="inline">
            <input type="hidden" name="note" value=note/>
            <input type="hidden" name="add" value=add.to_string()/>
            <button type="submit" class=if add { "button small" } else { "button small subtle" } aria-label=label>{if add { "+ dot" } else { "− dot" }}</button>
        </BoardForm>
    }
}

/// Dot voting: the facilitator opens and closes it; afterwards the ranking.
#[component]
pub(super) fn Dots() -> impl IntoView {
    let live = use_live();
    let tally = live.select(move |v| {
        (
            v.board.dots_phase,
            v.board.used,
            v.board.budget,
            v.board.per_note,
            v.board.show_live,
        )
    });
    let phase = live.select(move |v| v.board.dots_phase);
    let facilitator = live.select(move |v| v.facilitator);
    // The ranking, with each note's text, once voting has closed.
    let ranking = live.select(move |v| {
        v.board
            .ranked
            .clone()
            .filter(|_| v.board.dots_phase == DotsPhase::Closed)
            .map(|ranked| {
                ranked
                    .into_iter()
                    .map(|(id, dots)| {
                        let title = v
                            .board
                            .notes
                            .iter()
                            .find(|n| n.id == id)
                            .map(|n| n.text.clone())
                            .unwrap_or_default();
                        (title, dots)
                    })
                    .collect::<Vec<_>>()
            })
    });
    view! {
        <section class="card dots" aria-labelledby="dots-heading">
            <h3 id="dots-heading">"Dot voting on improvements"</h3>
            {move || {
                let (dots_phase, used, budget, per_note, show_live) = tally.get();
                match dots_phase {
                    DotsPhase::NotStarted => view! { <p class="muted">"Not open yet. The facilitator opens it once the improvements are on the board."</p> }.into_any(),
                    DotsPhase::Open => view! {
                        <p data-testid="dots-left">{format!("You have used {} of {} dots (at most {} on one note).", used, budget, per_note)}</p>
                        {(!show_live).then(|| view! { <p class="muted small">"Counts stay hidden until voting closes."</p> })}
                    }.into_any(),
                    DotsPhase::Closed => view! { <p>"Voting closed."</p> }.into_any(),
                }
            }}
            {move || ranking.get().map(|ranked| view! {
                <ol class="ranking" data-testid="ranking">
                    {ranked.into_iter().map(|(title, dots)| view! { <li>{format!("{} · {}", title, checkpoint_core::summary::dots_text(dots))}</li> }).collect_view()}
                </ol>
            })}
            <Show when=move || facilitator.get()>
                // By phase only: the facilitator's half-typed settings survive others' changes.
                {move || if phase.get() == DotsPhase::Open {
                    view! { <BoardForm op="close_dots"><button type="submit" class="button primary">"Close voting"</button></BoardForm> }.into_any()
                } else {
                    view! {
                        <BoardForm op="open_dots" class="inline-form" label="Open dot voting".to_string()>
                            <label for="dots-budget">"Dots per person"</label>
                            <input id="dots-budget" name="budget" type="number" min="1" max="20" value=DEFAULT_BUDGET.to_string()/>
                            <label for="dots-per-note">"At most on one note"</label>
                            <input id="dots-per-note" name="per_note" type="number" min="1" max="20" value=DEFAULT_PER_NOTE.to_string()/>
                            <label class="checkbox"><input type="checkbox" name="show_live" value="on"/>" Show counts while voting"</label>
                            <button type="submit" class="button primary">{if phase.get_untracked() == DotsPhase::Closed { "Reopen voting" } else { "Open voting" }}</button>
                        </BoardForm>
                    }.into_any()
                }}
            </Show>
        </section>
    }
}
