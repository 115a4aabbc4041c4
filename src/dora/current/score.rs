//! Scores of the current editions (7.2): every metric on 0 to 10, 10 best, and
//! the rounding the reference applies when it shows them.
//!
//! The arithmetic is written out in the reference's order on purpose: a score
//! a hair below or above a tie must fall the same way here as on DORA's page.

use super::{CurrentAnswers, Metric, Percent};
use crate::dora::Answer;

/// `((v - lo) / (hi - lo)) * (out_hi - out_lo) + out_lo`, in that order.
pub fn rescale(v: f64, lo: f64, hi: f64, out_lo: f64, out_hi: f64) -> f64 {
    ((v - lo) / (hi - lo)) * (out_hi - out_lo) + out_lo
}

/// A duration or frequency answer: code 1 → 0, code 6 → 10.
pub fn categorical_score(answer: Answer) -> f64 {
    rescale(f64::from(answer.code()), 1.0, 6.0, 0.0, 10.0)
}

/// A percentage: 0 % → 10, 100 % → 0.
pub fn percent_score(percent: Percent) -> f64 {
    rescale(f64::from(percent.get()), 0.0, 100.0, 10.0, 0.0)
}

/// The left-to-right sum divided by the count; `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().fold(0.0, |sum, v| sum + v) / values.len() as f64)
}

/// JavaScript's `x.toFixed(1)`, read back as a number.
pub fn round1(x: f64) -> f64 {
    round_half_away(x, 1)
}

/// JavaScript's `x.toFixed(2)`, read back as a number.
pub fn round2(x: f64) -> f64 {
    round_half_away(x, 2)
}

/// Rounds to `digits` decimals, half away from zero, deciding on the exact
/// value of the double as `Number.prototype.toFixed` does: 7.25 is exactly
/// 7.25 and goes up, 1.005 is really 1.00499999999999989… and goes down.
/// The result is the double nearest to the rounded decimal, i.e. what
/// `Number(x.toFixed(digits))` gives. Magnitudes of 1e13 and more (never a
/// score) are returned as they are.
fn round_half_away(x: f64, digits: u32) -> f64 {
    if !x.is_finite() || x.abs() >= 1e13 {
        return x;
    }
    let scale = 10u128.pow(digits);
    let bits = x.abs().to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1u64 << 52) - 1));
    // |x| = mantissa * 2^-shift exactly.
    let (mantissa, shift) = if exponent == 0 {
        (fraction, 1074)
    } else {
        (fraction | (1 << 52), 1075 - exponent)
    };
    if shift <= 0 {
        // An integer; unreachable below 1e13 < 2^52, kept so the shifts below stay in range.
        return x;
    }
    let rounded = if shift >= 120 {
        // |x| * scale < 2^-60: rounds to zero.
        0
    } else {
        // mantissa * scale < 2^53 * 100 < 2^60, so no overflow.
        let scaled = mantissa * scale;
        let whole = scaled >> shift;
        let remainder = scaled & ((1u128 << shift) - 1);
        // Half or more of the unit goes up: away from zero, as the sign is put back after.
        whole + u128::from(2 * remainder >= 1u128 << shift)
    };
    // Both are exact doubles (rounded < 1e15 < 2^53), so the division is the
    // correctly rounded, i.e. nearest, double to the decimal.
    (rounded as f64 / scale as f64).copysign(x)
}

/// The unrounded scores of one set of answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    pub lead_time: f64,
    pub deploy_frequency: f64,
    pub time_to_restore: f64,
    pub change_failure_rate: f64,
    /// Present exactly when the edition asks for rework (2025).
    pub rework_rate: Option<f64>,
    /// Mean of the edition's metric scores.
    pub overall: f64,
    /// Mean of lead time, deployment frequency and recovery time.
    pub throughput: f64,
    /// Mean of change failure rate and, in 2025, rework rate.
    pub stability: f64,
}

impl Scores {
    pub fn of(answers: &CurrentAnswers) -> Scores {
        let lead_time = categorical_score(answers.lead_time());
        let deploy_frequency = categorical_score(answers.deploy_frequency());
        let time_to_restore = categorical_score(answers.time_to_restore());
        let change_failure_rate = percent_score(answers.change_failure_rate());
        let rework_rate = answers.rework_rate().map(percent_score);
        let mut all = vec![lead_time, deploy_frequency, time_to_restore, change_failure_rate];
        let mut stability = vec![change_failure_rate];
        if let Some(rw) = rework_rate {
            all.push(rw);
            stability.push(rw);
        }
        let throughput = [lead_time, deploy_frequency, time_to_restore];
        Scores {
            lead_time,
            deploy_frequency,
            time_to_restore,
            change_failure_rate,
            rework_rate,
            overall: mean(&all).expect("four or five metrics"),
            throughput: mean(&throughput).expect("three metrics"),
            stability: mean(&stability).expect("one or two metrics"),
        }
    }

    /// The score of one metric; `None` for rework in 2024.
    pub fn metric(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::LeadTime => Some(self.lead_time),
            Metric::DeployFrequency => Some(self.deploy_frequency),
            Metric::TimeToRestore => Some(self.time_to_restore),
            Metric::ChangeFailureRate => Some(self.change_failure_rate),
            Metric::ReworkRate => self.rework_rate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::Question;

    #[test]
    fn answers_map_onto_0_to_10() {
        let scores: Vec<f64> = (1..=6)
            .map(|c| categorical_score(Question::LeadTime.answer_with_code(c)))
            .collect();
        assert_eq!(scores, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(percent_score(Percent::MIN), 10.0);
        assert_eq!(percent_score(Percent::MAX), 0.0);
        assert_eq!(percent_score(Percent::new(25).unwrap()), 7.5);
        // 12 % is (12 / 100) * -10 + 10, which is not 8.8 on the nose.
        assert_eq!(
            percent_score(Percent::new(12).unwrap()),
            (12.0_f64 / 100.0) * -10.0 + 10.0
        );
    }

    #[test]
    fn ties_round_away_from_zero_where_rust_formatting_rounds_to_even() {
        assert_eq!(format!("{:.1}", 7.25), "7.2");
        assert_eq!(round1(7.25), 7.3);
        assert_eq!(round1(5.75), 5.8);
        assert_eq!(round1(0.25), 0.3);
        assert_eq!(round1(9.75), 9.8);
        assert_eq!(round1(-7.25), -7.3);
        assert_eq!(round2(6.125), 6.13);
    }

    #[test]
    fn rounding_decides_on_the_exact_double_not_the_shortest_decimal() {
        // These print as ties but are not: each is what (x).toFixed(n) gives in
        // JavaScript (checked with node 20).
        let cases = [
            (8.15, 1, 8.2),  // 8.15000000000000035527…
            (1.05, 1, 1.1),  // 1.05000000000000004440…
            (1.15, 1, 1.1),  // 1.14999999999999991118…
            (2.45, 1, 2.5),  // 2.45000000000000017763…
            (0.35, 1, 0.3),  // 0.34999999999999997779…
            (1.005, 2, 1.0), // 1.00499999999999989342…
            (8.345, 2, 8.35),
            (8.335, 2, 8.34),
            (4.015, 2, 4.01),
        ];
        for (x, digits, expected) in cases {
            assert_eq!(round_half_away(x, digits), expected, "{x} to {digits}");
        }
    }

    #[test]
    fn rounding_keeps_representable_results_and_edges() {
        assert_eq!(round1(8.0), 8.0);
        assert_eq!(round1(10.0), 10.0);
        assert_eq!(round1(0.0), 0.0);
        assert_eq!(round1(0.04), 0.0);
        assert_eq!(round1(0.05), 0.1); // 0.05000000000000000277…
        assert_eq!(round1(f64::MIN_POSITIVE), 0.0);
        assert_eq!(round1(5e-324), 0.0);
        assert_eq!(round1(123456.789), 123456.8);
        assert!(round1(f64::NAN).is_nan());
        assert_eq!(round2(8.06), 8.06);
        // The mean of the worked check (7.3).
        assert_eq!(round1(40.3 / 5.0), 8.1);
    }

    #[test]
    fn means_are_left_to_right() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[8.8]), Some(8.8));
        let (a, b, c) = (0.1, 0.2, 0.3);
        assert_eq!(mean(&[a, b, c]), Some(((a + b) + c) / 3.0));
    }
}
