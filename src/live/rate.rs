//! How fast one connection may send: a token bucket. A person clicking,
//! typing and dragging sends a few commands a second at most; a client that
//! resends what it had pending after a reconnect sends a short burst. More
//! than that is a runaway client or someone growing the board by script.

/// Commands a connection may send at once after a quiet spell.
pub const BURST: u64 = 20;
/// Commands a second a connection may keep up.
pub const PER_SECOND: u64 = 10;

/// One connection's bucket. Time is milliseconds on a clock that does not
/// go back (the server's monotonic clock since the connection opened).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandRate {
    /// Thousandths of a command, so refilling needs no fractions.
    milli: u64,
    at_ms: u64,
}

impl CommandRate {
    /// A full bucket.
    pub fn new(now_ms: u64) -> CommandRate {
        CommandRate {
            milli: BURST * 1000,
            at_ms: now_ms,
        }
    }

    /// Takes one command's place at `now_ms`, or says how many milliseconds
    /// until there is one (then nothing is taken).
    pub fn take(&mut self, now_ms: u64) -> Result<(), u64> {
        let elapsed = now_ms.saturating_sub(self.at_ms);
        self.at_ms = self.at_ms.max(now_ms);
        // PER_SECOND commands a second is PER_SECOND thousandths a millisecond.
        self.milli = self
            .milli
            .saturating_add(elapsed.saturating_mul(PER_SECOND))
            .min(BURST * 1000);
        if self.milli >= 1000 {
            self.milli -= 1000;
            Ok(())
        } else {
            Err((1000 - self.milli).div_ceil(PER_SECOND))
        }
    }

    /// What a refused command is told.
    pub fn refusal(wait_ms: u64) -> String {
        format!("too many changes at once (at most {PER_SECOND} a second after a burst of {BURST}); nothing changed, try again in {:.1} s", wait_ms as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_sustained_rate() {
        let mut rate = CommandRate::new(0);
        for i in 0..BURST {
            assert_eq!(rate.take(0), Ok(()), "command {i} of the burst");
        }
        assert_eq!(
            rate.take(0),
            Err(1000 / PER_SECOND),
            "the next one waits a tenth of a second"
        );
        assert_eq!(rate.take(99), Err(1), "still nothing a millisecond early");
        assert_eq!(rate.take(100), Ok(()));
        // Over ten seconds at twice the rate, half get through.
        let passed = (0..200u64).filter(|i| rate.take(100 + (i + 1) * 50).is_ok()).count();
        assert_eq!(passed, 100);
    }

    #[test]
    fn a_quiet_spell_refills_the_burst_but_no_more() {
        let mut rate = CommandRate::new(0);
        for _ in 0..BURST {
            rate.take(0).unwrap();
        }
        assert!(rate.take(0).is_err());
        let later = 60_000;
        let passed = (0..BURST * 2).filter(|_| rate.take(later).is_ok()).count() as u64;
        assert_eq!(
            passed, BURST,
            "a minute's rest gives one burst back, not six hundred commands"
        );
    }

    #[test]
    fn a_refused_command_takes_nothing_and_a_clock_going_back_gives_nothing() {
        let mut rate = CommandRate::new(1_000);
        for _ in 0..BURST {
            rate.take(1_000).unwrap();
        }
        for _ in 0..50 {
            assert!(rate.take(1_000).is_err());
        }
        assert!(rate.take(500).is_err(), "an earlier instant refills nothing");
        assert_eq!(rate.take(1_100), Ok(()), "refusals did not dig a hole");
    }
}
