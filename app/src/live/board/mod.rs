//! The Path to production stage: the squad's delivery flow as columns of
//! sticky notes, moved with buttons (keyboard), by dragging, or with plain
//! forms without JavaScript, and dot voting on improvements. One file per
//! part, as in the core's `board/`.

mod actions;
mod counter;
mod dots;
mod drafts;
mod form;
pub mod icon;
mod notes;
mod steps;
mod timer_length;
mod timers;

use checkpoint_core::board::NoteKind;
use leptos::prelude::*;

use crate::live::controls::NextStage;
use crate::live::link::use_live;
use actions::Actions;
use dots::Dots;
use drafts::{DeletedWhileEditing, EditDrafts};
use form::BoardForm;
use notes::Column;
use steps::StepEditor;
use timers::ActivityTimers;

pub use form::post_board_change;

#[component]
pub fn BoardStage() -> impl IntoView {
    let live = use_live();
    // A Memo: the columns (and whatever someone is typing in them) are drawn
    // again only when the board gains or loses its steps, not on every change.
    let has_steps = live.select(move |v| !v.board.steps.is_empty());
    let facilitator = live.select(move |v| v.facilitator);
    view! {
        <h2 id="stage-heading">"Path to production"</h2>
        <p>"Map how a change travels from commit to production. Mark what is manual, what is automated and where deployments fail, then propose improvements and vote on them."</p>
        <ActivityTimers/>
        <Legend/>
        <crate::errors::FormError result=Signal::derive(|| None::<Result<i64, ServerFnError>>) form="board_command"/>
        {move || if !has_steps.get() && !facilitator.get() {
            view! { <p class="empty-state">"No steps yet. The facilitator sets up the flow's steps; then everyone adds notes to them."</p> }.into_any()
        } else if !has_steps.get() {
            view! {
                <div class="empty-state">
                    <p>"No steps yet. Start from the usual flow and adapt it, or add your own steps."</p>
                    <div class="button-row">
                        <BoardForm op="use_template"><button type="submit" class="button primary">"Start from the template"</button></BoardForm>
                        <form method="post" action="/api/copy_previous_flow">
                            <input type="hidden" name="id" value=live.id()/>
                            <button type="submit" class="button">"Copy the last checkpoint's flow"</button>
                        </form>
                    </div>
                    <crate::errors::FormError result=Signal::derive(|| None::<Result<i64, ServerFnError>>) form="copy_previous_flow"/>
                </div>
            }.into_any()
        } else {
            view! { <Columns/> }.into_any()
        }}
        <Show when=move || facilitator.get()>
            <StepEditor/>
        </Show>
        <Dots/>
        <Actions/>
        <NextStage/>
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <ul class="note-legend" aria-label="Kinds of note">
            {NoteKind::ALL.into_iter().map(|k| view! { <li class=format!("note-chip note-{}", k.id())><icon::NoteIcon kind=k/>" "{k.label()}</li> }).collect_view()}
        </ul>
    }
}

#[component]
fn Columns() -> impl IntoView {
    let live = use_live();
    let steps = live.select(move |v| v.board.steps.clone());
    let dragging = RwSignal::new(None::<String>);
    provide_context(EditDrafts(RwSignal::new(Default::default())));
    view! {
        <DeletedWhileEditing/>
        <ol class="board" id="board" aria-label="Delivery flow">
            <For each=move || steps.get() key=|s| s.id.clone() let:step>
                <Column step=step dragging/>
            </For>
        </ol>
    }
}

/// Starts an empty board from the squad's previous flow (a plain form).
#[server(endpoint = "copy_previous_flow")]
pub async fn copy_previous_flow(id: String) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::board::BoardCommand;
    use checkpoint_core::live::Command;
    use checkpoint_core::store::ServiceError;
    let by = require_participant(&id).await?;
    let ctx = app_context()?;
    let titles = ctx.store.previous_flow(&id).await.map_err(form_error)?.ok_or_else(|| {
        form_error(ServiceError::invalid(
            "steps",
            "this squad's earlier checkpoints mapped no flow; start from the template",
        ))
    })?;
    let rev = ctx
        .rooms
        .execute(
            &id,
            &by,
            Command::Board {
                op: BoardCommand::UseFlow { titles },
            },
        )
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}#board"));
    Ok(rev)
}
