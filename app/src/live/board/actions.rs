//! The actions the squad commits to, made from the top improvements.

use checkpoint_core::board::{Action, ActionStatus, NoteKind, MAX_ACTION_TITLE};
use checkpoint_core::dora::catalog::CATALOG;
use leptos::prelude::*;

use super::form::{new_id, BoardForm};
use crate::live::controls::{confirm, CarriedFrom};
use crate::live::link::use_live;

/// The improvements the squad commits to: owner, due date, capability.
#[component]
pub(super) fn Actions() -> impl IntoView {
    let live = use_live();
    // Memos throughout: these lists are drawn again only when they change, so
    // a choice half made in the form survives everyone else's changes.
    let actions = live.select(move |v| v.board.actions.clone());
    let facilitator = live.select(move |v| v.facilitator);
    let people = live.select(move |v| v.people.iter().map(|p| p.name.clone()).collect::<Vec<_>>());
    let improvements = live.select(move |v| {
        let ranked = v.board.ranked.clone().unwrap_or_default();
        let mut notes: Vec<(String, String, u32)> = v
            .board
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::Improvement)
            .map(|n| {
                (
                    n.id.clone(),
                    n.text.clone(),
                    ranked.iter().find(|(id, _)| *id == n.id).map_or(0, |(_, d)| *d),
                )
            })
            .collect();
        notes.sort_by_key(|n| std::cmp::Reverse(n.2));
        notes
    });
    view! {
        <section class="card actions" aria-labelledby="actions-heading">
            <h3 id="actions-heading">"Actions"</h3>
            {move || {
                let list = actions.get();
                if list.is_empty() {
                    view! { <p class="empty-state">"No actions yet. Turn the top improvements into actions with an owner and a due date."</p> }.into_any()
                } else {
                    view! {
                        <table class="data-table reflow" data-testid="actions">
                            <thead><tr><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th><th scope="col">"Capability"</th><th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Remove"</span></th></tr></thead>
                            <tbody>{list.into_iter().map(|a| view! { <ActionRow action=a facilitator=facilitator.get_untracked()/> }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
            <Show when=move || facilitator.get()>
                <NewAction improvements people/>
            </Show>
        </section>
    }
}

/// The facilitator's form for a new action. Empty again once the action is
/// saved (a refused one keeps what was typed); "From improvement" fills the
/// action's text from the note; a due date before today is allowed (an action
/// may be recorded late) and said so.
#[component]
fn NewAction(improvements: Memo<Vec<(String, String, u32)>>, people: Memo<Vec<String>>) -> impl IntoView {
    let fresh = RwSignal::new(new_id());
    let (note, title, owner, due, capability) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // What "From improvement" last put in the title: replaced by the next pick, unless edited.
    let prefilled = RwSignal::new(String::new());
    let clear = move |_: ()| {
        for field in [note, title, owner, due, capability, prefilled] {
            field.set(String::new());
        }
    };
    let today = crate::today::today();
    let past = move || crate::today::is_past(&due.get(), &today);
    let title_len = Memo::new(move |_| title.with(|t| t.chars().count()));
    let too_long = move || title_len.get() > MAX_ACTION_TITLE;
    view! {
        <BoardForm op="add_action" class="form add-action" label="New action".to_string() on_sent=move |_: ()| fresh.set(new_id()) on_saved=clear>
            <input type="hidden" name="action" value=move || fresh.get()/>
            <label for="action-from">"From improvement"</label>
            <select id="action-from" name="note" prop:value=move || note.get() on:change=move |ev| {
                let id = event_target_value(&ev);
                let text = improvements.with_untracked(|list| list.iter().find(|(n, _, _)| *n == id).map(|(_, t, _)| t.clone()));
                note.set(id);
                if let Some(text) = text {
                    if title.with_untracked(|t| t.is_empty() || *t == prefilled.get_untracked()) {
                        title.set(text.clone());
                        prefilled.set(text);
                    }
                }
            }>
                <option value="">"None"</option>
                {move || improvements.get().into_iter().map(|(id, text, _)| view! { <option value=id>{text}</option> }).collect_view()}
            </select>
            <label for="action-title">"Action"</label>
            <input id="action-title" name="title" required aria-describedby="action-title-count" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
            <span id="action-title-count" class="char-counter small" class:over-limit=too_long aria-live="polite">
                {move || match title_len.get() {
                    n if n > MAX_ACTION_TITLE => format!("{n} / {MAX_ACTION_TITLE}: {} too many, shorten it", n - MAX_ACTION_TITLE),
                    n => format!("{n} / {MAX_ACTION_TITLE}"),
                }}
            </span>
            <label for="action-owner">"Owner"</label>
            <input id="action-owner" name="owner" required maxlength="80" list="action-people" prop:value=move || owner.get() on:input=move |ev| owner.set(event_target_value(&ev))/>
            <datalist id="action-people">{move || people.get().into_iter().map(|p| view! { <option value=p/> }).collect_view()}</datalist>
            <label for="action-due">"Due"</label>
            <input id="action-due" name="due" type="date" aria-describedby="action-due-warning" prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev))/>
            <p id="action-due-warning" class="notice notice-warning small" role="status" hidden=move || !past() data-testid="due-past">"This date is in the past: the action will be recorded as overdue."</p>
            <label for="action-capability">"Capability it serves"</label>
            <select id="action-capability" name="capability" prop:value=move || capability.get() on:change=move |ev| capability.set(event_target_value(&ev))>
                <option value="">"None"</option>
                {CATALOG.iter().map(|e| view! { <option value=e.key>{e.name}</option> }).collect_view()}
            </select>
            <button type="submit" class="button primary" disabled=too_long>"Add action"</button>
        </BoardForm>
    }
}

#[component]
pub(super) fn ActionRow(action: Action, facilitator: bool) -> impl IntoView {
    let Action {
        id,
        title,
        owner,
        due,
        capability,
        status,
        carried_from,
        ..
    } = action;
    let capability_name = capability
        .as_deref()
        .and_then(checkpoint_core::dora::catalog::find)
        .map_or("—", |e| e.name);
    let status_id = format!("status-{id}");
    let (status_action, remove_action, volunteer_action) = (id.clone(), id.clone(), id);
    let remove_label = format!("Remove action: {title}");
    let volunteer_label = format!("Take on: {title}");
    // Only those running the checkpoint change the squad's actions; everyone
    // else may volunteer to own one.
    let (status_cell, last_cell) = if facilitator {
        (
            view! {
                <BoardForm op="action_status" class="inline" label=format!("Status of {title}")>
                    <input type="hidden" name="action" value=status_action/>
                    <label for=status_id.clone() class="visually-hidden">"Status"</label>
                    <select id=status_id name="status">
                        {ActionStatus::ALL.into_iter().map(|s| view! { <option value=s.id() selected=s == status>{s.label()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button small">"Set"</button>
                </BoardForm>
            }
            .into_any(),
            view! {
                <BoardForm op="remove_action" class="inline">
                    <input type="hidden" name="action" value=remove_action/>
                    <button type="submit" class="button small subtle" aria-label=remove_label on:click=|ev| {
                        if !confirm("Remove this action for everyone?") { ev.prevent_default(); }
                    }>"Remove"</button>
                </BoardForm>
            }
            .into_any(),
        )
    } else {
        (
            view! { <span>{status.label()}</span> }.into_any(),
            view! {
                <BoardForm op="volunteer" class="inline">
                    <input type="hidden" name="action" value=volunteer_action/>
                    <button type="submit" class="button small" aria-label=volunteer_label>"I'll take it"</button>
                </BoardForm>
            }
            .into_any(),
        )
    };
    view! {
        <tr>
            <th scope="row">{title.clone()}<CarriedFrom from=carried_from/></th>
            <td data-label="Owner"><bdi>{owner}</bdi></td>
            <td data-label="Due">{due.unwrap_or_else(|| "—".into())}</td>
            <td data-label="Capability">{capability_name}</td>
            <td data-label="Status">{status_cell}</td>
            <td>{last_cell}</td>
        </tr>
    }
}
