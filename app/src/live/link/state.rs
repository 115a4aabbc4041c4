//! The page's live state, shared by every part of the room page: the current
//! view, the link state, the commands waiting for their acknowledgement, and
//! how a command is sent.

use checkpoint_core::dora::current::Metric;
use checkpoint_core::live::{Command, Stage, View};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Server-rendered, or the first connection is opening.
    Connecting,
    Live,
    /// Lost; retrying (the attempt number).
    Reconnecting(u32),
}

/// One control of the page (a button's form, the note form…), so that the
/// server's refusal of what it sent is shown beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Control(u64);

impl Control {
    #[expect(clippy::new_without_default, reason = "each call makes a different control")]
    pub fn new() -> Control {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Control(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// The server refused a command; nothing changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Where it is shown: beside this control, or at the top of the room.
    pub control: Option<Control>,
    pub message: String,
}

/// A command the server has not acknowledged yet: it counts as saved only
/// once it is, and is sent again after a reconnect until then.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Queued {
    /// The page load (tab session) that numbered it; the server recognises a resend by the pair.
    pub session: String,
    pub req: u64,
    pub command: Command,
}

/// What the person sees of their unacknowledged changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    /// Sent; waiting for the acknowledgement.
    Saving,
    /// Waiting for the connection to come back.
    Retrying,
}

/// Shared by every part of the room page.
#[derive(Clone, Copy)]
pub struct Live {
    /// The room as this person may see it. Private to the link: pages read it
    /// through [`Live::select`] (a memo of the part they draw), so that one
    /// person's vote redraws only what shows votes, not whole stages (which
    /// would wipe what others have chosen and not sent yet).
    pub(super) view: RwSignal<View>,
    /// The facilitator's stage, as its own memo (see [`Live::shown_stage`]).
    stage: Memo<Stage>,
    pub link: RwSignal<LinkState>,
    /// The last refusal, shown until the next command.
    pub error: RwSignal<Option<Refusal>>,
    /// Commands waiting for their acknowledgement, in the order they were made.
    pub pending: RwSignal<Vec<Queued>>,
    /// The page's script runs (hydrated): changes go over the socket, or wait
    /// for it, and never fall back to a plain form post.
    pub scripted: RwSignal<bool>,
    /// The facilitator removed this participant.
    pub removed: RwSignal<bool>,
    /// The stage this person is looking at; `None` follows the facilitator.
    pub looking_at: RwSignal<Option<Stage>>,
    /// Server clock minus this clock, in ms (countdowns use the server's time).
    pub clock_offset: RwSignal<i64>,
    /// Milliseconds since the epoch on this clock, ticking once a second when hydrated.
    pub now: RwSignal<i64>,
    /// The projector's page: it draws what everyone sees and no control, even
    /// when the facilitator's session opened it.
    projecting: bool,
    #[cfg_attr(
        not(feature = "hydrate"),
        expect(dead_code, reason = "only the browser holds a socket")
    )]
    pub(crate) socket: StoredValue<Option<SocketHandle>, SocketStorage>,
}

/// Where the page's commands go: the socket (`link/socket.rs`) implements it,
/// so that this state does not depend on the socket that writes into it.
#[cfg(feature = "hydrate")]
pub trait Outbox {
    fn send(&self, command: Command, control: Option<Control>, done: Box<dyn FnOnce(Result<i64, String>)>);
    fn close(&self);
}

#[cfg(feature = "hydrate")]
pub type SocketHandle = std::rc::Rc<dyn Outbox>;
#[cfg(feature = "hydrate")]
type SocketStorage = LocalStorage;
// The server never holds a socket. Local storage there would tie the value to
// the thread that rendered it, and a page's owner may be dropped on another
// tokio worker, which panics mid-stream and cuts the page short.
#[cfg(not(feature = "hydrate"))]
pub type SocketHandle = ();
#[cfg(not(feature = "hydrate"))]
type SocketStorage = SyncStorage;

impl Live {
    pub fn new(view: View) -> Live {
        Live::opened(view, false)
    }

    /// As [`Live::new`], for the projector: the view never offers a control.
    pub fn projecting(view: View) -> Live {
        Live::opened(view, true)
    }

    fn opened(view: View, projecting: bool) -> Live {
        let now = view.server_now_ms;
        let view = RwSignal::new(shown(view, projecting));
        Live {
            view,
            stage: Memo::new(move |_| view.with(|v| v.stage)),
            link: RwSignal::new(LinkState::Connecting),
            error: RwSignal::new(None),
            pending: RwSignal::new(Vec::new()),
            scripted: RwSignal::new(false),
            removed: RwSignal::new(false),
            looking_at: RwSignal::new(None),
            clock_offset: RwSignal::new(0),
            now: RwSignal::new(now),
            projecting,
            socket: StoredValue::new_with_storage(None),
        }
    }

    /// Replaces the whole view (a snapshot from the server).
    #[cfg_attr(
        not(feature = "hydrate"),
        expect(dead_code, reason = "only the socket replaces the view")
    )]
    pub(super) fn show(&self, view: View) {
        self.view.set(shown(view, self.projecting));
    }

    /// The one way to draw from the room: a memo of the part `part` picks,
    /// which tells its readers only when that part changes.
    pub fn select<T>(&self, part: impl Fn(&View) -> T + Send + Sync + 'static) -> Memo<T>
    where
        T: PartialEq + Send + Sync + 'static,
    {
        let view = self.view;
        Memo::new(move |_| view.with(&part))
    }

    /// Reads the room once, without following it: for event handlers and
    /// values fixed when a part is made.
    pub fn peek<T>(&self, read: impl FnOnce(&View) -> T) -> T {
        self.view.with_untracked(read)
    }

    /// The checkpoint's id (fixed for the page).
    pub fn id(&self) -> String {
        self.peek(|v| v.info.id.clone())
    }

    /// Counts a note this page just added among its own (the server tells
    /// snapshots which are; a note not acknowledged yet is known only here).
    pub fn note_mine(&self, id: String) {
        self.view.update(|v| v.board.my_notes.push(id));
    }

    pub fn connected(&self) -> bool {
        self.link.get_untracked() == LinkState::Live
    }

    /// Sends a command over the socket, or queues it until the socket is back.
    /// False only without a script (server-rendered): the caller's form then
    /// posts the plain way.
    pub fn send(&self, command: Command) -> bool {
        self.send_from(None, command, |_| {})
    }

    /// As [`Live::send`]; a refusal is shown beside `control`, and `done`
    /// hears the outcome: the committed revision, or the server's message.
    pub fn send_from(
        &self,
        control: Option<Control>,
        command: Command,
        done: impl FnOnce(Result<i64, String>) + 'static,
    ) -> bool {
        #[cfg(feature = "hydrate")]
        {
            let Some(socket) = self.socket.with_value(|s| s.clone()) else {
                return false;
            };
            self.error.set(None);
            socket.send(command, control, Box::new(done));
            true
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (control, command, done);
            false
        }
    }

    /// Shows a refusal made here (a form the page itself could not read).
    pub fn refuse(&self, control: Option<Control>, message: String) {
        self.error.set(Some(Refusal { control, message }));
    }

    pub fn save_state(&self) -> SaveState {
        if self.pending.with(Vec::is_empty) {
            SaveState::Saved
        } else if self.link.get() == LinkState::Live {
            SaveState::Saving
        } else {
            SaveState::Retrying
        }
    }

    /// This person's latest vote on `question` not acknowledged yet (sent, or
    /// waiting for the connection): the ballot shows it over the saved one.
    pub fn pending_vote(&self, question: Metric) -> Option<String> {
        self.pending.with(|p| {
            p.iter().rev().find_map(|q| match &q.command {
                Command::Vote { question: q, answer } if *q == question => Some(answer.clone()),
                _ => None,
            })
        })
    }

    /// The stage on screen: where this person looks, else the facilitator's.
    pub fn shown_stage(&self) -> Stage {
        self.looking_at.get().unwrap_or_else(|| self.stage.get())
    }

    /// The server's time now, by this clock plus the offset.
    pub fn server_now(&self) -> i64 {
        self.now.get() + self.clock_offset.get()
    }
}

/// The view as this page draws it: the projector's never carries the
/// facilitator's controls (the server still decides what each may do).
fn shown(mut view: View, projecting: bool) -> View {
    if projecting {
        view.facilitator = false;
    }
    view
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}
