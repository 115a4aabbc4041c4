//! One note's change as the store logs it: the note as it now is (or gone)
//! and its place, so a board change writes a few hundred bytes instead of
//! the whole board. The store keeps these on top of the last written
//! document and writes the document again only now and then (compaction).

use serde::{Deserialize, Serialize};

use super::{Board, Note, MAX_TOMBSTONES};

/// The state of one note after an accepted change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteLog {
    pub id: String,
    /// `None`: the note was deleted.
    pub note: Option<Note>,
    /// Its position among all the board's notes.
    pub index: usize,
    /// Who wrote it (kept with the note so an added note needs no document write).
    pub author: Option<String>,
}

impl Board {
    /// What a change of note `id` left, read just after it was applied.
    pub fn note_log(&self, id: &str) -> NoteLog {
        let index = self.notes.iter().position(|n| n.id == id);
        NoteLog {
            id: id.to_string(),
            note: index.map(|i| self.notes[i].clone()),
            index: index.unwrap_or(0),
            author: self.authors.get(id).cloned(),
        }
    }

    /// Replays a logged change onto the board it was made on. Only a note's
    /// own change is logged (a change that moved dots writes the document),
    /// so this is all that `apply` did to the board.
    pub fn replay(&mut self, log: &NoteLog) {
        self.notes.retain(|n| n.id != log.id);
        match &log.note {
            Some(note) => {
                let at = log.index.min(self.notes.len());
                self.notes.insert(at, note.clone());
                if let Some(author) = &log.author {
                    self.authors.insert(log.id.clone(), author.clone());
                }
            }
            None => {
                self.authors.remove(&log.id);
                if !self.deleted.contains(&log.id) {
                    self.deleted.push(log.id.clone());
                    if self.deleted.len() > MAX_TOMBSTONES {
                        let over = self.deleted.len() - MAX_TOMBSTONES;
                        self.deleted.drain(..over);
                    }
                }
            }
        }
    }
}
