//! One connection's delivery log (the last 50, newest first), opened by
//! `?log=<id>` so it works as a plain link, with a refresh button.

use leptos::prelude::*;

use super::list::OutcomeBadge;
use super::{when, ConnectionData, LOG_PARAM};
use crate::errors::error_text;

#[component]
pub fn DeliveryLog(squad: String, data: ConnectionData) -> impl IntoView {
    let name_of = move |id: &str| {
        data.list
            .get()
            .and_then(Result::ok)
            .and_then(|l| l.connections.into_iter().find(|c| c.id == id))
            .map(|c| c.name)
            .unwrap_or_default()
    };
    let squad = StoredValue::new(squad);
    view! {
        <Transition fallback=|| ()>
            {move || data.log.get().map(|result| match result {
                Ok(None) => ().into_any(),
                Err(e) => view! { <p class="notice notice-error" role="alert" id="delivery-log">{error_text(&e)}</p> }.into_any(),
                Ok(Some((id, deliveries))) => {
                    let action = format!("/squads/{}", squad.get_value());
                    // A form without a fragment, not a link: going to the page already shown with a fragment only scrolls.
                    let refresh = move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        data.refresh.update(|n| *n += 1);
                    };
                    view! {
                        <div class="delivery-log" id="delivery-log" role="region" aria-labelledby="delivery-log-heading">
                            <h3 id="delivery-log-heading">"Delivery log: "<bdi>{name_of(&id)}</bdi></h3>
                            <p class="muted small">"The last 50 deliveries, newest first. An ignored one stored nothing and says why; a refused one (a wrong secret, a bad payload) stored nothing either."</p>
                            <form method="get" action=action class="button-row" on:submit=refresh>
                                <input type="hidden" name=LOG_PARAM value=id.clone()/>
                                <button type="submit" class="button small">"Refresh the log"</button>
                                <a class="button small subtle" href=format!("/squads/{}", squad.get_value())>"Close the log"</a>
                            </form>
                            {if deliveries.is_empty() {
                                view! { <p class="empty-state">"No deliveries yet. Once the tool’s webhook is saved, its first delivery (a ping or a test) appears here."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data-table reflow" aria-labelledby="delivery-log-heading">
                                        <thead><tr><th scope="col">"Received"</th><th scope="col">"Event"</th><th scope="col">"Delivery id"</th><th scope="col">"Outcome"</th><th scope="col">"Reason"</th></tr></thead>
                                        <tbody>
                                            {deliveries.into_iter().map(|d| view! {
                                                <tr>
                                                    <td data-label="Received" class="nowrap">{when(d.received_at)}</td>
                                                    <td data-label="Event"><code>{d.event}</code></td>
                                                    <td data-label="Delivery id"><code class="hook-url">{d.delivery.unwrap_or_else(|| "—".into())}</code></td>
                                                    <td data-label="Outcome"><OutcomeBadge outcome=d.outcome/></td>
                                                    <td data-label="Reason"><bdi>{d.reason}</bdi></td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
