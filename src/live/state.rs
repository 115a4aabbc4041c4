//! The whole live state of one checkpoint, as the server holds it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::answer::AnswerKind;
use super::capabilities::{self, CapabilitiesDoc, Ratings};
use super::checkpoint::{CheckpointInfo, WelcomeText};
use super::stage::{metric_index, Stage};
use super::timer::{Timer, QUESTION_MINUTES};
use crate::dora::capabilities::CapabilityKey;
use crate::dora::current::{AnyEdition, CurrentAnswers, Metric, Percent};
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
    /// Per metric, in [`Metric::ALL`] order; an edition that does not ask
    /// one leaves its slot untouched. Older documents hold four.
    #[serde(deserialize_with = "five_questions")]
    pub questions: [QuestionDoc; 5],
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
    /// Reveals show how many chose each answer, never who (see
    /// [`super::Disclosure::names`]). Set at creation; changeable until the
    /// first reveal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anonymous: bool,
    /// Set by the first reveal: from then on `anonymous` is fixed, so votes
    /// cast under a promise of anonymity are never shown with names.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revealed_once: bool,
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
            anonymous: false,
            revealed_once: false,
        }
    }
}

/// Reads the four question documents written before rework existed as five.
fn five_questions<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[QuestionDoc; 5], D::Error> {
    let mut docs: Vec<QuestionDoc> = Vec::deserialize(d)?;
    if docs.len() > 5 {
        return Err(serde::de::Error::custom("more than five questions"));
    }
    docs.resize_with(5, QuestionDoc::default);
    Ok(docs.try_into().unwrap_or_else(|_| unreachable!("resized to five")))
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
    /// Per metric (in [`Metric::ALL`] order): participant id → answer id, or
    /// a percent's digits.
    pub votes: [BTreeMap<String, String>; 5],
    /// Capability statement ratings: participant id → statement → rating.
    pub ratings: Ratings,
    /// The squad's previous scores of the three (current editions), read
    /// with the room; not part of this checkpoint's secrets.
    #[serde(default)]
    pub previous: Option<capabilities::PreviousScores>,
    /// How many answered the survey: a count, never who (read with the room).
    #[serde(default)]
    pub survey_responses: usize,
    /// Board note changes stored as logs since the document was last written
    /// (`store::board_log`): when it reaches a bound, the next one writes the
    /// document. Bookkeeping of the store, never sent.
    #[serde(skip)]
    pub logged_notes: usize,
}

impl LiveState {
    pub fn question(&self, m: Metric) -> &QuestionDoc {
        &self.doc.questions[metric_index(m)]
    }

    pub fn votes_on(&self, m: Metric) -> &BTreeMap<String, String> {
        &self.votes[metric_index(m)]
    }

    /// The metrics this checkpoint's edition asks, in order.
    pub fn metrics(&self) -> impl Iterator<Item = Metric> + '_ {
        Metric::ALL
            .into_iter()
            .filter(|m| super::stage::asks(self.info.benchmark, *m))
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
    pub fn expected_voters(&self, q: Metric) -> usize {
        let votes = self.votes_on(q);
        self.active()
            .filter(|p| !p.facilitator || votes.contains_key(&p.id))
            .count()
    }

    /// Votes cast on `q` by active participants.
    pub fn vote_count(&self, q: Metric) -> usize {
        let votes = self.votes_on(q);
        self.active().filter(|p| votes.contains_key(&p.id)).count()
    }

    /// The four locked answers as an assessment input, once all are locked
    /// (legacy editions only).
    pub fn locked_input(&self) -> Option<AssessmentInput> {
        locked_input(self.locked_ids(), self.info.benchmark)
    }

    /// The locked answers of a current edition, once all it asks are locked.
    pub fn locked_current(&self) -> Option<CurrentAnswers> {
        locked_current(self.locked_ids_all(), self.info.benchmark)
    }

    fn locked_ids(&self) -> [Option<&str>; 4] {
        std::array::from_fn(|i| self.doc.questions[i].locked.as_deref())
    }

    fn locked_ids_all(&self) -> [Option<&str>; 5] {
        std::array::from_fn(|i| self.doc.questions[i].locked.as_deref())
    }

    /// Whether every question of the edition is locked.
    pub fn all_locked(&self) -> bool {
        self.locked_input().is_some() || self.locked_current().is_some()
    }

    /// The three capabilities to rate, once every answer is locked: those of
    /// the locked answers' level in a legacy edition, the current editions' three
    /// (7.4) in theirs.
    pub fn recommended(&self) -> Option<[CapabilityKey; 3]> {
        match self.info.benchmark.current() {
            Some(_) => self
                .locked_current()
                .map(|_| crate::dora::current::capabilities::RECOMMENDED),
            None => self
                .locked_input()
                .map(|input| *CapabilityKey::recommended_for(assess(&input).level)),
        }
    }

    /// The revealed capability results of everyone present, once the three
    /// are known (the view and the summary read the same).
    pub fn capability_results(&self) -> Option<capabilities::Results> {
        let rec = self.recommended()?;
        let raters: Vec<&str> = self.active().map(|p| p.id.as_str()).collect();
        Some(capabilities::results(self.info.benchmark, &self.ratings, &raters, &rec))
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
            .filter(|p| {
                self.ratings
                    .get(&p.id)
                    .is_some_and(|m| capabilities::is_done(self.info.benchmark, m, &rec))
            })
            .map(|p| p.id.clone())
            .collect()
    }

    /// Answer id → how many chose it, best answer first, for the distribution
    /// of a question answered by choice.
    pub fn distribution(&self, q: Question) -> Vec<(Answer, usize)> {
        let votes = &self.votes[metric_index(Metric::of_question(q))];
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

/// The locked ids in [`Metric::ALL`] order as a current edition's answers,
/// once every metric the edition asks is locked; `None` in a legacy edition.
pub fn locked_current(locked: [Option<&str>; 5], edition: AnyEdition) -> Option<CurrentAnswers> {
    let e = edition.current()?;
    let kind = |m: Metric| AnswerKind::of(edition, m);
    let choice = |m: Metric| match kind(m)? {
        AnswerKind::Choice { question } => question.answer(locked[metric_index(m)]?),
        AnswerKind::Percent => None,
    };
    let percent = |m: Metric| -> Option<Percent> { Percent::new(locked[metric_index(m)]?.parse().ok()?) };
    let rework = match e.asks(Metric::ReworkRate) {
        true => Some(percent(Metric::ReworkRate)?),
        false => None,
    };
    CurrentAnswers::new(
        e,
        [
            choice(Metric::LeadTime)?,
            choice(Metric::DeployFrequency)?,
            choice(Metric::TimeToRestore)?,
        ],
        percent(Metric::ChangeFailureRate)?,
        rework,
    )
    .ok()
}

/// The answers chosen most often among `choices` (answer ids), best first:
/// more than one on a tie.
pub fn most_chosen_all<'a>(q: Question, choices: impl Iterator<Item = &'a str> + Clone) -> Vec<Answer> {
    let counts: Vec<(Answer, usize)> = q
        .answers_best_first()
        .map(|a| (a, choices.clone().filter(|c| *c == a.id()).count()))
        .collect();
    let top = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0 && *n == top)
        .map(|(a, _)| a)
        .collect()
}

/// The lock's suggestion: the answer most chosen among `choices`; on a tie
/// the more conservative (worse) of the tied answers, never the most
/// flattering one.
pub fn most_chosen<'a>(q: Question, choices: impl Iterator<Item = &'a str> + Clone) -> Option<Answer> {
    most_chosen_all(q, choices).pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_chosen_answer_is_suggested_and_a_tie_goes_to_the_more_conservative_one() {
        let q = Question::LeadTime;
        let [best, second, ..] = q.answers_best_first().collect::<Vec<_>>()[..] else {
            unreachable!("six answers")
        };
        let picks = [second.id(), best.id(), second.id()];
        assert_eq!(most_chosen(q, picks.iter().copied()), Some(second));
        let tie = [second.id(), best.id()];
        assert_eq!(most_chosen(q, tie.iter().copied()), Some(second));
        // A 1-1-1 split: the worst of the three, and all three are the tie.
        let worst = q.answers_best_first().last().unwrap();
        let split = [best.id(), worst.id(), second.id()];
        assert_eq!(most_chosen(q, split.iter().copied()), Some(worst));
        assert_eq!(most_chosen_all(q, split.iter().copied()), [best, second, worst]);
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
