//! The quick check: `POST /api/v1/assess` against the reference figures, its
//! refusals naming the field, and the page that renders without JavaScript.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

fn answers(codes: [usize; 4], benchmark: &str) -> String {
    use checkpoint_core::dora::Question;
    let ids: Vec<&str> = Question::ALL
        .iter()
        .zip(codes)
        .map(|(q, c)| q.answer_ids()[c - 1])
        .collect();
    json!({"lead_time": ids[0], "deploy_frequency": ids[1], "time_to_restore": ids[2], "change_failure_rate": ids[3], "benchmark": benchmark}).to_string()
}

#[tokio::test]
async fn assess_matches_the_reference_for_every_benchmark() {
    let app = spawn_app().await;
    // (codes, level, percentile by 2019/2021/2022). avg 4.4 and 5.2 cannot come
    // from four whole answers; the core's unit tests check them.
    let cases = [
        ([6, 6, 5, 5], "elite", [89, 93, 94]),
        ([6, 6, 6, 6], "elite", [96, 97, 98]),
        ([4, 4, 3, 3], "low", [23, 33, 38]),
    ];
    for (codes, level, pcts) in cases {
        for (benchmark, pct) in ["2019", "2021", "2022"].into_iter().zip(pcts) {
            let (status, body) = app.assess(&answers(codes, benchmark)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["level"], level, "{codes:?} {benchmark}");
            assert_eq!(body["percentile"], pct, "{codes:?} {benchmark}");
            assert_eq!(body["benchmark"], benchmark);
        }
    }
    let (_, body) = app.assess(r#"{"lead_time":"less_than_one_day","deploy_frequency":"daily_to_weekly","time_to_restore":"less_than_one_day","change_failure_rate":"16-30"}"#).await;
    assert_eq!(body["benchmark"], "2019", "2019 when absent");
    assert_eq!(body["score"], 4.75, "(5 + 4 + 5 + 5) / 4");
    assert_eq!(body["level"], "high");
    assert_eq!(
        body["recommended_capabilities"],
        json!(["learning_culture", "wip_limits", "trunk_based"])
    );
}

#[tokio::test]
async fn assess_refuses_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let (status, body) = app.assess("{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "malformed JSON: key must be a string at line 1 column 2"
    }
    "#);

    let bad_answer = answers([6, 6, 6, 6], "2019").replace("on_demand", "hourly");
    let (status, body) = app.assess(&bad_answer).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "unknown answer \"hourly\" for deploy_frequency; expected one of fewer_than_once_per_six_months, monthly_to_six_monthly, weekly_to_monthly, daily_to_weekly, hourly_to_daily, on_demand",
      "field": "deploy_frequency"
    }
    "#);

    let (status, body) = app.assess(&answers([6, 6, 6, 6], "2020")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "unknown benchmark \"2020\"; expected 2019, 2021 or 2022",
      "field": "benchmark"
    }
    "#);

    let (status, body) = app.assess(r#"{"lead_time":"less_than_one_day"}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "deploy_frequency is required",
      "field": "deploy_frequency"
    }
    "#);

    let (status, body) = app.assess(r#"{"lead_time":5}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "lead_time must be a string",
      "field": "lead_time"
    }
    "#);

    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let (status, _) = app.assess(&big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn quick_check_page_renders_the_result_without_javascript() {
    let app = spawn_app().await;
    let url = format!("{}/quick-check?lead_time=less_than_one_hour&deploy_frequency=on_demand&time_to_restore=less_than_one_day&change_failure_rate=16-30&benchmark=2021&industry=retail", app.base);
    let html = app.client.get(url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Better than 93 % of 2021 respondents"),
        "avg 5.5 against 2021"
    );
    assert!(html.contains("Elite"));
    assert!(html.contains("Monitoring and observability"));
    let bad = app
        .client
        .get(format!("{}/quick-check?lead_time=soon", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(bad.contains("data-field=\"lead_time\""));
}
