//! Benchmark editions: the population the percentile is measured against.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        default = "2019",
        description = "The survey population the percentile is measured against (State of DevOps 2019, 2021 or 2022)."
    )
)]
pub enum Benchmark {
    #[default]
    #[serde(rename = "2019")]
    Y2019,
    #[serde(rename = "2021")]
    Y2021,
    #[serde(rename = "2022")]
    Y2022,
}

impl Benchmark {
    pub const ALL: [Benchmark; 3] = [Benchmark::Y2019, Benchmark::Y2021, Benchmark::Y2022];

    pub fn id(self) -> &'static str {
        match self {
            Benchmark::Y2019 => "2019",
            Benchmark::Y2021 => "2021",
            Benchmark::Y2022 => "2022",
        }
    }

    pub fn from_id(id: &str) -> Option<Benchmark> {
        Benchmark::ALL.into_iter().find(|b| b.id() == id)
    }

    /// Mean of the respondents' average answer code.
    pub fn mean(self) -> f64 {
        match self {
            Benchmark::Y2019 => 4.251338,
            Benchmark::Y2021 => 3.9495,
            Benchmark::Y2022 => 3.8187,
        }
    }

    /// Standard deviation of the respondents' average answer code.
    pub fn sd(self) -> f64 {
        match self {
            Benchmark::Y2019 => 1.000992,
            Benchmark::Y2021 => 1.0547,
            Benchmark::Y2022 => 1.0642,
        }
    }
}
