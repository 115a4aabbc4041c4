//! The public quick check. The edition (`?benchmark=`, default 2025) picks the
//! model: the legacy four questions with a level and percentile, or the current
//! five (four in 2024) scored 0 to 10. Either is computed from the query string
//! with the shared core, so it works the same with JavaScript (client-side) and
//! without (server-rendered). Nothing is stored.

mod answer_radios;
mod current;
mod legacy;
mod percent_field;

use checkpoint_core::dora::current::{AnyEdition, Model};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where the answers are sent. Rendered on the server, the quick check is a
/// static page (`STATIC_PAGES`) whose form the browser submits itself, and
/// `#result` has it open the answer at the result, as on a phone it is below
/// the form. In the app, the router's `<Form>` appends the query to the action,
/// so the fragment would end up before it; there the result updates in place.
const FORM_ACTION: &str = if cfg!(feature = "ssr") {
    "/quick-check#result"
} else {
    "/quick-check"
};

#[component]
pub fn QuickCheckPage() -> impl IntoView {
    let query = use_query_map();
    // A memo, so that submitting answers re-renders the result, not the form.
    let edition = Memo::new(move |_| {
        query
            .with(|q| q.get("benchmark"))
            .and_then(|b| AnyEdition::from_id(&b))
            .unwrap_or_default()
    });
    view! {
        <Title text="Quick check"/>
        <h1>"DORA quick check"</h1>
        <EditionSwitch edition/>
        {move || match edition.get().model() {
            Model::Legacy(_) => view! { <legacy::LegacyCheck/> }.into_any(),
            Model::Current(e) => view! { <current::CurrentCheck edition=e/> }.into_any(),
        }}
    }
}

/// Plain links, so that switching works by keyboard and without JavaScript;
/// a switch starts a fresh check, as the questions differ.
#[component]
fn EditionSwitch(edition: Memo<AnyEdition>) -> impl IntoView {
    view! {
        <nav class="edition-switch" aria-labelledby="edition-switch-label">
            <span id="edition-switch-label" class="edition-switch-label">"Edition"</span>
            <ul>
                {AnyEdition::ALL.into_iter().rev().map(|e| {
                    let label = if e == AnyEdition::default() { format!("{} (default)", e.id()) } else { e.id().to_string() };
                    view! {
                        <li>
                            <a href=format!("/quick-check?benchmark={}", e.id())
                                aria-current=move || (edition.get() == e).then_some("page")>{label}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="muted small edition-summary">{move || edition.get().summary()}</p>
        </nav>
    }
}
