//! Persistence and use-cases (server only). One set of portable SQL runs on
//! SQLite and PostgreSQL through sqlx's `Any` driver, so both backends share
//! every query and every test. The one exception is the trigger that keeps
//! the per-day deployment totals (`deployment_days`): a trigger's body is
//! written in each database's dialect.

mod account_admin;
mod actions;
pub mod api_tokens;
mod board_log;
mod checkpoint_admin;
pub mod checkpoints;
mod committer;
mod connection_secret;
pub mod connections;
mod deployment_days;
pub mod events;
pub mod history;
pub mod hooks;
pub mod incident_links;
mod leaderboard;
mod live_writes;
pub mod measured;
pub mod secrets;
pub mod squads;
pub mod summary;
pub mod throttle;
pub mod users;
mod wal;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions};

pub use crate::error::ServiceError;
pub use board_log::BOARD_LOG_LIMIT;

/// A statement with its parameters bound, as every store module builds them.
pub(crate) type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

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
    /// SQLite's write-ahead log (`<file>-wal`), watched to keep it under [`WAL_LIMIT`].
    wal: Option<std::sync::Arc<std::path::PathBuf>>,
    /// Seals the webhook secrets that must be read back (see `connections`).
    sealing: std::sync::Arc<secrets::SealingKey>,
}

/// The size past which the SQLite write-ahead log is copied back and started
/// again from its beginning (a RESTART checkpoint from the writer), and what
/// it is cut back to afterwards (`journal_size_limit`). The log can pass it
/// by what is written before the check: one group commit (at most
/// `committer::MAX_BATCH_BYTES` of documents) or, for other writes, one second.
pub const WAL_LIMIT: u64 = 64 * 1024 * 1024;
/// The documented ceiling of the log: the limit plus one group commit's
/// documents, with room for SQLite's page overhead.
pub const WAL_CEILING: u64 = WAL_LIMIT + 2 * committer::MAX_BATCH_BYTES as u64;

/// How SQLite's writer syncs commits (`PRAGMA synchronous`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSync {
    /// Every commit is on disk before it is acknowledged: survives power loss.
    Full,
    /// Commits survive a killed process, not a power loss or an OS crash.
    Normal,
}

impl SqliteSync {
    /// `CHECKPOINT_SQLITE_SYNC=normal` trades power-loss durability for
    /// speed (to measure the cost, or on a disk with its own battery); FULL otherwise.
    fn from_env() -> SqliteSync {
        match std::env::var("CHECKPOINT_SQLITE_SYNC").map(|v| v.to_ascii_lowercase()) {
            Ok(v) if v == "normal" => SqliteSync::Normal,
            _ => SqliteSync::Full,
        }
    }

    fn pragma(self) -> &'static str {
        match self {
            SqliteSync::Full => "FULL",
            SqliteSync::Normal => "NORMAL",
        }
    }
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
        // Readers never commit, so only the writer's setting matters for durability.
        let pool = Self::pool_options(
            backend,
            SqliteSync::Normal,
            match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            },
        )
        .connect_with(options)
        .await
        .map_err(|e| ServiceError::config(format!("cannot open the database: {e}")))?;
        let writer = match backend {
            Backend::Sqlite => Self::pool_options(backend, SqliteSync::from_env(), 1)
                .connect_with(options_for_writer)
                .await
                .map_err(|e| ServiceError::config(format!("cannot open the database: {e}")))?,
            Backend::Postgres => pool.clone(),
        };
        let wal = sqlite_path(&url).map(|p| std::sync::Arc::new(std::path::PathBuf::from(format!("{p}-wal"))));
        let store = Store {
            pool,
            writer,
            backend,
            committer: Default::default(),
            wal,
            sealing: std::sync::Arc::new(secrets::SealingKey::ephemeral()),
        };
        if backend == Backend::Sqlite {
            // Not a `Store`: it would hold the committer's sender and keep its task alive.
            tokio::spawn(wal::checkpoint_in_background(
                store.pool.clone(),
                store.writer.clone(),
                store.wal.clone(),
            ));
        }
        Ok(store)
    }

    /// Seal and open connection secrets with the operator's key (the key file):
    /// until then a store has a key of its own process, fine for tests only.
    pub fn with_sealing_key(mut self, key: secrets::SealingKey) -> Store {
        self.sealing = std::sync::Arc::new(key);
        self
    }

    fn pool_options(backend: Backend, sync: SqliteSync, max: u32) -> AnyPoolOptions {
        AnyPoolOptions::new().max_connections(max).after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // Why: WAL lets readers proceed during a write. The writer syncs each
                    // commit (FULL: acknowledged means on disk, see `SqliteSync`).
                    // wal_autocheckpoint = 0: a checkpoint (and its fsync) would otherwise run
                    // inside whichever commit crosses the threshold, stalling every live vote
                    // queued behind it; `checkpoint_in_background` and the committer do it
                    // between commits. journal_size_limit: a log that was restarted is cut
                    // back to WAL_LIMIT instead of keeping its largest size on disk.
                    // cache_size and mmap_size: reading a squad's window touches a few
                    // hundred pages; with SQLite's 2 MiB default cache each was a read()
                    // system call, a third of a metrics query's time (docs/perf.md).
                    let sql = format!(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WAL_LIMIT}; PRAGMA cache_size = -32768; PRAGMA mmap_size = 1073741824;",
                        sync.pragma()
                    );
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(conn).await?;
                }
                Ok(())
            })
        })
    }

    pub async fn migrate(&self) -> Result<(), ServiceError> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(|e| ServiceError::config(format!("migration failed: {e}")))?;
        deployment_days::ensure(self).await?;
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

    /// The group-commit task, started on first use inside the runtime that serves the requests.
    pub(crate) fn committer(&self) -> &committer::Committer {
        self.committer
            .get_or_init(|| committer::Committer::start(self.writer.clone(), self.backend, self.wal.clone()))
    }

    /// Closes both pools; the committer task and the log's background check end with them.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// The file of a `sqlite://PATH?…` URL (as [`normalise_url`] makes them).
/// Where the key file is when the operator names none: beside the SQLite
/// database (so the database's folder holds all the instance's state), or
/// `data/checkpoint.key` for PostgreSQL.
pub fn default_key_file(database_url: &str) -> std::path::PathBuf {
    let db = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split_once('?').map_or(rest, |(p, _)| p))
        .filter(|p| !p.is_empty() && !p.starts_with(':'));
    match db.and_then(|p| std::path::Path::new(p).parent()) {
        Some(dir) => dir.join("checkpoint.key"),
        None => std::path::PathBuf::from("data/checkpoint.key"),
    }
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://")?;
    Some(rest.split_once('?').map_or(rest, |(p, _)| p))
}

fn normalise_url(url: &str) -> Result<(Backend, String), ServiceError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
        return Err(ServiceError::config(
            "DATABASE_URL must start with sqlite:// or postgres://",
        ));
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(ServiceError::config("the sqlite URL has no file path"));
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| ServiceError::config(format!("cannot create {}: {e}", parent.display())))?;
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".into()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok((Backend::Sqlite, format!("sqlite://{path}?{query}")))
}

/// The server's clock, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A transaction, as every use-case writes in one.
pub(crate) type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_gain_create_mode_and_other_schemes_are_refused() {
        let (b, url) = normalise_url("sqlite://target/test-url/x.db").unwrap();
        assert_eq!(
            (b, url.as_str()),
            (Backend::Sqlite, "sqlite://target/test-url/x.db?mode=rwc")
        );
        assert_eq!(
            normalise_url("sqlite://x.db?mode=ro").unwrap().1,
            "sqlite://x.db?mode=ro"
        );
        assert_eq!(normalise_url("postgres://u@h/db").unwrap().0, Backend::Postgres);
        assert!(normalise_url("mysql://h/db").is_err());
    }
}
