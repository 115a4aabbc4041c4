//! A squad's connections: created by facilitators and admins (or the
//! operator at the CLI), their secret shown once, listed with their last
//! delivery and a log of the last [`LOG_LENGTH`], revocable.

use sqlx::Row;

use super::api_tokens::TokenSquad;
use super::secrets::{new_token, token_hash};
use super::{new_id, now_ms, ServiceError, Store};
use crate::access::{require_role, Action};
use crate::accounts::CurrentUser;
use crate::connections::{Connection, ConnectionKind, ConnectionOptions, Delivery, NewConnection, Outcome};
use crate::names::DisplayName;

/// Deliveries kept per connection.
pub const LOG_LENGTH: i64 = 50;
/// A reason in the log is cut to this many characters.
const MAX_REASON: usize = 500;

/// A connection as a delivery needs it: whose events, how to verify, how to map.
#[derive(Clone, Debug)]
pub struct HookConnection {
    pub id: String,
    pub squad: TokenSquad,
    pub kind: ConnectionKind,
    pub name: String,
    pub options: ConnectionOptions,
    pub verifier: Verifier,
}

/// What a delivery is checked against. Never logged.
#[derive(Clone)]
pub enum Verifier {
    /// The secret itself, opened from its sealed copy (HMAC signatures).
    Secret(String),
    /// The secret's SHA-256 (a token sent as it is).
    Hash(String),
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier(..)")
    }
}

const COLUMNS: &str = "c.id, c.kind, c.name, c.options, c.created_by, c.created_at, c.revoked_at, \
                       c.last_delivery_at, c.last_outcome, c.last_reason, \
                       (SELECT d.event FROM connection_deliveries d WHERE d.connection_id = c.id ORDER BY d.seq DESC LIMIT 1) AS last_event, \
                       (SELECT d.delivery FROM connection_deliveries d WHERE d.connection_id = c.id ORDER BY d.seq DESC LIMIT 1) AS last_delivery";

fn parse_options(text: &str) -> ConnectionOptions {
    serde_json::from_str(text).unwrap_or_default()
}

fn connection_from(row: &sqlx::any::AnyRow) -> Connection {
    let kind: String = row.get("kind");
    let last_at: Option<i64> = row.get("last_delivery_at");
    Connection {
        id: row.get("id"),
        kind: ConnectionKind::parse("kind", &kind).unwrap_or(ConnectionKind::Github),
        name: row.get("name"),
        options: parse_options(&row.get::<String, _>("options")),
        created_by: row.get("created_by"),
        created_at: row.get("created_at"),
        revoked_at: row.get("revoked_at"),
        last_delivery: last_at.map(|received_at| Delivery {
            received_at,
            event: row.get::<Option<String>, _>("last_event").unwrap_or_default(),
            delivery: row.get("last_delivery"),
            outcome: Outcome::parse(&row.get::<Option<String>, _>("last_outcome").unwrap_or_default()),
            reason: row.get::<Option<String>, _>("last_reason").unwrap_or_default(),
        }),
    }
}

impl Store {
    /// A secret as the database keeps it: (hash, sealed). Sealed when the hook
    /// must sign with it (GitHub, PagerDuty), else only its SHA-256.
    pub(super) fn kept_secret(&self, kind: ConnectionKind, secret: &str) -> (Option<String>, Option<String>) {
        if kind.signs_with_secret() {
            (None, Some(self.sealing.seal(secret)))
        } else {
            (Some(token_hash(secret)), None)
        }
    }

    /// `by` is the acting user; `None` means the operator at the CLI. The
    /// secret is in the answer and nowhere else readable.
    pub async fn create_connection(
        &self,
        by: Option<&CurrentUser>,
        squad: &str,
        kind: ConnectionKind,
        name: &str,
        options: ConnectionOptions,
    ) -> Result<NewConnection, ServiceError> {
        self.create_connection_with_secret(by, squad, kind, name, options, None)
            .await
    }

    /// [`Store::create_connection`] with the secret the tool gave: PagerDuty
    /// makes the signing secret of a webhook subscription itself and shows it
    /// once. `None` generates one (what the other tools take).
    pub async fn create_connection_with_secret(
        &self,
        by: Option<&CurrentUser>,
        squad: &str,
        kind: ConnectionKind,
        name: &str,
        options: ConnectionOptions,
        given: Option<&str>,
    ) -> Result<NewConnection, ServiceError> {
        require_role(by, Action::ManageConnections)?;
        let given = given
            .filter(|s| !s.trim().is_empty())
            .map(super::connection_secret::parse_secret)
            .transpose()?;
        let name = if name.trim().is_empty() {
            kind.label().to_string()
        } else {
            DisplayName::parse("name", name)?.as_str().to_string()
        };
        let squad_id = self.squad_id(squad).await?;
        let secret = given.map_or_else(new_token, str::to_string);
        let (hash, sealed) = self.kept_secret(kind, &secret);
        let connection = Connection {
            id: new_id(),
            kind,
            name,
            options,
            created_by: by.map_or_else(|| "command line".to_string(), |u| u.username.clone()),
            created_at: now_ms(),
            revoked_at: None,
            last_delivery: None,
        };
        sqlx::query("INSERT INTO connections (id, squad_id, kind, name, secret_hash, secret_sealed, options, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&connection.id)
            .bind(&squad_id)
            .bind(kind.as_str())
            .bind(&connection.name)
            .bind(hash)
            .bind(sealed)
            .bind(serde_json::to_string(&connection.options).map_err(|e| ServiceError::Internal(e.to_string()))?)
            .bind(&connection.created_by)
            .bind(connection.created_at)
            .execute(&self.writer)
            .await?;
        Ok(NewConnection { connection, secret })
    }

    /// The squad's connections, newest first, revoked ones included (`by`
    /// `None`: the operator at the CLI).
    pub async fn list_connections(
        &self,
        by: Option<&CurrentUser>,
        squad: &str,
    ) -> Result<Vec<Connection>, ServiceError> {
        require_role(by, Action::ManageConnections)?;
        let squad_id = self.squad_id(squad).await?;
        let sql = format!("SELECT {COLUMNS} FROM connections c WHERE c.squad_id = $1 ORDER BY c.created_at DESC, c.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&squad_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(connection_from).collect())
    }

    /// One connection's last deliveries, newest first.
    pub async fn connection_deliveries(
        &self,
        by: Option<&CurrentUser>,
        squad: &str,
        connection_id: &str,
    ) -> Result<Vec<Delivery>, ServiceError> {
        require_role(by, Action::ManageConnections)?;
        let squad_id = self.squad_id(squad).await?;
        self.own_connection(&squad_id, connection_id).await?;
        let rows = sqlx::query("SELECT received_at, event, delivery, outcome, reason FROM connection_deliveries WHERE connection_id = $1 ORDER BY seq DESC LIMIT $2")
            .bind(connection_id)
            .bind(LOG_LENGTH)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Delivery {
                received_at: r.get("received_at"),
                event: r.get("event"),
                delivery: r.get("delivery"),
                outcome: Outcome::parse(&r.get::<String, _>("outcome")),
                reason: r.get("reason"),
            })
            .collect())
    }

    async fn own_connection(&self, squad_id: &str, connection_id: &str) -> Result<(), ServiceError> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM connections WHERE id = $1 AND squad_id = $2")
            .bind(connection_id)
            .bind(squad_id)
            .fetch_optional(&self.pool)
            .await?;
        found.map(|_| ()).ok_or(ServiceError::NotFound("connection"))
    }

    /// From now on its deliveries are refused (404) and nothing they carry is stored.
    pub async fn revoke_connection(
        &self,
        by: Option<&CurrentUser>,
        squad: &str,
        connection_id: &str,
    ) -> Result<(), ServiceError> {
        require_role(by, Action::ManageConnections)?;
        let squad_id = self.squad_id(squad).await?;
        let done = sqlx::query(
            "UPDATE connections SET revoked_at = $1 WHERE id = $2 AND squad_id = $3 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(connection_id)
        .bind(&squad_id)
        .execute(&self.writer)
        .await?;
        if done.rows_affected() == 0 {
            return Err(ServiceError::NotFound("connection"));
        }
        Ok(())
    }

    /// The live connection a hook URL names, if its kind matches. A revoked
    /// connection, or one made by an account since deactivated, is none.
    pub async fn hook_connection(
        &self,
        kind: ConnectionKind,
        connection_id: &str,
    ) -> Result<Option<HookConnection>, ServiceError> {
        let row = sqlx::query(concat!(
            "SELECT c.id, c.name, c.options, c.secret_hash, c.secret_sealed, s.id AS squad_id, s.slug FROM connections c ",
            "JOIN squads s ON s.id = c.squad_id LEFT JOIN users u ON u.username = c.created_by ",
            "WHERE c.id = $1 AND c.kind = $2 AND c.revoked_at IS NULL AND u.deactivated_at IS NULL"
        ))
        .bind(connection_id)
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let verifier = match (
            row.get::<Option<String>, _>("secret_sealed"),
            row.get::<Option<String>, _>("secret_hash"),
        ) {
            (Some(sealed), _) => match self.sealing.open(&sealed) {
                Some(secret) => Verifier::Secret(secret),
                None => {
                    return Err(ServiceError::config(
                        "a connection's secret does not open with this instance's key file (another --key-file?)",
                    ))
                }
            },
            (None, Some(hash)) => Verifier::Hash(hash),
            (None, None) => return Ok(None),
        };
        Ok(Some(HookConnection {
            id: row.get("id"),
            squad: TokenSquad {
                squad_id: row.get("squad_id"),
                slug: row.get("slug"),
            },
            kind,
            name: row.get("name"),
            options: parse_options(&row.get::<String, _>("options")),
            verifier,
        }))
    }

    /// Adds a line to the connection's log, keeps the last [`LOG_LENGTH`],
    /// and notes it as the connection's last delivery.
    pub async fn log_delivery(
        &self,
        connection_id: &str,
        event: &str,
        delivery: Option<&str>,
        outcome: Outcome,
        reason: &str,
    ) -> Result<(), ServiceError> {
        let mut tx = self.writer.begin().await?;
        log_delivery_in(&mut tx, connection_id, event, delivery, outcome, reason).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// [`Store::log_delivery`] inside a transaction that also stores what the delivery carried.
pub(crate) async fn log_delivery_in(
    conn: &mut sqlx::AnyConnection,
    connection_id: &str,
    event: &str,
    delivery: Option<&str>,
    outcome: Outcome,
    reason: &str,
) -> Result<(), ServiceError> {
    let now = now_ms();
    let reason: String = reason.chars().take(MAX_REASON).collect();
    let event: String = event.chars().take(100).collect();
    let delivery: Option<String> = delivery.map(|d| d.chars().take(100).collect());
    let seq: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM connection_deliveries WHERE connection_id = $1")
            .bind(connection_id)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("INSERT INTO connection_deliveries (id, connection_id, received_at, seq, event, delivery, outcome, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(new_id())
        .bind(connection_id)
        .bind(now)
        .bind(seq)
        .bind(&event)
        .bind(delivery)
        .bind(outcome.as_str())
        .bind(&reason)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM connection_deliveries WHERE connection_id = $1 AND seq <= $2")
        .bind(connection_id)
        .bind(seq - LOG_LENGTH)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE connections SET last_delivery_at = $1, last_outcome = $2, last_reason = $3 WHERE id = $4")
        .bind(now)
        .bind(outcome.as_str())
        .bind(&reason)
        .bind(connection_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
