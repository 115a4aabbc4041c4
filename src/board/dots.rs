//! Dot voting on improvement notes: a budget per person, a cap per note,
//! counts hidden until the facilitator closes voting (unless shown live).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{invalid, BoardError};

pub const DEFAULT_BUDGET: u8 = 5;
pub const DEFAULT_PER_NOTE: u8 = 3;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DotsPhase {
    #[default]
    NotStarted,
    Open,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotVoting {
    pub phase: DotsPhase,
    pub budget: u8,
    pub per_note: u8,
    /// Counts are shown while voting is open (otherwise only after closing).
    pub show_live: bool,
    /// Participant id → note id → dots.
    pub dots: BTreeMap<String, BTreeMap<String, u8>>,
}

impl Default for DotVoting {
    fn default() -> Self {
        DotVoting {
            phase: DotsPhase::NotStarted,
            budget: DEFAULT_BUDGET,
            per_note: DEFAULT_PER_NOTE,
            show_live: false,
            dots: BTreeMap::new(),
        }
    }
}

impl DotVoting {
    pub(super) fn open(&mut self, budget: u8, per_note: u8, show_live: bool) -> Result<(), BoardError> {
        if !(1..=20).contains(&budget) {
            return Err(invalid("budget", "a budget is 1 to 20 dots"));
        }
        if per_note == 0 || per_note > budget {
            return Err(invalid("per_note", "the cap per note is 1 to the budget"));
        }
        // Reopening keeps the dots already given, within the new limits.
        for mine in self.dots.values_mut() {
            for n in mine.values_mut() {
                *n = (*n).min(per_note);
            }
            while mine.values().map(|n| u32::from(*n)).sum::<u32>() > u32::from(budget) {
                if let Some((_, n)) = mine.iter_mut().rev().find(|(_, n)| **n > 0) {
                    *n -= 1;
                }
            }
            mine.retain(|_, n| *n > 0);
        }
        *self = DotVoting {
            phase: DotsPhase::Open,
            budget,
            per_note,
            show_live,
            dots: std::mem::take(&mut self.dots),
        };
        Ok(())
    }

    pub(super) fn close(&mut self) -> Result<(), BoardError> {
        if self.phase != DotsPhase::Open {
            return Err(invalid("dots", "voting is not open"));
        }
        self.phase = DotsPhase::Closed;
        Ok(())
    }

    pub(super) fn dot(&mut self, participant: &str, note: &str, add: bool) -> Result<(), BoardError> {
        if self.phase != DotsPhase::Open {
            return Err(invalid("dots", "dot voting is not open"));
        }
        let used = self.used_by(participant);
        let mine = self.dots.entry(participant.to_string()).or_default();
        let on_note = mine.get(note).copied().unwrap_or(0);
        if add {
            if used >= u32::from(self.budget) {
                return Err(invalid(
                    "dots",
                    format!("you have used all {} of your dots; take one back first", self.budget),
                ));
            }
            if on_note >= self.per_note {
                return Err(invalid("dots", format!("at most {} dots on one note", self.per_note)));
            }
            mine.insert(note.to_string(), on_note + 1);
        } else {
            if on_note == 0 {
                return Err(invalid("dots", "you have no dot on this note"));
            }
            if on_note == 1 {
                mine.remove(note);
            } else {
                mine.insert(note.to_string(), on_note - 1);
            }
        }
        Ok(())
    }

    pub(super) fn forget(&mut self, note: &str) {
        for mine in self.dots.values_mut() {
            mine.remove(note);
        }
    }

    pub fn used_by(&self, participant: &str) -> u32 {
        self.dots
            .get(participant)
            .map_or(0, |m| m.values().map(|n| u32::from(*n)).sum())
    }

    pub fn total_on(&self, note: &str) -> u32 {
        self.dots
            .values()
            .filter_map(|m| m.get(note))
            .map(|n| u32::from(*n))
            .sum()
    }

    /// Whether everyone may see the totals now.
    pub fn counts_visible(&self) -> bool {
        self.phase == DotsPhase::Closed || (self.phase == DotsPhase::Open && self.show_live)
    }
}
