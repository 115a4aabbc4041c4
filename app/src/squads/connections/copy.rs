//! A value to paste into another tool: shown in a read-only field (selectable
//! without JavaScript) with a button that copies it once the page is hydrated.

use leptos::prelude::*;

/// A button that copies `text`; `what` names it for the button and its status ("hook URL").
#[component]
pub fn CopyButton(text: String, what: String) -> impl IntoView {
    let copied = RwSignal::new(None::<String>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let thing = what.clone();
    let copy = move |_| {
        let thing = thing.clone();
        crate::clipboard::copy(text.clone(), move |ok| {
            copied.set(Some(if ok {
                format!("Copied the {thing}.")
            } else {
                format!("The browser refused the clipboard; select the {thing} instead.")
            }))
        })
    };
    view! {
        <button type="button" class="button small" on:click=copy disabled=move || !hydrated.get()>{format!("Copy the {what}")}</button>
        <span class="copy-status small" role="status" aria-live="polite">{move || copied.get()}</span>
    }
}

/// A labelled read-only field and its copy button; `lines` makes it a text area (a snippet).
#[component]
pub fn CopyField(
    id: String,
    label: &'static str,
    value: String,
    #[prop(optional)] lines: Option<usize>,
) -> impl IntoView {
    let field = match lines {
        Some(rows) => view! { <textarea id=id.clone() class="token-secret copy-snippet" readonly rows=rows.to_string()>{value.clone()}</textarea> }.into_any(),
        None => view! { <input id=id.clone() class="token-secret" readonly value=value.clone()/> }.into_any(),
    };
    view! {
        <div class="copy-field">
            <label for=id>{label}</label>
            {field}
            <p class="button-row"><CopyButton text=value what=label.to_lowercase()/></p>
        </div>
    }
}
