//! The page's connection to its room: the current view, the link state, and
//! how commands are sent (over the WebSocket when hydrated).

use checkpoint_core::dora::{FieldError, Question};
use checkpoint_core::live::{Command, Stage, TimerAction, View};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Server-rendered, or the first connection is opening.
    Connecting,
    Live,
    /// Lost; retrying (the attempt number).
    Reconnecting(u32),
}

/// Shared by every part of the room page.
#[derive(Clone, Copy)]
pub struct Live {
    pub view: RwSignal<View>,
    pub link: RwSignal<LinkState>,
    /// The last refusal, shown until the next command.
    pub error: RwSignal<Option<String>>,
    /// The facilitator removed this participant.
    pub removed: RwSignal<bool>,
    /// The stage this person is looking at; `None` follows the facilitator.
    pub looking_at: RwSignal<Option<Stage>>,
    /// Server clock minus this clock, in ms (countdowns use the server's time).
    pub clock_offset: RwSignal<i64>,
    /// Milliseconds since the epoch on this clock, ticking once a second when hydrated.
    pub now: RwSignal<i64>,
    #[cfg_attr(not(feature = "hydrate"), expect(dead_code, reason = "only the browser holds a socket"))]
    pub(crate) socket: StoredValue<Option<SocketHandle>, SocketStorage>,
}

#[cfg(feature = "hydrate")]
pub type SocketHandle = std::rc::Rc<super::socket::Socket>;
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
        let now = view.server_now_ms;
        Live {
            view: RwSignal::new(view),
            link: RwSignal::new(LinkState::Connecting),
            error: RwSignal::new(None),
            removed: RwSignal::new(false),
            looking_at: RwSignal::new(None),
            clock_offset: RwSignal::new(0),
            now: RwSignal::new(now),
            socket: StoredValue::new_with_storage(None),
        }
    }

    pub fn connected(&self) -> bool {
        self.link.get_untracked() == LinkState::Live
    }

    /// Sends a command over the socket. False when there is none open: the
    /// caller's form then posts the plain way.
    pub fn send(&self, command: Command) -> bool {
        #[cfg(feature = "hydrate")]
        {
            if !self.connected() {
                return false;
            }
            self.error.set(None);
            self.socket.with_value(|s| s.as_ref().is_some_and(|s| s.send(command)))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = command;
            false
        }
    }

    /// The stage on screen: where this person looks, else the facilitator's.
    pub fn shown_stage(&self) -> Stage {
        self.looking_at.get().unwrap_or_else(|| self.view.with(|v| v.stage))
    }

    /// The server's time now, by this clock plus the offset.
    pub fn server_now(&self) -> i64 {
        self.now.get() + self.clock_offset.get()
    }
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

/// Parses the flattened form of a command (see `live_command`).
pub fn command_from_form(
    kind: &str,
    question: Option<&str>,
    answer: Option<&str>,
    stage: Option<&str>,
    participant: Option<&str>,
    on: Option<&str>,
) -> Result<Command, FieldError> {
    let question = || {
        let raw = question.unwrap_or_default();
        Question::from_id(raw).ok_or_else(|| FieldError::new("question", format!("unknown question {raw:?}")))
    };
    let stage_of = || {
        let raw = stage.unwrap_or_default();
        Stage::from_id(raw).ok_or_else(|| FieldError::new("stage", format!("unknown stage {raw:?}")))
    };
    let answer = || answer.filter(|a| !a.is_empty()).map(str::to_string).ok_or_else(|| FieldError::new("answer", "choose an answer first"));
    Ok(match kind {
        "vote" => Command::Vote { question: question()?, answer: answer()? },
        "reveal" => Command::Reveal { question: question()? },
        "reopen" => Command::Reopen { question: question()? },
        "lock" => Command::Lock { question: question()?, answer: answer()? },
        "unlock" => Command::Unlock { question: question()? },
        "go_to" => Command::GoTo { stage: stage_of()? },
        "timer_start" => Command::Timer { stage: stage_of()?, action: TimerAction::Start },
        "timer_pause" => Command::Timer { stage: stage_of()?, action: TimerAction::Pause },
        "timer_reset" => Command::Timer { stage: stage_of()?, action: TimerAction::Reset },
        "timer_extend" => Command::Timer { stage: stage_of()?, action: TimerAction::Extend { minutes: 5 } },
        "reveal_ratings" => Command::RevealRatings,
        "reopen_ratings" => Command::ReopenRatings,
        "confirm_focus" => Command::ConfirmFocus { confirmed: on.is_some_and(|v| v == "true" || v == "on") },
        "auto_reveal" => Command::AutoReveal { on: on.is_some_and(|v| v == "true" || v == "on") },
        "remove" => Command::RemoveParticipant { participant: participant.unwrap_or_default().to_string() },
        other => return Err(FieldError::new("kind", format!("unknown action {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_forms_become_the_same_commands_as_socket_messages() {
        let vote = command_from_form("vote", Some("lead_time"), Some("less_than_one_day"), None, None, None).unwrap();
        assert_eq!(vote, Command::Vote { question: Question::LeadTime, answer: "less_than_one_day".into() });
        assert_eq!(command_from_form("vote", Some("lead_time"), None, None, None, None).unwrap_err().field, "answer");
        assert_eq!(command_from_form("go_to", None, None, Some("warp"), None, None).unwrap_err().field, "stage");
        assert_eq!(command_from_form("explode", None, None, None, None, None).unwrap_err().field, "kind");
        assert_eq!(command_from_form("auto_reveal", None, None, None, None, Some("on")).unwrap(), Command::AutoReveal { on: true });
    }
}
