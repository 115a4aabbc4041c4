//! Merging a duplicate participant into the one who stays (someone who joined
//! twice). What the duplicate did moves to the kept participant, and where both
//! did the same thing the kept one's stands: a merge never counts one person
//! twice.
//!
//! - votes: per question, the kept participant's vote stays; the duplicate's
//!   moves only where the kept one has none;
//! - ratings: the same, per statement;
//! - notes: the duplicate's notes become the kept one's (they may delete them);
//! - dots: the duplicate's move within the kept one's budget and cap per note;
//!   the rest are dropped;
//! - focus proposals: the kept one's, then the duplicate's, up to the limit;
//! - actions the duplicate took on (owner = their name) name the kept one;
//! - the survey (in the store): one "answered" mark; the answers themselves are
//!   anonymous and stay as they are.
//!
//! The duplicate is then removed, as [`super::Command::RemoveParticipant`]
//! removes someone.

use super::capabilities::{StatementRef, MAX_FOCUS};
use super::command::LiveError;
use super::state::LiveState;
use crate::dora::current::Metric;
use crate::dora::prioritise::Rating;
use crate::error::FieldError;

/// What moved to the kept participant, so the store writes exactly that.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    pub votes: Vec<(Metric, String)>,
    pub ratings: Vec<(StatementRef, Rating)>,
}

fn refused(message: impl Into<String>) -> LiveError {
    LiveError::Refused(FieldError::new("participant", message))
}

/// Merges `from` into `into`. On error nothing changed.
pub fn merge(state: &mut LiveState, from: &str, into: &str) -> Result<Moved, LiveError> {
    if from == into {
        return Err(refused("choose two different people to merge"));
    }
    let active = |id: &str| state.participant(id).filter(|p| !p.removed);
    let (Some(dup), Some(kept)) = (active(from), active(into)) else {
        return Err(refused("no such participant"));
    };
    if dup.facilitator {
        return Err(refused("a facilitator cannot be merged into someone else"));
    }
    let (dup_name, kept_name) = (dup.name.clone(), kept.name.clone());
    let mut moved = Moved::default();

    for (i, votes) in state.votes.iter_mut().enumerate() {
        if let Some(answer) = votes.remove(from) {
            if !votes.contains_key(into) {
                votes.insert(into.to_string(), answer.clone());
                moved.votes.push((Metric::ALL[i], answer));
            }
        }
    }
    if let Some(theirs) = state.ratings.remove(from) {
        let mine = state.ratings.entry(into.to_string()).or_default();
        for (statement, rating) in theirs {
            if let std::collections::btree_map::Entry::Vacant(slot) = mine.entry(statement) {
                slot.insert(rating);
                moved.ratings.push((statement, rating));
            }
        }
        if mine.is_empty() {
            state.ratings.remove(into);
        }
    }

    let board = &mut state.doc.board;
    for author in board.authors.values_mut() {
        if author == from {
            *author = into.to_string();
        }
    }
    let dots = &mut board.dots;
    if let Some(theirs) = dots.dots.remove(from) {
        let (budget, cap) = (u32::from(dots.budget), dots.per_note);
        let mine = dots.dots.entry(into.to_string()).or_default();
        let mut used: u32 = mine.values().map(|n| u32::from(*n)).sum();
        for (note, n) in theirs {
            let on_note = mine.entry(note).or_default();
            let room = cap
                .saturating_sub(*on_note)
                .min(u8::try_from(budget.saturating_sub(used)).unwrap_or(u8::MAX));
            let take = n.min(room);
            *on_note += take;
            used += u32::from(take);
        }
        mine.retain(|_, n| *n > 0);
        if mine.is_empty() {
            dots.dots.remove(into);
        }
    }
    for action in &mut board.actions {
        if action.owner == dup_name {
            action.owner = kept_name.clone();
        }
    }

    let proposals = &mut state.doc.capabilities.proposals;
    let kept_count = proposals.values().filter(|who| who.iter().any(|p| p == into)).count();
    let mut room = MAX_FOCUS.saturating_sub(kept_count);
    for who in proposals.values_mut() {
        if let Some(at) = who.iter().position(|p| p == from) {
            who.remove(at);
            if room > 0 && !who.iter().any(|p| p == into) {
                who.push(into.to_string());
                room -= 1;
            }
        }
    }
    proposals.retain(|_, who| !who.is_empty());

    if let Some(p) = state.participants.iter_mut().find(|p| p.id == from) {
        p.removed = true;
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::board::BoardCommand;
    use crate::dora::capabilities::CapabilityKey;
    use crate::live::command::tests::{room, who};
    use crate::live::{apply, Change, Command, LiveError, View};

    const Q: Metric = Metric::LeadTime;

    fn vote(s: &mut LiveState, by: &str, answer: &str) {
        let cmd = Command::Vote {
            question: Q,
            answer: answer.into(),
        };
        apply(s, &who(by), cmd, 0).unwrap();
    }

    fn merge_cmd(from: &str, into: &str) -> Command {
        Command::MergeParticipant {
            from: from.into(),
            into: into.into(),
        }
    }

    #[test]
    fn merging_keeps_one_vote_per_person_and_shrinks_the_room() {
        let mut s = room(&["Ana", "Ana2", "Bo"]);
        vote(&mut s, "ana", "less_than_one_day");
        vote(&mut s, "ana2", "less_than_one_hour");
        assert_eq!(s.expected_voters(Q), 3);
        let change = apply(&mut s, &who("fac"), merge_cmd("ana2", "ana"), 0).unwrap();
        assert!(matches!(&change, Change::Merged { moved, .. } if moved.votes.is_empty()));
        assert_eq!(s.vote_count(Q), 1, "the kept vote stands; the duplicate's is not added");
        assert_eq!(s.votes_on(Q)["ana"], "less_than_one_day");
        assert_eq!(s.expected_voters(Q), 2, "M shrinks");
        assert!(s.participant("ana2").unwrap().removed);
        let view = View::for_participant(&s, "bo", &HashSet::new(), 0, None);
        assert_eq!(view.people.iter().filter(|p| p.name.starts_with("Ana")).count(), 1);
    }

    #[test]
    fn a_merge_moves_what_only_the_duplicate_did() {
        let mut s = room(&["Ana", "Ana2"]);
        vote(&mut s, "ana2", "less_than_one_hour");
        let dk = (CapabilityKey::Westrum, 0);
        let other = (CapabilityKey::Westrum, 1);
        s.ratings
            .entry("ana".into())
            .or_default()
            .insert(dk, Rating::Agreement(4));
        let theirs = s.ratings.entry("ana2".into()).or_default();
        theirs.insert(dk, Rating::Agreement(0));
        theirs.insert(other, Rating::DontKnow);
        let template = Command::Board {
            op: BoardCommand::UseTemplate,
        };
        apply(&mut s, &who("fac"), template, 0).unwrap();
        let step = s.doc.board.steps[0].id.clone();
        let note = BoardCommand::AddNote {
            id: "n1".into(),
            step,
            kind: "improvement".into(),
            text: "Cache the build".into(),
        };
        apply(&mut s, &who("ana2"), Command::Board { op: note }, 0).unwrap();
        let open = BoardCommand::OpenDots {
            budget: 3,
            per_note: 2,
            show_live: false,
        };
        apply(&mut s, &who("fac"), Command::Board { op: open }, 0).unwrap();
        let dot = || Command::Board {
            op: BoardCommand::Dot {
                note: "n1".into(),
                add: true,
            },
        };
        for by in ["ana", "ana2", "ana2"] {
            apply(&mut s, &who(by), dot(), 0).unwrap();
        }
        let Change::Merged { moved, .. } = apply(&mut s, &who("fac"), merge_cmd("ana2", "ana"), 0).unwrap() else {
            panic!("a merge");
        };
        assert_eq!(moved.votes, [(Q, "less_than_one_hour".to_string())]);
        assert_eq!(s.votes_on(Q)["ana"], "less_than_one_hour");
        assert_eq!(moved.ratings, [(other, Rating::DontKnow)], "Ana's own rating stands");
        assert_eq!(s.ratings["ana"][&dk], Rating::Agreement(4));
        assert!(!s.ratings.contains_key("ana2"));
        assert_eq!(s.doc.board.author_of("n1"), Some("ana"), "Ana may delete the note now");
        assert_eq!(s.doc.board.dots.used_by("ana"), 2, "capped at two a note, never three");
        assert_eq!(s.doc.board.dots.total_on("n1"), 2);
    }

    #[test]
    fn only_the_facilitator_merges_and_never_a_facilitator_or_oneself() {
        let mut s = room(&["Ana", "Ana2"]);
        let before = s.clone();
        assert_eq!(
            apply(&mut s, &who("ana"), merge_cmd("ana2", "ana"), 0),
            Err(LiveError::Forbidden)
        );
        for (from, into) in [("ana", "ana"), ("fac", "ana"), ("ghost", "ana"), ("ana", "ghost")] {
            let err = apply(&mut s, &who("fac"), merge_cmd(from, into), 0).unwrap_err();
            assert!(
                matches!(err, LiveError::Refused(ref e) if e.field == "participant"),
                "{from}->{into}: {err:?}"
            );
        }
        assert_eq!(s, before, "a refused merge changes nothing");
        apply(&mut s, &who("fac"), merge_cmd("ana2", "ana"), 0).unwrap();
        assert!(
            apply(&mut s, &who("fac"), merge_cmd("ana2", "ana"), 0).is_err(),
            "a merged participant is gone"
        );
    }
}
