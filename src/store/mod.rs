//! Persistence and use-cases (server only). One set of portable SQL runs on
//! SQLite and PostgreSQL through sqlx's `Any` driver, so both backends share
//! every query and every test.

mod error;
mod actions;
pub mod api_tokens;
pub mod checkpoints;
mod committer;
pub mod events;
pub mod history;
pub mod measured;
pub mod rooms;
pub mod secrets;
pub mod squads;
pub mod summary;
pub mod throttle;
pub mod users;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions};

pub use error::ServiceError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Where transactions that write go. On SQLite a pool of one: SQLite takes
    /// one writer at a time, and writers queued here wait in order instead of
    /// sleeping in SQLite's busy handler (which made the tail latency of live
    /// votes hundreds of milliseconds). On PostgreSQL the same pool as `pool`.
    writer: AnyPool,
    backend: Backend,
    /// Groups live changes into shared transactions (see `committer`).
    committer: std::sync::Arc<std::sync::OnceLock<committer::Committer>>,
}

impl Store {
    /// Connects to `sqlite://PATH` (the file and its folder are created when
    /// missing; WAL mode) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store, ServiceError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| ServiceError::config(format!("invalid database URL: {e}")))?
            .disable_statement_logging();
        let options_for_writer = options.clone();
        let pool = Self::pool_options(backend, match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        })
        .connect_with(options)
        .await
        .map_err(|e| ServiceError::config(format!("cannot open the database: {e}")))?;
        let writer = match backend {
            Backend::Sqlite => Self::pool_options(backend, 1)
                .connect_with(options_for_writer)
                .await
                .map_err(|e| ServiceError::config(format!("cannot open the database: {e}")))?,
            Backend::Postgres => pool.clone(),
        };
        if backend == Backend::Sqlite {
            tokio::spawn(checkpoint_in_background(pool.clone()));
        }
        Ok(Store { pool, writer, backend, committer: Default::default() })
    }

    fn pool_options(backend: Backend, max: u32) -> AnyPoolOptions {
        AnyPoolOptions::new().max_connections(max).after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // Why: WAL lets readers proceed during a write; NORMAL is durable in WAL mode.
                    // wal_autocheckpoint = 0: a checkpoint (and its fsync) would otherwise run
                    // inside whichever commit crosses the threshold, stalling every live vote
                    // queued behind it; `checkpoint_in_background` does it off the write path.
                    // cache_size and mmap_size: reading a squad's window touches a few
                    // hundred pages; with SQLite's 2 MiB default cache each was a read()
                    // system call, a third of a metrics query's time (docs/perf.md).
                    sqlx::raw_sql("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -32768; PRAGMA mmap_size = 1073741824;")
                        .execute(conn)
                        .await?;
                }
                Ok(())
            })
        })
    }

    pub async fn migrate(&self) -> Result<(), ServiceError> {
        MIGRATOR.run(&self.pool).await.map_err(|e| ServiceError::config(format!("migration failed: {e}")))?;
        self.move_legacy_survey_rows().await?;
        self.digest_old_checkpoints().await
    }

    /// True once the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// Copies the SQLite write-ahead log into the database file every second,
/// without blocking writers (PASSIVE), until the pool closes.
async fn checkpoint_in_background(pool: AnyPool) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::raw_sql("PRAGMA wal_checkpoint(PASSIVE);").execute(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

fn normalise_url(url: &str) -> Result<(Backend, String), ServiceError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
        return Err(ServiceError::config("DATABASE_URL must start with sqlite:// or postgres://"));
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(ServiceError::config("the sqlite URL has no file path"));
    }
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| ServiceError::config(format!("cannot create {}: {e}", parent.display())))?;
    }
    let query = if query.contains("mode=") { query.to_string() } else if query.is_empty() { "mode=rwc".into() } else { format!("{query}&mode=rwc") };
    Ok((Backend::Sqlite, format!("sqlite://{path}?{query}")))
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_gain_create_mode_and_other_schemes_are_refused() {
        let (b, url) = normalise_url("sqlite://target/test-url/x.db").unwrap();
        assert_eq!((b, url.as_str()), (Backend::Sqlite, "sqlite://target/test-url/x.db?mode=rwc"));
        assert_eq!(normalise_url("sqlite://x.db?mode=ro").unwrap().1, "sqlite://x.db?mode=ro");
        assert_eq!(normalise_url("postgres://u@h/db").unwrap().0, Backend::Postgres);
        assert!(normalise_url("mysql://h/db").is_err());
    }
}
