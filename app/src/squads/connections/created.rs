//! Right after creating a connection: its whole hook URL and secret (shown
//! only this once), each with a copy button, and the steps on the tool's
//! settings screen. PagerDuty makes its own secret: its form is here instead.

use checkpoint_core::connections::ConnectionKind;
use leptos::prelude::*;

use super::copy::CopyField;
use super::setup::{alertmanager_receiver, steps};
use super::CreatedConnection;

#[component]
pub fn Created(squad: String, new: CreatedConnection) -> impl IntoView {
    let kind = new.connection.kind;
    let snippet = (kind == ConnectionKind::Alertmanager)
        .then(|| alertmanager_receiver(&new.hook_url, new.secret.as_deref().unwrap_or_default()));
    view! {
        <div class="notice notice-ok new-connection" role="status" data-testid="new-connection">
            <p>{kind.label()}" connection "<strong><bdi>{new.connection.name.clone()}</bdi></strong>" created."
                {new.secret.is_some().then_some(" Copy its secret now: it is shown only this once.")}</p>
            <CopyField id="new-connection-url".into() label="Hook URL" value=new.hook_url.clone()/>
            {new.secret.clone().map(|secret| view! { <CopyField id="new-connection-secret".into() label="Secret" value=secret/> })}
            <p><strong>{format!("In {}:", kind.label())}</strong></p>
            <ol class="connection-steps">
                {steps(kind).into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            </ol>
            {snippet.map(|yaml| view! { <CopyField id="new-connection-yaml".into() label="Alertmanager receiver" value=yaml lines=10/> })}
            {(kind == ConnectionKind::Pagerduty).then(|| view! {
                <super::secret::SecretForm squad=squad.clone() id=new.connection.id.clone() prominent=true/>
            })}
        </div>
    }
}
