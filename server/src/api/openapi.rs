//! The OpenAPI 3.1 document of `/api/v1`, generated from the code: each
//! operation from the `#[utoipa::path]` on its handler, registered with the
//! router in `mod.rs` through the same `routes!` call (so no route can be served
//! undocumented, nor documented unserved), and the schemas from the types the
//! handlers send. This file holds what belongs to the document as a whole.

use std::borrow::Cow;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use checkpoint_core::dora::Question;
use serde_json::{json, Value};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::error::{BadRequest, BatchRefused, CrossSite, EventsTooLarge, Internal, TokenRequired, TooLargeText};

/// What the document says about the API as a whole.
const DESCRIPTION: &str = "The stable JSON API of DevOps Checkpoint, under `/api/v1`.\n\n\
    Authentication: pipelines send a squad's API token (`cpt_...`, created on the squad page under API \
    tokens, or with `checkpoint token create --squad SLUG`, shown once) as `Authorization: Bearer \
    <token>`; it writes events for that squad and reads that squad's metrics only. People signed in to \
    the site use their `checkpoint_session` cookie on /checkpoints and /metrics.\n\n\
    Errors: refusals are JSON `{\"error\": \"...\", \"field\": \"...\"}` (`field` when one input is at fault); \
    the event endpoints refuse an item with `{\"error\", \"index\", \"field\"}`. Two refusals come from the \
    HTTP framework as plain text instead: 413 for a body over 2 MiB on /assess, /checkpoints and /join, \
    and 400 for a query string of /metrics that cannot be read. 400 is a body that is not a JSON object, \
    401 missing or invalid credentials (with `WWW-Authenticate: Bearer` on the token endpoints), 404 a \
    resource that does not exist or is not yours to read, 413 a body over the limit (1 MiB for events), \
    422 a value that breaks a rule. An unknown path under /api/v1 is 404 `{\"error\": \"no such API \
    endpoint\"}`. A state-changing request with an `Origin` header that does not name this site is 403 \
    (field `origin`).\n\n\
    Times are RFC 3339 strings (`2026-11-22T09:30:00Z`, any offset). The metric definitions are those of \
    section 6 of the DORA model the app implements.";
/// OAS 3.1's `info.summary`, which utoipa's `Info` has no field for.
const SUMMARY: &str =
    "Assess DORA answers, run checkpoints, record deployments and incidents, read the measured metrics.";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "DevOps Checkpoint API",
        version = "1",
        description = DESCRIPTION,
        license(name = "MIT", identifier = "MIT")
    ),
    servers((url = "/api/v1")),
    tags(
        (name = "assessment", description = "Score answers without storing anything."),
        (name = "checkpoints", description = "Create and join workshop sessions."),
        (name = "events", description = "Deployments and incidents from pipelines (squad API token)."),
        (name = "metrics", description = "The four DORA metrics measured from the events."),
        (name = "hooks", description = "Webhook deliveries from the tools a squad connected (GitHub, GitLab, PagerDuty, Prometheus Alertmanager), on the address and with the secret its connection shows once on the squad page. Answers: 200 `accepted` (stored; `message` says what) or `ok` (a ping); 202 `ignored` (nothing in it counts; `message` says why); 401 when the signature or secret does not match (nothing stored or logged); 404 for an unknown or revoked connection; 413 over 1 MiB; 422 naming the field the payload lacks (logged as refused, nothing stored). A redelivery updates what it stored and changes no figure. Every delivery that passes verification appears in the connection's delivery log."),
        (name = "meta", description = "This description."),
        (name = "summary", description = "Checkpoint summaries and their exports.")
    ),
    components(
        schemas(
            super::ErrorBody,
            super::BatchRefusal,
            Timestamp,
            JoinCode,
            checkpoint_core::dora::Level,
            checkpoint_core::dora::Benchmark,
            checkpoint_core::dora::capabilities::CapabilityKey,
            DurationAnswer,
            FrequencyAnswer,
            FailureRateAnswer,
            DeploymentFrequency,
            LeadTime,
            ChangeFailureRate,
            TimeToRestore,
            Maturity,
            FailedDeploymentRecovery,
            ReworkRate,
            AnyEdition,
            MeasuredAssessment,
            Summary,
            super::hooks::HookAnswer,
            super::hooks::Counts,
            super::export::FormatParam,
            super::export::OfParam
        ),
        responses(BadRequest, CrossSite, TokenRequired, EventsTooLarge, TooLargeText, BatchRefused, Internal)
    ),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

/// How clients authenticate: a squad's API token, or a person's session cookie.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cpt_ followed by 64 hex characters")
                    .description(Some("A squad's API token: `Authorization: Bearer cpt_...`. Created by a facilitator or admin on the squad page (API tokens) or with `checkpoint token create --squad SLUG`; shown only once; revocable. It writes that squad's events and reads that squad's metrics, nothing else."))
                    .build(),
            ),
        );
        for (name, header, description) in [
            ("githubSignature", "X-Hub-Signature-256", "`sha256=` and the HMAC-SHA256 of the raw body under the connection's secret, as GitHub signs every delivery."),
            ("gitlabToken", "X-Gitlab-Token", "The connection's secret, as GitLab sends its webhook's secret token."),
            ("pagerdutySignature", "X-PagerDuty-Signature", "`v1=` and the HMAC-SHA256 of the raw body under the subscription's signing secret (several, comma-separated, while it rotates), as PagerDuty signs V3 webhooks."),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(header, description))),
            );
        }
        components.add_security_scheme(
            "connectionBearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An Alertmanager connection's secret: `http_config.authorization.credentials` of the receiver.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "sessionCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                checkpoint_core::request::SESSION_COOKIE,
                "The session of a person signed in to the site.",
            ))),
        );
    }
}

/// The served document: generated once, then finished with what utoipa cannot say.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = serde_json::to_value(super::document()).expect("the document serializes");
        doc["info"]["summary"] = Value::String(SUMMARY.to_string());
        // utoipa marks an operation without authentication `security: [{}]`; say it as before, `[]`.
        for ops in doc["paths"]
            .as_object_mut()
            .into_iter()
            .flat_map(|paths| paths.values_mut())
        {
            for op in ops.as_object_mut().into_iter().flat_map(|ops| ops.values_mut()) {
                if op["security"] == json!([{}]) {
                    op["security"] = json!([]);
                }
            }
        }
        // As written: utoipa's schema model has no `const`, which the summary's uses.
        for (name, schema) in written_all().as_object().expect("schemas.json maps names to schemas") {
            doc["components"]["schemas"][name] = schema.clone();
        }
        serde_json::to_string_pretty(&doc).expect("the document serializes")
    })
}

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "getOpenApi",
    summary = "This document",
    description = "The OpenAPI 3.1 description of /api/v1. No authentication.",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI document.", body = Object)
    )
)]
pub(super) async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document()).into_response()
}

/// An RFC 3339 instant, as the event bodies carry them.
#[derive(ToSchema)]
#[schema(
    value_type = String,
    format = DateTime,
    description = "An RFC 3339 instant with any offset, e.g. `2026-11-22T09:30:00Z` or `2026-11-22T10:30:00+01:00`. Send it as a JSON string: numbers (epoch seconds or milliseconds) are refused.",
    example = "2026-11-22T09:30:00Z"
)]
pub struct Timestamp(#[expect(dead_code, reason = "a schema only")] String);

#[derive(ToSchema)]
#[schema(
    value_type = String,
    pattern = "^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$",
    description = "Eight characters from an alphabet without look-alikes, shown as `ABCD-EFGH`.",
    example = "KX7P-M3QD"
)]
pub struct JoinCode(#[expect(dead_code, reason = "a schema only")] String);

/// An edition, or null or the empty string (both meaning the default).
pub fn benchmark_or_empty() -> Schema {
    from_json(json!({
        "anyOf": [{"$ref": "#/components/schemas/AnyEdition"}, {"type": "null"}, {"type": "string", "enum": [""]}],
        "description": "The edition the checkpoint is run in; 2025 when left out, null or empty."
    }))
}

fn from_json(schema: Value) -> Schema {
    serde_json::from_value(schema).expect("a well-formed schema")
}

/// The answer ids of a question, worst first, straight from the core's catalog.
fn answer_ids(question: Question, description: &str) -> RefOr<Schema> {
    RefOr::T(from_json(json!({
        "type": "string",
        "enum": question.answer_ids(),
        "description": description,
    })))
}

macro_rules! answer_schema {
    ($name:ident, $question:expr, $description:literal) => {
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                answer_ids($question, $description)
            }
        }
        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

answer_schema!(
    DurationAnswer,
    Question::LeadTime,
    "Answer ids of lead time and time to restore, worst first: >= 182 days, < 182 days, < 30 days, < 7 days, < 24 hours, < 1 hour."
);
answer_schema!(
    FrequencyAnswer,
    Question::DeployFrequency,
    "Answer ids of deployment frequency, worst first."
);
answer_schema!(
    FailureRateAnswer,
    Question::ChangeFailureRate,
    "Answer ids of change failure rate (percent bands), worst first."
);

/// The schemas of the measured metrics and of the summary export, written
/// out: their fields are described for API readers in more words than the
/// core's types carry. The API tests validate real answers against them.
const WRITTEN: &str = include_str!("schemas.json");

fn written_all() -> &'static Value {
    static ALL: OnceLock<Value> = OnceLock::new();
    ALL.get_or_init(|| serde_json::from_str(WRITTEN).expect("schemas.json is JSON"))
}

/// The schema as utoipa's model holds it; [`document`] serves the written one.
fn written(name: &str) -> RefOr<Schema> {
    RefOr::T(from_json(written_all()[name].clone()))
}

/// The `WWW-Authenticate` header of a 401 that takes tokens.
#[derive(ToSchema)]
#[schema(description = "Always `Bearer`.")]
#[expect(dead_code, reason = "a schema only")]
pub enum BearerChallenge {
    Bearer,
}

macro_rules! written_schema {
    ($($name:ident),*) => {$(
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                written(stringify!($name))
            }
        }
        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )*};
}

written_schema!(
    DeploymentFrequency,
    LeadTime,
    ChangeFailureRate,
    TimeToRestore,
    Maturity,
    FailedDeploymentRecovery,
    ReworkRate,
    AnyEdition,
    MeasuredAssessment,
    Summary
);
