//! Administration through its doors (the server functions the pages post to):
//! one's own password, an admin's reset and deactivation, archiving a squad,
//! removing a co-facilitator and deleting a mistaken checkpoint. Each door is
//! walked with every hat the role table names, and a refusal changes nothing.

use checkpoint_core::access::{allows, Action, Hat};
use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

const PASSWORD: &str = "long enough password";

fn accepted(s: StatusCode) -> bool {
    s.is_success() || s.is_redirection()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post(c: &reqwest::Client, app: &TestApp, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    c.post(format!("{}/api/{endpoint}", app.base))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn sign_in(app: &TestApp, name: &str, password: &str) -> (reqwest::Client, StatusCode) {
    let c = client();
    let status = post(&c, app, "login", &[("username", name), ("password", password)])
        .await
        .status();
    (c, status)
}

async fn account(app: &TestApp, name: &str, role: Role) -> (String, reqwest::Client) {
    let id = app.store.create_user(None, name, PASSWORD, role).await.unwrap().id;
    let (c, status) = sign_in(app, name, PASSWORD).await;
    assert!(accepted(status), "{name} signs in: {status}");
    (id, c)
}

/// Whether this client's session is still honoured.
async fn signed_in(app: &TestApp, c: &reqwest::Client) -> bool {
    post(c, app, "list_squads", &[]).await.status() == StatusCode::OK
}

#[tokio::test]
async fn one_changes_ones_own_password_with_the_current_one() {
    let app = spawn_app().await;
    let (_, here) = account(&app, "ana", Role::Viewer).await;
    let (elsewhere, _) = sign_in(&app, "ana", PASSWORD).await;
    assert_eq!(
        post(
            &client(),
            &app,
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "x".repeat(12).as_str())
            ]
        )
        .await
        .status(),
        StatusCode::UNAUTHORIZED,
        "signed out"
    );
    let wrong = post(
        &here,
        &app,
        "change_password",
        &[
            ("current_password", "not my password"),
            ("new_password", "a new long password"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("current password"));
    assert!(signed_in(&app, &elsewhere).await, "a refusal changes nothing");

    let ok = post(
        &here,
        &app,
        "change_password",
        &[("current_password", PASSWORD), ("new_password", "a new long password")],
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(signed_in(&app, &here).await, "this session stays");
    assert!(!signed_in(&app, &elsewhere).await, "the other session ends");
    assert!(!accepted(sign_in(&app, "ana", PASSWORD).await.1));
    assert!(accepted(sign_in(&app, "ana", "a new long password").await.1));
}

#[tokio::test]
async fn an_admin_resets_a_password_and_deactivates_an_account() {
    let app = spawn_app().await;
    let (root_id, admin) = account(&app, "root", Role::Admin).await;
    let (fran_id, fran) = account(&app, "fran", Role::Facilitator).await;
    let (_, other) = account(&app, "otto", Role::Facilitator).await;
    assert_eq!(
        post(&fran, &app, "create_squad", &[("name", "Payments"), ("tribe", "Money")])
            .await
            .status(),
        StatusCode::OK
    );
    let token: serde_json::Value = post(
        &fran,
        &app,
        "create_api_token",
        &[("squad", "payments"), ("name", "ci")],
    )
    .await
    .json()
    .await
    .unwrap();
    let token = token["secret"].as_str().expect("the new token's secret").to_string();
    let deploy = json!({"id": "d1", "service": "api", "status": "success", "finished_at": hours_ago(1)}).to_string();
    assert_eq!(
        app.post_events(Some(&token), "deployments", deploy.clone()).await.0,
        StatusCode::OK
    );

    // Only admins, through the role table.
    for (c, hat) in [(&other, Hat::Facilitator), (&admin, Hat::Admin)] {
        let s = post(
            c,
            &app,
            "reset_password",
            &[("user_id", &fran_id), ("username", "fran")],
        )
        .await
        .status();
        assert_eq!(accepted(s), allows(hat, Action::ManageUsers), "{hat:?}: {s}");
    }
    let res = post(
        &admin,
        &app,
        "reset_password",
        &[("user_id", &fran_id), ("username", "fran")],
    )
    .await;
    let temporary: serde_json::Value = res.json().await.unwrap();
    let temporary = temporary["password"].as_str().unwrap().to_string();
    assert!(!signed_in(&app, &fran).await, "a reset ends her sessions");
    let (fran, status) = sign_in(&app, "fran", &temporary).await;
    assert!(accepted(status), "the temporary password works: {status}");

    let s = post(
        &other,
        &app,
        "set_user_active",
        &[("user_id", &fran_id), ("active", "false")],
    )
    .await
    .status();
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(signed_in(&app, &fran).await, "a refusal changes nothing");
    let s = post(
        &admin,
        &app,
        "set_user_active",
        &[("user_id", &fran_id), ("active", "maybe")],
    )
    .await
    .status();
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let s = post(
        &admin,
        &app,
        "set_user_active",
        &[("user_id", &fran_id), ("active", "false")],
    )
    .await
    .status();
    assert_eq!(s, StatusCode::OK);
    assert!(!signed_in(&app, &fran).await, "her session is refused at once");
    let (_, status) = sign_in(&app, "fran", &temporary).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "she cannot sign in");
    assert_eq!(
        app.post_events(Some(&token), "deployments", deploy.clone()).await.0,
        StatusCode::UNAUTHORIZED,
        "the token she made stops"
    );

    // Not oneself, and back again.
    let own = post(
        &admin,
        &app,
        "set_user_active",
        &[("user_id", &root_id), ("active", "false")],
    )
    .await;
    assert_eq!(own.status(), StatusCode::CONFLICT);
    assert!(signed_in(&app, &admin).await);
    let s = post(
        &admin,
        &app,
        "set_user_active",
        &[("user_id", &fran_id), ("active", "true")],
    )
    .await
    .status();
    assert_eq!(s, StatusCode::OK);
    assert!(accepted(sign_in(&app, "fran", &temporary).await.1));
    assert_eq!(
        app.post_events(Some(&token), "deployments", deploy).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_duplicate_squad_name_is_refused_on_name_and_archived_squads_leave_the_lists() {
    let app = spawn_app().await;
    let (_, fac) = account(&app, "fran", Role::Facilitator).await;
    let (_, viewer) = account(&app, "vic", Role::Viewer).await;
    let made = post(&fac, &app, "create_squad", &[("name", "Payments"), ("tribe", "Money")]).await;
    assert_eq!(made.status(), StatusCode::OK);
    let dup = post(
        &fac,
        &app,
        "create_squad",
        &[("name", "payments"), ("tribe", "Other"), ("industry", "retail")],
    )
    .await;
    assert_eq!(dup.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.text().await.unwrap().contains("the name \"Payments\" is taken"));
    assert_eq!(app.store.list_squads().await.unwrap().len(), 1, "nothing stored");

    for (c, hat) in [(&viewer, Hat::Viewer), (&fac, Hat::Facilitator)] {
        let s = post(
            c,
            &app,
            "set_squad_archived",
            &[("slug", "payments"), ("archived", "true")],
        )
        .await
        .status();
        assert_eq!(accepted(s), allows(hat, Action::ManageSquads), "{hat:?}: {s}");
    }
    let listed: serde_json::Value = post(&viewer, &app, "list_squads", &[]).await.json().await.unwrap();
    assert_eq!(listed, json!([]), "archived squads leave the list");
    let archived: serde_json::Value = post(&viewer, &app, "list_archived_squads", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(archived[0]["slug"], "payments");
    let page = fac.get(format!("{}/squads/payments", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("This squad is archived"));
}

#[tokio::test]
async fn co_facilitators_are_removed_by_those_the_table_allows() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (_, participant) = {
        let c = client();
        let joined = c
            .post(format!("{}/api/v1/join", app.base))
            .json(&json!({"code": code, "name": "Ana"}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(joined, StatusCode::OK);
        ((), c)
    };
    app.store
        .create_user(None, "cora", PASSWORD, Role::Facilitator)
        .await
        .unwrap();
    let (_, viewer) = account(&app, "vic", Role::Viewer).await;
    let (_, other) = account(&app, "otto", Role::Facilitator).await;
    let (_, admin) = account(&app, "root", Role::Admin).await;
    let callers = [
        (client(), Hat::Anonymous),
        (participant, Hat::Participant),
        (viewer, Hat::Viewer),
        (other, Hat::Facilitator),
        (admin, Hat::Admin),
        (app.client.clone(), Hat::Runner),
    ];
    for (c, hat) in &callers {
        let added = app
            .form("add_co_facilitator", &[("id", &id), ("username", "cora")])
            .await;
        assert!(accepted(added.status()));
        let s = post(c, &app, "remove_co_facilitator", &[("id", &id), ("username", "cora")])
            .await
            .status();
        let want = allows(*hat, Action::AddCoFacilitator);
        assert_eq!(accepted(s), want, "{hat:?}: {s}");
        assert!(want || s.is_client_error());
        let runs = app.store.list_checkpoints("payments").await.unwrap()[0]
            .co_facilitators
            .clone();
        assert_eq!(runs.is_empty(), want, "{hat:?}: removed only when allowed");
        let page = post(c, &app, "load_checkpoint_admin", &[("id", &id)]).await.status();
        assert_eq!(accepted(page), want, "{hat:?} reads the manage page's data: {page}");
    }
    let missing = app
        .form("remove_co_facilitator", &[("id", &id), ("username", "cora")])
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_mistaken_checkpoint_is_deleted_with_its_date_and_a_finalised_one_never() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (_, _, cookie) = app.join(&code, "Ana").await;
    let cookie = cookie.unwrap();
    let (_, other) = account(&app, "otto", Role::Facilitator).await;
    let (_, admin) = account(&app, "root", Role::Admin).await;
    let mut ws = app.socket(&id, Some(&cookie), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;

    let s = post(
        &other,
        &app,
        "delete_checkpoint",
        &[("id", &id), ("confirm", "2026-11-22")],
    )
    .await
    .status();
    assert_eq!(s, StatusCode::FORBIDDEN, "another facilitator may not");
    let s = app.form("delete_checkpoint", &[("id", &id), ("confirm", "yes")]).await;
    assert_eq!(s.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(s.text().await.unwrap().contains("2026-11-22"), "says what to type");
    assert!(
        app.store.checkpoint_exists(&id).await.unwrap(),
        "a refusal deletes nothing"
    );

    let s = app
        .form("delete_checkpoint", &[("id", &id), ("confirm", "2026-11-22")])
        .await;
    assert!(accepted(s.status()), "{}", s.status());
    assert!(!app.store.checkpoint_exists(&id).await.unwrap());
    assert_eq!(frame_of(&mut ws, "removed").await["t"], "removed", "the room is closed");
    let export = admin
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=md", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::NOT_FOUND);

    // A finalised summary keeps its checkpoint, whoever confirms.
    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": "payments", "held_on": "2026-11-23"}))
        .send()
        .await
        .unwrap();
    let kept: serde_json::Value = res.json().await.unwrap();
    let kept = kept["id"].as_str().unwrap().to_string();
    let fin = app
        .form("finalise_summary", &[("id", &kept), ("highlights", "We ship daily.")])
        .await;
    assert!(accepted(fin.status()), "{}", fin.status());
    let s = post(
        &admin,
        &app,
        "delete_checkpoint",
        &[("id", &kept), ("confirm", "2026-11-23")],
    )
    .await;
    assert_eq!(s.status(), StatusCode::CONFLICT);
    assert!(s.text().await.unwrap().contains("finalised summary"));
    assert!(app.store.checkpoint_exists(&kept).await.unwrap());
}
