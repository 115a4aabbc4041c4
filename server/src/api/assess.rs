//! `POST /api/v1/assess`: the Quick Check of four answers, stored nowhere.

use axum::body::Bytes;
use axum::Json;
use checkpoint_core::dora::capabilities::CapabilityKey;
use checkpoint_core::dora::{self, AssessmentInput, Benchmark, Level};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::error::{BadRequest, CrossSite, TooLargeText};
use super::openapi::{DurationAnswer, FailureRateAnswer, FrequencyAnswer};
use super::{ApiError, ErrorBody};

// The body of `POST /assess`, as the document shows it (the handler reads the
// JSON itself, to refuse each field by name).

/// The four answers by id, and the benchmark. A missing, null or empty answer is refused (422 naming it).
#[derive(ToSchema)]
#[schema(example = json!({"lead_time": "less_than_one_day", "deploy_frequency": "daily_to_weekly", "time_to_restore": "less_than_one_hour", "change_failure_rate": "0-15", "benchmark": "2019"}))]
#[expect(dead_code, reason = "describes the body the handler parses by hand")]
pub struct AssessRequest {
    lead_time: DurationAnswer,
    deploy_frequency: FrequencyAnswer,
    time_to_restore: DurationAnswer,
    change_failure_rate: FailureRateAnswer,
    /// 2019 when left out, null or empty.
    #[schema(schema_with = super::openapi::benchmark_or_empty)]
    benchmark: Option<Benchmark>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"score": 5.25, "level": "elite", "percentile": 84, "benchmark": "2019", "recommended_capabilities": ["westrum", "monitoring", "small_batches"]}))]
pub struct AssessResponse {
    /// Mean of the four answer codes (1 worst to 6 best).
    #[schema(minimum = 1, maximum = 6)]
    score: f64,
    level: Level,
    /// Performing better than this percent of the benchmark's respondents.
    #[schema(minimum = 0, maximum = 100)]
    percentile: u8,
    #[schema(value_type = Benchmark)]
    benchmark: &'static str,
    /// The three capabilities recommended for the level.
    #[schema(min_items = 3, max_items = 3)]
    recommended_capabilities: Vec<CapabilityKey>,
}

#[utoipa::path(
    post,
    path = "/assess",
    tag = "assessment",
    operation_id = "assess",
    summary = "Score four answers: level, percentile and recommended capabilities",
    description = "The Quick Check assessment of four answers given by id. No authentication.",
    security(()),
    request_body(content = AssessRequest),
    responses(
        (status = 200, description = "The assessment.", body = AssessResponse),
        (status = 400, response = BadRequest),
        (status = 403, response = CrossSite),
        (status = 413, response = TooLargeText),
        (status = 422, description = "An answer or the benchmark is missing, not a string, or not one of its ids; `field` is `lead_time`, `deploy_frequency`, `time_to_restore`, `change_failure_rate` or `benchmark`.", body = ErrorBody, example = json!({"error": "lead_time is required", "field": "lead_time"}))
    )
)]
/// Parses the body ourselves so that broken JSON is a 400 and a wrong value a
/// 422 naming its field.
pub(super) async fn assess(body: Bytes) -> Result<Json<AssessResponse>, ApiError> {
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
    let result = dora::assess(&input);
    Ok(Json(AssessResponse {
        score: result.score,
        level: result.level,
        percentile: result.percentile,
        benchmark: result.benchmark.id(),
        recommended_capabilities: result.recommended_capabilities,
    }))
}
