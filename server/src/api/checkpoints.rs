//! `/api/v1` for checkpoints: create one (a signed-in facilitator) and join
//! one (anyone with the code). Scripts and the load generator use these.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use checkpoint_app::context::{cookie_from, participant_cookie_name, session_token_from, ClientAddr};
use checkpoint_core::checkpoints::CheckpointForm;
use checkpoint_core::store::ServiceError;
use serde_json::{json, Value};

use super::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checkpoints", post(create))
        .route("/join", post(join))
}

fn object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(ApiError::bad_request("the body must be a JSON object")),
        Err(e) => Err(ApiError::bad_request(format!("malformed JSON: {e}"))),
    }
}

fn text<'a>(o: &'a serde_json::Map<String, Value>, field: &str) -> Result<Option<&'a str>, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::unprocessable(field, format!("{field} must be a string"))),
    }
}

fn required<'a>(o: &'a serde_json::Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    text(o, field)?.ok_or_else(|| ApiError::unprocessable(field, format!("{field} is required")))
}

/// `{"squad", "held_on", "board_url"?, "benchmark"?}` → 201 `{"id", "join_code"}`.
async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let store = state.store();
    let user = match session_token_from(&headers) {
        Some(t) => store.session_user(&t).await?,
        None => None,
    }
    .ok_or(ServiceError::Unauthenticated)?;
    let o = object(&body)?;
    let squad = required(&o, "squad")?;
    let form = CheckpointForm::parse(required(&o, "held_on")?, text(&o, "board_url")?, text(&o, "benchmark")?)
        .map_err(|e| ApiError::unprocessable(&e.field, e.message))?;
    let id = store.create_checkpoint(&user, squad, form).await?;
    let code = store.load_live(&id).await?.join_code.display();
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "join_code": code }))).into_response())
}

/// `{"code", "name"}` → 200 `{"checkpoint_id", "participant_id"}` and the
/// participant's cookie; 409 on `name` when someone there has that name (the
/// holder of that participant's cookie gets their participant back).
async fn join(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let o = object(&body)?;
    let cookie = |id: &str| cookie_from(&headers, &participant_cookie_name(id));
    let joined = state
        .store()
        .join_checkpoint_with(required(&o, "code")?, required(&o, "name")?, &client, &cookie)
        .await?;
    state.ctx.rooms.refresh(&joined.checkpoint_id).await;
    let secure = if state.ctx.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        participant_cookie_name(&joined.checkpoint_id),
        joined.token,
        7 * 24 * 3600
    );
    let mut res =
        Json(json!({ "checkpoint_id": joined.checkpoint_id, "participant_id": joined.participant_id })).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| ApiError::bad_request("bad cookie"))?,
    );
    Ok(res)
}
