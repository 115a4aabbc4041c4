//! The history and a squad's trend, 50 checkpoints a page, filters kept.

use checkpoint_core::accounts::CurrentUser;
use checkpoint_core::checkpoints::CheckpointForm;
use checkpoint_core::store::squads::SquadForm;

use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

/// `payments` (tribe Money) with 120 checkpoints, one a day from 2020-01-01,
/// and `ledger` (tribe Else) with 5 in the same days; the viewer is signed in.
/// Returns the dates of payments' checkpoints, oldest first.
async fn many_checkpoints(app: &TestApp) -> Vec<String> {
    let row = app
        .store
        .create_user(None, "fran", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let fran = CurrentUser {
        id: row.id,
        username: row.username,
        role: Role::Facilitator,
    };
    app.store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    app.store
        .create_squad(None, SquadForm::parse("Ledger", "Else", None).unwrap())
        .await
        .unwrap();
    let day = |i: i64| (chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(i)).to_string();
    let mut dates = Vec::new();
    for i in 0..120 {
        app.store
            .create_checkpoint(&fran, "payments", CheckpointForm::parse(&day(i), None, None).unwrap())
            .await
            .unwrap();
        dates.push(day(i));
    }
    for i in 0..5 {
        app.store
            .create_checkpoint(
                &fran,
                "ledger",
                CheckpointForm::parse(&day(i * 20), None, None).unwrap(),
            )
            .await
            .unwrap();
    }
    app.sign_in_as(Role::Viewer).await;
    dates
}

async fn load(app: &TestApp, endpoint: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.form(endpoint, fields).await;
    (res.status(), res.text().await.unwrap())
}

fn dates_of(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["held_on"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn history_pages_hold_fifty_newest_first_and_keep_the_filters() {
    let app = spawn_app().await;
    let dates = many_checkpoints(&app).await;
    let newest_first: Vec<String> = dates.iter().rev().cloned().collect();
    let mut seen = Vec::new();
    for (page, len) in [("1", 50), ("2", 50), ("3", 20)] {
        let (status, body) = load(&app, "load_history", &[("squad", "payments"), ("page", page)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["rows"].as_array().unwrap().len(), len, "page {page}");
        assert_eq!(
            (v["total"].as_u64(), v["pages"].as_u64(), v["page"].as_u64()),
            (Some(120), Some(3), Some(page.parse().unwrap()))
        );
        assert!(
            v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["squad_slug"] == "payments"),
            "the filter holds on page {page}"
        );
        seen.extend(dates_of(&v["rows"]));
    }
    assert_eq!(seen, newest_first, "the pages are the right rows, in order, each once");

    // A date filter narrows the total; the pages follow it.
    let (_, body) = load(
        &app,
        "load_history",
        &[("squad", "payments"), ("from", "2020-03-01"), ("page", "2")],
    )
    .await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let kept: Vec<&String> = newest_first.iter().filter(|d| d.as_str() >= "2020-03-01").collect();
    assert_eq!(
        (v["total"].as_u64(), v["pages"].as_u64()),
        (Some(kept.len() as u64), Some(2))
    );
    assert_eq!(
        dates_of(&v["rows"]),
        kept[50..].iter().map(|d| d.to_string()).collect::<Vec<_>>()
    );

    // Without a filter every squad is counted; a page past the end shows the last one.
    let (_, body) = load(&app, "load_history", &[("page", "99")]).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (
            v["total"].as_u64(),
            v["pages"].as_u64(),
            v["page"].as_u64(),
            v["rows"].as_array().unwrap().len()
        ),
        (Some(125), Some(3), Some(3), 25)
    );

    for bad in ["0", "-1", "two", "1.5"] {
        let (status, body) = load(&app, "load_history", &[("page", bad)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "page={bad}: {body}");
        assert!(body.contains("page"), "the refusal names the field: {body}");
    }
}

#[tokio::test]
async fn the_history_page_links_its_pages_without_javascript() {
    let app = spawn_app().await;
    many_checkpoints(&app).await;
    let get = |path: &str| {
        let (client, url) = (app.client.clone(), format!("{}{path}", app.base));
        async move {
            let res = client.get(url).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = get("/history?tribe=Money&page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Page 2 of 3"), "the page says where it is");
    assert!(html.contains("120 checkpoints"), "and how many there are");
    assert!(
        html.contains(r#"href="/history?tribe=Money&amp;page=1""#),
        "Previous keeps the filters:\n{}",
        &html[html.find("Page 2").map_or(0, |i| i.saturating_sub(1500))..]
    );
    assert!(
        html.contains(r#"href="/history?tribe=Money&amp;page=3""#),
        "Next keeps the filters"
    );
    assert!(
        html.contains("2020-03-10") && html.contains("2020-01-21"),
        "page 2 is the 51st to 100th newest"
    );
    assert!(
        !html.contains("2020-03-11") && !html.contains("2020-01-20"),
        "and nothing else"
    );

    let (status, html) = get("/history?page=nope").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("page"));
    let (_, html) = get("/history?squad=nobody").await;
    assert!(html.contains("No checkpoint matches"), "an empty result says so");

    let (status, html) = get("/squads/payments/trend?page=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Page 3 of 3") && html.contains(r#"href="/squads/payments/trend?page=2""#));
}

#[tokio::test]
async fn a_squads_trend_pages_hold_fifty_oldest_first() {
    let app = spawn_app().await;
    let dates = many_checkpoints(&app).await;
    let mut seen = Vec::new();
    for (page, len) in [("1", 50), ("2", 50), ("3", 20)] {
        let (status, body) = load(&app, "load_trend", &[("squad", "payments"), ("page", page)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["points"].as_array().unwrap().len(), len, "page {page}");
        assert_eq!((v["total"].as_u64(), v["pages"].as_u64()), (Some(120), Some(3)));
        seen.extend(
            v["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["row"]["held_on"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(seen, dates);
    let (status, body) = load(&app, "load_trend", &[("squad", "payments"), ("page", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("page"), "{body}");
}

/// The list reads the columns its rows show, not each checkpoint's document:
/// with every document unreadable, the history still answers.
#[tokio::test]
async fn the_history_reads_no_checkpoint_document() {
    let app = spawn_app().await;
    many_checkpoints(&app).await;
    sqlx::query("UPDATE checkpoints SET doc = 'not a document'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, body) = load(&app, "load_history", &[("page", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = load(&app, "load_trend", &[("squad", "payments"), ("page", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Starts `id`, and has a participant vote each answer, the facilitator reveal and lock it.
pub(crate) async fn lock_all(app: &TestApp, id: &str, code: &str, answers: &[(&str, &str)]) {
    let res = app
        .form("set_checkpoint_status", &[("id", id), ("status", "live")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let cookie = app.join(code, "Ana").await.2.unwrap();
    for (question, answer) in answers {
        crate::secrecy::drive(app, id, &[("kind", "go_to"), ("stage", question)]).await;
        crate::secrecy::vote_on(app, id, &cookie, question, answer).await;
        crate::secrecy::drive(app, id, &[("kind", "reveal"), ("question", question)]).await;
        crate::secrecy::drive(app, id, &[("kind", "lock"), ("question", question), ("answer", answer)]).await;
    }
}

#[tokio::test]
async fn the_history_and_the_trend_keep_each_edition_on_its_own_scale() {
    let app = spawn_app().await;
    // 2025 by default: the worked check of dora-model.md 7.3 (score 8.1).
    let (current, code) = app.checkpoint().await;
    lock_all(
        &app,
        &current,
        &code,
        &[
            ("lead_time", "less_than_one_day"),
            ("deploy_frequency", "daily_to_weekly"),
            ("time_to_restore", "less_than_one_hour"),
            ("change_failure_rate", "12"),
            ("rework_rate", "25"),
        ],
    )
    .await;
    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&serde_json::json!({"squad": "payments", "held_on": "2026-10-01", "benchmark": "2021"}))
        .send()
        .await
        .unwrap();
    let legacy: Value = res.json().await.unwrap();
    lock_all(
        &app,
        legacy["id"].as_str().unwrap(),
        legacy["join_code"].as_str().unwrap(),
        &[
            ("lead_time", "less_than_one_day"),
            ("deploy_frequency", "on_demand"),
            ("time_to_restore", "less_than_one_hour"),
            ("change_failure_rate", "0-15"),
        ],
    )
    .await;

    let (status, body) = load(&app, "load_history", &[("squad", "payments")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let (new, old) = (&rows[0], &rows[1]);
    assert_eq!(
        (new["edition"].clone(), new["voted_score"].clone(), new["voted"].clone()),
        (Value::from("2025"), Value::from(8.1), Value::Null),
        "{new}"
    );
    assert_eq!(
        (old["edition"].as_str(), old["voted_score"].clone()),
        (Some("2021"), Value::Null)
    );
    assert_eq!(old["voted"]["level"], "elite", "{old}");

    let history = app
        .client
        .get(format!("{}/history", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(history.contains("score 8.1 (2025)"), "{history}");
    let percentile = old["voted"]["percentile"].as_u64().unwrap();
    assert!(history.contains(&format!("Elite · {percentile} (2021)")), "{history}");

    let trend = app
        .client
        .get(format!("{}/squads/payments/trend", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for chart in ["trend-chart-percentile", "trend-chart-score"] {
        assert_eq!(trend.matches(chart).count(), 1, "one chart per scale: {chart}");
    }
    assert!(
        !trend.contains("Since the previous checkpoint"),
        "two scales, so no change between them: {trend}"
    );
}
