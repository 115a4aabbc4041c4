//! One open room: the checkpoint's state as loaded, the connections to it,
//! and how a committed change fans out to them, each recipient getting only
//! what they may see (`View::for_participant`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::live::{Change, Frame, View};
use crate::store::checkpoints::LoadedRoom;
use crate::store::now_ms;

/// What the hub sends down one connection.
#[derive(Clone, Debug)]
pub enum Outbound {
    Text(Arc<str>),
    Close,
}

/// One open WebSocket's end of the hub.
pub struct Connection {
    pub conn: u64,
    pub participant: String,
    pub rx: mpsc::Receiver<Outbound>,
}

pub(super) struct Sub {
    pub(super) conn: u64,
    pub(super) participant: String,
    pub(super) tx: mpsc::Sender<Outbound>,
}

#[derive(Default)]
pub(super) struct RoomInner {
    pub(super) loaded: Option<LoadedRoom>,
    pub(super) subs: Vec<Sub>,
    /// Set when the room left the map; a late arrival must fetch a new one.
    pub(super) closed: bool,
}

fn to_text(frame: &Frame) -> Arc<str> {
    serde_json::to_string(frame).unwrap_or_default().into()
}

impl RoomInner {
    pub(super) fn online(&self) -> HashSet<String> {
        self.subs.iter().map(|s| s.participant.clone()).collect()
    }

    pub(super) fn snapshot_for(&self, participant: &str, online: &HashSet<String>, now: i64) -> Option<Arc<str>> {
        let loaded = self.loaded.as_ref()?;
        let view = View::for_participant(
            &loaded.state,
            participant,
            online,
            now,
            Some(&loaded.join_code.display()),
        );
        Some(to_text(&Frame::Snapshot { view: Box::new(view) }))
    }

    /// Sends each connection its own snapshot.
    pub(super) fn broadcast_snapshots(&mut self) {
        let online = self.online();
        let now = now_ms();
        let mut cache: HashMap<String, Arc<str>> = HashMap::new();
        let texts: Vec<Option<Arc<str>>> = self
            .subs
            .iter()
            .map(|s| {
                if let Some(t) = cache.get(&s.participant) {
                    return Some(t.clone());
                }
                let t = self.snapshot_for(&s.participant, &online, now)?;
                cache.insert(s.participant.clone(), t.clone());
                Some(t)
            })
            .collect();
        let mut i = 0;
        self.subs.retain(|s| {
            let text = texts[i].clone();
            i += 1;
            text.is_none_or(|t| s.tx.try_send(Outbound::Text(t)).is_ok())
        });
    }

    fn send_all(&mut self, pick: impl Fn(&Sub) -> Arc<str>) {
        self.subs.retain(|s| s.tx.try_send(Outbound::Text(pick(s))).is_ok());
    }

    pub(super) fn broadcast_presence(&mut self) {
        let mut online: Vec<String> = self.online().into_iter().collect();
        online.sort();
        let text = to_text(&Frame::Presence { online });
        self.send_all(|_| text.clone());
    }

    /// Tells everyone of `change`, committed as revision `rev`: a vote or a
    /// note as a small frame, anything else as each one's own snapshot.
    pub(super) fn fan_out(&mut self, rev: i64, change: Change) {
        match change {
            Change::Vote {
                question,
                participant: voter,
                answer,
                auto_revealed: false,
            } => {
                let expected = self.loaded.as_ref().expect("loaded").state.expected_voters(question);
                let theirs = to_text(&Frame::Voted {
                    rev,
                    question,
                    participant: voter.clone(),
                    expected,
                    mine: Some(answer),
                });
                let others = to_text(&Frame::Voted {
                    rev,
                    question,
                    participant: voter.clone(),
                    expected,
                    mine: None,
                });
                self.send_all(|s| {
                    if s.participant == voter {
                        theirs.clone()
                    } else {
                        others.clone()
                    }
                });
            }
            Change::Removed { participant: gone } | Change::Merged { from: gone, .. } => {
                self.close_removed(|p| p == gone);
                self.broadcast_snapshots();
            }
            Change::Note { id: note_id } => {
                let notes = &self.loaded.as_ref().expect("loaded").state.doc.board.notes;
                let index = notes.iter().position(|n| n.id == note_id);
                let note = index.map(|i| notes[i].clone());
                let text = to_text(&Frame::Note {
                    rev,
                    id: note_id,
                    note,
                    index: index.unwrap_or(0),
                });
                self.send_all(|_| text.clone());
            }
            _ => self.broadcast_snapshots(),
        }
    }

    /// Tells the removed participants' connections so, and closes them.
    pub(super) fn close_removed(&mut self, gone: impl Fn(&str) -> bool) {
        let removed = to_text(&Frame::Removed);
        self.subs.retain(|s| {
            if gone(&s.participant) {
                let _ = s.tx.try_send(Outbound::Text(removed.clone()));
                let _ = s.tx.try_send(Outbound::Close);
                false
            } else {
                true
            }
        });
    }
}
