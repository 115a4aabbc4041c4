//! Joining a checkpoint with its code and a display name.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::errors::FormError;

#[server(endpoint = "join_checkpoint")]
pub async fn join_checkpoint(code: String, name: String) -> Result<String, ServerFnError> {
    use crate::context::{app_context, client_addr, form_error, participant_cookies, set_participant_cookie};
    let joined = app_context()?
        .store
        .join_checkpoint_with(&code, &name, &client_addr(), &participant_cookies())
        .await
        .map_err(form_error)?;
    set_participant_cookie(&joined.checkpoint_id, &joined.token);
    app_context()?.rooms.refresh(&joined.checkpoint_id).await;
    leptos_axum::redirect(&format!("/checkpoints/{}", joined.checkpoint_id));
    Ok(joined.checkpoint_id)
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let join = ServerAction::<JoinCheckpoint>::new();
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code")).unwrap_or_default();
    view! {
        <Title text="Join a checkpoint"/>
        <section class="card narrow" aria-labelledby="join-heading">
            <h1 id="join-heading">"Join a checkpoint"</h1>
            <p class="muted">"Your facilitator shows the code on their screen. No account needed: your name is only shown to the others in this checkpoint."</p>
            <FormError result=join.value().into() form="join_checkpoint"/>
            <ActionForm action=join attr:class="form" attr:aria-labelledby="join-heading">
                <label for="join-code">"Join code"</label>
                <input id="join-code" name="code" required autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="ABCD-EFGH" maxlength="12" value=code/>
                <label for="join-name">"Your name"</label>
                <input id="join-name" name="name" required maxlength="80" autocomplete="nickname"/>
                <button type="submit" class="button primary" disabled=join.pending()>{move || if join.pending().get() { "Joining…" } else { "Join" }}</button>
            </ActionForm>
        </section>
    }
}
