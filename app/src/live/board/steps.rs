//! The facilitator's editor of the flow's steps.

use checkpoint_core::board::Step;
use leptos::prelude::*;

use super::form::{new_id, BoardForm};
use crate::live::link::use_live;

/// Add, rename, reorder and remove steps.
#[component]
pub(super) fn StepEditor() -> impl IntoView {
    let live = use_live();
    // A Memo: the rename fields are drawn again only when the steps change.
    let steps = live.select(move |v| v.board.steps.clone());
    let fresh = RwSignal::new(new_id());
    view! {
        <details class="card step-editor">
            <summary>"Edit the steps"</summary>
            <ol>
                {move || { let all = steps.get(); let n = all.len(); all.into_iter().enumerate().map(|(i, step)| view! { <StepRow step i n/> }).collect_view() }}
            </ol>
            <BoardForm op="add_step" class="inline-form" label="Add a step".to_string() on_sent=move |_: ()| fresh.set(new_id())>
                <input type="hidden" name="step" value=move || fresh.get()/>
                <label for="new-step">"New step"</label>
                <input id="new-step" name="title" maxlength="60" required placeholder="Canary release"/>
                <button type="submit" class="button small">"Add step"</button>
            </BoardForm>
        </details>
    }
}

#[component]
pub(super) fn StepRow(step: Step, i: usize, n: usize) -> impl IntoView {
    let Step { id, title } = step;
    let rename_label = format!("Rename {title}");
    let input_id = format!("rename-{id}");
    let earlier = (i > 0).then(|| (id.clone(), format!("Move {title} earlier")));
    let later = (i + 1 < n).then(|| (id.clone(), format!("Move {title} later")));
    let remove_label = format!("Remove {title}");
    let (rename_step, remove_step) = (id.clone(), id.clone());
    view! {
        <li>
            <BoardForm op="rename_step" class="inline" label=rename_label>
                <input type="hidden" name="step" value=rename_step/>
                <label for=input_id.clone() class="visually-hidden">{format!("Name of step {}", i + 1)}</label>
                <input id=input_id name="title" value=title maxlength="60" required/>
                <button type="submit" class="button small">"Rename"</button>
            </BoardForm>
            {earlier.map(|(id, label)| view! { <StepMove id index=i - 1 label symbol="◀"/> })}
            {later.map(|(id, label)| view! { <StepMove id index=i + 1 label symbol="▶"/> })}
            <BoardForm op="remove_step" class="inline">
                <input type="hidden" name="step" value=remove_step/>
                <button type="submit" class="button small subtle" aria-label=remove_label>"Remove"</button>
            </BoardForm>
        </li>
    }
}

#[component]
pub(super) fn StepMove(id: String, index: usize, label: String, symbol: &'static str) -> impl IntoView {
    view! {
        <BoardForm op="move_step" class="inline">
            <input type="hidden" name="step" value=id/>
            <input type="hidden" name="index" value=index.to_string()/>
            <button type="submit" class="button small subtle" aria-label=label>{symbol}</button>
        </BoardForm>
    }
}
