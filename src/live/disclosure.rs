//! The one rule for what of a checkpoint may reach a reader. Every door (the
//! socket's frames, the server functions, the pages, the exports, the API)
//! builds what it shows through [`Disclosure`], so a secret stays secret
//! whichever way someone asks.
//!
//! Until the facilitator reveals it, a question carries no choice and no count,
//! the capability ratings carry nothing but each rater's own, and the dots
//! carry neither totals nor order. The survey shows nothing of its answers
//! until enough people have answered that no single answer can be told apart.
//! In an anonymous checkpoint a revealed question carries its counts, never
//! who chose what, for everyone (the facilitator and the projector too).

use super::capabilities::RatingPhase;
use super::stage::metric_index;
use super::state::{LiveDoc, LiveState, Phase};
use crate::dora::current::Metric;

/// Fewer answers than this and the survey shows only how many there are:
/// with one or two, each answer would name its author to the others.
pub const MIN_SURVEY_RESPONSES: usize = 3;

/// What the room's phases allow anyone but the author to see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Disclosure {
    /// Per metric, in [`Metric::ALL`] order: choices and counts visible.
    questions: [bool; 5],
    ratings: bool,
    dots: bool,
    anonymous: bool,
}

impl Disclosure {
    pub fn of(state: &LiveState) -> Disclosure {
        Disclosure::of_doc(&state.doc)
    }

    /// The same rule from the stored document alone (the phases are all in it).
    pub fn of_doc(doc: &LiveDoc) -> Disclosure {
        Disclosure {
            questions: std::array::from_fn(|i| doc.questions[i].phase != Phase::Voting),
            ratings: doc.capabilities.phase == RatingPhase::Revealed,
            dots: doc.board.dots.counts_visible(),
            anonymous: doc.anonymous,
        }
    }

    /// Who chose what, and how many chose each answer.
    pub fn choices(&self, q: Metric) -> bool {
        self.questions[metric_index(q)]
    }

    /// Who chose which answer, beside the counts: never in an anonymous checkpoint.
    pub fn names(&self, q: Metric) -> bool {
        self.choices(q) && !self.anonymous
    }

    /// Everyone's ratings in aggregate (scores, spread, key focus).
    pub fn ratings(&self) -> bool {
        self.ratings
    }

    /// Dot totals, and the improvements ranked by them.
    pub fn dots(&self) -> bool {
        self.dots
    }

    /// The survey's answers (scores and comments), given how many answered.
    pub fn survey(responses: usize) -> bool {
        responses >= MIN_SURVEY_RESPONSES
    }
}
