//! The webhook doors, over HTTP: each tool's verification (anything else is
//! 401 and leaves no trace), the answers and the delivery log, the body
//! limit, revocation, and a forge's events giving the figures the same
//! events give through `/api/v1/deployments`.

use checkpoint_core::accounts::Role;
use checkpoint_core::connections::{ConnectionKind, ConnectionOptions, OptionsForm, Outcome};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::{hours_ago, spawn_app, TestApp};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/hooks/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

struct Hook {
    slug: String,
    id: String,
    url: String,
    secret: String,
}

async fn connect(app: &TestApp, squad: &str, kind: ConnectionKind, options: ConnectionOptions) -> Hook {
    use checkpoint_core::squads::SquadForm;
    let slug = match app.store.squad(&squad.to_lowercase()).await {
        Ok(s) => s.slug,
        Err(_) => {
            app.store
                .create_squad(None, SquadForm::parse(squad, "Money", None).unwrap())
                .await
                .unwrap()
                .slug
        }
    };
    let made = app
        .store
        .create_connection(None, &slug, kind, "", options)
        .await
        .unwrap();
    Hook {
        url: format!("{}{}", app.base, made.connection.hook_path()),
        id: made.connection.id,
        slug,
        secret: made.secret,
    }
}

async fn post(app: &TestApp, url: &str, headers: &[(&str, String)], body: &str) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn github(app: &TestApp, hook: &Hook, event: &str, payload: &Value) -> (StatusCode, Value) {
    let body = payload.to_string();
    let signature = format!("sha256={}", hmac_hex(&hook.secret, body.as_bytes()));
    let headers = [
        ("x-github-event", event.to_string()),
        ("x-github-delivery", uuid::Uuid::new_v4().to_string()),
        ("x-hub-signature-256", signature),
    ];
    post(app, &hook.url, &headers, &body).await
}

async fn log(app: &TestApp, hook: &Hook) -> Vec<checkpoint_core::connections::Delivery> {
    let admin = checkpoint_core::accounts::CurrentUser {
        id: "a".into(),
        username: "a".into(),
        role: Role::Admin,
    };
    app.store
        .connection_deliveries(Some(&admin), &hook.slug, &hook.id)
        .await
        .unwrap()
}

async fn stored(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

fn repo() -> Value {
    json!({"name": "payments-api", "full_name": "octo/payments-api", "default_branch": "main"})
}

#[tokio::test]
async fn a_github_delivery_is_verified_before_anything_is_read() {
    let app = spawn_app().await;
    let hook = connect(&app, "Payments", ConnectionKind::Github, ConnectionOptions::default()).await;
    let push = json!({"ref": "refs/heads/main", "repository": repo(),
                      "commits": [{"id": "a1", "timestamp": hours_ago(5)}]})
    .to_string();
    let wrong = format!("sha256={}", hmac_hex("not the secret", push.as_bytes()));
    let cases: [&[(&str, String)]; 3] = [
        &[("x-github-event", "push".into())],
        &[("x-github-event", "push".into()), ("x-hub-signature-256", wrong)],
        &[
            ("x-github-event", "push".into()),
            (
                "x-hub-signature-256",
                format!("sha1={}", hmac_hex(&hook.secret, push.as_bytes())),
            ),
        ],
    ];
    for headers in cases {
        let (status, body) = post(&app, &hook.url, headers, &push).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(body["error"].as_str().unwrap().contains("X-Hub-Signature-256"));
    }
    // A body signed, then changed on the way.
    let signed = format!("sha256={}", hmac_hex(&hook.secret, push.as_bytes()));
    let changed = push.replace("a1", "b2");
    let (status, _) = post(
        &app,
        &hook.url,
        &[("x-github-event", "push".into()), ("x-hub-signature-256", signed)],
        &changed,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(stored(&app, "pushed_commits").await, 0, "nothing stored");
    assert!(log(&app, &hook).await.is_empty(), "nor logged: anyone can send one");

    let (status, body) = github(
        &app,
        &hook,
        "ping",
        &json!({"zen": "Design for failure.", "hook_id": 1}),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, body) = github(&app, &hook, "star", &json!({"action": "created"})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(body["status"], "ignored");
    let (status, body) = github(&app, &hook, "push", &serde_json::from_str::<Value>(&push).unwrap()).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (StatusCode::OK, Some("1 commit pushed to octo/payments-api"))
    );
    let lines = log(&app, &hook).await;
    let seen: Vec<(&str, Outcome)> = lines.iter().map(|d| (d.event.as_str(), d.outcome)).collect();
    assert_eq!(
        seen,
        [
            ("push", Outcome::Accepted),
            ("star", Outcome::Ignored),
            ("ping", Outcome::Accepted)
        ]
    );
    assert!(lines[1].reason.starts_with("star events do not count"));
    assert!(
        lines.iter().all(|d| d.delivery.is_some()),
        "GitHub's delivery ids are kept"
    );
}

#[tokio::test]
async fn a_refused_or_oversized_delivery_changes_nothing() {
    let app = spawn_app().await;
    let hook = connect(&app, "Payments", ConnectionKind::Github, ConnectionOptions::default()).await;
    let bad =
        json!({"ref": "refs/heads/main", "repository": repo(), "commits": [{"id": "a1", "timestamp": "last Tuesday"}]});
    let (status, body) = github(&app, &hook, "push", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "commits[0].timestamp");
    assert_eq!(stored(&app, "pushed_commits").await, 0);
    let lines = log(&app, &hook).await;
    assert_eq!((lines.len(), lines[0].outcome), (1, Outcome::Refused));
    assert!(
        lines[0].reason.starts_with("commits[0].timestamp: "),
        "{}",
        lines[0].reason
    );

    let huge = format!(r#"{{"zen": "{}"}}"#, "x".repeat(1 << 20));
    let signature = format!("sha256={}", hmac_hex(&hook.secret, huge.as_bytes()));
    let (status, _) = post(
        &app,
        &hook.url,
        &[("x-github-event", "ping".into()), ("x-hub-signature-256", signature)],
        &huge,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(log(&app, &hook).await.len(), 1, "an oversized body is not logged");

    let (status, body) = post(
        &app,
        &format!("{}/api/v1/hooks/gitlab/{}", app.base, hook.id),
        &[],
        "{}",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the kind is part of the address: {body}");
    let facilitator = checkpoint_core::accounts::CurrentUser {
        id: "f".into(),
        username: "f".into(),
        role: Role::Facilitator,
    };
    app.store
        .revoke_connection(Some(&facilitator), &hook.slug, &hook.id)
        .await
        .unwrap();
    let (status, body) = github(&app, &hook, "ping", &json!({"zen": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].as_str().unwrap().contains("unknown or revoked"));
}

#[tokio::test]
async fn gitlab_pagerduty_and_alertmanager_check_their_own_secrets() {
    let app = spawn_app().await;
    let gitlab = connect(&app, "Payments", ConnectionKind::Gitlab, ConnectionOptions::default()).await;
    let body = fixture("gitlab-incident-opened.json").to_string();
    let (status, _) = post(&app, &gitlab.url, &[("x-gitlab-token", "guess".into())], &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, answer) = post(
        &app,
        &gitlab.url,
        &[
            ("x-gitlab-token", gitlab.secret.clone()),
            ("x-gitlab-event", "Issue Hook".into()),
        ],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["incidents"]["created"], 1);

    let pagerduty = connect(
        &app,
        "Payments",
        ConnectionKind::Pagerduty,
        ConnectionOptions::default(),
    )
    .await;
    let body = fixture("pagerduty-incident-triggered.json").to_string();
    let good = hmac_hex(&pagerduty.secret, body.as_bytes());
    let (status, _) = post(
        &app,
        &pagerduty.url,
        &[("x-pagerduty-signature", format!("v1={}", "0".repeat(64)))],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let rotating = format!("v1={},v1={good}", "0".repeat(64));
    let (status, answer) = post(&app, &pagerduty.url, &[("x-pagerduty-signature", rotating)], &body).await;
    assert_eq!(
        (status, answer["incidents"]["created"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{answer}"
    );
    assert_eq!(
        log(&app, &pagerduty).await[0].delivery.as_deref(),
        Some("5ac64822-4adc-4fda-ade0-410becf0de4f")
    );
    let resolved = fixture("pagerduty-incident-resolved.json").to_string();
    let signature = format!("v1={}", hmac_hex(&pagerduty.secret, resolved.as_bytes()));
    let (_, answer) = post(&app, &pagerduty.url, &[("x-pagerduty-signature", signature)], &resolved).await;
    assert_eq!(
        answer["incidents"]["updated"], 1,
        "resolving updates the incident it opened: {answer}"
    );

    let alerts = connect(
        &app,
        "Payments",
        ConnectionKind::Alertmanager,
        ConnectionOptions::default(),
    )
    .await;
    let body = fixture("alertmanager-captured-firing.json").to_string();
    let (status, _) = post(&app, &alerts.url, &[], &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(
        &app,
        &alerts.url,
        &[("authorization", format!("Bearer {}", gitlab.secret))],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "another connection's secret");
    let (status, answer) = post(
        &app,
        &alerts.url,
        &[("authorization", format!("Bearer {}", alerts.secret))],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        stored(&app, "incidents").await,
        3,
        "one each from GitLab, PagerDuty and Alertmanager"
    );
}

/// Commits pushed (sha, hours ago), then deployed that many hours ago with a deployment status.
type Round<'a> = (&'a [(&'a str, i64)], i64, &'a str);

/// The same history told two ways: a forge's pushes and deployment statuses,
/// and the deployments (with their commits) a pipeline would post.
#[tokio::test]
async fn forge_events_give_the_figures_the_same_deployments_give_through_the_api() {
    let app = spawn_app().await;
    let options = OptionsForm {
        services: "octo/payments-api=api".into(),
        ..OptionsForm::default()
    }
    .parse()
    .unwrap();
    let hook = connect(&app, "Forge", ConnectionKind::Github, options).await;
    let pipeline = app.pipeline("Pipeline").await;
    // (commits as (sha, hours ago)) pushed, then deployed at `deployed` hours ago with `state`.
    let history: [Round; 5] = [
        (&[("c1", 400), ("c2", 390)], 380, "success"),
        (&[("c3", 300)], 290, "failure"),
        (&[("c4", 200)], 150, "success"),
        (&[("c5", 100), ("c6", 90), ("c7", 80)], 30, "success"),
        (&[("c8", 20)], 10, "error"),
    ];
    let mut undeployed: Vec<(&str, i64)> = Vec::new();
    for (n, (commits, deployed, state)) in history.iter().enumerate() {
        let push = json!({"ref": "refs/heads/main", "repository": repo(),
                          "commits": commits.iter().map(|(sha, h)| json!({"id": sha, "timestamp": hours_ago(*h)})).collect::<Vec<_>>()});
        assert_eq!(github(&app, &hook, "push", &push).await.0, StatusCode::OK);
        let head = commits.last().unwrap().0;
        let status = json!({"action": "created", "repository": repo(),
                            "deployment_status": {"state": state, "environment": "production", "created_at": hours_ago(*deployed)},
                            "deployment": {"id": 900 + n, "sha": head, "environment": "production", "created_at": hours_ago(*deployed + 1)}});
        let (code, answer) = github(&app, &hook, "deployment_status", &status).await;
        assert_eq!(code, StatusCode::OK, "{answer}");
        undeployed.extend(commits.iter().copied());
        let api_status = if *state == "success" { "success" } else { "failure" };
        let deployment = json!({"id": format!("d{n}"), "service": "api", "status": api_status,
                                "started_at": hours_ago(*deployed + 1), "finished_at": hours_ago(*deployed),
                                "commits": undeployed.iter().map(|(sha, h)| json!({"sha": sha, "committed_at": hours_ago(*h)})).collect::<Vec<_>>()});
        assert_eq!(
            app.post_events(Some(&pipeline.token), "deployments", deployment.to_string())
                .await
                .0,
            StatusCode::OK
        );
        if *state == "success" {
            undeployed.clear();
        }
    }
    app.sign_in_as(Role::Viewer).await;
    let (_, forge) = app.metrics(None, &format!("squad={}", hook.slug)).await;
    let (_, api) = app.metrics(Some(&pipeline.token), "").await;
    for metric in [
        "lead_time",
        "deployment_frequency",
        "change_failure_rate",
        "failed_deployment_recovery",
    ] {
        assert_eq!(forge[metric], api[metric], "{metric}");
    }
    // Seven commits reached production (c8 only in a failed deployment), in three successes.
    assert_eq!(forge["lead_time"]["changes"], 7, "{forge}");
    assert_eq!(forge["deployment_frequency"]["deployments"], 3, "{forge}");
    assert_eq!(forge["change_failure_rate"]["failed"], 2, "{forge}");
}
