//! Storing what a verified webhook delivery means: the commits a forge
//! pushed, its deployments with the commits they brought, and incidents,
//! all in one transaction with the delivery's line in the log. The events go
//! through the JSON API's upserts, so a redelivery changes nothing.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::connections::{log_delivery_in, HookConnection};
use super::events::{placeholders, Ingested};
use super::{ServiceError, Store};
use crate::connections::{Outcome, Source};
use crate::hooks::{fields, ForgeDeployment, Meaning, Push, Refusal};
use crate::ingest::CommitEvent;
use crate::measured::Status;

/// What became of a delivery, for its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    Ping,
    Ignored(String),
    Refused(Refusal),
    Stored {
        summary: String,
        deployments: Ingested,
        incidents: Ingested,
        commits: usize,
    },
}

const ROWS_PER_STATEMENT: usize = 500;

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Store {
    /// Stores `meaning` for the connection and logs the delivery: nothing of
    /// a refused delivery is stored but its log line.
    pub async fn receive_hook(
        &self,
        connection: &HookConnection,
        event: &str,
        delivery: Option<&str>,
        meaning: Result<Meaning, Refusal>,
    ) -> Result<Received, ServiceError> {
        let events = match meaning {
            Ok(Meaning::Ping) => {
                let reason = format!("ping: {} reached this connection", connection.kind.label());
                self.log_delivery(&connection.id, event, delivery, Outcome::Accepted, &reason)
                    .await?;
                return Ok(Received::Ping);
            }
            Ok(Meaning::Ignored(reason)) => {
                self.log_delivery(&connection.id, event, delivery, Outcome::Ignored, &reason)
                    .await?;
                return Ok(Received::Ignored(reason));
            }
            Err(refusal) => return self.refuse(connection, event, delivery, refusal).await,
            Ok(Meaning::Events(events)) => events,
        };
        let source = Source::Connection {
            kind: connection.kind,
            name: connection.name.clone(),
        };
        let squad = &connection.squad;
        let mut tx = self.writer.begin().await?;
        let mut lines = Vec::new();
        let mut commits = 0;
        for push in &events.pushes {
            commits += self.record_push(&mut tx, &squad.squad_id, push).await?;
            lines.push(format!(
                "{} pushed to {}",
                plural(push.commits.len(), "commit", "commits"),
                push.repository
                    .split_once(':')
                    .map_or(push.repository.as_str(), |(_, r)| r)
            ));
        }
        let mut deployments = Vec::new();
        // Each deployment's forge event, the seq of its head (when pushed) and its status.
        let mut marks = Vec::new();
        for forge in &events.deployments {
            let (found, head, note) = self.commits_brought(&mut tx, &squad.squad_id, forge).await?;
            let count = found.len();
            match fields::deployment(forge, found) {
                Ok(d) => {
                    lines.push(format!(
                        "deployment {} of {}: {}, {}{}",
                        d.id,
                        d.service,
                        if d.status == Status::Success {
                            "success"
                        } else {
                            "failure"
                        },
                        plural(count, "commit", "commits"),
                        note
                    ));
                    marks.push((forge, head, d.status));
                    deployments.push(d);
                }
                Err(refusal) => {
                    drop(tx);
                    return self.refuse(connection, event, delivery, refusal).await;
                }
            }
        }
        for (forge, head, status) in marks {
            mark_brought(&mut tx, &squad.squad_id, forge, head, status).await?;
        }
        for i in &events.incidents {
            lines.push(format!(
                "incident {} of {}: {}",
                i.id,
                i.service,
                if i.resolved_at.is_some() { "resolved" } else { "open" }
            ));
        }
        let deployments = if deployments.is_empty() {
            Ingested::default()
        } else {
            self.deployments_within(squad, &source, deployments, Some(&mut tx))
                .await?
        };
        let incidents = if events.incidents.is_empty() {
            Ingested::default()
        } else {
            self.incidents_within(squad, &source, events.incidents, Some(&mut tx))
                .await?
        };
        if !events.skipped.is_empty() {
            lines.push(format!("not counted: {}", events.skipped.join("; ")));
        }
        let summary = lines.join("; ");
        log_delivery_in(&mut tx, &connection.id, event, delivery, Outcome::Accepted, &summary).await?;
        tx.commit().await?;
        Ok(Received::Stored {
            summary,
            deployments,
            incidents,
            commits,
        })
    }

    async fn refuse(
        &self,
        connection: &HookConnection,
        event: &str,
        delivery: Option<&str>,
        refusal: Refusal,
    ) -> Result<Received, ServiceError> {
        let reason = format!("{}: {}", refusal.field, refusal.message);
        self.log_delivery(&connection.id, event, delivery, Outcome::Refused, &reason)
            .await?;
        Ok(Received::Refused(refusal))
    }

    /// Adds a push's commits after the repository's earlier ones; a commit
    /// already seen keeps its place. Returns how many were new.
    async fn record_push(&self, conn: &mut AnyConnection, squad_id: &str, push: &Push) -> Result<usize, ServiceError> {
        let last: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) FROM pushed_commits WHERE squad_id = $1 AND repository = $2",
        )
        .bind(squad_id)
        .bind(&push.repository)
        .fetch_one(&mut *conn)
        .await?;
        let mut added = 0;
        for (n, chunk) in push.commits.chunks(ROWS_PER_STATEMENT).enumerate() {
            let sql = format!(
                "INSERT INTO pushed_commits (squad_id, repository, sha, committed_at, seq) VALUES {} ON CONFLICT (squad_id, repository, sha) DO NOTHING",
                placeholders(self.backend, chunk.len(), 5)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (i, c) in chunk.iter().enumerate() {
                q = q
                    .bind(squad_id.to_string())
                    .bind(push.repository.clone())
                    .bind(c.sha.clone())
                    .bind(c.committed_at)
                    .bind(last + 1 + (n * ROWS_PER_STATEMENT + i) as i64);
            }
            added += q.execute(&mut *conn).await?.rows_affected() as usize;
        }
        Ok(added)
    }

    /// The commits pushed up to and including the deployed sha that no
    /// other successful deployment brought, oldest first; and a note when
    /// the sha was never pushed to the default branch. Also the head's place
    /// among the pushes, for marking them afterwards.
    async fn commits_brought(
        &self,
        conn: &mut AnyConnection,
        squad_id: &str,
        d: &ForgeDeployment,
    ) -> Result<(Vec<CommitEvent>, Option<i64>, String), ServiceError> {
        let Some(head) = head_seq(conn, squad_id, d).await? else {
            return Ok((
                Vec::new(),
                None,
                format!(
                    " (commit {} was not seen in a push to the default branch, so it brings no lead time)",
                    short(&d.head_sha)
                ),
            ));
        };
        let rows = sqlx::query("SELECT sha, committed_at FROM pushed_commits WHERE squad_id = $1 AND repository = $2 AND seq <= $3 AND (deployment_id IS NULL OR deployment_id = $4) ORDER BY seq")
            .bind(squad_id)
            .bind(&d.repository)
            .bind(head)
            .bind(&d.id)
            .fetch_all(&mut *conn)
            .await?;
        Ok((
            rows.iter()
                .map(|r| CommitEvent {
                    sha: r.get("sha"),
                    committed_at: r.get("committed_at"),
                })
                .collect(),
            Some(head),
            String::new(),
        ))
    }
}

async fn head_seq(conn: &mut AnyConnection, squad_id: &str, d: &ForgeDeployment) -> Result<Option<i64>, ServiceError> {
    Ok(
        sqlx::query_scalar("SELECT seq FROM pushed_commits WHERE squad_id = $1 AND repository = $2 AND sha = $3")
            .bind(squad_id)
            .bind(&d.repository)
            .bind(&d.head_sha)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// A success takes its commits up to `head` (later deployments no longer
/// bring them); a failure gives back any it had taken under the same id.
async fn mark_brought(
    conn: &mut AnyConnection,
    squad_id: &str,
    forge: &ForgeDeployment,
    head: Option<i64>,
    status: Status,
) -> Result<(), ServiceError> {
    if status == Status::Failure {
        sqlx::query("UPDATE pushed_commits SET deployment_id = NULL WHERE squad_id = $1 AND repository = $2 AND deployment_id = $3")
            .bind(squad_id)
            .bind(&forge.repository)
            .bind(&forge.id)
            .execute(&mut *conn)
            .await?;
        return Ok(());
    }
    let Some(head) = head else {
        return Ok(());
    };
    sqlx::query("UPDATE pushed_commits SET deployment_id = $1 WHERE squad_id = $2 AND repository = $3 AND seq <= $4 AND deployment_id IS NULL")
        .bind(&forge.id)
        .bind(squad_id)
        .bind(&forge.repository)
        .bind(head)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
