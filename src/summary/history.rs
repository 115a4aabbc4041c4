//! Past checkpoints as leadership reads them: a filterable list, one squad's
//! trend from checkpoint to checkpoint, and the spread of levels by quarter.

use serde::{Deserialize, Serialize};

use super::{Maturity, Summary};
use crate::board::Action;
use crate::dora::current::AnyEdition;
use crate::dora::{Level, Question};
use crate::error::FieldError;
use crate::live::{CheckpointStatus, Disclosure, LiveDoc};
use crate::measured::dates::parse_date;

/// Checkpoints on one page of the history or of a trend.
pub const PAGE_SIZE: u32 = 50;

/// What the history, the trends and the review of actions read of a
/// checkpoint, kept in its row beside the document (whose board can be large)
/// and rewritten with it.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointDigest {
    /// From the locked answers, once all four are.
    pub voted: Option<Maturity>,
    /// Locked answer ids, in [`Question::ALL`] order, as [`Disclosure`] lets them out.
    pub voted_answers: [Option<String>; 4],
    /// Current editions: the locked answers' overall 0–10 score, once all are locked.
    pub voted_score: Option<f64>,
    /// Open, done, carried over, dropped.
    pub actions: [usize; 4],
    /// The board's actions, for the review at the squad's later checkpoints.
    pub action_list: Vec<Action>,
}

impl CheckpointDigest {
    pub fn of(doc: &LiveDoc, benchmark: AnyEdition) -> CheckpointDigest {
        let shown = Disclosure::of_doc(doc);
        let voted_answers: [Option<String>; 4] = std::array::from_fn(|i| {
            doc.questions[i]
                .locked
                .clone()
                .filter(|_| shown.choices(crate::dora::current::Metric::ALL[i]))
        });
        CheckpointDigest {
            voted: locked_maturity(&voted_answers, benchmark).filter(|_| benchmark.legacy().is_some()),
            voted_answers,
            voted_score: locked_score(doc, benchmark, shown),
            actions: count_actions(&doc.board.actions),
            action_list: doc.board.actions.clone(),
        }
    }
}

/// What the history reads of a checkpoint's latest finalised summary.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryDigest {
    pub revision: Option<u32>,
    pub measured: Option<Maturity>,
    pub measured_answers: [Option<String>; 4],
    /// Current editions: the measured answers' overall 0–10 score.
    pub measured_score: Option<f64>,
}

impl SummaryDigest {
    pub fn of(summary: Summary) -> SummaryDigest {
        let s = summary.disclosed();
        SummaryDigest {
            revision: s.revision,
            measured: s.measured.as_ref().and_then(|m| m.maturity.as_ref()).map(|m| Maturity {
                level: m.level,
                percentile: m.percentile,
            }),
            measured_answers: std::array::from_fn(|i| s.answers.get(i).and_then(|a| a.measured.clone())),
            measured_score: s.measured_score.as_ref().map(|a| a.score),
        }
    }
}

/// A current edition's voted overall score (0–10, one decimal), once every
/// question it asks is locked and the locks are out.
fn locked_score(doc: &LiveDoc, edition: AnyEdition, shown: Disclosure) -> Option<f64> {
    let locked: [Option<&str>; 5] = std::array::from_fn(|i| {
        doc.questions[i]
            .locked
            .as_deref()
            .filter(|_| shown.choices(crate::dora::current::Metric::ALL[i]))
    });
    let answers = crate::live::state::locked_current(locked, edition)?;
    Some(crate::dora::current::round1(
        crate::dora::current::Scores::of(&answers).overall,
    ))
}

/// The voted level and percentile, once all four answers are locked.
pub fn locked_maturity(answers: &[Option<String>; 4], benchmark: AnyEdition) -> Option<Maturity> {
    let locked = std::array::from_fn(|i| answers[i].as_deref());
    crate::live::state::locked_input(locked, benchmark).map(|input| Maturity::of(&input))
}

/// A page number from the query string: absent or empty is the first; a
/// page past the last shows the last (see [`Paged::clamp`]).
pub fn parse_page(raw: Option<&str>) -> Result<u32, FieldError> {
    match raw.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(1),
        Some(p) => match p.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(FieldError::new(
                "page",
                format!("{p:?} is not a page number (1, 2, 3, ...)"),
            )),
        },
    }
}

/// Where one page sits among all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged {
    /// From 1.
    pub page: u32,
    /// At least 1, even when nothing matches.
    pub pages: u32,
    /// Rows over every page.
    pub total: u64,
}

impl Paged {
    /// Page `wanted` of `total` rows, or the last page when past it.
    pub fn clamp(wanted: u32, total: u64) -> Paged {
        let pages = u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
            .unwrap_or(u32::MAX)
            .max(1);
        Paged {
            page: wanted.clamp(1, pages),
            pages,
            total,
        }
    }

    /// The rows to skip before this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(PAGE_SIZE)
    }
}

/// One checkpoint in the history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub id: String,
    pub squad_slug: String,
    pub squad_name: String,
    pub tribe: String,
    pub held_on: String,
    pub status: CheckpointStatus,
    /// The edition it was run in: which of the two scales its result is on.
    pub edition: AnyEdition,
    /// The latest finalised revision, if any.
    pub revision: Option<u32>,
    /// Legacy editions: level and percentile.
    pub voted: Option<Maturity>,
    pub measured: Option<Maturity>,
    /// Current editions: the overall score, 0 to 10.
    pub voted_score: Option<f64>,
    pub measured_score: Option<f64>,
    /// Locked answer ids, in [`Question::ALL`] order.
    pub voted_answers: [Option<String>; 4],
    /// Measured answer ids, in the same order.
    pub measured_answers: [Option<String>; 4],
    /// How many of the checkpoint's actions are open, done, carried over and dropped.
    #[serde(default)]
    pub actions: [usize; 4],
}

/// Actions by status (open, done, carried over, dropped) over many checkpoints.
pub fn action_progress(rows: &[HistoryRow]) -> [usize; 4] {
    rows.iter().fold([0; 4], |mut acc, r| {
        for (a, n) in acc.iter_mut().zip(r.actions) {
            *a += n;
        }
        acc
    })
}

/// Counts actions by status, in [`crate::board::ActionStatus::ALL`] order.
pub fn count_actions(actions: &[crate::board::Action]) -> [usize; 4] {
    let mut counts = [0; 4];
    for a in actions {
        let i = crate::board::ActionStatus::ALL
            .iter()
            .position(|s| *s == a.status)
            .unwrap_or(0);
        counts[i] += 1;
    }
    counts
}

/// The list's filters, parsed once from the query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFilter {
    pub tribe: Option<String>,
    pub squad: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub level: Option<Level>,
}

impl HistoryFilter {
    pub fn parse(
        tribe: Option<&str>,
        squad: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        level: Option<&str>,
    ) -> Result<HistoryFilter, FieldError> {
        let text = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let date = |field: &str, v: Option<&str>| -> Result<Option<String>, FieldError> {
            match text(v) {
                None => Ok(None),
                Some(d) if parse_date(&d).is_some() => Ok(Some(d)),
                Some(d) => Err(FieldError::new(field, format!("{d:?} is not a date like 2026-11-22"))),
            }
        };
        let (from, to) = (date("from", from)?, date("to", to)?);
        if let (Some(f), Some(t)) = (&from, &to) {
            if t < f {
                return Err(FieldError::new("to", "the end date is before the start date"));
            }
        }
        let level = match text(level) {
            None => None,
            Some(l) => Some(Level::ALL.into_iter().find(|x| x.id() == l).ok_or_else(|| {
                FieldError::new(
                    "level",
                    format!("unknown level {l:?}; expected low, medium, high or elite"),
                )
            })?),
        };
        Ok(HistoryFilter {
            tribe: text(tribe),
            squad: text(squad),
            from,
            to,
            level,
        })
    }
}

/// "2026 Q4" for a `YYYY-MM-DD` date.
pub fn quarter_of(date: &str) -> Option<String> {
    let year = date.get(0..4)?;
    let month: u32 = date.get(5..7)?.parse().ok()?;
    (1..=12)
        .contains(&month)
        .then(|| format!("{year} Q{}", (month - 1) / 3 + 1))
}

/// How many squads were at each level in one quarter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterSpread {
    pub quarter: String,
    /// Low, medium, high, elite.
    pub counts: [usize; 4],
}

/// Each squad counts once per quarter, at the level of its latest checkpoint
/// in that quarter with all four answers locked. Oldest quarter first.
pub fn spread_by_quarter(rows: &[HistoryRow]) -> Vec<QuarterSpread> {
    use std::collections::BTreeMap;
    let mut latest: BTreeMap<(String, String), (&str, Level)> = BTreeMap::new();
    for r in rows {
        let (Some(q), Some(v)) = (quarter_of(&r.held_on), r.voted) else {
            continue;
        };
        let slot = latest.entry((q, r.squad_slug.clone())).or_insert((&r.held_on, v.level));
        if r.held_on.as_str() > slot.0 {
            *slot = (&r.held_on, v.level);
        }
    }
    let mut by_quarter: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for ((q, _), (_, level)) in latest {
        let i = Level::ALL.iter().position(|l| *l == level).unwrap_or(0);
        by_quarter.entry(q).or_default()[i] += 1;
    }
    by_quarter
        .into_iter()
        .map(|(quarter, counts)| QuarterSpread { quarter, counts })
        .collect()
}

/// One checkpoint of a squad's trend, with the change since the one before
/// on the same scale: a legacy percentile is never compared with a 0–10 score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub row: HistoryRow,
    /// Voted percentile minus that of the previous checkpoint with a voted percentile.
    pub voted_change: Option<i16>,
    pub measured_change: Option<i16>,
    /// Voted 0–10 score minus that of the previous checkpoint with a voted score, one decimal.
    #[serde(default)]
    pub voted_score_change: Option<f64>,
    #[serde(default)]
    pub measured_score_change: Option<f64>,
}

/// The last result of each kind before a page of the trend.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrendStart {
    pub voted: Option<u8>,
    pub measured: Option<u8>,
    pub voted_score: Option<f64>,
    pub measured_score: Option<f64>,
}

/// The voted and measured percentiles alone (no checkpoint before had a score).
impl From<(Option<u8>, Option<u8>)> for TrendStart {
    fn from((voted, measured): (Option<u8>, Option<u8>)) -> TrendStart {
        TrendStart {
            voted,
            measured,
            ..TrendStart::default()
        }
    }
}

/// A squad's checkpoints, given oldest first, each compared with the previous
/// one that has the same kind of result; `before` holds the last results of
/// each kind among the checkpoints before these (on earlier pages).
pub fn trend(rows: Vec<HistoryRow>, before: impl Into<TrendStart>) -> Vec<TrendPoint> {
    let mut last = before.into();
    rows.into_iter()
        .map(|row| {
            let v = row.voted.map(|m| m.percentile);
            let m = row.measured.map(|m| m.percentile);
            let change = |now: Option<u8>, before: Option<u8>| Some(i16::from(now?) - i16::from(before?));
            let score_change =
                |now: Option<f64>, before: Option<f64>| Some(crate::dora::current::round1(now? - before?));
            let point = TrendPoint {
                voted_change: change(v, last.voted),
                measured_change: change(m, last.measured),
                voted_score_change: score_change(row.voted_score, last.voted_score),
                measured_score_change: score_change(row.measured_score, last.measured_score),
                row,
            };
            last = TrendStart {
                voted: v.or(last.voted),
                measured: m.or(last.measured),
                voted_score: point.row.voted_score.or(last.voted_score),
                measured_score: point.row.measured_score.or(last.measured_score),
            };
            point
        })
        .collect()
}

/// The question at position `i` of a row's answer arrays.
pub fn question_at(i: usize) -> Question {
    Question::ALL[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(squad: &str, held_on: &str, voted: Option<(Level, u8)>, measured: Option<(Level, u8)>) -> HistoryRow {
        let m = |x: Option<(Level, u8)>| x.map(|(level, percentile)| Maturity { level, percentile });
        HistoryRow {
            id: format!("{squad}-{held_on}"),
            squad_slug: squad.into(),
            squad_name: squad.into(),
            tribe: "T".into(),
            held_on: held_on.into(),
            status: CheckpointStatus::Finished,
            edition: AnyEdition::Y2019,
            revision: Some(1),
            voted: m(voted),
            measured: m(measured),
            voted_score: None,
            measured_score: None,
            voted_answers: Default::default(),
            measured_answers: Default::default(),
            actions: [0; 4],
        }
    }

    #[test]
    fn action_progress_adds_up_every_checkpoints_actions_by_status() {
        let mut a = row("a", "2026-07-01", None, None);
        a.actions = [1, 2, 0, 1];
        let mut b = row("b", "2026-08-01", None, None);
        b.actions = [3, 0, 1, 0];
        assert_eq!(action_progress(&[a, b]), [4, 2, 1, 1]);
    }

    #[test]
    fn quarters_follow_the_calendar() {
        assert_eq!(quarter_of("2026-01-01").as_deref(), Some("2026 Q1"));
        assert_eq!(quarter_of("2026-03-31").as_deref(), Some("2026 Q1"));
        assert_eq!(quarter_of("2026-04-01").as_deref(), Some("2026 Q2"));
        assert_eq!(quarter_of("2026-12-31").as_deref(), Some("2026 Q4"));
        assert_eq!(quarter_of("2026-13-01"), None);
    }

    #[test]
    fn each_squad_counts_once_per_quarter_at_its_latest_level() {
        let rows = [
            row("a", "2026-07-01", Some((Level::Low, 20)), None),
            row("a", "2026-09-30", Some((Level::Medium, 40)), None),
            row("b", "2026-08-15", Some((Level::Elite, 90)), None),
            row("b", "2026-10-02", Some((Level::High, 70)), None),
            row("c", "2026-10-03", None, None),
        ];
        let spread = spread_by_quarter(&rows);
        assert_eq!(
            spread,
            [
                QuarterSpread {
                    quarter: "2026 Q3".into(),
                    counts: [0, 1, 0, 1]
                },
                QuarterSpread {
                    quarter: "2026 Q4".into(),
                    counts: [0, 0, 1, 0]
                },
            ]
        );
    }

    #[test]
    fn the_trend_compares_each_checkpoint_with_the_previous_result_of_its_kind() {
        let rows = vec![
            row("a", "2026-04-01", Some((Level::Medium, 45)), None),
            row("a", "2026-07-01", None, Some((Level::Medium, 40))),
            row("a", "2026-10-01", Some((Level::High, 70)), Some((Level::Medium, 50))),
        ];
        let changes = |points: Vec<TrendPoint>| -> Vec<(String, Option<i16>, Option<i16>)> {
            points
                .into_iter()
                .map(|p| (p.row.held_on, p.voted_change, p.measured_change))
                .collect()
        };
        let on = |d: &str, v, m| (d.to_string(), v, m);
        assert_eq!(
            changes(trend(rows.clone(), (None, None))),
            [
                on("2026-04-01", None, None),
                on("2026-07-01", None, None),
                on("2026-10-01", Some(25), Some(10))
            ]
        );
        // A later page starts from the results on the pages before it.
        assert_eq!(
            changes(trend(rows[1..].to_vec(), (Some(45), Some(30)))),
            [on("2026-07-01", None, Some(10)), on("2026-10-01", Some(25), Some(10))]
        );
    }

    #[test]
    fn the_trend_never_compares_a_percentile_with_a_score() {
        let scored = |held_on: &str, edition: AnyEdition, voted: Option<f64>, measured: Option<f64>| HistoryRow {
            edition,
            voted_score: voted,
            measured_score: measured,
            ..row("a", held_on, None, None)
        };
        let rows = vec![
            row("a", "2026-01-01", Some((Level::Medium, 45)), Some((Level::Medium, 40))),
            scored("2026-04-01", AnyEdition::Y2025, Some(6.4), None),
            row("a", "2026-07-01", Some((Level::High, 70)), None),
            scored("2026-10-01", AnyEdition::Y2024, Some(8.1), Some(5.0)),
        ];
        let points = trend(rows.clone(), (None, None));
        let changes: Vec<_> = points
            .iter()
            .map(|p| (p.voted_change, p.voted_score_change, p.measured_score_change))
            .collect();
        assert_eq!(
            changes,
            [
                (None, None, None),
                // The first score has nothing on its scale before it.
                (None, None, None),
                (Some(25), None, None),
                (None, Some(1.7), None),
            ]
        );
        // A later page starts from the last score before it too.
        let later = trend(
            rows[3..].to_vec(),
            TrendStart {
                voted_score: Some(6.4),
                measured_score: Some(5.5),
                ..TrendStart::default()
            },
        );
        assert_eq!(
            (later[0].voted_score_change, later[0].measured_score_change),
            (Some(1.7), Some(-0.5))
        );
    }

    #[test]
    fn pages_hold_fifty_and_a_page_past_the_end_is_the_last() {
        assert_eq!(
            Paged::clamp(1, 0),
            Paged {
                page: 1,
                pages: 1,
                total: 0
            }
        );
        assert_eq!(
            Paged::clamp(3, 120),
            Paged {
                page: 3,
                pages: 3,
                total: 120
            }
        );
        assert_eq!(
            Paged::clamp(9, 100),
            Paged {
                page: 2,
                pages: 2,
                total: 100
            }
        );
        assert_eq!(Paged::clamp(2, 101).offset(), 50);
        assert_eq!(parse_page(None), Ok(1));
        assert_eq!(parse_page(Some(" 2 ")), Ok(2));
        for bad in ["0", "-1", "two", "1.5", "99999999999"] {
            assert_eq!(parse_page(Some(bad)).unwrap_err().field, "page", "{bad}");
        }
    }

    #[test]
    fn filters_parse_once_and_name_the_bad_field() {
        let f = HistoryFilter::parse(Some(" Money "), Some(""), Some("2026-01-01"), None, Some("high")).unwrap();
        assert_eq!(
            (f.tribe.as_deref(), f.squad.as_deref(), f.level),
            (Some("Money"), None, Some(Level::High))
        );
        assert_eq!(
            HistoryFilter::parse(None, None, Some("soon"), None, None)
                .unwrap_err()
                .field,
            "from"
        );
        assert_eq!(
            HistoryFilter::parse(None, None, Some("2026-02-01"), Some("2026-01-01"), None)
                .unwrap_err()
                .field,
            "to"
        );
        assert_eq!(
            HistoryFilter::parse(None, None, None, None, Some("great"))
                .unwrap_err()
                .field,
            "level"
        );
    }
}
