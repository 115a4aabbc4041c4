//! `POST /api/v1/assess`: the Quick Check, stored nowhere. A `benchmark` of a
//! current edition (2024, 2025; dora-model.md section 7) is scored 0 to 10;
//! anything else, including no benchmark at all, is the legacy check of four
//! answers (2019 when absent), answered exactly as before the current editions.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkpoint_core::dora::capabilities::CapabilityKey;
use checkpoint_core::dora::current::{
    assess_current, CurrentAssessment, CurrentInput, Edition, IndustryKey, OrgSizeKey,
};
use checkpoint_core::dora::{self, AssessmentInput, Benchmark, Level};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::{BadRequest, CrossSite, TooLargeText};
use super::openapi::{DurationAnswer, FailureRateAnswer, FrequencyAnswer};
use super::{ApiError, ErrorBody};

// The bodies of `POST /assess`, as the document shows them (the handler reads
// the JSON itself, to refuse each field by name).

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

/// A check in a current edition: three answers by id and the percentages as whole numbers. A missing, null or empty
/// answer is refused (422 naming it), as is a rework rate in 2024 or none in 2025.
#[derive(ToSchema)]
#[schema(example = json!({"benchmark": "2025", "lead_time": "less_than_one_day", "deploy_frequency": "daily_to_weekly", "time_to_restore": "less_than_one_hour", "change_failure_rate": 12, "rework_rate": 25, "industry": "technology", "org_size": "fewer_than_100"}))]
#[expect(dead_code, reason = "describes the body the handler parses by hand")]
pub struct CurrentAssessRequest {
    /// Required: without it the request is the legacy check (2019).
    benchmark: Edition,
    lead_time: DurationAnswer,
    deploy_frequency: FrequencyAnswer,
    /// Asked as failed deployment recovery time: how long it takes to get back to normal after a change that degraded
    /// the service.
    time_to_restore: DurationAnswer,
    /// The share of changes to production that degrade the service and need remediation: a whole percent, as a JSON
    /// number (`25.0` is accepted; strings, fractions and the legacy answer ranges are refused).
    #[schema(minimum = 0, maximum = 100)]
    change_failure_rate: u8,
    /// The share of deployments that were unplanned, to fix a bug users saw: a whole percent, as a JSON number.
    /// Required in 2025, refused in 2024.
    #[schema(minimum = 0, maximum = 100, nullable = false)]
    rework_rate: Option<u8>,
    /// The industry to compare with; all industries when left out.
    #[schema(nullable = false)]
    industry: Option<IndustryKey>,
    /// An organisation size to compare with as well; no such comparison when left out.
    #[schema(nullable = false)]
    org_size: Option<OrgSizeKey>,
}

/// Which of the two checks a body is: told apart by `benchmark`.
#[derive(ToSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "describes the body the handler parses by hand")]
pub enum AssessBody {
    Legacy(AssessRequest),
    Current(CurrentAssessRequest),
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

/// The answer: the legacy shape for 2019 to 2022, the current one for 2024 and 2025.
#[derive(ToSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "describes the two answers the handler sends")]
pub enum AssessAnswer {
    Legacy(AssessResponse),
    Current(Box<CurrentAssessment>),
}

#[utoipa::path(
    post,
    path = "/assess",
    tag = "assessment",
    operation_id = "assess",
    summary = "Score the Quick Check answers: a 0-10 score and benchmarks (2024, 2025), or a level and percentile (2019 to 2022)",
    description = "The Quick Check assessment, stored nowhere. No authentication.\n\n\
        With `benchmark` `2024` or `2025` (the current editions, dora-model.md section 7) the answer scores each metric \
        0 to 10 (10 best), gives the overall score, throughput and stability with one decimal, and compares them with \
        the chosen industry (all industries by default) and, when `org_size` is given, organisation size; `level` and \
        `percentile` are null. With `benchmark` `2019`, `2021` or `2022`, or none at all (then 2019), the request and \
        answer are the legacy four-answer check.",
    security(()),
    request_body(content = AssessBody),
    responses(
        (status = 200, description = "The assessment, in the shape of the request's edition.", body = AssessAnswer),
        (status = 400, response = BadRequest),
        (status = 403, response = CrossSite),
        (status = 413, response = TooLargeText),
        (status = 422, description = "A field is missing, of the wrong type, or not one of its values; `field` names it: `lead_time`, `deploy_frequency`, `time_to_restore`, `change_failure_rate` or `benchmark`, and in the current editions also `rework_rate` (missing in 2025, given in 2024, or not a whole percent 0 to 100), `industry` and `org_size` (not a key of the edition's table). A legacy answer range where a percent is due is refused naming the field.", body = ErrorBody, example = json!({"error": "lead_time is required", "field": "lead_time"}))
    )
)]
/// Parses the body ourselves so that broken JSON is a 400 and a wrong value a
/// 422 naming its field.
pub(super) async fn assess(body: Bytes) -> Result<Response, ApiError> {
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    };
    // Only a benchmark naming a current edition selects it: an absent one keeps
    // meaning 2019, as it did before the current editions existed. A number
    // such as 2025 is meant as that edition, so its refusal names `benchmark`
    // rather than the percentages that the legacy check would take for text.
    let current = match object.get("benchmark") {
        Some(Value::String(b)) => Edition::from_id(b).is_some(),
        Some(Value::Number(n)) => Edition::from_id(&n.to_string()).is_some(),
        _ => false,
    };
    if current {
        let input = CurrentInput::from_json(&object).map_err(|e| ApiError::unprocessable(&e.field, e.message))?;
        return Ok(Json(assess_current(&input)).into_response());
    }
    legacy(&object).map(|answer| Json(answer).into_response())
}

/// The check of 2019 to 2022, unchanged.
fn legacy(object: &Map<String, Value>) -> Result<AssessResponse, ApiError> {
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
    Ok(AssessResponse {
        score: result.score,
        level: result.level,
        percentile: result.percentile,
        benchmark: result.benchmark.id(),
        recommended_capabilities: result.recommended_capabilities,
    })
}
