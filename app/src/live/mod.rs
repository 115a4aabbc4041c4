//! The live checkpoint: creating one, joining it, and the room everyone
//! follows. Server functions here are the plain-HTTP door (pages and forms
//! without JavaScript); the hydrated page talks over the WebSocket instead.

pub mod board;
pub mod capabilities;
pub mod checkpoints;
pub mod controls;
pub mod duplicates;
pub mod focus_proposals;
pub mod join;
pub mod join_link;
pub mod link;
pub mod manage;
pub mod measured;
pub mod projector;
pub mod resume_link;
pub mod room;
pub mod stages;
pub mod timer_length;

use checkpoint_core::live::{Fields, View};
use leptos::prelude::*;

/// The data a room's page (the room, the projector) loads, made at the
/// page's top level and in this order, so that hydration finds the values the
/// server rendered with (a resource made inside a stage's reactive closure did
/// not, and a reload at a revealed question failed to hydrate). Returns the
/// room's view; the measured metrics and the join link go in the context.
pub(crate) fn room_resources(
    id: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> Resource<Result<View, ServerFnError>> {
    let view = Resource::new(id, live_view);
    provide_context(measured::MeasuredData(Resource::new(id, measured::checkpoint_measured)));
    join_link::JoinLinkData::provide(id);
    view
}

/// The room as the page sees it.
#[server(endpoint = "live_view")]
pub async fn live_view(id: String) -> Result<View, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_participant};
    let participant = require_participant(&id).await?;
    app_context()?
        .rooms
        .view(&id, &participant)
        .await
        .map_err(into_server_error)
}

/// One command from a plain form (no JavaScript), answered by a redirect back
/// to the room. `kind` names the command; its other fields are read by
/// [`checkpoint_core::live::Command::from_fields`], as the socket's are.
#[server(endpoint = "live_command")]
pub async fn live_command(id: String, kind: String, #[server(flatten)] fields: Fields) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::live::Command;
    let by = require_participant(&id).await?;
    let command = Command::from_fields(&kind, &|name| fields.get(name)).map_err(|e| form_error(e.into()))?;
    let rev = app_context()?
        .rooms
        .execute(&id, &by, command)
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(rev)
}

/// The welcome text, edited by the facilitator.
#[server(endpoint = "edit_welcome")]
pub async fn edit_welcome(
    id: String,
    purpose: String,
    agenda: String,
    outcome: String,
    principles: String,
) -> Result<i64, ServerFnError> {
    use crate::context::{app_context, form_error, require_participant};
    use checkpoint_core::live::{Command, WelcomeText};
    let by = require_participant(&id).await?;
    let welcome = WelcomeText {
        purpose,
        agenda,
        outcome,
        principles,
    };
    let rev = app_context()?
        .rooms
        .execute(&id, &by, Command::EditWelcome { welcome })
        .await
        .map_err(form_error)?;
    leptos_axum::redirect(&format!("/checkpoints/{id}"));
    Ok(rev)
}
