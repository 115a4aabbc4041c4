//! Relinking and unlinking an incident through the door (issue 17, point 7):
//! the server function a facilitator's form posts to, refused for a viewer, a
//! squad's token and a visitor, with the refusal changing nothing.

use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

/// A squad with two successes and an incident inferred onto the later one.
async fn squad_with_an_inferred_incident(app: &TestApp) -> String {
    let pipeline = app.pipeline("Payments").await;
    let deployments = json!({"deployments": [deploy("d1", "success", 48, 50), deploy("d2", "success", 24, 26)]});
    assert_eq!(
        app.post_events(Some(&pipeline.token), "deployments", deployments.to_string())
            .await
            .0,
        StatusCode::OK
    );
    let incident = json!({"id": "INC-1", "service": "api", "opened_at": hours_ago(20), "resolved_at": hours_ago(19)});
    assert_eq!(
        app.post_events(Some(&pipeline.token), "incidents", incident.to_string())
            .await
            .0,
        StatusCode::OK
    );
    pipeline.token
}

async fn failed(app: &TestApp, token: &str) -> u64 {
    let (status, body) = app.metrics(Some(token), "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["change_failure_rate"]["failed"].as_u64().unwrap()
}

async fn client_of(app: &TestApp, name: &str, role: Role) -> reqwest::Client {
    app.store
        .create_user(None, name, "long enough password", role)
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(format!("{}/api/login", app.base))
        .form(&[("username", name), ("password", "long enough password")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    client
}

#[tokio::test]
async fn a_facilitator_unlinks_and_relinks_and_others_are_refused() {
    let app = spawn_app().await;
    let token = squad_with_an_inferred_incident(&app).await;
    assert_eq!(failed(&app, &token).await, 1, "INC-1 is inferred onto d2");
    let unlink = [("squad", "payments"), ("incident", "INC-1"), ("choice", "unlink")];

    // Refused: a viewer, a squad's token, a visitor. Nothing changes.
    let viewer = client_of(&app, "vera", Role::Viewer).await;
    let refusals = [
        (
            "viewer",
            viewer
                .post(format!("{}/api/choose_incident_link", app.base))
                .form(&unlink),
        ),
        (
            "token",
            reqwest::Client::new()
                .post(format!("{}/api/choose_incident_link", app.base))
                .bearer_auth(&token)
                .form(&unlink),
        ),
        (
            "visitor",
            reqwest::Client::new()
                .post(format!("{}/api/choose_incident_link", app.base))
                .form(&unlink),
        ),
    ];
    for (who, req) in refusals {
        let status = req.send().await.unwrap().status();
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED,
            "{who}: {status}"
        );
    }
    assert_eq!(failed(&app, &token).await, 1, "a refusal changes nothing");

    // A facilitator's plain form post (no JavaScript) unlinks it and is sent back.
    let fran = client_of(&app, "fran", Role::Facilitator).await;
    let res = fran
        .post(format!("{}/api/choose_incident_link", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/squads/payments/metrics", app.base))
        .form(&unlink)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(failed(&app, &token).await, 0, "unlinked, d2 no longer failed");

    // A relink to a deployment the squad does not have: 422 naming the field, nothing changes.
    let res = fran
        .post(format!("{}/api/choose_incident_link", app.base))
        .form(&[
            ("squad", "payments"),
            ("incident", "INC-1"),
            ("choice", "relink"),
            ("deployment", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("no deployment with id"));
    assert_eq!(failed(&app, &token).await, 0);
    let res = fran
        .post(format!("{}/api/choose_incident_link", app.base))
        .form(&[("squad", "payments"), ("incident", "INC-404"), ("choice", "unlink")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Relinked to d1: one failure again, and the page says by whom.
    let res = fran
        .post(format!("{}/api/choose_incident_link", app.base))
        .form(&[
            ("squad", "payments"),
            ("incident", "INC-1"),
            ("choice", "relink"),
            ("deployment", "d1"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(failed(&app, &token).await, 1);
    let page = fran
        .get(format!("{}/squads/payments/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("set by fran: deployment d1"), "the page names the choice");
    assert!(page.contains("Back to automatic"));
    let seen = viewer
        .get(format!("{}/squads/payments/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        seen.contains("set by fran: deployment d1"),
        "a viewer sees the provenance"
    );
    assert!(
        !seen.contains("Back to automatic") && !seen.contains("Relink…"),
        "but no control"
    );
}
