//! The checkpoint summary: what outlives the session. Plain data built from the
//! live state, the measured seed, the survey and the facilitator's highlights;
//! a finalised revision is this same value, frozen as JSON.

pub mod answers;
pub mod csv;
pub mod history;
pub mod html;
pub mod markdown;
pub mod performance;
pub mod scores;
mod survey;

use serde::{Deserialize, Serialize};

pub use survey::{SurveyResponse, SurveyResults, SurveySet, MAX_SURVEY_TEXT};

use crate::board::{ActionStatus, NoteKind};
use crate::dora::capabilities::CapabilityKey;
use crate::dora::current::{AnyEdition, CurrentAssessment, Metric, OrgSizeKey};
use crate::dora::{assess, catalog, AssessmentInput, Level, Question};
use crate::live::Disclosure;
use crate::live::LiveState;
use crate::measured::Measured;

/// Bumped when a field changes meaning; the `Summary` schema of
/// `/api/v1/openapi.json` documents every field.
pub const SCHEMA: &str = "devops-checkpoint/summary/1";
/// Highlights are a few paragraphs, not a document.
pub const MAX_HIGHLIGHTS: usize = 4000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub schema: String,
    pub checkpoint: Header,
    /// `None` while a draft; 1 when first finalised, then one more per correction.
    pub revision: Option<u32>,
    pub finalised: Option<Finalised>,
    pub highlights: String,
    pub participants: usize,
    /// Legacy editions: from the locked answers; `None` until all four are
    /// locked, and always in the current editions (they give no level).
    pub voted: Option<Maturity>,
    /// The pipelines' figures for the 91 days up to the checkpoint's day. In
    /// a current edition its `maturity` is always null.
    pub measured: Option<Measured>,
    /// Current editions (2024, 2025): the locked answers' scores and
    /// comparison, once every question is locked. Absent in legacy editions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voted_score: Option<CurrentAssessment>,
    /// Current editions: the measured answers' scores and comparison, once
    /// every metric of the edition has a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_score: Option<CurrentAssessment>,
    pub answers: Vec<AnswerSummary>,
    pub focus: Vec<FocusItem>,
    /// The delivery flow as the squad mapped it.
    pub flow: Vec<FlowStep>,
    /// Improvement notes, most dots first once the dots are shown; until then
    /// in the board's order, with `dots` null (not even the order tells).
    pub improvements: Vec<Improvement>,
    pub actions: Vec<ActionItem>,
    pub survey: SurveyResults,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowStep {
    pub step: String,
    pub notes: Vec<FlowNote>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowNote {
    pub kind: NoteKind,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Improvement {
    pub text: String,
    pub step: String,
    pub dots: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    pub title: String,
    pub owner: String,
    pub due: Option<String>,
    /// A catalog key, and its name.
    pub capability: Option<String>,
    pub capability_name: Option<String>,
    pub status: ActionStatus,
    /// When the checkpoint it was carried over from was held, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_from: Option<String>,
}

impl ActionItem {
    /// The title, with " (carried over from 2026-01-10)" when it was.
    pub fn title_text(&self) -> String {
        match &self.carried_from {
            Some(d) => format!("{} (carried over from {d})", self.title),
            None => self.title.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub id: String,
    pub squad_slug: String,
    pub squad_name: String,
    pub tribe: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub facilitator: String,
    pub board_url: Option<String>,
    pub benchmark: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finalised {
    /// RFC 3339, UTC.
    pub at: String,
    pub by: String,
    /// What a correction changed; empty for the first revision.
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Maturity {
    pub level: Level,
    pub percentile: u8,
}

impl Maturity {
    /// The level and percentile an input assesses to.
    pub fn of(input: &AssessmentInput) -> Maturity {
        let a = assess(input);
        Maturity {
            level: a.level,
            percentile: a.percentile,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerSummary {
    /// The question's id; in the current editions rework rate is a fifth.
    pub question: Metric,
    /// The group's locked answer id.
    pub locked: Option<String>,
    /// The measured answer id, where the pipelines had data.
    pub measured: Option<String>,
    /// Whether the facilitator has revealed the votes. Until then the
    /// distribution is empty: no count may reach anyone before the reveal.
    #[serde(default)]
    pub revealed: bool,
    /// Every answer, best first, with how many chose it (never who); empty
    /// until revealed, and always for a percentage question.
    pub distribution: Vec<AnswerCount>,
    /// A current edition's percentage question (change failure rate, rework
    /// rate): the votes' values and median once revealed. `locked` and
    /// `measured` are then a whole percent's digits ("12").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<answers::PercentVotes>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerCount {
    pub answer: String,
    pub votes: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FocusItem {
    /// A catalog key.
    pub capability: String,
    pub name: String,
    /// The prioritisation score (25 × mean rating), for a rated capability.
    pub score: Option<u8>,
    /// The current editions' score, 0 to 10 with one decimal (7.4), for a
    /// rated capability; `score` is then absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_score: Option<f64>,
    /// Among the three recommended for the locked answers' level (the three
    /// for every team in the current editions).
    pub recommended: bool,
}

impl FocusItem {
    /// The score as every export writes it: 0 to 100 in the legacy
    /// editions, 0 to 10 with one decimal in the current ones.
    pub fn score_text(&self) -> String {
        match (self.current_score, self.score) {
            // Already rounded to one decimal (7.2), so printing it cannot round again.
            (Some(s), _) => format!("{s:.1}"),
            (None, Some(n)) => n.to_string(),
            (None, None) => "Not rated".to_string(),
        }
    }
}

/// The focus table's column names in an edition: its score's scale and what
/// "recommended" means there.
pub fn focus_headers(edition: AnyEdition) -> [&'static str; 3] {
    match edition.current() {
        Some(_) => ["Capability", "Score (0–10)", "Recommended to every team"],
        None => ["Capability", "Score", "Recommended for this level"],
    }
}

/// One finalised revision, as the history lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionMeta {
    pub revision: u32,
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// What the summary page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryPage {
    /// The revision asked for, else the latest; the live draft before finalising.
    pub summary: Summary,
    /// Newest first; empty while a draft.
    pub revisions: Vec<RevisionMeta>,
    /// Survey responses given after the shown revision was made.
    pub newer_survey_responses: usize,
}

/// What a draft is built from.
pub struct Draft<'a> {
    pub state: &'a LiveState,
    pub tribe: &'a str,
    pub highlights: &'a str,
    pub measured: Option<Measured>,
    pub survey: SurveyResults,
    /// The squad's organisation size, compared with beside its industry in
    /// the current editions; `None` when the squad has none.
    pub org_size: Option<OrgSizeKey>,
}

impl Summary {
    /// The summary as the room stands now (a draft: no revision).
    pub fn draft(d: Draft<'_>) -> Summary {
        let state = d.state;
        let info = &state.info;
        let edition = info.benchmark;
        let peers = scores::Peers {
            industry: info.industry,
            org_size: d.org_size,
        };
        let voted = state
            .locked_input()
            .filter(|_| edition.legacy().is_some())
            .as_ref()
            .map(Maturity::of);
        let voted_score = state.locked_current().map(|a| scores::voted(&a, peers));
        let measured_score = d.measured.as_ref().and_then(|m| scores::measured(m, edition, peers));
        let measured = d.measured.map(|mut m| {
            // A 0–10 edition never shows a level (dora-model.md 7.2).
            if edition.current().is_some() {
                m.maturity = None;
            }
            m
        });
        let shown = Disclosure::of(state);
        let answers = answers::answers(state, measured.as_ref());
        let recommended = state.recommended();
        let caps = &state.doc.capabilities;
        let results = shown.ratings().then(|| state.capability_results()).flatten();
        let scores = results.as_ref().map(|r| r.scores.clone()).unwrap_or_default();
        let current_scores = results.and_then(|r| r.current).map(|c| c.scores).unwrap_or_default();
        let focus = if caps.focus_confirmed {
            caps.focus.clone()
        } else {
            Vec::new()
        };
        let focus = focus
            .iter()
            .map(|key| {
                let rated = scores.iter().find(|s| s.capability.catalog_key() == key);
                let current_score = current_scores
                    .iter()
                    .find(|s| s.capability.catalog_key() == key)
                    .and_then(|s| s.score);
                FocusItem {
                    capability: key.clone(),
                    name: catalog::find(key).map_or_else(|| key.clone(), |e| e.name.to_string()),
                    score: match current_score.is_some() || edition.current().is_some() {
                        true => None,
                        false => rated.and_then(|s| s.score).map(|s| s.round().clamp(0.0, 100.0) as u8),
                    },
                    current_score,
                    recommended: recommended.is_some_and(|r| r.iter().any(|c: &CapabilityKey| c.catalog_key() == key)),
                }
            })
            .collect();
        let board = &state.doc.board;
        let title_of = |step: &str| board.step(step).map_or_else(String::new, |s| s.title.clone());
        let flow = board
            .steps
            .iter()
            .map(|st| FlowStep {
                step: st.title.clone(),
                notes: board
                    .notes_of(&st.id)
                    .map(|n| FlowNote {
                        kind: n.kind,
                        text: n.text.clone(),
                    })
                    .collect(),
            })
            .collect();
        let improvements = if shown.dots() {
            board
                .ranked_improvements()
                .into_iter()
                .map(|(n, dots)| Improvement {
                    text: n.text.clone(),
                    step: title_of(&n.step),
                    dots: Some(dots),
                })
                .collect()
        } else {
            board
                .improvements_in_flow_order()
                .map(|n| Improvement {
                    text: n.text.clone(),
                    step: title_of(&n.step),
                    dots: None,
                })
                .collect()
        };
        let actions = board
            .actions
            .iter()
            .map(|a| ActionItem {
                title: a.title.clone(),
                owner: a.owner.clone(),
                due: a.due.clone(),
                capability_name: a
                    .capability
                    .as_deref()
                    .and_then(catalog::find)
                    .map(|e| e.name.to_string()),
                capability: a.capability.clone(),
                status: a.status,
                carried_from: a.carried_from.last().map(|o| o.held_on.clone()),
            })
            .collect();
        Summary {
            schema: SCHEMA.to_string(),
            checkpoint: Header {
                id: info.id.clone(),
                squad_slug: info.squad_slug.clone(),
                squad_name: info.squad_name.clone(),
                tribe: d.tribe.to_string(),
                held_on: info.held_on.clone(),
                facilitator: info.facilitator.clone(),
                board_url: info.board_url.clone(),
                benchmark: info.benchmark.id().to_string(),
            },
            revision: None,
            finalised: None,
            highlights: d.highlights.to_string(),
            participants: state.active().count(),
            voted,
            measured,
            voted_score,
            measured_score,
            answers,
            focus,
            flow,
            improvements,
            actions,
            survey: d.survey.disclosed(),
        }
    }

    /// This summary with nothing in it that [`Disclosure`] withholds. Drafts
    /// are built that way; a stored revision goes through here too on every
    /// read, so one written before a rule existed cannot show more than it.
    pub fn disclosed(mut self) -> Summary {
        for a in &mut self.answers {
            a.revealed |= a.locked.is_some();
            if !a.revealed {
                a.distribution.clear();
                if let Some(p) = &mut a.percent {
                    p.values.clear();
                    p.median = None;
                }
            }
        }
        if self.improvements.iter().any(|i| i.dots.is_none()) {
            // Without totals, the order must not tell either: the flow's.
            let place = |i: &Improvement| {
                self.flow.iter().enumerate().find_map(|(si, st)| {
                    (st.step == i.step).then(|| {
                        (
                            si,
                            st.notes
                                .iter()
                                .position(|n| n.kind == NoteKind::Improvement && n.text == i.text)
                                .unwrap_or(usize::MAX),
                        )
                    })
                })
            };
            let mut placed: Vec<_> = self
                .improvements
                .drain(..)
                .map(|mut i| {
                    i.dots = None;
                    (place(&i).unwrap_or((usize::MAX, usize::MAX)), i)
                })
                .collect();
            placed.sort_by(|(a, ia), (b, ib)| a.cmp(b).then_with(|| ia.text.cmp(&ib.text)));
            self.improvements = placed.into_iter().map(|(_, i)| i).collect();
        }
        self.survey = self.survey.disclosed();
        self
    }

    /// This summary frozen as revision `n`.
    pub fn finalise(mut self, n: u32, at: String, by: String, reason: String) -> Summary {
        self.revision = Some(n);
        self.finalised = Some(Finalised { at, by, reason });
        self
    }

    pub fn answer(&self, q: Question) -> Option<&AnswerSummary> {
        self.answers.iter().find(|a| a.question == Metric::of_question(q))
    }

    /// The edition the checkpoint was run in.
    pub fn edition(&self) -> AnyEdition {
        AnyEdition::stored(&self.checkpoint.benchmark)
    }

    /// A file name stem for exports: `squad-YYYY-MM-DD`.
    pub fn file_stem(&self) -> String {
        format!("{}-{}", self.checkpoint.squad_slug, self.checkpoint.held_on)
    }
}

/// The survey is open from the survey stage until the checkpoint ends.
pub fn survey_open(state: &LiveState) -> Result<(), &'static str> {
    use crate::live::CheckpointStatus;
    match state.info.status {
        CheckpointStatus::Draft => Err("the checkpoint has not started; the survey opens at its survey stage"),
        CheckpointStatus::Finished => Err("this checkpoint has ended; its survey is closed"),
        CheckpointStatus::Live if !state.doc.survey_opened => {
            Err("the survey opens when the facilitator reaches the survey stage")
        }
        CheckpointStatus::Live => Ok(()),
    }
}

/// Where a count is withheld until the facilitator reveals it.
pub const NOT_REVEALED: &str = "Not revealed yet";

/// "2 responses so far; …": the survey below its minimum.
pub fn survey_withheld_text(responses: usize) -> String {
    let n = if responses == 1 {
        "1 response".to_string()
    } else {
        format!("{responses} responses")
    };
    format!(
        "{n} so far. The answers are shown once {} people have answered, so that none can be told apart.",
        crate::live::MIN_SURVEY_RESPONSES
    )
}

/// "1 dot", "3 dots".
pub fn dots_text(n: u32) -> String {
    if n == 1 {
        "1 dot".to_string()
    } else {
        format!("{n} dots")
    }
}

/// The label of an answer id for a question ("—" when none).
pub fn answer_label(q: Question, id: Option<&str>) -> &'static str {
    id.and_then(|id| q.answer(id)).map_or("—", |a| a.label())
}

/// "91 days to 2026-11-22": the measured window as the exports name it.
pub fn window_text(m: &Measured) -> String {
    format!(
        "{} days to {}",
        m.window.days(),
        crate::measured::dates::format_date(m.window.to - 1)
    )
}

/// Highlights as the facilitator typed them, trimmed, within the limit.
pub fn parse_highlights(raw: &str) -> Result<String, crate::error::FieldError> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_HIGHLIGHTS {
        return Err(crate::error::FieldError::new(
            "highlights",
            format!("highlights are at most {MAX_HIGHLIGHTS} characters"),
        ));
    }
    Ok(text)
}

/// The reason a correction gives: required, one line.
pub fn parse_reason(raw: &str) -> Result<String, crate::error::FieldError> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.chars().count() {
        0 => Err(crate::error::FieldError::new(
            "reason",
            "say what this correction changes",
        )),
        n if n > 300 => Err(crate::error::FieldError::new(
            "reason",
            "a reason is at most 300 characters",
        )),
        _ => Ok(text),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_2025;
