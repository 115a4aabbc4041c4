//! `/api/v1/hooks/{kind}/{connection}`: deliveries from the tools a squad
//! connected. Each is verified the way its tool signs (anything else 401,
//! nothing stored, nothing logged: anyone can send one), read into the API's
//! events, stored through the API's upserts, and logged on the connection.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkpoint_core::access::{may, Action, Hat};
use checkpoint_core::connections::ConnectionKind;
use checkpoint_core::hooks::{self, verify};
use checkpoint_core::store::connections::{HookConnection, Verifier};
use checkpoint_core::store::events::Ingested;
use checkpoint_core::store::hooks::Received;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{EventsTooLarge, Internal};
use super::events::{bearer, MAX_BODY};
use super::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(github))
        .routes(routes!(gitlab))
        .routes(routes!(pagerduty))
        .routes(routes!(alertmanager))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// What a delivery did: `accepted` (stored; `message` says what), `ignored`
/// (nothing in it counts; `message` says why) or `ok` (a ping).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "accepted", "message": "deployment gh-deploy-145988746 of Hello-World: success, 2 commits", "deployments": {"created": 1, "updated": 0}, "incidents": {"created": 0, "updated": 0}}))]
pub struct HookAnswer {
    #[schema(example = "accepted")]
    status: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    deployments: Option<Counts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    incidents: Option<Counts>,
}

/// Of the delivery's events, how many were new and how many updated earlier copies (a redelivery updates).
#[derive(Serialize, ToSchema)]
pub struct Counts {
    created: usize,
    updated: usize,
}

impl From<Ingested> for Counts {
    fn from(i: Ingested) -> Counts {
        Counts {
            created: i.created,
            updated: i.updated,
        }
    }
}

/// The tool's payload, as it sends it (JSON).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[expect(
    dead_code,
    reason = "only its schema is used: the handler reads the raw bytes, which it must verify as sent"
)]
pub struct HookPayload(Value);

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn verified(connection: &HookConnection, headers: &HeaderMap, body: &[u8]) -> bool {
    match (&connection.verifier, connection.kind) {
        (Verifier::Secret(secret), ConnectionKind::Github) => {
            verify::github(secret, body, header(headers, "x-hub-signature-256"))
        }
        (Verifier::Secret(secret), ConnectionKind::Pagerduty) => {
            verify::pagerduty(secret, body, header(headers, "x-pagerduty-signature"))
        }
        (Verifier::Hash(hash), ConnectionKind::Gitlab) => verify::token(hash, header(headers, "x-gitlab-token")),
        (Verifier::Hash(hash), ConnectionKind::Alertmanager) => verify::token(hash, bearer(headers)),
        _ => false,
    }
}

fn unverified(kind: ConnectionKind) -> Response {
    let how = match kind {
        ConnectionKind::Github => "an X-Hub-Signature-256 made with the connection's secret",
        ConnectionKind::Gitlab => "the connection's secret as X-Gitlab-Token",
        ConnectionKind::Pagerduty => "an X-PagerDuty-Signature made with the subscription's signing secret",
        ConnectionKind::Alertmanager => "the connection's secret as Authorization: Bearer",
    };
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        format!("the delivery is not signed by this connection: send {how}"),
        None,
    )
    .into_response()
}

/// The tool's id for the delivery, for the log.
fn delivery_id(kind: ConnectionKind, headers: &HeaderMap, body: &[u8]) -> Option<String> {
    match kind {
        ConnectionKind::Github => header(headers, "x-github-delivery").map(str::to_string),
        ConnectionKind::Gitlab => header(headers, "x-gitlab-event-uuid").map(str::to_string),
        ConnectionKind::Pagerduty => serde_json::from_slice::<Value>(body)
            .ok()?
            .pointer("/event/id")
            .and_then(Value::as_str)
            .map(str::to_string),
        ConnectionKind::Alertmanager => None,
    }
}

async fn receive(
    state: AppState,
    kind: ConnectionKind,
    connection: String,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let connection = match state.store().hook_connection(kind, &connection).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no {} connection has this address (unknown or revoked)", kind.label()),
                None,
            )
            .into_response()
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let body = match body {
        Ok(b) => b,
        Err(r) => return ApiError::new(r.status(), r.body_text(), None).into_response(),
    };
    // A verified delivery acts for its squad as the squad's token would.
    if !verified(&connection, &headers, &body) || !may(&[Hat::SquadToken], Action::PostEvents) {
        return unverified(kind);
    }
    let event_header = match kind {
        ConnectionKind::Github => header(&headers, "x-github-event"),
        ConnectionKind::Gitlab => header(&headers, "x-gitlab-event"),
        _ => None,
    };
    let event = hooks::event_name(kind, event_header, &body);
    let delivery = delivery_id(kind, &headers, &body);
    let meaning = hooks::interpret(kind, event_header, &body, &connection.options);
    let received = state
        .store()
        .receive_hook(&connection, &event, delivery.as_deref(), meaning)
        .await;
    let answer = |code: StatusCode, status, message: String| {
        (
            code,
            Json(HookAnswer {
                status,
                message,
                deployments: None,
                incidents: None,
            }),
        )
            .into_response()
    };
    match received {
        Ok(Received::Ping) => answer(
            StatusCode::OK,
            "ok",
            format!("{} reached this connection", kind.label()),
        ),
        Ok(Received::Ignored(reason)) => answer(StatusCode::ACCEPTED, "ignored", reason),
        Ok(Received::Refused(r)) => ApiError::unprocessable(&r.field, r.message).into_response(),
        Ok(Received::Stored {
            summary,
            deployments,
            incidents,
            ..
        }) => Json(HookAnswer {
            status: "accepted",
            message: summary,
            deployments: Some(deployments.into()),
            incidents: Some(incidents.into()),
        })
        .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[utoipa::path(
    post,
    path = "/hooks/github/{connection}",
    tag = "hooks",
    operation_id = "githubHook",
    summary = "Receive a GitHub webhook delivery",
    description = "GitHub repository or organisation webhook (content type application/json). Verified by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body under the connection's secret, compared in constant time). Counts `push` to the default branch (its commits, in order), `deployment_status` success / failure / error in the connection's production environments (default production, prod): a deployment whose commits are those pushed up to its sha that no earlier successful deployment brought; `workflow_run` completed for the connection's deploy workflows (success / failure); `issues` labelled as incidents (default label `incident`): opened and reopened open one, closed resolves it, and a `deployment: <id>` or `root cause: <sha>` line in the body links it. `ping` is answered 200; other events 202 ignored. The event is named by `X-GitHub-Event`.",
    params(("connection" = String, Path, description = "The connection's id, as its hook URL shows it")),
    security(("githubSignature" = [])),
    request_body(content = HookPayload, description = "The webhook payload, exactly as GitHub sends it"),
    responses(
        (status = 200, description = "Accepted or ping. See the operation's description for every answer.", body = HookAnswer),
        (status = 202, description = "Ignored: nothing in it counts.", body = HookAnswer),
        (status = 401, description = "The signature does not match.", body = super::ErrorBody),
        (status = 404, description = "Unknown or revoked connection.", body = super::ErrorBody),
        (status = 413, response = EventsTooLarge),
        (status = 422, description = "A field the payload lacks or a value the API would refuse; the field is named.", body = super::ErrorBody),
        (status = 500, response = Internal)
    )
)]
/// GitHub: `push`, `deployment_status`, `workflow_run`, `issues`, `ping`.
async fn github(
    State(state): State<AppState>,
    Path(connection): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    receive(state, ConnectionKind::Github, connection, headers, body).await
}

#[utoipa::path(
    post,
    path = "/hooks/gitlab/{connection}",
    tag = "hooks",
    operation_id = "gitlabHook",
    summary = "Receive a GitLab webhook delivery",
    description = "GitLab project or group webhook. Verified by `X-Gitlab-Token` (the connection's secret, compared in constant time). Counts push events to the default branch, deployment events (success / failed) in the connection's production environments, mapped like GitHub's, and issue events of incidents (work items of type Incident, or issues with the incident label): open opens, close resolves; `deployment: <id>` or `root cause: <sha>` lines in the description link them.",
    params(("connection" = String, Path, description = "The connection's id, as its hook URL shows it")),
    security(("gitlabToken" = [])),
    request_body(content = HookPayload, description = "The webhook payload, exactly as GitLab sends it"),
    responses(
        (status = 200, description = "Accepted.", body = HookAnswer),
        (status = 202, description = "Ignored: nothing in it counts.", body = HookAnswer),
        (status = 401, description = "The token does not match.", body = super::ErrorBody),
        (status = 404, description = "Unknown or revoked connection.", body = super::ErrorBody),
        (status = 413, response = EventsTooLarge),
        (status = 422, description = "A field the payload lacks; the field is named.", body = super::ErrorBody),
        (status = 500, response = Internal)
    )
)]
/// GitLab: push, deployment and incident issue events.
async fn gitlab(
    State(state): State<AppState>,
    Path(connection): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    receive(state, ConnectionKind::Gitlab, connection, headers, body).await
}

#[utoipa::path(
    post,
    path = "/hooks/pagerduty/{connection}",
    tag = "hooks",
    operation_id = "pagerdutyHook",
    summary = "Receive a PagerDuty V3 webhook delivery",
    description = "PagerDuty V3 generic webhook subscription. Verified by `X-PagerDuty-Signature` (`v1=` HMAC-SHA256 of the raw body under the subscription's signing secret; any of the listed signatures). `incident.triggered` opens and `incident.resolved` resolves an incident of the mapped service (PagerDuty service id or name → service; unmapped ones keep the PagerDuty service's name); other event types are ignored.",
    params(("connection" = String, Path, description = "The connection's id, as its hook URL shows it")),
    security(("pagerdutySignature" = [])),
    request_body(content = HookPayload, description = "The V3 webhook payload (`{\"event\": {...}}`), exactly as PagerDuty sends it"),
    responses(
        (status = 200, description = "Accepted.", body = HookAnswer),
        (status = 202, description = "Ignored: nothing in it counts.", body = HookAnswer),
        (status = 401, description = "No listed signature matches.", body = super::ErrorBody),
        (status = 404, description = "Unknown or revoked connection.", body = super::ErrorBody),
        (status = 413, response = EventsTooLarge),
        (status = 422, description = "A field the payload lacks; the field is named.", body = super::ErrorBody),
        (status = 500, response = Internal)
    )
)]
/// PagerDuty: `incident.triggered`, `incident.resolved`.
async fn pagerduty(
    State(state): State<AppState>,
    Path(connection): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    receive(state, ConnectionKind::Pagerduty, connection, headers, body).await
}

#[utoipa::path(
    post,
    path = "/hooks/alertmanager/{connection}",
    tag = "hooks",
    operation_id = "alertmanagerHook",
    summary = "Receive a Prometheus Alertmanager webhook notification",
    description = "Alertmanager `webhook_configs` receiver (JSON version 4) with `http_config.authorization.credentials` set to the connection's secret and `send_resolved: true`. Each alert matching the connection's matchers (default `severity=critical`) and carrying the service label (default `service`) is an incident keyed by its fingerprint and `startsAt`: firing opens it, resolved resolves it at `endsAt`. Alerts that do not match are named in the answer's message.",
    params(("connection" = String, Path, description = "The connection's id, as its hook URL shows it")),
    security(("connectionBearer" = [])),
    request_body(content = HookPayload, description = "The webhook notification, exactly as Alertmanager sends it"),
    responses(
        (status = 200, description = "Accepted.", body = HookAnswer),
        (status = 202, description = "Ignored: no alert in it counts.", body = HookAnswer),
        (status = 401, description = "The bearer secret does not match.", body = super::ErrorBody),
        (status = 404, description = "Unknown or revoked connection.", body = super::ErrorBody),
        (status = 413, response = EventsTooLarge),
        (status = 422, description = "A field the notification lacks, or not version 4; the field is named.", body = super::ErrorBody),
        (status = 500, response = Internal)
    )
)]
/// Prometheus Alertmanager: firing and resolved alerts.
async fn alertmanager(
    State(state): State<AppState>,
    Path(connection): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    receive(state, ConnectionKind::Alertmanager, connection, headers, body).await
}
