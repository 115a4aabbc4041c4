//! Data for the banded performance chart and the per-metric view.

use serde::{Deserialize, Serialize};

use super::{assess::percentile, baselines::Industry, AssessmentInput, Benchmark, Level};

/// Colours of the reference chart; always paired with a text label.
pub fn level_colour(level: Level) -> &'static str {
    match level {
        Level::Low => "#D93025",
        Level::Medium => "#FBBC04",
        Level::High => "#34A853",
        Level::Elite => "#0D652D",
    }
}
pub const MARKER_COLOUR: &str = "#0F346F";

/// One level's stretch of the 0–100 % bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub level: Level,
    pub from: u8,
    pub to: u8,
}

/// The four bands of a benchmark: cut where Phi crosses the level thresholds.
pub fn bands(benchmark: Benchmark) -> [Band; 4] {
    let [low, medium, high] = Level::UPPER_BOUNDS.map(|avg| percentile(avg, benchmark));
    [
        Band {
            level: Level::Low,
            from: 0,
            to: low,
        },
        Band {
            level: Level::Medium,
            from: low,
            to: medium,
        },
        Band {
            level: Level::High,
            from: medium,
            to: high,
        },
        Band {
            level: Level::Elite,
            from: high,
            to: 100,
        },
    ]
}

/// One row of the per-metric view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricView {
    pub question: super::Question,
    pub answer_label: &'static str,
    /// `20 * (code - 1)`.
    pub value: u8,
    pub baseline: u8,
}

pub fn per_metric(input: &AssessmentInput, industry: Industry) -> [MetricView; 4] {
    let baselines = industry.baselines();
    let answers = input.answers();
    std::array::from_fn(|i| MetricView {
        question: answers[i].question(),
        answer_label: answers[i].label(),
        value: answers[i].scaled(),
        baseline: baselines[i],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_2019_match_the_reference() {
        let b = bands(Benchmark::Y2019);
        assert_eq!(
            b.map(|band| (band.from, band.to)),
            [(0, 23), (23, 56), (56, 83), (83, 100)]
        );
    }

    #[test]
    fn bands_are_contiguous_for_every_benchmark() {
        for benchmark in Benchmark::ALL {
            let b = bands(benchmark);
            assert_eq!(b[0].from, 0);
            assert_eq!(b[3].to, 100);
            for w in b.windows(2) {
                assert_eq!(w[0].to, w[1].from);
                assert!(w[0].from <= w[0].to);
            }
        }
    }

    #[test]
    fn per_metric_view_puts_answers_beside_the_industry_baseline() {
        let input = AssessmentInput::parse(
            Some("less_than_one_day"),
            Some("weekly_to_monthly"),
            Some("less_than_one_hour"),
            Some("16-30"),
            None,
        )
        .unwrap();
        let rows = per_metric(&input, Industry::Retail);
        assert_eq!(rows.map(|r| r.value), [80, 40, 100, 80]);
        assert_eq!(rows.map(|r| r.baseline), [59, 67, 87, 89]);
        assert_eq!(per_metric(&input, Industry::All).map(|r| r.baseline), [50, 49, 78, 88]);
    }
}
