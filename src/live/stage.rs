//! The workshop's stages, in the order the facilitator takes them.

use serde::{Deserialize, Serialize};

use crate::dora::current::{AnyEdition, Metric};

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
    /// Asked in the 2025 edition only.
    ReworkRate,
    Maturity,
    Capabilities,
    Board,
    Summary,
    Survey,
}

impl Stage {
    pub const ALL: [Stage; 12] = [
        Stage::Welcome,
        Stage::Scene,
        Stage::LeadTime,
        Stage::DeployFrequency,
        Stage::TimeToRestore,
        Stage::ChangeFailureRate,
        Stage::ReworkRate,
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
            Stage::ReworkRate => "rework_rate",
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

    /// The stage's name in the legacy editions.
    pub fn label(self) -> &'static str {
        self.label_in(AnyEdition::Y2019)
    }

    /// The stage's name in `edition`: the current editions call the maturity
    /// stage "Performance" and ask recovery time instead of time to restore.
    pub fn label_in(self, edition: AnyEdition) -> &'static str {
        let current = edition.current().is_some();
        match self {
            Stage::Welcome => "Welcome",
            Stage::Scene => "Set the scene",
            Stage::Maturity if current => "Performance",
            Stage::Maturity => "Maturity",
            Stage::Capabilities if current => "What's holding you back",
            Stage::Capabilities => "Capabilities",
            Stage::Board => "Path to production",
            Stage::Summary => "Summary",
            Stage::Survey => "Survey",
            other => match other.metric() {
                Some(m) if current => m.title(),
                Some(m) => m.legacy_question().map(|q| q.title()).unwrap_or_default(),
                None => "",
            },
        }
    }

    /// The metric asked at this stage, if it is a question stage.
    pub fn metric(self) -> Option<Metric> {
        match self {
            Stage::LeadTime => Some(Metric::LeadTime),
            Stage::DeployFrequency => Some(Metric::DeployFrequency),
            Stage::TimeToRestore => Some(Metric::TimeToRestore),
            Stage::ChangeFailureRate => Some(Metric::ChangeFailureRate),
            Stage::ReworkRate => Some(Metric::ReworkRate),
            _ => None,
        }
    }

    pub fn of_metric(m: Metric) -> Stage {
        match m {
            Metric::LeadTime => Stage::LeadTime,
            Metric::DeployFrequency => Stage::DeployFrequency,
            Metric::TimeToRestore => Stage::TimeToRestore,
            Metric::ChangeFailureRate => Stage::ChangeFailureRate,
            Metric::ReworkRate => Stage::ReworkRate,
        }
    }

    /// Whether a checkpoint in `edition` has this stage (rework is 2025's only).
    pub fn in_edition(self, edition: AnyEdition) -> bool {
        self.metric().is_none_or(|m| asks(edition, m))
    }

    /// The stages of `edition`, in order.
    pub fn all_in(edition: AnyEdition) -> impl Iterator<Item = Stage> {
        Stage::ALL.into_iter().filter(move |s| s.in_edition(edition))
    }

    pub fn next_in(self, edition: AnyEdition) -> Option<Stage> {
        Stage::all_in(edition).find(|s| *s > self)
    }

    pub fn previous_in(self, edition: AnyEdition) -> Option<Stage> {
        Stage::all_in(edition).take_while(|s| *s < self).last()
    }
}

/// Whether `edition` asks `metric`: the legacy editions ask the four of
/// section 1, the current ones their own list.
pub fn asks(edition: AnyEdition, metric: Metric) -> bool {
    match edition.current() {
        Some(e) => e.asks(metric),
        None => metric.legacy_question().is_some(),
    }
}

/// Position of a metric in [`Metric::ALL`]: the slot of its votes and its
/// question document (the legacy four keep their places).
pub fn metric_index(m: Metric) -> usize {
    Metric::ALL.iter().position(|x| *x == m).unwrap_or(0)
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
                "rework_rate",
                "maturity",
                "capabilities",
                "board",
                "summary",
                "survey"
            ]
        );
        let legacy = AnyEdition::Y2019;
        let asked: Vec<&str> = Stage::all_in(legacy)
            .filter_map(|s| s.metric())
            .map(|m| m.id())
            .collect();
        assert_eq!(asked, crate::dora::Question::ALL.map(|q| q.id()));
        assert_eq!(Stage::Maturity.next_in(legacy), Some(Stage::Capabilities));
        assert_eq!(Stage::Capabilities.next_in(legacy), Some(Stage::Board));
        assert_eq!(Stage::Board.next_in(legacy), Some(Stage::Summary));
        assert_eq!(Stage::Survey.next_in(legacy), None);
        assert_eq!(Stage::Welcome.previous_in(legacy), None);
        assert_eq!(Stage::Scene.next_in(legacy), Some(Stage::LeadTime));
        for s in Stage::ALL {
            assert_eq!(Stage::from_id(s.id()), Some(s));
        }
    }

    #[test]
    fn only_the_2025_edition_asks_rework_after_change_failure_rate() {
        for e in [AnyEdition::Y2019, AnyEdition::Y2022, AnyEdition::Y2024] {
            assert!(!Stage::ReworkRate.in_edition(e));
            assert_eq!(Stage::ChangeFailureRate.next_in(e), Some(Stage::Maturity));
            assert_eq!(Stage::Maturity.previous_in(e), Some(Stage::ChangeFailureRate));
        }
        let e = AnyEdition::Y2025;
        assert_eq!(Stage::ChangeFailureRate.next_in(e), Some(Stage::ReworkRate));
        assert_eq!(Stage::ReworkRate.next_in(e), Some(Stage::Maturity));
        assert_eq!(Stage::Maturity.previous_in(e), Some(Stage::ReworkRate));
        assert_eq!(Stage::all_in(e).count(), 12);
        assert_eq!(Stage::all_in(AnyEdition::Y2024).count(), 11);
    }

    #[test]
    fn the_current_editions_name_their_stages_in_their_own_terms() {
        assert_eq!(Stage::Maturity.label_in(AnyEdition::Y2025), "Performance");
        assert_eq!(Stage::Maturity.label_in(AnyEdition::Y2021), "Maturity");
        assert_eq!(
            Stage::TimeToRestore.label_in(AnyEdition::Y2024),
            "Failed deployment recovery time"
        );
        assert_eq!(
            Stage::TimeToRestore.label_in(AnyEdition::Y2019),
            crate::dora::Question::TimeToRestore.title()
        );
        assert_eq!(Stage::ReworkRate.label_in(AnyEdition::Y2025), "Deployment rework rate");
    }
}
