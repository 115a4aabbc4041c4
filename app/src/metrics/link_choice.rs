//! A facilitator's controls over one incident's link on the squad metrics
//! page: relink to a deployment, unlink, back to automatic. Plain forms that
//! post to the server function, so they work without JavaScript too.

use checkpoint_core::measured::provenance::LinkedIncident;
use checkpoint_core::measured::LinkChoice;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::errors::error_text;

#[server(endpoint = "choose_incident_link")]
pub async fn choose_incident_link(
    squad: String,
    incident: String,
    choice: String,
    deployment: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::measured::ChoiceRequest;
    let user = require_user().await?;
    let request = ChoiceRequest::parse(&choice, deployment.as_deref()).map_err(|e| form_error(e.into()))?;
    app_context()?
        .store
        .choose_incident_link(&user, &squad, &incident, request)
        .await
        .map_err(form_error)
}

/// The page's one action and which incident it was last used on, so a
/// refusal shows beside that incident's controls.
#[derive(Clone, Copy)]
pub struct LinkControls {
    pub action: ServerAction<ChooseIncidentLink>,
    pub last: RwSignal<Option<String>>,
}

impl LinkControls {
    pub fn new() -> LinkControls {
        LinkControls {
            action: ServerAction::<ChooseIncidentLink>::new(),
            last: RwSignal::new(None),
        }
    }
}

impl Default for LinkControls {
    fn default() -> Self {
        LinkControls::new()
    }
}

#[component]
fn ChoiceForm(
    controls: LinkControls,
    squad: String,
    incident: String,
    choice: &'static str,
    label: &'static str,
) -> impl IntoView {
    let aria = format!("{label} {incident}");
    let form_aria = aria.clone();
    let submitted = incident.clone();
    view! {
        <ActionForm action=controls.action attr:class="inline-form" attr:aria-label=form_aria
            on:submit=move |_| controls.last.set(Some(submitted.clone()))>
            <input type="hidden" name="squad" value=squad/>
            <input type="hidden" name="incident" value=incident/>
            <input type="hidden" name="choice" value=choice/>
            <button type="submit" class="button subtle small" aria-label=aria>{label}</button>
        </ActionForm>
    }
}

/// Relink…, Unlink and (once a choice is set) Back to automatic, with the
/// refusal of the last attempt on this incident beside them.
#[component]
pub fn IncidentLinkControls(controls: LinkControls, squad: String, incident: LinkedIncident) -> impl IntoView {
    let id = incident.id.clone();
    let unlinked = matches!(incident.choice.as_ref().map(|c| &c.choice), Some(LinkChoice::Unlinked));
    let chosen = incident.choice.is_some();
    let field = format!(
        "relink-{}",
        incident.id.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let mine = id.clone();
    let refusal = move || {
        (controls.last.get().as_deref() == Some(mine.as_str()))
            .then(|| controls.action.value().get())
            .flatten()
            .and_then(Result::err)
            .map(|e| error_text(&e))
    };
    let submitted = id.clone();
    let relink_aria = format!("Relink {id}");
    let (relink_squad, relink_id) = (squad.clone(), id.clone());
    let (unlink_squad, unlink_id) = (squad.clone(), id.clone());
    let (auto_squad, auto_id) = (squad, id);
    view! {
        <div class="link-controls">
            <details class="relink">
                <summary>"Relink…"</summary>
                <ActionForm action=controls.action attr:class="inline-form" attr:aria-label=relink_aria
                    on:submit=move |_| controls.last.set(Some(submitted.clone()))>
                    <input type="hidden" name="squad" value=relink_squad/>
                    <input type="hidden" name="incident" value=relink_id/>
                    <input type="hidden" name="choice" value="relink"/>
                    <label for=field.clone()>"Deployment id"</label>
                    <input id=field.clone() name="deployment" required maxlength="200" list="recent-deployments" autocomplete="off"/>
                    <button type="submit" class="button small">"Relink"</button>
                </ActionForm>
            </details>
            {(!unlinked).then(|| view! { <ChoiceForm controls squad=unlink_squad incident=unlink_id choice="unlink" label="Unlink"/> })}
            {chosen.then(|| view! { <ChoiceForm controls squad=auto_squad incident=auto_id choice="automatic" label="Back to automatic"/> })}
            <Show when={let r = refusal.clone(); move || r().is_some()}>
                <p class="notice notice-error" role="alert">{refusal.clone()}</p>
            </Show>
        </div>
    }
}
