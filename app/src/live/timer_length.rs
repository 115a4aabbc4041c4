//! A stage timer started for the length the facilitator types (1 to 120
//! minutes), beside the usual Start that runs the default length; shown to
//! the facilitator while the timer is not running.

use checkpoint_core::live::timer::{parse_minutes, MAX_START_MINUTES, MIN_START_MINUTES};
use checkpoint_core::live::{Command, Stage, TimerAction};
use leptos::prelude::*;

use super::controls::{CommandFields, Refused};
use super::link::{use_live, Control};

#[component]
pub fn StageTimerLength(stage: Stage) -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    let minutes = RwSignal::new(String::new());
    let input_id = format!("timer-minutes-{}", stage.id());
    let shown = live.select(move |v| {
        let timer = match stage.metric() {
            Some(q) => v.question(q).map(|x| x.timer),
            None => Some(v.capabilities.timer),
        };
        v.facilitator && timer.is_some_and(|t| !t.running())
    });
    view! {
        <Show when=move || shown.get()>
        <form method="post" action="/api/live_command" class="inline timer-length" on:submit=move |ev| {
            match parse_minutes(&minutes.get_untracked()) {
                Ok(m) => if live.send_from(Some(control), Command::Timer { stage, action: TimerAction::StartFor { minutes: m } }, |_| {}) { ev.prevent_default(); },
                Err(e) => { ev.prevent_default(); live.refuse(Some(control), e.message); }
            }
        }>
            <CommandFields kind="timer_start" stage/>
            <label for=input_id.clone() class="visually-hidden">{format!("Minutes for {}", stage.label())}</label>
            <input id=input_id.clone() name="minutes" type="number" inputmode="numeric" min=MIN_START_MINUTES max=MAX_START_MINUTES step="1" required placeholder="min" class="minutes-input"
                on:input=move |ev| minutes.set(event_target_value(&ev))/>
            <button type="submit" class="button subtle">"Start for"</button>
            <Refused control/>
        </form>
        </Show>
    }
}
