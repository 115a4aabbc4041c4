//! The controls every stage shares: the hidden fields of a plain command
//! form, one-button commands, the refusal shown beside a control, the
//! "next stage" button, a stage's countdown and the browser's `confirm()`.
//! Below the pages (stages, board, capabilities), above the link.

use checkpoint_core::board::ActionOrigin;
use checkpoint_core::dora::current::Metric;
use checkpoint_core::live::timer::format_remaining;
use checkpoint_core::live::{Command, Stage, TimerAction};
use leptos::prelude::*;

use super::link::{use_live, Control};

/// A browser `confirm()`; on the server (no JavaScript) there is nothing to ask.
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(true)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

/// The server's refusal of what `control` sent, shown beside it.
#[component]
pub(crate) fn Refused(control: Control) -> impl IntoView {
    let live = use_live();
    let message = move || {
        live.error.with(|e| {
            e.as_ref()
                .filter(|r| r.control == Some(control))
                .map(|r| r.message.clone())
        })
    };
    view! {
        <Show when=move || message().is_some()>
            <span class="refusal" role="alert" data-testid="refusal">{message}</span>
        </Show>
    }
}

/// Hidden fields every plain command form carries.
#[component]
pub(crate) fn CommandFields(
    kind: &'static str,
    #[prop(optional)] question: Option<Metric>,
    #[prop(optional)] stage: Option<Stage>,
) -> impl IntoView {
    let live = use_live();
    view! {
        <input type="hidden" name="id" value=live.id()/>
        <input type="hidden" name="kind" value=kind/>
        {question.map(|q| view! { <input type="hidden" name="question" value=q.id()/> })}
        {stage.map(|s| view! { <input type="hidden" name="stage" value=s.id()/> })}
    }
}

/// A one-button command: over the socket when connected, else a plain post.
#[component]
pub(crate) fn CommandButton(
    kind: &'static str,
    #[prop(optional)] question: Option<Metric>,
    #[prop(optional)] stage: Option<Stage>,
    command: Command,
    label: &'static str,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] confirm_when: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    view! {
        <form method="post" action="/api/live_command" class="inline" on:submit=move |ev| {
            if let Some(message) = confirm_when.and_then(|s| s.get_untracked()) {
                if !confirm(&message) { ev.prevent_default(); return; }
            }
            if live.send_from(Some(control), command.clone(), |_| {}) { ev.prevent_default(); }
        }>
            {match (question, stage) {
                (Some(question), _) => view! { <CommandFields kind question/> }.into_any(),
                (None, Some(stage)) => view! { <CommandFields kind stage/> }.into_any(),
                (None, None) => view! { <CommandFields kind/> }.into_any(),
            }}
            <button type="submit" class=format!("button {class}")>{label}</button>
            <Refused control/>
        </form>
    }
}

/// The facilitator's "next stage" button.
#[component]
pub fn NextStage() -> impl IntoView {
    let live = use_live();
    let next = live.select(move |v| v.stage.next_in(v.info.benchmark));
    let edition = live.select(move |v| v.info.benchmark);
    let facilitator = live.select(move |v| v.facilitator);
    let control = Control::new();
    view! {
        <Show when=move || facilitator.get() && next.get().is_some() && live.looking_at.get().is_none()>
            <form method="post" action="/api/live_command" class="next-stage" on:submit=move |ev| {
                if let Some(stage) = next.get() { if live.send_from(Some(control), Command::GoTo { stage }, |_| {}) { ev.prevent_default(); } }
            }>
                <CommandFields kind="go_to"/>
                <input type="hidden" name="stage" value=move || next.get().map(Stage::id).unwrap_or_default()/>
                <button type="submit" class="button primary">{move || format!("Next: {}", next.get().map(|s| s.label_in(edition.get())).unwrap_or_default())}</button>
                <Refused control/>
            </form>
        </Show>
    }
}

/// A stage's shared countdown, with the facilitator's controls.
#[component]
pub(crate) fn StageTimer(stage: Stage) -> impl IntoView {
    let live = use_live();
    let timer = live.select(move |v| {
        match stage.metric() {
            Some(q) => v.question(q).map(|x| x.timer),
            None => Some(v.capabilities.timer),
        }
        .expect("the stage has a timer")
    });
    let facilitator = live.select(move |v| v.facilitator);
    let remaining = move || timer.get().remaining_ms(live.server_now());
    let running = move || timer.get().running();
    let button = move |kind: &'static str, action: TimerAction, label: &'static str| {
        view! { <CommandButton kind stage command=Command::Timer { stage, action } label class="subtle"/> }
    };
    view! {
        <div class="timer" role="timer" aria-label=format!("Time left for {}", stage.label())>
            <span class="timer-face" class:timer-done=move || running() && remaining() == 0 data-testid="timer">{move || format_remaining(remaining())}</span>
            <span class="muted small">{move || if running() { "running" } else if timer.get().paused_remaining_ms.is_some() { "paused" } else { "not started" }}</span>
            <Show when=move || facilitator.get()>
                {move || if running() { button("timer_pause", TimerAction::Pause, "Pause") } else { button("timer_start", TimerAction::Start, "Start") }}
                {button("timer_extend", TimerAction::Extend { minutes: 5 }, "+5 min")}
                {button("timer_reset", TimerAction::Reset, "Reset")}
            </Show>
        </div>
    }
}

/// "carried over from the checkpoint of 2026-04-10 (first agreed 2026-01-10)".
pub fn origin_text(from: &[ActionOrigin]) -> Option<String> {
    let last = from.last()?;
    Some(match from.first().filter(|f| f.held_on != last.held_on) {
        Some(first) => format!(
            "carried over from the checkpoint of {} (first agreed {})",
            last.held_on, first.held_on
        ),
        None => format!("carried over from the checkpoint of {}", last.held_on),
    })
}

/// A link to the checkpoint an action was carried over from.
#[component]
pub fn CarriedFrom(from: Vec<ActionOrigin>) -> impl IntoView {
    let href = from.last().map(|o| format!("/checkpoints/{}/summary", o.checkpoint_id));
    origin_text(&from).map(|text| view! { <a class="carried-from small" href=href>{text}</a> })
}
