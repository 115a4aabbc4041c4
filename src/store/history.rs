//! The history and a squad's trend, a page at a time, from the digest
//! columns each checkpoint row keeps beside its document (see the
//! `history_digest` migration): a page reads its rows' narrow columns, and
//! the totals, the progress on actions and the spread by quarter are
//! aggregates in SQL, so no board or summary document is read.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{ServiceError, Store, Tx};
use crate::dora::current::AnyEdition;
use crate::dora::{Level, Question};
use crate::live::{CheckpointStatus, LiveDoc};
use crate::summary::history::{
    trend, CheckpointDigest, HistoryFilter, HistoryRow, Paged, QuarterSpread, SummaryDigest, TrendPoint, TrendStart,
    PAGE_SIZE,
};
use crate::summary::scores::{self, Peers};
use crate::summary::{Maturity, Summary};

/// A digest as it is stored: the values bound to its columns.
#[derive(Clone, Debug)]
pub(crate) struct StoredDigest {
    voted_level: Option<&'static str>,
    voted_percentile: Option<i64>,
    voted_answers: String,
    /// Current editions: the locked answers' overall score, 0 to 10.
    voted_score: Option<f64>,
    actions: [i64; 4],
    action_list: String,
}

impl StoredDigest {
    pub(crate) fn of(doc: &LiveDoc, benchmark: AnyEdition) -> Result<StoredDigest, ServiceError> {
        let d = CheckpointDigest::of(doc, benchmark);
        Ok(StoredDigest {
            voted_level: d.voted.map(|m| m.level.id()),
            voted_percentile: d.voted.map(|m| i64::from(m.percentile)),
            voted_answers: to_json(&d.voted_answers)?,
            voted_score: d.voted_score,
            actions: d.actions.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
            action_list: to_json(&d.action_list)?,
        })
    }

    /// Binds the digest's columns as `$1` to `$9` (see `digest_set!`).
    pub(crate) fn bind<'q>(
        &'q self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        q.bind(self.voted_level)
            .bind(self.voted_percentile)
            .bind(&self.voted_answers)
            .bind(self.voted_score.map(score_column))
            .bind(self.actions[0])
            .bind(self.actions[1])
            .bind(self.actions[2])
            .bind(self.actions[3])
            .bind(&self.action_list)
    }
}

/// A 0–10 score (one decimal) as its column holds it: whole tenths. An
/// integer binds alike through the `Any` driver on SQLite and PostgreSQL (a
/// double bound after a null in the same prepared statement does not on
/// PostgreSQL), and one decimal is all a score has.
fn score_column(score: f64) -> i64 {
    (score * 10.0).round() as i64
}

fn score_of(tenths: Option<i64>) -> Option<f64> {
    tenths.map(|t| t as f64 / 10.0)
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, ServiceError> {
    serde_json::to_string(v).map_err(|e| ServiceError::Internal(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(raw: &str, what: &str) -> Result<T, ServiceError> {
    serde_json::from_str(raw).map_err(|e| ServiceError::Internal(format!("{what}: {e}")))
}

/// The digest's columns as `SET` assignments of `$1` to `$9`, bound by
/// [`StoredDigest::bind`] before the statement's own parameters (from `$10`).
macro_rules! digest_set {
    () => {
        "voted_level = $1, voted_percentile = $2, voted_answers = $3, voted_score = $4, actions_open = $5, actions_done = $6, \
         actions_carried = $7, actions_dropped = $8, actions = $9, digested = 1"
    };
}
pub(crate) use digest_set;

/// The same columns for an `INSERT`, in the same order, then `digested`
/// (its value is the tenth of `VALUES`, after `$1` to `$9`).
macro_rules! digest_columns {
    () => {
        "voted_level, voted_percentile, voted_answers, voted_score, actions_open, actions_done, actions_carried, actions_dropped, actions, digested"
    };
}
pub(crate) use digest_columns;

impl Store {
    /// Writes a checkpoint's document with its digest, if its revision is
    /// still `revision`; false when someone else wrote it in between.
    pub(crate) async fn write_doc(
        &self,
        tx: &mut Tx<'_>,
        checkpoint_id: &str,
        doc: &LiveDoc,
        benchmark: AnyEdition,
        revision: i64,
    ) -> Result<bool, ServiceError> {
        let digest = StoredDigest::of(doc, benchmark)?;
        let raw = to_json(doc)?;
        let written = digest
            .bind(sqlx::query(concat!(
                "UPDATE checkpoints SET ",
                digest_set!(),
                ", doc = $10 WHERE id = $11 AND revision = $12"
            )))
            .bind(&raw)
            .bind(checkpoint_id)
            .bind(revision)
            .execute(&mut **tx)
            .await?;
        if written.rows_affected() != 1 {
            return Ok(false);
        }
        // `doc` was read with its log replayed (`board_log::stored_doc`), so it holds it.
        super::board_log::clear(tx, checkpoint_id).await?;
        Ok(true)
    }

    /// Keeps the latest finalised revision's figures in the checkpoint's row.
    pub(crate) async fn write_summary_digest(
        &self,
        tx: &mut Tx<'_>,
        checkpoint_id: &str,
        summary: &Summary,
    ) -> Result<(), ServiceError> {
        let d = SummaryDigest::of(summary.clone());
        sqlx::query("UPDATE checkpoints SET summary_revision = $1, measured_level = $2, measured_percentile = $3, measured_answers = $4, measured_score = $6 WHERE id = $5")
            .bind(d.revision.map(i64::from))
            .bind(d.measured.map(|m| m.level.id()))
            .bind(d.measured.map(|m| i64::from(m.percentile)))
            .bind(to_json(&d.measured_answers)?)
            .bind(checkpoint_id)
            .bind(d.measured_score.map(score_column))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Fills in the digest of rows written before it existed. Run at migrate;
    /// each row once.
    pub(crate) async fn digest_old_checkpoints(&self) -> Result<(), ServiceError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM checkpoints WHERE digested = 0")
            .fetch_all(&self.pool)
            .await?;
        for id in ids {
            let mut tx = self.writer.begin().await?;
            let stored = super::board_log::stored_doc(&mut *tx, &id)
                .await?
                .ok_or(ServiceError::NotFound("checkpoint"))?;
            self.write_doc(&mut tx, &id, &stored.doc, stored.benchmark, stored.revision)
                .await?;
            let body: Option<String> = sqlx::query_scalar(
                "SELECT body FROM summary_revisions WHERE checkpoint_id = $1 ORDER BY revision DESC LIMIT 1",
            )
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(body) = body {
                self.write_summary_digest(&mut tx, &id, &from_json::<Summary>(&body, "summary body")?)
                    .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }
}

/// The filters of the history, as SQL over `c` (checkpoints), `s` (squads)
/// and `t` (tribes), bound as `$1`..`$5` by [`bind_filter`].
macro_rules! history_from {
    () => {
        " FROM checkpoints c JOIN squads s ON s.id = c.squad_id JOIN tribes t ON t.id = s.tribe_id \
         WHERE ($1 = '' OR LOWER(t.name) = LOWER($1)) AND ($2 = '' OR s.slug = $2) AND ($3 = '' OR c.held_on >= $3) \
         AND ($4 = '' OR c.held_on <= $4) AND ($5 = '' OR c.voted_level = $5)"
    };
}

/// The columns a history row shows.
macro_rules! row_columns {
    () => {
        "SELECT c.id, c.held_on, c.status, c.benchmark, c.voted_level, c.voted_percentile, c.voted_score, c.voted_answers, \
         c.actions_open, c.actions_done, c.actions_carried, c.actions_dropped, c.summary_revision, c.measured_level, \
         c.measured_percentile, c.measured_score, c.measured_answers, s.slug, s.name, t.name AS tribe"
    };
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind_filter<'q>(q: AnyQuery<'q>, f: &'q HistoryFilter) -> AnyQuery<'q> {
    q.bind(f.tribe.as_deref().unwrap_or_default())
        .bind(f.squad.as_deref().unwrap_or_default())
        .bind(f.from.as_deref().unwrap_or_default())
        .bind(f.to.as_deref().unwrap_or_default())
        .bind(f.level.map(|l| l.id()).unwrap_or_default())
}

fn maturity(level: Option<String>, percentile: Option<i64>) -> Option<Maturity> {
    let level = Level::ALL.into_iter().find(|l| Some(l.id()) == level.as_deref())?;
    Some(Maturity {
        level,
        percentile: u8::try_from(percentile?).ok()?,
    })
}

fn count(r: &AnyRow, column: &str) -> usize {
    usize::try_from(r.get::<i64, _>(column)).unwrap_or_default()
}

fn history_row(r: &AnyRow) -> Result<HistoryRow, ServiceError> {
    let status: String = r.get("status");
    Ok(HistoryRow {
        id: r.get("id"),
        squad_slug: r.get("slug"),
        squad_name: r.get("name"),
        tribe: r.get("tribe"),
        held_on: r.get("held_on"),
        status: CheckpointStatus::parse(&status).unwrap_or_default(),
        edition: AnyEdition::stored(r.get::<&str, _>("benchmark")),
        revision: r
            .get::<Option<i64>, _>("summary_revision")
            .and_then(|n| u32::try_from(n).ok()),
        voted: maturity(r.get("voted_level"), r.get("voted_percentile")),
        measured: maturity(r.get("measured_level"), r.get("measured_percentile")),
        voted_score: score_of(r.get("voted_score")),
        measured_score: score_of(r.get("measured_score")),
        voted_answers: from_json(r.get("voted_answers"), "voted answers")?,
        measured_answers: from_json(r.get("measured_answers"), "measured answers")?,
        actions: [
            count(r, "actions_open"),
            count(r, "actions_done"),
            count(r, "actions_carried"),
            count(r, "actions_dropped"),
        ],
    })
}

/// One page of the history, with what it says about every page.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryPage {
    pub rows: Vec<HistoryRow>,
    pub paged: Paged,
    /// Open, done, carried over, dropped, over every checkpoint the filters keep.
    pub actions: [usize; 4],
    /// Over every checkpoint the filters keep.
    pub spread: Vec<QuarterSpread>,
}

/// One page of a squad's trend, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendPage {
    pub points: Vec<TrendPoint>,
    pub paged: Paged,
}

impl Store {
    /// Page `page` of the checkpoints the filters keep, newest first (a page
    /// past the last is the last). The voted result comes from the locked
    /// answers; the measured one from the latest finalised revision (a draft
    /// has none here: see `squad_trend`).
    pub async fn checkpoint_history(&self, filter: &HistoryFilter, page: u32) -> Result<HistoryPage, ServiceError> {
        let totals = bind_filter(
            sqlx::query(concat!(
                "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(c.actions_open), 0) AS BIGINT) AS actions_open, \
                 CAST(COALESCE(SUM(c.actions_done), 0) AS BIGINT) AS actions_done, CAST(COALESCE(SUM(c.actions_carried), 0) AS BIGINT) AS actions_carried, \
                 CAST(COALESCE(SUM(c.actions_dropped), 0) AS BIGINT) AS actions_dropped",
                history_from!()
            )),
            filter,
        )
        .fetch_one(&self.pool)
        .await?;
        let paged = Paged::clamp(page, u64::try_from(totals.get::<i64, _>("n")).unwrap_or_default());
        let actions = [
            count(&totals, "actions_open"),
            count(&totals, "actions_done"),
            count(&totals, "actions_carried"),
            count(&totals, "actions_dropped"),
        ];
        let rows = bind_filter(
            sqlx::query(concat!(
                row_columns!(),
                history_from!(),
                " ORDER BY c.held_on DESC, c.created_at DESC, c.id DESC LIMIT $6 OFFSET $7"
            )),
            filter,
        )
        .bind(i64::from(PAGE_SIZE))
        .bind(paged.offset())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(history_row)
        .collect::<Result<Vec<_>, _>>()?;
        Ok(HistoryPage {
            rows,
            paged,
            actions,
            spread: self.spread(filter).await?,
        })
    }

    /// Each squad once per quarter, at the level of its latest checkpoint
    /// there with all four answers locked (the rule of `spread_by_quarter`).
    async fn spread(&self, filter: &HistoryFilter) -> Result<Vec<QuarterSpread>, ServiceError> {
        let rows = bind_filter(
            sqlx::query(concat!(
                "SELECT y, q, voted_level, CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT SUBSTR(c.held_on, 1, 4) AS y, \
                 (CAST(SUBSTR(c.held_on, 6, 2) AS BIGINT) + 2) / 3 AS q, c.voted_level, ROW_NUMBER() OVER (PARTITION BY c.squad_id, \
                 SUBSTR(c.held_on, 1, 4), (CAST(SUBSTR(c.held_on, 6, 2) AS BIGINT) + 2) / 3 ORDER BY c.held_on DESC, c.created_at DESC, c.id DESC) AS latest",
                history_from!(),
                " AND c.voted_level IS NOT NULL) per_squad WHERE latest = 1 GROUP BY y, q, voted_level ORDER BY y, q"
            )),
            filter,
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<QuarterSpread> = Vec::new();
        for r in rows {
            let quarter = format!("{} Q{}", r.get::<String, _>("y"), r.get::<i64, _>("q"));
            let Some(i) = Level::ALL
                .iter()
                .position(|l| Some(l.id()) == r.get::<Option<String>, _>("voted_level").as_deref())
            else {
                continue;
            };
            if out.last().is_none_or(|s| s.quarter != quarter) {
                out.push(QuarterSpread {
                    quarter,
                    counts: [0; 4],
                });
            }
            if let Some(last) = out.last_mut() {
                last.counts[i] = count(&r, "n");
            }
        }
        Ok(out)
    }

    /// Page `page` of one squad's checkpoints, oldest first, with the change
    /// since the previous one (on this page or before it). Drafts get their
    /// measured figures computed now.
    pub async fn squad_trend(&self, squad_slug: &str, page: u32) -> Result<TrendPage, ServiceError> {
        let squad = self.squad(squad_slug).await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkpoints WHERE squad_id = $1")
            .bind(&squad.id)
            .fetch_one(&self.pool)
            .await?;
        let paged = Paged::clamp(page, u64::try_from(total).unwrap_or_default());
        let mut rows = sqlx::query(concat!(
            row_columns!(),
            " FROM checkpoints c JOIN squads s ON s.id = c.squad_id JOIN tribes t ON t.id = s.tribe_id WHERE c.squad_id = $1 \
             ORDER BY c.held_on, c.created_at, c.id LIMIT $2 OFFSET $3"
        ))
        .bind(&squad.id)
        .bind(i64::from(PAGE_SIZE))
        .bind(paged.offset())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(history_row)
        .collect::<Result<Vec<_>, _>>()?;
        let peers = Peers {
            industry: squad.industry,
            org_size: squad.org_size,
        };
        for row in rows.iter_mut().filter(|r| r.revision.is_none()) {
            if let Some(m) = self.checkpoint_measured(&row.id).await? {
                row.measured_score = scores::measured(&m, row.edition, peers).map(|a| a.score);
                row.measured = m
                    .maturity
                    .as_ref()
                    .filter(|_| row.edition.legacy().is_some())
                    .map(|mm| Maturity {
                        level: mm.level,
                        percentile: mm.percentile,
                    });
                row.measured_answers = std::array::from_fn(|i| {
                    crate::measured::report::answer_of(&m, Question::ALL[i]).map(str::to_string)
                });
            }
        }
        let before = self.trend_before(&squad.id, paged.offset(), peers).await?;
        Ok(TrendPage {
            points: trend(rows, before),
            paged,
        })
    }

    /// The last voted and measured percentiles and scores among the squad's
    /// first `offset` checkpoints (those on the pages before this one).
    async fn trend_before(&self, squad_id: &str, offset: i64, peers: Peers) -> Result<TrendStart, ServiceError> {
        if offset == 0 {
            return Ok(TrendStart::default());
        }
        let earlier = sqlx::query(
            "SELECT id, benchmark, summary_revision, voted_percentile, measured_percentile, voted_score, measured_score FROM (SELECT c.id, \
             c.held_on, c.created_at, c.benchmark, c.summary_revision, c.voted_percentile, c.measured_percentile, c.voted_score, c.measured_score \
             FROM checkpoints c WHERE c.squad_id = $1 ORDER BY c.held_on, c.created_at, c.id LIMIT $2) earlier \
             ORDER BY held_on DESC, created_at DESC, id DESC",
        )
        .bind(squad_id)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let percentile = |v: Option<i64>| v.and_then(|p| u8::try_from(p).ok());
        let mut start = TrendStart {
            voted: earlier.iter().find_map(|r| percentile(r.get("voted_percentile"))),
            voted_score: earlier.iter().find_map(|r| score_of(r.get("voted_score"))),
            ..TrendStart::default()
        };
        // The latest measured result of each scale; a draft's is computed, as on its own row.
        for r in &earlier {
            if start.measured.is_some() && start.measured_score.is_some() {
                break;
            }
            let edition = AnyEdition::stored(r.get::<&str, _>("benchmark"));
            let (p, score) = match r.get::<Option<i64>, _>("summary_revision") {
                Some(_) => (
                    percentile(r.get("measured_percentile")),
                    score_of(r.get("measured_score")),
                ),
                None => match self.checkpoint_measured(r.get("id")).await? {
                    Some(m) => (
                        m.maturity
                            .as_ref()
                            .filter(|_| edition.legacy().is_some())
                            .map(|mm| mm.percentile),
                        scores::measured(&m, edition, peers).map(|a| a.score),
                    ),
                    None => (None, None),
                },
            };
            start.measured = start.measured.or(p);
            start.measured_score = start.measured_score.or(score);
        }
        Ok(start)
    }
}
