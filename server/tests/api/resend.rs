//! A browser resends every command it has no acknowledgement for after a
//! reconnect. The same tab's session and number are recognised: acknowledged,
//! not applied a second time.

use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{frame_of, next_json, spawn_app, Socket, TestApp};
use crate::secrecy::live_at_lead_time;

async fn send(ws: &mut Socket, session: &str, req: u64, command: Value) {
    ws.send(Message::Text(
        json!({"t": "command", "req": req, "session": session, "command": command})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
}

/// The ack or error for `req`, skipping the broadcasts in between.
async fn reply_to(ws: &mut Socket, req: u64) -> Value {
    loop {
        let f = next_json(ws).await;
        if (f["t"] == "ack" || f["t"] == "error") && f["req"] == req {
            return f;
        }
    }
}

async fn board(app: &TestApp, id: &str, fields: &[(&str, &str)]) {
    let mut all = vec![("id", id)];
    all.extend_from_slice(fields);
    let res = app.form("board_command", &all).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{fields:?}: {}",
        res.status()
    );
}

/// Ana's own dots on `note`, as her next snapshot says.
async fn my_dots(app: &TestApp, id: &str, cookie: &str, note: &str) -> u64 {
    let mut ws = app.socket(id, Some(cookie), None).await.unwrap();
    let snap = frame_of(&mut ws, "snapshot").await;
    snap["view"]["board"]["mine"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m[0] == note)
        .map_or(0, |m| m[1].as_u64().unwrap())
}

#[tokio::test]
async fn a_command_resent_with_the_same_session_and_req_is_acknowledged_but_applied_once() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let cookie = app.join(&code, "Ana").await.2.unwrap();
    board(&app, &id, &[("op", "use_template")]).await;
    board(
        &app,
        &id,
        &[
            ("op", "add_note"),
            ("note", "n-one"),
            ("step", "step-1"),
            ("kind", "improvement"),
            ("text", "Automate the changelog"),
        ],
    )
    .await;
    board(&app, &id, &[("op", "open_dots"), ("budget", "5"), ("per_note", "3")]).await;
    let dot = json!({"type": "board", "op": {"type": "dot", "note": "n-one", "add": true}});

    let mut ws = app.socket(&id, Some(&cookie), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;
    send(&mut ws, "tab-resend-1", 1, dot.clone()).await;
    let first = reply_to(&mut ws, 1).await;
    assert_eq!(first["t"], "ack", "{first}");
    // The acknowledgement is lost with the connection; the tab resends on a new one.
    drop(ws);
    let mut ws = app.socket(&id, Some(&cookie), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;
    send(&mut ws, "tab-resend-1", 1, dot.clone()).await;
    let again = reply_to(&mut ws, 1).await;
    assert_eq!(again["t"], "ack", "a resend is acknowledged: {again}");
    assert_eq!(again["rev"], first["rev"], "and nothing was committed for it");
    assert_eq!(my_dots(&app, &id, &cookie, "n-one").await, 1, "one dot, not two");

    // The same tab's next command, and another tab's first, are new.
    send(&mut ws, "tab-resend-1", 2, dot.clone()).await;
    assert_eq!(reply_to(&mut ws, 2).await["t"], "ack");
    send(&mut ws, "tab-resend-2", 1, dot.clone()).await;
    assert_eq!(reply_to(&mut ws, 1).await["t"], "ack");
    assert_eq!(my_dots(&app, &id, &cookie, "n-one").await, 3);

    // The record is committed with the change: what the database holds knows it.
    let stored = app.store.load_live(&id).await.unwrap();
    let ana = stored
        .state
        .participants
        .iter()
        .find(|p| p.name == "Ana")
        .unwrap()
        .id
        .clone();
    assert!(stored
        .state
        .doc
        .sessions
        .seen(&ana, &checkpoint_core::live::Sent::new("tab-resend-1", 2).unwrap()));

    // A malformed session id is refused by name and changes nothing.
    send(&mut ws, "no spaces here", 3, dot).await;
    let bad = reply_to(&mut ws, 3).await;
    insta::assert_json_snapshot!(bad, @r#"
    {
      "field": "session",
      "message": "a session id has 8 to 64 letters, digits, '-' or '_'",
      "req": 3,
      "t": "error"
    }
    "#);
    assert_eq!(my_dots(&app, &id, &cookie, "n-one").await, 3);
}
