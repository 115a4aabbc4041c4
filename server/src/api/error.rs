//! How a refusal becomes an answer of `/api/v1`: `{"error", "field"?}` with its
//! status. Internal failures are logged here and answered "internal error",
//! never with their details.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkpoint_core::store::ServiceError;
use serde::Serialize;
use serde_json::json;
use utoipa::openapi::{RefOr, Response as DocResponse};
use utoipa::{ToResponse, ToSchema};

/// An error as the API sends it: `{"error": "...", "field": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
    /// A 401 of an endpoint that takes API tokens says how to authenticate.
    bearer_challenge: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>, field: Option<&str>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            field: field.map(str::to_string),
            bearer_challenge: false,
        }
    }
    /// 401 with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError {
            bearer_challenge: true,
            ..ApiError::new(StatusCode::UNAUTHORIZED, message, None)
        }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message, None)
    }
    pub fn unprocessable(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message, Some(field))
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "no such API endpoint", None)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(error = ?e, "API request failed");
            return ApiError::new(status, "internal error", None);
        }
        ApiError::new(status, e.to_string(), e.field())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
            field: self.field,
        };
        let mut res = (self.status, Json(body)).into_response();
        if self.bearer_challenge {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// Every refusal of the API except the per-item refusal of event batches (`BatchError`). `field` names the input to fix, when there is one (a body field, or a query parameter of /metrics, or `origin` for a cross-site request).
#[derive(Serialize, ToSchema)]
#[schema(as = Error, example = json!({"error": "unknown answer \"weekly\" for deploy_frequency; expected one of fewer_than_once_per_six_months, monthly_to_six_monthly, weekly_to_monthly, daily_to_weekly, hourly_to_daily, on_demand", "field": "deploy_frequency"}))]
pub struct ErrorBody {
    /// A sentence fit to show to a person.
    error: String,
    /// The field the refusal is about; absent when it is about the request as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    field: Option<String>,
}

/// Why POST /deployments or /incidents refused a body that was valid JSON. Nothing of the request was stored. `index` is the 0-based position of the refused item in the batch (0 for a single event), or null when the refusal is about the list itself (not a list, empty, more than 1000 items); then `field` is `deployments` or `incidents`. `field` is a path inside the item, such as `status`, `commits[2].committed_at` or `stages[0].started_at`; it is the empty string when the item is not a JSON object.
#[derive(Serialize, ToSchema)]
#[schema(as = BatchError, example = json!({"error": "status must be \"success\" or \"failure\"", "index": 1, "field": "status"}))]
pub struct BatchRefusal {
    pub error: String,
    #[schema(minimum = 0, required = true)]
    pub index: Option<usize>,
    pub field: String,
}

/// The refusals several operations share, as the document's `components/responses`.
fn documented(response: serde_json::Value) -> RefOr<DocResponse> {
    RefOr::T(serde_json::from_value(response).expect("a well-formed response object"))
}

pub struct BadRequest;

impl<'r> ToResponse<'r> for BadRequest {
    fn response() -> (&'r str, RefOr<DocResponse>) {
        (
            "BadRequest",
            documented(
                json!({"description": "The body is not JSON, or not a JSON object (`{\"error\": \"malformed JSON: ...\"}`), or could not be read.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": {"error": "malformed JSON: key must be a string at line 1 column 2"}}}}),
            ),
        )
    }
}

pub struct CrossSite;

impl<'r> ToResponse<'r> for CrossSite {
    fn response() -> (&'r str, RefOr<DocResponse>) {
        (
            "CrossSite",
            documented(
                json!({"description": "The request carries an `Origin` header that does not name this site (CSRF defence; requests without `Origin`, such as curl or a pipeline, are not affected).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": {"error": "cross-site request refused: the Origin header does not match this site", "field": "origin"}}}}),
            ),
        )
    }
}

pub struct TokenRequired;

impl<'r> ToResponse<'r> for TokenRequired {
    fn response() -> (&'r str, RefOr<DocResponse>) {
        (
            "TokenRequired",
            documented(
                json!({"description": "No `Authorization: Bearer <token>` header, or a token that is unknown or revoked.", "headers": {"WWW-Authenticate": {"description": "Always `Bearer`.", "schema": {"type": "string", "enum": ["Bearer"]}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "examples": {"missing": {"value": {"error": "send the squad's API token as Authorization: Bearer <token>"}}, "invalid": {"value": {"error": "the API token is not valid (unknown or revoked)"}}}}}}),
            ),
        )
    }
}

pub struct EventsTooLarge;

impl<'r> ToResponse<'r> for EventsTooLarge {
    fn response() -> (&'r str, RefOr<DocResponse>) {
        (
            "EventsTooLarge",
            documented(
                json!({"description": "The body is over 1 MiB (1,048,576 bytes): split it into smaller batches. (Checked after the token: without a valid token the answer is 401.)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": {"error": "Failed to buffer the request body: length limit exceeded"}}}}),
            ),
        )
    }
}

pub struct TooLargeText;

impl<'r> ToResponse<'r> for TooLargeText {
    fn response() -> (&'r str, RefOr<DocResponse>) {
        (
            "TooLargeText",
            documented(
                json!({"description": "The body is over 2 MiB. This refusal comes from the HTTP framework as plain text, not JSON.", "content": {"text/plain": {"schema": {"type": "string"}, "example": "Failed to buffer the request body: length limit exceeded"}}}),
            ),
        )
    }
}

pub struct BatchRefused;

impl<'r> ToResponse<'r> for BatchRefused {
    fn response() -> (&'r str, RefOr<DocResponse>) {
        (
            "BatchRefused",
            documented(
                json!({"description": "An item, or the list, was refused; nothing of the request was stored.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchError"}, "examples": {"item": {"summary": "the second item's status", "value": {"error": "status must be \"success\" or \"failure\"", "index": 1, "field": "status"}}, "nested": {"summary": "a commit after its deployment", "value": {"error": "a commit cannot be committed after its deployment finished", "index": 0, "field": "commits[0].committed_at"}}, "list": {"summary": "too many items", "value": {"error": "at most 1000 events per request; this one has 1200", "index": null, "field": "deployments"}}}}}}),
            ),
        )
    }
}

pub struct Internal;

impl<'r> ToResponse<'r> for Internal {
    fn response() -> (&'r str, RefOr<DocResponse>) {
        (
            "Internal",
            documented(
                json!({"description": "The server failed (details are logged, never sent). Safe to retry: a batch is all or nothing and ids are idempotent.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}, "example": {"error": "internal error"}}}}),
            ),
        )
    }
}
