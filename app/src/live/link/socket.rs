//! The browser's WebSocket to its room: applies frames to the view, sends
//! commands, and reconnects without limit (with backoff) after any loss,
//! resyncing from the snapshot the server sends on every connect.
//!
//! A command counts as saved only on its acknowledgement. Until then it waits
//! in `Live::pending` (mirrored to sessionStorage, so a reload keeps it) and is
//! sent again, in order, on every new connection; the server recognises a
//! resend by its (session, req) and does not apply it twice. A command left
//! unacknowledged on an open socket means the socket is dead without knowing
//! it (half-open): it is dropped and opened again.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use checkpoint_core::live::{ClientMessage, Command, Frame};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use super::state::{Control, LinkState, Live, Outbox, Queued, Refusal};

type Callback<T> = Closure<dyn FnMut(T)>;
type Done = Box<dyn FnOnce(Result<i64, String>)>;

/// How long an acknowledgement may take before the socket is taken for dead.
const ACK_WAIT_MS: i32 = 10_000;

pub struct Socket {
    url: String,
    live: Live,
    ws: RefCell<Option<WebSocket>>,
    /// Counts the WebSockets opened, so a watchdog knows whether its socket is still the one.
    generation: Cell<u64>,
    /// This page load's id for the commands it numbers.
    session: String,
    /// Where the pending commands are kept across a reload.
    storage_key: String,
    next_req: Cell<u64>,
    /// Who waits for each of this page's pending commands (restored ones have nobody).
    waiting: RefCell<HashMap<u64, (Option<Control>, Done)>>,
    attempt: Cell<u32>,
    /// The page left: stop reconnecting.
    closed: Cell<bool>,
    handlers: RefCell<Vec<Box<dyn std::any::Any>>>,
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Opens the room's socket and keeps it open while the page shows.
pub fn open(checkpoint_id: &str, live: Live) -> Rc<Socket> {
    let location = window().location();
    let scheme = if location.protocol().unwrap_or_default() == "https:" {
        "wss:"
    } else {
        "ws:"
    };
    let url = format!(
        "{scheme}//{}/live/{checkpoint_id}/ws",
        location.host().unwrap_or_default()
    );
    let storage_key = format!("checkpoint-pending:{checkpoint_id}");
    // What an earlier load of this tab had not got acknowledged: sent again
    // under its own session; this load numbers on after it, so acks stay unambiguous.
    let restored: Vec<Queued> = storage()
        .and_then(|s| s.get_item(&storage_key).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let next_req = restored.iter().map(|q| q.req).max().unwrap_or(0) + 1;
    live.pending.set(restored);
    let session = uuid::Uuid::new_v4().simple().to_string();
    let socket = Rc::new(Socket {
        url,
        live,
        ws: RefCell::new(None),
        generation: Cell::new(0),
        session,
        storage_key,
        next_req: Cell::new(next_req),
        waiting: RefCell::new(HashMap::new()),
        attempt: Cell::new(0),
        closed: Cell::new(false),
        handlers: RefCell::new(Vec::new()),
    });
    socket.connect();
    watch_network(&socket);
    socket
}

/// The browser knows before the socket does: drop on `offline`, retry at once on `online`.
fn watch_network(socket: &Rc<Socket>) {
    let weak = Rc::downgrade(socket);
    let on_offline: Callback<Event> = Closure::new(move |_| {
        if let Some(s) = weak.upgrade() {
            s.drop_connection();
        }
    });
    let weak = Rc::downgrade(socket);
    let on_online: Callback<Event> = Closure::new(move |_| {
        if let Some(s) = weak.upgrade() {
            if s.ws.borrow().is_none() {
                s.attempt.set(0);
                s.connect();
            }
        }
    });
    let w = window();
    let _ = w.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
    let _ = w.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    // Kept for the page's lifetime; the socket itself is dropped on navigation.
    on_offline.forget();
    on_online.forget();
}

impl Socket {
    fn connect(self: &Rc<Self>) {
        if self.closed.get() {
            return;
        }
        let ws = match WebSocket::new(&self.url) {
            Ok(ws) => ws,
            Err(_) => return self.schedule_reconnect(),
        };
        let me = Rc::downgrade(self);
        let on_open: Callback<Event> = Closure::new(move |_| {
            if let Some(s) = me.upgrade() {
                s.attempt.set(0);
                s.live.link.set(LinkState::Live);
                s.flush();
            }
        });
        let me = Rc::downgrade(self);
        let on_message: Callback<MessageEvent> = Closure::new(move |e: MessageEvent| {
            if let (Some(s), Some(text)) = (me.upgrade(), e.data().as_string()) {
                s.receive(&text);
            }
        });
        let me = Rc::downgrade(self);
        let target = ws.clone();
        let on_close: Callback<CloseEvent> = Closure::new(move |_| {
            if let Some(s) = me.upgrade() {
                // Only the current socket's end matters.
                let current = s.ws.borrow().as_ref().is_some_and(|w| *w == target);
                if current {
                    s.ws.borrow_mut().take();
                    s.schedule_reconnect();
                }
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut handlers = self.handlers.borrow_mut();
        // Why: the previous socket's handlers are done with once it has closed; keep only the current ones.
        handlers.clear();
        handlers.push(Box::new(on_open));
        handlers.push(Box::new(on_message));
        handlers.push(Box::new(on_close));
        self.generation.set(self.generation.get() + 1);
        *self.ws.borrow_mut() = Some(ws);
    }

    fn drop_connection(self: &Rc<Self>) {
        if let Some(ws) = self.ws.borrow_mut().take() {
            ws.set_onclose(None);
            let _ = ws.close();
        }
        self.schedule_reconnect();
    }

    fn schedule_reconnect(self: &Rc<Self>) {
        if self.closed.get() || self.live.removed.get_untracked() {
            return;
        }
        let attempt = self.attempt.get() + 1;
        self.attempt.set(attempt);
        self.live.link.set(LinkState::Reconnecting(attempt));
        // 0.5 s doubling to 10 s, with jitter so a restarted server is not hit by everyone at once.
        let base = (500.0 * 2f64.powi(attempt.min(5) as i32 - 1)).min(10_000.0);
        let delay = base * (0.75 + 0.5 * js_sys::Math::random());
        let me = Rc::downgrade(self);
        let retry: Closure<dyn FnMut()> = Closure::once(move || {
            if let Some(s) = me.upgrade() {
                if s.ws.borrow().is_none() {
                    s.connect();
                }
            }
        });
        let _ = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(retry.as_ref().unchecked_ref(), delay as i32);
        retry.forget();
    }

    fn receive(&self, text: &str) {
        let Ok(frame) = serde_json::from_str::<Frame>(text) else {
            return;
        };
        let live = self.live;
        match frame {
            Frame::Snapshot { view } => {
                live.clock_offset.set(view.server_now_ms - js_sys::Date::now() as i64);
                live.show(*view);
            }
            Frame::Voted {
                rev,
                question,
                participant,
                expected,
                mine,
            } => {
                let mut applied = true;
                live.view
                    .update(|v| applied = v.apply_voted(rev, question, &participant, expected, mine));
                if !applied {
                    self.send_message(&ClientMessage::Sync);
                }
            }
            Frame::Note { rev, id, note, index } => {
                let mut applied = true;
                live.view.update(|v| applied = v.apply_note(rev, &id, note, index));
                if !applied {
                    self.send_message(&ClientMessage::Sync);
                }
            }
            Frame::Presence { online } => live.view.update(|v| v.set_online(&online)),
            Frame::Ack { req, rev } => self.settle(req, Ok(rev)),
            Frame::Error {
                req: Some(req),
                message,
                ..
            } => self.settle(req, Err(message)),
            Frame::Error { req: None, message, .. } => live.error.set(Some(Refusal { control: None, message })),
            Frame::Removed => {
                live.removed.set(true);
                self.closed.set(true);
                // Nothing of theirs can be saved any more.
                live.pending.set(Vec::new());
                self.waiting.borrow_mut().clear();
                self.store_pending();
            }
        }
    }

    fn send_message(&self, message: &ClientMessage) -> bool {
        let Ok(text) = serde_json::to_string(message) else {
            return false;
        };
        self.ws
            .borrow()
            .as_ref()
            .is_some_and(|ws| ws.ready_state() == WebSocket::OPEN && ws.send_with_str(&text).is_ok())
    }

    /// Queues `command`, sends it now when the socket is open, and tells
    /// `done` once the server has acknowledged or refused it.
    pub fn send(self: &Rc<Self>, command: Command, control: Option<Control>, done: Done) {
        let req = self.next_req.get();
        self.next_req.set(req + 1);
        let queued = Queued {
            session: self.session.clone(),
            req,
            command,
        };
        self.live.pending.update(|p| p.push(queued.clone()));
        self.store_pending();
        self.waiting.borrow_mut().insert(req, (control, done));
        if self.transmit(&queued) {
            self.watch(req);
        }
    }

    fn transmit(&self, q: &Queued) -> bool {
        self.send_message(&ClientMessage::Command {
            req: q.req,
            session: Some(q.session.clone()),
            command: q.command.clone(),
        })
    }

    /// A new connection: everything still pending goes again, in order.
    fn flush(self: &Rc<Self>) {
        let pending = self.live.pending.get_untracked();
        for q in &pending {
            if !self.transmit(q) {
                return;
            }
        }
        if let Some(first) = pending.first() {
            self.watch(first.req);
        }
    }

    /// Takes the socket for dead when `req` is still unanswered on it after a while.
    fn watch(self: &Rc<Self>, req: u64) {
        let generation = self.generation.get();
        let me = Rc::downgrade(self);
        let check: Closure<dyn FnMut()> = Closure::once(move || {
            if let Some(s) = me.upgrade() {
                let waiting = s.live.pending.with_untracked(|p| p.iter().any(|q| q.req == req));
                if waiting && s.generation.get() == generation && s.ws.borrow().is_some() {
                    s.drop_connection();
                }
            }
        });
        let _ =
            window().set_timeout_with_callback_and_timeout_and_arguments_0(check.as_ref().unchecked_ref(), ACK_WAIT_MS);
        check.forget();
    }

    /// The server answered `req`: saved, or refused (then shown beside the control that sent it).
    fn settle(&self, req: u64, outcome: Result<i64, String>) {
        let mut known = false;
        self.live.pending.update(|p| {
            let before = p.len();
            p.retain(|q| q.req != req);
            known = p.len() != before;
        });
        if !known {
            return;
        }
        self.store_pending();
        let waiter = self.waiting.borrow_mut().remove(&req);
        let control = waiter.as_ref().and_then(|(c, _)| *c);
        if let Err(message) = &outcome {
            self.live.error.set(Some(Refusal {
                control,
                message: message.clone(),
            }));
        }
        if let Some((_, done)) = waiter {
            done(outcome);
        }
    }

    fn store_pending(&self) {
        let Some(storage) = storage() else { return };
        let pending = self.live.pending.get_untracked();
        if pending.is_empty() {
            let _ = storage.remove_item(&self.storage_key);
        } else if let Ok(text) = serde_json::to_string(&pending) {
            let _ = storage.set_item(&self.storage_key, &text);
        }
    }

    /// The page is going away: close without reconnecting.
    pub fn close(&self) {
        self.closed.set(true);
        if let Some(ws) = self.ws.borrow_mut().take() {
            ws.set_onclose(None);
            let _ = ws.close();
        }
    }
}

impl Outbox for Rc<Socket> {
    fn send(&self, command: Command, control: Option<Control>, done: Done) {
        Socket::send(self, command, control, done)
    }
    fn close(&self) {
        Socket::close(self)
    }
}
