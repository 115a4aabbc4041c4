//! The capabilities stage: the squad rates the statements of the three
//! capabilities recommended for its level, the facilitator reveals the
//! scores, and the squad picks up to three focus capabilities.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::timer::Timer;
use crate::dora::capabilities::CapabilityKey;
use crate::dora::catalog;
use crate::dora::prioritise::{key_focus, score, CapabilityScore, Rating};
use crate::dora::statements::statements;
use crate::error::FieldError;

pub const STAGE_MINUTES: i64 = 20;
pub const MAX_FOCUS: usize = 3;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RatingPhase {
    /// Ratings are secret and may change.
    #[default]
    Rating,
    Revealed,
}

/// The stage's part of the stored document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapabilitiesDoc {
    pub phase: RatingPhase,
    pub timer: Timer,
    /// Catalog keys the squad chose, in order; at most three.
    pub focus: Vec<String>,
    pub focus_confirmed: bool,
}

impl Default for CapabilitiesDoc {
    fn default() -> Self {
        CapabilitiesDoc {
            phase: RatingPhase::Rating,
            timer: Timer::of_minutes(STAGE_MINUTES),
            focus: Vec::new(),
            focus_confirmed: false,
        }
    }
}

/// One statement of one capability: `(capability, index of the statement)`.
pub type StatementRef = (CapabilityKey, u8);

/// Everyone's ratings: participant id → statement → rating.
pub type Ratings = BTreeMap<String, BTreeMap<StatementRef, Rating>>;

/// A rating as a form or a frame sends it: "0".."4" or "dont_know".
pub fn parse_rating(raw: &str) -> Result<Rating, FieldError> {
    match raw.trim() {
        "dont_know" => Ok(Rating::DontKnow),
        other => other.parse::<u8>().ok().and_then(Rating::agreement).ok_or_else(|| {
            FieldError::new(
                "rating",
                format!("unknown rating {other:?}; expected 0 to 4 or dont_know"),
            )
        }),
    }
}

pub fn rating_id(r: Rating) -> String {
    match r {
        Rating::Agreement(v) => v.to_string(),
        Rating::DontKnow => "dont_know".to_string(),
    }
}

/// Checks that `statement` exists for `capability`.
pub fn check_statement(capability: CapabilityKey, statement: u8) -> Result<(), FieldError> {
    if usize::from(statement) < statements(capability).len() {
        Ok(())
    } else {
        Err(FieldError::new(
            "statement",
            format!("{} has {} statements", capability.id(), statements(capability).len()),
        ))
    }
}

/// Parses a focus list: catalog keys, no repeats, at most three.
pub fn parse_focus(keys: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for k in keys.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        if catalog::find(k).is_none() {
            return Err(FieldError::new(
                "focus",
                format!("{k:?} is not in the capability catalog"),
            ));
        }
        if !out.iter().any(|o| o == k) {
            out.push(k.to_string());
        }
    }
    if out.len() > MAX_FOCUS {
        return Err(FieldError::new(
            "focus",
            format!("choose at most {MAX_FOCUS} focus capabilities"),
        ));
    }
    Ok(out)
}

/// Every statement of the recommended capabilities, in order.
pub fn all_statements(recommended: &[CapabilityKey]) -> impl Iterator<Item = StatementRef> + '_ {
    recommended
        .iter()
        .flat_map(|c| (0..statements(*c).len() as u8).map(move |i| (*c, i)))
}

/// True when `mine` rates every statement of the recommended capabilities.
pub fn is_done(mine: &BTreeMap<StatementRef, Rating>, recommended: &[CapabilityKey]) -> bool {
    all_statements(recommended).all(|s| mine.contains_key(&s))
}

/// How many chose each answer of one statement: strongly disagree ..= strongly agree, then "don't know".
pub type Spread = [usize; 6];

/// What the reveal shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub scores: Vec<CapabilityScore>,
    pub spread: Vec<(StatementRef, Spread)>,
    pub key_focus: Option<CapabilityKey>,
}

/// Aggregates the ratings of `raters` (everyone else's are ignored).
pub fn results(ratings: &Ratings, raters: &[&str], recommended: &[CapabilityKey]) -> Results {
    let given = |s: StatementRef| {
        raters
            .iter()
            .filter_map(move |p| ratings.get(*p).and_then(|m| m.get(&s)).copied())
    };
    let scores: Vec<CapabilityScore> = recommended
        .iter()
        .map(|c| {
            let all: Vec<Rating> = (0..statements(*c).len() as u8).flat_map(|i| given((*c, i))).collect();
            score(*c, &all)
        })
        .collect();
    let spread = all_statements(recommended)
        .map(|s| {
            let mut counts = [0usize; 6];
            for r in given(s) {
                match r {
                    Rating::Agreement(v) => counts[usize::from(v.min(4))] += 1,
                    Rating::DontKnow => counts[5] += 1,
                }
            }
            (s, counts)
        })
        .collect();
    let key_focus = key_focus(&scores);
    Results {
        scores,
        spread,
        key_focus,
    }
}

/// Why a capability is among the three for its level, in a sentence.
pub fn why_recommended(c: CapabilityKey) -> &'static str {
    use CapabilityKey::*;
    match c {
        Westrum => "At the elite level, performance rests on a culture where information flows freely and failures lead to learning.",
        Monitoring => "Elite squads keep their speed safe by seeing problems early, as users experience them.",
        SmallBatches => "Small batches keep an elite squad's changes quick to review, release and undo.",
        LearningCulture => "High performers grow by treating learning as part of the work, not an extra.",
        WipLimits => "Limiting work in progress turns a high performer's throughput into flow and exposes what slows it.",
        TrunkBased => "Short-lived branches merged daily are the next step from high to elite delivery.",
        Ci => "For medium performers, integrating and testing every change is the foundation of faster, safer delivery.",
        Cd => "Keeping the software always deployable lets a medium performer release on demand.",
        Architecture => "Loosely coupled services let a medium performer's squads test and deploy without waiting for others.",
        ContinuousTesting => "Low performers gain most from fast, trustworthy automated tests that make every change safer.",
        Cloud => "Self-service, elastic infrastructure removes the tickets and waits that slow a low performer down.",
        Maintainability => "Code that is easy to change and reuse shortens the lead time of everything else.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CapabilityKey::*;

    fn rate(r: &mut Ratings, who: &str, c: CapabilityKey, values: &[Rating]) {
        for (i, v) in values.iter().enumerate() {
            r.entry(who.to_string()).or_default().insert((c, i as u8), *v);
        }
    }

    const A: fn(u8) -> Rating = Rating::Agreement;

    #[test]
    fn scores_leave_dont_know_out_and_only_count_active_raters() {
        let rec = [SmallBatches, LearningCulture, Cloud];
        let mut r = Ratings::new();
        rate(&mut r, "ana", SmallBatches, &[A(4), A(2), Rating::DontKnow]);
        rate(&mut r, "bo", SmallBatches, &[A(0), A(2), A(2)]);
        rate(&mut r, "gone", SmallBatches, &[A(0), A(0), A(0)]);
        let res = results(&r, &["ana", "bo"], &rec);
        // (4 + 2 + 0 + 2 + 2) / 5 = 2 → 50; the removed participant does not count.
        assert_eq!(res.scores[0].score, Some(50.0));
        assert_eq!(res.scores[0].ratings_counted, 5);
        assert_eq!(res.spread[2], ((SmallBatches, 2), [0, 0, 1, 0, 0, 1]));
        // Nobody rated the other two: no score, and they cannot be the key focus.
        assert_eq!(res.scores[1].score, None);
        assert_eq!(res.key_focus, Some(SmallBatches));
    }

    #[test]
    fn the_key_focus_tie_goes_to_the_larger_gap_below_the_profile() {
        // Trunk-based (profile 60) and WIP limits (profile 56) both score 50: trunk-based is further below.
        let rec = [LearningCulture, WipLimits, TrunkBased];
        let mut r = Ratings::new();
        rate(&mut r, "ana", WipLimits, &[A(2); 5]);
        rate(&mut r, "ana", TrunkBased, &[A(2); 4]);
        rate(&mut r, "ana", LearningCulture, &[A(4); 3]);
        let res = results(&r, &["ana"], &rec);
        assert_eq!(res.key_focus, Some(TrunkBased));
    }

    #[test]
    fn ratings_and_focus_parse_at_the_boundary() {
        assert_eq!(parse_rating("dont_know").unwrap(), Rating::DontKnow);
        assert_eq!(parse_rating("4").unwrap(), A(4));
        assert_eq!(parse_rating("5").unwrap_err().field, "rating");
        assert!(check_statement(SmallBatches, 2).is_ok());
        assert_eq!(check_statement(SmallBatches, 3).unwrap_err().field, "statement");
        let twice = parse_focus(&["continuous_integration".into(), " continuous_integration".into()]).unwrap();
        assert_eq!(twice, ["continuous_integration"], "a repeat counts once");
        let four: Vec<String> = [
            "continuous_integration",
            "continuous_delivery",
            "trunk_based",
            "version_control",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(parse_focus(&four).unwrap_err().field, "focus");
        assert_eq!(parse_focus(&["no-such-thing".into()]).unwrap_err().field, "focus");
    }

    #[test]
    fn done_means_every_statement_of_the_three_is_rated() {
        let rec = [SmallBatches, LearningCulture, Cloud];
        let mut r = Ratings::new();
        rate(&mut r, "ana", SmallBatches, &[A(1); 3]);
        rate(&mut r, "ana", LearningCulture, &[A(1); 3]);
        assert!(!is_done(&r["ana"], &rec));
        rate(&mut r, "ana", Cloud, &[Rating::DontKnow; 5]);
        assert!(is_done(&r["ana"], &rec));
    }
}
