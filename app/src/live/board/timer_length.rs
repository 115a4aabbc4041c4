//! A board activity's timer started for the length the facilitator types.

use checkpoint_core::live::timer::{MAX_START_MINUTES, MIN_START_MINUTES};
use leptos::prelude::*;

use super::form::BoardForm;

#[component]
pub(super) fn ActivityTimerLength(activity: usize, label: &'static str) -> impl IntoView {
    let input_id = format!("activity-minutes-{activity}");
    view! {
        <BoardForm op="timer" class="inline timer-length">
            <input type="hidden" name="activity" value=activity.to_string()/>
            <input type="hidden" name="timer" value="start"/>
            <label for=input_id.clone() class="visually-hidden">{format!("Minutes for {label}")}</label>
            <input id=input_id name="minutes" type="number" inputmode="numeric" min=MIN_START_MINUTES max=MAX_START_MINUTES step="1" required placeholder="min" class="minutes-input"/>
            <button type="submit" class="button small subtle" aria-label=format!("Start for the minutes typed: {label}")>"Start for"</button>
        </BoardForm>
    }
}
