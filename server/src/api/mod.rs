//! The public JSON API, `/api/v1`. Stable contract for scripts and integrations.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use checkpoint_core::dora::capabilities::CapabilityKey;
use checkpoint_core::dora::{assess, AssessmentInput, Level};
use checkpoint_core::store::ServiceError;
use serde::Serialize;
use serde_json::{json, Value};

use crate::AppState;

pub mod checkpoints;
pub mod events;
pub mod export;

/// An error as the API sends it: `{"error": "...", "field": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>, field: Option<&str>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            field: field.map(str::to_string),
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
        let status = checkpoint_app::context::status_of(&e);
        if status.is_server_error() {
            tracing::error!(error = ?e, "API request failed");
            return ApiError::new(status, "internal error", None);
        }
        ApiError::new(status, e.to_string(), e.field())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.message });
        if let Some(field) = self.field {
            body["field"] = Value::String(field);
        }
        (self.status, Json(body)).into_response()
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assess", post(assess_handler))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError::not_found() })
}

/// The OpenAPI 3.1 description of every `/api/v1` endpoint (kept beside the handlers).
pub const OPENAPI: &str = include_str!("../openapi.json");

async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Serialize)]
struct AssessResponse {
    score: f64,
    level: Level,
    percentile: u8,
    benchmark: &'static str,
    recommended_capabilities: Vec<CapabilityKey>,
}

/// Parses the body ourselves so that broken JSON is a 400 and a wrong value a
/// 422 naming its field.
async fn assess_handler(body: Bytes) -> Result<Json<AssessResponse>, ApiError> {
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    };
    let text = |field: &str| -> Result<Option<&str>, ApiError> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(ApiError::unprocessable(field, format!("{field} must be a string"))),
        }
    };
    let input = AssessmentInput::parse(
        text("lead_time")?,
        text("deploy_frequency")?,
        text("time_to_restore")?,
        text("change_failure_rate")?,
        text("benchmark")?,
    )
    .map_err(|e| ApiError::unprocessable(&e.field, e.message))?;
    let result = assess(&input);
    Ok(Json(AssessResponse {
        score: result.score,
        level: result.level,
        percentile: result.percentile,
        benchmark: result.benchmark.id(),
        recommended_capabilities: result.recommended_capabilities,
    }))
}
