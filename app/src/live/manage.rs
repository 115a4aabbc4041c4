//! Tidying a checkpoint (`/checkpoints/ID/manage`): removing a co-facilitator,
//! and deleting a checkpoint created by mistake. Those who run it and admins
//! only (the store asks the role table). A checkpoint with a finalised summary
//! is never deleted; any other is deleted only when its date is typed.

use checkpoint_core::checkpoints::CheckpointAdmin;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::errors::FormError;
use crate::layout::ErrorNotice;

#[server(endpoint = "load_checkpoint_admin")]
pub async fn load_checkpoint_admin(id: String) -> Result<CheckpointAdmin, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .checkpoint_admin(&user, &id)
        .await
        .map_err(into_server_error)
}

#[server(endpoint = "remove_co_facilitator")]
pub async fn remove_co_facilitator(id: String, username: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let ctx = app_context()?;
    ctx.store
        .remove_co_facilitator(&user, &id, &username)
        .await
        .map_err(form_error)?;
    // They no longer drive: the room's views say so at once.
    ctx.rooms.refresh(&id).await;
    Ok(())
}

#[server(endpoint = "delete_checkpoint")]
pub async fn delete_checkpoint(id: String, confirm: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    let ctx = app_context()?;
    let squad = ctx
        .store
        .checkpoint_admin(&user, &id)
        .await
        .map_err(form_error)?
        .squad_slug;
    ctx.store
        .delete_checkpoint(&user, &id, &confirm)
        .await
        .map_err(form_error)?;
    ctx.rooms.close(&id).await;
    leptos_axum::redirect(&format!("/squads/{squad}"));
    Ok(())
}

#[component]
pub fn ManageCheckpointPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let remove = ServerAction::<RemoveCoFacilitator>::new();
    let delete = ServerAction::<DeleteCheckpoint>::new();
    let data = Resource::new(
        move || (id(), remove.version().get()),
        |(id, _)| load_checkpoint_admin(id),
    );
    view! {
        <Title text="Manage the checkpoint"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || data.get().map(|result| match result {
                Err(e) => view! { <ErrorNotice e/> }.into_any(),
                Ok(c) => view! {
                    <p class="breadcrumb"><a href=format!("/squads/{}", c.squad_slug)><bdi>{c.squad_name.clone()}</bdi></a>" / "<a href=format!("/checkpoints/{}", c.id)>{c.held_on.clone()}</a></p>
                    <h1>"Manage the checkpoint of "{c.held_on.clone()}</h1>
                    <p class="muted">"Facilitated by "<bdi>{c.facilitator.clone()}</bdi>" · "{c.status.label()}</p>
                    <div class="manage-grid">
                        <CoFacilitators c=c.clone() remove/>
                        <DeleteCheckpointCard c delete/>
                    </div>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn CoFacilitators(c: CheckpointAdmin, remove: ServerAction<RemoveCoFacilitator>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="co-heading">
            <h2 id="co-heading">"Co-facilitators"</h2>
            <FormError result=remove.value().into() form="remove_co_facilitator"/>
            {if c.co_facilitators.is_empty() {
                view! { <p class="empty-state">"None. Add one from the checkpoint's facilitator controls."</p> }.into_any()
            } else {
                view! {
                    <ul class="co-facilitator-list">
                        {c.co_facilitators.into_iter().map(|name| {
                            let id = c.id.clone();
                            view! {
                            <li>
                                <bdi>{name.clone()}</bdi>
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="id" value=id/>
                                    <input type="hidden" name="username" value=name.clone()/>
                                    <button type="submit" class="button subtle small">"Remove"<span class="visually-hidden">" "<bdi>{name.clone()}</bdi>" as co-facilitator"</span></button>
                                </ActionForm>
                            </li>
                        }}).collect_view()}
                    </ul>
                    <p class="hint">"A removed co-facilitator stays a participant (their votes and notes are kept) but no longer drives the session."</p>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DeleteCheckpointCard(c: CheckpointAdmin, delete: ServerAction<DeleteCheckpoint>) -> impl IntoView {
    view! {
        <section class="card danger-zone" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete this checkpoint"</h2>
            {if c.finalised {
                view! {
                    <p data-testid="delete-refused">"This checkpoint has a finalised summary, so it cannot be deleted: its summary and its place in the squad's history are the record leaders read. Correct the summary instead."</p>
                }.into_any()
            } else {
                let hint = format!("Type {} to confirm.", c.held_on);
                view! {
                    <p>"For a checkpoint created by mistake. Deleting it removes its participants, votes, ratings, board, actions, survey answers and summary draft for good."</p>
                    <FormError result=delete.value().into() form="delete_checkpoint"/>
                    <ActionForm action=delete attr:class="form" attr:aria-labelledby="delete-heading">
                        <input type="hidden" name="id" value=c.id.clone()/>
                        <label for="delete-confirm">"The checkpoint's date"</label>
                        <input id="delete-confirm" name="confirm" required autocomplete="off" inputmode="numeric" aria-describedby="delete-hint" placeholder=c.held_on.clone()/>
                        <p class="hint" id="delete-hint">{hint}</p>
                        <button type="submit" class="button danger" disabled=delete.pending()>"Delete the checkpoint"</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}
