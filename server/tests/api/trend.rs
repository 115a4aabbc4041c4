//! A squad's trend chart as the page draws it: every result is a mark (a
//! single one too, which no line can show), and two checkpoints held on one
//! day stay two points, told apart by their labels.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::history::lock_all;

pub(crate) const ANSWERS: [(&str, &str); 4] = [
    ("lead_time", "less_than_one_day"),
    ("deploy_frequency", "on_demand"),
    ("time_to_restore", "less_than_one_hour"),
    ("change_failure_rate", "0-15"),
];

pub(crate) async fn legacy_checkpoint(app: &TestApp, held_on: &str) -> (String, String) {
    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": "payments", "held_on": held_on, "benchmark": "2021"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    (
        v["id"].as_str().unwrap().into(),
        v["join_code"].as_str().unwrap().into(),
    )
}

async fn trend_page(app: &TestApp) -> String {
    let res = app
        .client
        .get(format!("{}/squads/payments/trend", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_single_voted_result_is_drawn() {
    let app = spawn_app().await;
    app.checkpoint().await;
    let (id, code) = legacy_checkpoint(&app, "2026-10-01").await;
    lock_all(&app, &id, &code, &ANSWERS).await;
    let html = trend_page(&app).await;
    assert_eq!(
        html.matches("data-testid=\"trend-voted-point\"").count(),
        1,
        "the one voted percentile has its mark: {html}"
    );
}

#[tokio::test]
async fn two_checkpoints_of_one_day_are_two_points() {
    let app = spawn_app().await;
    app.checkpoint().await;
    for _ in 0..2 {
        let (id, code) = legacy_checkpoint(&app, "2026-10-01").await;
        lock_all(&app, &id, &code, &ANSWERS).await;
    }
    let html = trend_page(&app).await;
    let chart = &html[html.find("trend-chart-percentile").unwrap()..];
    let chart = &chart[..chart.find("</figure>").unwrap()];
    assert_eq!(chart.matches("data-testid=\"trend-voted-point\"").count(), 2, "{chart}");
    assert!(
        chart.contains("2026-10-01 (1)") && chart.contains("2026-10-01 (2)"),
        "the two are told apart: {chart}"
    );
}
