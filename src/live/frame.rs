//! The WebSocket protocol, as JSON text frames.

use serde::{Deserialize, Serialize};

use super::command::Command;
use super::view::View;
use crate::board::Note;
use crate::dora::current::Metric;

/// Server to client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Frame {
    /// The whole state as this recipient may see it (on connect, and after any
    /// change other than a vote).
    Snapshot { view: Box<View> },
    /// Someone voted: who, never what (`mine` is set only on the voter's own connections).
    Voted {
        rev: i64,
        question: Metric,
        participant: String,
        expected: usize,
        mine: Option<String>,
    },
    /// One board note changed: `note` is its new state at position `index` of
    /// the board's notes, or `None` when it was deleted. The same for everyone.
    Note {
        rev: i64,
        id: String,
        note: Option<Note>,
        index: usize,
    },
    /// Who has a connection open (not a revision: presence is not stored).
    Presence { online: Vec<String> },
    /// The command `req` was committed as revision `rev`.
    Ack { req: u64, rev: i64 },
    /// The command `req` was refused; nothing changed.
    Error {
        req: Option<u64>,
        field: Option<String>,
        message: String,
    },
    /// The facilitator removed this participant; the connection closes.
    Removed,
}

/// Client to server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ClientMessage {
    /// `session` names the browser tab that numbers its commands with `req`
    /// (see [`super::sessions`]); a command resent with the same pair is
    /// acknowledged without being applied again. Absent: no such check.
    Command {
        req: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<String>,
        command: Command,
    },
    /// Ask for a fresh snapshot (after a gap in revisions).
    Sync,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_as_plain_json() {
        let m: ClientMessage = serde_json::from_str(
            r#"{"t":"command","req":7,"command":{"type":"vote","question":"lead_time","answer":"less_than_one_day"}}"#,
        )
        .unwrap();
        assert_eq!(
            m,
            ClientMessage::Command {
                req: 7,
                session: None,
                command: Command::Vote {
                    question: Metric::LeadTime,
                    answer: "less_than_one_day".into()
                }
            }
        );
        let t: ClientMessage = serde_json::from_str(
            r#"{"t":"command","req":8,"command":{"type":"timer","stage":"lead_time","action":"extend","minutes":5}}"#,
        )
        .unwrap();
        assert!(matches!(
            t,
            ClientMessage::Command {
                command: Command::Timer { .. },
                ..
            }
        ));
        let s: ClientMessage = serde_json::from_str(
            r#"{"t":"command","req":9,"session":"tab-aaaaaaaa","command":{"type":"reveal_ratings"}}"#,
        )
        .unwrap();
        assert!(matches!(s, ClientMessage::Command { session: Some(ref id), .. } if id == "tab-aaaaaaaa"));
    }
}
