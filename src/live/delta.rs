//! A committed change another instance can apply to the room it holds
//! without reading the room again (PostgreSQL: it travels in the commit's
//! notification): a vote, a rating, a board note's logged change, or a new
//! document when only the document changed. Anything else (people joining,
//! removed or merged, a confirmed focus, a vote that revealed), a delta too
//! long for a notification, or a room not at the revision just before, is reloaded.

use serde::{Deserialize, Serialize};

use super::stage::metric_index;
use super::{Change, LiveDoc, LiveState};
use crate::board::NoteLog;
use crate::dora::capabilities::CapabilityKey;
use crate::dora::current::Metric;
use crate::dora::prioritise::Rating;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Delta {
    Vote {
        question: Metric,
        participant: String,
        answer: String,
    },
    Rated {
        participant: String,
        capability: CapabilityKey,
        statement: u8,
        rating: Rating,
    },
    Note {
        log: NoteLog,
    },
    /// The document after a change of the document alone (`Change::Doc`: the
    /// stage, phases, timers, steps, dots, actions).
    Doc {
        doc: Box<LiveDoc>,
    },
}

impl Delta {
    /// The JSON of a [`Delta::Doc`] from the document's JSON as written (not
    /// serialised twice).
    pub fn doc_json(doc: &str) -> String {
        format!(r#"{{"t":"doc","doc":{doc}}}"#)
    }

    /// The delta of `change` as committed from `state` (the room after it),
    /// when the change wrote rows only (`logged`: the note change was logged).
    pub fn of(change: &Change, state: &LiveState, logged: bool) -> Option<Delta> {
        match change {
            Change::Vote {
                question,
                participant,
                answer,
                auto_revealed: false,
            } => Some(Delta::Vote {
                question: *question,
                participant: participant.clone(),
                answer: answer.clone(),
            }),
            Change::Rated {
                participant,
                capability,
                statement,
                rating,
            } => Some(Delta::Rated {
                participant: participant.clone(),
                capability: *capability,
                statement: *statement,
                rating: *rating,
            }),
            Change::Note { id } if logged => Some(Delta::Note {
                log: state.doc.board.note_log(id),
            }),
            _ => None,
        }
    }

    /// Applies the delta to the room it was made on (at the revision before)
    /// and returns the change to fan out, as the instance that made it did.
    pub fn apply(self, state: &mut LiveState) -> Change {
        match self {
            Delta::Vote {
                question,
                participant,
                answer,
            } => {
                state.votes[metric_index(question)].insert(participant.clone(), answer.clone());
                Change::Vote {
                    question,
                    participant,
                    answer,
                    auto_revealed: false,
                }
            }
            Delta::Rated {
                participant,
                capability,
                statement,
                rating,
            } => {
                state
                    .ratings
                    .entry(participant.clone())
                    .or_default()
                    .insert((capability, statement), rating);
                Change::Rated {
                    participant,
                    capability,
                    statement,
                    rating,
                }
            }
            Delta::Note { log } => {
                state.doc.board.replay(&log);
                state.logged_notes += 1;
                Change::Note { id: log.id }
            }
            Delta::Doc { doc } => {
                state.doc = *doc;
                state.logged_notes = 0;
                Change::Doc
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::BoardCommand;
    use crate::live::command::tests::{room, who};
    use crate::live::{apply, Command};

    /// Another instance that applies each row-only change's delta, and takes
    /// the whole room for anything else, holds the room the first one holds.
    #[test]
    fn a_follower_applying_deltas_holds_the_same_room() {
        let mut live = room(&["Ana", "Bo"]);
        live.info.status = crate::live::CheckpointStatus::Live;
        let mut follower = live.clone();
        let board = |op| Command::Board { op };
        let note = |id: &str, step: &str| {
            board(BoardCommand::AddNote {
                id: id.into(),
                step: step.into(),
                kind: "manual".into(),
                text: format!("Note {id}"),
            })
        };
        let commands = [
            (who("fac"), board(BoardCommand::UseTemplate)),
            (who("ana"), note("n1", "step-1")),
            (who("bo"), note("n2", "step-1")),
            (
                who("ana"),
                Command::Vote {
                    question: Metric::LeadTime,
                    answer: "less_than_one_day".into(),
                },
            ),
            (
                who("bo"),
                board(BoardCommand::MoveNote {
                    id: "n2".into(),
                    step: "step-3".into(),
                    index: 0,
                }),
            ),
            (
                who("bo"),
                Command::Vote {
                    question: Metric::LeadTime,
                    answer: "less_than_one_hour".into(),
                },
            ),
            (
                who("ana"),
                board(BoardCommand::EditNote {
                    id: "n1".into(),
                    text: Some("Edited".into()),
                    kind: None,
                }),
            ),
            (who("ana"), board(BoardCommand::DeleteNote { id: "n1".into() })),
            (
                who("ana"),
                Command::Vote {
                    question: Metric::LeadTime,
                    answer: "one_day_to_one_week".into(),
                },
            ),
        ];
        let mut deltas = 0;
        for (actor, cmd) in commands {
            let change = apply(&mut live, &actor, cmd, 0).unwrap();
            let delta = match change {
                Change::Doc => {
                    Some(serde_json::from_str(&Delta::doc_json(&serde_json::to_string(&live.doc).unwrap())).unwrap())
                }
                _ => Delta::of(&change, &live, true),
            };
            match delta {
                Some(delta) => {
                    // As it travels: JSON.
                    let sent: Delta = serde_json::from_str(&serde_json::to_string(&delta).unwrap()).unwrap();
                    assert_eq!(sent.apply(&mut follower), change);
                    deltas += 1;
                }
                None => follower = live.clone(),
            }
            // The record of each tab's commands stays with the instance that took them.
            follower.doc.sessions = live.doc.sessions.clone();
            follower.logged_notes = live.logged_notes;
            assert_eq!(follower, live);
        }
        assert_eq!(deltas, 9, "votes, note changes and document changes travel as deltas");
    }
}
