//! The survey's life: it opens at the survey stage and closes when the
//! facilitator ends the checkpoint, not when the summary is finalised.

use checkpoint_core::live::CheckpointStatus;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, TestApp};
use crate::secrecy::{drive, live_at_lead_time};

async fn answer(app: &TestApp, id: &str, cookie: &str, went_well: &str) -> StatusCode {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/api/answer_survey", app.base))
        .header("cookie", cookie)
        .form(&[
            ("id", id),
            ("usefulness", "4"),
            ("went_well", went_well),
            ("to_improve", ""),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn finalising_the_summary_leaves_the_survey_open_until_the_checkpoint_ends() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let ana = app.join(&code, "Ana").await.2.unwrap();
    let ok = |s: StatusCode| s.is_success() || s.is_redirection();

    // The facilitator finalises at the summary stage, before the survey.
    drive(&app, &id, &[("kind", "go_to"), ("stage", "summary")]).await;
    let res = app
        .form("finalise_summary", &[("id", &id), ("highlights", "Shipped.")])
        .await;
    assert!(ok(res.status()), "{}", res.status());
    let status = app.store.load_live(&id).await.unwrap().state.info.status;
    assert_eq!(status, CheckpointStatus::Live, "the room stays open");

    // "Next: Survey" still works, and the squad answers it.
    drive(&app, &id, &[("kind", "go_to"), ("stage", "survey")]).await;
    let status = answer(&app, &id, &ana, "the board").await;
    assert!(ok(status), "{status}");

    // The answer that came after the finalise is offered to the next correction.
    assert_eq!(app.summary_json(&id, Some(1)).await["survey"]["responses"], 0);
    let res = app
        .form(
            "correct_summary",
            &[
                ("id", &id),
                ("highlights", "Shipped."),
                ("reason", "the survey came in"),
            ],
        )
        .await;
    assert!(ok(res.status()), "{}", res.status());
    assert_eq!(app.summary_json(&id, None).await["survey"]["responses"], 1);

    // Ending the checkpoint closes the survey.
    let res = app
        .form("set_checkpoint_status", &[("id", &id), ("status", "finished")])
        .await;
    assert!(ok(res.status()), "{}", res.status());
    let bo = answer(&app, &id, &ana, "late").await;
    assert_eq!(bo, StatusCode::CONFLICT, "closed once the checkpoint ended");
}
