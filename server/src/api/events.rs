//! `/api/v1` for measured metrics: pipelines post deployments and incidents
//! with a squad's token; scripts and dashboards read the metrics.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use checkpoint_app::context::session_token_from;
use checkpoint_core::dora::Benchmark;
use checkpoint_core::ingest::json::{self as events_json, BatchError};
use checkpoint_core::ingest::parse_instant;
use checkpoint_core::measured::{BoundedWindow, Measured, DAY_MS, DEFAULT_WINDOW_DAYS};
use checkpoint_core::store::api_tokens::TokenSquad;
use checkpoint_core::store::events::Ingested;
use checkpoint_core::store::measured::Reader;
use serde::Deserialize;
use serde_json::{json, Value};

use super::ApiError;
use crate::AppState;

/// Bodies over this get 413: a full batch of 1,000 deployments fits easily.
pub const MAX_BODY: usize = 1 << 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/deployments", post(post_deployments))
        .route("/incidents", post(post_incidents))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .route("/metrics", get(get_metrics))
}

pub(crate) fn unauthorized(message: &str) -> Response {
    let mut res = ApiError::new(StatusCode::UNAUTHORIZED, message, None).into_response();
    res.headers_mut()
        .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    res
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The squad of the request's token, or the 401 to send.
pub(crate) async fn token_squad(state: &AppState, headers: &HeaderMap) -> Result<TokenSquad, Response> {
    let Some(token) = bearer(headers) else {
        return Err(unauthorized(
            "send the squad's API token as Authorization: Bearer <token>",
        ));
    };
    match state.store().authenticate_token(token).await {
        Ok(Some(squad)) => Ok(squad),
        Ok(None) => Err(unauthorized("the API token is not valid (unknown or revoked)")),
        Err(e) => Err(ApiError::from(e).into_response()),
    }
}

fn body_or_error(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| ApiError::new(r.status(), r.body_text(), None))
}

fn batch_error(e: BatchError) -> Response {
    match e {
        BatchError::Malformed(message) => ApiError::bad_request(message).into_response(),
        BatchError::Item { index, field, message } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": message, "index": index, "field": field })),
        )
            .into_response(),
    }
}

fn stored(received: usize, outcome: Ingested) -> Response {
    Json(json!({ "received": received, "created": outcome.created, "updated": outcome.updated })).into_response()
}

/// The token's squad and the body of an event post, or the refusal to send.
async fn authorised_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(TokenSquad, Bytes), Response> {
    let squad = token_squad(state, headers).await?;
    let body = body_or_error(body).map_err(IntoResponse::into_response)?;
    Ok((squad, body))
}

fn answered(received: usize, outcome: Result<Ingested, checkpoint_core::store::ServiceError>) -> Response {
    match outcome {
        Ok(outcome) => stored(received, outcome),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// One deployment, or `{"deployments": [...]}` (up to 1,000), stored atomically.
async fn post_deployments(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Response> {
    let (squad, body) = authorised_body(&state, &headers, body).await?;
    let events = events_json::deployments(&body).map_err(batch_error)?;
    let received = events.len();
    Ok(answered(
        received,
        state.store().ingest_deployments(&squad, events).await,
    ))
}

/// One incident, or `{"incidents": [...]}`; re-sending an id updates it.
async fn post_incidents(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Response> {
    let (squad, body) = authorised_body(&state, &headers, body).await?;
    let events = events_json::incidents(&body).map_err(batch_error)?;
    let received = events.len();
    Ok(answered(received, state.store().ingest_incidents(&squad, events).await))
}

#[derive(Debug, Deserialize)]
pub struct MetricsQuery {
    squad: Option<String>,
    service: Option<String>,
    from: Option<String>,
    to: Option<String>,
    benchmark: Option<String>,
}

/// `from`/`to` as RFC 3339; by default the 91 days ending now; at most
/// `MAX_WINDOW_DAYS` long.
pub fn parse_window(from: Option<&str>, to: Option<&str>, now_ms: i64) -> Result<BoundedWindow, ApiError> {
    let parse = |field: &str, v: Option<&str>| -> Result<Option<i64>, ApiError> {
        v.filter(|v| !v.is_empty())
            .map(|v| parse_instant(field, v).map_err(|e| ApiError::unprocessable(&e.field, e.message)))
            .transpose()
    };
    let to = parse("to", to)?.unwrap_or(now_ms);
    let from = parse("from", from)?.unwrap_or(to - DEFAULT_WINDOW_DAYS * DAY_MS);
    BoundedWindow::parse(from, to).map_err(|e| ApiError::unprocessable(e.field, e.message))
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// The answer of `GET /api/v1/metrics`.
pub fn metrics_json(m: &Measured, squad: &str, service: Option<&str>) -> Value {
    json!({
        "squad": squad,
        "service": service,
        "from": rfc3339(m.window.from),
        "to": rfc3339(m.window.to),
        "deployment_frequency": m.deployment_frequency,
        "lead_time": m.lead_time,
        "change_failure_rate": m.change_failure_rate,
        "time_to_restore": m.time_to_restore,
        "maturity": m.maturity,
    })
}

/// `?squad=SLUG` or `?service=NAME`, `from`, `to`: the four metrics. A token
/// reads its own squad only (another squad is 404); a signed-in user any.
async fn get_metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<MetricsQuery>,
) -> Result<Response, Response> {
    let store = state.store();
    let token;
    let user;
    let reader = if bearer(&headers).is_some() {
        token = token_squad(&state, &headers).await?;
        Reader::Token(&token)
    } else {
        let session = match session_token_from(&headers) {
            Some(t) => store
                .session_user(&t)
                .await
                .map_err(|e| ApiError::from(e).into_response())?,
            None => None,
        };
        user = session
            .ok_or_else(|| unauthorized("sign in, or send a squad's API token as Authorization: Bearer <token>"))?;
        Reader::User(&user)
    };
    let window = parse_window(
        q.from.as_deref(),
        q.to.as_deref(),
        chrono::Utc::now().timestamp_millis(),
    )
    .map_err(IntoResponse::into_response)?;
    let benchmark = match q.benchmark.as_deref() {
        None | Some("") => Benchmark::default(),
        Some(b) => Benchmark::from_id(b).ok_or_else(|| {
            ApiError::unprocessable("benchmark", "benchmark must be 2019, 2021 or 2022").into_response()
        })?,
    };
    let scope = store
        .metrics_scope(reader, q.squad.as_deref(), q.service.as_deref())
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let measured = store
        .measure(&scope, window, benchmark)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    Ok(Json(metrics_json(&measured, &scope.slug, q.service.as_deref())).into_response())
}
