//! The yardstick of the live benchmarks: a bare WebSocket broadcast server
//! that does only the fan-out, with no database, no rules and no state
//! beyond who is in which room. Each text frame a socket sends is answered
//! with an ack and sent, as one shared frame, to every socket of its room
//! (the sender's included), as the app does with a vote. What the app's
//! p99 adds over this one's, at the same load on the same machine, is the
//! cost of its rules and its commits (docs/perf.md).
//!
//! ```text
//! checkpoint-bare 127.0.0.1:3600      # ws://127.0.0.1:3600/room/ROOM?p=NAME
//! checkpoint-load --scenario bare --url http://127.0.0.1:3600 --rooms 1000 --participants 10 --rate 1
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

type Members = Vec<(u64, mpsc::Sender<Message>)>;
type Rooms = Arc<Mutex<HashMap<String, Members>>>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3600".into());
    let listener = TcpListener::bind(&addr).await?;
    eprintln!("bare broadcast on ws://{addr}/room/ROOM?p=NAME");
    let rooms: Rooms = Arc::default();
    let mut next = 0u64;
    loop {
        let (stream, _) = listener.accept().await?;
        // As the app does: no Nagle, or back-to-back frames wait for a delayed ACK.
        stream.set_nodelay(true)?;
        next += 1;
        tokio::spawn(serve(stream, next, rooms.clone()));
    }
}

#[expect(
    clippy::result_large_err,
    reason = "the handshake callback's error type is tungstenite's own"
)]
async fn serve(stream: TcpStream, conn: u64, rooms: Rooms) {
    let mut path = String::new();
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, res: Response| {
        path = req.uri().to_string();
        Ok(res)
    })
    .await
    else {
        return;
    };
    let (room, name) = parse_path(&path);
    // The same per-connection queue bound as the app's hub.
    let (tx, mut rx) = mpsc::channel::<Message>(256);
    rooms
        .lock()
        .unwrap()
        .entry(room.clone())
        .or_default()
        .push((conn, tx.clone()));
    let (mut sink, mut stream) = ws.split();
    let writer = tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if sink.send(msg).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(msg)) = stream.next().await {
        if !msg.is_text() {
            continue;
        }
        let _ = tx.try_send(Message::text(r#"{"t":"ack"}"#));
        // One frame, shared by every recipient.
        let frame = Message::text(format!(r#"{{"t":"voted","participant":"{name}"}}"#));
        let members = rooms.lock().unwrap().get(&room).cloned().unwrap_or_default();
        for (_, member) in members {
            let _ = member.try_send(frame.clone());
        }
    }
    if let Some(members) = rooms.lock().unwrap().get_mut(&room) {
        members.retain(|(c, _)| *c != conn);
    }
    writer.abort();
}

/// `/room/ROOM?p=NAME` → (ROOM, NAME).
fn parse_path(path: &str) -> (String, String) {
    let rest = path.strip_prefix("/room/").unwrap_or(path);
    let (room, query) = rest.split_once('?').unwrap_or((rest, ""));
    let name = query.strip_prefix("p=").unwrap_or("").to_string();
    (room.to_string(), name)
}
