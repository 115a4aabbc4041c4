//! How each failed deployment and each incident of the window is linked and
//! who sent it, on the squad metrics page; facilitators and admins relink or
//! unlink incidents here (issue 17, point 7).

use checkpoint_core::access::{allows, Action, Hat};
use checkpoint_core::measured::dates::format_date;
use checkpoint_core::measured::provenance::{
    describe_failure, describe_link, FailedDeployment, LinkedIncident, Provenance,
};
use leptos::prelude::*;

use super::link_choice::{IncidentLinkControls, LinkControls};
use crate::errors::FormError;

/// Whether the signed-in person may relink or unlink incidents.
fn may_choose() -> impl Fn() -> bool + Copy {
    let session = crate::auth::use_session();
    move || {
        session
            .user
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u| allows(Hat::of_role(u.role), Action::ChooseIncidentLink))
    }
}

/// One failed deployment in a list: why it failed and who sent it.
pub fn failure_line(d: &FailedDeployment) -> String {
    format!(
        "{} ({}, {}): {}; from {}",
        d.id,
        d.service,
        format_date(d.finished_at),
        describe_failure(d),
        d.source.describe()
    )
}

/// One incident in a list: how it is linked and who sent it.
pub fn incident_line(i: &LinkedIncident) -> String {
    format!(
        "{} ({}): {}; from {}",
        i.id,
        i.service,
        describe_link(i),
        i.source.describe()
    )
}

#[component]
pub fn LinkProvenance(squad: String, provenance: Provenance, controls: LinkControls) -> impl IntoView {
    let may_choose = may_choose();
    let Provenance {
        failed,
        incidents,
        recent,
    } = provenance;
    let squad = StoredValue::new(squad);
    view! {
        <section class="card link-provenance" aria-labelledby="links-heading">
            <h2 id="links-heading">"How failures and incidents are linked"</h2>
            <p class="muted">"An incident counts against the deployment its sender named, else the first deployment that carried the commit it named, else the service's latest deployment before impact began (inferred). A facilitator's relink or unlink wins over all three."</p>
            <FormError result=controls.action.value().into() form="choose_incident_link"/>
            <h3>"Failed deployments"</h3>
            {if failed.is_empty() {
                view! { <p class="empty-state">"No production deployment in this window failed or is tied to an incident."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Failed deployments">
                    <table class="data-table">
                        <thead><tr><th scope="col">"Deployment"</th><th scope="col">"Service"</th><th scope="col">"Finished"</th><th scope="col">"Why it counts as failed"</th><th scope="col">"Source"</th></tr></thead>
                        <tbody>{failed.into_iter().map(|d| view! {
                            <tr data-testid=format!("failed-{}", d.id)>
                                <th scope="row"><bdi>{d.id.clone()}</bdi></th>
                                <td><bdi>{d.service.clone()}</bdi></td>
                                <td class="nowrap">{format_date(d.finished_at)}</td>
                                <td class="link-how">{describe_failure(&d)}</td>
                                <td>{d.source.describe()}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
            <h3>"Incidents"</h3>
            {if incidents.is_empty() {
                view! { <p class="empty-state">"No incident began, was resolved or is tied to a deployment in this window."</p> }.into_any()
            } else {
                view! {
                    <datalist id="recent-deployments">
                        {recent.into_iter().map(|(id, service)| view! { <option value=id>{service}</option> }).collect_view()}
                    </datalist>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Incidents">
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">"Incident"</th><th scope="col">"Service"</th><th scope="col">"Impact began"</th><th scope="col">"Link"</th><th scope="col">"Source"</th>
                            <Show when=may_choose><th scope="col">"Change"</th></Show>
                        </tr></thead>
                        <tbody>{incidents.into_iter().map(|i| {
                            let row = i.clone();
                            view! {
                                <tr data-testid=format!("incident-{}", i.id)>
                                    <th scope="row"><bdi>{i.id.clone()}</bdi></th>
                                    <td><bdi>{i.service.clone()}</bdi></td>
                                    <td class="nowrap">{format_date(i.began_at)}</td>
                                    <td class="link-how">{describe_link(&i)}</td>
                                    <td>{i.source.describe()}</td>
                                    <Show when=may_choose>
                                        <td><IncidentLinkControls controls squad=squad.get_value() incident=row.clone()/></td>
                                    </Show>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The failed deployments or incidents behind one "why", as a short list.
#[component]
pub fn WhyList(lines: Vec<String>, #[prop(into)] heading: String) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        view! {
            <p class="why-list-heading">{heading}</p>
            <ul class="why-list">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
        }
    })
}
