//! A squad's checkpoints: the list on its page and the form that creates one.

use checkpoint_core::checkpoints::CheckpointSummary;
use checkpoint_core::dora::current::AnyEdition;
use checkpoint_core::live::CheckpointStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::errors::{error_text, FormError};

#[server(endpoint = "list_checkpoints")]
pub async fn list_checkpoints(squad: String) -> Result<Vec<CheckpointSummary>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    require_user().await?;
    app_context()?
        .store
        .list_checkpoints(&squad)
        .await
        .map_err(into_server_error)
}

#[server(endpoint = "create_checkpoint")]
pub async fn create_checkpoint(
    squad: String,
    held_on: String,
    board_url: Option<String>,
    benchmark: Option<String>,
    #[server(default)] anonymous: Option<String>,
) -> Result<String, ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    use checkpoint_core::checkpoints::{checkbox, CheckpointForm};
    let user = require_user().await?;
    let mut form = CheckpointForm::parse(&held_on, board_url.as_deref(), benchmark.as_deref())
        .map_err(|e| form_error(e.into()))?;
    form.anonymous = checkbox(anonymous.as_deref());
    let id = app_context()?
        .store
        .create_checkpoint(&user, &squad, form)
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(id)
}

/// The section's action and list, made at the top of the squad page (as
/// `TokenData` is): a resource made inside another resource's view can get a
/// sibling's server-rendered value during hydration.
#[derive(Clone, Copy)]
pub struct CheckpointListData {
    create: ServerAction<CreateCheckpoint>,
    list: Resource<Result<Vec<CheckpointSummary>, ServerFnError>>,
}

impl CheckpointListData {
    pub fn new(squad: impl Fn() -> String + Send + Sync + 'static) -> CheckpointListData {
        let create = ServerAction::<CreateCheckpoint>::new();
        let list = Resource::new(
            move || (squad(), create.version().get()),
            |(squad, _)| list_checkpoints(squad),
        );
        CheckpointListData { create, list }
    }
}

/// The checkpoints section of a squad's page.
#[component]
pub fn SquadCheckpoints(squad: String, can_manage: bool, data: CheckpointListData) -> impl IntoView {
    let CheckpointListData { create, list } = data;
    view! {
        <section class="card" aria-labelledby="checkpoints-heading">
            <h2 id="checkpoints-heading">"Checkpoints"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading checkpoints…"</p> }>
                {move || list.get().map(|result| match result {
                    Err(e) => view! { <p class="notice notice-error">{error_text(&e)}</p> }.into_any(),
                    Ok(items) if items.is_empty() => view! {
                        <p class="empty-state">{if can_manage { "No checkpoints yet. Create the first one below; you will get a join code to share with the squad." } else { "No checkpoints yet for this squad." }}</p>
                    }.into_any(),
                    Ok(items) => view! {
                        <div class="table-scroll">
                        <table class="data-table" data-testid="checkpoint-list">
                            <thead><tr><th scope="col">"Date"</th><th scope="col">"Status"</th><th scope="col">"Facilitator"</th><th scope="col">"Participants"</th>{can_manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}</tr></thead>
                            <tbody>
                                {items.into_iter().map(|c| view! {
                                    <tr>
                                        <td><a href=format!("/checkpoints/{}", c.id)>{c.held_on.clone()}</a></td>
                                        <td><span class=format!("status-pill status-{}", c.status.id())>{c.status.label()}</span></td>
                                        <td><bdi>{c.facilitator.clone()}</bdi>{(!c.co_facilitators.is_empty()).then(|| view! { " with "{c.co_facilitators.iter().enumerate().map(|(i, n)| view! { {(i > 0).then_some(", ")}<bdi>{n.clone()}</bdi> }).collect_view()} })}</td>
                                        <td>{c.participants}</td>
                                        {can_manage.then(|| view! {
                                            <td class="row-actions">
                                                <a class="button subtle small" href=format!("/checkpoints/{}/manage", c.id) aria-label=format!("Manage the checkpoint of {}", c.held_on)>"Manage"</a>
                                                // Any facilitator or admin may end a checkpoint left open.
                                                {(c.status != CheckpointStatus::Finished).then(|| view! {
                                                    <form method="post" action="/api/set_checkpoint_status" class="inline">
                                                        <input type="hidden" name="id" value=c.id.clone()/>
                                                        <input type="hidden" name="status" value="finished"/>
                                                        <button type="submit" class="button subtle small" aria-label=format!("End the checkpoint of {}", c.held_on)>"End"</button>
                                                    </form>
                                                })}
                                            </td>
                                        })}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                })}
            </Transition>
            {can_manage.then(|| view! {
                <h3 id="new-checkpoint-heading">"New checkpoint"</h3>
                <FormError result=create.value().into() form="create_checkpoint"/>
                <ActionForm action=create attr:class="form" attr:aria-labelledby="new-checkpoint-heading">
                    <input type="hidden" name="squad" value=squad.clone()/>
                    <label for="cp-date">"Date"</label>
                    <input id="cp-date" name="held_on" type="date" required value=crate::today::today()/>
                    <label for="cp-board">"External board link (optional)"</label>
                    <input id="cp-board" name="board_url" type="url" maxlength="500" placeholder="https://"/>
                    <EditionPicker/>
                    <label class="checkbox" for="cp-anonymous">
                        <input id="cp-anonymous" name="anonymous" type="checkbox" value="on" aria-describedby="cp-anonymous-hint"/>
                        " Anonymous reveals"
                    </label>
                    <p id="cp-anonymous-hint" class="hint">"The votes show how many chose each answer, never who, on every screen and in the exports: nobody anchors on a senior's answer. You can change it in the room until the first reveal."</p>
                    <button type="submit" class="button primary" disabled=create.pending()>"Create checkpoint"</button>
                </ActionForm>
            })}
        </section>
    }
}

/// The edition select, with the chosen edition's one line under it (kept
/// current by the hydrated page) and every edition's line in a disclosure,
/// which is all a reader without JavaScript needs.
#[component]
fn EditionPicker() -> impl IntoView {
    let chosen = RwSignal::new(AnyEdition::default());
    view! {
        <label for="cp-benchmark">"DORA edition"</label>
        <select
            id="cp-benchmark"
            name="benchmark"
            aria-describedby="cp-edition-summary"
            data-testid="edition-select"
            on:change=move |ev| {
                if let Some(e) = AnyEdition::from_id(&event_target_value(&ev)) {
                    chosen.set(e);
                }
            }
        >
            {AnyEdition::ALL.into_iter().map(|e| view! { <option value=e.id() selected=e == AnyEdition::default()>{e.label()}</option> }).collect_view()}
        </select>
        <p id="cp-edition-summary" class="hint" aria-live="polite" data-testid="edition-summary">{move || chosen.get().summary()}</p>
        <details class="edition-list">
            <summary>"What differs between the editions"</summary>
            <dl>
                {AnyEdition::ALL.into_iter().map(|e| view! { <dt>{e.label()}</dt><dd>{e.summary()}</dd> }).collect_view()}
            </dl>
        </details>
    }
}
