//! The role table, walked through the doors: for each hat and each action we
//! can reach from outside, the door does what `checkpoint_core::access` says,
//! and a refusal changes nothing; signed-out visitors are sent to sign in,
//! and a facilitator's new squad names a bad field.

use checkpoint_core::access::{allows, Action, Hat};

use crate::secrecy::live_at_lead_time;
use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

struct Caller {
    hat: Hat,
    client: reqwest::Client,
    cookie: Option<String>,
    token: Option<String>,
}

impl Caller {
    async fn post(&self, app: &TestApp, endpoint: &str, fields: &[(&str, &str)]) -> StatusCode {
        let mut req = self.client.post(format!("{}/api/{endpoint}", app.base)).form(fields);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().status()
    }

    async fn send_json(&self, app: &TestApp, path: &str, body: Value) -> StatusCode {
        let mut req = self.client.post(format!("{}{path}", app.base)).json(&body);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().status()
    }

    async fn get(&self, app: &TestApp, path: &str) -> StatusCode {
        let mut req = self.client.get(format!("{}{path}", app.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().status()
    }
}

fn accepted(s: StatusCode) -> bool {
    s.is_success() || s.is_redirection()
}

async fn signed_in(app: &TestApp, name: &str, role: Role) -> reqwest::Client {
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
    assert!(accepted(res.status()));
    client
}

fn plain() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_door_follows_the_role_table() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let participant = app.join(&code, "Ana").await.2.unwrap();
    let token = app
        .store
        .create_api_token(None, "payments", "wiki")
        .await
        .unwrap()
        .secret;
    let callers = vec![
        Caller {
            hat: Hat::Anonymous,
            client: plain(),
            cookie: None,
            token: None,
        },
        Caller {
            hat: Hat::SquadToken,
            client: plain(),
            cookie: None,
            token: Some(token),
        },
        Caller {
            hat: Hat::Participant,
            client: plain(),
            cookie: Some(participant),
            token: None,
        },
        Caller {
            hat: Hat::Viewer,
            client: signed_in(&app, "viewer1", Role::Viewer).await,
            cookie: None,
            token: None,
        },
        Caller {
            hat: Hat::Facilitator,
            client: signed_in(&app, "otherfac", Role::Facilitator).await,
            cookie: None,
            token: None,
        },
        Caller {
            hat: Hat::Admin,
            client: signed_in(&app, "admin1", Role::Admin).await,
            cookie: None,
            token: None,
        },
        Caller {
            hat: Hat::Runner,
            client: app.client.clone(),
            cookie: None,
            token: None,
        },
    ];
    // A note of the runner's, one per caller, for the delete-anyone's-note cell.
    for c in &callers {
        let note = format!("fac-note-{:?}", c.hat);
        let s = app
            .form(
                "board_command",
                &[
                    ("id", &id),
                    (
                        "op",
                        if c.hat == Hat::Anonymous {
                            "use_template"
                        } else {
                            "add_note"
                        },
                    ),
                    ("note", &note),
                    ("step", "step-1"),
                    ("kind", "manual"),
                    ("text", "runner's note"),
                ],
            )
            .await;
        assert!(accepted(s.status()));
    }
    let s = app
        .form(
            "board_command",
            &[
                ("id", &id),
                ("op", "add_action"),
                ("action", "a1"),
                ("title", "Automate the changelog"),
                ("owner", "Fran"),
            ],
        )
        .await;
    assert!(accepted(s.status()));
    let mut checked = 0;
    for c in &callers {
        let hat = c.hat;
        let cells: Vec<(Action, StatusCode)> = vec![
            (Action::ReadSummary, c.get(&app, &format!("/api/v1/checkpoints/{id}/export?format=md")).await),
            (Action::ReadRoom, c.post(&app, "live_view", &[("id", &id)]).await),
            (Action::Drive, c.post(&app, "live_command", &[("id", &id), ("kind", "go_to"), ("stage", "lead_time")]).await),
            (Action::Vote, c.post(&app, "live_command", &[("id", &id), ("kind", "vote"), ("question", "lead_time"), ("answer", "less_than_one_day")]).await),
            (Action::EditFlow, c.post(&app, "board_command", &[("id", &id), ("op", "add_step"), ("step", &format!("s-{hat:?}")), ("title", "Canary")]).await),
            (Action::ChangeNote, c.post(&app, "board_command", &[("id", &id), ("op", "add_note"), ("note", &format!("own-{hat:?}")), ("step", "step-1"), ("kind", "manual"), ("text", "mine")]).await),
            (Action::DeleteAnyNote, c.post(&app, "board_command", &[("id", &id), ("op", "delete_note"), ("note", &format!("fac-note-{hat:?}"))]).await),
            (Action::WriteSummary, c.post(&app, "save_summary_highlights", &[("id", &id), ("highlights", "notes")]).await),
            (Action::ManageUsers, c.post(&app, "create_user", &[("username", &format!("new{}", checked)), ("password", "long enough password"), ("role", "viewer")]).await),
            (Action::ManageSquads, c.post(&app, "create_squad", &[("name", &format!("Squad {hat:?}")), ("tribe", "Money")]).await),
            (Action::Volunteer, c.post(&app, "board_command", &[("id", &id), ("op", "volunteer"), ("action", "a1")]).await),
            (Action::CreateCheckpoint, c.send_json(&app, "/api/v1/checkpoints", json!({"squad": "payments", "held_on": "2026-11-29"})).await),
            (Action::PostEvents, c.send_json(&app, "/api/v1/deployments", json!({"id": format!("run-{hat:?}"), "service": "checkout", "status": "success", "finished_at": "2026-11-22T09:30:00Z"})).await),
            (Action::ReadMetrics, c.get(&app, "/api/v1/metrics?squad=payments").await),
        ];
        for (action, status) in cells {
            checked += 1;
            let want = allows(hat, action);
            assert_eq!(
                accepted(status),
                want,
                "{hat:?} × {action:?}: got {status}, the table says {}",
                if want { "allowed" } else { "refused" }
            );
            if !want {
                assert!(
                    status.is_client_error(),
                    "{hat:?} × {action:?}: a refusal is a 4xx, got {status}"
                );
            }
        }
        // Deleting one's own note: the participant's and the runner's own notes.
        if allows(hat, Action::DeleteOwnNote) {
            let s = c
                .post(
                    &app,
                    "board_command",
                    &[("id", &id), ("op", "delete_note"), ("note", &format!("own-{hat:?}"))],
                )
                .await;
            assert!(accepted(s), "{hat:?} deletes their own note: {s}");
        }
    }
    // Nothing a refusal touched changed: the runner's notes for refused callers are all there.
    let view: Value = app
        .client
        .post(format!("{}/api/live_view", app.base))
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let notes: Vec<&str> = view["board"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for c in &callers {
        let kept = notes.contains(&format!("fac-note-{:?}", c.hat).as_str());
        assert_eq!(
            kept,
            !allows(c.hat, Action::DeleteAnyNote) && c.hat != Hat::Anonymous,
            "{:?}'s attempt to delete the runner's note",
            c.hat
        );
    }
    let people = view["people"].as_array().unwrap().len();
    assert_eq!(
        people, 2,
        "reading the room made nobody a participant (the runner and Ana): {view}"
    );

    // Joining explicitly, then ending: another facilitator may join but not end a checkpoint in use.
    let other = &callers[4];
    assert_eq!(
        other
            .post(&app, "set_checkpoint_status", &[("id", &id), ("status", "finished")])
            .await,
        StatusCode::CONFLICT,
        "in use: not theirs to end"
    );
    assert!(accepted(other.post(&app, "join_as_user", &[("id", &id)]).await));
    assert!(
        accepted(
            other
                .post(
                    &app,
                    "live_command",
                    &[
                        ("id", &id),
                        ("kind", "vote"),
                        ("question", "lead_time"),
                        ("answer", "less_than_one_day")
                    ]
                )
                .await
        ),
        "joined, they vote"
    );
    assert!(
        !accepted(callers[3].post(&app, "join_as_user", &[("id", &id)]).await),
        "viewers join by code"
    );
    assert!(
        accepted(
            app.form("set_checkpoint_status", &[("id", &id), ("status", "finished")])
                .await
                .status()
        ),
        "the runner ends it"
    );
}

#[tokio::test]
async fn votes_only_on_the_open_question_of_a_live_checkpoint() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let cookie = app.join(&code, "Ana").await.2.unwrap();
    let mut ws = app.socket(&id, Some(&cookie), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;
    command(
        &mut ws,
        1,
        json!({"type": "vote", "question": "lead_time", "answer": "less_than_one_day"}),
    )
    .await;
    // A draft takes no votes.
    insta::assert_json_snapshot!(frame_of(&mut ws, "error").await, @r#"
    {
      "field": "question",
      "message": "voting opens when the facilitator starts the checkpoint",
      "req": 1,
      "t": "error"
    }
    "#);
    let res = app
        .form("set_checkpoint_status", &[("id", &id), ("status", "live")])
        .await;
    assert!(accepted(res.status()));
    command(
        &mut ws,
        2,
        json!({"type": "vote", "question": "lead_time", "answer": "less_than_one_day"}),
    )
    .await;
    // Not at that question yet.
    insta::assert_json_snapshot!(frame_of(&mut ws, "error").await, @r#"
    {
      "field": "question",
      "message": "this question is not open: vote on the question the facilitator has open",
      "req": 2,
      "t": "error"
    }
    "#);
    crate::secrecy::drive(&app, &id, &[("kind", "go_to"), ("stage", "lead_time")]).await;
    command(
        &mut ws,
        3,
        json!({"type": "vote", "question": "deploy_frequency", "answer": "on_demand"}),
    )
    .await;
    // Another question is open.
    insta::assert_json_snapshot!(frame_of(&mut ws, "error").await, @r#"
    {
      "field": "question",
      "message": "this question is not open: vote on the question the facilitator has open",
      "req": 3,
      "t": "error"
    }
    "#);
    command(
        &mut ws,
        4,
        json!({"type": "vote", "question": "lead_time", "answer": "less_than_one_day"}),
    )
    .await;
    assert_eq!(frame_of(&mut ws, "ack").await["req"], 4);
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = spawn_app().await;
    for path in ["/admin/users", "/squads", "/squads/some-squad"] {
        let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        let location = res.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/login?next="), "{location}");
    }
    let res = app.form("list_users", &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_viewer_cannot_create_squads_or_manage_users() {
    let app = spawn_app().await;
    app.sign_in_as(Role::Viewer).await;
    let res = app
        .form("create_squad", &[("name", "Payments"), ("tribe", "Money")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store.list_squads().await.unwrap().is_empty(),
        "a refused request changes nothing"
    );
    assert_eq!(app.form("list_users", &[]).await.status(), StatusCode::FORBIDDEN);
    // A viewer may read the squad list.
    assert_eq!(app.form("list_squads", &[]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_facilitator_creates_a_squad_and_bad_input_names_the_field() {
    let app = spawn_app().await;
    app.sign_in_as(Role::Facilitator).await;
    let res = app.form("create_squad", &[("name", "  "), ("tribe", "Money")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("name must not be empty"));
    let res = app
        .form(
            "create_squad",
            &[("name", "Payments"), ("tribe", "Money"), ("industry", "finance")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let squads = app.store.list_squads().await.unwrap();
    assert_eq!(squads.len(), 1);
    assert_eq!(
        (squads[0].slug.as_str(), squads[0].industry.id()),
        ("payments", "finance")
    );
}

#[tokio::test]
async fn the_squad_form_takes_an_organisation_size_and_the_current_industry_keys() {
    use checkpoint_core::dora::current::OrgSizeKey;
    let app = spawn_app().await;
    app.sign_in_as(Role::Facilitator).await;
    let res = app
        .form(
            "create_squad",
            &[
                ("name", "Payments"),
                ("tribe", "Money"),
                ("industry", "financial_services"),
                ("org_size", "huge"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("org_size"));
    assert!(
        app.store.list_squads().await.unwrap().is_empty(),
        "a refused form stores nothing"
    );
    let res = app
        .form(
            "create_squad",
            &[
                ("name", "Payments"),
                ("tribe", "Money"),
                ("industry", "financial_services"),
                ("org_size", "fewer_than_500"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let squad = app.store.squad("payments").await.unwrap();
    assert_eq!(
        (squad.industry.id(), squad.org_size),
        ("finance", Some(OrgSizeKey::FewerThan500)),
        "stored as the legacy industry id"
    );
    let res = app
        .form(
            "update_squad",
            &[
                ("slug", "payments"),
                ("name", "Payments"),
                ("tribe", "Money"),
                ("industry", "retail"),
                ("org_size", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let squad = app.store.squad("payments").await.unwrap();
    assert_eq!(
        (squad.industry.id(), squad.org_size),
        ("retail", None),
        "a blank size clears it"
    );
}
