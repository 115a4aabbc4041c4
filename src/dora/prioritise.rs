//! "Help me prioritise": per-capability self-assessment scores and the key focus area.

use serde::{Deserialize, Serialize};

use super::capabilities::CapabilityKey;

/// One answer on the five-point agreement scale, or "don't know".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    /// 0 = strongly disagree ..= 4 = strongly agree.
    Agreement(u8),
    DontKnow,
}

impl Rating {
    pub const LABELS: [&'static str; 5] = [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ];

    pub fn agreement(value: u8) -> Option<Rating> {
        (value <= 4).then_some(Rating::Agreement(value))
    }
}

/// A capability's aggregated score beside its benchmarks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapabilityScore {
    pub capability: CapabilityKey,
    /// `25 * mean(ratings)`, 0–100; `None` when nobody gave a rating other than "don't know".
    pub score: Option<f64>,
    pub ratings_counted: usize,
    pub all_mean: u8,
    pub profile_mean: u8,
}

impl CapabilityScore {
    /// How far the score sits below the level's profile mean (negative when above).
    pub fn gap_below_profile(&self) -> Option<f64> {
        self.score.map(|s| f64::from(self.profile_mean) - s)
    }
}

/// Scores a capability from every rating given to any of its statements.
pub fn score(capability: CapabilityKey, ratings: &[Rating]) -> CapabilityScore {
    let values: Vec<f64> = ratings
        .iter()
        .filter_map(|r| match r {
            Rating::Agreement(v) => Some(f64::from(*v)),
            Rating::DontKnow => None,
        })
        .collect();
    let score = (!values.is_empty()).then(|| 25.0 * values.iter().sum::<f64>() / values.len() as f64);
    CapabilityScore {
        capability,
        score,
        ratings_counted: values.len(),
        all_mean: capability.all_mean(),
        profile_mean: capability.profile_mean(),
    }
}

/// The key focus area: the lowest score; a tie goes to the capability with the
/// larger gap below its level's profile mean. Unscored capabilities never win.
pub fn key_focus(scores: &[CapabilityScore]) -> Option<CapabilityKey> {
    scores
        .iter()
        .filter_map(|s| Some((s, s.score?, s.gap_below_profile()?)))
        .min_by(|(_, a, gap_a), (_, b, gap_b)| a.total_cmp(b).then(gap_b.total_cmp(gap_a)))
        .map(|(s, _, _)| s.capability)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CapabilityKey::*;

    fn agree(values: &[u8]) -> Vec<Rating> {
        values.iter().map(|v| Rating::agreement(*v).unwrap()).collect()
    }

    #[test]
    fn score_is_25_times_the_mean_and_ignores_dont_know() {
        let mut ratings = agree(&[4, 2, 3, 1]);
        ratings.push(Rating::DontKnow);
        let s = score(Ci, &ratings);
        assert_eq!(s.score, Some(62.5));
        assert_eq!(s.ratings_counted, 4);
        assert_eq!((s.all_mean, s.profile_mean), (66, 61));
    }

    #[test]
    fn a_capability_nobody_rated_has_no_score_and_is_not_the_focus() {
        let unrated = score(Cd, &[Rating::DontKnow]);
        assert_eq!(unrated.score, None);
        let rated = score(Ci, &agree(&[4]));
        assert_eq!(key_focus(&[unrated.clone(), rated]), Some(Ci));
        assert_eq!(key_focus(&[unrated]), None);
    }

    #[test]
    fn lowest_score_is_the_key_focus() {
        let scores = [
            score(Ci, &agree(&[3])),
            score(Cd, &agree(&[1])),
            score(Architecture, &agree(&[2])),
        ];
        assert_eq!(key_focus(&scores), Some(Cd));
    }

    #[test]
    fn a_tie_goes_to_the_larger_gap_below_the_profile_mean() {
        // Both score 50: small batches (profile 83) is 33 below, westrum (85) 35 below.
        let scores = [
            score(SmallBatches, &agree(&[2])),
            score(Westrum, &agree(&[2])),
            score(Monitoring, &agree(&[4])),
        ];
        assert_eq!(key_focus(&scores), Some(Westrum));
        // Order of the input does not matter.
        let reversed = [scores[2].clone(), scores[1].clone(), scores[0].clone()];
        assert_eq!(key_focus(&reversed), Some(Westrum));
    }

    #[test]
    fn ratings_above_four_are_refused() {
        assert_eq!(Rating::agreement(5), None);
        assert_eq!(Rating::agreement(0), Some(Rating::Agreement(0)));
    }
}
