//! SQLite's write-ahead log, kept under [`WAL_LIMIT`]: the background check
//! every second, and the RESTART the committer runs between commits.

use sqlx::AnyPool;

use super::{ServiceError, WAL_LIMIT};

/// Keeps the SQLite write-ahead log small. Every tenth of a second, copy what
/// readers allow into the database file without blocking anyone (PASSIVE).
/// Every second: if the log is past [`WAL_LIMIT`] anyway (readers kept it
/// from being reused), a RESTART checkpoint from the writer; if nothing was
/// written for a whole second, a TRUNCATE, so an idle server leaves an empty
/// log. Stops with the pools.
pub(super) async fn checkpoint_in_background(
    pool: AnyPool,
    writer: AnyPool,
    wal: Option<std::sync::Arc<std::path::PathBuf>>,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(PASSIVE_EVERY_MS));
    let mut last_seen = None;
    let mut ticks = 0u64;
    loop {
        tick.tick().await;
        if pool.is_closed() || writer.is_closed() {
            return;
        }
        if let Err(e) = sqlx::raw_sql("PRAGMA wal_checkpoint(PASSIVE);").execute(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
        ticks += 1;
        if !ticks.is_multiple_of(1000 / PASSIVE_EVERY_MS) {
            continue;
        }
        let seen = wal_file(wal.as_deref().map(std::path::PathBuf::as_path));
        let idle = seen.is_some() && seen == last_seen;
        last_seen = seen;
        let result = if seen.is_some_and(|(len, _)| len > WAL_LIMIT) {
            restart_wal(&writer, WalReset::Restart).await
        } else if idle && seen.is_some_and(|(len, _)| len > 0) {
            restart_wal(&writer, WalReset::Truncate).await
        } else {
            Ok(true)
        };
        if let Err(e) = result {
            if writer.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum WalReset {
    /// The log is copied back and the next commit writes from its beginning
    /// (cutting the file to `journal_size_limit`).
    Restart,
    /// As Restart, and the file is emptied now.
    Truncate,
}

/// The log file's size and modification time, when there is one.
fn wal_file(wal: Option<&std::path::Path>) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(wal?).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// True when the SQLite log has grown past [`WAL_LIMIT`].
pub(crate) fn wal_over_limit(wal: Option<&std::path::Path>) -> bool {
    wal_file(wal).is_some_and(|(len, _)| len > WAL_LIMIT)
}

/// Copies the whole log back and has it start again. Runs on the writer,
/// so no commit lands meanwhile; SQLite then waits for readers still on
/// the old log (new ones read the database file), which readers therefore
/// cannot starve as they can a PASSIVE checkpoint. The wait is short
/// ([`WAL_READER_WAIT_MS`]): a reader that holds on longer (a backup, say)
/// makes it give up until the next try rather than stall every write.
/// Returns whether it completed.
pub(crate) async fn restart_wal(writer: &AnyPool, how: WalReset) -> Result<bool, ServiceError> {
    let sql = match how {
        WalReset::Restart => "PRAGMA wal_checkpoint(RESTART)",
        WalReset::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    let mut conn = writer.acquire().await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "PRAGMA busy_timeout = {WAL_READER_WAIT_MS}"
    )))
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query(sql).fetch_one(&mut *conn).await;
    sqlx::raw_sql("PRAGMA busy_timeout = 5000").execute(&mut *conn).await?;
    // (busy, frames in the log, frames copied): busy = 1 when a reader held on past the wait.
    let busy: i64 = sqlx::Row::try_get(&row?, 0).unwrap_or(1);
    Ok(busy == 0)
}

/// How often the PASSIVE checkpoint runs. Why this often: each one copies the
/// pages written since the last and syncs the database file, and a commit's
/// sync of the log waits behind that one at the disk (`synchronous = FULL`).
/// Copied every second, a busy second's pages (tens of MB at thousands of
/// votes a second) made the slowest commits wait about a second; a tenth of
/// that at a time keeps each wait short (docs/perf.md).
const PASSIVE_EVERY_MS: u64 = 100;

/// How long a RESTART or TRUNCATE checkpoint waits for readers on the old log.
const WAL_READER_WAIT_MS: u64 = 250;
