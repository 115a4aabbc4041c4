//! Shared timers. The server holds the instant a timer ends, so every screen
//! counts down to the same moment whatever its own clock says (clients correct
//! by the server's clock, sent with every snapshot).

use serde::{Deserialize, Serialize};

pub const QUESTION_MINUTES: i64 = 15;
const MINUTE_MS: i64 = 60_000;
/// A timer never runs longer than this (a typo guard for "extend").
const MAX_MS: i64 = 4 * 60 * MINUTE_MS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// The full length, shown before it starts.
    pub duration_ms: i64,
    /// Set while running: when it reaches zero (ms since the epoch, server clock).
    pub ends_at_ms: Option<i64>,
    /// Set while paused: what was left.
    pub paused_remaining_ms: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TimerAction {
    /// Starts, or resumes a paused timer.
    Start,
    Pause,
    /// Adds minutes to what is left (running, paused or not started).
    Extend {
        minutes: i64,
    },
    /// Back to the full length, stopped.
    Reset,
    /// Starts afresh with the facilitator's own length (the full length from
    /// then on): [`MIN_START_MINUTES`] to [`MAX_START_MINUTES`].
    StartFor {
        minutes: i64,
    },
}

/// The shortest and the longest length a facilitator may type.
pub const MIN_START_MINUTES: i64 = 1;
pub const MAX_START_MINUTES: i64 = 120;

/// Reads the minutes a facilitator typed for a timer (refusals name `minutes`).
pub fn parse_minutes(raw: &str) -> Result<i64, crate::error::FieldError> {
    let raw = raw.trim();
    match raw.parse::<i64>() {
        Ok(m) if (MIN_START_MINUTES..=MAX_START_MINUTES).contains(&m) => Ok(m),
        _ => Err(crate::error::FieldError::new(
            "minutes",
            format!("a timer runs {MIN_START_MINUTES} to {MAX_START_MINUTES} whole minutes ({raw:?} given)"),
        )),
    }
}

impl Timer {
    pub fn of_minutes(minutes: i64) -> Timer {
        Timer {
            duration_ms: minutes * MINUTE_MS,
            ends_at_ms: None,
            paused_remaining_ms: None,
        }
    }

    pub fn running(&self) -> bool {
        self.ends_at_ms.is_some()
    }

    /// Milliseconds left at `now_ms` (never negative).
    pub fn remaining_ms(&self, now_ms: i64) -> i64 {
        match (self.ends_at_ms, self.paused_remaining_ms) {
            (Some(end), _) => (end - now_ms).max(0),
            (None, Some(left)) => left,
            (None, None) => self.duration_ms,
        }
    }

    pub fn apply(&mut self, action: TimerAction, now_ms: i64) -> Result<(), &'static str> {
        match action {
            TimerAction::Start => {
                if self.running() {
                    return Err("the timer is already running");
                }
                self.ends_at_ms = Some(now_ms + self.remaining_ms(now_ms));
                self.paused_remaining_ms = None;
            }
            TimerAction::Pause => {
                if !self.running() {
                    return Err("the timer is not running");
                }
                self.paused_remaining_ms = Some(self.remaining_ms(now_ms));
                self.ends_at_ms = None;
            }
            TimerAction::Extend { minutes } => {
                if !(1..=60).contains(&minutes) {
                    return Err("extend by 1 to 60 minutes");
                }
                let add = minutes * MINUTE_MS;
                let left = self.remaining_ms(now_ms);
                if left + add > MAX_MS {
                    return Err("a timer runs at most four hours");
                }
                match (self.ends_at_ms, self.paused_remaining_ms) {
                    (Some(_), _) => self.ends_at_ms = Some(now_ms + left + add),
                    (None, Some(_)) => self.paused_remaining_ms = Some(left + add),
                    (None, None) => self.duration_ms += add,
                }
            }
            TimerAction::Reset => *self = Timer::of_minutes(0).with_duration(self.duration_ms),
            TimerAction::StartFor { minutes } => {
                if self.running() {
                    return Err("the timer is already running; pause or reset it first");
                }
                if !(MIN_START_MINUTES..=MAX_START_MINUTES).contains(&minutes) {
                    return Err("a timer runs 1 to 120 whole minutes");
                }
                *self = Timer::of_minutes(minutes);
                self.ends_at_ms = Some(now_ms + self.duration_ms);
            }
        }
        Ok(())
    }

    fn with_duration(mut self, ms: i64) -> Timer {
        self.duration_ms = ms;
        self
    }
}

/// `mm:ss` (or `h:mm:ss`) for a countdown.
pub fn format_remaining(ms: i64) -> String {
    let secs = (ms.max(0) + 999) / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timer_counts_down_to_one_instant_pauses_and_extends() {
        let mut t = Timer::of_minutes(15);
        assert_eq!(t.remaining_ms(1_000), 15 * 60_000);
        t.apply(TimerAction::Start, 1_000).unwrap();
        assert_eq!(t.ends_at_ms, Some(1_000 + 15 * 60_000));
        assert_eq!(t.remaining_ms(61_000), 14 * 60_000);
        t.apply(TimerAction::Pause, 61_000).unwrap();
        assert_eq!(t.remaining_ms(999_999), 14 * 60_000, "a paused timer does not run");
        t.apply(TimerAction::Extend { minutes: 5 }, 100_000).unwrap();
        t.apply(TimerAction::Start, 200_000).unwrap();
        assert_eq!(t.ends_at_ms, Some(200_000 + 19 * 60_000));
        assert!(t.apply(TimerAction::Start, 200_000).is_err());
        assert_eq!(t.remaining_ms(i64::MAX / 2), 0, "never negative");
        t.apply(TimerAction::Reset, 0).unwrap();
        assert_eq!((t.running(), t.remaining_ms(0)), (false, 15 * 60_000));
        assert!(t.apply(TimerAction::Extend { minutes: 0 }, 0).is_err());
    }

    #[test]
    fn a_timer_starts_for_the_minutes_typed_within_bounds() {
        let mut t = Timer::of_minutes(15);
        t.apply(TimerAction::StartFor { minutes: 7 }, 1_000).unwrap();
        assert_eq!((t.ends_at_ms, t.duration_ms), (Some(1_000 + 7 * 60_000), 7 * 60_000));
        assert!(
            t.apply(TimerAction::StartFor { minutes: 3 }, 2_000).is_err(),
            "not while running"
        );
        t.apply(TimerAction::Reset, 2_000).unwrap();
        assert_eq!(t.remaining_ms(2_000), 7 * 60_000, "reset goes back to the typed length");
        for bad in [0, -5, 121] {
            let before = t;
            assert!(t.apply(TimerAction::StartFor { minutes: bad }, 0).is_err(), "{bad}");
            assert_eq!(t, before, "a refused length changes nothing");
        }
        assert_eq!(parse_minutes(" 45 ").unwrap(), 45);
        for bad in ["", "0", "121", "2.5", "ten"] {
            assert_eq!(parse_minutes(bad).unwrap_err().field, "minutes", "{bad:?}");
        }
    }

    #[test]
    fn countdowns_round_up_to_the_second() {
        assert_eq!(format_remaining(15 * 60_000), "15:00");
        assert_eq!(format_remaining(1), "00:01");
        assert_eq!(format_remaining(0), "00:00");
        assert_eq!(format_remaining(3_600_000 + 61_000), "1:01:01");
    }
}
