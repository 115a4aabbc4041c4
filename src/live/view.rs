//! What one person sees of a live checkpoint. Built per recipient on the
//! server: before a reveal it holds nobody's choice but the recipient's own.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::answer::{median, proposal, AnswerKind};
use super::capabilities::{RatingPhase, Results, StatementRef};
use super::checkpoint::{CheckpointInfo, WelcomeText};
use super::disclosure::Disclosure;
use super::stage::Stage;
use super::state::{locked_current, locked_input, LiveState, Phase};
use super::timer::Timer;
use crate::board::{Action, DotsPhase, Note, Step};
use crate::dora::capabilities::CapabilityKey;
use crate::dora::current::{CurrentAnswers, Metric};
use crate::dora::prioritise::Rating;
use crate::dora::{AssessmentInput, Question};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub revision: i64,
    /// The server's clock when this was built, so countdowns agree across laptops.
    pub server_now_ms: i64,
    /// The recipient's participant id.
    pub me: String,
    pub facilitator: bool,
    pub info: CheckpointInfo,
    /// Only facilitators see it (they share it with the squad).
    pub join_code: Option<String>,
    pub stage: Stage,
    pub auto_reveal: bool,
    /// Reveals show counts without names (see [`Disclosure::names`]).
    #[serde(default)]
    pub anonymous: bool,
    /// Whether a question has been revealed: anonymity is fixed from then on.
    #[serde(default)]
    pub revealed_once: bool,
    pub welcome: WelcomeText,
    pub people: Vec<Person>,
    pub questions: Vec<QuestionView>,
    pub capabilities: CapabilitiesView,
    pub board: BoardView,
    /// How many answered the survey so far.
    #[serde(default)]
    pub survey_responses: usize,
}

/// The board as one person sees it: every note, their own dots, and the
/// totals only once the facilitator shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub steps: Vec<Step>,
    pub notes: Vec<Note>,
    pub dots_phase: DotsPhase,
    pub budget: u8,
    pub per_note: u8,
    pub show_live: bool,
    /// Dots the recipient has placed.
    pub used: u32,
    /// The recipient's dots per note.
    pub mine: Vec<(String, u8)>,
    /// Everyone's dots per improvement note, most first; only when visible.
    pub ranked: Option<Vec<(String, u32)>>,
    pub actions: Vec<Action>,
    pub timers: [crate::live::timer::Timer; 3],
    /// The notes the recipient wrote (they may delete those; the facilitator any).
    #[serde(default)]
    pub my_notes: Vec<String>,
}

fn board_view(state: &LiveState, me: &str, shown: Disclosure) -> BoardView {
    let b = &state.doc.board;
    BoardView {
        steps: b.steps.clone(),
        notes: b.notes.clone(),
        dots_phase: b.dots.phase,
        budget: b.dots.budget,
        per_note: b.dots.per_note,
        show_live: b.dots.show_live,
        used: b.dots.used_by(me),
        mine: b
            .dots
            .dots
            .get(me)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default(),
        ranked: shown.dots().then(|| {
            b.ranked_improvements()
                .into_iter()
                .map(|(n, d)| (n.id.clone(), d))
                .collect()
        }),
        actions: b.actions.clone(),
        timers: b.timers,
        my_notes: b
            .authors
            .iter()
            .filter(|(_, who)| *who == me)
            .map(|(id, _)| id.clone())
            .collect(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapabilitiesView {
    /// The three for the locked answers' level; `None` until all four are locked.
    pub recommended: Option<Vec<CapabilityKey>>,
    pub phase: RatingPhase,
    /// Who has rated every statement (never what).
    pub done: Vec<String>,
    pub expected: usize,
    /// The recipient's own ratings.
    pub mine: Vec<(StatementRef, Rating)>,
    /// Scores, spread and key focus: only once revealed.
    pub results: Option<Results>,
    pub focus: Vec<String>,
    pub focus_confirmed: bool,
    pub timer: Timer,
    /// The squad's previous checkpoint's scores of the three (current editions).
    #[serde(default)]
    pub previous: Option<super::capabilities::PreviousScores>,
    /// The squad's focus proposals with who proposed each (names): the
    /// facilitator's view only, who decides; empty for everyone else.
    #[serde(default)]
    pub proposals: Vec<(String, Vec<String>)>,
    /// What the recipient proposed.
    #[serde(default)]
    pub my_proposals: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub facilitator: bool,
    pub online: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    pub question: Metric,
    /// How it is answered in this checkpoint's edition.
    pub kind: AnswerKind,
    pub phase: Phase,
    /// Who has voted (never what).
    pub voters: Vec<String>,
    pub expected: usize,
    /// The recipient's own vote.
    pub mine: Option<String>,
    /// Everyone's choice, participant id → answer id (or a percent's
    /// digits): only once revealed. In an anonymous checkpoint every id is
    /// empty and the list is sorted by answer.
    pub choices: Option<Vec<(String, String)>>,
    pub locked: Option<String>,
    pub timer: Timer,
}

impl QuestionView {
    /// What the lock suggests: the answer most people chose (the better one
    /// on a tie) or the median percent; `None` before the reveal (no choices
    /// are shown) or without votes.
    pub fn proposal(&self) -> Option<String> {
        let choices = self.choices.as_deref().unwrap_or_default();
        proposal(self.kind, choices.iter().map(|(_, a)| a.as_str()))
    }

    /// The answers tied for the most votes, best first, when more than one
    /// is (the facilitator is told, and the lock proposes the last).
    pub fn tie(&self) -> Vec<crate::dora::Answer> {
        let (Some(question), Some(choices)) = (self.choice_question(), self.choices.as_deref()) else {
            return Vec::new();
        };
        let top = super::state::most_chosen_all(question, choices.iter().map(|(_, a)| a.as_str()));
        if top.len() > 1 {
            top
        } else {
            Vec::new()
        }
    }

    /// The median of the revealed percent votes.
    pub fn median(&self) -> Option<f64> {
        let values: Vec<u8> = self
            .choices
            .as_deref()?
            .iter()
            .filter_map(|(_, a)| a.parse().ok())
            .collect();
        median(&values)
    }

    /// The section 1 question when it is answered by choice.
    pub fn choice_question(&self) -> Option<Question> {
        match self.kind {
            AnswerKind::Choice { question } => Some(question),
            AnswerKind::Percent => None,
        }
    }
}

impl View {
    /// The state as `me` may see it; `online` is who has a connection open.
    pub fn for_participant(
        state: &LiveState,
        me: &str,
        online: &HashSet<String>,
        now_ms: i64,
        join_code: Option<&str>,
    ) -> View {
        let facilitator = state.participant(me).is_some_and(|p| p.facilitator);
        let shown = Disclosure::of(state);
        let questions = state
            .metrics()
            .filter_map(|q| Some((q, AnswerKind::of(state.info.benchmark, q)?)))
            .map(|(q, kind)| {
                let doc = state.question(q);
                let votes = state.votes_on(q);
                let active_votes = || {
                    state
                        .active()
                        .filter_map(|p| votes.get(&p.id).map(|a| (p.id.clone(), a.clone())))
                };
                QuestionView {
                    question: q,
                    kind,
                    phase: doc.phase,
                    voters: active_votes().map(|(p, _)| p).collect(),
                    expected: state.expected_voters(q),
                    mine: votes.get(me).cloned(),
                    choices: shown.choices(q).then(|| {
                        if shown.names(q) {
                            active_votes().collect()
                        } else {
                            // Anonymous: no ids, and in an order that names nobody.
                            let mut answers: Vec<(String, String)> =
                                active_votes().map(|(_, a)| (String::new(), a)).collect();
                            answers.sort();
                            answers
                        }
                    }),
                    locked: doc.locked.clone(),
                    timer: doc.timer,
                }
            })
            .collect();
        View {
            revision: state.revision,
            server_now_ms: now_ms,
            me: me.to_string(),
            facilitator,
            info: state.info.clone(),
            join_code: if facilitator {
                join_code.map(str::to_string)
            } else {
                None
            },
            stage: state.doc.stage,
            auto_reveal: state.doc.auto_reveal,
            anonymous: state.doc.anonymous,
            revealed_once: state.doc.revealed_once,
            welcome: state.doc.welcome.clone(),
            capabilities: capabilities_view(state, me, shown),
            board: board_view(state, me, shown),
            people: state
                .active()
                .map(|p| Person {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    facilitator: p.facilitator,
                    online: online.contains(&p.id),
                })
                .collect(),
            questions,
            survey_responses: state.survey_responses,
        }
    }

    pub fn my_rating(&self, s: StatementRef) -> Option<Rating> {
        self.capabilities.mine.iter().find(|(x, _)| *x == s).map(|(_, r)| *r)
    }

    pub fn question(&self, q: Metric) -> Option<&QuestionView> {
        self.questions.iter().find(|v| v.question == q)
    }

    /// The four locked answers as an assessment input, once all are locked
    /// (the same reading as the room's, [`super::state::locked_input`]).
    pub fn locked_input(&self) -> Option<AssessmentInput> {
        let locked = std::array::from_fn(|i| self.question(Metric::ALL[i]).and_then(|q| q.locked.as_deref()));
        locked_input(locked, self.info.benchmark)
    }

    /// The locked answers of a current edition, once all are locked.
    pub fn locked_current(&self) -> Option<CurrentAnswers> {
        let locked = std::array::from_fn(|i| self.question(Metric::ALL[i]).and_then(|q| q.locked.as_deref()));
        locked_current(locked, self.info.benchmark)
    }

    pub fn name_of(&self, id: &str) -> &str {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.as_str())
            .unwrap_or("someone who left")
    }

    /// Applies a vote notice. False when it does not follow this view's
    /// revision: the client then asks for a fresh snapshot.
    pub fn apply_voted(
        &mut self,
        rev: i64,
        question: Metric,
        participant: &str,
        expected: usize,
        mine: Option<String>,
    ) -> bool {
        if rev != self.revision + 1 {
            return false;
        }
        self.revision = rev;
        if let Some(q) = self.questions.iter_mut().find(|v| v.question == question) {
            if !q.voters.iter().any(|p| p == participant) {
                q.voters.push(participant.to_string());
            }
            q.expected = expected;
            if participant == self.me {
                if let Some(answer) = mine {
                    q.mine = Some(answer);
                }
            }
        }
        true
    }

    /// Applies a note notice (see [`super::Frame::Note`]); false, as for votes,
    /// when it does not follow this view's revision.
    pub fn apply_note(&mut self, rev: i64, id: &str, note: Option<Note>, index: usize) -> bool {
        if rev != self.revision + 1 {
            return false;
        }
        self.revision = rev;
        let notes = &mut self.board.notes;
        notes.retain(|n| n.id != id);
        if let Some(note) = note {
            notes.insert(index.min(notes.len()), note);
        }
        true
    }

    pub fn set_online(&mut self, online: &[String]) {
        for p in &mut self.people {
            p.online = online.contains(&p.id);
        }
    }
}

fn capabilities_view(state: &LiveState, me: &str, shown: Disclosure) -> CapabilitiesView {
    let doc = &state.doc.capabilities;
    let recommended = state.recommended();
    let revealed = shown.ratings();
    CapabilitiesView {
        recommended: recommended.map(|r| r.to_vec()),
        phase: doc.phase,
        done: state.done_raters(),
        expected: state.expected_raters(),
        mine: state
            .ratings
            .get(me)
            .map(|m| m.iter().map(|(s, r)| (*s, *r)).collect())
            .unwrap_or_default(),
        results: revealed.then(|| state.capability_results()).flatten(),
        focus: doc.focus.clone(),
        focus_confirmed: doc.focus_confirmed,
        timer: doc.timer,
        previous: state.previous.clone(),
        proposals: if state.participant(me).is_some_and(|p| p.facilitator) {
            doc.proposals
                .iter()
                .map(|(k, who)| {
                    let names = who.iter().filter_map(|id| state.participant(id)).filter(|p| !p.removed);
                    (k.clone(), names.map(|p| p.name.clone()).collect::<Vec<_>>())
                })
                .filter(|(_, names)| !names.is_empty())
                .collect()
        } else {
            Vec::new()
        },
        my_proposals: super::proposals::proposed_by(doc, me),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::current::Metric;
    use crate::live::command::tests::{room, who};
    use crate::live::command::{apply, Command};

    const Q: Metric = Metric::LeadTime;

    #[test]
    fn before_the_reveal_a_view_holds_only_the_recipients_own_choice() {
        let mut s = room(&["Ana", "Bo"]);
        apply(
            &mut s,
            &who("ana"),
            Command::Vote {
                question: Q,
                answer: "less_than_one_hour".into(),
            },
            0,
        )
        .unwrap();
        apply(
            &mut s,
            &who("bo"),
            Command::Vote {
                question: Q,
                answer: "more_than_six_months".into(),
            },
            0,
        )
        .unwrap();
        let bo = View::for_participant(&s, "bo", &HashSet::new(), 0, Some("ABCDEFGH"));
        let json = serde_json::to_string(&bo).unwrap();
        assert!(
            !json.contains("less_than_one_hour"),
            "Ana's choice leaked to Bo: {json}"
        );
        assert_eq!(bo.question(Q).unwrap().mine.as_deref(), Some("more_than_six_months"));
        assert_eq!(bo.question(Q).unwrap().voters.len(), 2);
        assert_eq!(bo.join_code, None, "participants do not get the join code");

        apply(&mut s, &who("fac"), Command::Reveal { question: Q }, 0).unwrap();
        let bo = View::for_participant(&s, "bo", &HashSet::new(), 0, None);
        let choices = bo.question(Q).unwrap().choices.clone().unwrap();
        assert!(choices.contains(&("ana".to_string(), "less_than_one_hour".to_string())));
    }

    #[test]
    fn before_the_reveal_a_view_holds_nobody_elses_ratings() {
        let mut s = room(&["Ana", "Bo"]);
        for q in Question::ALL {
            apply(
                &mut s,
                &who("fac"),
                Command::Reveal {
                    question: Metric::of_question(q),
                },
                0,
            )
            .unwrap();
            apply(
                &mut s,
                &who("fac"),
                Command::Lock {
                    question: Metric::of_question(q),
                    answer: q.answer_ids()[5].to_string(),
                },
                0,
            )
            .unwrap();
        }
        let westrum = CapabilityKey::Westrum;
        apply(
            &mut s,
            &who("ana"),
            Command::Rate {
                capability: westrum,
                statement: 0,
                rating: "dont_know".into(),
            },
            0,
        )
        .unwrap();
        let bo = View::for_participant(&s, "bo", &HashSet::new(), 0, None);
        assert!(bo.capabilities.mine.is_empty() && bo.capabilities.results.is_none());
        assert!(
            !serde_json::to_string(&bo).unwrap().contains("DontKnow"),
            "Ana's rating reached Bo"
        );
        let ana = View::for_participant(&s, "ana", &HashSet::new(), 0, None);
        assert_eq!(ana.my_rating((westrum, 0)), Some(Rating::DontKnow));
        apply(&mut s, &who("fac"), Command::RevealRatings, 0).unwrap();
        let bo = View::for_participant(&s, "bo", &HashSet::new(), 0, None);
        let res = bo.capabilities.results.unwrap();
        assert_eq!(res.spread[0], ((westrum, 0), [0, 0, 0, 0, 0, 1]));
    }

    #[test]
    fn a_vote_notice_applies_only_in_revision_order() {
        let s = room(&["Ana"]);
        let mut v = View::for_participant(&s, "ana", &HashSet::new(), 0, None);
        assert!(
            !v.apply_voted(s.revision + 2, Q, "fac", 2, None),
            "a gap asks for a snapshot"
        );
        assert!(v.apply_voted(s.revision + 1, Q, "ana", 1, Some("less_than_one_day".into())));
        assert_eq!(v.question(Q).unwrap().mine.as_deref(), Some("less_than_one_day"));
        assert_eq!(v.question(Q).unwrap().voters, vec!["ana".to_string()]);
    }

    /// A client that applies note frames in order holds the server's board.
    #[test]
    fn note_notices_replay_the_servers_board() {
        use crate::board::BoardCommand;
        let mut s = room(&["Ana"]);
        let mut client = View::for_participant(&s, "ana", &HashSet::new(), 0, None);
        let ops = [
            BoardCommand::UseTemplate,
            BoardCommand::AddNote {
                id: "a".into(),
                step: "step-1".into(),
                kind: "manual".into(),
                text: "Manual approval".into(),
            },
            BoardCommand::AddNote {
                id: "b".into(),
                step: "step-1".into(),
                kind: "failed".into(),
                text: "Flaky deploy".into(),
            },
            BoardCommand::AddNote {
                id: "c".into(),
                step: "step-2".into(),
                kind: "automated".into(),
                text: "Lint".into(),
            },
            BoardCommand::MoveNote {
                id: "c".into(),
                step: "step-1".into(),
                index: 0,
            },
            BoardCommand::EditNote {
                id: "a".into(),
                text: Some("Manual approval by the CAB".into()),
                kind: None,
            },
            BoardCommand::DeleteNote { id: "b".into() },
        ];
        for op in ops {
            // The facilitator sets up the steps; Ana writes and moves the notes.
            let by = if op == BoardCommand::UseTemplate { "fac" } else { "ana" };
            let change = apply(&mut s, &who(by), Command::Board { op }, 0).unwrap();
            s.revision += 1;
            match change {
                crate::live::command::Change::Note { id } => {
                    let index = s.doc.board.notes.iter().position(|n| n.id == id);
                    let note = index.map(|i| s.doc.board.notes[i].clone());
                    assert!(client.apply_note(s.revision, &id, note, index.unwrap_or(0)));
                }
                _ => client = View::for_participant(&s, "ana", &HashSet::new(), 0, None),
            }
        }
        assert_eq!(client.board.notes, s.doc.board.notes);
        assert_eq!(
            client.board.notes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
            ["c", "a"]
        );
        assert!(
            !client.apply_note(s.revision + 2, "a", None, 0),
            "a gap asks for a snapshot"
        );
    }

    #[test]
    fn before_dot_voting_closes_a_view_holds_only_the_recipients_own_dots() {
        use crate::board::BoardCommand;
        let mut s = room(&["Ana", "Bo"]);
        let board =
            |s: &mut LiveState, who: &str, op: BoardCommand| apply(s, &who_is(who), Command::Board { op }, 0).unwrap();
        fn who_is(id: &str) -> crate::live::command::Actor {
            who(id)
        }
        board(&mut s, "fac", BoardCommand::UseTemplate);
        board(
            &mut s,
            "ana",
            BoardCommand::AddNote {
                id: "i1".into(),
                step: "step-1".into(),
                kind: "improvement".into(),
                text: "Automate the changelog".into(),
            },
        );
        board(
            &mut s,
            "fac",
            BoardCommand::OpenDots {
                budget: 5,
                per_note: 3,
                show_live: false,
            },
        );
        board(
            &mut s,
            "ana",
            BoardCommand::Dot {
                note: "i1".into(),
                add: true,
            },
        );
        board(
            &mut s,
            "bo",
            BoardCommand::Dot {
                note: "i1".into(),
                add: true,
            },
        );
        let online = HashSet::new();
        let bo = View::for_participant(&s, "bo", &online, 0, None);
        assert_eq!(
            (bo.board.used, bo.board.mine.clone(), bo.board.ranked.clone()),
            (1, vec![("i1".to_string(), 1)], None)
        );
        let json = serde_json::to_string(&bo).unwrap();
        assert!(!json.contains("\"ana\":"), "no one else's dots on the wire: {json}");
        let refused = apply(
            &mut s,
            &who("bo"),
            Command::Board {
                op: BoardCommand::CloseDots,
            },
            0,
        );
        assert!(refused.is_err(), "only the facilitator closes voting");
        board(&mut s, "fac", BoardCommand::CloseDots);
        let bo = View::for_participant(&s, "bo", &online, 0, None);
        assert_eq!(bo.board.ranked, Some(vec![("i1".to_string(), 2)]));
    }

    #[test]
    fn the_boards_three_activity_timers_run_on_the_rooms_clock_for_the_facilitator_only() {
        use crate::board::BoardCommand;
        use crate::live::timer::TimerAction;
        let mut s = room(&["Ana"]);
        let timer = |activity, action| Command::Board {
            op: BoardCommand::Timer { activity, action },
        };
        assert!(apply(&mut s, &who("ana"), timer(0, TimerAction::Start), 1_000).is_err());
        apply(&mut s, &who("fac"), timer(2, TimerAction::Start), 1_000).unwrap();
        let v = View::for_participant(&s, "ana", &HashSet::new(), 1_000, None);
        assert_eq!(v.board.timers.map(|t| t.duration_ms / 60_000), [10, 10, 5]);
        assert_eq!(v.board.timers[2].ends_at_ms, Some(1_000 + 5 * 60_000));
        assert!(v.board.timers[0].ends_at_ms.is_none());
        assert!(
            apply(&mut s, &who("fac"), timer(3, TimerAction::Start), 1_000).is_err(),
            "three activities"
        );
    }
}
