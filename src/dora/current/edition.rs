//! The editions of the Quick Check: the two current ones (section 7) and all
//! five, so that one id ("2019" .. "2025") says which model a checkpoint uses.

use serde::{Deserialize, Serialize};

use super::FieldError;
use crate::dora::{Benchmark, Question};

/// A current edition (section 7): five-or-four questions scored 0 to 10 and
/// compared with industry and organisation-size benchmarks, no level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "A current edition of the Quick Check (dora-model.md section 7): 2024 asks four metrics, 2025 five."
    )
)]
pub enum Edition {
    #[serde(rename = "2024")]
    Y2024,
    #[default]
    #[serde(rename = "2025")]
    Y2025,
}

/// A metric of the current editions, in the order of the table in 7.1 (which is
/// also the order of every left-to-right mean).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    LeadTime,
    DeployFrequency,
    /// Asked as failed deployment recovery time; the id stays for continuity.
    TimeToRestore,
    ChangeFailureRate,
    ReworkRate,
}

impl Metric {
    pub const ALL: [Metric; 5] = [
        Metric::LeadTime,
        Metric::DeployFrequency,
        Metric::TimeToRestore,
        Metric::ChangeFailureRate,
        Metric::ReworkRate,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Metric::LeadTime => "lead_time",
            Metric::DeployFrequency => "deploy_frequency",
            Metric::TimeToRestore => "time_to_restore",
            Metric::ChangeFailureRate => "change_failure_rate",
            Metric::ReworkRate => "rework_rate",
        }
    }

    pub fn from_id(id: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.id() == id)
    }

    /// The metric's name in the current editions.
    pub fn title(self) -> &'static str {
        match self {
            Metric::LeadTime => "Lead time for changes",
            Metric::DeployFrequency => "Deployment frequency",
            Metric::TimeToRestore => "Failed deployment recovery time",
            Metric::ChangeFailureRate => "Change failure rate",
            Metric::ReworkRate => "Deployment rework rate",
        }
    }

    /// The question as the squad reads it in the current editions (7.1):
    /// recovery is asked about failed deployments, not incidents.
    pub fn prompt(self) -> &'static str {
        match self {
            Metric::LeadTime => Question::LeadTime.prompt(),
            Metric::DeployFrequency => Question::DeployFrequency.prompt(),
            Metric::TimeToRestore => "For the primary application or service you work on, how long does it generally take to get back to normal after a change to production degraded the service and had to be remediated (a rollback, hotfix, fix forward or patch)?",
            Metric::ChangeFailureRate => "For the primary application or service you work on, what percentage of changes to production degrade the service and need remediation?",
            Metric::ReworkRate => "For the primary application or service you work on, what percentage of the deployments of the last six months were unplanned, made to fix a bug that users saw?",
        }
    }

    /// The tip shown beside the question (7.1 for the two percentages).
    pub fn tip(self) -> &'static str {
        match self {
            Metric::LeadTime => Question::LeadTime.tip(),
            Metric::DeployFrequency => Question::DeployFrequency.tip(),
            Metric::TimeToRestore => "Count from the moment the failed change reached production until the service was back to normal, whatever the remedy was.",
            Metric::ChangeFailureRate => "Count a change that needed a hotfix or a rollback as failed, whether or not anyone called it an incident. A best guess is fine when there is no data.",
            Metric::ReworkRate => "Rework is the unplanned deployment that fixes what users saw, not the planned next release.",
        }
    }

    /// The legacy question whose six answers this metric keeps; `None` for the
    /// two percentages, which are answered with an integer 0 to 100.
    pub fn categorical(self) -> Option<Question> {
        match self {
            Metric::LeadTime => Some(Question::LeadTime),
            Metric::DeployFrequency => Some(Question::DeployFrequency),
            Metric::TimeToRestore => Some(Question::TimeToRestore),
            Metric::ChangeFailureRate | Metric::ReworkRate => None,
        }
    }

    /// The metric of a section 1 question (the same id).
    pub fn of_question(q: Question) -> Metric {
        match q {
            Question::LeadTime => Metric::LeadTime,
            Question::DeployFrequency => Metric::DeployFrequency,
            Question::TimeToRestore => Metric::TimeToRestore,
            Question::ChangeFailureRate => Metric::ChangeFailureRate,
        }
    }

    /// The legacy question of the same id: the four of section 1 (rework has none).
    pub fn legacy_question(self) -> Option<Question> {
        Question::from_id(self.id())
    }

    /// Throughput or stability (recovery counts as throughput since 2024).
    pub fn is_throughput(self) -> bool {
        matches!(self, Metric::LeadTime | Metric::DeployFrequency | Metric::TimeToRestore)
    }
}

impl Edition {
    pub const ALL: [Edition; 2] = [Edition::Y2024, Edition::Y2025];

    pub fn id(self) -> &'static str {
        match self {
            Edition::Y2024 => "2024",
            Edition::Y2025 => "2025",
        }
    }

    pub fn from_id(id: &str) -> Option<Edition> {
        Edition::ALL.into_iter().find(|e| e.id() == id)
    }

    /// The questions this edition asks, in the order of 7.1.
    pub fn metrics(self) -> &'static [Metric] {
        match self {
            Edition::Y2024 => &Metric::ALL[..4],
            Edition::Y2025 => &Metric::ALL,
        }
    }

    pub fn asks(self, metric: Metric) -> bool {
        self.metrics().contains(&metric)
    }
}

/// Which model an edition runs: the legacy one (sections 1 to 4, a
/// [`Benchmark`] population) or a current one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    Legacy(Benchmark),
    Current(Edition),
}

/// Every edition a checkpoint may carry. The legacy three are exactly the
/// [`Benchmark`]s; the current two are [`Edition`]s. New checkpoints default to 2025.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AnyEdition {
    #[serde(rename = "2019")]
    Y2019,
    #[serde(rename = "2021")]
    Y2021,
    #[serde(rename = "2022")]
    Y2022,
    #[serde(rename = "2024")]
    Y2024,
    #[default]
    #[serde(rename = "2025")]
    Y2025,
}

impl AnyEdition {
    pub const ALL: [AnyEdition; 5] = [
        AnyEdition::Y2019,
        AnyEdition::Y2021,
        AnyEdition::Y2022,
        AnyEdition::Y2024,
        AnyEdition::Y2025,
    ];

    pub fn id(self) -> &'static str {
        match self.model() {
            Model::Legacy(b) => b.id(),
            Model::Current(e) => e.id(),
        }
    }

    pub fn from_id(id: &str) -> Option<AnyEdition> {
        AnyEdition::ALL.into_iter().find(|e| e.id() == id)
    }

    /// The one parser of an edition a person or a client typed: the refusal
    /// names the `benchmark` field and lists every edition.
    pub fn parse(raw: &str) -> Result<AnyEdition, FieldError> {
        let raw = raw.trim();
        AnyEdition::from_id(raw).ok_or_else(|| {
            FieldError::new(
                "benchmark",
                format!("unknown edition {raw:?}; expected 2019, 2021, 2022, 2024 or 2025"),
            )
        })
    }

    /// The edition in a stored `benchmark` column; every stored value is one
    /// of the five, and a checkpoint from before editions existed is 2019's.
    pub fn stored(id: &str) -> AnyEdition {
        AnyEdition::from_id(id).unwrap_or(AnyEdition::Y2019)
    }

    /// The edition's name in lists: "2025" or "2019 (legacy)".
    pub fn label(self) -> String {
        match self.model() {
            Model::Legacy(b) => format!("{} (legacy)", b.id()),
            Model::Current(e) => e.id().to_string(),
        }
    }

    pub fn model(self) -> Model {
        match self {
            AnyEdition::Y2019 => Model::Legacy(Benchmark::Y2019),
            AnyEdition::Y2021 => Model::Legacy(Benchmark::Y2021),
            AnyEdition::Y2022 => Model::Legacy(Benchmark::Y2022),
            AnyEdition::Y2024 => Model::Current(Edition::Y2024),
            AnyEdition::Y2025 => Model::Current(Edition::Y2025),
        }
    }

    pub fn legacy(self) -> Option<Benchmark> {
        match self.model() {
            Model::Legacy(b) => Some(b),
            Model::Current(_) => None,
        }
    }

    pub fn current(self) -> Option<Edition> {
        match self.model() {
            Model::Current(e) => Some(e),
            Model::Legacy(_) => None,
        }
    }

    /// One line on what this edition asks and returns, for the edition picker.
    pub fn summary(self) -> &'static str {
        match self {
            AnyEdition::Y2019 | AnyEdition::Y2021 | AnyEdition::Y2022 => {
                "Four questions; a level (low to elite) and a percentile against that year's respondents."
            }
            AnyEdition::Y2024 => {
                "Four metrics scored 0 to 10, recovery time instead of time to restore, compared with industry and organisation size."
            }
            AnyEdition::Y2025 => {
                "Five metrics scored 0 to 10, with deployment rework rate, compared with industry and organisation size."
            }
        }
    }
}

impl From<Benchmark> for AnyEdition {
    fn from(b: Benchmark) -> AnyEdition {
        match b {
            Benchmark::Y2019 => AnyEdition::Y2019,
            Benchmark::Y2021 => AnyEdition::Y2021,
            Benchmark::Y2022 => AnyEdition::Y2022,
        }
    }
}

impl From<Edition> for AnyEdition {
    fn from(e: Edition) -> AnyEdition {
        match e {
            Edition::Y2024 => AnyEdition::Y2024,
            Edition::Y2025 => AnyEdition::Y2025,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2025_edition_adds_rework_after_change_failure() {
        let ids = |e: Edition| e.metrics().iter().map(|m| m.id()).collect::<Vec<_>>();
        assert_eq!(
            ids(Edition::Y2024),
            [
                "lead_time",
                "deploy_frequency",
                "time_to_restore",
                "change_failure_rate"
            ]
        );
        assert_eq!(
            ids(Edition::Y2025),
            [
                "lead_time",
                "deploy_frequency",
                "time_to_restore",
                "change_failure_rate",
                "rework_rate"
            ]
        );
        assert!(!Edition::Y2024.asks(Metric::ReworkRate));
        // The categorical metrics keep the legacy ids and answers.
        for m in Metric::ALL {
            if let Some(q) = m.categorical() {
                assert_eq!(q.id(), m.id());
            }
        }
    }

    #[test]
    fn recovery_is_asked_about_failed_deployments_and_percentages_as_percentages() {
        assert_eq!(Metric::LeadTime.prompt(), Question::LeadTime.prompt());
        assert_ne!(Metric::TimeToRestore.prompt(), Question::TimeToRestore.prompt());
        assert!(Metric::TimeToRestore.prompt().contains("change to production degraded"));
        for m in [Metric::ChangeFailureRate, Metric::ReworkRate] {
            assert!(m.prompt().contains("percentage"), "{m:?}");
        }
        assert!(Metric::ChangeFailureRate.tip().contains("hotfix or a rollback"));
        assert!(Metric::ReworkRate.tip().contains("not the planned next release"));
    }

    #[test]
    fn every_edition_id_round_trips_and_matches_serde() {
        for e in AnyEdition::ALL {
            assert_eq!(AnyEdition::from_id(e.id()), Some(e));
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{}\"", e.id()));
        }
        for id in ["2020", "2023", "2026", "", "25"] {
            assert_eq!(AnyEdition::from_id(id), None, "{id}");
        }
        assert_eq!(AnyEdition::default(), AnyEdition::Y2025);
        assert_eq!(
            serde_json::to_string(&Edition::Y2024).unwrap(),
            serde_json::to_string(&AnyEdition::Y2024).unwrap()
        );
    }

    #[test]
    fn legacy_editions_are_exactly_the_benchmarks() {
        for b in Benchmark::ALL {
            let e = AnyEdition::from(b);
            assert_eq!((e.id(), e.legacy(), e.current()), (b.id(), Some(b), None));
        }
        for c in Edition::ALL {
            let e = AnyEdition::from(c);
            assert_eq!((e.id(), e.legacy(), e.current()), (c.id(), None, Some(c)));
        }
    }
}
