//! The path-to-production board as plain data: the squad's delivery steps,
//! sticky notes on them, and dot voting on improvement notes. One pure
//! function (`apply`) decides every change, so the server, its tests and (later)
//! a client-side preview agree.
//!
//! Concurrency rules, settled here once:
//! - Notes carry ids made by the client, so a create that is retried (the ack
//!   was lost) finds its note and changes nothing.
//! - An edit names only the fields it changes (text, kind, or place); the
//!   server applies commands in the order it receives them, so the last writer
//!   wins per field and two people editing different fields of one note both
//!   keep their change. Every accepted change bumps the note's version.
//! - Deleting wins over editing: an edit or move of a deleted note is refused
//!   with `NoteGone`, and the client keeps the editor's text so it can be added
//!   again as a new note. A deleted id stays a tombstone, so a late retry of
//!   its create does not bring it back; the board keeps the
//!   [`MAX_TOMBSTONES`] most recent ones, so only a retry older than that many
//!   deletions could bring a note back.
//! - The board is bounded: [`MAX_NOTES`] notes and [`MAX_BOARD_BYTES`] of
//!   stored JSON. A note's change is stored as that note alone ([`NoteLog`]);
//!   the store writes the whole board again only every so many changes.

mod actions;
mod carry;
mod dots;
mod log;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use log::NoteLog;

use crate::error::FieldError;
use crate::live::timer::{Timer, TimerAction};

pub use actions::{Action, ActionFields, ActionOrigin, ActionStatus, MAX_ACTIONS, MAX_ACTION_TITLE};
pub use carry::{copied_to, review, to_carry, CheckpointActions, ReviewItem};
pub use dots::{DotVoting, DotsPhase, DEFAULT_BUDGET, DEFAULT_PER_NOTE};

pub const MAX_NOTE_TEXT: usize = 280;
pub const MAX_STEP_TITLE: usize = 60;
pub const MAX_STEPS: usize = 20;
pub const MAX_NOTES: usize = 500;
/// Deleted note ids kept (the most recent ones), so that a late retry of a
/// create does not revive a deleted note.
pub const MAX_TOMBSTONES: usize = 500;
/// The most the board may take stored as JSON. 500 notes of 280 characters
/// of plain text fit (about 200 KiB); it is the ceiling for longer encodings.
pub const MAX_BOARD_BYTES: usize = 256 * 1024;

/// The template a new board starts from.
pub const TEMPLATE: [&str; 7] = [
    "Commit",
    "Pull request",
    "Build",
    "Test",
    "Deploy to staging",
    "Deploy to production",
    "Verify",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Manual,
    Automated,
    Failed,
    Improvement,
}

impl NoteKind {
    pub const ALL: [NoteKind; 4] = [
        NoteKind::Manual,
        NoteKind::Automated,
        NoteKind::Failed,
        NoteKind::Improvement,
    ];

    pub fn id(self) -> &'static str {
        match self {
            NoteKind::Manual => "manual",
            NoteKind::Automated => "automated",
            NoteKind::Failed => "failed",
            NoteKind::Improvement => "improvement",
        }
    }

    pub fn parse(raw: &str) -> Option<NoteKind> {
        NoteKind::ALL.into_iter().find(|k| k.id() == raw)
    }

    /// Shown with the colour and the icon, never instead of them.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Manual => "Manual work",
            NoteKind::Automated => "Automated work",
            NoteKind::Failed => "Failed deployment",
            NoteKind::Improvement => "Improvement",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub step: String,
    pub kind: NoteKind,
    pub text: String,
    /// Bumped by every accepted change of this note.
    pub version: u64,
}

/// The board. Steps are in flow order; notes are in order within their step
/// (the order of `notes` filtered by step).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub steps: Vec<Step>,
    pub notes: Vec<Note>,
    /// Ids of deleted notes, oldest first; at most [`MAX_TOMBSTONES`].
    pub deleted: Vec<String>,
    pub dots: DotVoting,
    #[serde(default)]
    pub actions: Vec<Action>,
    /// One per activity: mapping the flow, proposing improvements, voting.
    #[serde(default = "activity_timers")]
    pub timers: [Timer; 3],
    /// Who wrote each note (note id → participant id), so that people delete
    /// only their own. Kept apart from the notes: note frames go to everyone
    /// alike and should not say who wrote what.
    #[serde(default)]
    pub authors: std::collections::BTreeMap<String, String>,
}

/// The activities of the board, each with its own timer.
pub const ACTIVITIES: [(&str, i64); 3] = [("Map the flow", 10), ("Propose improvements", 10), ("Vote", 5)];

fn activity_timers() -> [Timer; 3] {
    ACTIVITIES.map(|(_, minutes)| Timer::of_minutes(minutes))
}

impl Default for Board {
    fn default() -> Self {
        Board {
            steps: Vec::new(),
            notes: Vec::new(),
            deleted: Vec::new(),
            dots: DotVoting::default(),
            actions: Vec::new(),
            timers: activity_timers(),
            authors: Default::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BoardCommand {
    /// Fills an empty board with [`TEMPLATE`] (ids `step-1` …).
    UseTemplate,
    /// Fills an empty board with these step names (the previous checkpoint's flow).
    UseFlow {
        titles: Vec<String>,
    },
    AddStep {
        id: String,
        title: String,
    },
    RenameStep {
        id: String,
        title: String,
    },
    /// To position `index` in the flow (clamped).
    MoveStep {
        id: String,
        index: usize,
    },
    /// Only an empty step: notes are never lost with their step.
    RemoveStep {
        id: String,
    },
    AddNote {
        id: String,
        step: String,
        kind: String,
        text: String,
    },
    /// Changes only the fields given.
    EditNote {
        id: String,
        text: Option<String>,
        kind: Option<String>,
    },
    /// To position `index` among the notes of `step` (clamped).
    MoveNote {
        id: String,
        step: String,
        index: usize,
    },
    DeleteNote {
        id: String,
    },
    /// Facilitator: opens voting with a budget per person and a cap per note.
    OpenDots {
        budget: u8,
        per_note: u8,
        show_live: bool,
    },
    /// Adds (`add = true`) or takes back one dot on an improvement note.
    Dot {
        note: String,
        add: bool,
    },
    CloseDots,
    /// A new action (client-made id; a retried create changes nothing).
    AddAction {
        id: String,
        title: String,
        owner: String,
        due: Option<String>,
        capability: Option<String>,
        from_note: Option<String>,
    },
    EditAction {
        id: String,
        title: String,
        owner: String,
        due: Option<String>,
        capability: Option<String>,
    },
    SetActionStatus {
        id: String,
        status: String,
    },
    RemoveAction {
        id: String,
    },
    /// Facilitator: one activity's timer (applied with the clock by the room).
    Timer {
        activity: u8,
        #[serde(flatten)]
        action: TimerAction,
    },
    /// A participant takes on an action: they become its owner.
    Volunteer {
        id: String,
    },
}

impl BoardCommand {
    /// What [`crate::access`] calls this change; `author` is who wrote the
    /// note it deletes, if anyone knows.
    pub fn access(&self, actor: &str, author: Option<&str>) -> crate::access::Action {
        use crate::access::Action;
        match self {
            BoardCommand::AddNote { .. } | BoardCommand::EditNote { .. } | BoardCommand::MoveNote { .. } => {
                Action::ChangeNote
            }
            BoardCommand::DeleteNote { .. } if author == Some(actor) => Action::DeleteOwnNote,
            BoardCommand::DeleteNote { .. } => Action::DeleteAnyNote,
            BoardCommand::Dot { .. } => Action::Dot,
            BoardCommand::Volunteer { .. } => Action::Volunteer,
            BoardCommand::OpenDots { .. } | BoardCommand::CloseDots | BoardCommand::Timer { .. } => Action::Drive,
            BoardCommand::UseTemplate
            | BoardCommand::UseFlow { .. }
            | BoardCommand::AddStep { .. }
            | BoardCommand::RenameStep { .. }
            | BoardCommand::MoveStep { .. }
            | BoardCommand::RemoveStep { .. }
            | BoardCommand::AddAction { .. }
            | BoardCommand::EditAction { .. }
            | BoardCommand::SetActionStatus { .. }
            | BoardCommand::RemoveAction { .. } => Action::EditFlow,
        }
    }
}

/// What a command changed, so the store writes only that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoardChange {
    /// Nothing (a retried create).
    None,
    /// The list of steps (titles and order).
    Steps,
    /// One note row (its text, kind, step, order or tombstone).
    Note { id: String },
    /// The dot-voting settings and every participant's dots.
    Dots,
    /// The action list.
    Actions,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("this note was deleted; your text is kept so you can add it again")]
    NoteGone,
}

pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> BoardError {
    BoardError::Invalid(FieldError::new(field, message))
}

/// How many bytes `value` takes as JSON, without building the text.
pub fn json_len<T: Serialize + ?Sized>(value: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing plain data to a counter cannot fail.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// A client-made id: 1 to 64 letters, digits, `-` or `_`.
fn parse_id(field: &'static str, raw: &str) -> Result<String, BoardError> {
    let ok =
        !raw.is_empty() && raw.len() <= 64 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(invalid(field, "an id is 1 to 64 letters, digits, - or _"))
    }
}

fn parse_text(raw: &str) -> Result<String, BoardError> {
    let text = raw.trim().replace("\r\n", "\n");
    match text.chars().count() {
        0 => Err(invalid("text", "write something on the note")),
        n if n > MAX_NOTE_TEXT => Err(invalid(
            "text",
            format!("a note holds at most {MAX_NOTE_TEXT} characters ({n} given)"),
        )),
        _ => Ok(text),
    }
}

fn parse_title(raw: &str) -> Result<String, BoardError> {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match title.chars().count() {
        0 => Err(invalid("title", "name the step")),
        n if n > MAX_STEP_TITLE => Err(invalid(
            "title",
            format!("a step name has at most {MAX_STEP_TITLE} characters"),
        )),
        _ => Ok(title),
    }
}

fn parse_kind(raw: &str) -> Result<NoteKind, BoardError> {
    NoteKind::parse(raw).ok_or_else(|| {
        invalid(
            "kind",
            format!("unknown kind {raw:?}; expected manual, automated, failed or improvement"),
        )
    })
}

impl Board {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn note(&self, id: &str) -> Option<&Note> {
        self.notes.iter().find(|n| n.id == id)
    }

    /// The notes of one step, in order.
    pub fn notes_of<'a>(&'a self, step: &'a str) -> impl Iterator<Item = &'a Note> + 'a {
        self.notes.iter().filter(move |n| n.step == step)
    }

    fn note_mut(&mut self, id: &str) -> Result<&mut Note, BoardError> {
        if self.deleted.iter().any(|d| d == id) {
            return Err(BoardError::NoteGone);
        }
        self.notes
            .iter_mut()
            .find(|n| n.id == id)
            .ok_or_else(|| invalid("id", "no such note"))
    }

    /// Refuses a change that would take the stored board past [`MAX_BOARD_BYTES`]
    /// by growing it `grows` bytes.
    fn check_room_for(&self, grows: usize) -> Result<(), BoardError> {
        if grows > 0 && json_len(self) + grows > MAX_BOARD_BYTES {
            return Err(invalid(
                "notes",
                format!(
                    "the board is full: it holds at most {} KiB of notes; shorten or delete some first",
                    MAX_BOARD_BYTES / 1024
                ),
            ));
        }
        Ok(())
    }

    fn known_step(&self, id: &str) -> Result<(), BoardError> {
        self.step(id)
            .map(|_| ())
            .ok_or_else(|| invalid("step", "no such step; it may have been removed"))
    }

    /// Puts `note` at position `index` among the notes of its step.
    fn place(&mut self, note: Note, index: usize) {
        let positions: Vec<usize> = self
            .notes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.step == note.step)
            .map(|(i, _)| i)
            .collect();
        let at = match positions.get(index) {
            Some(i) => *i,
            None => positions.last().map_or(self.notes.len(), |i| i + 1),
        };
        self.notes.insert(at, note);
    }

    /// Applies `cmd` by `participant`. On error the board is unchanged.
    pub fn apply(&mut self, participant: &str, cmd: BoardCommand) -> Result<BoardChange, BoardError> {
        match cmd {
            BoardCommand::UseTemplate => {
                if !self.steps.is_empty() {
                    return Err(invalid("steps", "the board already has steps"));
                }
                self.steps = TEMPLATE
                    .iter()
                    .enumerate()
                    .map(|(i, t)| Step {
                        id: format!("step-{}", i + 1),
                        title: t.to_string(),
                    })
                    .collect();
                Ok(BoardChange::Steps)
            }
            BoardCommand::UseFlow { titles } => {
                if !self.steps.is_empty() {
                    return Err(invalid("steps", "the board already has steps"));
                }
                let titles = titles.iter().map(|t| parse_title(t)).collect::<Result<Vec<_>, _>>()?;
                if titles.is_empty() || titles.len() > MAX_STEPS {
                    return Err(invalid("steps", format!("a flow has 1 to {MAX_STEPS} steps")));
                }
                self.steps = titles
                    .into_iter()
                    .enumerate()
                    .map(|(i, title)| Step {
                        id: format!("step-{}", i + 1),
                        title,
                    })
                    .collect();
                Ok(BoardChange::Steps)
            }
            BoardCommand::AddStep { id, title } => {
                let id = parse_id("id", &id)?;
                let title = parse_title(&title)?;
                if self.step(&id).is_some() {
                    return Ok(BoardChange::None);
                }
                if self.steps.len() >= MAX_STEPS {
                    return Err(invalid("steps", format!("a flow has at most {MAX_STEPS} steps")));
                }
                self.steps.push(Step { id, title });
                Ok(BoardChange::Steps)
            }
            BoardCommand::RenameStep { id, title } => {
                let title = parse_title(&title)?;
                let step = self
                    .steps
                    .iter_mut()
                    .find(|s| s.id == id)
                    .ok_or_else(|| invalid("step", "no such step"))?;
                step.title = title;
                Ok(BoardChange::Steps)
            }
            BoardCommand::MoveStep { id, index } => {
                let from = self
                    .steps
                    .iter()
                    .position(|s| s.id == id)
                    .ok_or_else(|| invalid("step", "no such step"))?;
                let step = self.steps.remove(from);
                let to = index.min(self.steps.len());
                self.steps.insert(to, step);
                Ok(BoardChange::Steps)
            }
            BoardCommand::RemoveStep { id } => {
                self.known_step(&id)?;
                let held = self.notes_of(&id).count();
                if held > 0 {
                    return Err(invalid("step", format!("move or delete its {held} notes first")));
                }
                self.steps.retain(|s| s.id != id);
                Ok(BoardChange::Steps)
            }
            BoardCommand::AddNote { id, step, kind, text } => {
                let id = parse_id("id", &id)?;
                // A retry of a create that already landed (or was deleted since) changes nothing.
                if self.note(&id).is_some() || self.deleted.contains(&id) {
                    return Ok(BoardChange::None);
                }
                self.known_step(&step)?;
                let kind = parse_kind(&kind)?;
                let text = parse_text(&text)?;
                if self.notes.len() >= MAX_NOTES {
                    return Err(invalid(
                        "notes",
                        format!("the board is full: it holds at most {MAX_NOTES} notes; delete some first"),
                    ));
                }
                let note = Note {
                    id: id.clone(),
                    step,
                    kind,
                    text,
                    version: 1,
                };
                // The note, its author entry (`"id":"participant",`) and a comma.
                let grows = json_len(&note) + id.len() + participant.len() + 6 + 1;
                self.check_room_for(grows)?;
                self.place(note, usize::MAX);
                self.authors.insert(id.clone(), participant.to_string());
                Ok(BoardChange::Note { id })
            }
            BoardCommand::EditNote { id, text, kind } => {
                let text = text.as_deref().map(parse_text).transpose()?;
                let kind = kind.as_deref().map(parse_kind).transpose()?;
                if text.is_none() && kind.is_none() {
                    return Err(invalid("text", "nothing to change"));
                }
                if let Some(t) = &text {
                    let old = self.note_mut(&id)?.text.clone();
                    self.check_room_for(json_len(t).saturating_sub(json_len(&old)))?;
                }
                let was_improvement;
                {
                    let note = self.note_mut(&id)?;
                    was_improvement = note.kind == NoteKind::Improvement;
                    if let Some(t) = text {
                        note.text = t;
                    }
                    if let Some(k) = kind {
                        note.kind = k;
                    }
                    note.version += 1;
                }
                // A note that stops being an improvement loses its dots.
                if was_improvement && self.note(&id).is_some_and(|n| n.kind != NoteKind::Improvement) {
                    self.dots.forget(&id);
                }
                Ok(BoardChange::Note { id })
            }
            BoardCommand::MoveNote { id, step, index } => {
                self.known_step(&step)?;
                self.note_mut(&id)?;
                let at = self.notes.iter().position(|n| n.id == id).expect("found above");
                let mut note = self.notes.remove(at);
                note.step = step;
                note.version += 1;
                self.place(note, index);
                Ok(BoardChange::Note { id })
            }
            BoardCommand::DeleteNote { id } => {
                if self.deleted.contains(&id) {
                    return Ok(BoardChange::None);
                }
                self.note_mut(&id)?;
                self.notes.retain(|n| n.id != id);
                self.authors.remove(&id);
                self.deleted.push(id.clone());
                if self.deleted.len() > MAX_TOMBSTONES {
                    let over = self.deleted.len() - MAX_TOMBSTONES;
                    self.deleted.drain(..over);
                }
                self.dots.forget(&id);
                Ok(BoardChange::Note { id })
            }
            BoardCommand::OpenDots {
                budget,
                per_note,
                show_live,
            } => {
                self.dots.open(budget, per_note, show_live)?;
                Ok(BoardChange::Dots)
            }
            BoardCommand::Dot { note, add } => {
                match self.note(&note) {
                    Some(n) if n.kind == NoteKind::Improvement => {}
                    Some(_) => return Err(invalid("note", "only improvement notes take dots")),
                    None => {
                        return Err(if self.deleted.contains(&note) {
                            BoardError::NoteGone
                        } else {
                            invalid("note", "no such note")
                        })
                    }
                }
                self.dots.dot(participant, &note, add)?;
                Ok(BoardChange::Dots)
            }
            BoardCommand::CloseDots => {
                self.dots.close()?;
                Ok(BoardChange::Dots)
            }
            BoardCommand::AddAction {
                id,
                title,
                owner,
                due,
                capability,
                from_note,
            } => {
                let id = parse_id("id", &id)?;
                if self.actions.iter().any(|a| a.id == id) {
                    return Ok(BoardChange::None);
                }
                let f = ActionFields::parse(&title, &owner, due.as_deref(), capability.as_deref())?;
                if self.actions.len() >= MAX_ACTIONS {
                    return Err(invalid(
                        "actions",
                        format!("at most {MAX_ACTIONS} actions; finish some first"),
                    ));
                }
                let from_note = from_note.filter(|n| !n.is_empty());
                if let Some(n) = &from_note {
                    if self.note(n).is_none() {
                        return Err(invalid("from_note", "no such note"));
                    }
                }
                self.actions.push(Action {
                    id,
                    title: f.title,
                    owner: f.owner,
                    due: f.due,
                    capability: f.capability,
                    from_note,
                    status: ActionStatus::Open,
                    carried_from: Vec::new(),
                    reviewed_in: None,
                });
                Ok(BoardChange::Actions)
            }
            BoardCommand::EditAction {
                id,
                title,
                owner,
                due,
                capability,
            } => {
                let f = ActionFields::parse(&title, &owner, due.as_deref(), capability.as_deref())?;
                let a = self
                    .actions
                    .iter_mut()
                    .find(|a| a.id == id)
                    .ok_or_else(|| invalid("action", "no such action"))?;
                (a.title, a.owner, a.due, a.capability) = (f.title, f.owner, f.due, f.capability);
                Ok(BoardChange::Actions)
            }
            BoardCommand::SetActionStatus { id, status } => {
                let status = ActionStatus::parse(&status)?;
                let a = self
                    .actions
                    .iter_mut()
                    .find(|a| a.id == id)
                    .ok_or_else(|| invalid("action", "no such action"))?;
                a.status = status;
                Ok(BoardChange::Actions)
            }
            // The room runs these two itself (`live::command::apply`), before it
            // comes here: a timer needs its clock (`Board::apply_timer`), a
            // volunteer their name (`Board::volunteer`).
            BoardCommand::Timer { .. } => Err(invalid("timer", "the timers need the room (it keeps the clock)")),
            BoardCommand::Volunteer { .. } => {
                Err(invalid("action", "volunteering needs the room (it knows your name)"))
            }
            BoardCommand::RemoveAction { id } => {
                let before = self.actions.len();
                self.actions.retain(|a| a.id != id);
                if self.actions.len() == before {
                    return Err(invalid("action", "no such action"));
                }
                Ok(BoardChange::Actions)
            }
        }
    }

    /// Who wrote a note, where known (notes from before authors were kept have none).
    pub fn author_of(&self, note: &str) -> Option<&str> {
        self.authors.get(note).map(String::as_str)
    }

    /// `name` takes on the action as its owner.
    pub fn volunteer(&mut self, id: &str, name: &str) -> Result<BoardChange, BoardError> {
        let a = self
            .actions
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or_else(|| invalid("action", "no such action"))?;
        a.owner = name.chars().take(80).collect();
        Ok(BoardChange::Actions)
    }

    /// Applies a timer action at `now_ms` (the room passes its clock).
    pub fn apply_timer(&mut self, activity: u8, action: TimerAction, now_ms: i64) -> Result<(), BoardError> {
        let timer = self
            .timers
            .get_mut(usize::from(activity))
            .ok_or_else(|| invalid("activity", "the board has three activities: 0, 1 and 2"))?;
        timer.apply(action, now_ms).map_err(|m| invalid("timer", m))
    }

    /// Improvement notes ranked by dots, most first (ties in board order).
    /// Improvement notes in the flow's order (by step, then within the step):
    /// an order that says nothing about the dots.
    pub fn improvements_in_flow_order(&self) -> impl Iterator<Item = &Note> {
        self.steps
            .iter()
            .flat_map(move |st| self.notes_of(&st.id).filter(|n| n.kind == NoteKind::Improvement))
    }

    pub fn ranked_improvements(&self) -> Vec<(&Note, u32)> {
        let mut ranked: Vec<(&Note, u32)> = self
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::Improvement)
            .map(|n| (n, self.dots.total_on(&n.id)))
            .collect();
        ranked.sort_by_key(|(_, dots)| std::cmp::Reverse(*dots));
        ranked
    }
}

impl BoardCommand {
    /// Reads a command from form fields (`op` names it), so a plain HTML form
    /// and the hydrated page send the same thing. Values are checked by `apply`.
    pub fn from_fields(op: &str, field: &dyn Fn(&str) -> Option<String>) -> Result<BoardCommand, BoardError> {
        let text = |name: &'static str| field(name).unwrap_or_default();
        let number = |name: &'static str| -> Result<usize, BoardError> {
            text(name)
                .trim()
                .parse::<usize>()
                .map_err(|_| invalid(name, format!("{name} must be a whole number")))
        };
        let small = |name: &'static str| -> Result<u8, BoardError> {
            text(name)
                .trim()
                .parse::<u8>()
                .map_err(|_| invalid(name, format!("{name} must be a whole number from 1 to 20")))
        };
        let optional = |name: &'static str| field(name).filter(|v| !v.trim().is_empty());
        Ok(match op {
            "use_template" => BoardCommand::UseTemplate,
            "add_step" => BoardCommand::AddStep {
                id: text("step"),
                title: text("title"),
            },
            "rename_step" => BoardCommand::RenameStep {
                id: text("step"),
                title: text("title"),
            },
            "move_step" => BoardCommand::MoveStep {
                id: text("step"),
                index: number("index")?,
            },
            "remove_step" => BoardCommand::RemoveStep { id: text("step") },
            "add_note" => BoardCommand::AddNote {
                id: text("note"),
                step: text("step"),
                kind: text("kind"),
                text: text("text"),
            },
            // The form also carries what it started from (`text_was`, `kind_was`):
            // only a field the person changed is sent, so two people editing
            // different fields of one note both keep their change.
            "edit_note" => {
                let changed = |field: &'static str, was: &'static str| {
                    optional(field).filter(|v| optional(was).is_none_or(|w| w.trim() != v.trim()))
                };
                BoardCommand::EditNote {
                    id: text("note"),
                    text: changed("text", "text_was"),
                    kind: changed("kind", "kind_was"),
                }
            }
            "move_note" => BoardCommand::MoveNote {
                id: text("note"),
                step: text("step"),
                index: number("index")?,
            },
            "delete_note" => BoardCommand::DeleteNote { id: text("note") },
            "open_dots" => BoardCommand::OpenDots {
                budget: small("budget")?,
                per_note: small("per_note")?,
                show_live: optional("show_live").is_some(),
            },
            "dot" => BoardCommand::Dot {
                note: text("note"),
                add: text("add") != "false",
            },
            "close_dots" => BoardCommand::CloseDots,
            "add_action" => BoardCommand::AddAction {
                id: text("action"),
                title: text("title"),
                owner: text("owner"),
                due: optional("due"),
                capability: optional("capability"),
                from_note: optional("note"),
            },
            "edit_action" => BoardCommand::EditAction {
                id: text("action"),
                title: text("title"),
                owner: text("owner"),
                due: optional("due"),
                capability: optional("capability"),
            },
            "action_status" => BoardCommand::SetActionStatus {
                id: text("action"),
                status: text("status"),
            },
            "remove_action" => BoardCommand::RemoveAction { id: text("action") },
            "volunteer" => BoardCommand::Volunteer { id: text("action") },
            "timer" => BoardCommand::Timer {
                activity: text("activity")
                    .trim()
                    .parse()
                    .map_err(|_| invalid("activity", "activity must be 0, 1 or 2"))?,
                action: match text("timer").as_str() {
                    // A typed length starts the timer for that long.
                    "start" => match optional("minutes") {
                        Some(m) => TimerAction::StartFor {
                            minutes: crate::live::timer::parse_minutes(&m)
                                .map_err(|e| invalid("minutes", e.message))?,
                        },
                        None => TimerAction::Start,
                    },
                    "pause" => TimerAction::Pause,
                    "reset" => TimerAction::Reset,
                    "extend" => TimerAction::Extend { minutes: 5 },
                    other => return Err(invalid("timer", format!("unknown timer action {other:?}"))),
                },
            },
            other => return Err(invalid("op", format!("unknown board change {other:?}"))),
        })
    }
}
