//! The capabilities stage on the projector: the three capabilities, how many
//! have rated, and the scores once the facilitator reveals them.

use checkpoint_core::live::{RatingPhase, Stage};
use leptos::prelude::*;

use crate::live::capabilities::{capability_name, CurrentScores, Scores};
use crate::live::link::use_live;

#[component]
pub(super) fn ProjectorCapabilities() -> impl IntoView {
    let live = use_live();
    let edition = live.peek(|v| v.info.benchmark);
    let current = edition.current().is_some();
    let recommended = live.select(move |v| v.capabilities.recommended.clone());
    let phase = live.select(move |v| v.capabilities.phase);
    let rated = live.select(move |v| (v.capabilities.done.len(), v.capabilities.expected));
    view! {
        <h2 id="stage-heading">{Stage::Capabilities.label_in(edition)}</h2>
        {move || match recommended.get() {
            None => view! { <p class="empty-state">"The capabilities follow once every question has its group answer."</p> }.into_any(),
            Some(rec) => view! {
                <ul class="projector-capabilities">
                    {rec.into_iter().map(|key| view! { <li>{capability_name(key, current)}</li> }).collect_view()}
                </ul>
                {move || match phase.get() {
                    RatingPhase::Rating => view! {
                        <p class="projector-count" data-testid="projector-rated-count">{move || { let (done, expected) = rated.get(); format!("{done} of {} done", expected.max(done)) }}</p>
                        <p class="projector-lead muted">"Ratings stay private until the facilitator reveals the scores."</p>
                    }.into_any(),
                    RatingPhase::Revealed if current => view! { <CurrentScores/> }.into_any(),
                    RatingPhase::Revealed => view! { <Scores/> }.into_any(),
                }}
            }.into_any(),
        }}
    }
}
