//! PagerDuty's signing secret, pasted after its webhook subscription is made
//! (it exists only then, and PagerDuty shows it once).

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::SetConnectionSecret;
use crate::errors::FormError;

/// Its own action, so a refusal shows beside this form only (with JavaScript).
#[component]
pub fn SecretForm(squad: String, id: String, #[prop(optional)] prominent: bool) -> impl IntoView {
    let set = ServerAction::<SetConnectionSecret>::new();
    let field = format!("connection-secret-{id}");
    let saved = move || matches!(set.value().get(), Some(Ok(())));
    view! {
        <ActionForm action=set attr:class=if prominent { "form" } else { "form inline-form" } attr:aria-label="PagerDuty signing secret">
            <input type="hidden" name="squad" value=squad/>
            <input type="hidden" name="id" value=id/>
            <label for=field.clone()>"Signing secret (from PagerDuty)"</label>
            <input id=field name="secret" required maxlength="200" autocomplete="off" spellcheck="false"/>
            <FormError result=set.value().into() form="set_connection_secret"/>
            <button type="submit" class="button" disabled=set.pending()>"Save the signing secret"</button>
            <p class="notice notice-ok small" role="status" hidden=move || !saved()>"Signing secret saved: PagerDuty’s deliveries are checked against it from now on."</p>
        </ActionForm>
    }
}
