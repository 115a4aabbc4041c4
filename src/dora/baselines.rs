//! Industry baselines for the per-metric view (2019), on the 0–100 scale.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Industry {
    #[default]
    All,
    Technology,
    Finance,
    Retail,
    Government,
    Healthcare,
    Telecoms,
    Media,
    Insurance,
    Industrials,
    Energy,
    Education,
    NonProfit,
    Other,
}

impl Industry {
    pub const ALL: [Industry; 14] = [
        Industry::All,
        Industry::Technology,
        Industry::Finance,
        Industry::Retail,
        Industry::Government,
        Industry::Healthcare,
        Industry::Telecoms,
        Industry::Media,
        Industry::Insurance,
        Industry::Industrials,
        Industry::Energy,
        Industry::Education,
        Industry::NonProfit,
        Industry::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Industry::All => "all",
            Industry::Technology => "technology",
            Industry::Finance => "finance",
            Industry::Retail => "retail",
            Industry::Government => "government",
            Industry::Healthcare => "healthcare",
            Industry::Telecoms => "telecoms",
            Industry::Media => "media",
            Industry::Insurance => "insurance",
            Industry::Industrials => "industrials",
            Industry::Energy => "energy",
            Industry::Education => "education",
            Industry::NonProfit => "non-profit",
            Industry::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Industry::All => "All industries",
            Industry::Technology => "Technology",
            Industry::Finance => "Financial services",
            Industry::Retail => "Retail",
            Industry::Government => "Government",
            Industry::Healthcare => "Healthcare",
            Industry::Telecoms => "Telecommunications",
            Industry::Media => "Media and entertainment",
            Industry::Insurance => "Insurance",
            Industry::Industrials => "Industrials and manufacturing",
            Industry::Energy => "Energy",
            Industry::Education => "Education",
            Industry::NonProfit => "Non-profit",
            Industry::Other => "Other",
        }
    }

    pub fn from_id(id: &str) -> Option<Industry> {
        Industry::ALL.into_iter().find(|i| i.id() == id)
    }

    /// Baselines in question order: lead time, deploy frequency, time to restore, change fail.
    pub fn baselines(self) -> [u8; 4] {
        match self {
            Industry::All => [50, 49, 78, 88],
            Industry::Technology => [51, 51, 78, 90],
            Industry::Finance => [46, 44, 78, 84],
            Industry::Retail => [59, 67, 87, 89],
            Industry::Government => [38, 36, 70, 88],
            Industry::Healthcare => [41, 42, 68, 82],
            Industry::Telecoms => [44, 43, 79, 81],
            Industry::Media => [58, 65, 85, 85],
            Industry::Insurance => [49, 51, 80, 91],
            Industry::Industrials => [40, 39, 79, 91],
            Industry::Energy => [40, 35, 73, 81],
            Industry::Education => [52, 49, 73, 96],
            Industry::NonProfit => [67, 73, 93, 98],
            Industry::Other => [51, 48, 80, 89],
        }
    }
}
