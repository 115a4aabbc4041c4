//! Checkpoints as a squad's page lists them, and the parsed form that creates one.

use serde::{Deserialize, Serialize};

use crate::dora::current::AnyEdition;
use crate::error::FieldError;
use crate::live::CheckpointStatus;
use crate::names::DisplayName;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointSummary {
    pub id: String,
    pub held_on: String,
    pub status: CheckpointStatus,
    pub facilitator: String,
    pub co_facilitators: Vec<String>,
    pub benchmark: AnyEdition,
    pub board_url: Option<String>,
    pub participants: i64,
}

/// What the page that tidies a checkpoint shows to those who may tidy it:
/// its co-facilitators (to remove), and whether it may be deleted at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointAdmin {
    pub id: String,
    pub squad_slug: String,
    pub squad_name: String,
    pub held_on: String,
    pub status: CheckpointStatus,
    pub facilitator: String,
    pub co_facilitators: Vec<String>,
    /// A finalised summary exists: the checkpoint is kept.
    pub finalised: bool,
}

/// What a facilitator fills in to create a checkpoint, parsed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointForm {
    pub held_on: String,
    pub board_url: Option<String>,
    pub benchmark: AnyEdition,
    /// Reveals show counts without names (changeable in the room until the first reveal).
    pub anonymous: bool,
}

impl CheckpointForm {
    pub fn parse(
        held_on: &str,
        board_url: Option<&str>,
        benchmark: Option<&str>,
    ) -> Result<CheckpointForm, FieldError> {
        let held_on = parse_date(held_on.trim())?;
        let board_url = match board_url.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(url) => {
                let ok_scheme = url.starts_with("https://") || url.starts_with("http://");
                if !ok_scheme || url.len() > 500 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(FieldError::new(
                        "board_url",
                        "the board link must be an http:// or https:// address of at most 500 characters",
                    ));
                }
                Some(url.to_string())
            }
        };
        let benchmark = match benchmark.map(str::trim).filter(|s| !s.is_empty()) {
            None => AnyEdition::default(),
            Some(raw) => AnyEdition::parse(raw)?,
        };
        Ok(CheckpointForm {
            held_on,
            board_url,
            benchmark,
            anonymous: false,
        })
    }
}

/// A checkbox's value: present and "on"/"true" (a form post or JSON's `true`).
pub fn checkbox(raw: Option<&str>) -> bool {
    raw.is_some_and(|v| matches!(v.trim(), "on" | "true"))
}

/// A calendar date as `YYYY-MM-DD`, checked for real days (the one date parser).
fn parse_date(raw: &str) -> Result<String, FieldError> {
    crate::measured::dates::parse_date(raw)
        .map(|_| raw.to_string())
        .ok_or_else(|| FieldError::new("held_on", "the date must be a real day written YYYY-MM-DD"))
}

/// A participant's display name: a [`DisplayName`] under the field `name`.
pub fn participant_name(raw: &str) -> Result<DisplayName, FieldError> {
    DisplayName::parse("name", raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_form_names_the_field_it_refuses() {
        let ok = CheckpointForm::parse("2024-02-29", Some(" https://miro.com/app/board/x "), Some("2022")).unwrap();
        assert_eq!(ok.board_url.as_deref(), Some("https://miro.com/app/board/x"));
        assert_eq!(ok.benchmark, AnyEdition::Y2022);
        assert_eq!(
            CheckpointForm::parse("2026-11-22", None, None).unwrap().benchmark,
            AnyEdition::Y2025
        );
        assert_eq!(
            CheckpointForm::parse("2026-11-22", None, Some("2024"))
                .unwrap()
                .benchmark,
            AnyEdition::Y2024
        );
        assert_eq!(
            CheckpointForm::parse("2023-02-29", None, None).unwrap_err().field,
            "held_on"
        );
        assert_eq!(
            CheckpointForm::parse("22/11/2026", None, None).unwrap_err().field,
            "held_on"
        );
        assert_eq!(
            CheckpointForm::parse("2026-11-22", Some("javascript:alert(1)"), None)
                .unwrap_err()
                .field,
            "board_url"
        );
        assert_eq!(
            CheckpointForm::parse("2026-11-22", None, Some("2020"))
                .unwrap_err()
                .field,
            "benchmark"
        );
        assert_eq!(
            CheckpointForm::parse("2026-11-22", Some(""), None).unwrap().board_url,
            None
        );
    }
}
