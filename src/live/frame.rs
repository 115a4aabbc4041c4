//! The WebSocket protocol, as JSON text frames.

use serde::{Deserialize, Serialize};

use super::command::Command;
use super::view::View;
use crate::board::Note;
use crate::dora::Question;

/// Server to client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Frame {
    /// The whole state as this recipient may see it (on connect, and after any
    /// change other than a vote).
    Snapshot { view: Box<View> },
    /// Someone voted: who, never what (`mine` is set only on the voter's own connections).
    Voted { rev: i64, question: Question, participant: String, expected: usize, mine: Option<String> },
    /// One board note changed: `note` is its new state at position `index` of
    /// the board's notes, or `None` when it was deleted. The same for everyone.
    Note { rev: i64, id: String, note: Option<Note>, index: usize },
    /// Who has a connection open (not a revision: presence is not stored).
    Presence { online: Vec<String> },
    /// The command `req` was committed as revision `rev`.
    Ack { req: u64, rev: i64 },
    /// The command `req` was refused; nothing changed.
    Error { req: Option<u64>, field: Option<String>, message: String },
    /// The facilitator removed this participant; the connection closes.
    Removed,
}

/// Client to server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ClientMessage {
    Command { req: u64, command: Command },
    /// Ask for a fresh snapshot (after a gap in revisions).
    Sync,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_as_plain_json() {
        let m: ClientMessage = serde_json::from_str(r#"{"t":"command","req":7,"command":{"type":"vote","question":"lead_time","answer":"less_than_one_day"}}"#).unwrap();
        assert_eq!(m, ClientMessage::Command { req: 7, command: Command::Vote { question: Question::LeadTime, answer: "less_than_one_day".into() } });
        let t: ClientMessage = serde_json::from_str(r#"{"t":"command","req":8,"command":{"type":"timer","stage":"lead_time","action":"extend","minutes":5}}"#).unwrap();
        assert!(matches!(t, ClientMessage::Command { command: Command::Timer { .. }, .. }));
    }
}
