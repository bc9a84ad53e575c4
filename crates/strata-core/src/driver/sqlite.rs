//! SQLite: the history tables' DDL and the lock row. There is no server to hold a lock: a run
//! writes its holder into `strata_lock` in a write transaction (insert if absent) and deletes
//! it when it ends; a killed process's row is taken over by the next run on its host (see
//! `lock::sqlite`). Each migration still runs in a `BEGIN IMMEDIATE` write transaction that
//! first re-checks the history, and a killed process's transaction is rolled back by SQLite. A run switches the file to write-ahead logging (one sync per
//! commit instead of three) and puts back the journal mode it found when it ends.

/// The event log's table alone (seeding records its events there, creating it if a database
/// has no migration history yet).
macro_rules! create_events {
    () => {
        r#"CREATE TABLE IF NOT EXISTS strata_events (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    version TEXT,
    name TEXT,
    outcome TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    error TEXT,
    detail TEXT,
    actor TEXT NOT NULL
);"#
    };
}
pub const CREATE_EVENTS: &str = create_events!();

pub const CREATE_HISTORY: &str = concat!(
    r#"
CREATE TABLE IF NOT EXISTS strata_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS strata_migrations (
    version TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    up_sql TEXT NOT NULL,
    down_sql TEXT,
    applied_at TEXT NOT NULL,
    applied_by TEXT NOT NULL,
    execution_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    statements_total INTEGER NOT NULL,
    statements_committed INTEGER NOT NULL
);
"#,
    create_events!(),
    r#"
INSERT OR IGNORE INTO strata_meta (key, value) VALUES ('history_format', '1');
"#
);

pub const HISTORY_EXISTS: &str =
    "SELECT COUNT(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'strata_migrations'";
pub const READ_FORMAT: &str = "SELECT value FROM strata_meta WHERE key = 'history_format'";
pub const READ_HISTORY: &str = "SELECT version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed FROM strata_migrations";
pub const INSERT_APPLIED: &str = "INSERT INTO strata_migrations (version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
pub const UPDATE_PROGRESS: &str = "UPDATE strata_migrations SET statements_committed = $1, state = $2, execution_ms = $3 WHERE version = $4";
pub const DELETE_APPLIED: &str = "DELETE FROM strata_migrations WHERE version = $1";
pub const INSERT_EVENT: &str = "INSERT INTO strata_events (run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
pub const IS_APPLIED: &str = "SELECT COUNT(*) FROM strata_migrations WHERE version = $1";
pub const EVENTS_EXIST: &str =
    "SELECT COUNT(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'strata_events'";
/// One history row with its stored SQL, columns in [`READ_HISTORY`]'s order.
pub const READ_APPLIED: &str = "SELECT version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed FROM strata_migrations WHERE version = $1";
/// The newest events first (by time, then by insertion); the limit is bound.
pub const READ_EVENTS: &str = "SELECT run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor FROM strata_events ORDER BY at DESC, id DESC LIMIT $1";
/// Takes the database's write lock now, not at the first write, so two runs cannot both
/// read "not applied" and then race.
pub const BEGIN_EXCLUSIVE: &str = "BEGIN IMMEDIATE";

/// The write transaction and the re-check in one call; the row counts the version's history
/// rows (`version` is a literal from [`quote`]).
pub fn begin_checked(version_literal: &str) -> String {
    format!("{BEGIN_EXCLUSIVE}; SELECT COUNT(*) FROM strata_migrations WHERE version = {version_literal}")
}

/// The migration lock: at most one row, its holder. `proc_start` tells a reused pid apart.
pub const CREATE_LOCK: &str = "CREATE TABLE IF NOT EXISTS strata_lock (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, proc_start TEXT, host TEXT NOT NULL, who TEXT NOT NULL, since TEXT NOT NULL, run_id TEXT NOT NULL)";
pub const LOCK_EXISTS: &str =
    "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'strata_lock'";
pub const READ_LOCK: &str =
    "SELECT pid, proc_start, host, who, since, run_id FROM strata_lock WHERE id = 1";
pub const WRITE_LOCK: &str = "INSERT OR REPLACE INTO strata_lock (id, pid, proc_start, host, who, since, run_id) VALUES (1, $1, $2, $3, $4, $5, $6)";
/// Delete the lock row of the run whose id is `run_id_literal` (from [`quote`]).
pub fn delete_lock(run_id_literal: &str) -> String {
    format!("DELETE FROM strata_lock WHERE id = 1 AND run_id = {run_id_literal}")
}
/// How long one attempt at the lock waits for SQLite's own write lock (another run's
/// migration holds it while it runs); the lock's poll loop does the rest of the waiting.
pub const LOCK_BUSY_TIMEOUT: &str = "PRAGMA busy_timeout = 250";
pub const RELEASE_BUSY_TIMEOUT: &str = "PRAGMA busy_timeout = 30000";

pub const JOURNAL_MODE: &str = "PRAGMA journal_mode";
pub const WAL: &str = "PRAGMA journal_mode = WAL";
/// `PRAGMA journal_mode = <mode>` for a mode read back from [`JOURNAL_MODE`]; `None` for
/// anything but SQLite's own mode names, which are then left alone.
pub fn set_journal_mode(mode: &str) -> Option<String> {
    let mode = mode.to_ascii_uppercase();
    ["DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF"]
        .contains(&mode.as_str())
        .then(|| format!("PRAGMA journal_mode = {mode}"))
}

/// `text` as a string literal: quotes doubled; a text holding NUL (which a quoted literal
/// would cut short) as a blob of its UTF-8 bytes read back as text.
pub fn quote(text: &str) -> String {
    if text.contains('\0') {
        let hex: String = text.bytes().map(|b| format!("{b:02X}")).collect();
        format!("CAST(X'{hex}' AS TEXT)")
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_nul_goes_as_bytes() {
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("a\\b $x$ \"q\""), "'a\\b $x$ \"q\"'");
        assert_eq!(quote("a\0b"), "CAST(X'610062' AS TEXT)");
        assert_eq!(
            set_journal_mode("delete").as_deref(),
            Some("PRAGMA journal_mode = DELETE")
        );
        assert_eq!(set_journal_mode("x; DROP TABLE t"), None);
    }

    /// The workspace's `.cargo/config.toml` builds the bundled SQLite without its cap on hash
    /// tables; without it, opening a file of thousands of tables (status with thousands of
    /// migrations applied) is about a fifth slower. A build that lost the setting fails here.
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn the_bundled_sqlite_does_not_cap_its_hash_tables() {
        use sqlx::Connection as _;
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("an in-memory SQLite database opens");
        let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(&mut conn)
            .await
            .expect("SQLite lists its compile options");
        assert!(
            options.iter().any(|o| o == "MALLOC_SOFT_LIMIT=0"),
            "SQLite was built without LIBSQLITE3_FLAGS=-DSQLITE_MALLOC_SOFT_LIMIT=0 (set in .cargo/config.toml): {options:?}"
        );
    }
}
