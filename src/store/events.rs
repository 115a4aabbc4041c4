//! Storing pipeline events. A batch is one transaction: all of it or none.
//! Statements are multi-row (a few per batch, not a few per event): through
//! sqlx's `Any` driver each statement costs tens of microseconds. A
//! deployment is one row, its commits and stages inline (see the migration).

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::api_tokens::TokenSquad;
use super::{now_ms, Backend, Query, ServiceError, Store};
use crate::ingest::{last_of_each, DeploymentEvent, IncidentEvent, Source};
use crate::measured::{is_production, Status};

/// How many events of a batch were new and how many replaced earlier copies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ingested {
    pub created: usize,
    pub updated: usize,
}

/// Rows per multi-row statement: keeps every statement under SQLite's
/// 32,766 and PostgreSQL's 65,535 bind parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// `($1, $2, ...), (...)` for `rows` rows of `width` parameters; on SQLite
/// anonymous `?`. Why: sqlx binds each SQLite parameter by asking for its
/// name, and SQLite finds a name by scanning the statement's list of names,
/// so a numbered statement of n parameters costs n² (three quarters of
/// ingestion's time went there at 6,000 parameters per statement).
pub(crate) fn placeholders(backend: Backend, rows: usize, width: usize) -> String {
    if backend == Backend::Sqlite {
        let row = format!("({})", vec!["?"; width].join(", "));
        return vec![row; rows].join(", ");
    }
    let mut s = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..width {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(r * width + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

impl Store {
    /// Reserves `n` ids for new rows, outside the batch's transaction so that
    /// concurrent batches on PostgreSQL do not wait on each other for it.
    async fn reserve_ids(&self, n: usize) -> Result<i64, ServiceError> {
        let next: i64 =
            sqlx::query_scalar("UPDATE id_blocks SET next_id = next_id + $1 WHERE name = 'events' RETURNING next_id")
                .bind(n as i64)
                .fetch_one(&self.writer)
                .await?;
        Ok(next - n as i64)
    }

    /// The ids of the squad's services by name, creating the missing ones.
    async fn services(
        &self,
        conn: &mut AnyConnection,
        squad_id: &str,
        names: &[&str],
        mut next_id: i64,
    ) -> Result<HashMap<String, i64>, ServiceError> {
        let existing = self.service_ids(conn, squad_id).await?;
        let missing: Vec<&&str> = names.iter().filter(|n| !existing.contains_key(**n)).collect();
        if missing.is_empty() {
            return Ok(existing);
        }
        let now = now_ms();
        for chunk in missing.chunks(ROWS_PER_STATEMENT) {
            let sql = format!("INSERT INTO services (id, squad_id, name, created_at) VALUES {} ON CONFLICT (squad_id, name) DO NOTHING", placeholders(self.backend, chunk.len(), 4));
            let mut q: Query = sqlx::query(AssertSqlSafe(sql.clone()));
            for name in chunk {
                q = q.bind(next_id).bind(squad_id).bind(name.to_string()).bind(now);
                next_id += 1;
            }
            q.execute(&mut *conn).await?;
        }
        self.service_ids(conn, squad_id).await
    }

    async fn service_ids(
        &self,
        conn: &mut AnyConnection,
        squad_id: &str,
    ) -> Result<HashMap<String, i64>, ServiceError> {
        let rows = sqlx::query("SELECT id, name FROM services WHERE squad_id = $1")
            .bind(squad_id)
            .fetch_all(&mut *conn)
            .await?;
        Ok(rows.iter().map(|r| (r.get("name"), r.get("id"))).collect())
    }

    /// Stores a batch of deployments for the squad, atomically; a re-sent id
    /// updates the deployment.
    pub async fn ingest_deployments(
        &self,
        squad: &TokenSquad,
        events: Vec<DeploymentEvent>,
    ) -> Result<Ingested, ServiceError> {
        self.ingest_deployments_from(squad, &Source::Api, events).await
    }

    /// [`Store::ingest_deployments`], remembering where the events came from.
    pub async fn ingest_deployments_from(
        &self,
        squad: &TokenSquad,
        source: &Source,
        events: Vec<DeploymentEvent>,
    ) -> Result<Ingested, ServiceError> {
        self.deployments_within(squad, source, events, None).await
    }

    /// Inside the caller's transaction when `within` is given.
    pub(crate) async fn deployments_within(
        &self,
        squad: &TokenSquad,
        source: &Source,
        events: Vec<DeploymentEvent>,
        within: Option<&mut AnyConnection>,
    ) -> Result<Ingested, ServiceError> {
        let table = "deployments (id, squad_id, external_id, service_id, environment, production, success, started_at, finished_at, commits, stages, rework, source, source_name, received_at)";
        let update = "service_id = excluded.service_id, environment = excluded.environment, production = excluded.production, \
                      success = excluded.success, started_at = excluded.started_at, finished_at = excluded.finished_at, commits = excluded.commits, \
                      stages = excluded.stages, rework = excluded.rework, source = excluded.source, source_name = excluded.source_name, received_at = excluded.received_at";
        let mut events = last_of_each(events, |d| &d.id);
        // Rows are stored, and their days' totals locked by the trigger of
        // `deployment_days`, in this order: the same order in every batch,
        // so two batches of one squad at once cannot deadlock on PostgreSQL.
        events.sort_by_cached_key(|d| {
            (
                d.service.clone(),
                if is_production(&d.environment) {
                    String::new()
                } else {
                    d.environment.clone()
                },
                d.finished_at.div_euclid(crate::measured::DAY_MS),
            )
        });
        self.upsert_events(
            squad,
            source,
            &events,
            table,
            update,
            15,
            |d| (&d.id, &d.service),
            |q, d| {
                q.bind(d.environment.clone())
                    .bind(is_production(&d.environment) as i64)
                    .bind((d.status == Status::Success) as i64)
                    .bind(d.started_at)
                    .bind(d.finished_at)
                    .bind(encode_commits(&d.commits))
                    .bind(encode_stages(&d.stages))
                    .bind(d.rework as i64)
            },
            within,
        )
        .await
    }

    /// Stores a batch of incidents for the squad, atomically; a re-sent id
    /// updates the incident (that is how one is resolved).
    pub async fn ingest_incidents(
        &self,
        squad: &TokenSquad,
        events: Vec<IncidentEvent>,
    ) -> Result<Ingested, ServiceError> {
        self.ingest_incidents_from(squad, &Source::Api, events).await
    }

    /// [`Store::ingest_incidents`], remembering where the events came from.
    /// A facilitator's link choice is not among the updated columns: it
    /// outlives every redelivery.
    pub async fn ingest_incidents_from(
        &self,
        squad: &TokenSquad,
        source: &Source,
        events: Vec<IncidentEvent>,
    ) -> Result<Ingested, ServiceError> {
        self.incidents_within(squad, source, events, None).await
    }

    /// Inside the caller's transaction when `within` is given.
    pub(crate) async fn incidents_within(
        &self,
        squad: &TokenSquad,
        source: &Source,
        events: Vec<IncidentEvent>,
        within: Option<&mut AnyConnection>,
    ) -> Result<Ingested, ServiceError> {
        let table = "incidents (id, squad_id, external_id, service_id, title, opened_at, started_at, began_at, resolved_at, deployment_external_id, commit_sha, source, source_name, received_at)";
        let update = "service_id = excluded.service_id, title = excluded.title, opened_at = excluded.opened_at, \
                      started_at = excluded.started_at, began_at = excluded.began_at, resolved_at = excluded.resolved_at, \
                      deployment_external_id = excluded.deployment_external_id, commit_sha = excluded.commit_sha, \
                      source = excluded.source, source_name = excluded.source_name, received_at = excluded.received_at";
        let events = last_of_each(events, |i| &i.id);
        self.upsert_events(
            squad,
            source,
            &events,
            table,
            update,
            14,
            |e| (&e.id, &e.service),
            |q, e| {
                q.bind(e.title.clone())
                    .bind(e.opened_at)
                    .bind(e.started_at)
                    .bind(e.started_at.unwrap_or(e.opened_at))
                    .bind(e.resolved_at)
                    .bind(e.deployment_id.clone())
                    .bind(e.commit_sha.clone())
            },
            within,
        )
        .await
    }

    /// The part both event kinds share: ids drawn in one block, services made
    /// on first sight, multi-row upserts keyed by (squad, external id), and the
    /// new/updated count (a returned id from this block is a new row). Every
    /// table's columns run: id, squad_id, external_id, service_id, what
    /// `bind_rest` binds, source, source_name, received_at.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per event kind; a struct would only rename the same parameters"
    )]
    async fn upsert_events<E>(
        &self,
        squad: &TokenSquad,
        source: &Source,
        events: &[E],
        table: &str,
        update: &str,
        columns: usize,
        keys: impl Fn(&E) -> (&String, &String),
        bind_rest: impl for<'q> Fn(Query<'q>, &E) -> Query<'q>,
        within: Option<&mut AnyConnection>,
    ) -> Result<Ingested, ServiceError> {
        let mut names: Vec<&str> = events.iter().map(|e| keys(e).1.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let wanted = events.len() + names.len();
        // Alone, ids are drawn outside the batch's transaction; inside a
        // caller's (a webhook's), from it: on SQLite the writer is one
        // connection, which the caller holds.
        let (first_id, mut own) = match within {
            Some(conn) => (reserve_ids_on(conn, wanted).await?, Err(conn)),
            None => (self.reserve_ids(wanted).await?, Ok(self.writer.begin().await?)),
        };
        let tx: &mut AnyConnection = match &mut own {
            Ok(tx) => tx,
            Err(conn) => conn,
        };
        let service_first_id = first_id + events.len() as i64;
        let now = now_ms();
        let services = self
            .services(&mut *tx, &squad.squad_id, &names, service_first_id)
            .await?;
        let mut outcome = Ingested::default();
        for (n, chunk) in events.chunks(ROWS_PER_STATEMENT).enumerate() {
            let sql = format!(
                "INSERT INTO {table} VALUES {} ON CONFLICT (squad_id, external_id) DO UPDATE SET {update} RETURNING id",
                placeholders(self.backend, chunk.len(), columns)
            );
            let mut q: Query = sqlx::query(AssertSqlSafe(sql));
            for (i, e) in chunk.iter().enumerate() {
                let (external_id, service) = keys(e);
                q = q
                    .bind(first_id + (n * ROWS_PER_STATEMENT + i) as i64)
                    .bind(&squad.squad_id)
                    .bind(external_id.clone())
                    .bind(services[service]);
                q = bind_rest(q, e)
                    .bind(source.kind())
                    .bind(source.name().map(str::to_string))
                    .bind(now);
            }
            for row in q.fetch_all(&mut *tx).await? {
                let id: i64 = row.get("id");
                if id >= first_id && id < service_first_id {
                    outcome.created += 1;
                } else {
                    outcome.updated += 1;
                }
            }
        }
        if let Ok(tx) = own {
            tx.commit().await?;
        }
        Ok(outcome)
    }
}

/// [`Store::reserve_ids`] on a connection the caller holds.
async fn reserve_ids_on(conn: &mut AnyConnection, n: usize) -> Result<i64, ServiceError> {
    let next: i64 =
        sqlx::query_scalar("UPDATE id_blocks SET next_id = next_id + $1 WHERE name = 'events' RETURNING next_id")
            .bind(n as i64)
            .fetch_one(&mut *conn)
            .await?;
    Ok(next - n as i64)
}

impl Store {
    /// A whole CSV file, in one transaction.
    pub async fn import_csv(
        &self,
        squad: &TokenSquad,
        batch: crate::ingest::csv::CsvBatch,
    ) -> Result<Ingested, ServiceError> {
        match batch {
            crate::ingest::csv::CsvBatch::Deployments(d) => self.ingest_deployments_from(squad, &Source::Csv, d).await,
            crate::ingest::csv::CsvBatch::Incidents(i) => self.ingest_incidents_from(squad, &Source::Csv, i).await,
        }
    }
}

/// `[["sha", committed_at_ms], ...]`
pub(crate) fn encode_commits(commits: &[crate::ingest::CommitEvent]) -> String {
    serde_json::to_string(&commits.iter().map(|c| (&c.sha, c.committed_at)).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

pub(crate) fn decode_commits(text: &str) -> Vec<crate::measured::Commit> {
    serde_json::from_str::<Vec<(String, i64)>>(text)
        .unwrap_or_default()
        .into_iter()
        .map(|(sha, committed_at)| crate::measured::Commit { sha, committed_at })
        .collect()
}

/// `[["name", started_ms, finished_ms], ...]`, or nothing when there are none.
pub(crate) fn encode_stages(stages: &[crate::ingest::StageEvent]) -> Option<String> {
    (!stages.is_empty()).then(|| {
        serde_json::to_string(
            &stages
                .iter()
                .map(|s| (&s.name, s.started_at, s.finished_at))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into())
    })
}

#[cfg(test)]
mod tests {
    use crate::ingest::{CommitEvent, StageEvent};

    #[test]
    fn placeholders_number_every_parameter() {
        assert_eq!(
            super::placeholders(super::Backend::Postgres, 2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(super::placeholders(super::Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }

    #[test]
    fn commits_and_stages_round_trip_through_their_column() {
        let commits = vec![CommitEvent {
            sha: "a \"quoted\" sha".into(),
            committed_at: 5,
        }];
        let decoded = super::decode_commits(&super::encode_commits(&commits));
        assert_eq!(
            (decoded[0].sha.as_str(), decoded[0].committed_at),
            ("a \"quoted\" sha", 5)
        );
        assert_eq!(super::encode_stages(&[]), None);
        let stages = super::encode_stages(&[StageEvent {
            name: "build".into(),
            started_at: 1,
            finished_at: 2,
        }])
        .unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<(String, i64, i64)>>(&stages).unwrap(),
            vec![("build".to_string(), 1, 2)]
        );
    }
}
