//! The signed-in person's own account: changing their password.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::errors::FormError;

/// Any signed-in account may change its own password (no role decides it:
/// the current password does). Every other session of theirs ends.
#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, client_addr, form_error, require_user, session_token};
    let user = require_user().await?;
    app_context()?
        .store
        .change_password(
            &user,
            &current_password,
            &new_password,
            session_token().as_deref(),
            &client_addr(),
        )
        .await
        .map_err(form_error)
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = crate::auth::use_session();
    let change = ServerAction::<ChangePassword>::new();
    let done = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        <Transition fallback=|| ()>
            {move || session.user.get().and_then(Result::ok).flatten().map(|u| view! {
                <p class="muted">"Signed in as "<bdi>{u.username}</bdi>" · "{u.role.label()}</p>
            })}
        </Transition>
        <section class="card narrow" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <FormError result=change.value().into() form="change_password"/>
            <Show when=done>
                <p class="notice notice-ok" role="status">"Password changed. Your other sessions are signed out."</p>
            </Show>
            <ActionForm action=change attr:class="form" attr:aria-labelledby="password-heading">
                <label for="current-password">"Current password"</label>
                <input id="current-password" name="current_password" type="password" required autocomplete="current-password"/>
                <label for="new-password">"New password"</label>
                <input id="new-password" name="new_password" type="password" required minlength="10" maxlength="200" autocomplete="new-password" aria-describedby="new-password-hint"/>
                <p class="hint" id="new-password-hint">"At least 10 characters. Changing it signs you out everywhere else."</p>
                <button type="submit" class="button primary" disabled=change.pending()>"Change password"</button>
            </ActionForm>
        </section>
    }
}
