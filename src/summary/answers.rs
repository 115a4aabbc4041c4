//! The per-question part of a summary in every edition: the locked answer,
//! the measured one and, once revealed, how the room voted. A question
//! answered by choice shows how many chose each answer; a current edition's
//! percentage shows every vote's value and their median (never who).

use serde::{Deserialize, Serialize};

use super::{AnswerCount, AnswerSummary};
use crate::dora::current::{AnyEdition, Metric};
use crate::live::answer::{median, wording, AnswerKind};
use crate::live::{Disclosure, LiveState};
use crate::measured::report::answer_of;
use crate::measured::Measured;

/// The votes on a percentage question, once revealed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PercentVotes {
    /// Every active participant's percent, lowest first; empty until revealed.
    pub values: Vec<u8>,
    /// Their median (the mean of the middle two on an even count); null until revealed.
    pub median: Option<f64>,
}

/// The answers of the edition's questions, in order, as [`Disclosure`] lets them out.
pub fn answers(state: &LiveState, measured: Option<&Measured>) -> Vec<AnswerSummary> {
    let edition = state.info.benchmark;
    let shown = Disclosure::of(state);
    state
        .metrics()
        .map(|m| {
            let revealed = shown.choices(m);
            let kind = AnswerKind::of(edition, m);
            let votes = state.votes_on(m);
            let cast = || state.active().filter_map(|p| votes.get(&p.id).map(String::as_str));
            let (distribution, percent) = match kind {
                Some(AnswerKind::Percent) => {
                    let mut values: Vec<u8> = if revealed {
                        cast().filter_map(|v| v.parse().ok()).collect()
                    } else {
                        Vec::new()
                    };
                    values.sort_unstable();
                    let median = median(&values);
                    (Vec::new(), Some(PercentVotes { values, median }))
                }
                Some(AnswerKind::Choice { question }) if revealed => (
                    state
                        .distribution(question)
                        .into_iter()
                        .map(|(a, votes)| AnswerCount {
                            answer: a.id().to_string(),
                            votes,
                        })
                        .collect(),
                    None,
                ),
                _ => (Vec::new(), None),
            };
            AnswerSummary {
                question: m,
                locked: state.question(m).locked.clone(),
                measured: measured.and_then(|x| measured_answer(x, edition, m)),
                revealed,
                distribution,
                percent,
            }
        })
        .collect()
}

/// The measured answer of `metric` as it is locked: an answer id, or a
/// percent's digits in a current edition's two percentages; there, recovery
/// is the failed deployment recovery time (7.6).
pub fn measured_answer(m: &Measured, edition: AnyEdition, metric: Metric) -> Option<String> {
    match (edition.current(), metric) {
        (None, _) => answer_of(m, metric.legacy_question()?).map(str::to_string),
        (Some(_), Metric::TimeToRestore) => m.failed_deployment_recovery.answer.clone(),
        (Some(_), Metric::ChangeFailureRate) => m.change_failure_rate.percent.map(|p| p.to_string()),
        (Some(_), Metric::ReworkRate) => m.rework_rate.percent.map(|p| p.to_string()),
        (Some(_), _) => answer_of(m, metric.legacy_question()?).map(str::to_string),
    }
}

/// The question's title in the edition's own terms.
pub fn title(edition: AnyEdition, metric: Metric) -> &'static str {
    wording(edition, metric).0
}

/// A locked or measured answer as a reader sees it: the answer's label, or
/// "12 %"; "—" without one.
pub fn answer_text(edition: AnyEdition, metric: Metric, id: Option<&str>) -> String {
    let Some(id) = id else {
        return "—".to_string();
    };
    match AnswerKind::of(edition, metric) {
        Some(AnswerKind::Percent) => format!("{id} %"),
        Some(AnswerKind::Choice { question }) => question.answer(id).map_or("—", |a| a.label()).to_string(),
        None => "—".to_string(),
    }
}

/// "Less than one day: 2; Between one day and one week: 1", or "5 %, 10 %,
/// 20 % (median 10 %)"; "No votes" once revealed without any, or the
/// withheld text before the reveal.
pub fn votes_text(edition: AnyEdition, a: &AnswerSummary) -> String {
    if !a.revealed {
        return super::NOT_REVEALED.to_string();
    }
    let parts: Vec<String> = match &a.percent {
        Some(p) if !p.values.is_empty() => {
            let values: Vec<String> = p.values.iter().map(|v| format!("{v} %")).collect();
            let median = p
                .median
                .map(|m| format!(" (median {} %)", percent_text(m)))
                .unwrap_or_default();
            vec![format!("{}{median}", values.join(", "))]
        }
        Some(_) => Vec::new(),
        None => a
            .distribution
            .iter()
            .filter(|d| d.votes > 0)
            .map(|d| format!("{}: {}", answer_text(edition, a.question, Some(&d.answer)), d.votes))
            .collect(),
    };
    if parts.is_empty() {
        "No votes".to_string()
    } else {
        parts.join("; ")
    }
}

/// A median percent: "12" or "12.5".
fn percent_text(m: f64) -> String {
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

/// One question as the exports print it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerLine {
    pub title: &'static str,
    pub locked: String,
    /// The measured answer and, where there is one, why; `None` when the
    /// squad sent no events.
    pub measured: Option<(String, Option<String>)>,
    pub votes: String,
}

/// `a` of `s`, in the words of the checkpoint's edition (the legacy editions
/// exactly as before editions existed).
pub fn answer_line(s: &super::Summary, a: &AnswerSummary) -> AnswerLine {
    use crate::measured::report::{answer_label as measured_label, explain};
    let edition = s.edition();
    let legacy = a.question.legacy_question().filter(|_| edition.legacy().is_some());
    let measured = s.measured.as_ref().map(|m| match legacy {
        Some(q) => (measured_label(q, a.measured.as_deref()), Some(explain(m, q))),
        None => {
            let label = match a.measured.as_deref() {
                Some(id) => answer_text(edition, a.question, Some(id)),
                None => "No data".to_string(),
            };
            (label, Some(crate::measured::report::explain_metric(m, a.question)))
        }
    });
    AnswerLine {
        title: match legacy {
            Some(q) => q.title(),
            None => title(edition, a.question),
        },
        locked: answer_text(edition, a.question, a.locked.as_deref()),
        measured,
        votes: votes_text(edition, a),
    }
}
