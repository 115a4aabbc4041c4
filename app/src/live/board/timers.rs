//! The board's activity timers, one per activity, held by the server.

use leptos::prelude::*;

use super::form::BoardForm;
use crate::live::link::use_live;

/// The board's three activities (mapping, improving, voting), each with a
/// shared timer held by the server.
#[component]
pub(super) fn ActivityTimers() -> impl IntoView {
    use checkpoint_core::board::ACTIVITIES;
    use checkpoint_core::live::timer::format_remaining;
    let live = use_live();
    let facilitator = live.select(move |v| v.facilitator);
    view! {
        <div class="activity-timers" role="group" aria-label="Activity timers">
            {ACTIVITIES.iter().enumerate().map(|(i, (label, _))| {
                let timer = live.select(move |v| v.board.timers[i]);
                let remaining = move || timer.get().remaining_ms(live.server_now());
                let running = move || timer.get().running();
                let button = move |action: &'static str, text: &'static str| view! {
                    <BoardForm op="timer" class="inline">
                        <input type="hidden" name="activity" value=i.to_string()/>
                        <input type="hidden" name="timer" value=action/>
                        <button type="submit" class="button small subtle" aria-label=format!("{text}: {label}")>{text}</button>
                    </BoardForm>
                };
                view! {
                    <div class="timer" role="timer" aria-label=format!("Time left for {label}")>
                        <span class="timer-label">{*label}</span>
                        <span class="timer-face" class:timer-done=move || running() && remaining() == 0 data-testid=format!("activity-timer-{i}")>{move || format_remaining(remaining())}</span>
                        <Show when=move || facilitator.get()>
                            {move || if running() { button("pause", "Pause") } else { button("start", "Start") }}
                            <Show when=move || !running()><super::timer_length::ActivityTimerLength activity=i label=*label/></Show>
                            {button("extend", "+5 min")}
                            {button("reset", "Reset")}
                        </Show>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
