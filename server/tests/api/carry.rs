//! Actions carried over from one checkpoint to the squad's next, and the
//! welcome stage's review of every action the squad still has open.

use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// A checkpoint of the squad `payments`, held on `held_on`; returns its id.
async fn checkpoint_on(app: &TestApp, held_on: &str) -> String {
    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": "payments", "held_on": held_on}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "create the checkpoint of {held_on}");
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn squad(app: &TestApp) {
    app.sign_in_as(Role::Facilitator).await;
    let res = app
        .form("create_squad", &[("name", "Payments"), ("tribe", "Money")])
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "squad: {}",
        res.status()
    );
}

/// Posts one board change as the facilitator, as the form without JavaScript does.
async fn board(app: &TestApp, id: &str, fields: &[(&str, &str)]) {
    let mut all = vec![("id", id)];
    all.extend_from_slice(fields);
    let res = app.form("board_command", &all).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{fields:?}: {} {}",
        res.status(),
        res.text().await.unwrap_or_default()
    );
}

async fn add_action(app: &TestApp, id: &str, action: &str, title: &str) {
    board(
        app,
        id,
        &[
            ("op", "add_action"),
            ("action", action),
            ("title", title),
            ("owner", "Ana"),
            ("due", "2026-12-18"),
            ("capability", "deployment_automation"),
        ],
    )
    .await;
}

/// The checkpoint's board actions, as its room shows them.
async fn actions_of(app: &TestApp, id: &str) -> Vec<Value> {
    let res = app.form("live_view", &[("id", id)]).await;
    assert!(res.status().is_success(), "live_view: {}", res.status());
    res.json::<Value>().await.unwrap()["board"]["actions"]
        .as_array()
        .unwrap()
        .clone()
}

/// The review at `id`'s welcome stage, as JSON text.
async fn review_of(app: &TestApp, id: &str) -> String {
    let res = app.form("previous_actions", &[("id", id)]).await;
    assert!(res.status().is_success(), "previous_actions: {}", res.status());
    res.text().await.unwrap()
}

async fn review(app: &TestApp, id: &str, from: &str, action: &str, status: &str) -> reqwest::Response {
    app.form(
        "review_action",
        &[("id", id), ("from", from), ("action", action), ("status", status)],
    )
    .await
}

#[tokio::test]
async fn a_carried_action_is_copied_into_the_next_checkpoint_and_again_into_the_one_after() {
    let app = spawn_app().await;
    squad(&app).await;
    let first = checkpoint_on(&app, "2026-01-10").await;
    add_action(&app, &first, "ship-changelog", "Generate the changelog in the pipeline").await;

    let second = checkpoint_on(&app, "2026-04-10").await;
    assert!(review_of(&app, &second)
        .await
        .contains("Generate the changelog in the pipeline"));
    for _ in 0..2 {
        let res = review(&app, &second, &first, "ship-changelog", "carried").await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "carry: {} {}",
            res.status(),
            res.text().await.unwrap_or_default()
        );
    }
    let copies = actions_of(&app, &second).await;
    assert_eq!(copies.len(), 1, "carrying twice makes one copy: {copies:?}");
    let copy = &copies[0];
    assert_eq!(
        (copy["title"].as_str(), copy["owner"].as_str(), copy["due"].as_str()),
        (
            Some("Generate the changelog in the pipeline"),
            Some("Ana"),
            Some("2026-12-18")
        )
    );
    assert_eq!(
        (copy["capability"].as_str(), copy["status"].as_str()),
        (Some("deployment_automation"), Some("open"))
    );
    assert_eq!(copy["carried_from"][0]["checkpoint_id"], first.as_str());
    assert_eq!(copy["carried_from"][0]["action_id"], "ship-changelog");
    assert_eq!(copy["carried_from"][0]["held_on"], "2026-01-10");
    let md = app
        .client
        .get(format!("{}/api/v1/checkpoints/{second}/export?format=md", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        md.contains("Generate the changelog in the pipeline (carried over from 2026-01-10)"),
        "the summary says where it came from:\n{md}"
    );
    let original = actions_of(&app, &first).await;
    assert_eq!(original[0]["status"], "carried", "the original is marked carried over");

    // Still open at the end of the second, it is carried again into the third, its origins kept.
    let third = checkpoint_on(&app, "2026-07-10").await;
    let listed = review_of(&app, &third).await;
    assert_eq!(
        listed.matches("Generate the changelog in the pipeline").count(),
        1,
        "the action shows once, as the copy: {listed}"
    );
    let copy_id = copy["id"].as_str().unwrap();
    let res = review(&app, &third, &second, copy_id, "carried").await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "carry again: {}",
        res.status()
    );
    let again = actions_of(&app, &third).await;
    assert_eq!(again.len(), 1, "{again:?}");
    let chain: Vec<&str> = again[0]["carried_from"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["checkpoint_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        chain,
        [first.as_str(), second.as_str()],
        "the origin chain is kept, oldest first"
    );
    assert_eq!(again[0]["status"], "open");
}

#[tokio::test]
async fn an_action_marked_carried_on_its_own_board_is_copied_into_the_next_checkpoint_created() {
    let app = spawn_app().await;
    squad(&app).await;
    let first = checkpoint_on(&app, "2026-01-10").await;
    add_action(&app, &first, "alerts", "Page on failed deployments").await;
    add_action(&app, &first, "finished", "Remove the manual gate").await;
    board(
        &app,
        &first,
        &[("op", "action_status"), ("action", "alerts"), ("status", "carried")],
    )
    .await;
    board(
        &app,
        &first,
        &[("op", "action_status"), ("action", "finished"), ("status", "done")],
    )
    .await;

    let second = checkpoint_on(&app, "2026-04-10").await;
    let copied = actions_of(&app, &second).await;
    let titles: Vec<&str> = copied.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Page on failed deployments"],
        "only the carried action is copied"
    );
    assert_eq!(copied[0]["carried_from"][0]["checkpoint_id"], first.as_str());
    assert!(
        review_of(&app, &second)
            .await
            .matches("Page on failed deployments")
            .count()
            <= 1,
        "the copy, not the original, moves on"
    );
}

#[tokio::test]
async fn the_review_lists_every_open_action_of_the_squads_earlier_checkpoints() {
    let app = spawn_app().await;
    squad(&app).await;
    let oldest = checkpoint_on(&app, "2026-01-10").await;
    add_action(&app, &oldest, "old-open", "Trunk-based development for the API").await;
    add_action(&app, &oldest, "old-done", "Delete the release branch").await;
    add_action(&app, &oldest, "old-dropped", "Nightly load test").await;
    board(
        &app,
        &oldest,
        &[("op", "action_status"), ("action", "old-done"), ("status", "done")],
    )
    .await;
    board(
        &app,
        &oldest,
        &[
            ("op", "action_status"),
            ("action", "old-dropped"),
            ("status", "dropped"),
        ],
    )
    .await;
    let middle = checkpoint_on(&app, "2026-04-10").await;
    add_action(&app, &middle, "newer-open", "Feature flags for checkout").await;

    let latest = checkpoint_on(&app, "2026-07-10").await;
    let listed = review_of(&app, &latest).await;
    assert!(listed.contains("Feature flags for checkout"), "{listed}");
    assert!(
        listed.contains("Trunk-based development for the API"),
        "an open action of an older checkpoint is reviewed too: {listed}"
    );
    assert!(
        listed.contains(&oldest) && listed.contains("2026-01-10"),
        "with the checkpoint that agreed it: {listed}"
    );
    assert!(
        !listed.contains("Delete the release branch") && !listed.contains("Nightly load test"),
        "done and dropped actions are not: {listed}"
    );

    // Marked done here, it stays in this review (to change back) but leaves the next one.
    let res = review(&app, &latest, &oldest, "old-open", "done").await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "review: {}",
        res.status()
    );
    assert!(review_of(&app, &latest)
        .await
        .contains("Trunk-based development for the API"));
    let next = checkpoint_on(&app, "2026-10-10").await;
    let listed = review_of(&app, &next).await;
    assert!(
        !listed.contains("Trunk-based development for the API") && listed.contains("Feature flags for checkout"),
        "{listed}"
    );

    // An action of another checkpoint than the one named, or of a later one, is refused naming the field.
    let res = review(&app, &latest, &middle, "old-open", "done").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = review(&app, &middle, &latest, "newer-open", "done").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("earlier"), "the refusal says why");
}

#[tokio::test]
async fn only_those_running_the_new_checkpoint_carry_an_action_over() {
    let app = spawn_app().await;
    squad(&app).await;
    let first = checkpoint_on(&app, "2026-01-10").await;
    add_action(&app, &first, "x", "Page on failed deployments").await;
    let second = checkpoint_on(&app, "2026-04-10").await;
    for role in [Role::Viewer, Role::Facilitator] {
        let other = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let name = format!("other-{}", role.id());
        app.store
            .create_user(None, &name, "long enough password", role)
            .await
            .unwrap();
        other
            .post(format!("{}/api/login", app.base))
            .form(&[("username", name.as_str()), ("password", "long enough password")])
            .send()
            .await
            .unwrap();
        let res = other
            .post(format!("{}/api/review_action", app.base))
            .form(&[
                ("id", &second),
                ("from", &first),
                ("action", &"x".to_string()),
                ("status", &"carried".to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
    }
    let anon = reqwest::Client::new()
        .post(format!("{}/api/review_action", app.base))
        .form(&[
            ("id", &second),
            ("from", &first),
            ("action", &"x".to_string()),
            ("status", &"done".to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        anon.status() == StatusCode::UNAUTHORIZED || anon.status() == StatusCode::FORBIDDEN,
        "{}",
        anon.status()
    );
    assert!(
        actions_of(&app, &second).await.is_empty(),
        "a refused review copies nothing"
    );
    assert_eq!(
        actions_of(&app, &first).await[0]["status"],
        "open",
        "and changes nothing"
    );
    let res = review(&app, &second, &first, "x", "soon").await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad status names the field"
    );
    assert!(res.text().await.unwrap().contains("status"));
}
