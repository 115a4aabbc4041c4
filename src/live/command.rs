//! What people do in a live checkpoint, and the one function that decides
//! whether it is allowed and how the state changes.

use serde::{Deserialize, Serialize};

use super::answer::parse_answer;
use super::capabilities::{check_statement, parse_focus, parse_rating, RatingPhase, MAX_FOCUS};
use super::checkpoint::{CheckpointStatus, WelcomeText};
use super::sessions::Sent;
use super::stage::{metric_index, Stage};
use super::state::{LiveState, Phase};
use super::timer::TimerAction;
use crate::board::{BoardChange, BoardCommand};
use crate::dora::capabilities::CapabilityKey;
use crate::dora::current::Metric;
use crate::dora::prioritise::Rating;
use crate::error::FieldError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Cast or change one's vote while the question is open.
    Vote {
        question: Metric,
        answer: String,
    },
    /// Show everyone's choices. (The UI asks for confirmation when some have not voted.)
    Reveal {
        question: Metric,
    },
    /// Back to secret voting; earlier votes stay and may change.
    Reopen {
        question: Metric,
    },
    /// Fix the group's answer.
    Lock {
        question: Metric,
        answer: String,
    },
    /// Unlock to vote again on a locked question.
    Unlock {
        question: Metric,
    },
    GoTo {
        stage: Stage,
    },
    /// A timer: each question's, and the capabilities stage's.
    Timer {
        stage: Stage,
        #[serde(flatten)]
        action: TimerAction,
    },
    AutoReveal {
        on: bool,
    },
    EditWelcome {
        welcome: WelcomeText,
    },
    RemoveParticipant {
        participant: String,
    },
    /// Someone who joined twice: `from`'s votes, ratings, notes and dots move
    /// to `into` (see [`super::merge`]), and `from` is removed.
    MergeParticipant {
        from: String,
        into: String,
    },
    /// Reveals show counts without names; only before the first reveal.
    SetAnonymous {
        on: bool,
    },
    /// A participant proposes (or withdraws) a focus capability; the
    /// facilitator sees who proposed it and alone adds it ([`Command::AddFocus`]).
    ProposeFocus {
        capability: String,
        on: bool,
    },
    /// Rate one statement of a recommended capability ("0".."4" or "dont_know").
    Rate {
        capability: CapabilityKey,
        statement: u8,
        rating: String,
    },
    RevealRatings,
    ReopenRatings,
    /// Add a catalog capability to the squad's focus (at most three).
    AddFocus {
        capability: String,
    },
    RemoveFocus {
        capability: String,
    },
    /// Confirm (or reopen) the focus list.
    ConfirmFocus {
        confirmed: bool,
    },
    /// A change to the path-to-production board.
    Board {
        op: BoardCommand,
    },
}

impl Command {
    /// What [`crate::access`] calls this command, in this state.
    pub fn access(&self, state: &LiveState, actor: &Actor) -> crate::access::Action {
        use crate::access::Action;
        match self {
            Command::Vote { .. } => Action::Vote,
            // Proposing is taking part in the capabilities stage, as rating is.
            Command::Rate { .. } | Command::ProposeFocus { .. } => Action::Rate,
            Command::Board { op } => {
                let author = match op {
                    BoardCommand::DeleteNote { id } => state.doc.board.author_of(id),
                    _ => None,
                };
                op.access(&actor.participant, author)
            }
            _ => Action::Drive,
        }
    }
}

/// Who is acting: one participant of this checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub participant: String,
    /// Runs the checkpoint (its facilitator or a co-facilitator).
    pub facilitator: bool,
}

impl Actor {
    pub fn hats(&self) -> Vec<crate::access::Hat> {
        use crate::access::Hat;
        if self.facilitator {
            vec![Hat::Participant, Hat::Runner]
        } else {
            vec![Hat::Participant]
        }
    }
}

/// What a successful command changed, so the store writes only that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// One vote row, and the document too when the vote triggered an auto-reveal.
    Vote {
        question: Metric,
        participant: String,
        answer: String,
        auto_revealed: bool,
    },
    /// The document (stage, phases, timers, welcome text).
    Doc,
    Removed {
        participant: String,
    },
    /// The document, `from` removed, `from`'s rows gone and what moved
    /// written as `into`'s.
    Merged {
        from: String,
        into: String,
        moved: super::merge::Moved,
    },
    /// One rating row.
    Rated {
        participant: String,
        capability: CapabilityKey,
        statement: u8,
        rating: Rating,
    },
    /// The document and the stored focus list.
    Focus,
    /// The document, where one board note was added, edited, moved or deleted
    /// (and nothing else): everyone gets the same small frame.
    Note {
        id: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LiveError {
    #[error("only the facilitator can do that")]
    Forbidden,
    #[error("this checkpoint has finished")]
    Finished,
    #[error(transparent)]
    Refused(#[from] FieldError),
}

fn refused(field: &'static str, message: impl Into<String>) -> LiveError {
    LiveError::Refused(FieldError::new(field, message))
}

/// Applies `cmd` by `actor` at `now_ms`. On error the state is unchanged.
pub fn apply(state: &mut LiveState, actor: &Actor, cmd: Command, now_ms: i64) -> Result<Change, LiveError> {
    if state.info.status == CheckpointStatus::Finished {
        return Err(LiveError::Finished);
    }
    match state.participant(&actor.participant) {
        Some(p) if !p.removed => {}
        _ => return Err(refused("participant", "you are no longer part of this checkpoint")),
    }
    let action = cmd.access(state, actor);
    if !crate::access::may(&actor.hats(), action) {
        return Err(match action {
            crate::access::Action::DeleteAnyNote => refused(
                "note",
                "you can delete your own notes; ask the facilitator to delete someone else's",
            ),
            _ => LiveError::Forbidden,
        });
    }
    let change = match cmd {
        Command::Vote { question, answer } => {
            let parsed = parse_answer(state.info.benchmark, question, &answer).map_err(LiveError::Refused)?;
            if state.info.status != CheckpointStatus::Live {
                return Err(refused(
                    "question",
                    "voting opens when the facilitator starts the checkpoint",
                ));
            }
            if state.doc.stage.metric() != Some(question) {
                return Err(refused(
                    "question",
                    "this question is not open: vote on the question the facilitator has open",
                ));
            }
            if state.question(question).phase != Phase::Voting {
                return Err(refused("question", "voting on this question is closed"));
            }
            state.votes[metric_index(question)].insert(actor.participant.clone(), parsed.clone());
            let auto_revealed = state.doc.auto_reveal && state.vote_count(question) >= state.expected_voters(question);
            if auto_revealed {
                reveal(state, question);
            }
            Change::Vote {
                question,
                participant: actor.participant.clone(),
                answer: parsed,
                auto_revealed,
            }
        }
        Command::Reveal { question } => {
            if state.question(question).phase != Phase::Voting {
                return Err(refused("question", "this question is not open for voting"));
            }
            reveal(state, question);
            Change::Doc
        }
        Command::Reopen { question } => {
            let q = &mut state.doc.questions[metric_index(question)];
            if q.phase != Phase::Revealed {
                return Err(refused("question", "only a revealed vote can be reopened"));
            }
            q.phase = Phase::Voting;
            Change::Doc
        }
        Command::Lock { question, answer } => {
            let parsed = parse_answer(state.info.benchmark, question, &answer).map_err(LiveError::Refused)?;
            let q = &mut state.doc.questions[metric_index(question)];
            if q.phase != Phase::Revealed {
                return Err(refused("question", "reveal the votes before locking the answer"));
            }
            q.phase = Phase::Locked;
            q.locked = Some(parsed);
            Change::Doc
        }
        Command::Unlock { question } => {
            let q = &mut state.doc.questions[metric_index(question)];
            if q.phase != Phase::Locked {
                return Err(refused("question", "this question is not locked"));
            }
            q.phase = Phase::Revealed;
            q.locked = None;
            Change::Doc
        }
        Command::GoTo { stage } => {
            if !stage.in_edition(state.info.benchmark) {
                return Err(refused(
                    "stage",
                    format!("the {} edition has no {} stage", state.info.benchmark.id(), stage.id()),
                ));
            }
            state.doc.stage = stage;
            state.doc.survey_opened |= stage == Stage::Survey;
            Change::Doc
        }
        Command::Timer { stage, action } => {
            let timer = match stage.metric() {
                Some(q) => &mut state.doc.questions[metric_index(q)].timer,
                None if stage == Stage::Capabilities => &mut state.doc.capabilities.timer,
                None => return Err(refused("stage", format!("{} has no timer", stage.label()))),
            };
            let field = match action {
                TimerAction::StartFor { .. } => "minutes",
                _ => "timer",
            };
            timer.apply(action, now_ms).map_err(|m| refused(field, m))?;
            Change::Doc
        }
        Command::Rate {
            capability,
            statement,
            rating,
        } => {
            let rating = parse_rating(&rating).map_err(|e| refused("rating", e.message))?;
            if state.info.status != CheckpointStatus::Live {
                return Err(refused(
                    "capability",
                    "rating opens when the facilitator starts the checkpoint",
                ));
            }
            let recommended = state.recommended().ok_or_else(|| {
                refused(
                    "capability",
                    "lock the group's answer on every question before rating capabilities",
                )
            })?;
            if !recommended.contains(&capability) {
                return Err(refused(
                    "capability",
                    format!("{} is not one of the three recommended capabilities", capability.id()),
                ));
            }
            check_statement(state.info.benchmark, capability, statement)
                .map_err(|e| refused("statement", e.message))?;
            if state.doc.capabilities.phase != RatingPhase::Rating {
                return Err(refused(
                    "capability",
                    "rating is closed; the facilitator has revealed the scores",
                ));
            }
            state
                .ratings
                .entry(actor.participant.clone())
                .or_default()
                .insert((capability, statement), rating);
            Change::Rated {
                participant: actor.participant.clone(),
                capability,
                statement,
                rating,
            }
        }
        Command::RevealRatings => {
            if state.doc.capabilities.phase != RatingPhase::Rating {
                return Err(refused("capability", "the scores are already revealed"));
            }
            state.doc.capabilities.phase = RatingPhase::Revealed;
            Change::Doc
        }
        Command::ReopenRatings => {
            if state.doc.capabilities.phase != RatingPhase::Revealed {
                return Err(refused("capability", "rating is already open"));
            }
            state.doc.capabilities.phase = RatingPhase::Rating;
            Change::Doc
        }
        Command::AddFocus { capability } => {
            let doc = &mut state.doc.capabilities;
            if doc.focus_confirmed {
                return Err(refused("focus", "the focus is confirmed; reopen it to change it"));
            }
            if doc.focus.len() >= MAX_FOCUS && !doc.focus.contains(&capability) {
                return Err(refused(
                    "focus",
                    format!("choose at most {MAX_FOCUS} focus capabilities; remove one first"),
                ));
            }
            let mut next = doc.focus.clone();
            next.push(capability);
            doc.focus = parse_focus(&next).map_err(|e| refused("focus", e.message))?;
            Change::Focus
        }
        Command::RemoveFocus { capability } => {
            let doc = &mut state.doc.capabilities;
            if doc.focus_confirmed {
                return Err(refused("focus", "the focus is confirmed; reopen it to change it"));
            }
            let before = doc.focus.len();
            doc.focus.retain(|k| *k != capability);
            if doc.focus.len() == before {
                return Err(refused("focus", format!("{capability:?} is not in the focus")));
            }
            Change::Focus
        }
        Command::ConfirmFocus { confirmed } => {
            let doc = &mut state.doc.capabilities;
            if confirmed && doc.focus.is_empty() {
                return Err(refused("focus", "choose at least one focus capability first"));
            }
            doc.focus_confirmed = confirmed;
            Change::Focus
        }
        Command::AutoReveal { on } => {
            state.doc.auto_reveal = on;
            // Turning it on when everyone has already voted reveals the current question.
            if let Some(q) = state.doc.stage.metric() {
                let everyone_voted = state.vote_count(q) > 0 && state.vote_count(q) >= state.expected_voters(q);
                if on && state.question(q).phase == Phase::Voting && everyone_voted {
                    reveal(state, q);
                }
            }
            Change::Doc
        }
        Command::EditWelcome { welcome } => {
            state.doc.welcome = welcome
                .parse()
                .map_err(|e| refused(static_field(&e.field), e.message))?;
            Change::Doc
        }
        Command::RemoveParticipant { participant } => {
            if participant == actor.participant {
                return Err(refused("participant", "you cannot remove yourself"));
            }
            let p = state
                .participants
                .iter_mut()
                .find(|p| p.id == participant && !p.removed)
                .ok_or_else(|| refused("participant", "no such participant"))?;
            if p.facilitator {
                return Err(refused("participant", "a facilitator cannot be removed"));
            }
            p.removed = true;
            Change::Removed { participant }
        }
        Command::MergeParticipant { from, into } => {
            let moved = super::merge::merge(state, &from, &into)?;
            Change::Merged { from, into, moved }
        }
        Command::SetAnonymous { on } => {
            if state.doc.revealed_once && on != state.doc.anonymous {
                return Err(refused(
                    "anonymous",
                    "votes have been revealed already: anonymity is set for this checkpoint",
                ));
            }
            state.doc.anonymous = on;
            Change::Doc
        }
        Command::ProposeFocus { capability, on } => {
            if state.info.status != CheckpointStatus::Live {
                return Err(refused(
                    "focus",
                    "proposals open when the facilitator starts the checkpoint",
                ));
            }
            super::proposals::propose(&mut state.doc.capabilities, &actor.participant, &capability, on)?;
            Change::Doc
        }
        Command::Board {
            op: BoardCommand::Timer { activity, action },
        } => {
            state.doc.board.apply_timer(activity, action, now_ms)?;
            Change::Doc
        }
        Command::Board {
            op: BoardCommand::Volunteer { id },
        } => {
            let name = state
                .participant(&actor.participant)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            state.doc.board.volunteer(&id, &name)?;
            Change::Doc
        }
        Command::Board { op } => {
            let dots_before = state.doc.board.dots.clone();
            let changed = state.doc.board.apply(&actor.participant, op)?;
            match changed {
                // Dots are per recipient (and may be secret): those changes go out as snapshots.
                BoardChange::Note { id } if state.doc.board.dots == dots_before => Change::Note { id },
                _ => Change::Doc,
            }
        }
    };
    Ok(change)
}

/// Reveals `question` (by the facilitator or by itself): from the first
/// reveal on, whether the checkpoint is anonymous is fixed.
fn reveal(state: &mut LiveState, question: Metric) {
    state.doc.questions[metric_index(question)].phase = Phase::Revealed;
    state.doc.revealed_once = true;
}

/// What [`apply_once`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Changed(Change),
    /// The same tab sent this command before and it was applied then: a resend
    /// after a lost acknowledgement. Nothing changed this time.
    Again,
}

/// [`apply`], unless the tab's `sent` was applied already. The record of it is
/// kept in the document (`doc.sessions`), so it is committed with the change.
pub fn apply_once(
    state: &mut LiveState,
    actor: &Actor,
    sent: Option<&Sent>,
    cmd: Command,
    now_ms: i64,
) -> Result<Applied, LiveError> {
    if let Some(sent) = sent {
        if state.doc.sessions.seen(&actor.participant, sent) {
            return Ok(Applied::Again);
        }
    }
    let change = apply(state, actor, cmd, now_ms)?;
    if let Some(sent) = sent {
        state.doc.sessions.record(&actor.participant, sent, now_ms);
    }
    Ok(Applied::Changed(change))
}

fn static_field(field: &str) -> &'static str {
    ["purpose", "agenda", "outcome", "principles"]
        .into_iter()
        .find(|f| *f == field)
        .unwrap_or("welcome")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dora::baselines::Industry;
    use crate::dora::Question;
    use crate::live::checkpoint::CheckpointInfo;
    use crate::live::state::{LiveDoc, Participant};

    pub(crate) fn room(names: &[&str]) -> LiveState {
        let mut participants = vec![Participant {
            id: "fac".into(),
            name: "Fran".into(),
            facilitator: true,
            removed: false,
        }];
        participants.extend(names.iter().map(|n| Participant {
            id: n.to_lowercase(),
            name: n.to_string(),
            facilitator: false,
            removed: false,
        }));
        LiveState {
            info: CheckpointInfo {
                id: "c1".into(),
                squad_slug: "payments".into(),
                squad_name: "Payments".into(),
                industry: Industry::default(),
                org_size: None,
                benchmark: crate::dora::current::AnyEdition::Y2019,
                held_on: "2026-11-22".into(),
                board_url: None,
                facilitator: "fran".into(),
                status: CheckpointStatus::Live,
            },
            revision: 1,
            // At the first question, where most tests vote.
            doc: LiveDoc {
                stage: Stage::LeadTime,
                ..LiveDoc::default()
            },
            participants,
            votes: Default::default(),
            ratings: Default::default(),
            previous: None,
            survey_responses: 0,
            logged_notes: 0,
        }
    }

    pub(crate) fn who(id: &str) -> Actor {
        Actor {
            participant: id.into(),
            facilitator: id == "fac",
        }
    }

    fn vote(q: Metric, answer: &str) -> Command {
        Command::Vote {
            question: q,
            answer: answer.into(),
        }
    }

    const Q: Metric = Metric::LeadTime;

    fn room_2025(names: &[&str]) -> LiveState {
        let mut s = room(names);
        s.info.benchmark = crate::dora::current::AnyEdition::Y2025;
        s.doc.stage = Stage::ChangeFailureRate;
        s
    }

    #[test]
    fn a_2025_room_takes_secret_percentages_proposes_their_median_and_locks_any_percent() {
        use std::collections::HashSet;
        let cfr = Metric::ChangeFailureRate;
        let mut s = room_2025(&["Ana", "Bo"]);
        let bucket = apply(&mut s, &who("ana"), vote(cfr, "0-15"), 0).unwrap_err();
        assert!(
            matches!(bucket, LiveError::Refused(ref e) if e.field == "answer"),
            "{bucket:?}"
        );
        apply(&mut s, &who("ana"), vote(cfr, "12"), 0).unwrap();
        apply(&mut s, &who("bo"), vote(cfr, "31"), 0).unwrap();
        let bo = crate::live::View::for_participant(&s, "bo", &HashSet::new(), 0, None);
        let q = bo.question(cfr).unwrap();
        assert_eq!(q.kind, crate::live::answer::AnswerKind::Percent);
        assert_eq!((q.choices.as_ref(), q.proposal(), q.voters.len()), (None, None, 2));
        assert!(
            !serde_json::to_string(&bo).unwrap().contains("\"12\""),
            "Ana's percent reached Bo"
        );
        apply(&mut s, &who("fac"), Command::Reveal { question: cfr }, 0).unwrap();
        let bo = crate::live::View::for_participant(&s, "bo", &HashSet::new(), 0, None);
        let q = bo.question(cfr).unwrap();
        assert_eq!((q.median(), q.proposal().as_deref()), (Some(21.5), Some("22")));
        let lock = |answer: &str| Command::Lock {
            question: cfr,
            answer: answer.into(),
        };
        assert!(apply(&mut s, &who("fac"), lock("101"), 0).is_err());
        assert!(s.question(cfr).locked.is_none(), "a refused lock changes nothing");
        apply(&mut s, &who("fac"), lock("17"), 0).unwrap();
        assert_eq!(s.question(cfr).locked.as_deref(), Some("17"));
    }

    #[test]
    fn only_the_2025_edition_has_a_rework_stage_and_its_view_only_the_asked_questions() {
        use std::collections::HashSet;
        let go = Command::GoTo {
            stage: Stage::ReworkRate,
        };
        let mut legacy = room(&["Ana"]);
        assert!(apply(&mut legacy, &who("fac"), go.clone(), 0).is_err());
        let view = crate::live::View::for_participant(&legacy, "ana", &HashSet::new(), 0, None);
        assert_eq!(view.questions.len(), 4);
        let mut current = room_2025(&["Ana"]);
        apply(&mut current, &who("fac"), go, 0).unwrap();
        apply(&mut current, &who("ana"), vote(Metric::ReworkRate, "4"), 0).unwrap();
        let view = crate::live::View::for_participant(&current, "ana", &HashSet::new(), 0, None);
        assert_eq!(view.questions.len(), 5);
        assert_eq!(view.question(Metric::ReworkRate).unwrap().mine.as_deref(), Some("4"));
        // Locked throughout, the room knows the five answers and the three capabilities of 7.4.
        for (m, answer) in [
            (Metric::LeadTime, "less_than_one_day"),
            (Metric::DeployFrequency, "on_demand"),
            (Metric::TimeToRestore, "less_than_one_hour"),
            (Metric::ChangeFailureRate, "20"),
            (Metric::ReworkRate, "5"),
        ] {
            assert!(current.recommended().is_none());
            current.doc.questions[crate::live::stage::metric_index(m)].phase = Phase::Revealed;
            apply(
                &mut current,
                &who("fac"),
                Command::Lock {
                    question: m,
                    answer: answer.into(),
                },
                0,
            )
            .unwrap();
        }
        let answers = current.locked_current().expect("all five locked");
        assert_eq!(answers.rework_rate().map(|p| p.get()), Some(5));
        assert_eq!(
            current.recommended(),
            Some(crate::dora::current::capabilities::RECOMMENDED)
        );
        assert!(current.locked_input().is_none(), "no level in a current edition");
    }

    /// A dot sent again by the same tab (its acknowledgement was lost) adds no
    /// second dot; the same tab's next dot, or another tab's, does.
    #[test]
    fn a_resent_dot_is_applied_once() {
        let mut s = room(&["Ana"]);
        let board = |op| Command::Board { op };
        apply(&mut s, &who("fac"), board(BoardCommand::UseTemplate), 0).unwrap();
        apply(
            &mut s,
            &who("ana"),
            board(BoardCommand::AddNote {
                id: "n1".into(),
                step: "step-1".into(),
                kind: "improvement".into(),
                text: "Automate the changelog".into(),
            }),
            0,
        )
        .unwrap();
        apply(
            &mut s,
            &who("fac"),
            board(BoardCommand::OpenDots {
                budget: 5,
                per_note: 3,
                show_live: false,
            }),
            0,
        )
        .unwrap();
        let dot = || {
            board(BoardCommand::Dot {
                note: "n1".into(),
                add: true,
            })
        };
        let first = Sent::new("tab-one-aaaa", 1).unwrap();
        assert!(matches!(
            apply_once(&mut s, &who("ana"), Some(&first), dot(), 0),
            Ok(Applied::Changed(_))
        ));
        let before = s.clone();
        assert_eq!(
            apply_once(&mut s, &who("ana"), Some(&first), dot(), 0),
            Ok(Applied::Again)
        );
        assert_eq!(s, before, "a resend changes nothing");
        assert_eq!(s.doc.board.dots.dots["ana"]["n1"], 1);
        apply_once(&mut s, &who("ana"), Sent::new("tab-one-aaaa", 2).as_ref(), dot(), 0).unwrap();
        apply_once(&mut s, &who("ana"), Sent::new("tab-two-bbbb", 1).as_ref(), dot(), 0).unwrap();
        assert_eq!(s.doc.board.dots.dots["ana"]["n1"], 3);
        // The record lives in the document, so it survives a reload of the room.
        let stored: LiveDoc = serde_json::from_str(&serde_json::to_string(&s.doc).unwrap()).unwrap();
        assert!(stored.sessions.seen("ana", &first));
    }

    #[test]
    fn a_refused_command_is_not_recorded_and_its_resend_is_judged_again() {
        let mut s = room(&["Ana"]);
        let sent = Sent::new("tab-one-aaaa", 1).unwrap();
        let early = vote(Metric::DeployFrequency, "on_demand");
        assert!(apply_once(&mut s, &who("ana"), Some(&sent), early.clone(), 0).is_err());
        apply(
            &mut s,
            &who("fac"),
            Command::GoTo {
                stage: Stage::DeployFrequency,
            },
            0,
        )
        .unwrap();
        assert!(matches!(
            apply_once(&mut s, &who("ana"), Some(&sent), early, 0),
            Ok(Applied::Changed(_))
        ));
        assert_eq!(s.vote_count(Metric::DeployFrequency), 1);
    }

    /// A note change goes out as one small frame for everyone, unless it moved
    /// someone's dots (those are per recipient): then everyone gets a snapshot.
    #[test]
    fn note_changes_are_note_frames_unless_dots_moved() {
        let mut s = room(&["Ana"]);
        let board = |op| Command::Board { op };
        apply(&mut s, &who("fac"), board(BoardCommand::UseTemplate), 0).unwrap();
        let add = board(BoardCommand::AddNote {
            id: "n1".into(),
            step: "step-1".into(),
            kind: "improvement".into(),
            text: "Automate the changelog".into(),
        });
        assert_eq!(
            apply(&mut s, &who("ana"), add.clone(), 0).unwrap(),
            Change::Note { id: "n1".into() }
        );
        assert_eq!(
            apply(&mut s, &who("ana"), add, 0).unwrap(),
            Change::Doc,
            "a retried create changes no note"
        );
        apply(
            &mut s,
            &who("fac"),
            board(BoardCommand::OpenDots {
                budget: 5,
                per_note: 3,
                show_live: false,
            }),
            0,
        )
        .unwrap();
        apply(
            &mut s,
            &who("ana"),
            board(BoardCommand::Dot {
                note: "n1".into(),
                add: true,
            }),
            0,
        )
        .unwrap();
        let edit = board(BoardCommand::EditNote {
            id: "n1".into(),
            text: Some("Generate the changelog".into()),
            kind: None,
        });
        assert_eq!(
            apply(&mut s, &who("ana"), edit, 0).unwrap(),
            Change::Note { id: "n1".into() }
        );
        let demote = board(BoardCommand::EditNote {
            id: "n1".into(),
            text: None,
            kind: Some("manual".into()),
        });
        assert_eq!(
            apply(&mut s, &who("ana"), demote, 0).unwrap(),
            Change::Doc,
            "its dots went with its kind"
        );
    }

    #[test]
    fn participants_vote_and_change_their_vote_until_the_reveal() {
        let mut s = room(&["Ana", "Bo"]);
        apply(&mut s, &who("ana"), vote(Q, "less_than_one_day"), 0).unwrap();
        apply(&mut s, &who("ana"), vote(Q, "less_than_one_hour"), 0).unwrap();
        assert_eq!(
            (s.vote_count(Q), s.expected_voters(Q)),
            (1, 2),
            "the facilitator's vote is optional"
        );
        apply(&mut s, &who("fac"), Command::Reveal { question: Q }, 0).unwrap();
        let err = apply(&mut s, &who("bo"), vote(Q, "less_than_one_day"), 0).unwrap_err();
        assert!(matches!(err, LiveError::Refused(e) if e.field == "question"));
        assert_eq!(s.votes_on(Q).get("ana").map(String::as_str), Some("less_than_one_hour"));
    }

    #[test]
    fn only_the_facilitator_reveals_locks_moves_and_removes() {
        let mut s = room(&["Ana"]);
        for cmd in [
            Command::Reveal { question: Q },
            Command::GoTo { stage: Stage::Maturity },
            Command::Lock {
                question: Q,
                answer: "less_than_one_day".into(),
            },
            Command::RemoveParticipant {
                participant: "fac".into(),
            },
            Command::Timer {
                stage: Stage::LeadTime,
                action: TimerAction::Start,
            },
        ] {
            let before = s.clone();
            assert_eq!(apply(&mut s, &who("ana"), cmd, 0), Err(LiveError::Forbidden));
            assert_eq!(s, before, "a refused command changes nothing");
        }
    }

    #[test]
    fn lock_needs_a_reveal_first_and_reopen_keeps_earlier_votes() {
        let mut s = room(&["Ana"]);
        apply(&mut s, &who("ana"), vote(Q, "less_than_one_day"), 0).unwrap();
        assert!(apply(
            &mut s,
            &who("fac"),
            Command::Lock {
                question: Q,
                answer: "less_than_one_day".into()
            },
            0
        )
        .is_err());
        apply(&mut s, &who("fac"), Command::Reveal { question: Q }, 0).unwrap();
        apply(&mut s, &who("fac"), Command::Reopen { question: Q }, 0).unwrap();
        assert_eq!(s.vote_count(Q), 1);
        apply(&mut s, &who("fac"), Command::Reveal { question: Q }, 0).unwrap();
        assert!(apply(
            &mut s,
            &who("fac"),
            Command::Lock {
                question: Q,
                answer: "nonsense".into()
            },
            0
        )
        .is_err());
        apply(
            &mut s,
            &who("fac"),
            Command::Lock {
                question: Q,
                answer: "one_day_to_one_week".into(),
            },
            0,
        )
        .unwrap();
        assert_eq!(
            s.question(Q).locked.as_deref(),
            Some("one_day_to_one_week"),
            "the facilitator may lock a different answer than the votes"
        );
    }

    #[test]
    fn auto_reveal_fires_when_the_last_expected_vote_arrives() {
        let mut s = room(&["Ana", "Bo"]);
        apply(&mut s, &who("fac"), Command::AutoReveal { on: true }, 0).unwrap();
        let first = apply(&mut s, &who("ana"), vote(Q, "less_than_one_day"), 0).unwrap();
        assert!(matches!(
            first,
            Change::Vote {
                auto_revealed: false,
                ..
            }
        ));
        let last = apply(&mut s, &who("bo"), vote(Q, "less_than_one_day"), 0).unwrap();
        assert!(matches!(
            last,
            Change::Vote {
                auto_revealed: true,
                ..
            }
        ));
        assert_eq!(s.question(Q).phase, Phase::Revealed);
    }

    #[test]
    fn a_removed_participant_no_longer_counts_or_acts() {
        let mut s = room(&["Ana", "Bo"]);
        apply(&mut s, &who("ana"), vote(Q, "less_than_one_day"), 0).unwrap();
        apply(
            &mut s,
            &who("fac"),
            Command::RemoveParticipant {
                participant: "ana".into(),
            },
            0,
        )
        .unwrap();
        assert_eq!((s.vote_count(Q), s.expected_voters(Q)), (0, 1));
        assert!(apply(&mut s, &who("ana"), vote(Q, "less_than_one_day"), 0).is_err());
    }

    #[test]
    fn a_finished_checkpoint_refuses_everything() {
        let mut s = room(&["Ana"]);
        s.info.status = CheckpointStatus::Finished;
        assert_eq!(
            apply(&mut s, &who("fac"), Command::GoTo { stage: Stage::Scene }, 0),
            Err(LiveError::Finished)
        );
    }

    fn lock_all(s: &mut LiveState, code: usize) {
        for q in Question::ALL {
            apply(
                s,
                &who("fac"),
                Command::Reveal {
                    question: Metric::of_question(q),
                },
                0,
            )
            .unwrap();
            apply(
                s,
                &who("fac"),
                Command::Lock {
                    question: Metric::of_question(q),
                    answer: q.answer_ids()[code - 1].to_string(),
                },
                0,
            )
            .unwrap();
        }
    }

    #[test]
    fn ratings_need_the_maturity_and_only_cover_the_three_recommended() {
        let mut s = room(&["Ana"]);
        let rate = |c: CapabilityKey, i: u8, r: &str| Command::Rate {
            capability: c,
            statement: i,
            rating: r.into(),
        };
        let early = apply(&mut s, &who("ana"), rate(CapabilityKey::Ci, 0, "3"), 0).unwrap_err();
        assert!(matches!(early, LiveError::Refused(e) if e.field == "capability"));
        lock_all(&mut s, 4); // every answer code 4: average 4 → medium → CI, CD, architecture
        assert_eq!(
            s.recommended(),
            Some([CapabilityKey::Ci, CapabilityKey::Cd, CapabilityKey::Architecture])
        );
        apply(&mut s, &who("ana"), rate(CapabilityKey::Ci, 0, "3"), 0).unwrap();
        assert!(apply(&mut s, &who("ana"), rate(CapabilityKey::Westrum, 0, "3"), 0).is_err());
        assert!(apply(&mut s, &who("ana"), rate(CapabilityKey::Ci, 99, "3"), 0).is_err());
        assert!(apply(&mut s, &who("ana"), rate(CapabilityKey::Ci, 0, "7"), 0).is_err());
        assert_eq!(
            apply(&mut s, &who("ana"), Command::RevealRatings, 0),
            Err(LiveError::Forbidden)
        );
        apply(&mut s, &who("fac"), Command::RevealRatings, 0).unwrap();
        assert!(
            apply(&mut s, &who("ana"), rate(CapabilityKey::Ci, 1, "3"), 0).is_err(),
            "closed after the reveal"
        );
    }

    #[test]
    fn the_focus_holds_at_most_three_catalog_capabilities_and_is_confirmed_by_the_facilitator() {
        let mut s = room(&["Ana"]);
        let add = |k: &str| Command::AddFocus { capability: k.into() };
        assert!(
            apply(&mut s, &who("fac"), Command::ConfirmFocus { confirmed: true }, 0).is_err(),
            "nothing to confirm"
        );
        for k in ["continuous_integration", "trunk_based", "version_control"] {
            apply(&mut s, &who("fac"), add(k), 0).unwrap();
        }
        assert!(apply(&mut s, &who("fac"), add("continuous_delivery"), 0).is_err());
        assert!(apply(&mut s, &who("fac"), add("not_a_capability"), 0).is_err());
        assert_eq!(
            apply(&mut s, &who("ana"), add("continuous_delivery"), 0),
            Err(LiveError::Forbidden)
        );
        apply(
            &mut s,
            &who("fac"),
            Command::RemoveFocus {
                capability: "trunk_based".into(),
            },
            0,
        )
        .unwrap();
        apply(&mut s, &who("fac"), Command::ConfirmFocus { confirmed: true }, 0).unwrap();
        assert!(
            apply(&mut s, &who("fac"), add("continuous_delivery"), 0).is_err(),
            "confirmed focus is fixed"
        );
        assert_eq!(s.doc.capabilities.focus, ["continuous_integration", "version_control"]);
    }

    #[test]
    fn the_maturity_comes_from_the_four_locked_answers() {
        let mut s = room(&["Ana"]);
        for q in Question::ALL {
            assert!(s.locked_input().is_none());
            apply(
                &mut s,
                &who("fac"),
                Command::Reveal {
                    question: Metric::of_question(q),
                },
                0,
            )
            .unwrap();
            let best = q.answer_ids()[5].to_string();
            apply(
                &mut s,
                &who("fac"),
                Command::Lock {
                    question: Metric::of_question(q),
                    answer: best,
                },
                0,
            )
            .unwrap();
        }
        let input = s.locked_input().unwrap();
        assert_eq!(crate::dora::assess(&input).level, crate::dora::Level::Elite);
    }
}
