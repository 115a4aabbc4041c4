//! The whole live state of one checkpoint, as the server holds it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::capabilities::{self, CapabilitiesDoc, Ratings};
use super::checkpoint::{CheckpointInfo, WelcomeText};
use super::stage::{question_index, Stage};
use super::timer::{Timer, QUESTION_MINUTES};
use crate::dora::capabilities::CapabilityKey;
use crate::dora::current::AnyEdition;
use crate::dora::{assess, Answer, AssessmentInput, Question};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Votes are secret and may change.
    #[default]
    Voting,
    /// Everyone sees who chose what.
    Revealed,
    /// The group's answer is fixed.
    Locked,
}

/// The part of the state stored as one document with the checkpoint; votes
/// and participants live in their own rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveDoc {
    pub stage: Stage,
    pub questions: [QuestionDoc; 4],
    /// Reveal by itself once everyone expected has voted.
    pub auto_reveal: bool,
    pub welcome: WelcomeText,
    /// Absent in documents written before the stage existed.
    #[serde(default)]
    pub capabilities: CapabilitiesDoc,
    /// The path-to-production board (absent in older documents).
    #[serde(default)]
    pub board: crate::board::Board,
    /// Set once the facilitator reaches the survey stage; the survey then
    /// stays open until the checkpoint ends.
    #[serde(default)]
    pub survey_opened: bool,
    /// The commands each browser tab had applied, to recognise a resend
    /// (absent in older documents). Written with the change it records.
    #[serde(default, skip_serializing_if = "super::sessions::Sessions::is_empty")]
    pub sessions: super::sessions::Sessions,
}

impl Default for LiveDoc {
    fn default() -> Self {
        LiveDoc {
            stage: Stage::Welcome,
            questions: Default::default(),
            auto_reveal: false,
            welcome: WelcomeText::default(),
            capabilities: CapabilitiesDoc::default(),
            board: Default::default(),
            survey_opened: false,
            sessions: Default::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionDoc {
    pub phase: Phase,
    /// The group's answer id, once locked.
    pub locked: Option<String>,
    pub timer: Timer,
}

impl Default for QuestionDoc {
    fn default() -> Self {
        QuestionDoc {
            phase: Phase::Voting,
            locked: None,
            timer: Timer::of_minutes(QUESTION_MINUTES),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: String,
    pub name: String,
    /// Runs the session (the facilitator or a co-facilitator).
    pub facilitator: bool,
    pub removed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveState {
    pub info: CheckpointInfo,
    /// Bumped by every committed change.
    pub revision: i64,
    pub doc: LiveDoc,
    pub participants: Vec<Participant>,
    /// Per question (in [`Question::ALL`] order): participant id → answer id.
    pub votes: [BTreeMap<String, String>; 4],
    /// Capability statement ratings: participant id → statement → rating.
    pub ratings: Ratings,
}

impl LiveState {
    pub fn question(&self, q: Question) -> &QuestionDoc {
        &self.doc.questions[question_index(q)]
    }

    pub fn votes_on(&self, q: Question) -> &BTreeMap<String, String> {
        &self.votes[question_index(q)]
    }

    pub fn participant(&self, id: &str) -> Option<&Participant> {
        self.participants.iter().find(|p| p.id == id)
    }

    /// Present, not removed.
    pub fn active(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| !p.removed)
    }

    /// Who is expected to vote on `q`: every active participant, except
    /// facilitators who have not voted (a facilitator's vote is optional).
    pub fn expected_voters(&self, q: Question) -> usize {
        let votes = self.votes_on(q);
        self.active()
            .filter(|p| !p.facilitator || votes.contains_key(&p.id))
            .count()
    }

    /// Votes cast on `q` by active participants.
    pub fn vote_count(&self, q: Question) -> usize {
        let votes = self.votes_on(q);
        self.active().filter(|p| votes.contains_key(&p.id)).count()
    }

    /// The four locked answers as an assessment input, once all are locked.
    pub fn locked_input(&self) -> Option<AssessmentInput> {
        let locked = std::array::from_fn(|i| self.question(Question::ALL[i]).locked.as_deref());
        locked_input(locked, self.info.benchmark)
    }

    /// The three capabilities recommended for the locked answers' level.
    pub fn recommended(&self) -> Option<[CapabilityKey; 3]> {
        self.locked_input()
            .map(|input| *CapabilityKey::recommended_for(assess(&input).level))
    }

    /// Who is expected to rate: as for votes, facilitators only once they have rated.
    pub fn expected_raters(&self) -> usize {
        self.active()
            .filter(|p| !p.facilitator || self.ratings.contains_key(&p.id))
            .count()
    }

    /// Active participants who have rated every statement of the three.
    pub fn done_raters(&self) -> Vec<String> {
        let Some(rec) = self.recommended() else {
            return Vec::new();
        };
        self.active()
            .filter(|p| self.ratings.get(&p.id).is_some_and(|m| capabilities::is_done(m, &rec)))
            .map(|p| p.id.clone())
            .collect()
    }

    /// Answer id → how many chose it, best answer first, for the distribution.
    pub fn distribution(&self, q: Question) -> Vec<(Answer, usize)> {
        let votes = self.votes_on(q);
        q.answers_best_first()
            .map(|a| {
                (
                    a,
                    self.active()
                        .filter(|p| votes.get(&p.id).map(String::as_str) == Some(a.id()))
                        .count(),
                )
            })
            .collect()
    }
}

/// The locked answer ids, in [`Question::ALL`] order, as an assessment input
/// once all four are locked: the one reading of the locked answers, for the
/// room, the view, the summary and the history alike.
pub fn locked_input(locked: [Option<&str>; 4], edition: AnyEdition) -> Option<AssessmentInput> {
    // A level and percentile exist only in the legacy editions.
    let benchmark = edition.legacy()?;
    let [lead_time, deploy_frequency, time_to_restore, change_failure_rate] = std::array::from_fn(|i| {
        let q = Question::ALL[i];
        locked[i].and_then(|id| q.answer(id))
    });
    Some(AssessmentInput {
        lead_time: lead_time?,
        deploy_frequency: deploy_frequency?,
        time_to_restore: time_to_restore?,
        change_failure_rate: change_failure_rate?,
        benchmark,
    })
}

/// The answer most chosen among `choices` (answer ids), the better one on a
/// tie: the lock's suggestion.
pub fn most_chosen<'a>(q: Question, choices: impl Iterator<Item = &'a str> + Clone) -> Option<Answer> {
    q.answers_best_first()
        .map(|a| (a, choices.clone().filter(|c| *c == a.id()).count()))
        .filter(|(_, n)| *n > 0)
        // A higher code is a better answer.
        .max_by_key(|(a, n)| (*n, a.code()))
        .map(|(a, _)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_chosen_answer_is_suggested_and_a_tie_goes_to_the_better_one() {
        let q = Question::LeadTime;
        let [best, second, ..] = q.answers_best_first().collect::<Vec<_>>()[..] else {
            unreachable!("six answers")
        };
        let picks = [second.id(), best.id(), second.id()];
        assert_eq!(most_chosen(q, picks.iter().copied()), Some(second));
        let tie = [second.id(), best.id()];
        assert_eq!(most_chosen(q, tie.iter().copied()), Some(best));
        assert_eq!(most_chosen(q, [].iter().copied()), None);
    }

    #[test]
    fn the_locked_answers_assess_only_once_all_four_are_locked() {
        let ids: Vec<&str> = Question::ALL
            .iter()
            .map(|q| q.answers_best_first().next().unwrap().id())
            .collect();
        let all = [Some(ids[0]), Some(ids[1]), Some(ids[2]), Some(ids[3])];
        let input = locked_input(all, AnyEdition::Y2019).expect("all four locked");
        assert_eq!(input.lead_time.id(), ids[0]);
        assert_eq!(input.change_failure_rate.id(), ids[3]);
        assert!(locked_input([Some(ids[0]), Some(ids[1]), None, Some(ids[3])], AnyEdition::Y2019).is_none());
        assert!(locked_input(
            [Some("no_such_answer"), Some(ids[1]), Some(ids[2]), Some(ids[3])],
            AnyEdition::Y2019
        )
        .is_none());
    }
}
