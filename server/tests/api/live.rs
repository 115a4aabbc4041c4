//! Live checkpoints over HTTP and the WebSocket: joining, creating, who may
//! open a socket and send what, the board's convergence, and two server
//! processes sharing one room through PostgreSQL.

use checkpoint_core::accounts::Role;
use futures_util::SinkExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{command, frame_of, next_json, spawn_app, Socket};
use crate::secrecy;
use checkpoint_test_support as support;

#[tokio::test]
async fn joining_names_the_field_and_a_finished_checkpoint_admits_nobody() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (status, body, _) = app.join(&code, "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "name must not be empty",
      "field": "name"
    }
    "#);
    let (status, body, _) = app.join("NOPE-NOPE", "Ana").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "a join code has 8 letters and digits, like ABCD-EFGH",
      "field": "code"
    }
    "#);
    let (status, body, cookie) = app.join(&code, "Ana").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["checkpoint_id"], id.as_str());
    assert!(cookie.unwrap().starts_with(&format!("checkpoint_p_{id}=")));

    let ended = app
        .form("set_checkpoint_status", &[("id", &id), ("status", "finished")])
        .await;
    assert!(
        ended.status().is_success() || ended.status().is_redirection(),
        "{}",
        ended.status()
    );
    let (status, body, _) = app.join(&code, "Late").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "this checkpoint has finished; it admits nobody",
      "field": "code"
    }
    "#);
}

#[tokio::test]
async fn creating_a_checkpoint_needs_a_facilitator_and_names_bad_fields() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/checkpoints", app.base);
    let anonymous = reqwest::Client::new()
        .post(&url)
        .json(&json!({"squad": "x", "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    app.sign_in_as(Role::Facilitator).await;
    let bad = app
        .client
        .post(&url)
        .json(&json!({"squad": "x", "held_on": "2026-02-30"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(bad.json::<Value>().await.unwrap(), @r#"
    {
      "error": "the date must be a real day written YYYY-MM-DD",
      "field": "held_on"
    }
    "#);
    let missing = app
        .client
        .post(&url)
        .json(&json!({"held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    insta::assert_json_snapshot!(missing.json::<Value>().await.unwrap(), @r#"
    {
      "error": "squad is required",
      "field": "squad"
    }
    "#);
    let unknown = app
        .client
        .post(&url)
        .json(&json!({"squad": "nobody", "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_socket_refuses_other_sites_strangers_and_other_checkpoints() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (_, _, cookie) = app.join(&code, "Ana").await;
    let cookie = cookie.unwrap();
    assert_eq!(app.socket(&id, None, None).await.err(), Some(401));
    assert_eq!(
        app.socket(&id, Some(&cookie), Some("http://evil.example")).await.err(),
        Some(403)
    );
    // A participant session opens its own checkpoint only.
    let other = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": "payments", "held_on": "2026-11-23"}))
        .send()
        .await
        .unwrap();
    let other_id = other.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(app.socket(&other_id, Some(&cookie), None).await.err(), Some(401));
    let mut ws = app
        .socket(&id, Some(&cookie), Some(&app.base))
        .await
        .expect("same-site socket");
    let first = frame_of(&mut ws, "snapshot").await;
    assert_eq!(
        first["view"]["join_code"],
        Value::Null,
        "participants do not get the join code"
    );
}

#[tokio::test]
async fn a_participant_cannot_reveal_lock_advance_or_remove() {
    let app = spawn_app().await;
    let (id, code) = secrecy::live_at_lead_time(&app).await;
    let (_, ana, cookie) = app.join(&code, "Ana").await;
    let mut ws = app.socket(&id, cookie.as_deref(), None).await.unwrap();
    let before = frame_of(&mut ws, "snapshot").await["view"]["revision"]
        .as_i64()
        .unwrap();
    let refused = [
        json!({"type": "reveal", "question": "lead_time"}),
        json!({"type": "lock", "question": "lead_time", "answer": "less_than_one_day"}),
        json!({"type": "go_to", "stage": "maturity"}),
        json!({"type": "timer", "stage": "lead_time", "action": "start"}),
        json!({"type": "remove_participant", "participant": ana["participant_id"]}),
    ];
    let mut errors = Vec::new();
    for (i, cmd) in refused.into_iter().enumerate() {
        command(&mut ws, i as u64 + 1, cmd).await;
        errors.push(frame_of(&mut ws, "error").await);
    }
    insta::assert_json_snapshot!(errors, @r#"
    [
      {
        "field": null,
        "message": "you do not have permission to do that",
        "req": 1,
        "t": "error"
      },
      {
        "field": null,
        "message": "you do not have permission to do that",
        "req": 2,
        "t": "error"
      },
      {
        "field": null,
        "message": "you do not have permission to do that",
        "req": 3,
        "t": "error"
      },
      {
        "field": null,
        "message": "you do not have permission to do that",
        "req": 4,
        "t": "error"
      },
      {
        "field": null,
        "message": "you do not have permission to do that",
        "req": 5,
        "t": "error"
      }
    ]
    "#);
    // A vote is allowed and acknowledged with the next revision; nothing else changed.
    command(
        &mut ws,
        9,
        json!({"type": "vote", "question": "lead_time", "answer": "less_than_one_day"}),
    )
    .await;
    let ack = frame_of(&mut ws, "ack").await;
    assert_eq!((ack["req"].as_u64(), ack["rev"].as_i64()), (Some(9), Some(before + 1)));
    command(
        &mut ws,
        10,
        json!({"type": "vote", "question": "lead_time", "answer": "whenever"}),
    )
    .await;
    insta::assert_json_snapshot!(frame_of(&mut ws, "error").await, @r#"
    {
      "field": "answer",
      "message": "unknown answer \"whenever\" for lead_time",
      "req": 10,
      "t": "error"
    }
    "#);
}

/// The board's promises over the real protocol: a create sent twice (its ack
/// lost, say) makes one note; two people editing one note at once both keep
/// their change, and every socket, applying the frames it receives as the
/// browser does, ends with the server's board.
#[tokio::test]
async fn a_retried_note_create_makes_one_note_and_concurrent_edits_converge() {
    use checkpoint_core::live::{Frame, View};
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (_, _, ana) = app.join(&code, "Ana").await;
    let (_, _, bo) = app.join(&code, "Bo").await;
    let mut ana = app.socket(&id, ana.as_deref(), None).await.unwrap();
    let mut bo = app.socket(&id, bo.as_deref(), None).await.unwrap();
    let board = |op: Value| json!({"type": "board", "op": op});
    // The facilitator sets up the steps; participants add notes to them.
    let res = app.form("board_command", &[("id", &id), ("op", "use_template")]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    frame_of(&mut ana, "snapshot").await;
    let create = board(
        json!({"type": "add_note", "id": "n1", "step": "step-3", "kind": "manual", "text": "Build takes 40 min"}),
    );
    command(&mut ana, 2, create.clone()).await;
    frame_of(&mut ana, "ack").await;
    command(&mut ana, 3, create).await;
    frame_of(&mut ana, "ack").await;

    // Each socket's view, from a fresh snapshot, then kept up to date frame by frame.
    async fn synced(ws: &mut Socket) -> View {
        ws.send(Message::Text(json!({"t": "sync"}).to_string().into()))
            .await
            .unwrap();
        let snap = frame_of(ws, "snapshot").await;
        serde_json::from_value(snap["view"].clone()).unwrap()
    }
    async fn follow(ws: &mut Socket, mut view: View, revision: i64) -> View {
        while view.revision < revision {
            match serde_json::from_value::<Frame>(next_json(ws).await).unwrap() {
                Frame::Snapshot { view: v } => view = *v,
                Frame::Note { rev, id, note, index } => assert!(view.apply_note(rev, &id, note, index)),
                _ => {}
            }
        }
        view
    }
    let ana_view = synced(&mut ana).await;
    assert_eq!(ana_view.board.notes.len(), 1, "the retried create made one note");
    let bo_view = synced(&mut bo).await;

    // At once: Ana rewrites the text while Bo changes the kind and moves it.
    command(
        &mut ana,
        4,
        board(json!({"type": "edit_note", "id": "n1", "text": "Build takes 40 minutes"})),
    )
    .await;
    command(
        &mut bo,
        1,
        board(json!({"type": "edit_note", "id": "n1", "kind": "improvement"})),
    )
    .await;
    command(
        &mut bo,
        2,
        board(json!({"type": "move_note", "id": "n1", "step": "step-4", "index": 0})),
    )
    .await;
    let last = ana_view.revision.max(bo_view.revision) + 3;
    let (ana_view, bo_view) = (
        follow(&mut ana, ana_view, last).await,
        follow(&mut bo, bo_view, last).await,
    );
    assert_eq!(ana_view.board.notes, bo_view.board.notes);
    let n = &ana_view.board.notes[0];
    assert_eq!(
        (n.text.as_str(), n.kind.id(), n.step.as_str(), n.version),
        ("Build takes 40 minutes", "improvement", "step-4", 4)
    );
    assert_eq!(
        synced(&mut bo).await.board.notes,
        ana_view.board.notes,
        "what the frames built is what the server holds"
    );
}

/// Starts `checkpoint serve` on a free port; returns the child and its base URL.
fn serve_process(database_url: &str) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_checkpoint"))
        .args([
            "--database-url",
            database_url,
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        // Instances of one database share one key file: this test process's, not the checkout's `data/`.
        .env(
            "CHECKPOINT_KEY_FILE",
            std::env::temp_dir().join(format!("checkpoint-test-{}.key", std::process::id())),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    (child, format!("http://127.0.0.1:{port}"))
}

async fn wait_healthy(base: &str) {
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{base} not healthy in 10 s");
}

/// Two server processes on one PostgreSQL: a vote through one reaches a
/// participant connected to the other (LISTEN/NOTIFY).
#[tokio::test]
async fn two_server_processes_on_postgres_share_a_live_checkpoint() {
    let Some(url) = support::postgres_database_url().await else {
        return;
    };
    let admin = std::process::Command::new(env!("CARGO_BIN_EXE_checkpoint"))
        .args(["--database-url", &url, "create-admin", "--username", "fran"])
        .env("CHECKPOINT_ADMIN_PASSWORD", "long enough password")
        .output()
        .unwrap();
    assert!(admin.status.success(), "{}", String::from_utf8_lossy(&admin.stderr));
    let (mut one, base_one) = serve_process(&url);
    let (mut two, base_two) = serve_process(&url);
    wait_healthy(&base_one).await;
    wait_healthy(&base_two).await;

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    client
        .post(format!("{base_one}/api/login"))
        .form(&[("username", "fran"), ("password", "long enough password")])
        .send()
        .await
        .unwrap();
    let squad: Value = client
        .post(format!("{base_one}/api/create_squad"))
        .form(&[("name", "Payments"), ("tribe", "Money")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let created: Value = client
        .post(format!("{base_one}/api/v1/checkpoints"))
        .json(&json!({"squad": squad["slug"], "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, code) = (created["id"].as_str().unwrap(), created["join_code"].as_str().unwrap());

    let join = |base: String, name: &'static str| {
        let code = code.to_string();
        async move {
            let res = reqwest::Client::new()
                .post(format!("{base}/api/v1/join"))
                .json(&json!({"code": code, "name": name}))
                .send()
                .await
                .unwrap();
            let cookie = res
                .headers()
                .get("set-cookie")
                .unwrap()
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            let body: Value = res.json().await.unwrap();
            (cookie, body["participant_id"].as_str().unwrap().to_string())
        }
    };
    client
        .post(format!("{base_one}/api/set_checkpoint_status"))
        .form(&[("id", id), ("status", "live")])
        .send()
        .await
        .unwrap();
    client
        .post(format!("{base_one}/api/live_command"))
        .form(&[("id", id), ("kind", "go_to"), ("stage", "lead_time")])
        .send()
        .await
        .unwrap();
    let (ana_cookie, ana_id) = join(base_one.clone(), "Ana").await;
    let (bo_cookie, _) = join(base_two.clone(), "Bo").await;
    let open = |base: &str, cookie: &str| {
        let mut req = format!("{}/live/{id}/ws", base.replacen("http", "ws", 1))
            .into_client_request()
            .unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    let (mut bo, _) = open(&base_two, &bo_cookie).await.unwrap();
    frame_of(&mut bo, "snapshot").await;
    let (mut ana, _) = open(&base_one, &ana_cookie).await.unwrap();
    frame_of(&mut ana, "snapshot").await;
    command(
        &mut ana,
        1,
        json!({"type": "vote", "question": "lead_time", "answer": "less_than_one_day"}),
    )
    .await;
    assert_eq!(frame_of(&mut ana, "ack").await["req"], 1);
    // Bo, on the other process, sees Ana has voted, and not what: the same
    // `voted` frame as on hers, made from the notification's delta.
    loop {
        let frame = next_json(&mut bo).await;
        assert!(
            !frame.to_string().contains("less_than_one_day"),
            "no frame tells Bo what Ana chose: {frame}"
        );
        if frame["t"] == "voted" && frame["participant"] == ana_id.as_str() {
            assert_eq!(frame["mine"], Value::Null);
            break;
        }
    }
    let _ = one.kill();
    let _ = two.kill();
    let _ = one.wait();
    let _ = two.wait();
}
