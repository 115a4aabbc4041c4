//! Whether reveals name who chose what: the facilitator's switch (until the
//! first reveal, when it is fixed) and, for everyone, what the reveal shows.

use checkpoint_core::live::Command;
use leptos::prelude::*;

use crate::live::controls::{CommandFields, Refused};
use crate::live::link::{use_live, Control};

/// The facilitator's switch beside "Reveal", or a line saying it is fixed.
#[component]
pub fn AnonymitySwitch() -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    let state = live.select(move |v| (v.anonymous, v.revealed_once));
    view! {
        {move || {
            let (on, fixed) = state.get();
            if fixed {
                return view! { <span class="muted small" data-testid="anonymity-fixed">{if on { "Anonymous reveals (fixed at the first reveal)" } else { "Named reveals (fixed at the first reveal)" }}</span> }.into_any();
            }
            view! {
                <form method="post" action="/api/live_command" class="inline" on:submit=move |ev| {
                    if live.send_from(Some(control), Command::SetAnonymous { on: !on }, |_| {}) { ev.prevent_default(); }
                }>
                    <CommandFields kind="anonymous"/>
                    <input type="hidden" name="on" value=(!on).to_string()/>
                    <button type="submit" class="button subtle" aria-pressed=on.to_string() data-testid="anonymity-switch">
                        {if on { "Anonymous reveal is on" } else { "Reveal without names" }}
                    </button>
                    <Refused control/>
                </form>
            }.into_any()
        }}
    }
}

/// For everyone: the reveal shows counts, not who.
#[component]
pub fn AnonymityNote() -> impl IntoView {
    let live = use_live();
    let on = live.select(move |v| v.anonymous);
    view! {
        <Show when=move || on.get()>
            <p class="muted small anonymity-note" data-testid="anonymity-note">"Anonymous: the reveal shows how many chose each answer, never who."</p>
        </Show>
    }
}
