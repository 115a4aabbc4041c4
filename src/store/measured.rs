//! Reading measured metrics. Every query is bounded by the squad (or service)
//! and the window, so the work grows with what is asked, not with the whole
//! history: the window's production deployments (their commits inline), the
//! earlier deployments of commits made before the window (so each commit
//! counts once), the last success before the window (for the six-month
//! rule), and the incidents that began or were resolved in it.

use std::collections::{HashMap, HashSet};

use sqlx::{AssertSqlSafe, Row};

use super::events::decode_commits;
use super::{Backend, ServiceError, Store};
use crate::accounts::CurrentUser;
use crate::dora::Benchmark;
use crate::measured::report::{durations, per_service, stage_times, weekly, LeaderboardRow, SquadMetrics, StageRun};
use crate::measured::{deployment_frequency, measure, Commit, Deployment, Incident, Measured, Status, Window, DAY_MS};

/// Whose events: a squad, or one of its services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub squad_id: String,
    pub slug: String,
    pub squad_name: String,
    pub service_id: Option<i64>,
}

/// Who asks: a signed-in user (reads every squad) or a squad's token (only its own).
#[derive(Clone, Copy, Debug)]
pub enum Reader<'a> {
    User(&'a CurrentUser),
    Token(&'a super::api_tokens::TokenSquad),
}

/// The events of one scope and window, ready for `measure`.
pub struct Events {
    pub deployments: Vec<Deployment>,
    pub incidents: Vec<Incident>,
    /// The pipeline stages of the window's production deployments.
    pub stages: Vec<StageRun>,
}

const LOOKBACK_MS: i64 = 182 * DAY_MS;

impl Store {
    /// Resolves `?squad=` and `?service=`. A token reads only its squad: any
    /// other squad is "not found", never "forbidden", so tokens cannot probe.
    pub async fn metrics_scope(&self, reader: Reader<'_>, squad: Option<&str>, service: Option<&str>) -> Result<Scope, ServiceError> {
        let slug = match (reader, squad) {
            (Reader::Token(t), None) => t.slug.clone(),
            (Reader::Token(t), Some(s)) if s == t.slug => t.slug.clone(),
            (Reader::Token(_), Some(_)) => return Err(ServiceError::NotFound("squad")),
            (Reader::User(_), Some(s)) => s.to_string(),
            (Reader::User(_), None) => {
                let Some(service) = service else {
                    return Err(ServiceError::invalid("squad", "give squad=SLUG or service=NAME"));
                };
                let slugs: Vec<String> = sqlx::query_scalar("SELECT q.slug FROM services s JOIN squads q ON q.id = s.squad_id WHERE s.name = $1 ORDER BY q.slug")
                    .bind(service)
                    .fetch_all(&self.pool)
                    .await?;
                match slugs.as_slice() {
                    [] => return Err(ServiceError::NotFound("service")),
                    [one] => one.clone(),
                    _ => return Err(ServiceError::invalid("squad", format!("several squads have a service named {service:?}: {}; add squad=SLUG", slugs.join(", ")))),
                }
            }
        };
        let row = sqlx::query("SELECT id, slug, name FROM squads WHERE slug = $1").bind(&slug).fetch_optional(&self.pool).await?.ok_or(ServiceError::NotFound("squad"))?;
        let squad_id: String = row.get("id");
        let service_id = match service {
            None => None,
            Some(name) => Some(
                sqlx::query_scalar::<_, i64>("SELECT id FROM services WHERE squad_id = $1 AND name = $2")
                    .bind(&squad_id)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(ServiceError::NotFound("service"))?,
            ),
        };
        Ok(Scope { squad_id, slug: row.get("slug"), squad_name: row.get("name"), service_id })
    }

    /// The events `measure` needs for `window` (see the module comment).
    pub async fn window_events(&self, scope: &Scope, window: Window) -> Result<Events, ServiceError> {
        let service = if scope.service_id.is_some() { " AND d.service_id = $4" } else { "" };
        // The window's rows come back as one JSON array built by the database:
        // sqlx hands each SQLite row from its worker thread to the caller one
        // at a time, which cost more than the query itself for thousands of rows.
        // Commits and stages travel as the JSON text they are stored as (the
        // database need not parse them), services as ids (names come from one
        // small query instead of a join per row). On SQLite the rows come back
        // as one JSON array built by the database: sqlx hands each SQLite row
        // from its worker thread to the caller one at a time, which cost more
        // than the query itself. PostgreSQL aggregates text slowly (9 ms for a
        // squad's window) and streams rows cheaply, so there rows stay rows.
        let columns = "d.external_id, d.service_id, d.environment, d.success, d.started_at, d.finished_at, d.commits, d.stages";
        let aggregate = match self.backend {
            Backend::Sqlite => format!("json_group_array(json_array({columns})) AS rows"),
            Backend::Postgres => columns.to_string(),
        };
        let deployments_sql = format!(
            "SELECT {aggregate} FROM deployments d WHERE d.squad_id = $1 AND d.finished_at >= $2 AND d.finished_at < $3 AND d.production = 1{service}"
        );
        let successes_sql = format!(
            "SELECT d.external_id, s.name AS service, d.finished_at, d.commits FROM deployments d JOIN services s ON s.id = d.service_id \
             WHERE d.squad_id = $1 AND d.finished_at >= $2 AND d.finished_at < $3 AND d.production = 1 AND d.success = 1{service}"
        );
        let before_sql = format!(
            "SELECT s.name AS service, MAX(d.finished_at) AS last_at FROM deployments d JOIN services s ON s.id = d.service_id \
             WHERE d.squad_id = $1 AND d.finished_at >= $2 AND d.finished_at < $3 AND d.production = 1 AND d.success = 1{service} GROUP BY s.name"
        );
        let incident_service = if scope.service_id.is_some() { " AND i.service_id = $4" } else { "" };
        let incident_columns = "i.external_id, i.service_id, i.opened_at, i.started_at, i.resolved_at, i.deployment_external_id, i.commit_sha";
        let incident_aggregate = match self.backend {
            Backend::Sqlite => format!("json_group_array(json_array({incident_columns})) AS rows"),
            Backend::Postgres => incident_columns.to_string(),
        };
        let incidents_sql = format!(
            "SELECT {incident_aggregate} FROM incidents i \
             WHERE i.squad_id = $1 AND (i.began_at >= $2 OR (i.resolved_at >= $2 AND i.resolved_at < $3)){incident_service}"
        );

        let mut conn = self.pool.acquire().await?;
        let names: HashMap<i64, String> = sqlx::query("SELECT id, name FROM services WHERE squad_id = $1")
            .bind(&scope.squad_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| (r.get("id"), r.get("name")))
            .collect();
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        type Row = (String, i64, String, i64, Option<i64>, i64, String, Option<String>);
        let query = bind_scope(sqlx::query(AssertSqlSafe(deployments_sql)), scope, window.from, window.to);
        let rows: Vec<Row> = match self.backend {
            Backend::Sqlite => parse_aggregate(query.fetch_one(&mut *conn).await?.get("rows"))?,
            Backend::Postgres => query
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7)))
                .collect(),
        };
        let mut deployments: Vec<Deployment> = Vec::with_capacity(rows.len() + 16);
        let mut stages = Vec::new();
        for (id, service_id, environment, success, started_at, finished_at, commits, stage_list) in rows {
            let stage_list: Vec<(String, i64, i64)> = stage_list.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
            for (position, (stage, started, stage_finished)) in stage_list.into_iter().enumerate() {
                stages.push(StageRun { name: stage, position: position as i64, started_at: started, finished_at: stage_finished });
            }
            deployments.push(Deployment {
                id,
                service: name(service_id),
                environment,
                status: if success == 1 { Status::Success } else { Status::Failure },
                started_at,
                finished_at,
                commits: decode_commits(&commits),
            });
        }
        // A commit counts once, from its first successful production
        // deployment. One deployed before the window can only be a commit made
        // before the window began (a commit is never newer than a deployment
        // carrying it), so only those are looked for, and only as far back as
        // the oldest of them: the work follows the window, not the history.
        let earlier: HashSet<String> = deployments
            .iter()
            .filter(|d| d.status == Status::Success)
            .flat_map(|d| d.commits.iter())
            .filter(|c| c.committed_at < window.from)
            .map(|c| c.sha.clone())
            .collect();
        let oldest = deployments.iter().flat_map(|d| d.commits.iter()).filter(|c| earlier.contains(&c.sha)).map(|c| c.committed_at).min();
        if let Some(oldest) = oldest {
            for r in bind_scope(sqlx::query(AssertSqlSafe(successes_sql)), scope, oldest, window.from).fetch_all(&mut *conn).await? {
                let commits: Vec<Commit> = decode_commits(&r.get::<String, _>("commits")).into_iter().filter(|c| earlier.contains(&c.sha)).collect();
                if commits.is_empty() {
                    continue;
                }
                deployments.push(Deployment {
                    id: format!("\u{0}earlier {}", r.get::<String, _>("external_id")),
                    service: r.get("service"),
                    environment: "production".into(),
                    status: Status::Success,
                    started_at: None,
                    finished_at: r.get("finished_at"),
                    commits,
                });
            }
        }
        for r in bind_scope(sqlx::query(AssertSqlSafe(before_sql)), scope, window.to - LOOKBACK_MS, window.from).fetch_all(&mut *conn).await? {
            deployments.push(Deployment {
                id: "\u{0}before the window".into(),
                service: r.get("service"),
                environment: "production".into(),
                status: Status::Success,
                started_at: None,
                finished_at: r.get("last_at"),
                commits: Vec::new(),
            });
        }
        type IncidentRow = (String, i64, i64, Option<i64>, Option<i64>, Option<String>, Option<String>);
        let query = bind_scope(sqlx::query(AssertSqlSafe(incidents_sql)), scope, window.from, window.to);
        let incident_rows: Vec<IncidentRow> = match self.backend {
            Backend::Sqlite => parse_aggregate(query.fetch_one(&mut *conn).await?.get("rows"))?,
            Backend::Postgres => query
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)))
                .collect(),
        };
        let incidents = incident_rows
            .into_iter()
            .map(|(id, service_id, opened_at, started_at, resolved_at, deployment_id, commit_sha)| Incident { id, service: name(service_id), opened_at, started_at, resolved_at, deployment_id, commit_sha })
            .collect();
        Ok(Events { deployments, incidents, stages })
    }

    pub async fn measure(&self, scope: &Scope, window: Window, benchmark: Benchmark) -> Result<Measured, ServiceError> {
        let events = self.window_events(scope, window).await?;
        Ok(measure(&events.deployments, &events.incidents, window, benchmark))
    }

    /// The squad metrics page: the window overall, week by week, per service,
    /// time per pipeline stage and deployment durations.
    pub async fn squad_metrics(&self, scope: &Scope, window: Window, benchmark: Benchmark) -> Result<SquadMetrics, ServiceError> {
        let events = self.window_events(scope, window).await?;
        let overall = measure(&events.deployments, &events.incidents, window, benchmark);
        let total_deployments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deployments WHERE squad_id = $1").bind(&scope.squad_id).fetch_one(&self.pool).await?;
        let total_incidents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE squad_id = $1").bind(&scope.squad_id).fetch_one(&self.pool).await?;
        Ok(SquadMetrics {
            squad: scope.slug.clone(),
            squad_name: scope.squad_name.clone(),
            weeks: weekly(&events.deployments, &events.incidents, window, benchmark),
            services: per_service(&events.deployments, &events.incidents, window, benchmark),
            stages: stage_times(&events.stages),
            durations: durations(&events.deployments, window),
            overall,
            total_deployments,
            total_incidents,
        })
    }

    /// What the squad's pipelines measured in the 91 days up to the end of
    /// the checkpoint's day, in the checkpoint's benchmark: shown beside the
    /// votes and the seed of the summary. `None` when the squad has never
    /// sent an event (nothing to show, rather than four "no data").
    pub async fn checkpoint_measured(&self, checkpoint_id: &str) -> Result<Option<Measured>, ServiceError> {
        let row = sqlx::query("SELECT c.held_on, c.benchmark, s.id, s.slug, s.name FROM checkpoints c JOIN squads s ON s.id = c.squad_id WHERE c.id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ServiceError::NotFound("checkpoint"))?;
        let squad_id: String = row.get("id");
        let any: Option<i64> = sqlx::query_scalar("SELECT 1 FROM deployments WHERE squad_id = $1 UNION ALL SELECT 1 FROM incidents WHERE squad_id = $1 LIMIT 1")
            .bind(&squad_id)
            .fetch_optional(&self.pool)
            .await?;
        if any.is_none() {
            return Ok(None);
        }
        let held_on: String = row.get("held_on");
        let day = crate::measured::dates::parse_date(&held_on).ok_or_else(|| ServiceError::Internal(format!("bad held_on {held_on}")))?;
        let benchmark: String = row.get("benchmark");
        let benchmark = Benchmark::from_id(&benchmark).unwrap_or_default();
        let to = day + DAY_MS;
        let window = Window { from: to - crate::measured::DEFAULT_WINDOW_DAYS * DAY_MS, to };
        let scope = Scope { squad_id, slug: row.get("slug"), squad_name: row.get("name"), service_id: None };
        self.measure(&scope, window, benchmark).await.map(Some)
    }

    /// Every squad's services and environments over the window, with the
    /// deployment-frequency answer each would get. `tribe` filters by name.
    pub async fn leaderboard(&self, window: Window, tribe: Option<&str>) -> Result<Vec<LeaderboardRow>, ServiceError> {
        // Successful deployments per day slot (counted back from the end, as
        // the frequency rule does), so the rows are per day, not per deployment.
        let tribe_filter = if tribe.is_some() { " AND t.name_key = $3" } else { "" };
        let sql = format!(
            "SELECT q.slug, q.name AS squad_name, t.name AS tribe, d.environment, s.name AS service, ($2 - 1 - d.finished_at) / {DAY_MS} AS slot, \
             COUNT(*) AS n, CAST(SUM(d.success) AS BIGINT) AS ok, \
             CAST(SUM(CASE WHEN d.started_at IS NULL THEN 0 ELSE d.finished_at - d.started_at END) AS BIGINT) AS timed_ms, \
             CAST(SUM(CASE WHEN d.started_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS timed \
             FROM deployments d JOIN services s ON s.id = d.service_id JOIN squads q ON q.id = d.squad_id JOIN tribes t ON t.id = q.tribe_id \
             WHERE d.finished_at >= $1 AND d.finished_at < $2{tribe_filter} GROUP BY 1, 2, 3, 4, 5, 6"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql.clone())).bind(window.from).bind(window.to);
        if let Some(t) = tribe {
            q = q.bind(t.trim().to_lowercase());
        }
        let rows = q.fetch_all(&self.pool).await?;
        #[derive(Default)]
        struct Acc {
            n: i64,
            timed_ms: i64,
            timed: i64,
            successes: Vec<i64>,
        }
        let mut groups: std::collections::BTreeMap<(String, String, String, String, String), Acc> = Default::default();
        for r in &rows {
            let key = (r.get::<String, _>("tribe"), r.get::<String, _>("squad_name"), r.get::<String, _>("slug"), r.get::<String, _>("service"), r.get::<String, _>("environment"));
            let acc = groups.entry(key).or_default();
            let slot: i64 = r.get("slot");
            let ok: i64 = r.get("ok");
            acc.n += r.get::<i64, _>("n");
            acc.timed_ms += r.get::<i64, _>("timed_ms");
            acc.timed += r.get::<i64, _>("timed");
            // One instant inside the slot per success: all the rule looks at.
            acc.successes.extend(std::iter::repeat_n(window.to - 1 - slot * DAY_MS, ok as usize));
        }
        Ok(groups
            .into_iter()
            .map(|((tribe, squad_name, squad, service, environment), acc)| LeaderboardRow {
                squad,
                squad_name,
                tribe,
                environment,
                service,
                deployments: acc.n as usize,
                mean_duration_seconds: (acc.timed > 0).then(|| acc.timed_ms as f64 / acc.timed as f64 / 1000.0),
                frequency_answer: deployment_frequency(&acc.successes, acc.n as usize, window).answer,
            })
            .collect())
    }
}

/// The rows of a `json_group_array` (absent when there were none).
fn parse_aggregate<T: serde::de::DeserializeOwned>(text: Option<String>) -> Result<Vec<T>, ServiceError> {
    match text {
        Some(t) => serde_json::from_str(&t).map_err(|e| ServiceError::Internal(format!("window rows: {e}"))),
        None => Ok(Vec::new()),
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds `$1` squad, `$2` from, `$3` to and, for a service, `$4`.
fn bind_scope<'q>(q: Query<'q>, scope: &Scope, from: i64, to: i64) -> Query<'q> {
    let q = q.bind(scope.squad_id.clone()).bind(from).bind(to);
    match scope.service_id {
        Some(s) => q.bind(s),
        None => q,
    }
}
