//! The four questions, their answers (stable ids, codes 1..=6) and workshop tips.

use serde::{Deserialize, Serialize};

/// One of the four DORA questions, about the squad's primary application or service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    LeadTime,
    DeployFrequency,
    TimeToRestore,
    ChangeFailureRate,
}

/// A parsed answer: which question, and its code (1 worst ..= 6 best).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Answer {
    question: Question,
    code: u8,
}

const DURATION_IDS: [&str; 6] = [
    "more_than_six_months",
    "one_to_six_months",
    "one_week_to_one_month",
    "one_day_to_one_week",
    "less_than_one_day",
    "less_than_one_hour",
];
const DURATION_LABELS: [&str; 6] = [
    "More than six months",
    "Between one month and six months",
    "Between one week and one month",
    "Between one day and one week",
    "Less than one day",
    "Less than one hour",
];
const FREQUENCY_IDS: [&str; 6] = [
    "fewer_than_once_per_six_months",
    "monthly_to_six_monthly",
    "weekly_to_monthly",
    "daily_to_weekly",
    "hourly_to_daily",
    "on_demand",
];
const FREQUENCY_LABELS: [&str; 6] = [
    "Fewer than once every six months",
    "Between once a month and once every six months",
    "Between once a week and once a month",
    "Between once a day and once a week",
    "Between once an hour and once a day",
    "On demand (several deploys a day)",
];
const FAILURE_IDS: [&str; 6] = ["76-100", "61-75", "46-60", "31-45", "16-30", "0-15"];
const FAILURE_LABELS: [&str; 6] = ["76–100 %", "61–75 %", "46–60 %", "31–45 %", "16–30 %", "0–15 %"];

impl Question {
    /// In the order the workshop asks them.
    pub const ALL: [Question; 4] = [
        Question::LeadTime,
        Question::DeployFrequency,
        Question::TimeToRestore,
        Question::ChangeFailureRate,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Question::LeadTime => "lead_time",
            Question::DeployFrequency => "deploy_frequency",
            Question::TimeToRestore => "time_to_restore",
            Question::ChangeFailureRate => "change_failure_rate",
        }
    }

    pub fn from_id(id: &str) -> Option<Question> {
        Question::ALL.into_iter().find(|q| q.id() == id)
    }

    /// Short name of the metric.
    pub fn title(self) -> &'static str {
        match self {
            Question::LeadTime => "Lead time for changes",
            Question::DeployFrequency => "Deployment frequency",
            Question::TimeToRestore => "Time to restore service",
            Question::ChangeFailureRate => "Change failure rate",
        }
    }

    /// The question as the squad reads it.
    pub fn prompt(self) -> &'static str {
        match self {
            Question::LeadTime => "For the primary application or service you work on, how long does it take to go from code committed to code running successfully in production?",
            Question::DeployFrequency => "For the primary application or service you work on, how often does your squad deploy code to production or release it to end users?",
            Question::TimeToRestore => "For the primary application or service you work on, how long does it generally take to restore service after an incident or a defect that affects users?",
            Question::ChangeFailureRate => "For the primary application or service you work on, what share of changes to production result in degraded service and need remediation (a rollback, hotfix, fix forward or patch)?",
        }
    }

    /// The workshop's facilitation tip for this question.
    pub fn tip(self) -> &'static str {
        match self {
            Question::LeadTime => "Follow one commit on its journey: from the push until it is ready for use in production. If you have no data, a best guess from what you know of the code base and the pipeline is fine.",
            Question::DeployFrequency => "Answer how often the squad can deploy, not only how often it does. On demand is best: could you do several deploys in the next two hours, and keep that up for weeks?",
            Question::TimeToRestore => "Count from the moment the incident began, including the time it took to notice it, until users were no longer affected.",
            Question::ChangeFailureRate => "A failed change is any change that needed manual intervention afterwards: a rollback, a hotfix, a fix forward or a patch. A best guess is fine when there is no data.",
        }
    }

    /// Answer ids, code 1 first.
    pub fn answer_ids(self) -> &'static [&'static str; 6] {
        match self {
            Question::LeadTime | Question::TimeToRestore => &DURATION_IDS,
            Question::DeployFrequency => &FREQUENCY_IDS,
            Question::ChangeFailureRate => &FAILURE_IDS,
        }
    }

    fn answer_labels(self) -> &'static [&'static str; 6] {
        match self {
            Question::LeadTime | Question::TimeToRestore => &DURATION_LABELS,
            Question::DeployFrequency => &FREQUENCY_LABELS,
            Question::ChangeFailureRate => &FAILURE_LABELS,
        }
    }

    /// All six answers, best first, as a form lists them.
    pub fn answers_best_first(self) -> impl Iterator<Item = Answer> {
        (1..=6u8).rev().map(move |code| Answer { question: self, code })
    }

    /// Parses an answer id for this question.
    pub fn answer(self, id: &str) -> Option<Answer> {
        self.answer_ids()
            .iter()
            .position(|candidate| *candidate == id)
            .map(|i| Answer {
                question: self,
                code: i as u8 + 1,
            })
    }

    /// The answer with this code; codes outside 1..=6 are clamped, as the scoring does.
    pub fn answer_with_code(self, code: u8) -> Answer {
        Answer {
            question: self,
            code: code.clamp(1, 6),
        }
    }
}

impl Answer {
    pub fn question(self) -> Question {
        self.question
    }
    /// 1 (worst) ..= 6 (best).
    pub fn code(self) -> u8 {
        self.code
    }
    pub fn id(self) -> &'static str {
        self.question.answer_ids()[usize::from(self.code - 1)]
    }
    pub fn label(self) -> &'static str {
        self.question.answer_labels()[usize::from(self.code - 1)]
    }
    /// The answer on the 0–100 scale of the per-metric view: `20 * (code - 1)`.
    pub fn scaled(self) -> u8 {
        20 * (self.code - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_is_always_the_best_answer() {
        assert_eq!(Question::LeadTime.answer("less_than_one_hour").unwrap().code(), 6);
        assert_eq!(Question::DeployFrequency.answer("on_demand").unwrap().code(), 6);
        assert_eq!(
            Question::TimeToRestore.answer("more_than_six_months").unwrap().code(),
            1
        );
        assert_eq!(Question::ChangeFailureRate.answer("0-15").unwrap().code(), 6);
        assert_eq!(Question::ChangeFailureRate.answer("76-100").unwrap().code(), 1);
    }

    #[test]
    fn ids_round_trip_and_unknown_ids_are_refused() {
        for q in Question::ALL {
            assert_eq!(Question::from_id(q.id()), Some(q));
            for a in q.answers_best_first() {
                assert_eq!(q.answer(a.id()), Some(a));
            }
            assert_eq!(q.answer("sometimes"), None);
        }
        // An answer id of another question is not an answer to this one.
        assert_eq!(Question::LeadTime.answer("on_demand"), None);
    }

    #[test]
    fn scaled_view_runs_from_0_to_100() {
        assert_eq!(Question::LeadTime.answer_with_code(1).scaled(), 0);
        assert_eq!(Question::LeadTime.answer_with_code(4).scaled(), 60);
        assert_eq!(Question::LeadTime.answer_with_code(6).scaled(), 100);
        assert_eq!(Question::LeadTime.answer_with_code(9).code(), 6);
    }
}
