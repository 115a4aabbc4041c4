//! What a vote or a lock on one metric may be, in a checkpoint's edition: an
//! answer id of section 1, or (for the current editions' two percentages) a
//! whole percent, and the suggestion the facilitator is offered on locking.

use serde::{Deserialize, Serialize};

use super::stage::asks;
use crate::dora::current::{AnyEdition, Metric, Percent};
use crate::dora::{Answer, Question};
use crate::error::FieldError;

/// How a metric is answered in an edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKind {
    /// One of the six answers of a section 1 question.
    Choice { question: Question },
    /// An integer percent 0 to 100, entered privately.
    Percent,
}

impl AnswerKind {
    /// `None` when the edition does not ask the metric.
    pub fn of(edition: AnyEdition, metric: Metric) -> Option<AnswerKind> {
        if !asks(edition, metric) {
            return None;
        }
        match (edition.current(), metric.categorical(), metric.legacy_question()) {
            (Some(_), Some(q), _) | (None, _, Some(q)) => Some(AnswerKind::Choice { question: q }),
            (Some(_), None, _) => Some(AnswerKind::Percent),
            (None, _, None) => None,
        }
    }
}

/// How a question stage words `metric` in `edition`: the current editions'
/// own terms (recovery time, the percentages), or section 1's.
pub fn wording(edition: AnyEdition, metric: Metric) -> (&'static str, &'static str, &'static str) {
    match (edition.current(), metric.legacy_question()) {
        (None, Some(q)) => (q.title(), q.prompt(), q.tip()),
        _ => (metric.title(), metric.prompt(), metric.tip()),
    }
}

/// Parses a vote or a lock on `metric`, as it is stored: the answer id, or
/// the percent's digits. The refusal names `answer`.
pub fn parse_answer(edition: AnyEdition, metric: Metric, raw: &str) -> Result<String, FieldError> {
    let kind = AnswerKind::of(edition, metric).ok_or_else(|| {
        FieldError::new(
            "question",
            format!("the {} edition does not ask {}", edition.id(), metric.id()),
        )
    })?;
    match kind {
        AnswerKind::Choice { question } => question
            .answer(raw.trim())
            .map(|a| a.id().to_string())
            .ok_or_else(|| FieldError::new("answer", format!("unknown answer {raw:?} for {}", metric.id()))),
        AnswerKind::Percent => Percent::from_text("answer", raw).map(|p| p.get().to_string()),
    }
}

/// The median of percent votes (the mean of the two middle ones on an even
/// count, as every median here), `None` without votes.
pub fn median(values: &[u8]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().map(|p| f64::from(*p)).collect();
    crate::measured::median(&mut v)
}

/// What the lock proposes for `choices` (stored answers): the most chosen
/// answer (the better one on a tie) or the median percent rounded half up.
pub fn proposal<'a>(kind: AnswerKind, choices: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
    match kind {
        AnswerKind::Choice { question } => {
            super::state::most_chosen(question, choices).map(|a: Answer| a.id().to_string())
        }
        AnswerKind::Percent => {
            let values: Vec<u8> = choices.filter_map(|c| c.parse().ok()).collect();
            median(&values).map(|m| (m.round() as u8).to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_editions_take_a_percent_where_the_legacy_ones_take_a_bucket() {
        let cfr = Metric::ChangeFailureRate;
        assert_eq!(parse_answer(AnyEdition::Y2019, cfr, "0-15").unwrap(), "0-15");
        assert_eq!(parse_answer(AnyEdition::Y2019, cfr, "12").unwrap_err().field, "answer");
        assert_eq!(parse_answer(AnyEdition::Y2025, cfr, " 12 ").unwrap(), "12");
        assert_eq!(
            parse_answer(AnyEdition::Y2025, cfr, "0-15").unwrap_err().field,
            "answer"
        );
        assert_eq!(parse_answer(AnyEdition::Y2024, cfr, "101").unwrap_err().field, "answer");
        assert_eq!(
            parse_answer(AnyEdition::Y2025, Metric::LeadTime, "less_than_one_day").unwrap(),
            "less_than_one_day"
        );
        assert_eq!(parse_answer(AnyEdition::Y2025, Metric::ReworkRate, "0").unwrap(), "0");
        for e in [AnyEdition::Y2019, AnyEdition::Y2024] {
            assert_eq!(parse_answer(e, Metric::ReworkRate, "5").unwrap_err().field, "question");
        }
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two_and_the_lock_rounds_it_half_up() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[40, 5, 10]), Some(10.0));
        assert_eq!(median(&[10, 15, 90, 0]), Some(12.5));
        let votes = ["10", "15", "90", "0"];
        assert_eq!(
            proposal(AnswerKind::Percent, votes.iter().copied()).as_deref(),
            Some("13")
        );
        assert_eq!(proposal(AnswerKind::Percent, [].iter().copied()), None);
    }
}
