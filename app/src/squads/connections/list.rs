//! The squad's connections: tool and name, hook URL, mapping, who made it,
//! the last delivery, and the buttons to open its log or revoke it.

use checkpoint_core::connections::{Connection, ConnectionKind, Delivery};
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::copy::CopyButton;
use super::{when, ConnectionData, LOG_PARAM};
use crate::errors::error_text;
use crate::live::controls::confirm;

/// "accepted", "ignored", "refused" as a badge.
#[component]
pub fn OutcomeBadge(outcome: checkpoint_core::connections::Outcome) -> impl IntoView {
    view! { <span class=format!("outcome-badge outcome-{}", outcome.as_str())>{outcome.as_str()}</span> }
}

fn last_delivery(last: Option<Delivery>) -> AnyView {
    match last {
        None => view! { <span class="muted">"No deliveries yet"</span> }.into_any(),
        Some(d) => view! {
            <span class="nowrap">{when(d.received_at)}</span>" "<OutcomeBadge outcome=d.outcome/>
            <br/><span class="small">{format!("{}: ", d.event)}<bdi>{d.reason}</bdi></span>
        }
        .into_any(),
    }
}

#[component]
pub fn ConnectionTable(squad: String, data: ConnectionData) -> impl IntoView {
    let squad = StoredValue::new(squad);
    view! {
        <h3 id="connection-list-heading">"The squad’s connections"</h3>
        <Transition fallback=|| view! { <p class="muted">"Loading connections…"</p> }>
            {move || data.list.get().map(|result| match result {
                Err(e) => view! { <p class="notice notice-error" role="alert">{error_text(&e)}</p> }.into_any(),
                Ok(list) if list.connections.is_empty() => view! {
                    <p class="empty-state">"No connections yet. Create one for the forge that deploys the squad’s services and one for the tool that pages it."</p>
                }.into_any(),
                Ok(list) => view! {
                    <table class="data-table reflow connection-table" aria-labelledby="connection-list-heading">
                        <thead><tr>
                            <th scope="col">"Connection"</th><th scope="col">"Hook URL"</th><th scope="col">"Mapping"</th>
                            <th scope="col">"Created"</th><th scope="col">"Last delivery"</th><th scope="col">"Actions"</th>
                        </tr></thead>
                        <tbody>
                            {list.connections.into_iter().map(|c| view! { <ConnectionRow squad=squad.get_value() origin=list.origin.clone() c data/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ConnectionRow(squad: String, origin: String, c: Connection, data: ConnectionData) -> impl IntoView {
    let url = format!("{origin}{}", c.hook_path());
    let summary = c.options.summary(c.kind);
    let revoked = c.revoked_at;
    let log_href = format!("/squads/{squad}?{LOG_PARAM}={}#delivery-log", c.id);
    let aria = format!("Revoke {}", c.name);
    let question = format!(
        "Revoke the connection {}? Its deliveries are refused from then on; what it already delivered stays.",
        c.name
    );
    let (form_squad, form_id, form_name) = (squad.clone(), c.id.clone(), c.name.clone());
    let actions = match revoked {
        Some(at) => view! { <span class="muted">{format!("Revoked {}", when(at))}</span> }.into_any(),
        None => view! {
            <ActionForm action=data.revoke attr:class="inline-form" attr:aria-label=aria
                on:submit=move |ev| { if !confirm(&question) { ev.prevent_default(); } }>
                <input type="hidden" name="squad" value=form_squad.clone()/>
                <input type="hidden" name="id" value=form_id.clone()/>
                <button type="submit" class="button subtle danger">"Revoke "<bdi>{form_name.clone()}</bdi></button>
            </ActionForm>
            {(c.kind == ConnectionKind::Pagerduty).then(|| view! {
                <details class="connection-secret">
                    <summary>"Signing secret"</summary>
                    <super::secret::SecretForm squad=squad.clone() id=c.id.clone()/>
                </details>
            })}
        }
        .into_any(),
    };
    view! {
        <tr class:revoked=revoked.is_some() data-testid="connection-row">
            <td data-label="Connection"><strong><bdi>{c.name.clone()}</bdi></strong><br/><span class="muted small">{c.kind.label()}</span>
                {revoked.is_some().then(|| view! { " "<span class="role-badge">"revoked"</span> })}</td>
            <td data-label="Hook URL"><code class="hook-url">{url.clone()}</code>
                {revoked.is_none().then(|| view! { <br/><CopyButton text=url.clone() what=format!("hook URL of {}", c.name)/> })}</td>
            <td data-label="Mapping"><ul class="plain-list small">
                {summary.into_iter().map(|(k, v)| view! { <li>{format!("{k}: ")}<bdi>{v}</bdi></li> }).collect_view()}
            </ul></td>
            <td data-label="Created">{format!("{} by ", when(c.created_at))}<bdi>{c.created_by.clone()}</bdi></td>
            <td data-label="Last delivery">{last_delivery(c.last_delivery)}</td>
            <td data-label="Actions"><a class="button small" href=log_href>"Delivery log"</a>{actions}</td>
        </tr>
    }
}
