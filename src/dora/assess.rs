//! Score, level and percentile: the Quick Check 2019 algorithm.

use serde::{Deserialize, Serialize};

use super::{capabilities::CapabilityKey, Answer, Benchmark, Question};
use crate::error::FieldError;

/// Performance level (cluster) of a squad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "Performance level from the mean answer code: <= 3.5 low, <= 4.4 medium, <= 5.2 high, else elite."
    )
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
    Elite,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Low, Level::Medium, Level::High, Level::Elite];

    /// Upper bound (inclusive) of the average code for each level but Elite.
    pub(crate) const UPPER_BOUNDS: [f64; 3] = [3.5, 4.4, 5.2];

    pub fn id(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Elite => "elite",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Low => "Low",
            Level::Medium => "Medium",
            Level::High => "High",
            Level::Elite => "Elite",
        }
    }

    pub fn from_avg(avg: f64) -> Level {
        match avg {
            a if a <= Level::UPPER_BOUNDS[0] => Level::Low,
            a if a <= Level::UPPER_BOUNDS[1] => Level::Medium,
            a if a <= Level::UPPER_BOUNDS[2] => Level::High,
            _ => Level::Elite,
        }
    }
}

/// The standard normal CDF, computed with the Abramowitz & Stegun 7.1.26 erf
/// approximation because the reference tool does, and we must match it to the
/// integer percent.
pub fn phi(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

fn erf(x: f64) -> f64 {
    const P: f64 = 0.327_591_1;
    const A: [f64; 5] = [
        0.254_829_592,
        -0.284_496_736,
        1.421_413_741,
        -1.453_152_027,
        1.061_405_429,
    ];
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let t = 1.0 / (1.0 + P * x);
    let poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
    sign * (1.0 - poly * (-x * x).exp())
}

/// "Performing better than P % of respondents" for an average code.
pub fn percentile(avg: f64, benchmark: Benchmark) -> u8 {
    let p = 100.0 * phi((avg - benchmark.mean()) / benchmark.sd());
    p.round().clamp(0.0, 100.0) as u8
}

/// The result of assessing four answers against a benchmark.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Mean of the four codes (1..=6).
    pub score: f64,
    pub level: Level,
    pub percentile: u8,
    pub benchmark: Benchmark,
    pub recommended_capabilities: Vec<CapabilityKey>,
}

impl Assessment {
    pub fn from_avg(avg: f64, benchmark: Benchmark) -> Assessment {
        let avg = avg.clamp(1.0, 6.0);
        let level = Level::from_avg(avg);
        Assessment {
            score: avg,
            level,
            percentile: percentile(avg, benchmark),
            benchmark,
            recommended_capabilities: CapabilityKey::recommended_for(level).to_vec(),
        }
    }
}

/// Four parsed answers, one per question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssessmentInput {
    pub lead_time: Answer,
    pub deploy_frequency: Answer,
    pub time_to_restore: Answer,
    pub change_failure_rate: Answer,
    pub benchmark: Benchmark,
}

impl AssessmentInput {
    /// Parses answer ids (as a form or the JSON API sends them). `benchmark`
    /// defaults to 2019 when absent or empty.
    pub fn parse(
        lead_time: Option<&str>,
        deploy_frequency: Option<&str>,
        time_to_restore: Option<&str>,
        change_failure_rate: Option<&str>,
        benchmark: Option<&str>,
    ) -> Result<AssessmentInput, FieldError> {
        let answer = |q: Question, raw: Option<&str>| -> Result<Answer, FieldError> {
            let raw = raw
                .filter(|s| !s.is_empty())
                .ok_or_else(|| FieldError::new(q.id(), format!("{} is required", q.id())))?;
            q.answer(raw).ok_or_else(|| {
                FieldError::new(
                    q.id(),
                    format!(
                        "unknown answer {raw:?} for {}; expected one of {}",
                        q.id(),
                        q.answer_ids().join(", ")
                    ),
                )
            })
        };
        let benchmark = match benchmark.filter(|s| !s.is_empty()) {
            None => Benchmark::default(),
            Some(raw) => crate::dora::current::AnyEdition::parse(raw)?.legacy().ok_or_else(|| {
                FieldError::new(
                    "benchmark",
                    format!("the {raw} edition scores 0 to 10; a level and percentile take 2019, 2021 or 2022"),
                )
            })?,
        };
        Ok(AssessmentInput {
            lead_time: answer(Question::LeadTime, lead_time)?,
            deploy_frequency: answer(Question::DeployFrequency, deploy_frequency)?,
            time_to_restore: answer(Question::TimeToRestore, time_to_restore)?,
            change_failure_rate: answer(Question::ChangeFailureRate, change_failure_rate)?,
            benchmark,
        })
    }

    pub fn answers(&self) -> [Answer; 4] {
        [
            self.lead_time,
            self.deploy_frequency,
            self.time_to_restore,
            self.change_failure_rate,
        ]
    }

    pub fn average(&self) -> f64 {
        self.answers().iter().map(|a| f64::from(a.code())).sum::<f64>() / 4.0
    }
}

pub fn assess(input: &AssessmentInput) -> Assessment {
    Assessment::from_avg(input.average(), input.benchmark)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reference_checks_2019() {
        let cases = [
            (5.5, Level::Elite, 89),
            (5.2, Level::High, 83),
            (4.4, Level::Medium, 56),
            (6.0, Level::Elite, 96),
            (3.5, Level::Low, 23),
        ];
        for (avg, level, pct) in cases {
            let a = Assessment::from_avg(avg, Benchmark::Y2019);
            assert_eq!((a.level, a.percentile), (level, pct), "avg {avg}");
        }
    }

    #[test]
    fn later_benchmarks_use_their_own_population() {
        // Same answers look better against the weaker 2021 and 2022 populations.
        // Figures computed independently from the published mean and sd.
        let expected = [
            (Benchmark::Y2021, [33, 67, 88, 93, 97]),
            (Benchmark::Y2022, [38, 71, 90, 94, 98]),
        ];
        for (benchmark, pcts) in expected {
            for (avg, pct) in [3.5, 4.4, 5.2, 5.5, 6.0].into_iter().zip(pcts) {
                assert_eq!(percentile(avg, benchmark), pct, "{benchmark:?} avg {avg}");
            }
        }
        // The level does not depend on the benchmark.
        assert_eq!(Assessment::from_avg(5.5, Benchmark::Y2022).level, Level::Elite);
    }

    #[test]
    fn phi_matches_known_values() {
        assert!((phi(0.0) - 0.5).abs() < 1e-9);
        assert!((phi(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((phi(-1.96) - 0.024_997_9).abs() < 1e-6);
    }

    #[test]
    fn parse_names_the_wrong_field() {
        let err = AssessmentInput::parse(
            Some("less_than_one_hour"),
            Some("weekly"),
            Some("less_than_one_day"),
            Some("0-15"),
            None,
        )
        .unwrap_err();
        assert_eq!(err.field, "deploy_frequency");
        let err = AssessmentInput::parse(
            Some("less_than_one_hour"),
            Some("on_demand"),
            Some("less_than_one_day"),
            Some("0-15"),
            Some("2020"),
        )
        .unwrap_err();
        assert_eq!(err.field, "benchmark");
        let err =
            AssessmentInput::parse(None, Some("on_demand"), Some("less_than_one_day"), Some("0-15"), None).unwrap_err();
        assert_eq!(err.field, "lead_time");
    }

    #[test]
    fn all_best_answers_are_elite_and_recommend_elite_capabilities() {
        let input = AssessmentInput::parse(
            Some("less_than_one_hour"),
            Some("on_demand"),
            Some("less_than_one_hour"),
            Some("0-15"),
            None,
        )
        .unwrap();
        let a = assess(&input);
        assert_eq!(a.score, 6.0);
        assert_eq!(a.level, Level::Elite);
        assert_eq!(a.percentile, 96);
        assert_eq!(
            a.recommended_capabilities,
            CapabilityKey::recommended_for(Level::Elite).to_vec()
        );
    }

    fn codes() -> impl Strategy<Value = [u8; 4]> {
        [1u8..=6, 1u8..=6, 1u8..=6, 1u8..=6]
    }

    fn input(codes: [u8; 4], benchmark: Benchmark) -> AssessmentInput {
        AssessmentInput {
            lead_time: Question::LeadTime.answer_with_code(codes[0]),
            deploy_frequency: Question::DeployFrequency.answer_with_code(codes[1]),
            time_to_restore: Question::TimeToRestore.answer_with_code(codes[2]),
            change_failure_rate: Question::ChangeFailureRate.answer_with_code(codes[3]),
            benchmark,
        }
    }

    proptest! {
        #[test]
        fn a_better_answer_never_lowers_score_level_or_percentile(c in codes(), which in 0usize..4, b in 0usize..3) {
            prop_assume!(c[which] < 6);
            let benchmark = Benchmark::ALL[b];
            let before = assess(&input(c, benchmark));
            let mut better = c;
            better[which] += 1;
            let after = assess(&input(better, benchmark));
            prop_assert!(after.score > before.score);
            prop_assert!(after.level >= before.level);
            prop_assert!(after.percentile >= before.percentile);
        }

        #[test]
        fn percentile_stays_in_range_and_level_follows_thresholds(avg in 1.0f64..=6.0, b in 0usize..3) {
            let a = Assessment::from_avg(avg, Benchmark::ALL[b]);
            prop_assert!(a.percentile <= 100);
            prop_assert_eq!(a.level == Level::Elite, avg > 5.2);
            prop_assert_eq!(a.level == Level::Low, avg <= 3.5);
            prop_assert_eq!(a.recommended_capabilities.len(), 3);
        }

        #[test]
        fn answer_order_does_not_matter(c in codes(), b in 0usize..3) {
            let benchmark = Benchmark::ALL[b];
            let rotated = [c[1], c[2], c[3], c[0]];
            prop_assert_eq!(assess(&input(c, benchmark)), assess(&input(rotated, benchmark)));
        }
    }
}
