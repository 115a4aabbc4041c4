//! Issue 16, points 13 and 16 at the doors: a checkpoint created anonymous, a
//! timer started for typed minutes, the squad's focus proposals, and the
//! forms' rules (a past due date accepted, over-long text refused naming the
//! field, never cut).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::secrecy::{drive, live_at_lead_time};

/// A plain form post as the facilitator: its status and the message, if refused.
async fn post(app: &TestApp, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.form(endpoint, fields).await;
    (res.status(), res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_checkpoint_created_anonymous_starts_anonymous_and_the_flag_must_be_a_boolean() {
    let app = spawn_app().await;
    app.sign_in_as(checkpoint_core::accounts::Role::Facilitator).await;
    let squad: Value = app
        .form("create_squad", &[("name", "Payments"), ("tribe", "Money")])
        .await
        .json()
        .await
        .unwrap();
    let url = format!("{}/api/v1/checkpoints", app.base);
    let bad = app
        .client
        .post(&url)
        .json(&json!({"squad": squad["slug"], "held_on": "2026-11-22", "anonymous": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json::<Value>().await.unwrap()["field"], "anonymous");
    let created: Value = app
        .client
        .post(&url)
        .json(&json!({"squad": squad["slug"], "held_on": "2026-11-22", "anonymous": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let view: Value = app.form("live_view", &[("id", id)]).await.json().await.unwrap();
    assert_eq!(
        (view["anonymous"].as_bool(), view["revealed_once"].as_bool()),
        (Some(true), Some(false))
    );
    // The squad page's form: the checkbox.
    let res = app
        .form(
            "create_checkpoint",
            &[("squad", "payments"), ("held_on", "2026-11-23"), ("anonymous", "on")],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let listed = app.store.list_checkpoints("payments").await.unwrap();
    let newest = listed.iter().find(|c| c.held_on == "2026-11-23").unwrap();
    let view: Value = app.form("live_view", &[("id", &newest.id)]).await.json().await.unwrap();
    assert_eq!(view["anonymous"], true);
}

#[tokio::test]
async fn a_timer_starts_for_the_minutes_typed_and_refuses_a_length_out_of_bounds() {
    let app = spawn_app().await;
    let (id, _) = live_at_lead_time(&app).await;
    for bad in ["0", "121", "ten"] {
        let (status, body) = post(
            &app,
            "live_command",
            &[
                ("id", &id),
                ("kind", "timer_start"),
                ("stage", "lead_time"),
                ("minutes", bad),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(body.contains("1 to 120 whole minutes"), "{bad}: {body}");
    }
    let view: Value = app.form("live_view", &[("id", &id)]).await.json().await.unwrap();
    assert!(
        view["questions"][0]["timer"]["ends_at_ms"].is_null(),
        "a refused length starts nothing"
    );
    drive(
        &app,
        &id,
        &[("kind", "timer_start"), ("stage", "lead_time"), ("minutes", "7")],
    )
    .await;
    let view: Value = app.form("live_view", &[("id", &id)]).await.json().await.unwrap();
    let timer = &view["questions"][0]["timer"];
    assert_eq!(timer["duration_ms"], 7 * 60_000);
    assert!(timer["ends_at_ms"].is_i64());
    // A board activity's timer, over the board's own form.
    let (status, body) = post(
        &app,
        "board_command",
        &[
            ("id", &id),
            ("op", "timer"),
            ("activity", "1"),
            ("timer", "start"),
            ("minutes", "500"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    drive_board(
        &app,
        &id,
        &[("op", "timer"), ("activity", "1"), ("timer", "start"), ("minutes", "3")],
    )
    .await;
    let view: Value = app.form("live_view", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(view["board"]["timers"][1]["duration_ms"], 3 * 60_000);
}

async fn drive_board(app: &TestApp, id: &str, fields: &[(&str, &str)]) {
    let mut all = vec![("id", id)];
    all.extend_from_slice(fields);
    let (status, body) = post(app, "board_command", &all).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{fields:?}: {status} {body}"
    );
}

#[tokio::test]
async fn participants_propose_focus_the_facilitator_sees_who_and_alone_adds_it() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let (_, _, ana) = app.join(&code, "Ana").await;
    let (_, _, bo) = app.join(&code, "Bo").await;
    for cookie in [&ana, &bo] {
        let mut ws = app.socket(&id, cookie.as_deref(), None).await.unwrap();
        frame_of(&mut ws, "snapshot").await;
        command(
            &mut ws,
            1,
            json!({"type": "propose_focus", "capability": "trunk_based", "on": true}),
        )
        .await;
        frame_of(&mut ws, "ack").await;
    }
    let mut ws = app.socket(&id, ana.as_deref(), None).await.unwrap();
    let snapshot = frame_of(&mut ws, "snapshot").await;
    let mine = &snapshot["view"]["capabilities"];
    assert_eq!(mine["my_proposals"], json!(["trunk_based"]));
    assert_eq!(
        mine["proposals"],
        json!([]),
        "participants do not see who proposed what"
    );
    command(&mut ws, 2, json!({"type": "add_focus", "capability": "trunk_based"})).await;
    assert_eq!(
        frame_of(&mut ws, "error").await["message"],
        "you do not have permission to do that"
    );
    command(&mut ws, 3, json!({"type": "confirm_focus", "confirmed": true})).await;
    assert_eq!(
        frame_of(&mut ws, "error").await["message"],
        "you do not have permission to do that"
    );
    let view: Value = app.form("live_view", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(
        view["capabilities"]["proposals"],
        json!([["trunk_based", ["Ana", "Bo"]]]),
        "the facilitator sees who proposed it"
    );
    assert_eq!(view["capabilities"]["focus"], json!([]), "proposing adds nothing");
}

#[tokio::test]
async fn a_past_due_date_is_accepted_and_over_long_text_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (id, _) = live_at_lead_time(&app).await;
    drive_board(&app, &id, &[("op", "use_template")]).await;
    drive_board(
        &app,
        &id,
        &[
            ("op", "add_action"),
            ("action", "a1"),
            ("title", "Automate the release"),
            ("owner", "Ana"),
            ("due", "2020-01-31"),
        ],
    )
    .await;
    let view: Value = app.form("live_view", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(
        view["board"]["actions"][0]["due"], "2020-01-31",
        "recorded as overdue, not refused"
    );

    let long_word = "x".repeat(281);
    let (status, body) = post(
        &app,
        "board_command",
        &[
            ("id", &id),
            ("op", "add_note"),
            ("note", "n1"),
            ("step", "step-1"),
            ("kind", "manual"),
            ("text", &long_word),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("at most 280 characters (281 given)"), "{body}");
    let view: Value = app.form("live_view", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(view["board"]["notes"], json!([]), "nothing was cut and kept");
    let (status, body) = post(
        &app,
        "board_command",
        &[
            ("id", &id),
            ("op", "add_action"),
            ("action", "a2"),
            ("title", &"t".repeat(201)),
            ("owner", "Ana"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("at most 200 characters (201 given)"), "{body}");

    // A 280-character word is kept whole and wraps in the HTML export.
    let word = "y".repeat(280);
    drive_board(
        &app,
        &id,
        &[
            ("op", "add_note"),
            ("note", "n2"),
            ("step", "step-1"),
            ("kind", "improvement"),
            ("text", &word),
        ],
    )
    .await;
    let html = app
        .client
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=html", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&word), "the word is whole");
    assert!(html.contains("td,th,li,p{overflow-wrap:anywhere}"), "and wraps");
}
