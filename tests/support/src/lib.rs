//! Test databases: a fresh SQLite file, or a fresh database on a throwaway
//! PostgreSQL cluster this harness starts from the machine's binaries.
//!
//! One crate for the core's tests and the server's, so neither includes the
//! other's files by path. The cluster is started once per test process (or
//! `TEST_DATABASE_URL` names one); each test gets a database of its own on it.
//! Outside CI a machine without PostgreSQL skips those tests; with `CI=true`
//! they fail instead.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use checkpoint_core::store::Store;

pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let store = Store::connect(&url).await.expect("connect sqlite");
    store.migrate().await.expect("migrate sqlite");
    (store, dir)
}

/// A fresh database on PostgreSQL, or `None` (outside CI) when no server can be had.
pub async fn postgres_store() -> Option<Store> {
    let url = postgres_database_url().await?;
    let store = Store::connect(&url).await.expect("connect test database");
    store.migrate().await.expect("migrate postgres");
    Some(store)
}

/// The URL of a fresh, empty database on PostgreSQL (see [`postgres_store`]).
pub async fn postgres_database_url() -> Option<String> {
    let base = match postgres_url() {
        Ok(url) => url.clone(),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL is required when CI=true: {why}");
            }
            eprintln!("PostgreSQL unavailable, skipping: {why}");
            return None;
        }
    };
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = Store::connect(&base).await.expect("connect postgres");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("create database");
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("database URL has a path");
    Some(format!("{prefix}/{name}"))
}

fn postgres_url() -> Result<&'static String, String> {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Ok(url),
        _ => start_cluster(),
    })
    .as_ref()
    .map_err(Clone::clone)
}

fn pg_bin(name: &str) -> Result<PathBuf, String> {
    let dirs = std::fs::read_dir("/usr/lib/postgresql").map_err(|e| format!("no /usr/lib/postgresql: {e}"))?;
    let mut versions: Vec<PathBuf> = dirs
        .filter_map(|d| d.ok())
        .map(|d| d.path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .ok_or_else(|| format!("{name} not found under /usr/lib/postgresql"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb refuses root).
fn run_pg(tool: &PathBuf, args: &[&str]) -> Result<(), String> {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    };
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", tool.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            tool.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

fn start_cluster() -> Result<String, String> {
    let initdb = pg_bin("initdb")?;
    let pg_ctl = pg_bin("pg_ctl")?;
    let dir = tempfile::Builder::new()
        .prefix("checkpoint-pg.")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    if is_root() {
        Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
    }
    let data = dir.join("data");
    let (data_s, dir_s) = (data.display().to_string(), dir.display().to_string());
    run_pg(
        &initdb,
        &[
            "-D",
            &data_s,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
    )?;
    let opts = format!("-p {port} -k {dir_s} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
    let log = format!("{dir_s}/server.log");
    run_pg(
        &pg_ctl,
        &["-D", &data_s, "-l", &log, "-w", "-t", "30", "-o", &opts, "start"],
    )?;
    // Why: statics are never dropped, so a watchdog stops the cluster once this test process exits.
    let runas = if is_root() { "runuser -u postgres -- " } else { "" };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runas}{ctl} -D {data_s} -m immediate -w stop >/dev/null 2>&1; rm -rf {dir_s}",
        pid = std::process::id(),
        ctl = pg_ctl.display()
    );
    Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

/// Runs each scenario `async fn(Store)` of the module it is called in as two
/// tests: `sqlite::name` and `postgres::name`. The calling crate needs tokio.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[::tokio::test] async fn $name() { let (store, _dir) = $crate::sqlite_store().await; super::$name(store).await; })*
        }
        mod postgres {
            $(#[::tokio::test] async fn $name() { if let Some(store) = $crate::postgres_store().await { super::$name(store).await; } })*
        }
    };
}
