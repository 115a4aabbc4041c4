//! The capabilities stage: the squad rates the statements of the three
//! capabilities recommended for its level, the facilitator reveals the
//! scores, and the squad picks up to three focus capabilities.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::timer::Timer;
use crate::dora::capabilities::CapabilityKey;
use crate::dora::catalog;
use crate::dora::current::capabilities::{self as current, CurrentCapabilityScore};
use crate::dora::current::AnyEdition;
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
    /// What the squad proposes for the focus: catalog key → who proposed it
    /// (participant ids, first first). Only the facilitator adds to the focus.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub proposals: BTreeMap<String, Vec<String>>,
}

impl Default for CapabilitiesDoc {
    fn default() -> Self {
        CapabilitiesDoc {
            phase: RatingPhase::Rating,
            timer: Timer::of_minutes(STAGE_MINUTES),
            focus: Vec::new(),
            focus_confirmed: false,
            proposals: BTreeMap::new(),
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

/// The statements of `capability` rated in `edition`, by their index in
/// section 4's list: all of them in the legacy editions, those of 7.4 (one
/// fewer for two of the three) in the current ones.
pub fn asked(edition: AnyEdition, capability: CapabilityKey) -> Vec<u8> {
    match edition.current() {
        Some(_) => current::statements(capability).iter().map(|(i, _)| *i as u8).collect(),
        None => (0..statements(capability).len() as u8).collect(),
    }
}

/// Checks that `statement` of `capability` is rated in `edition`.
pub fn check_statement(edition: AnyEdition, capability: CapabilityKey, statement: u8) -> Result<(), FieldError> {
    let asked = asked(edition, capability);
    if asked.contains(&statement) {
        Ok(())
    } else {
        Err(FieldError::new(
            "statement",
            format!(
                "{} has no statement {statement} in the {} edition (it asks {} statements)",
                capability.id(),
                edition.id(),
                asked.len()
            ),
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

/// Every statement of the recommended capabilities rated in `edition`, in order.
pub fn all_statements(edition: AnyEdition, recommended: &[CapabilityKey]) -> impl Iterator<Item = StatementRef> + '_ {
    recommended
        .iter()
        .flat_map(move |c| asked(edition, *c).into_iter().map(move |i| (*c, i)))
}

/// True when `mine` rates every statement of the recommended capabilities.
pub fn is_done(edition: AnyEdition, mine: &BTreeMap<StatementRef, Rating>, recommended: &[CapabilityKey]) -> bool {
    all_statements(edition, recommended).all(|s| mine.contains_key(&s))
}

/// How many chose each answer of one statement: strongly disagree ..= strongly agree, then "don't know".
pub type Spread = [usize; 6];

/// What the reveal shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub scores: Vec<CapabilityScore>,
    pub spread: Vec<(StatementRef, Spread)>,
    pub key_focus: Option<CapabilityKey>,
    /// The current editions' scores (0 to 10) and every capability tied for
    /// the lowest; absent in the legacy editions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<CurrentResults>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentResults {
    pub scores: Vec<CurrentCapabilityScore>,
    /// The lowest score's capabilities: more than one on a tie, and the
    /// facilitator chooses.
    pub key_focus: Vec<CapabilityKey>,
}

/// The squad's previous checkpoint's scores of the current editions' three.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviousScores {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub scores: Vec<CurrentCapabilityScore>,
}

impl PreviousScores {
    pub fn of(&self, key: CapabilityKey) -> Option<f64> {
        self.scores.iter().find(|s| s.capability == key).and_then(|s| s.score)
    }
}

/// Aggregates the ratings of `raters` (everyone else's are ignored) on the
/// statements `edition` asks.
pub fn results(edition: AnyEdition, ratings: &Ratings, raters: &[&str], recommended: &[CapabilityKey]) -> Results {
    let given = |s: StatementRef| {
        raters
            .iter()
            .filter_map(move |p| ratings.get(*p).and_then(|m| m.get(&s)).copied())
    };
    let scores: Vec<CapabilityScore> = recommended
        .iter()
        .map(|c| {
            let all: Vec<Rating> = asked(edition, *c).into_iter().flat_map(|i| given((*c, i))).collect();
            score(*c, &all)
        })
        .collect();
    let current = edition.current().map(|_| {
        let scores: Vec<CurrentCapabilityScore> = recommended
            .iter()
            .map(|c| {
                let all: Vec<Rating> = asked(edition, *c).into_iter().flat_map(|i| given((*c, i))).collect();
                current::score(*c, &all)
            })
            .collect();
        CurrentResults {
            key_focus: current::key_focus(&scores),
            scores,
        }
    });
    let spread = all_statements(edition, recommended)
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
        current,
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
        let res = results(AnyEdition::Y2019, &r, &["ana", "bo"], &rec);
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
        let res = results(AnyEdition::Y2019, &r, &["ana"], &rec);
        assert_eq!(res.key_focus, Some(TrunkBased));
    }

    #[test]
    fn the_current_editions_rate_the_statements_of_7_4_and_mark_every_tie() {
        let e = AnyEdition::Y2025;
        let rec = current::RECOMMENDED;
        assert_eq!(asked(e, Architecture), [1, 2, 3, 4, 5, 6]);
        assert_eq!(check_statement(e, Architecture, 0).unwrap_err().field, "statement");
        assert!(check_statement(AnyEdition::Y2019, Architecture, 0).is_ok());
        assert!(check_statement(e, Westrum, 6).is_ok());
        let mut r = Ratings::new();
        // Statement 0 of architecture is not asked: its rating never counts.
        r.entry("ana".into()).or_default().insert((Architecture, 0), A(0));
        for i in asked(e, Architecture) {
            r.entry("ana".into()).or_default().insert((Architecture, i), A(2));
        }
        assert!(!is_done(e, &r["ana"], &rec));
        for i in asked(e, Ci) {
            r.entry("ana".into()).or_default().insert((Ci, i), A(2));
        }
        for i in asked(e, Westrum) {
            r.entry("ana".into()).or_default().insert((Westrum, i), A(4));
        }
        assert!(is_done(e, &r["ana"], &rec));
        let res = results(e, &r, &["ana"], &rec);
        let current = res.current.expect("a current edition scores 0 to 10");
        let scores: Vec<Option<f64>> = current.scores.iter().map(|s| s.score).collect();
        assert_eq!(scores, [Some(5.0), Some(5.0), Some(10.0)]);
        assert_eq!(
            current.key_focus,
            [Ci, Architecture],
            "both tied for the lowest are marked"
        );
        assert!(results(AnyEdition::Y2022, &r, &["ana"], &rec).current.is_none());
    }

    #[test]
    fn ratings_and_focus_parse_at_the_boundary() {
        assert_eq!(parse_rating("dont_know").unwrap(), Rating::DontKnow);
        assert_eq!(parse_rating("4").unwrap(), A(4));
        assert_eq!(parse_rating("5").unwrap_err().field, "rating");
        assert!(check_statement(AnyEdition::Y2019, SmallBatches, 2).is_ok());
        assert_eq!(
            check_statement(AnyEdition::Y2019, SmallBatches, 3).unwrap_err().field,
            "statement"
        );
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
        assert!(!is_done(AnyEdition::Y2019, &r["ana"], &rec));
        rate(&mut r, "ana", Cloud, &[Rating::DontKnow; 5]);
        assert!(is_done(AnyEdition::Y2019, &r["ana"], &rec));
    }
}
