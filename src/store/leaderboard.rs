//! The leaderboard's read: every squad's services and environments over a
//! window, with the deployment-frequency answer each would get by section 6.
//! A window of whole UTC days (what the page asks for) is read from the
//! per-day totals (`deployment_days`); any other window from the deployments
//! themselves. Both give the same rows.

use std::collections::BTreeMap;

use sqlx::{AssertSqlSafe, Row};

use super::measured::LOOKBACK_MS;
use super::{Query, ServiceError, Store};
use crate::measured::report::LeaderboardRow;
use crate::measured::{deployment_frequency, BoundedWindow, Window, DAY_MS};

/// (tribe, squad name, squad slug, service, environment): the row order.
type Key = (String, String, String, String, String);

/// What one row of the leaderboard adds up.
#[derive(Default)]
struct Group {
    attempts: i64,
    timed_ms: i64,
    timed: i64,
    /// One instant inside its day slot per success (all the rule looks at),
    /// and the last success of the look-back before the window.
    successes: Vec<i64>,
}

/// Columns every read selects to name its rows, from `services s`, `squads q` and `tribes t`.
const NAMES: &str = "q.slug, q.name AS squad_name, t.name AS tribe, s.name AS service";
const NAMES_JOIN: &str =
    "JOIN services s ON s.id = g.service_id JOIN squads q ON q.id = s.squad_id JOIN tribes t ON t.id = q.tribe_id";

fn key(r: &sqlx::any::AnyRow) -> Key {
    (
        r.get("tribe"),
        r.get("squad_name"),
        r.get("slug"),
        r.get("service"),
        r.get("environment"),
    )
}

/// Whether `window` is made of whole UTC days, so the per-day totals answer it exactly.
fn whole_days(w: Window) -> bool {
    w.from >= 0 && w.from % DAY_MS == 0 && w.to % DAY_MS == 0
}

impl Store {
    /// Every squad's services and environments over the window, with the
    /// deployment-frequency answer each would get by section 6: the same
    /// answer as `/api/v1/metrics` for that squad and service (production
    /// and prod are one environment there, so one row here), the 182-day
    /// look-back included. `tribe` filters by name.
    pub async fn leaderboard(
        &self,
        window: BoundedWindow,
        tribe: Option<&str>,
    ) -> Result<Vec<LeaderboardRow>, ServiceError> {
        let window = window.get();
        let tribe_key = tribe.map(|t| t.trim().to_lowercase());
        let groups = if whole_days(window) {
            self.leaderboard_days(window, tribe_key.as_deref()).await?
        } else {
            self.leaderboard_deployments(window, tribe_key.as_deref()).await?
        };
        Ok(groups
            .into_iter()
            .map(|((tribe, squad_name, squad, service, environment), g)| LeaderboardRow {
                squad,
                squad_name,
                tribe,
                environment,
                service,
                deployments: g.attempts as usize,
                mean_duration_seconds: (g.timed > 0).then(|| g.timed_ms as f64 / g.timed as f64 / 1000.0),
                frequency_answer: deployment_frequency(&g.successes, g.attempts as usize, window).answer,
            })
            .collect())
    }

    /// From the per-day totals: one row per service and environment, its
    /// days with successes packed as `day:count,…`, then the last day with
    /// a success in the look-back before the window. Both reads walk
    /// `deployment_environments` and seek each one's days in key order,
    /// so neither sorts and the work grows with the window's days.
    async fn leaderboard_days(
        &self,
        window: Window,
        tribe_key: Option<&str>,
    ) -> Result<BTreeMap<Key, Group>, ServiceError> {
        let (from_day, to_day) = (window.from / DAY_MS, window.to / DAY_MS);
        let tribe_filter = if tribe_key.is_some() {
            " WHERE t.name_key = $3"
        } else {
            ""
        };
        // One correlated subquery per environment, its window's days seeked
        // in key order, its sums and success days as one text: a plain join
        // and GROUP BY let PostgreSQL's planner put a `Memoize` with no hit
        // over the seek (16 to 18 ms of its 22 ms, docs/perf.md), or, told the
        // keys are distinct, scan the whole table. An environment without a
        // day in the range comes back as NULL and is skipped here: asked in
        // SQL (`WHERE g.totals IS NOT NULL`), PostgreSQL ran each subquery
        // twice, once for the filter and once for the column (48 to 86 ms
        // instead of 16 to 27).
        let in_window = format!(
            "SELECT {NAMES}, g.environment, g.totals FROM (\
               SELECT e.service_id, e.environment, (SELECT CAST(SUM(r.attempts) AS TEXT) || ' ' || \
                 CAST(SUM(r.timed) AS TEXT) || ' ' || CAST(SUM(r.timed_ms) AS TEXT) || ' ' || \
                 COALESCE(string_agg(CASE WHEN r.successes > 0 THEN CAST(r.day AS TEXT) || ':' || CAST(r.successes AS TEXT) END, ','), '') \
                 FROM deployment_days r \
                 WHERE r.service_id = e.service_id AND r.environment = e.environment AND r.day >= $1 AND r.day < $2) AS totals \
               FROM deployment_environments e) g \
             {NAMES_JOIN}{tribe_filter}"
        );
        let before = format!(
            "SELECT {NAMES}, g.environment, g.last_day FROM (\
               SELECT e.service_id, e.environment, (SELECT r.day FROM deployment_days r \
                 WHERE r.service_id = e.service_id AND r.environment = e.environment AND r.day >= $1 AND r.day < $2 AND r.successes > 0 \
                 ORDER BY r.day DESC LIMIT 1) AS last_day \
               FROM deployment_environments e) g \
             {NAMES_JOIN}{tribe_filter}"
        );
        let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
        for r in bound(in_window, from_day, to_day, tribe_key)
            .fetch_all(&self.pool)
            .await?
        {
            let Some(totals) = r.get::<Option<String>, _>("totals") else {
                continue;
            };
            let g =
                window_group(&totals).ok_or_else(|| ServiceError::Internal(format!("deployment_days: {totals:?}")))?;
            // Days whose deployments all moved elsewhere keep a row of zeros.
            if g.attempts > 0 {
                groups.insert(key(&r), g);
            }
        }
        let lookback_from = (window.to - LOOKBACK_MS) / DAY_MS;
        if lookback_from < from_day {
            for r in bound(before, lookback_from, from_day, tribe_key)
                .fetch_all(&self.pool)
                .await?
            {
                let Some(day) = r.get::<Option<i64>, _>("last_day") else {
                    continue;
                };
                groups.entry(key(&r)).or_default().successes.push(day * DAY_MS);
            }
        }
        Ok(groups)
    }

    /// From the deployments: successful deployments per day slot (counted
    /// back from the end, as the frequency rule does), so the rows are per
    /// day, not per deployment; then the last success before the window.
    async fn leaderboard_deployments(
        &self,
        window: Window,
        tribe_key: Option<&str>,
    ) -> Result<BTreeMap<Key, Group>, ServiceError> {
        let tribe_filter = if tribe_key.is_some() {
            " AND t.name_key = $3"
        } else {
            ""
        };
        let environment = "CASE WHEN d.production = 1 THEN 'production' ELSE d.environment END";
        let tables = "deployments d JOIN services s ON s.id = d.service_id JOIN squads q ON q.id = d.squad_id JOIN tribes t ON t.id = q.tribe_id";
        let sql = format!(
            "SELECT {NAMES}, {environment} AS environment, ($2 - 1 - d.finished_at) / {DAY_MS} AS slot, \
             COUNT(*) AS n, CAST(SUM(d.success) AS BIGINT) AS ok, \
             CAST(SUM(CASE WHEN d.started_at IS NULL THEN 0 ELSE d.finished_at - d.started_at END) AS BIGINT) AS timed_ms, \
             CAST(SUM(CASE WHEN d.started_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS timed \
             FROM {tables} WHERE d.finished_at >= $1 AND d.finished_at < $2{tribe_filter} GROUP BY 1, 2, 3, 4, 5, 6"
        );
        // The last success in the 182 days before the end that lies before
        // the window: all the six-month rule needs from outside it.
        let before_sql = format!(
            "SELECT {NAMES}, {environment} AS environment, MAX(d.finished_at) AS last_at \
             FROM {tables} WHERE d.finished_at >= $1 AND d.finished_at < $2 AND d.success = 1{tribe_filter} GROUP BY 1, 2, 3, 4, 5"
        );
        let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
        for r in bound(sql, window.from, window.to, tribe_key)
            .fetch_all(&self.pool)
            .await?
        {
            let g = groups.entry(key(&r)).or_default();
            let slot: i64 = r.get("slot");
            let ok: i64 = r.get("ok");
            g.attempts += r.get::<i64, _>("n");
            g.timed_ms += r.get::<i64, _>("timed_ms");
            g.timed += r.get::<i64, _>("timed");
            g.successes
                .extend(std::iter::repeat_n(window.to - 1 - slot * DAY_MS, ok as usize));
        }
        let lookback_from = window.to - LOOKBACK_MS;
        if lookback_from < window.from {
            for r in bound(before_sql, lookback_from, window.from, tribe_key)
                .fetch_all(&self.pool)
                .await?
            {
                groups.entry(key(&r)).or_default().successes.push(r.get("last_at"));
            }
        }
        Ok(groups)
    }
}

/// One environment's window from `leaderboard_days`' text: its attempts,
/// timed count and timed milliseconds, then its success days as
/// `day:count,…` (empty when none).
fn window_group(totals: &str) -> Option<Group> {
    let mut fields = totals.splitn(4, ' ');
    let mut number = || fields.next()?.parse::<i64>().ok();
    let (attempts, timed, timed_ms) = (number()?, number()?, number()?);
    let mut successes = Vec::new();
    for part in fields.next()?.split(',').filter(|p| !p.is_empty()) {
        let (day, count) = part.split_once(':')?;
        let (day, count) = (day.parse::<i64>().ok()?, count.parse::<usize>().ok()?);
        successes.extend(std::iter::repeat_n(day * DAY_MS, count));
    }
    Some(Group {
        attempts,
        timed_ms,
        timed,
        successes,
    })
}

/// `sql` with its range (`$1`, `$2`) and, when filtering, the tribe's key (`$3`).
fn bound<'q>(sql: String, from: i64, to: i64, tribe_key: Option<&str>) -> Query<'q> {
    let q = sqlx::query(AssertSqlSafe(sql)).bind(from).bind(to);
    match tribe_key {
        Some(t) => q.bind(t.to_string()),
        None => q,
    }
}
