//! The welcome stage: the facilitator's welcome text and the review of the
//! squad's open actions from earlier checkpoints, which it shows.

use checkpoint_core::board::{Action, ActionStatus, ReviewItem};
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::live::controls::{CarriedFrom, NextStage};
use crate::live::link::use_live;

#[component]
pub fn WelcomeStage() -> impl IntoView {
    let live = use_live();
    let welcome = live.select(move |v| v.welcome.clone());
    let facilitator = live.select(move |v| v.facilitator);
    view! {
        <h2 id="stage-heading">"Welcome"</h2>
        <dl class="welcome">
            <dt>"Purpose"</dt><dd>{move || welcome.get().purpose}</dd>
            <dt>"Agenda"</dt><dd>{move || welcome.get().agenda}</dd>
            <dt>"Expected outcome"</dt><dd>{move || welcome.get().outcome}</dd>
            <dt>"Meeting principles"</dt><dd>{move || welcome.get().principles}</dd>
        </dl>
        <ActionReview/>
        <Show when=move || facilitator.get()>
            <details class="edit-welcome">
                <summary>"Edit the welcome text"</summary>
                <form method="post" action="/api/edit_welcome" class="form">
                    <input type="hidden" name="id" value=live.id()/>
                    <label for="w-purpose">"Purpose"</label>
                    <textarea id="w-purpose" name="purpose" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome.get().purpose)}</textarea>
                    <label for="w-agenda">"Agenda"</label>
                    <textarea id="w-agenda" name="agenda" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome.get().agenda)}</textarea>
                    <label for="w-outcome">"Expected outcome"</label>
                    <textarea id="w-outcome" name="outcome" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome.get().outcome)}</textarea>
                    <label for="w-principles">"Meeting principles"</label>
                    <textarea id="w-principles" name="principles" required maxlength="2000" rows="3">{move || crate::raw_text::raw_text(welcome.get().principles)}</textarea>
                    <button type="submit" class="button primary">"Save the welcome text"</button>
                </form>
            </details>
        </Show>
        <NextStage/>
    }
}

/// The review of the squad's open actions, loaded by the room's page itself
/// (at its top level, so that hydration finds the value the server rendered
/// with: made inside the welcome stage, a reload there sometimes failed to hydrate).
#[derive(Clone, Copy)]
pub struct PreviousActionsData(pub Resource<Result<Vec<ReviewItem>, ServerFnError>>);

/// Every action of the squad's earlier checkpoints still open or waiting to
/// be carried over, as the welcome stage reviews them.
#[server(endpoint = "previous_actions")]
pub async fn load_previous_actions(id: String) -> Result<Vec<ReviewItem>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_participant};
    require_participant(&id).await?;
    app_context()?.store.action_review(&id).await.map_err(into_server_error)
}

/// Sets the status of action `action` of the earlier checkpoint `from`;
/// carried over, it is copied into this checkpoint `id`.
#[server(endpoint = "review_action")]
pub async fn review_action(id: String, from: String, action: String, status: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let ctx = app_context()?;
    for changed in ctx
        .store
        .review_action(&user, &id, &from, &action, &status)
        .await
        .map_err(form_error)?
    {
        ctx.rooms.refresh(&changed).await;
    }
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(())
}

/// At the welcome stage: every action of the squad's earlier checkpoints
/// still open, marked done, carried over (copied into this checkpoint's
/// actions) or dropped by the facilitator.
#[component]
pub fn ActionReview() -> impl IntoView {
    let live = use_live();
    let review = ServerAction::<ReviewAction>::new();
    let data = expect_context::<PreviousActionsData>().0;
    // Read again after each review (not on the first run: the page's load has it).
    Effect::new(move |seen: Option<usize>| {
        let version = review.version().get();
        if seen.is_some_and(|s| s != version) {
            data.refetch();
        }
        version
    });
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().and_then(Result::ok).filter(|items| !items.is_empty()).map(|items| {
                let checkpoint = live.peek(|v| v.info.id.clone());
                view! {
                    <section class="card action-review" aria-labelledby="review-heading">
                        <h3 id="review-heading">"Open actions from earlier checkpoints"</h3>
                        <p class="muted small">"Done or dropped, they leave the list at the next checkpoint; carried over, they are copied into this checkpoint's actions."</p>
                        <crate::errors::FormError result=review.value().into() form="review_action"/>
                        <div class="table-scroll">
                        <table class="data-table" data-testid="action-review">
                            <thead><tr><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Due"</th><th scope="col">"Agreed at"</th><th scope="col">"Status"</th></tr></thead>
                            <tbody>
                                {items.into_iter().map(|item| view! { <ReviewRow checkpoint=checkpoint.clone() item review/> }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    </section>
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReviewRow(checkpoint: String, item: ReviewItem, review: ServerAction<ReviewAction>) -> impl IntoView {
    let facilitator = use_live().peek(|v| v.facilitator);
    let ReviewItem {
        checkpoint_id: from,
        held_on,
        action,
        copied_to,
    } = item;
    let Action {
        id,
        title,
        owner,
        due,
        status,
        carried_from,
        ..
    } = action;
    let select_id = format!("review-{from}-{id}");
    let status_label = format!("Status of {title}");
    let here = copied_to.as_deref() == Some(checkpoint.as_str());
    let origin_href = format!("/checkpoints/{from}/summary");
    let status_cell = match copied_to {
        // The copy is what moves on; its status is set on the board.
        Some(_) => view! { <span>{if here { "Carried over: in this checkpoint's actions" } else { "Carried over" }}</span> }.into_any(),
        None if facilitator => view! {
            <ActionForm action=review attr:class="inline">
                <input type="hidden" name="id" value=checkpoint/>
                <input type="hidden" name="from" value=from/>
                <input type="hidden" name="action" value=id/>
                <label for=select_id.clone() class="visually-hidden">{status_label}</label>
                <select id=select_id name="status">
                    {ActionStatus::ALL.into_iter().map(|s| view! { <option value=s.id() selected=s == status>{s.label()}</option> }).collect_view()}
                </select>
                <button type="submit" class="button small">"Set"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! { <span>{status.label()}</span> }.into_any(),
    };
    view! {
        <tr>
            <th scope="row">{title.clone()}<CarriedFrom from=carried_from/></th>
            <td><bdi>{owner}</bdi></td>
            <td>{due.unwrap_or_else(|| "—".into())}</td>
            <td><a href=origin_href>{held_on}</a></td>
            <td>{status_cell}</td>
        </tr>
    }
}
