//! `/api/v1` for checkpoints: create one (a signed-in facilitator) and join
//! one (anyone with the code). Scripts and the load generator use these.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use checkpoint_core::checkpoints::CheckpointForm;
use checkpoint_core::request::{cookie_from, participant_cookie_name, session_token_from, ClientAddr};
use checkpoint_core::store::checkpoints::JoinAs;
use checkpoint_core::store::ServiceError;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{BadRequest, CrossSite, Internal, TooLargeText};
use super::openapi::JoinCode;
use super::{ApiError, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create)).routes(routes!(join))
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

fn flag(o: &serde_json::Map<String, Value>, field: &str) -> Result<bool, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::unprocessable(field, format!("{field} must be true or false"))),
    }
}

fn required<'a>(o: &'a serde_json::Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    text(o, field)?.ok_or_else(|| ApiError::unprocessable(field, format!("{field} is required")))
}

// The body of `POST /checkpoints` (read field by field, to refuse each by name).
#[derive(ToSchema)]
#[expect(dead_code, reason = "describes the body the handler parses by hand")]
pub struct CheckpointRequest {
    /// The squad's slug (404 when there is no such squad).
    #[schema(example = "payments")]
    squad: String,
    /// The workshop's day, `YYYY-MM-DD`, a real calendar day in the years 2000 to 2999.
    #[schema(format = Date, pattern = "^2[0-9]{3}-[0-9]{2}-[0-9]{2}$", example = "2026-12-03")]
    held_on: String,
    /// Link to the squad's board: an http:// or https:// address of at most 500 bytes, without spaces or control characters. Left out, null or empty: none.
    #[schema(max_length = 500, pattern = "^(https?://\\S*)?$")]
    board_url: Option<String>,
    /// 2025 when left out, null or empty.
    #[schema(schema_with = super::openapi::benchmark_or_empty)]
    benchmark: Option<String>,
    /// Reveal votes as counts without names, for everyone (false when left out).
    /// The facilitator may change it in the room until the first reveal.
    anonymous: Option<bool>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0b6f3c2e-5d7a-4f1e-9a44-3d2b1c0e8f71", "join_code": "KX7P-M3QD"}))]
pub struct CheckpointCreated {
    /// The checkpoint's id; its live page is /live/{id}.
    #[schema(format = "uuid")]
    id: String,
    #[schema(value_type = JoinCode)]
    join_code: String,
}

// The body of `POST /join` (read field by field, to refuse each by name).
#[derive(ToSchema)]
#[expect(dead_code, reason = "describes the body the handler parses by hand")]
pub struct JoinRequest {
    /// The join code as people type it: any case, with or without the dash or spaces.
    #[schema(example = "kx7p m3qd")]
    code: String,
    /// The participant's display name, 1 to 80 characters once trimmed, without control characters.
    #[schema(min_length = 1, max_length = 80, pattern = "\\S", example = "Ana")]
    name: String,
    /// When `name` is taken: the participant's own resume code (or the whole
    /// resume link the room shows them) to continue as them on this device.
    resume: Option<String>,
    /// When `name` is taken and this is someone else: join as "Ana (2)" (the first free number).
    as_new: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct JoinResponse {
    #[schema(format = "uuid")]
    checkpoint_id: String,
    #[schema(format = "uuid")]
    participant_id: String,
}

#[utoipa::path(
    post,
    path = "/checkpoints",
    tag = "checkpoints",
    operation_id = "createCheckpoint",
    summary = "Create a draft checkpoint for a squad",
    description = "For a signed-in facilitator or admin (the `checkpoint_session` cookie; API tokens are not accepted here). The checkpoint starts as a draft; people join it with the returned code.",
    security(("sessionCookie" = [])),
    request_body(content = CheckpointRequest, example = json!({"squad": "payments", "held_on": "2026-12-03", "board_url": "https://miro.com/app/board/uXjVexample=/", "benchmark": "2022"})),
    responses(
        (status = 201, description = "Created.", body = CheckpointCreated),
        (status = 400, response = BadRequest),
        (status = 401, description = "Not signed in (no session cookie, or an expired one). Checked before the body.", body = ErrorBody, example = json!({"error": "sign in first"})),
        (status = 403, description = "Signed in as a viewer (only facilitators and admins create checkpoints), or a cross-site `Origin` (field `origin`).", body = ErrorBody, example = json!({"error": "you do not have permission to do that"})),
        (status = 404, description = "No squad has that slug.", body = ErrorBody, example = json!({"error": "squad not found"})),
        (status = 413, response = TooLargeText),
        (status = 422, description = "A field is missing or wrong; `field` is `squad`, `held_on`, `board_url` or `benchmark`.", body = ErrorBody, example = json!({"error": "the date must be a real day written YYYY-MM-DD", "field": "held_on"})),
        (status = 500, response = Internal)
    )
)]
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
    let mut form = CheckpointForm::parse(required(&o, "held_on")?, text(&o, "board_url")?, text(&o, "benchmark")?)
        .map_err(|e| ApiError::unprocessable(&e.field, e.message))?;
    form.anonymous = flag(&o, "anonymous")?;
    let id = store.create_checkpoint(&user, squad, form).await?;
    let code = store.load_live(&id).await?.join_code.display();
    Ok((StatusCode::CREATED, Json(CheckpointCreated { id, join_code: code })).into_response())
}

#[utoipa::path(
    post,
    path = "/join",
    tag = "checkpoints",
    operation_id = "joinCheckpoint",
    summary = "Join a checkpoint with its code",
    description = "Anyone with the code joins a draft or live checkpoint as a participant. The name is normalised (Unicode NFC, whitespace collapsed) and must be unique in the checkpoint, ignoring case; a client sending its own participant cookie for that checkpoint with its own name gets its participant back. Wrong codes are limited to 20 per client address in 15 minutes (then 429).",
    security(()),
    request_body(content = JoinRequest),
    responses(
        (status = 200, description = "Joined. The participant's cookie `checkpoint_p_{checkpoint_id}` (HttpOnly, SameSite=Lax, 7 days) identifies them in the live checkpoint.", headers(("Set-Cookie" = String, description = "`checkpoint_p_{checkpoint_id}=<token>; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800` (plus `Secure` over HTTPS).")), body = JoinResponse),
        (status = 400, response = BadRequest),
        (status = 403, response = CrossSite),
        (status = 409, description = "`field` is `name`: someone in this checkpoint already has that name (ignoring case). Send their `resume` code to continue as them, or `as_new` to join as \"Ana (2)\".", body = ErrorBody, example = json!({"error": "someone in this checkpoint is already called Ana; add an initial or choose another name", "field": "name"})),
        (status = 413, response = TooLargeText),
        (status = 422, description = "`field` is `name` (missing, empty, over 80 characters, control characters, invisible or text-direction characters such as U+202E or U+200B) or `code` (missing, malformed, no checkpoint has it, or the checkpoint has finished), `resume` (not the resume code of the participant of that name) or `as_new` (not a boolean).", body = ErrorBody, example = json!({"error": "no checkpoint has that code; check it with your facilitator", "field": "code"})),
        (status = 429, description = "Too many wrong codes from this address.", body = ErrorBody, example = json!({"error": "too many attempts; try again in 540 seconds"})),
        (status = 500, response = Internal)
    )
)]
/// `{"code", "name", "resume"?, "as_new"?}` → 200 `{"checkpoint_id", "participant_id"}`
/// and the participant's cookie. A browser that holds a participant's cookie
/// gets that participant back, whatever the name; 409 on `name` when someone
/// there has that name (see `JoinAs`).
async fn join(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let o = object(&body)?;
    let cookie = |id: &str| cookie_from(&headers, &participant_cookie_name(id));
    let how = match (
        text(&o, "resume")?.filter(|r| !r.trim().is_empty()),
        flag(&o, "as_new")?,
    ) {
        (Some(resume), _) => JoinAs::Resume(resume.to_string()),
        (None, true) => JoinAs::Distinct,
        (None, false) => JoinAs::New,
    };
    let joined = state
        .store()
        .join_checkpoint_as(required(&o, "code")?, required(&o, "name")?, &client, &cookie, &how)
        .await?;
    state.ctx.rooms.refresh(&joined.checkpoint_id).await;
    let secure = if state.ctx.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        participant_cookie_name(&joined.checkpoint_id),
        joined.token,
        7 * 24 * 3600
    );
    let mut res = Json(JoinResponse {
        checkpoint_id: joined.checkpoint_id,
        participant_id: joined.participant_id,
    })
    .into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| ApiError::bad_request("bad cookie"))?,
    );
    Ok(res)
}
