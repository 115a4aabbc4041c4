//! A checkpoint keeps the DORA edition it was created with: 2025 unless the
//! request names another, a legacy one when asked, and a refusal naming
//! `benchmark` for anything that is not one of the five.

use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

async fn squad(app: &TestApp) -> String {
    app.sign_in_as(Role::Facilitator).await;
    let squad: Value = app
        .form("create_squad", &[("name", "Payments"), ("tribe", "Money")])
        .await
        .json()
        .await
        .unwrap();
    squad["slug"].as_str().unwrap().to_string()
}

async fn create(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

/// The edition as the checkpoint's summary export reads it back.
async fn edition_of(app: &TestApp, id: &str) -> Value {
    let json: Value = app
        .client
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    json["checkpoint"]["benchmark"].clone()
}

#[tokio::test]
async fn a_checkpoint_is_2025_unless_the_request_names_another_edition() {
    let app = spawn_app().await;
    let slug = squad(&app).await;
    let (status, plain) = create(&app, json!({"squad": slug, "held_on": "2026-11-22"})).await;
    assert_eq!(status, StatusCode::CREATED, "{plain}");
    assert_eq!(edition_of(&app, plain["id"].as_str().unwrap()).await, "2025");

    for (given, kept) in [("2021", "2021"), ("2024", "2024"), ("", "2025")] {
        let (status, body) = create(
            &app,
            json!({"squad": slug, "held_on": "2026-11-23", "benchmark": given}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{given}: {body}");
        assert_eq!(edition_of(&app, body["id"].as_str().unwrap()).await, kept, "{given}");
    }
}

#[tokio::test]
async fn an_unknown_edition_is_refused_by_name_and_creates_nothing() {
    let app = spawn_app().await;
    let slug = squad(&app).await;
    let (status, body) = create(
        &app,
        json!({"squad": slug, "held_on": "2026-11-22", "benchmark": "2020"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "benchmark");
    assert!(body["error"].as_str().unwrap().contains("2025"), "{body}");
    let listed = app.store.list_checkpoints(&slug).await.unwrap();
    assert!(listed.is_empty(), "{listed:?}");
}
