//! "What's holding you back" in the current editions (7.4): the same three
//! capabilities for every team, scored 0 to 10 from section 4's statements
//! less one each.

use serde::{Deserialize, Serialize};

use super::score::{mean, round1};
use crate::dora::capabilities::CapabilityKey;
use crate::dora::prioritise::Rating;
use crate::dora::statements::statements as legacy_statements;

/// Recommended to every team, in the order DORA lists them.
pub const RECOMMENDED: [CapabilityKey; 3] = [CapabilityKey::Ci, CapabilityKey::Architecture, CapabilityKey::Westrum];

/// The section 4 statement each current capability no longer asks, by its
/// index in [`crate::dora::statements::statements`].
fn dropped(key: CapabilityKey) -> Option<usize> {
    match key {
        // "big design changes without outside permission"
        CapabilityKey::Architecture => Some(0),
        // "failure leads to inquiry"
        CapabilityKey::Westrum => Some(4),
        _ => None,
    }
}

/// The statements asked for a recommended capability, each with its index in
/// the section 4 list, so that a rating keeps meaning the same statement in
/// every edition. Empty for a capability the current editions do not ask.
pub fn statements(key: CapabilityKey) -> Vec<(usize, &'static str)> {
    if !RECOMMENDED.contains(&key) {
        return Vec::new();
    }
    legacy_statements(key)
        .iter()
        .copied()
        .enumerate()
        .filter(|(i, _)| Some(*i) != dropped(key))
        .collect()
}

/// A rating of 1 (strongly disagree) to 5 (strongly agree) on 0–10: `2.5 * (r - 1)`.
/// The stored [`Rating::Agreement`] is `r - 1`; "don't know" has no score.
pub fn recode(rating: Rating) -> Option<f64> {
    match rating {
        Rating::Agreement(v) => {
            let r = f64::from(v) + 1.0;
            Some(2.5 * (r - 1.0))
        }
        Rating::DontKnow => None,
    }
}

/// One capability's score in the current editions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentCapabilityScore {
    pub capability: CapabilityKey,
    /// Mean of the recoded ratings, one decimal (7.2); `None` when every
    /// rating was "don't know".
    pub score: Option<f64>,
    pub ratings_counted: usize,
}

/// Scores a capability from every rating given to any of its statements.
pub fn score(capability: CapabilityKey, ratings: &[Rating]) -> CurrentCapabilityScore {
    let values: Vec<f64> = ratings.iter().copied().filter_map(recode).collect();
    CurrentCapabilityScore {
        capability,
        score: mean(&values).map(round1),
        ratings_counted: values.len(),
    }
}

/// The key focus areas: every capability sharing the lowest score as shown
/// (one decimal), so that what looks like a tie to the squad is one and the
/// facilitator chooses. Unscored capabilities are never a focus.
pub fn key_focus(scores: &[CurrentCapabilityScore]) -> Vec<CapabilityKey> {
    let lowest = scores.iter().filter_map(|s| s.score).min_by(f64::total_cmp);
    scores
        .iter()
        .filter(|s| lowest.is_some() && s.score == lowest)
        .map(|s| s.capability)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dora::prioritise;
    use proptest::prelude::*;
    use CapabilityKey::*;

    fn agree(values: &[u8]) -> Vec<Rating> {
        values.iter().map(|v| Rating::agreement(*v).unwrap()).collect()
    }

    #[test]
    fn three_capabilities_with_five_six_and_six_statements() {
        let counts: Vec<usize> = RECOMMENDED.iter().map(|k| statements(*k).len()).collect();
        assert_eq!(counts, [5, 6, 6]);
        assert_eq!(statements(Ci).len(), legacy_statements(Ci).len());
        // The dropped ones are the ones 7.4 names.
        let kept = |k| statements(k).into_iter().map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(kept(Architecture), [1, 2, 3, 4, 5, 6]);
        assert!(legacy_statements(Architecture)[0].contains("large changes to our system's design"));
        assert_eq!(kept(Westrum), [0, 1, 2, 3, 5, 6]);
        assert!(legacy_statements(Westrum)[4].contains("look into the causes rather than for a culprit"));
        assert!(statements(Cd).is_empty());
        for k in RECOMMENDED {
            for (i, text) in statements(k) {
                assert_eq!(legacy_statements(k)[i], text);
            }
        }
    }

    #[test]
    fn ratings_recode_onto_0_to_10_and_dont_know_is_left_out() {
        let all: Vec<Option<f64>> = (0..=4).map(|v| recode(Rating::Agreement(v))).collect();
        assert_eq!(all, [Some(0.0), Some(2.5), Some(5.0), Some(7.5), Some(10.0)]);
        let mut ratings = agree(&[4, 2, 3, 1]);
        ratings.push(Rating::DontKnow);
        let s = score(Ci, &ratings);
        // (10 + 5 + 7.5 + 2.5) / 4 = 6.25, shown 6.3 (half away from zero).
        assert_eq!((s.score, s.ratings_counted), (Some(6.3), 4));
        assert_eq!(score(Ci, &[Rating::DontKnow]).score, None);
    }

    #[test]
    fn the_lowest_score_is_the_focus_and_ties_are_all_marked() {
        let ci = score(Ci, &agree(&[3, 3]));
        let arch = score(Architecture, &agree(&[1, 2]));
        let westrum = score(Westrum, &agree(&[2, 1]));
        assert_eq!(key_focus(&[ci, arch, westrum]), [Architecture, Westrum]);
        assert_eq!(key_focus(&[ci, arch]), [Architecture]);
        let unrated = score(Westrum, &[Rating::DontKnow]);
        assert_eq!(key_focus(&[unrated, ci]), [Ci]);
        assert!(key_focus(&[unrated]).is_empty());
        // Ties on the shown score: 20 / 3 = 6.67 and 87.5 / 13 = 6.73 both show 6.7.
        let a = score(Ci, &agree(&[3, 3, 2]));
        let b = score(Westrum, &agree(&[3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2]));
        assert_eq!((a.score, b.score), (Some(6.7), Some(6.7)));
        assert_eq!(key_focus(&[a, b]), [Ci, Westrum]);
    }

    proptest! {
        #[test]
        fn the_score_is_the_section_4_score_divided_by_ten(values in proptest::collection::vec(0u8..=4, 1..20)) {
            let ratings = agree(&values);
            let legacy = prioritise::score(Ci, &ratings).score.unwrap();
            let current = mean(&ratings.iter().copied().filter_map(recode).collect::<Vec<_>>()).unwrap();
            prop_assert!((current - legacy / 10.0).abs() < 1e-9);
            let shown = score(Ci, &ratings).score.unwrap();
            prop_assert!((0.0..=10.0).contains(&shown));
        }
    }
}
