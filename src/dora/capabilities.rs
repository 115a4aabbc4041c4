//! The twelve capabilities the Quick Check recommends, three per level (2019 mapping),
//! with the benchmark means used by "help me prioritise".

use serde::{Deserialize, Serialize};

use super::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(description = "One of the twelve capabilities recommended by level (three per level).")
)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityKey {
    Westrum,
    Monitoring,
    SmallBatches,
    LearningCulture,
    WipLimits,
    TrunkBased,
    Ci,
    Cd,
    Architecture,
    ContinuousTesting,
    Cloud,
    Maintainability,
}

impl CapabilityKey {
    pub const ALL: [CapabilityKey; 12] = [
        CapabilityKey::Westrum,
        CapabilityKey::Monitoring,
        CapabilityKey::SmallBatches,
        CapabilityKey::LearningCulture,
        CapabilityKey::WipLimits,
        CapabilityKey::TrunkBased,
        CapabilityKey::Ci,
        CapabilityKey::Cd,
        CapabilityKey::Architecture,
        CapabilityKey::ContinuousTesting,
        CapabilityKey::Cloud,
        CapabilityKey::Maintainability,
    ];

    pub fn recommended_for(level: Level) -> &'static [CapabilityKey; 3] {
        use CapabilityKey::*;
        match level {
            Level::Elite => &[Westrum, Monitoring, SmallBatches],
            Level::High => &[LearningCulture, WipLimits, TrunkBased],
            Level::Medium => &[Ci, Cd, Architecture],
            Level::Low => &[ContinuousTesting, Cloud, Maintainability],
        }
    }

    /// The level whose recommendation this capability is.
    pub fn level(self) -> Level {
        Level::ALL
            .into_iter()
            .find(|l| CapabilityKey::recommended_for(*l).contains(&self))
            .expect("every capability is recommended for exactly one level")
    }

    pub fn id(self) -> &'static str {
        use CapabilityKey::*;
        match self {
            Westrum => "westrum",
            Monitoring => "monitoring",
            SmallBatches => "small_batches",
            LearningCulture => "learning_culture",
            WipLimits => "wip_limits",
            TrunkBased => "trunk_based",
            Ci => "ci",
            Cd => "cd",
            Architecture => "architecture",
            ContinuousTesting => "continuous_testing",
            Cloud => "cloud",
            Maintainability => "maintainability",
        }
    }

    pub fn from_id(id: &str) -> Option<CapabilityKey> {
        CapabilityKey::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Mean score of all respondents (0–100).
    pub fn all_mean(self) -> u8 {
        self.means().0
    }

    /// Mean score of the respondents at this capability's level (0–100).
    pub fn profile_mean(self) -> u8 {
        self.means().1
    }

    fn means(self) -> (u8, u8) {
        use CapabilityKey::*;
        match self {
            Westrum => (77, 85),
            Monitoring => (67, 75),
            SmallBatches => (61, 83),
            LearningCulture => (82, 85),
            WipLimits => (54, 56),
            TrunkBased => (54, 60),
            Ci => (66, 61),
            Cd => (65, 61),
            Architecture => (56, 51),
            ContinuousTesting => (63, 53),
            Cloud => (64, 55),
            Maintainability => (65, 56),
        }
    }

    /// The catalog key of the matching catalog entry.
    pub fn catalog_key(self) -> &'static str {
        use CapabilityKey::*;
        match self {
            Westrum => "generative_culture",
            Monitoring => "monitoring_observability",
            SmallBatches => "small_batches",
            LearningCulture => "learning_culture",
            WipLimits => "wip_limits",
            TrunkBased => "trunk_based",
            Ci => "continuous_integration",
            Cd => "continuous_delivery",
            Architecture => "loosely_coupled_architecture",
            ContinuousTesting => "test_automation",
            Cloud => "cloud_infrastructure",
            Maintainability => "code_maintainability",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_recommends_three_distinct_capabilities() {
        let mut seen: Vec<CapabilityKey> = Level::ALL
            .iter()
            .flat_map(|l| CapabilityKey::recommended_for(*l).to_vec())
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 12);
        assert_eq!(
            CapabilityKey::recommended_for(Level::Medium),
            &[CapabilityKey::Ci, CapabilityKey::Cd, CapabilityKey::Architecture]
        );
        assert_eq!(CapabilityKey::Cloud.level(), Level::Low);
    }

    #[test]
    fn ids_round_trip_and_match_serde() {
        for k in CapabilityKey::ALL {
            assert_eq!(CapabilityKey::from_id(k.id()), Some(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.id()));
        }
    }
}
