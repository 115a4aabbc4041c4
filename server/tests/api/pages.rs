//! Pages as the server draws them, for what a user relies on there: a viewer
//! opening a checkpoint is shown what a viewer reads, History offers a select
//! of squads, the token section links a guide the app serves, and the
//! maturity table explains a measured level rather than ask for one.

use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::history::lock_all;
use crate::trend::{legacy_checkpoint, ANSWERS};

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = c.get(format!("{}{path}", app.base)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn viewer(app: &TestApp) -> reqwest::Client {
    app.store
        .create_user(None, "leader", "long enough password", Role::Viewer)
        .await
        .unwrap();
    let c = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let res = c
        .post(format!("{}/api/login", app.base))
        .form(&[("username", "leader"), ("password", "long enough password")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    c
}

#[tokio::test]
async fn a_signed_in_viewer_opening_a_checkpoint_is_shown_its_summary_not_told_to_sign_in() {
    let app = spawn_app().await;
    let (id, _) = app.checkpoint().await;
    let leader = viewer(&app).await;
    let (status, html) = page(&leader, &app, &format!("/checkpoints/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    assert!(!main.to_lowercase().contains("sign in"), "{main}");
    assert!(main.contains("data-testid=\"viewer-notice\""), "{main}");
    assert!(html.contains(&format!("href=\"/checkpoints/{id}/summary\"")));
}

#[tokio::test]
async fn history_offers_the_squads_in_a_select() {
    let app = spawn_app().await;
    app.checkpoint().await;
    let leader = viewer(&app).await;
    let (status, html) = page(&leader, &app, "/history?squad=payments").await;
    assert_eq!(status, StatusCode::OK);
    let select = &html[html
        .find("<select id=\"h-squad\"")
        .expect("a select of squads, not a slug to type")..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(
        select.contains("<option value=\"payments\" selected"),
        "the filtered squad is chosen: {select}"
    );
    assert!(select.contains("Payments · Money"), "{select}");
}

#[tokio::test]
async fn the_token_section_links_the_guide_the_app_serves() {
    let app = spawn_app().await;
    app.checkpoint().await;
    let (status, html) = page(&app.client, &app, "/squads/payments").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/docs/integrations.md\""), "{html}");
    assert!(!html.contains("are in docs/integrations.md"), "no repository path");
    let res = reqwest::get(format!("{}/docs/integrations.md", app.base))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let guide = res.text().await.unwrap();
    assert!(guide.contains("## GitHub Actions") && guide.contains("## GitLab CI"));
}

/// The maturity stage's table: beside a measured level, its "why" says where
/// the level comes from, not that it needs all four metrics.
#[tokio::test]
async fn a_measured_level_is_not_told_it_needs_all_four_metrics() {
    let app = spawn_app().await;
    let p = app.pipeline("Payments").await;
    let batch: Vec<Value> = (0..12)
        .map(|i| {
            deploy(
                &format!("d{i}"),
                if i == 3 { "failure" } else { "success" },
                24 * i + 1,
                24 * i + 3,
            )
        })
        .collect();
    let (status, _) = app
        .post_events(Some(&p.token), "deployments", json!({"deployments": batch}).to_string())
        .await;
    assert_eq!(status, StatusCode::OK);
    let incident = json!({"id": "inc-1", "service": "api", "opened_at": hours_ago(30), "resolved_at": hours_ago(29), "deployment_id": "d1"});
    assert_eq!(
        app.post_events(Some(&p.token), "incidents", incident.to_string())
            .await
            .0,
        StatusCode::OK
    );
    app.sign_in_as(checkpoint_core::accounts::Role::Facilitator).await;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let (id, code) = legacy_checkpoint(&app, &today).await;
    lock_all(&app, &id, &code, &ANSWERS).await;
    crate::secrecy::drive(&app, &id, &[("kind", "go_to"), ("stage", "maturity")]).await;
    let html = app
        .client
        .get(format!("{}/checkpoints/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = &html[html.find("data-testid=\"voted-measured\"").expect("the table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let level = &table[table.find("data-testid=\"measured-level\"").unwrap()..];
    assert!(!level.contains("Not enough data"), "a measured level: {table}");
    assert!(
        !table.contains("needs all four metrics"),
        "no 'needs all four' beside a measured level: {table}"
    );
}
