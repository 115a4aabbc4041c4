//! Which commands each browser tab has already had applied, so that a command
//! resent after a lost acknowledgement is recognised and not applied twice.
//!
//! A tab (a page load) makes a random session id and numbers its commands
//! 1, 2, 3… (`req`); it resends every unacknowledged one, in order, after a
//! reconnect. The room remembers, per participant and session, the reqs it
//! applied: kept in the live document, so the record is committed with the
//! change itself and a restart cannot lead to a duplicate either.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Sessions remembered per checkpoint; the least recently used goes first.
pub const MAX_SESSIONS: usize = 64;
/// Applied reqs remembered per session; older ones fold into `floor`.
pub const WINDOW: usize = 16;
/// A session id: what the browser makes (22 to 36 characters), with room to spare.
const SESSION_LEN: std::ops::RangeInclusive<usize> = 8..=64;

/// Who sent a command, for recognising a resend: the tab's session and its number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent<'a> {
    pub session: &'a str,
    pub req: u64,
}

impl<'a> Sent<'a> {
    /// `None` for an id no browser of ours makes.
    pub fn new(session: &'a str, req: u64) -> Option<Sent<'a>> {
        let ok = SESSION_LEN.contains(&session.len())
            && session
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then_some(Sent { session, req })
    }

    /// As [`Sent::new`], refusing a malformed id by name.
    pub fn parse(session: &'a str, req: u64) -> Result<Sent<'a>, super::LiveError> {
        Sent::new(session, req).ok_or_else(|| {
            super::LiveError::Refused(FieldError::new(
                "session",
                "a session id has 8 to 64 letters, digits, '-' or '_'",
            ))
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sessions(Vec<SessionLog>);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SessionLog {
    #[serde(rename = "p")]
    participant: String,
    #[serde(rename = "s")]
    session: String,
    /// Every req up to this one counts as applied (they left the window).
    #[serde(rename = "f", default)]
    floor: u64,
    /// Applied reqs above the floor, ascending.
    #[serde(rename = "r", default)]
    recent: Vec<u64>,
    /// When it was last used (ms), to drop the stalest first.
    #[serde(rename = "at", default)]
    at: i64,
}

impl Sessions {
    /// True when `participant`'s `sent` was already applied. A refused
    /// command is not recorded: it changed nothing, and a resend is judged again.
    pub fn seen(&self, participant: &str, sent: &Sent) -> bool {
        self.0
            .iter()
            .find(|l| l.participant == participant && l.session == sent.session)
            .is_some_and(|l| sent.req <= l.floor || l.recent.contains(&sent.req))
    }

    /// Records that `sent` was applied at `now_ms`.
    pub fn record(&mut self, participant: &str, sent: &Sent, now_ms: i64) {
        let at = match self
            .0
            .iter()
            .position(|l| l.participant == participant && l.session == sent.session)
        {
            Some(i) => i,
            None => {
                if self.0.len() >= MAX_SESSIONS {
                    if let Some(stalest) = self.0.iter().enumerate().min_by_key(|(_, l)| l.at).map(|(i, _)| i) {
                        self.0.remove(stalest);
                    }
                }
                self.0.push(SessionLog {
                    participant: participant.to_string(),
                    session: sent.session.to_string(),
                    floor: 0,
                    recent: Vec::new(),
                    at: now_ms,
                });
                self.0.len() - 1
            }
        };
        let log = &mut self.0[at];
        log.at = now_ms;
        if sent.req <= log.floor || log.recent.contains(&sent.req) {
            return;
        }
        let i = log.recent.partition_point(|r| *r < sent.req);
        log.recent.insert(i, sent.req);
        while log.recent.len() > WINDOW {
            log.floor = log.recent.remove(0);
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(session: &str, req: u64) -> Sent<'_> {
        Sent::new(session, req).unwrap()
    }

    #[test]
    fn an_applied_req_is_seen_for_its_own_participant_and_session_only() {
        let mut s = Sessions::default();
        s.record("ana", &sent("tab-aaaaaaaa", 1), 0);
        assert!(s.seen("ana", &sent("tab-aaaaaaaa", 1)));
        assert!(!s.seen("ana", &sent("tab-aaaaaaaa", 2)));
        assert!(
            !s.seen("ana", &sent("tab-bbbbbbbb", 1)),
            "another tab numbers its own commands"
        );
        assert!(
            !s.seen("bo", &sent("tab-aaaaaaaa", 1)),
            "nobody can mark another participant's commands"
        );
    }

    #[test]
    fn old_reqs_fold_into_the_floor_and_stay_seen() {
        let mut s = Sessions::default();
        for req in 1..=40 {
            s.record("ana", &sent("tab-aaaaaaaa", req), req as i64);
        }
        assert!((1..=40).all(|r| s.seen("ana", &sent("tab-aaaaaaaa", r))));
        assert!(!s.seen("ana", &sent("tab-aaaaaaaa", 41)));
        assert_eq!(s.0[0].recent.len(), WINDOW);
    }

    #[test]
    fn a_gap_left_by_a_refused_req_is_not_seen() {
        let mut s = Sessions::default();
        s.record("ana", &sent("tab-aaaaaaaa", 1), 0);
        s.record("ana", &sent("tab-aaaaaaaa", 3), 0);
        assert!(
            !s.seen("ana", &sent("tab-aaaaaaaa", 2)),
            "req 2 was refused: a resend is judged again"
        );
    }

    #[test]
    fn the_stalest_session_goes_when_there_are_too_many() {
        let mut s = Sessions::default();
        for i in 0..MAX_SESSIONS + 5 {
            s.record("ana", &sent(&format!("tab-{i:08}"), 1), i as i64);
        }
        assert_eq!(s.len(), MAX_SESSIONS);
        assert!(!s.seen("ana", &sent("tab-00000000", 1)));
        assert!(s.seen("ana", &sent(&format!("tab-{:08}", MAX_SESSIONS + 4), 1)));
    }

    #[test]
    fn session_ids_are_short_plain_tokens() {
        assert!(Sent::new("short", 1).is_none());
        assert!(Sent::new(&"x".repeat(65), 1).is_none());
        assert!(Sent::new("tab with spaces", 1).is_none());
        assert!(Sent::new("Zq3-_abcdefgh", 1).is_some());
    }
}
