//! What one participant cannot do to the room: send commands faster than the
//! connection's rate, or grow the board past its ceiling.

use futures_util::SinkExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;

/// Reads frames until every request in `reqs` has its ack or error; returns them by request.
async fn answers(ws: &mut Socket, reqs: std::ops::RangeInclusive<u64>) -> std::collections::BTreeMap<u64, Value> {
    let mut out = std::collections::BTreeMap::new();
    while out.len() < reqs.clone().count() {
        let f = next_json(ws).await;
        if f["t"] == "ack" || f["t"] == "error" {
            let req = f["req"]
                .as_u64()
                .unwrap_or_else(|| panic!("an answer names its request: {f}"));
            assert!(reqs.contains(&req), "{f}");
            out.insert(req, f);
        }
    }
    out
}

async fn synced_notes(ws: &mut Socket) -> (i64, Vec<String>) {
    ws.send(Message::Text(json!({"t": "sync"}).to_string().into()))
        .await
        .unwrap();
    let view = frame_of(ws, "snapshot").await["view"].clone();
    let notes = view["board"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    (view["revision"].as_i64().unwrap(), notes)
}

#[tokio::test]
async fn a_burst_over_the_connection_rate_is_refused_per_command_and_the_socket_stays_open() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let res = app.form("board_command", &[("id", &id), ("op", "use_template")]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let (_, _, ana) = app.join(&code, "Ana").await;
    let mut ws = app.socket(&id, ana.as_deref(), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;
    let note = |n: u64| json!({"type": "board", "op": {"type": "add_note", "id": format!("n{n}"), "step": "step-1", "kind": "manual", "text": format!("Note {n}")}});

    // Forty at once: the burst goes through, the rest are refused one by one.
    // What refills meanwhile (10 a second) depends on how fast this machine
    // sends, so the bound is taken from the time the burst really took.
    let started = std::time::Instant::now();
    for req in 1..=40 {
        command(&mut ws, req, note(req)).await;
    }
    let got = answers(&mut ws, 1..=40).await;
    let refilled = (started.elapsed().as_secs_f64() * 10.0).ceil() as usize;
    let acked: Vec<u64> = got.iter().filter(|(_, f)| f["t"] == "ack").map(|(r, _)| *r).collect();
    let refused: Vec<&Value> = got.values().filter(|f| f["t"] == "error").collect();
    assert!(
        (20..=20 + refilled).contains(&acked.len()),
        "the burst of 20 (and the {refilled} that refilled meanwhile) is acknowledged, the rest refused: {acked:?}"
    );
    assert_eq!(acked.len() + refused.len(), 40);
    for f in &refused {
        assert_eq!(f["field"], "rate", "{f}");
        assert!(f["message"].as_str().unwrap().contains("too many changes"), "{f}");
    }

    // The connection is still open: after a pause the next command goes through.
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    command(&mut ws, 41, note(41)).await;
    assert_eq!(answers(&mut ws, 41..=41).await[&41]["t"], "ack");
    let (_, notes) = synced_notes(&mut ws).await;
    let expected: Vec<String> = acked.iter().chain([41].iter()).map(|n| format!("n{n}")).collect();
    assert_eq!(notes, expected, "refused commands changed nothing");
}

#[tokio::test]
async fn a_full_board_refuses_a_change_naming_what_is_full_and_changes_nothing() {
    use checkpoint_core::board::{Board, BoardCommand, MAX_NOTE_TEXT};
    use checkpoint_core::live::LiveDoc;
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (_, ana_body, ana) = app.join(&code, "Ana").await;
    let ana_id = ana_body["participant_id"].as_str().unwrap().to_string();

    // A board filled to its stored size with the heaviest notes there are,
    // written straight into the document before anyone opens the room.
    let heavy: String = "😀\u{1}".repeat(MAX_NOTE_TEXT / 2);
    let mut board = Board::default();
    board.apply(&ana_id, BoardCommand::UseTemplate).unwrap();
    board
        .apply(
            &ana_id,
            BoardCommand::AddNote {
                id: "tiny".into(),
                step: "step-1".into(),
                kind: "manual".into(),
                text: "Tiny".into(),
            },
        )
        .unwrap();
    let mut n = 0;
    while board
        .apply(
            &ana_id,
            BoardCommand::AddNote {
                id: format!("n{n}"),
                step: "step-1".into(),
                kind: "manual".into(),
                text: heavy.clone(),
            },
        )
        .is_ok()
    {
        n += 1;
    }
    let raw: String = sqlx::query_scalar("SELECT doc FROM checkpoints WHERE id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let mut doc: LiveDoc = serde_json::from_str(&raw).unwrap();
    doc.board = board;
    sqlx::query("UPDATE checkpoints SET doc = $1 WHERE id = $2")
        .bind(serde_json::to_string(&doc).unwrap())
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();

    let mut ws = app.socket(&id, ana.as_deref(), None).await.unwrap();
    let (rev, notes) = synced_notes(&mut ws).await;
    assert_eq!(notes.len(), n + 1, "the room holds the seeded board");

    command(&mut ws, 1, json!({"type": "board", "op": {"type": "add_note", "id": "one-more", "step": "step-2", "kind": "improvement", "text": heavy}})).await;
    let refused = &answers(&mut ws, 1..=1).await[&1];
    insta::assert_json_snapshot!(refused, @r#"
    {
      "field": "notes",
      "message": "the board is full: it holds at most 256 KiB of notes; shorten or delete some first",
      "req": 1,
      "t": "error"
    }
    "#);
    command(
        &mut ws,
        2,
        json!({"type": "board", "op": {"type": "edit_note", "id": "tiny", "text": heavy}}),
    )
    .await;
    // An edit that grows a full board is refused too.
    insta::assert_json_snapshot!(answers(&mut ws, 2..=2).await[&2], @r#"
    {
      "field": "notes",
      "message": "the board is full: it holds at most 256 KiB of notes; shorten or delete some first",
      "req": 2,
      "t": "error"
    }
    "#);
    assert_eq!(
        synced_notes(&mut ws).await,
        (rev, notes),
        "nothing changed: same revision, same notes"
    );

    // What makes it smaller still goes through.
    command(
        &mut ws,
        3,
        json!({"type": "board", "op": {"type": "edit_note", "id": "n1", "text": "Shorter"}}),
    )
    .await;
    assert_eq!(answers(&mut ws, 3..=3).await[&3]["t"], "ack");
}
