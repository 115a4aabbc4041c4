//! The served OpenAPI document: valid OpenAPI 3.1 (checked against the official
//! schema, vendored beside this file from the OAI's 2022-10-07 release), every
//! `/api/v1` route in it and every operation in it served, and real answers of
//! the API matching the schemas it documents.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{deploy, spawn_app, TestApp};

/// The OAS 3.1 schema (https://spec.openapis.org/oas/3.1/schema/2022-10-07).
const OAS_3_1: &str = include_str!("oas-3.1.schema.json");

impl TestApp {
    async fn openapi(&self) -> Value {
        let res = self
            .client
            .get(format!("{}/api/v1/openapi.json", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/json");
        res.json().await.unwrap()
    }
}

fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_served_document_is_valid_openapi_3_1_and_every_reference_resolves() {
    let app = spawn_app().await;
    let doc = app.openapi().await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    let schema: Value = serde_json::from_str(OAS_3_1).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "not valid OpenAPI 3.1:\n{}", errors.join("\n"));
    // The OAS schema does not follow references: every one must name something in the document.
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(
        found.len() > 50,
        "the operations share their schemas and refusals by reference"
    );
    for r in found {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} points outside the document"));
        assert!(doc.pointer(pointer).is_some(), "{r} resolves to nothing");
    }
    // What a reader of the API relies on, beside the operations.
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert!(doc["info"]["summary"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(doc["info"]["description"]
        .as_str()
        .unwrap()
        .contains("no such API endpoint"));
    assert_eq!(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
    assert_eq!(
        doc["components"]["securitySchemes"]["sessionCookie"]["name"],
        "checkpoint_session"
    );
    assert_eq!(
        doc["components"]["schemas"]["FrequencyAnswer"]["enum"][5], "on_demand",
        "answer ids come from the core's catalog"
    );
}

/// `METHOD /path` of every operation in the document.
fn operations(doc: &Value) -> BTreeSet<String> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "put", "post", "delete", "patch", "head", "options"].contains(&k.as_str()))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect()
}

/// The handlers registered in the `/api/v1` router's source: its only way to
/// add a route is utoipa-axum's `routes!`, which documents what it registers.
fn registered_handlers() -> (Vec<String>, Vec<String>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut handlers = Vec::new();
    let mut undocumented = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (i, _) in source.match_indices("routes!(") {
            let inner = &source[i + "routes!(".len()..];
            let inner = &inner[..inner.find(')').unwrap()];
            handlers.extend(inner.split(',').map(|h| h.trim().to_string()).filter(|h| !h.is_empty()));
        }
        // Axum's own registrations, which would serve a route the document does not show.
        let plain_routers = source.matches("Router::new()").count() - source.matches("OpenApiRouter::new()").count();
        if plain_routers > 0 {
            undocumented.push(format!("{}: Router::new()", path.display()));
        }
        for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
            if source.contains(call) {
                undocumented.push(format!("{}: {call}", path.display()));
            }
        }
    }
    (handlers, undocumented)
}

#[tokio::test]
async fn every_api_route_is_documented_and_every_documented_operation_is_served() {
    let app = spawn_app().await;
    let doc = app.openapi().await;
    let documented = operations(&doc);
    let (handlers, undocumented) = registered_handlers();
    assert!(
        undocumented.is_empty(),
        "routes added to /api/v1 without routes! are missing from the document: {undocumented:?}"
    );
    assert_eq!(
        handlers.len(),
        documented.len(),
        "one documented operation per handler registered with routes!: {handlers:?} vs {documented:?}"
    );
    // Nothing else in the server serves under /api/v1.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in ["lib.rs", "site.rs", "live.rs", "import.rs", "telemetry.rs"] {
        let source = std::fs::read_to_string(src.join(file)).unwrap_or_default();
        assert!(
            !source.contains("\"/api/v1/"),
            "{file} serves under /api/v1 beside the documented router"
        );
    }
    // And each documented operation is answered by a handler, not the API's 404 fallback nor a 405.
    for op in &documented {
        let (method, path) = op.split_once(' ').unwrap();
        let url = format!(
            "{}/api/v1{}",
            app.base,
            path.replace("{id}", "00000000-0000-4000-8000-000000000000")
        );
        let req = match method {
            "GET" => app.client.get(url),
            "POST" => app
                .client
                .post(url)
                .header("content-type", "application/json")
                .body("{}"),
            other => panic!("{other} is not a method the API serves"),
        };
        let res = req.send().await.unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{op} is documented but not served"
        );
        assert_ne!(
            body,
            json!({"error": "no such API endpoint"}),
            "{op} is documented but not served"
        );
    }
    // The probe can tell: a path nobody documented gets the fallback.
    let res = app
        .client
        .get(format!("{}/api/v1/nowhere", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "no such API endpoint"})
    );
}

/// Checks `instance` against the document's `components/schemas/{name}`.
fn assert_matches(doc: &Value, name: &str, instance: &Value) {
    let mut root = doc.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$ref"] = json!(format!("#/components/schemas/{name}"));
    let validator = jsonschema::draft202012::new(&root).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} does not describe {instance}:\n{}",
        errors.join("\n")
    );
}

#[tokio::test]
async fn real_answers_match_the_schemas_the_document_gives_them() {
    let app = spawn_app().await;
    let doc = app.openapi().await;
    let body = r#"{"lead_time":"less_than_one_day","deploy_frequency":"on_demand","time_to_restore":"less_than_one_hour","change_failure_rate":"0-15"}"#;
    let (status, answer) = app.assess(body).await;
    assert_eq!(status, StatusCode::OK);
    assert_matches(&doc, "AssessResponse", &answer);
    assert_matches(&doc, "AssessAnswer", &answer);
    let current = json!({"benchmark": "2025", "lead_time": "less_than_one_day", "deploy_frequency": "on_demand", "time_to_restore": "less_than_one_hour", "change_failure_rate": 12, "rework_rate": 25, "org_size": "solo"});
    let (status, answer) = app.assess(&current.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_matches(&doc, "CurrentAssessment", &answer);
    // The operation's 200 is one of the two shapes, and only one of them matches each answer.
    assert_matches(&doc, "AssessAnswer", &answer);
    assert_eq!(
        doc["paths"]["/assess"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AssessAnswer"
    );
    assert_matches(&doc, "AssessBody", &current);
    assert_matches(&doc, "CurrentAssessRequest", &current);
    assert_matches(
        &doc,
        "AssessBody",
        &json!({"lead_time": "less_than_one_day", "deploy_frequency": "on_demand", "time_to_restore": "less_than_one_hour", "change_failure_rate": "0-15"}),
    );
    let (status, refusal) = app.assess(r#"{"lead_time": 3}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_matches(&doc, "Error", &refusal);

    // A squad with an organisation size: the assessment's comparison carries it too.
    let p = app.pipeline_with("Payments", Some("fewer_than_100")).await;
    let batch: Vec<Value> = (0..10)
        .map(|d| deploy(&format!("d{d}"), "success", d * 24 + 1, d * 24 + 3))
        .collect();
    let (status, stored) = app
        .post_events(Some(&p.token), "deployments", json!({"deployments": batch}).to_string())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_matches(&doc, "IngestResult", &stored);
    let incident = json!({"id": "INC-1", "service": "api", "opened_at": crate::helpers::hours_ago(30), "resolved_at": crate::helpers::hours_ago(29)});
    let (status, stored) = app.post_events(Some(&p.token), "incidents", incident.to_string()).await;
    assert_eq!(status, StatusCode::OK);
    assert_matches(&doc, "IngestResult", &stored);
    let (status, refusal) = app
        .post_events(
            Some(&p.token),
            "deployments",
            json!({"deployments": [{"id": "x"}]}).to_string(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_matches(&doc, "BatchError", &refusal);
    let (status, metrics) = app.metrics(Some(&p.token), "").await;
    assert_eq!(status, StatusCode::OK, "{metrics}");
    assert_matches(&doc, "Metrics", &metrics);
    assert!(
        metrics["assessment"]["score"].is_number(),
        "the 2025 branch is checked: {metrics}"
    );
    assert!(
        metrics["assessment"]["comparison"]["org_size"].is_object(),
        "and its org_size comparison: {metrics}"
    );
    let (status, legacy) = app.metrics(Some(&p.token), "benchmark=2021").await;
    assert_eq!(status, StatusCode::OK, "{legacy}");
    assert!(legacy["assessment"]["level"].is_string(), "{legacy}");
    assert_matches(&doc, "Metrics", &legacy);
    let (status, refusal) = app.metrics(None, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_matches(&doc, "Error", &refusal);

    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": "payments", "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    app.sign_in_as(checkpoint_core::accounts::Role::Facilitator).await;
    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": "payments", "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_matches(&doc, "CheckpointCreated", &created);
    let (status, joined, _) = app.join(created["join_code"].as_str().unwrap(), "Ana").await;
    assert_eq!(status, StatusCode::OK);
    assert_matches(&doc, "JoinResponse", &joined);
    let summary: Value = app
        .client
        .get(format!(
            "{}/api/v1/checkpoints/{}/export?format=json",
            app.base,
            created["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_matches(&doc, "Summary", &summary);

    // The same checkpoint (2025, the default) with every question locked and a
    // percentage revealed: the current-edition shapes of the summary.
    let id = created["id"].as_str().unwrap();
    let res = app
        .form("set_checkpoint_status", &[("id", id), ("status", "live")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let ana = joined_cookie(&app, created["join_code"].as_str().unwrap()).await;
    for (question, answer) in [
        ("lead_time", "less_than_one_day"),
        ("deploy_frequency", "daily_to_weekly"),
        ("time_to_restore", "less_than_one_hour"),
        ("change_failure_rate", "12"),
        ("rework_rate", "25"),
    ] {
        crate::secrecy::drive(&app, id, &[("kind", "go_to"), ("stage", question)]).await;
        crate::secrecy::vote_on(&app, id, &ana, question, answer).await;
        crate::secrecy::drive(&app, id, &[("kind", "reveal"), ("question", question)]).await;
        crate::secrecy::drive(
            &app,
            id,
            &[("kind", "lock"), ("question", question), ("answer", answer)],
        )
        .await;
    }
    let summary: Value = app
        .client
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(summary["voted_score"]["score"], 8.1, "{summary}");
    assert_eq!(summary["answers"][4]["percent"]["values"], json!([25]), "{summary}");
    assert_matches(&doc, "Summary", &summary);
}

/// Joins a second participant and returns their cookie.
async fn joined_cookie(app: &TestApp, code: &str) -> String {
    app.join(code, "Bo").await.2.unwrap()
}

/// The route list as the API served it before the document was generated: a second,
/// independent record, so a route lost from the router and the document at once still fails.
#[tokio::test]
async fn the_openapi_document_describes_every_api_endpoint_and_each_answers() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/json");
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut documented: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    documented.sort();
    // Every route the API router serves (server/src/api*.rs).
    let served = [
        "GET /checkpoints/{id}/export",
        "GET /metrics",
        "GET /openapi.json",
        "POST /assess",
        "POST /checkpoints",
        "POST /deployments",
        "POST /hooks/alertmanager/{connection}",
        "POST /hooks/github/{connection}",
        "POST /hooks/gitlab/{connection}",
        "POST /hooks/pagerduty/{connection}",
        "POST /incidents",
        "POST /join",
    ];
    assert_eq!(documented, served);
    for route in served {
        let (method, path) = route.split_once(' ').unwrap();
        let url = format!("{}/api/v1{path}", app.base);
        let res = if method == "GET" {
            app.client.get(url)
        } else {
            app.client.post(url).body("{}")
        }
        .send()
        .await
        .unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(
            !(status == StatusCode::NOT_FOUND && body.contains("no such API endpoint")),
            "{route} is documented but not served"
        );
    }
}
