//! The realtime endpoint: one WebSocket per open checkpoint page.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use checkpoint_core::hub::Outbound;
use checkpoint_core::live::{ClientMessage, CommandRate, Frame};
use checkpoint_core::request::participant_in;
use checkpoint_core::store::ServiceError;
use futures_util::SinkExt;
use tokio::sync::mpsc;

use crate::api::ApiError;
use crate::AppState;

/// Frames from browsers are small commands; anything bigger is refused.
const MAX_MESSAGE: usize = 16 * 1024;
/// Why so small: axum's default read buffer is 128 KiB per connection, which
/// alone would cost 640 MB at 5,000 connections. Commands in are a few
/// hundred bytes (a bigger one is read in several steps): 1 KiB took 10,000
/// sockets from 242 to 209 MB with no loss of throughput (docs/perf.md).
/// Frames out are written as they come.
const READ_BUFFER: usize = 1024;
const WRITE_BUFFER: usize = 8 * 1024;
/// How many queued frames go out with one flush, so that a socket far behind
/// still lets its own commands be read between writes.
const FRAMES_PER_FLUSH: usize = 32;

pub fn router() -> Router<AppState> {
    Router::new().route("/live/{id}/ws", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // Browsers send Origin on WebSocket handshakes and cookies ride along:
    // refuse other sites (cross-site WebSocket hijacking).
    if !state.rules.origin_allowed(&headers) {
        return ApiError::new(StatusCode::FORBIDDEN, "cross-site WebSocket refused", Some("origin")).into_response();
    }
    let participant = match participant_in(state.store(), &headers, &id).await {
        Ok(Some(p)) => p,
        Ok(None) => return ApiError::from(ServiceError::Unauthenticated).into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut shutdown = state.shutdown.clone();
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            state.metrics.ws_open(1);
            serve_socket(socket, &state, &id, &participant, &mut shutdown).await;
            state.metrics.ws_open(-1);
        })
}

/// Resolves when the server starts shutting down (never, if nobody can tell it to).
async fn shutting_down(rx: &mut tokio::sync::watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Queues a frame on the socket without flushing it.
async fn feed_frame(socket: &mut WebSocket, frame: &Frame) -> bool {
    let text = serde_json::to_string(frame).unwrap_or_default();
    socket.feed(Message::Text(text.into())).await.is_ok()
}

/// Queues what the hub sent without flushing it. False once the socket is
/// done: the hub closed it (the close is sent) or writing failed.
async fn feed(socket: &mut WebSocket, out: Outbound) -> bool {
    match out {
        Outbound::Text(text) => socket.feed(Message::Text(text.as_ref().into())).await.is_ok(),
        Outbound::Close => {
            let _ = socket.send(Message::Close(None)).await;
            false
        }
    }
}

/// Adds whatever the hub has already queued for this socket to what was fed,
/// then flushes once: with TCP_NODELAY every flush is a system call of its
/// own, and one per frame was a fifth of the server's time under load
/// (docs/perf.md). False once the socket is done.
async fn flush_with_queued(socket: &mut WebSocket, rx: &mut mpsc::Receiver<Outbound>) -> bool {
    for _ in 1..FRAMES_PER_FLUSH {
        let Ok(out) = rx.try_recv() else { break };
        if !feed(socket, out).await {
            return false;
        }
    }
    socket.flush().await.is_ok()
}

async fn serve_socket(
    mut socket: WebSocket,
    state: &AppState,
    id: &str,
    participant: &str,
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) {
    let rooms = state.ctx.rooms.clone();
    // The hub's futures are boxed: a socket's task is as large as the largest
    // future it awaits, and these (a command's group commit, above all) are
    // kilobytes held by every idle socket of 10,000 (docs/perf.md, "Memory per
    // socket").
    let mut conn = match Box::pin(rooms.connect(id, participant)).await {
        Ok(c) => c,
        Err(e) => {
            let _ = feed_frame(
                &mut socket,
                &Frame::Error {
                    req: None,
                    field: e.field().map(str::to_string),
                    message: e.to_string(),
                },
            )
            .await;
            let _ = socket.send(Message::Close(None)).await;
            return;
        }
    };
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    ping.tick().await;
    let opened = std::time::Instant::now();
    let mut rate = CommandRate::new(0);
    loop {
        tokio::select! {
            out = conn.rx.recv() => {
                let out = out.unwrap_or(Outbound::Close);
                if !(feed(&mut socket, out).await && flush_with_queued(&mut socket, &mut conn.rx).await) { break; }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let message = serde_json::from_str::<ClientMessage>(text.as_str());
                    // Every message counts against the connection's rate; one over it is
                    // answered and dropped, and the connection stays open.
                    let refused = rate.take(opened.elapsed().as_millis() as u64).err().map(|wait| {
                        let req = match &message { Ok(ClientMessage::Command { req, .. }) => Some(*req), _ => None };
                        Frame::Error { req, field: Some("rate".into()), message: CommandRate::refusal(wait) }
                    });
                    let reply = match message {
                        _ if refused.is_some() => refused,
                        Ok(ClientMessage::Command { req, session, command }) => {
                            let started = std::time::Instant::now();
                            let result = match session.as_deref().map(|s| checkpoint_core::live::Sent::parse(s, req)).transpose() {
                                Ok(sent) => Box::pin(rooms.execute_sent(id, participant, sent, command)).await,
                                Err(e) => Err(e.into()),
                            };
                            state.metrics.observe_live(started.elapsed().as_secs_f64());
                            match result {
                            Ok(rev) => Some(Frame::Ack { req, rev }),
                            Err(e) => {
                                if let ServiceError::Internal(detail) = &e { tracing::error!(checkpoint = id, error = %detail, "live command failed"); }
                                Some(Frame::Error { req: Some(req), field: e.field().map(str::to_string), message: e.to_string() })
                            }
                            }
                        }
                        Ok(ClientMessage::Sync) => {
                            let _ = Box::pin(rooms.sync(id, conn.conn)).await;
                            None
                        }
                        Err(e) => Some(Frame::Error { req: None, field: None, message: format!("unreadable message: {e}") }),
                    };
                    // The reply and the frames the command caused (a voter's own
                    // "voted" is usually queued by now) leave in one write.
                    if let Some(frame) = reply {
                        if !(feed_frame(&mut socket, &frame).await && flush_with_queued(&mut socket, &mut conn.rx).await) { break; }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {} // pings are answered by the library; binary is ignored
            },
            _ = ping.tick() => {
                // Keeps proxies from closing an idle socket.
                if socket.send(Message::Ping(Default::default())).await.is_err() { break; }
            }
            _ = shutting_down(shutdown) => {
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
        }
    }
    Box::pin(rooms.disconnect(id, conn.conn)).await;
}
