//! Turning failures into words a person can act on.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The user-facing text of a server function error.
pub fn error_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(message) => message.clone(),
        ServerFnError::Request(_) => "Could not reach the server. Check your connection and try again.".to_string(),
        other => format!("Something went wrong: {other}"),
    }
}

/// A form's error: from the action (with JavaScript) or from `?error=` (a plain
/// form post that the server redirected back); `form` is the server function's
/// endpoint, so that of several forms on a page only the one that failed shows it.
#[component]
pub fn FormError<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, ServerFnError>>>,
    form: &'static str,
) -> impl IntoView {
    let query = use_query_map();
    let message = move || match result.get() {
        Some(Err(e)) => Some(error_text(&e)),
        Some(Ok(_)) => None,
        None => query.with(|q| {
            (q.get("error_in").as_deref() == Some(form))
                .then(|| q.get("error"))
                .flatten()
        }),
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="notice notice-error" role="alert">{message}</p>
        </Show>
    }
}
