//! `/api/v1` for measured metrics: pipelines post deployments and incidents
//! with a squad's token; scripts and dashboards read the metrics.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkpoint_core::dora::current::AnyEdition;
use checkpoint_core::ingest::json::{self as events_json, BatchError};
use checkpoint_core::ingest::parse_instant;
use checkpoint_core::measured::current::{assessment, MeasuredAssessment};
use checkpoint_core::measured::dates::{rfc3339, Precision};
use checkpoint_core::measured::{BoundedWindow, Measured, DAY_MS, DEFAULT_WINDOW_DAYS};
use checkpoint_core::request::session_token_from;
use checkpoint_core::store::api_tokens::TokenSquad;
use checkpoint_core::store::events::Ingested;
use checkpoint_core::store::measured::Reader;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{BadRequest, BatchRefused, CrossSite, EventsTooLarge, Internal, TokenRequired};
use super::openapi::{
    AnyEdition as AnyEditionSchema, BearerChallenge, ChangeFailureRate, DeploymentFrequency, FailedDeploymentRecovery,
    LeadTime, Maturity, MeasuredAssessment as MeasuredAssessmentSchema, ReworkRate, TimeToRestore, Timestamp,
};
use super::{ApiError, BatchRefusal, ErrorBody};
use crate::AppState;

/// Bodies over this get 413: a full batch of 1,000 deployments fits easily.
pub const MAX_BODY: usize = 1 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_deployments))
        .routes(routes!(post_incidents))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .routes(routes!(get_metrics))
}

pub(crate) fn unauthorized(message: &str) -> Response {
    ApiError::unauthorized(message).into_response()
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
            Json(BatchRefusal {
                error: message,
                index,
                field,
            }),
        )
            .into_response(),
    }
}

fn stored(received: usize, outcome: Ingested) -> Response {
    Json(IngestResult {
        received,
        created: outcome.created,
        updated: outcome.updated,
    })
    .into_response()
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

#[utoipa::path(
    post,
    path = "/deployments",
    tag = "events",
    operation_id = "postDeployments",
    summary = "Record deployments: one, or a batch of up to 1000",
    description = "Send one deployment object, or `{\"deployments\": [...]}` with 1 to 1000 of them, with the squad's API token. The request is one transaction: a batch is atomic, all stored or (on any refusal) none. Re-sending an id updates that deployment instead of duplicating it, so a pipeline can retry safely. Bodies are limited to 1 MiB.",
    security(("bearerAuth" = [])),
    request_body(content = inline(DeploymentsBody), examples(("one" = (summary = "One deployment", value = json!({"id": "gh-7412345678", "service": "payments-api", "environment": "production", "status": "success", "started_at": "2026-11-22T09:21:04Z", "finished_at": "2026-11-22T09:30:00Z", "commits": [{"sha": "9fceb02d0ae598e95dc970b74767f19372d61af8", "committed_at": "2026-11-22T08:02:11Z"}], "stages": [{"name": "build", "started_at": "2026-11-22T09:21:04Z", "finished_at": "2026-11-22T09:25:40Z"}, {"name": "deploy", "started_at": "2026-11-22T09:25:40Z", "finished_at": "2026-11-22T09:30:00Z"}]}))), ("batch" = (summary = "A batch", value = json!({"deployments": [{"id": "d-101", "service": "payments-api", "status": "success", "finished_at": "2026-11-20T14:00:00Z"}, {"id": "d-102", "service": "payments-api", "status": "failure", "finished_at": "2026-11-21T10:15:00Z"}]}))))),
    responses(
        (status = 200, description = "Stored.", body = IngestResult),
        (status = 400, response = BadRequest),
        (status = 401, response = TokenRequired),
        (status = 403, response = CrossSite),
        (status = 413, response = EventsTooLarge),
        (status = 422, response = BatchRefused),
        (status = 500, response = Internal)
    )
)]
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

#[utoipa::path(
    post,
    path = "/incidents",
    tag = "events",
    operation_id = "postIncidents",
    summary = "Record incidents: one, or a batch of up to 1000",
    description = "Send one incident object, or `{\"incidents\": [...]}` with 1 to 1000 of them, with the squad's API token. A batch is atomic. Re-sending an id updates that incident: open it without `resolved_at`, then send it again, complete, with `resolved_at` to resolve it. Bodies are limited to 1 MiB.",
    security(("bearerAuth" = [])),
    request_body(content = inline(IncidentsBody), examples(("open" = (summary = "Open an incident", value = json!({"id": "INC-2041", "service": "payments-api", "title": "Card payments failing with 502", "opened_at": "2026-11-22T10:05:00Z", "started_at": "2026-11-22T09:48:00Z", "deployment_id": "gh-7412345678"}))), ("resolve" = (summary = "Resolve it (same id, full event)", value = json!({"id": "INC-2041", "service": "payments-api", "title": "Card payments failing with 502", "opened_at": "2026-11-22T10:05:00Z", "started_at": "2026-11-22T09:48:00Z", "resolved_at": "2026-11-22T11:02:00Z", "deployment_id": "gh-7412345678"}))), ("batch" = (summary = "A batch", value = json!({"incidents": [{"id": "INC-1", "service": "search", "opened_at": "2026-10-02T08:00:00Z", "resolved_at": "2026-10-02T09:30:00Z"}]}))))),
    responses(
        (status = 200, description = "Stored.", body = IngestResult),
        (status = 400, response = BadRequest),
        (status = 401, response = TokenRequired),
        (status = 403, response = CrossSite),
        (status = 413, response = EventsTooLarge),
        (status = 422, response = BatchRefused),
        (status = 500, response = Internal)
    )
)]
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// The squad's slug. With a token it may be left out (the token's own squad); naming any other squad is 404. A
    /// signed-in user gives `squad`, or `service` alone.
    #[param(example = "payments")]
    squad: Option<String>,
    /// Measure one service of the squad instead of all of them (404 when the squad has no such service). A signed-in
    /// user may give it without `squad` when exactly one squad has a service of that name; when several do, 422 with
    /// field `squad`.
    #[param(example = "payments-api")]
    service: Option<String>,
    /// Start of the window (inclusive), RFC 3339. Default: `to` minus 91 days. Not RFC 3339: 422 with field `from`. A
    /// window longer than 731 days (two years, a leap day included: `to` - `from` > 731 × 24 h) is 422 with field
    /// `from`. URL-encode a `+` offset as `%2B` (or use `Z`).
    #[param(format = DateTime, example = "2026-09-01T00:00:00Z")]
    from: Option<String>,
    /// End of the window (exclusive), RFC 3339. Default: now, so that by default the window is the 91 days ending
    /// now. A window that does not end after it starts (`to` <= `from`) is 422 with field `to`.
    #[param(format = DateTime, example = "2026-12-01T00:00:00Z")]
    to: Option<String>,
    /// The DORA edition of `assessment`: `2025` by default; `2024` and `2025` score the measured answers 0 to 10,
    /// `2019`, `2021` and `2022` give a level and percentile. `maturity` keeps its legacy benchmark: the one asked
    /// for, or 2019 for a current edition. Anything else: 422 with field `benchmark`.
    #[param(value_type = Option<AnyEditionSchema>)]
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

/// The answer of `GET /api/v1/metrics`; `assessment` is the edition's
/// figures of the measured answers.
pub fn metrics_json(
    m: &Measured,
    squad: &str,
    service: Option<&str>,
    assessment: Option<&MeasuredAssessment>,
) -> Value {
    json!({
        "squad": squad,
        "service": service,
        "from": rfc3339(m.window.from, Precision::Millis),
        "to": rfc3339(m.window.to, Precision::Millis),
        "deployment_frequency": m.deployment_frequency,
        "lead_time": m.lead_time,
        "change_failure_rate": m.change_failure_rate,
        "time_to_restore": m.time_to_restore,
        "maturity": m.maturity,
        "failed_deployment_recovery": m.failed_deployment_recovery,
        "rework_rate": m.rework_rate,
        "assessment": assessment,
    })
}

#[utoipa::path(
    get,
    path = "/metrics",
    tag = "metrics",
    operation_id = "getMetrics",
    summary = "The four DORA metrics measured from a squad's events",
    description = "Measured over the window [`from`, `to`), by default the 91 days ending now, at most 731 days long (longer: 422, field `from`; `to` <= `from`: 422, field `to`). Incidents are linked to deployments over the whole history of the squad or service, so a window ending in the past counts an incident after it against the deployment before the incident, not against the window. Readers: a squad's API token reads its own squad only (another squad, or another squad's service, is 404, never 403, so tokens cannot probe); a signed-in user (session cookie) reads any squad. When an `Authorization: Bearer` header is sent, the token decides, whatever the cookie.",
    security(("bearerAuth" = []), ("sessionCookie" = [])),
    params(MetricsQuery),
    responses(
        (status = 200, description = "The metrics.", body = MetricsBody),
        (status = 400, description = "The query string could not be read (for instance a parameter given twice). This refusal comes from the HTTP framework as plain text.", body = String, content_type = "text/plain", example = json!("Failed to deserialize query string: duplicate field `squad`")),
        (status = 401, description = "Neither a valid token nor a signed-in session: no credentials, or a token that is unknown or revoked.", headers(("WWW-Authenticate" = inline(BearerChallenge), description = "Always `Bearer`.")), body = ErrorBody, examples(("none" = (value = json!({"error": "sign in, or send a squad's API token as Authorization: Bearer <token>"}))), ("invalid" = (value = json!({"error": "the API token is not valid (unknown or revoked)"}))))),
        (status = 404, description = "No such squad or service, or (for a token) a squad other than the token's own or a service that is not the token's squad's.", body = ErrorBody, examples(("squad" = (value = json!({"error": "squad not found"}))), ("service" = (value = json!({"error": "service not found"}))))),
        (status = 422, description = "A parameter is wrong; `field` names it: `from` or `to` (not RFC 3339), `to` (the window ends before it starts), `benchmark`, or `squad` (a signed-in user gave neither squad nor service, or the service name is in several squads).", body = ErrorBody, examples(("window" = (value = json!({"error": "the window must end after it starts (to > from)", "field": "to"}))), ("timestamp" = (value = json!({"error": "from must be an RFC 3339 timestamp such as 2026-11-22T09:30:00Z", "field": "from"}))), ("benchmark" = (value = json!({"error": "benchmark must be 2019, 2021, 2022, 2024 or 2025", "field": "benchmark"}))), ("squad" = (value = json!({"error": "give squad=SLUG or service=NAME", "field": "squad"}))))),
        (status = 500, response = Internal)
    )
)]
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
    let edition = match q.benchmark.as_deref() {
        None | Some("") => AnyEdition::default(),
        Some(b) => AnyEdition::parse(b)
            .map_err(|e| ApiError::from(checkpoint_core::error::ServiceError::from(e)).into_response())?,
    };
    // `maturity` stays what it was: the legacy benchmark asked for, else 2019.
    let benchmark = edition.legacy().unwrap_or_default();
    let scope = store
        .metrics_scope(reader, q.squad.as_deref(), q.service.as_deref())
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let measured = store
        .measure(&scope, window, benchmark)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let squad = store
        .squad(&scope.slug)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let assessment = assessment(&measured, edition, squad.industry, squad.org_size);
    Ok(Json(metrics_json(
        &measured,
        &scope.slug,
        q.service.as_deref(),
        assessment.as_ref(),
    ))
    .into_response())
}

// The bodies as the document shows them. The core's parser
// (`checkpoint_core::ingest::json`) reads them field by field, to refuse each
// item and field by name; the API tests check real answers against these.

/// How the deployment attempt ended.
#[derive(ToSchema)]
#[schema(as = Status)]
#[serde(rename_all = "lowercase")]
pub enum DeploymentStatus {
    Success,
    Failure,
}

/// One deployment, or a batch of them.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum DeploymentsBody {
    One(Deployment),
    Batch(DeploymentBatch),
}

/// One incident, or a batch of them.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum IncidentsBody {
    One(Incident),
    Batch(IncidentBatch),
}

/// A commit the deployment newly brings. A sha listed twice in one deployment counts once; across deployments a commit counts towards lead time at its first successful production deployment only.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes what the parser in the core reads or `metrics_json` writes"
)]
pub struct Commit {
    /// The commit id (any non-blank text of at most 100 characters).
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "\\S",
        example = "9fceb02d0ae598e95dc970b74767f19372d61af8"
    )]
    sha: String,
    /// When the commit was made. Must not be after the deployment's `finished_at`.
    #[schema(value_type = Timestamp)]
    committed_at: String,
}

/// One pipeline stage of the deployment, for the time-per-stage view of the squad metrics page (the four metrics do not use stages).
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes what the parser in the core reads or `metrics_json` writes"
)]
pub struct Stage {
    /// Stage name, e.g. build, test, deploy.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S", example = "build")]
    name: String,
    /// Must not be after `finished_at`.
    #[schema(value_type = Timestamp)]
    started_at: String,
    #[schema(value_type = Timestamp)]
    finished_at: String,
}

/// One deployment attempt of one service. `id` is your idempotency key, unique within the squad: re-sending an id replaces that deployment as a whole (its commits and stages too), so always send the full event. Only environments `production` or `prod` (any case) count in the four metrics; other environments are stored but not counted. Optional fields may be left out or sent as null. Text values are trimmed and an empty string counts as absent (a required field sent empty is refused as missing). Unknown fields are ignored.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes what the parser in the core reads or `metrics_json` writes"
)]
pub struct Deployment {
    /// Idempotency key of the deployment within the squad, e.g. the pipeline run id.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S", example = "gh-7412345678")]
    id: String,
    /// The service deployed; a new name creates the service in the squad. Compared exactly (case and spaces count).
    #[schema(min_length = 1, max_length = 200, pattern = "\\S", example = "payments-api")]
    service: String,
    /// Target environment; `production` when left out or null.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "\\S",
        default = "production",
        example = "production"
    )]
    environment: Option<String>,
    #[schema(value_type = DeploymentStatus)]
    status: (),
    /// When the deployment began (for its duration). Must not be after `finished_at`.
    #[schema(format = DateTime, example = "2026-11-22T09:21:04Z")]
    started_at: Option<String>,
    /// When the deployment ended; the instant that places it in a metrics window.
    #[schema(format = DateTime, example = "2026-11-22T09:30:00Z")]
    finished_at: String,
    /// The commits this deployment newly brings (since the previous production deployment). Left out or null: none.
    commits: Option<Vec<Commit>>,
    /// Pipeline stages, in order. Left out or null: none.
    stages: Option<Vec<Stage>>,
    /// An unplanned deployment made to fix a bug users saw (a hotfix): counted by the rework rate of the 2025
    /// edition among the successful production deployments. A JSON boolean; left out or null: false.
    #[schema(default = false, example = false)]
    rework: Option<bool>,
}

/// Up to 1000 deployments stored atomically: if any item is refused, nothing is stored. When an id appears more than once, the last copy wins.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes what the parser in the core reads or `metrics_json` writes"
)]
pub struct DeploymentBatch {
    #[schema(min_items = 1, max_items = 1000)]
    deployments: Vec<Deployment>,
}

/// An incident or defect that affected users. `id` is your idempotency key within the squad: re-sending an id replaces the incident as a whole, which is how an open incident is resolved (send it again, complete, with `resolved_at`). The incident is tied to a deployment, which then counts as failed: by `deployment_id`, else by `commit_sha` (the first successful production deployment carrying that commit), else inferred as the latest successful production deployment of the same service that finished at or before the incident began. Optional fields may be left out or sent as null. Text values are trimmed and an empty string counts as absent (a required field sent empty is refused as missing).
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes what the parser in the core reads or `metrics_json` writes"
)]
pub struct Incident {
    /// Idempotency key of the incident within the squad, e.g. the pager or issue id.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S", example = "INC-2041")]
    id: String,
    /// The service affected.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S", example = "payments-api")]
    service: String,
    /// A short description.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "\\S",
        example = "Card payments failing with 502"
    )]
    title: Option<String>,
    /// When the incident was opened.
    #[schema(format = DateTime, example = "2026-11-22T10:05:00Z")]
    opened_at: String,
    /// When impact began, if earlier than it was opened; defaults to `opened_at`. Time to restore counts from here.
    #[schema(format = DateTime, example = "2026-11-22T09:48:00Z")]
    started_at: Option<String>,
    /// When users were no longer affected; left out or null while the incident is open. Must not be before `opened_at` nor before `started_at`.
    #[schema(format = DateTime, example = "2026-11-22T11:02:00Z")]
    resolved_at: Option<String>,
    /// The `id` of the deployment that caused it, when known.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S", example = "gh-7412345678")]
    deployment_id: Option<String>,
    /// The commit that caused it, when known.
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    commit_sha: Option<String>,
}

/// Up to 1000 incidents stored atomically: if any item is refused, nothing is stored. When an id appears more than once, the last copy wins.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes what the parser in the core reads or `metrics_json` writes"
)]
pub struct IncidentBatch {
    #[schema(min_items = 1, max_items = 1000)]
    incidents: Vec<Incident>,
}

/// What a stored request did. `received` counts the items sent; `created` + `updated` count distinct ids (fewer than `received` when the batch repeats an id).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"received": 2, "created": 1, "updated": 1}))]
pub struct IngestResult {
    #[schema(minimum = 1)]
    received: usize,
    /// Ids the squad had not sent before.
    #[schema(minimum = 0)]
    created: usize,
    /// Ids that replaced an earlier copy.
    #[schema(minimum = 0)]
    updated: usize,
}

/// The four DORA metrics of a squad (all its services) or one service over the window [`from`, `to`). Only production events count. Lead time, change failure rate and time to restore have a null answer (and null statistics) when the window holds nothing for them, never a made-up one; deployment frequency answers for any window of at least 7 days that holds a production deployment attempt or follows a success in the 182 days ending at `to` (attempts but no success in those 182 days is `fewer_than_once_per_six_months`; nothing at all is null). `maturity` is null unless all four answers exist.
#[derive(ToSchema)]
#[schema(example = json!({"squad": "payments", "service": null, "from": "2026-08-23T12:00:00.000Z", "to": "2026-11-22T12:00:00.000Z", "deployment_frequency": {"answer": "hourly_to_daily", "deployments": 58, "deploy_days_per_week": 4.0, "deploys_per_deploy_day": 1.0}, "lead_time": {"answer": "less_than_one_day", "median_seconds": 7200.0, "changes": 143}, "change_failure_rate": {"answer": "0-15", "failed": 6, "total": 61, "percent": 10}, "time_to_restore": {"answer": "less_than_one_hour", "median_seconds": 1860.0, "incidents": 4}, "maturity": {"level": "elite", "percentile": 89}}))]
#[schema(as = Metrics)]
#[expect(
    dead_code,
    reason = "describes what the parser in the core reads or `metrics_json` writes"
)]
pub struct MetricsBody {
    /// The squad's slug.
    squad: String,
    /// The service asked for, or null for the whole squad.
    #[schema(required = true)]
    service: Option<String>,
    /// Start of the window (inclusive), in UTC with milliseconds.
    #[schema(format = DateTime)]
    from: String,
    /// End of the window (exclusive), in UTC with milliseconds.
    #[schema(format = DateTime)]
    to: String,
    #[schema(value_type = DeploymentFrequency)]
    deployment_frequency: (),
    #[schema(value_type = LeadTime)]
    lead_time: (),
    #[schema(value_type = ChangeFailureRate)]
    change_failure_rate: (),
    #[schema(value_type = TimeToRestore)]
    time_to_restore: (),
    #[schema(value_type = Option<Maturity>, required = true)]
    maturity: (),
    #[schema(value_type = FailedDeploymentRecovery)]
    failed_deployment_recovery: (),
    #[schema(value_type = ReworkRate)]
    rework_rate: (),
    /// The measured answers in the edition asked for (`benchmark`): for 2024 and 2025 the answer
    /// `POST /assess` gives those answers, compared with the squad's industry and, when the squad has one, its
    /// organisation size (`comparison.org_size`, absent otherwise); for 2019, 2021 and 2022 the level and
    /// percentile, as `maturity`. Null unless every metric of the edition has a value.
    #[schema(value_type = Option<MeasuredAssessmentSchema>, required = true)]
    assessment: (),
}
