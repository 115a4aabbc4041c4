//! Actions: the improvements the squad commits to, with an owner, a due date
//! and the capability each serves. Reviewed at the squad's next checkpoint.

use serde::{Deserialize, Serialize};

use super::{invalid, BoardError};
use crate::dora::catalog;
use crate::measured::dates::parse_date;
use crate::names::DisplayName;

pub const MAX_ACTIONS: usize = 30;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    #[default]
    Open,
    Done,
    /// Still wanted: carried over to the next checkpoint.
    Carried,
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Open,
        ActionStatus::Done,
        ActionStatus::Carried,
        ActionStatus::Dropped,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Carried => "carried",
            ActionStatus::Dropped => "dropped",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::Done => "Done",
            ActionStatus::Carried => "Carried over",
            ActionStatus::Dropped => "Dropped",
        }
    }

    pub fn parse(raw: &str) -> Result<ActionStatus, BoardError> {
        ActionStatus::ALL.into_iter().find(|s| s.id() == raw).ok_or_else(|| {
            invalid(
                "status",
                format!("unknown status {raw:?}; expected open, done, carried or dropped"),
            )
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: String,
    pub title: String,
    /// A participant's name, or anyone's.
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// A catalog key.
    pub capability: Option<String>,
    /// The improvement note it came from.
    pub from_note: Option<String>,
    pub status: ActionStatus,
    /// The actions it was carried over from, oldest first: the last is the
    /// one it copies, the first where the squad agreed it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried_from: Vec<ActionOrigin>,
    /// The later checkpoint whose review last set its status (that review
    /// keeps listing it, so a slip can be undone there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_in: Option<String>,
}

/// One checkpoint's action that another was carried over from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOrigin {
    pub checkpoint_id: String,
    pub action_id: String,
    /// When that checkpoint was held, `YYYY-MM-DD`.
    pub held_on: String,
}

/// The editable fields of an action, parsed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionFields {
    pub title: String,
    pub owner: String,
    pub due: Option<String>,
    pub capability: Option<String>,
}

/// The longest action title, in characters.
pub const MAX_ACTION_TITLE: usize = 200;

impl ActionFields {
    pub fn parse(
        title: &str,
        owner: &str,
        due: Option<&str>,
        capability: Option<&str>,
    ) -> Result<ActionFields, BoardError> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        match title.chars().count() {
            0 => return Err(invalid("title", "say what the action is")),
            n if n > MAX_ACTION_TITLE => {
                return Err(invalid(
                    "title",
                    format!("an action's title has at most {MAX_ACTION_TITLE} characters ({n} given)"),
                ))
            }
            _ => {}
        }
        let owner = DisplayName::parse("owner", owner)
            .map_err(|e| invalid("owner", e.message))?
            .into_string();
        let due = match due.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) if parse_date(d).is_some() => Some(d.to_string()),
            Some(d) => return Err(invalid("due", format!("{d:?} is not a date like 2026-12-31"))),
        };
        let capability = match capability.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) if catalog::find(c).is_some() => Some(c.to_string()),
            Some(c) => return Err(invalid("capability", format!("{c:?} is not in the capability catalog"))),
        };
        Ok(ActionFields {
            title,
            owner,
            due,
            capability,
        })
    }
}
