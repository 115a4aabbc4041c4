//! Slowing down guessing: each attempt at a password or a join code is counted
//! as a failure *before* it is checked, in the same transaction that checks the
//! key's wait, so parallel guesses cannot all slip through; an attempt that
//! turns out right is cleared or given back afterwards. How long a key waits is
//! [`Backoff`]'s rule. Kept in the database, so the limit holds across instances.

use sqlx::Row;

use super::{now_ms, Backend, ServiceError, Store};
use crate::security::Backoff;

/// Compare-and-set retries before giving up (as "try again shortly").
const MAX_RETRIES: usize = 50;
/// Rows quiet for this long are deleted: after a day without attempts a key starts afresh.
const FORGET_AFTER_MS: i64 = 24 * 3600 * 1000;

enum Step {
    Reserved,
    Refused { wait_ms: i64 },
    Raced,
}

impl Store {
    /// Counts one attempt against every key, all or none: refused with the
    /// longest wait when any key is still waiting. Each key's row is read
    /// under a lock (`FOR UPDATE` on PostgreSQL; SQLite's writer runs one
    /// transaction at a time), so concurrent attempts, here or in another
    /// instance, each see the one before, and none has to try again.
    pub(crate) async fn reserve_attempt(&self, keys: &[(&str, Backoff)]) -> Result<(), ServiceError> {
        for _ in 0..MAX_RETRIES {
            let mut tx = self.writer.begin().await?;
            let mut step = Step::Reserved;
            for (key, backoff) in keys {
                sqlx::query("INSERT INTO attempt_throttle (key, failures, last_at, next_at, version) VALUES ($1, 0, 0, 0, 0) ON CONFLICT (key) DO NOTHING")
                    .bind(*key)
                    .execute(&mut *tx)
                    .await?;
                let sql = format!(
                    "SELECT failures, last_at, next_at, version FROM attempt_throttle WHERE key = $1{}",
                    self.row_lock()
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(*key)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    // Deleted as stale by another instance in between.
                    step = Step::Raced;
                    break;
                };
                let (failures, last_at, next_at, version): (i64, i64, i64, i64) = (
                    row.get("failures"),
                    row.get("last_at"),
                    row.get("next_at"),
                    row.get("version"),
                );
                // The clock once the row is ours: read before waiting for the lock, an
                // attempt that waited behind another would see that one's `next_at`
                // in its future and refuse itself.
                let now = now_ms();
                if next_at > now {
                    step = Step::Refused { wait_ms: next_at - now };
                    break;
                }
                let counted = backoff.remaining(failures, now - last_at) + 1;
                let updated = sqlx::query("UPDATE attempt_throttle SET failures = $1, last_at = $2, next_at = $3, version = version + 1 WHERE key = $4 AND version = $5")
                    .bind(counted)
                    .bind(now)
                    .bind(now + backoff.delay_ms(counted))
                    .bind(*key)
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
                if updated.rows_affected() == 0 {
                    step = Step::Raced;
                    break;
                }
            }
            match step {
                Step::Reserved => {
                    tx.commit().await?;
                    // Outside the transaction: deleting rows another attempt holds could deadlock.
                    let now = now_ms();
                    let stale = sqlx::query("DELETE FROM attempt_throttle WHERE last_at < $1 AND next_at < $2")
                        .bind(now - FORGET_AFTER_MS)
                        .bind(now)
                        .execute(&self.writer)
                        .await;
                    if let Err(e) = stale {
                        tracing::warn!(error = %e, "could not delete stale attempt counts");
                    }
                    return Ok(());
                }
                Step::Refused { wait_ms } => {
                    tx.rollback().await?;
                    return Err(ServiceError::RateLimited {
                        retry_after_secs: (wait_ms.max(1) as u64).div_ceil(1000),
                    });
                }
                Step::Raced => tx.rollback().await?,
            }
        }
        Err(ServiceError::RateLimited { retry_after_secs: 1 })
    }

    /// Gives back an attempt [`reserve_attempt`](Self::reserve_attempt)
    /// counted that was no failure after all (a right code or password, seen
    /// from a key shared by many people), and shortens the wait to match.
    pub(crate) async fn release_attempt(&self, key: &str, backoff: Backoff) -> Result<(), ServiceError> {
        let mut tx = self.writer.begin().await?;
        let sql = format!(
            "SELECT failures, last_at FROM attempt_throttle WHERE key = $1{}",
            self.row_lock()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(()) };
        let (failures, last_at): (i64, i64) = (row.get("failures"), row.get("last_at"));
        if failures == 0 {
            return Ok(());
        }
        let left = failures - 1;
        sqlx::query("UPDATE attempt_throttle SET failures = $1, next_at = $2, version = version + 1 WHERE key = $3")
            .bind(left)
            .bind(last_at + backoff.delay_ms(left))
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Locks the rows a read in a transaction returns, where the database
    /// needs telling (PostgreSQL); SQLite's single writer is lock enough.
    fn row_lock(&self) -> &'static str {
        if self.backend == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        }
    }

    /// Forgets a key's failures (a right password clears its own name and address).
    pub(crate) async fn clear_attempts(&self, key: &str) -> Result<(), ServiceError> {
        sqlx::query("DELETE FROM attempt_throttle WHERE key = $1")
            .bind(key)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// The failures counted against a key now (for tests and diagnostics).
    pub async fn counted_failures(&self, key: &str) -> Result<i64, ServiceError> {
        let n: Option<i64> = sqlx::query_scalar("SELECT failures FROM attempt_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(n.unwrap_or(0))
    }
}

/// The key sign-in failures count under for a name tried from a client
/// address (see [`crate::security::client_key`]); a space cannot occur in an
/// address key, so no two pairs share one.
pub fn sign_in_key(client: &str, username: &str) -> String {
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    format!("sign-in {client} {name}")
}

/// The key failed sign-ins from one client address count under, whatever the name.
pub fn sign_in_address_key(client: &str) -> String {
    format!("sign-in-address {client}")
}

/// The key wrong join codes from one client address count under.
pub fn join_key(client: &str) -> String {
    format!("join {client}")
}
