//! A correction of a finalised summary may correct a locked answer, with its
//! reason; earlier revisions keep what they said.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;
use crate::secrecy::{drive, live_at_lead_time};

fn locked(summary: &Value, question: &str) -> Value {
    summary["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["question"] == question)
        .map(|a| a["locked"].clone())
        .unwrap()
}

#[tokio::test]
async fn a_correction_corrects_a_locked_answer_and_keeps_it_in_later_revisions() {
    let app = spawn_app().await;
    let (id, _code) = live_at_lead_time(&app).await;
    drive(&app, &id, &[("kind", "reveal"), ("question", "lead_time")]).await;
    drive(
        &app,
        &id,
        &[
            ("kind", "lock"),
            ("question", "lead_time"),
            ("answer", "less_than_one_hour"),
        ],
    )
    .await;
    let ok = |s: StatusCode| s.is_success() || s.is_redirection();
    assert!(ok(app
        .form("finalise_summary", &[("id", &id), ("highlights", "Fast.")])
        .await
        .status()));
    // The room ends; the summary can still be corrected.
    assert!(ok(app
        .form("set_checkpoint_status", &[("id", &id), ("status", "finished")])
        .await
        .status()));

    // A wrong answer is refused by name, and nothing is stored.
    let refused = app
        .form(
            "correct_summary",
            &[
                ("id", &id),
                ("highlights", "Fast."),
                ("reason", "typo"),
                ("lead_time", "instant"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("lead_time"));
    assert_eq!(
        app.summary_json(&id, None).await["revision"],
        1,
        "a refused correction stores nothing"
    );

    let res = app
        .form(
            "correct_summary",
            &[
                ("id", &id),
                ("highlights", "Slower than we said."),
                (
                    "reason",
                    "The lead time was recorded wrongly: it is one day to one week",
                ),
                ("lead_time", "one_day_to_one_week"),
                ("deploy_frequency", ""),
            ],
        )
        .await;
    assert!(ok(res.status()), "{}", res.status());
    let second = app.summary_json(&id, None).await;
    assert_eq!(
        (
            second["revision"].as_i64(),
            locked(&second, "lead_time"),
            second["finalised"]["reason"].as_str()
        ),
        (
            Some(2),
            Value::from("one_day_to_one_week"),
            Some("The lead time was recorded wrongly: it is one day to one week")
        )
    );
    assert_eq!(
        locked(&app.summary_json(&id, Some(1)).await, "lead_time"),
        "less_than_one_hour"
    );

    // A later correction of something else keeps the corrected answer.
    let res = app
        .form(
            "correct_summary",
            &[("id", &id), ("highlights", "Slower."), ("reason", "wording")],
        )
        .await;
    assert!(ok(res.status()));
    assert_eq!(
        locked(&app.summary_json(&id, None).await, "lead_time"),
        "one_day_to_one_week"
    );
}
