//! The form that creates a connection: a tool, a name and the mapping
//! options that tool reads, blank meaning the defaults shown as placeholders.

use checkpoint_core::connections::ConnectionKind;
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::ConnectionData;
use crate::errors::FormError;

/// The option fields a kind reads (as `ConnectionOptions::summary` lists them).
fn reads(kind: ConnectionKind, field: &str) -> bool {
    use ConnectionKind::*;
    match field {
        "production_environments" | "incident_label" => matches!(kind, Github | Gitlab),
        "deploy_workflows" => kind == Github,
        "services" => matches!(kind, Github | Gitlab | Pagerduty),
        "service_label" | "matchers" => kind == Alertmanager,
        _ => false,
    }
}

fn services_label(kind: ConnectionKind) -> &'static str {
    match kind {
        ConnectionKind::Gitlab => "Projects → services (optional)",
        ConnectionKind::Pagerduty => "PagerDuty services → services (optional)",
        _ => "Repositories → services (optional)",
    }
}

/// One mapping option: shown only for the tools that read it, its default
/// as the placeholder, a hint under it.
#[component]
fn OptionField(
    kind: RwSignal<ConnectionKind>,
    /// The form field (an `OptionsForm` field).
    field: &'static str,
    id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    maxlength: &'static str,
    placeholder: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="connection-option" hidden=move || !reads(kind.get(), field)>
            <label for=id>{label}</label>
            <input id=id name=field maxlength=maxlength placeholder=placeholder aria-describedby=hint_id.clone()/>
            <p class="hint" id=hint_id>{hint}</p>
        </div>
    }
}

#[component]
pub fn CreateConnection(squad: String, data: ConnectionData) -> impl IntoView {
    let create = data.create;
    let kind = RwSignal::new(ConnectionKind::Github);
    // The secret is shown in the page that created it, which a plain form post
    // (redirected back) cannot do: creating needs JavaScript, or the CLI.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let squad_for_new = StoredValue::new(squad.clone());
    let cli = format!("checkpoint connection create --squad {squad} --kind github");
    let on_kind = move |ev: leptos::ev::Event| {
        if let Ok(k) = ConnectionKind::parse("kind", &event_target_value(&ev)) {
            kind.set(k);
        }
    };
    view! {
        <h3 id="new-connection-heading">"New connection"</h3>
        <FormError result=create.value().into() form="create_connection"/>
        {move || create.value().get().and_then(Result::ok).map(|new| view! { <super::created::Created squad=squad_for_new.get_value() new/> })}
        <ActionForm action=create attr:class="form connection-form" attr:aria-labelledby="new-connection-heading">
            <input type="hidden" name="squad" value=squad.clone()/>
            <label for="connection-kind">"Tool"</label>
            <select id="connection-kind" name="kind" on:change=on_kind>
                {ConnectionKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
            </select>
            <label for="connection-name">"Name (optional)"</label>
            <input id="connection-name" name="name" maxlength="80" placeholder=move || kind.get().label()/>
            <OptionField kind field="production_environments" id="connection-production" label="Production environments" maxlength="2000" placeholder="production, prod"
                hint="Deployments to these environments count; separate them by commas."/>
            <OptionField kind field="deploy_workflows" id="connection-workflows" label="Deploy workflows (optional)" maxlength="2000" placeholder="deploy.yml, Deploy to production"
                hint="Completed runs of these workflows (by name or file) count as deployments, for repositories that do not use GitHub deployments."/>
            <OptionField kind field="incident_label" id="connection-incident-label" label="Incident label" maxlength="200" placeholder="incident"
                hint="Issues with this label are incidents: opened opens one, closed resolves it."/>
            <OptionField kind field="services" id="connection-services" label=Signal::derive(move || services_label(kind.get())) maxlength="2000" placeholder="source=service"
                hint="Write each as source=service, separated by commas (octo/payments=payments-api); the others keep their own name."/>
            <OptionField kind field="service_label" id="connection-service-label" label="Service label" maxlength="200" placeholder="service"
                hint="The alert label that names the service."/>
            <OptionField kind field="matchers" id="connection-matchers" label="Alerts that count" maxlength="2000" placeholder="severity=critical"
                hint="Label matchers an alert must all satisfy (label=value or label!=value, separated by commas)."/>
            <button type="submit" class="button primary" disabled=move || !hydrated.get() || create.pending().get()>"Create connection"</button>
        </ActionForm>
        <noscript><p class="hint">"Creating a connection needs JavaScript, because its secret is shown only once, in this page. Without it, run "<code>{cli}</code>"."</p></noscript>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkpoint_core::connections::ConnectionOptions;

    #[test]
    fn the_form_asks_for_exactly_the_options_each_kind_reads() {
        // As many fields as the summary shows lines for that kind.
        for kind in ConnectionKind::ALL {
            let asked = [
                "production_environments",
                "deploy_workflows",
                "incident_label",
                "services",
                "service_label",
                "matchers",
            ]
            .into_iter()
            .filter(|f| reads(kind, f))
            .count();
            assert_eq!(asked, ConnectionOptions::default().summary(kind).len(), "{kind:?}");
        }
    }
}
