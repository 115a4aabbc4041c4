//! Per-day totals of deployments, one row per service, environment and UTC
//! day, kept by the database itself: a trigger on `deployments` adds each new
//! row and moves a changed one (a re-sent deployment that failed after all, or
//! finished on another day). The leaderboard reads these instead of every
//! deployment of every squad (124,756 rows for 91 days of the benchmark
//! history, about a second; see docs/perf.md).
//!
//! The one place where the two backends get their own SQL: a trigger's body
//! is written in each database's own dialect, and sqlx's migrations are one
//! set for both. [`Store::migrate`] calls [`ensure`] after them; it creates
//! the tables and triggers once, and fills the tables from the deployments
//! already stored, in the same transaction, so no deployment is counted twice
//! or missed. A change to the trigger gets a new version in its name.

use sqlx::AnyConnection;

use super::{Backend, ServiceError, Store};

/// The environment of a row as the leaderboard lists it: production and prod
/// (any case) are one environment, whatever each deployment called it.
const ENVIRONMENT: &str = "CASE WHEN {r}.production = 1 THEN 'production' ELSE {r}.environment END";
/// The UTC day of `finished_at`, counted from 1970 (floored, also before it).
const DAY: &str = "({r}.finished_at - CASE WHEN {r}.finished_at < 0 THEN 86399999 ELSE 0 END) / 86400000";
const TIMED: &str = "CASE WHEN {r}.started_at IS NULL THEN 0 ELSE 1 END";
const TIMED_MS: &str = "CASE WHEN {r}.started_at IS NULL THEN 0 ELSE {r}.finished_at - {r}.started_at END";

/// `template` with `{r}` naming the row: `NEW`, `OLD` or a table alias.
fn of(template: &str, row: &str) -> String {
    template.replace("{r}", row)
}

const SQLITE_TABLES: &str = "
CREATE TABLE IF NOT EXISTS deployment_environments (
    service_id  BIGINT NOT NULL,
    environment TEXT NOT NULL,
    PRIMARY KEY (service_id, environment)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deployment_days (
    service_id  BIGINT NOT NULL,
    environment TEXT NOT NULL,
    day         BIGINT NOT NULL,
    attempts    BIGINT NOT NULL,
    successes   BIGINT NOT NULL,
    timed       BIGINT NOT NULL,
    timed_ms    BIGINT NOT NULL,
    PRIMARY KEY (service_id, environment, day)
) WITHOUT ROWID;";

const POSTGRES_TABLES: &str = "
CREATE TABLE IF NOT EXISTS deployment_environments (
    service_id  BIGINT NOT NULL,
    environment TEXT NOT NULL,
    PRIMARY KEY (service_id, environment)
);
CREATE TABLE IF NOT EXISTS deployment_days (
    service_id  BIGINT NOT NULL,
    environment TEXT NOT NULL,
    day         BIGINT NOT NULL,
    attempts    BIGINT NOT NULL,
    successes   BIGINT NOT NULL,
    timed       BIGINT NOT NULL,
    timed_ms    BIGINT NOT NULL,
    PRIMARY KEY (service_id, environment, day)
);";

const TRIGGER: &str = "deployment_days_v1";

/// Adds (`sign` 1) or takes away (-1) one deployment row's share of its day.
fn apply(row: &str, sign: i64) -> String {
    let (environment, day) = (of(ENVIRONMENT, row), of(DAY, row));
    let (timed, timed_ms) = (of(TIMED, row), of(TIMED_MS, row));
    let mut sql = String::new();
    if sign > 0 {
        sql.push_str(&format!(
            "INSERT INTO deployment_environments (service_id, environment) VALUES ({row}.service_id, {environment}) ON CONFLICT DO NOTHING;\n"
        ));
    }
    sql.push_str(&format!(
        // Qualified by the table's name, not an alias: SQLite takes no alias
        // in a trigger, and PostgreSQL needs the columns qualified.
        "INSERT INTO deployment_days (service_id, environment, day, attempts, successes, timed, timed_ms) \
         VALUES ({row}.service_id, {environment}, {day}, {sign}, {sign} * {row}.success, {sign} * {timed}, {sign} * {timed_ms}) \
         ON CONFLICT (service_id, environment, day) DO UPDATE SET attempts = deployment_days.attempts + excluded.attempts, \
         successes = deployment_days.successes + excluded.successes, timed = deployment_days.timed + excluded.timed, \
         timed_ms = deployment_days.timed_ms + excluded.timed_ms;\n"
    ));
    sql
}

fn sqlite_triggers() -> Vec<String> {
    vec![
        format!(
            "CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON deployments BEGIN\n{}END",
            apply("NEW", 1)
        ),
        format!(
            "CREATE TRIGGER {TRIGGER}_update AFTER UPDATE ON deployments BEGIN\n{}{}END",
            apply("OLD", -1),
            apply("NEW", 1)
        ),
        format!(
            "CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON deployments BEGIN\n{}END",
            apply("OLD", -1)
        ),
    ]
}

fn postgres_triggers() -> Vec<String> {
    vec![
        format!(
            "CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP <> 'INSERT' THEN
{}  END IF;
  IF TG_OP <> 'DELETE' THEN
{}  END IF;
  RETURN NULL;
END
$body$",
            apply("OLD", -1),
            apply("NEW", 1)
        ),
        format!(
            "CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON deployments FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
        ),
    ]
}

/// The totals of every deployment stored so far (run once, with the triggers).
fn backfill() -> [String; 2] {
    let (environment, day) = (of(ENVIRONMENT, "d"), of(DAY, "d"));
    let (timed, timed_ms) = (of(TIMED, "d"), of(TIMED_MS, "d"));
    [
        format!("INSERT INTO deployment_environments (service_id, environment) SELECT DISTINCT d.service_id, {environment} FROM deployments d"),
        format!(
            "INSERT INTO deployment_days (service_id, environment, day, attempts, successes, timed, timed_ms) \
             SELECT d.service_id, {environment}, {day}, COUNT(*), SUM(d.success), SUM({timed}), SUM({timed_ms}) \
             FROM deployments d GROUP BY 1, 2, 3"
        ),
    ]
}

/// Creates the tables and the trigger and fills the tables, once.
pub(crate) async fn ensure(store: &Store) -> Result<(), ServiceError> {
    let present = match store.backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'deployment_days_v1%'"
        }
        Backend::Postgres => "SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'deployment_days_v1'",
    };
    if sqlx::query_scalar::<_, i64>(present).fetch_one(&store.pool).await? > 0 {
        return Ok(());
    }
    let mut tx = store.writer.begin().await?;
    let conn: &mut AnyConnection = &mut tx;
    let (tables, triggers) = match store.backend {
        Backend::Sqlite => (SQLITE_TABLES, sqlite_triggers()),
        Backend::Postgres => {
            // Another instance may be ingesting: hold its writes until the
            // trigger that counts them exists.
            sqlx::query("LOCK TABLE deployments IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *conn)
                .await?;
            (POSTGRES_TABLES, postgres_triggers())
        }
    };
    sqlx::raw_sql(tables).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM deployment_days").execute(&mut *conn).await?;
    sqlx::query("DELETE FROM deployment_environments")
        .execute(&mut *conn)
        .await?;
    for sql in backfill().into_iter().chain(triggers) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
    }
    tx.commit().await?;
    Ok(())
}
