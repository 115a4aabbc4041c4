//! The workshop's stages, in the order the facilitator takes them.

use serde::{Deserialize, Serialize};

use crate::dora::Question;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    #[default]
    Welcome,
    Scene,
    LeadTime,
    DeployFrequency,
    TimeToRestore,
    ChangeFailureRate,
    Maturity,
    Capabilities,
    Board,
    Summary,
    Survey,
}

impl Stage {
    pub const ALL: [Stage; 11] = [
        Stage::Welcome,
        Stage::Scene,
        Stage::LeadTime,
        Stage::DeployFrequency,
        Stage::TimeToRestore,
        Stage::ChangeFailureRate,
        Stage::Maturity,
        Stage::Capabilities,
        Stage::Board,
        Stage::Summary,
        Stage::Survey,
    ];

    pub fn index(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn id(self) -> &'static str {
        match self {
            Stage::Welcome => "welcome",
            Stage::Scene => "scene",
            Stage::LeadTime => "lead_time",
            Stage::DeployFrequency => "deploy_frequency",
            Stage::TimeToRestore => "time_to_restore",
            Stage::ChangeFailureRate => "change_failure_rate",
            Stage::Maturity => "maturity",
            Stage::Capabilities => "capabilities",
            Stage::Board => "board",
            Stage::Summary => "summary",
            Stage::Survey => "survey",
        }
    }

    pub fn from_id(id: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Welcome => "Welcome",
            Stage::Scene => "Set the scene",
            Stage::Maturity => "Maturity",
            Stage::Capabilities => "Capabilities",
            Stage::Board => "Path to production",
            Stage::Summary => "Summary",
            Stage::Survey => "Survey",
            other => other.question().map(Question::title).unwrap_or_default(),
        }
    }

    /// The question asked at this stage, if it is one of the four.
    pub fn question(self) -> Option<Question> {
        match self {
            Stage::LeadTime => Some(Question::LeadTime),
            Stage::DeployFrequency => Some(Question::DeployFrequency),
            Stage::TimeToRestore => Some(Question::TimeToRestore),
            Stage::ChangeFailureRate => Some(Question::ChangeFailureRate),
            _ => None,
        }
    }

    pub fn of_question(q: Question) -> Stage {
        match q {
            Question::LeadTime => Stage::LeadTime,
            Question::DeployFrequency => Stage::DeployFrequency,
            Question::TimeToRestore => Stage::TimeToRestore,
            Question::ChangeFailureRate => Stage::ChangeFailureRate,
        }
    }

    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.index() + 1).copied()
    }

    pub fn previous(self) -> Option<Stage> {
        self.index().checked_sub(1).map(|i| Stage::ALL[i])
    }
}

/// Position of a question in [`Question::ALL`].
pub fn question_index(q: Question) -> usize {
    Question::ALL.iter().position(|x| *x == q).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_run_welcome_scene_the_four_questions_in_order_then_maturity() {
        let ids: Vec<&str> = Stage::ALL.iter().map(|s| s.id()).collect();
        assert_eq!(
            ids,
            [
                "welcome",
                "scene",
                "lead_time",
                "deploy_frequency",
                "time_to_restore",
                "change_failure_rate",
                "maturity",
                "capabilities",
                "board",
                "summary",
                "survey"
            ]
        );
        let asked: Vec<Question> = Stage::ALL.iter().filter_map(|s| s.question()).collect();
        assert_eq!(asked, Question::ALL);
        assert_eq!(Stage::Maturity.next(), Some(Stage::Capabilities));
        assert_eq!(Stage::Capabilities.next(), Some(Stage::Board));
        assert_eq!(Stage::Board.next(), Some(Stage::Summary));
        assert_eq!(Stage::Survey.next(), None);
        assert_eq!(Stage::Welcome.previous(), None);
        assert_eq!(Stage::Scene.next(), Some(Stage::LeadTime));
        for s in Stage::ALL {
            assert_eq!(Stage::from_id(s.id()), Some(s));
        }
    }
}
