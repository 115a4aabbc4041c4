//! The squad proposes focus capabilities from their own screens; the
//! facilitator sees who proposed each and adds what the squad agrees on.
//! Participants only propose: adding and confirming stay the facilitator's.

use checkpoint_core::dora::catalog;
use checkpoint_core::live::capabilities::MAX_FOCUS;
use checkpoint_core::live::Command;
use leptos::prelude::*;

use super::controls::{CommandFields, Refused};
use super::link::{use_live, Control};

/// A catalog capability's name; the current editions name it as DORA's current catalog does.
pub fn focus_name(current: bool, k: &str) -> &'static str {
    match current {
        true => checkpoint_core::dora::current::catalog::from_legacy(k).map(|e| e.name),
        false => None,
    }
    .or_else(|| catalog::find(k).map(|e| e.name))
    .unwrap_or("unknown")
}

#[component]
pub fn FocusProposals() -> impl IntoView {
    let live = use_live();
    let facilitator = live.select(move |v| v.facilitator);
    let confirmed = live.select(move |v| v.capabilities.focus_confirmed);
    view! {
        <Show when=move || !confirmed.get()>
            {move || if facilitator.get() { view! { <SquadProposals/> }.into_any() } else { view! { <ProposeFocus/> }.into_any() }}
        </Show>
    }
}

/// The facilitator's list: each proposal, who proposed it, and "Add to the focus".
#[component]
fn SquadProposals() -> impl IntoView {
    let live = use_live();
    let current = live.peek(|v| v.info.benchmark.current().is_some());
    let proposals = live.select(move |v| (v.capabilities.proposals.clone(), v.capabilities.focus.clone()));
    let control = Control::new();
    view! {
        <div class="focus-proposals" data-testid="focus-proposals">
            <h4>"Proposed by the squad"</h4>
            {move || proposals.with(|(list, focus)| {
                if list.is_empty() {
                    return view! { <p class="muted small">"No proposals yet: participants can propose focus capabilities from their own screens."</p> }.into_any();
                }
                let full = focus.len() >= MAX_FOCUS;
                view! {
                    <ul class="proposal-list">
                        {list.iter().map(|(key, who)| {
                            let name = focus_name(current, key);
                            let in_focus = focus.contains(key);
                            let key = key.clone();
                            view! {
                                <li data-capability=key.clone()>
                                    <strong>{name}</strong>" — "
                                    <span class="muted">"proposed by "{who.iter().enumerate().map(|(i, n)| view! { {(i > 0).then_some(", ")}<bdi>{n.clone()}</bdi> }).collect_view()}</span>
                                    {(!in_focus && !full).then(|| {
                                        let k = key.clone();
                                        view! {
                                            <form method="post" action="/api/focus_command" class="inline" on:submit=move |ev| {
                                                if live.send_from(Some(control), Command::AddFocus { capability: k.clone() }, |_| {}) { ev.prevent_default(); }
                                            }>
                                                <input type="hidden" name="id" value=live.id()/>
                                                <input type="hidden" name="kind" value="add"/>
                                                <input type="hidden" name="capability" value=key.clone()/>
                                                <button type="submit" class="button small" aria-label=format!("Add {name} to the focus")>"Add to the focus"</button>
                                            </form>
                                        }
                                    })}
                                    {in_focus.then_some(view! { <span class="tag">"in the focus"</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <Refused control/>
        </div>
    }
}

/// A participant's proposals: what they proposed (to withdraw) and a pick from the catalog.
#[component]
fn ProposeFocus() -> impl IntoView {
    let live = use_live();
    let control = Control::new();
    let current = live.peek(|v| v.info.benchmark.current().is_some());
    let mine = live.select(move |v| v.capabilities.my_proposals.clone());
    let pick = RwSignal::new(String::new());
    view! {
        <div class="focus-proposals" data-testid="propose-focus">
            <h4>"Propose a focus"</h4>
            <p class="muted small">{format!("Propose up to {MAX_FOCUS}; the facilitator sees who proposed what and decides with the squad.")}</p>
            {move || {
                let list = mine.get();
                (!list.is_empty()).then(|| view! {
                    <ul class="proposal-list" data-testid="my-proposals">
                        {list.into_iter().map(|key| {
                            let name = focus_name(current, &key);
                            let k = key.clone();
                            view! {
                                <li>
                                    {name}
                                    <form method="post" action="/api/live_command" class="inline" on:submit=move |ev| {
                                        if live.send_from(Some(control), Command::ProposeFocus { capability: k.clone(), on: false }, |_| {}) { ev.prevent_default(); }
                                    }>
                                        <CommandFields kind="propose_focus"/>
                                        <input type="hidden" name="capability" value=key.clone()/>
                                        <input type="hidden" name="on" value="false"/>
                                        <button type="submit" class="button subtle small" aria-label=format!("Withdraw {name}")>"Withdraw"</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            <form method="post" action="/api/live_command" class="inline-form" on:submit=move |ev| {
                if live.send_from(Some(control), Command::ProposeFocus { capability: pick.get_untracked(), on: true }, |_| {}) { ev.prevent_default(); }
            }>
                <CommandFields kind="propose_focus"/>
                <input type="hidden" name="on" value="true"/>
                <label for="propose-pick">"Capability"</label>
                <select id="propose-pick" name="capability" required on:change=move |ev| pick.set(event_target_value(&ev))>
                    <option value="">"Choose a capability…"</option>
                    {catalog::CATALOG.iter().map(|e| view! { <option value=e.key>{focus_name(current, e.key)}</option> }).collect_view()}
                </select>
                <button type="submit" class="button">"Propose"</button>
                <Refused control/>
            </form>
        </div>
    }
}
