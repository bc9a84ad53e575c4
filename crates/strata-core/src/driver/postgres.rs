//! PostgreSQL: the history tables' DDL, the advisory lock and how to name its holder.
//! Only dialect SQL and quirks live here.

/// The tables, created in the connection's current schema. Timestamps are ISO-8601 UTC text so
/// every engine stores and sorts them the same way.
pub const CREATE_HISTORY: &str = r#"
CREATE TABLE IF NOT EXISTS strata_meta (
    key varchar(64) PRIMARY KEY,
    value varchar(255) NOT NULL
);
CREATE TABLE IF NOT EXISTS strata_migrations (
    version varchar(64) PRIMARY KEY,
    name varchar(255) NOT NULL,
    checksum varchar(64) NOT NULL,
    up_sql text NOT NULL,
    down_sql text,
    applied_at varchar(32) NOT NULL,
    applied_by varchar(255) NOT NULL,
    execution_ms bigint NOT NULL,
    state varchar(16) NOT NULL,
    statements_total integer NOT NULL,
    statements_committed integer NOT NULL
);
CREATE TABLE IF NOT EXISTS strata_events (
    id bigserial PRIMARY KEY,
    run_id varchar(64) NOT NULL,
    at varchar(32) NOT NULL,
    kind varchar(16) NOT NULL,
    version varchar(64),
    name varchar(255),
    outcome varchar(16) NOT NULL,
    duration_ms bigint NOT NULL,
    error text,
    detail text,
    actor varchar(255) NOT NULL
);
INSERT INTO strata_meta (key, value) VALUES ('history_format', '1') ON CONFLICT (key) DO NOTHING;
"#;

pub const HISTORY_EXISTS: &str = "SELECT to_regclass('strata_migrations') IS NOT NULL";
pub const READ_FORMAT: &str = "SELECT value FROM strata_meta WHERE key = 'history_format'";
pub const READ_HISTORY: &str = "SELECT version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed FROM strata_migrations";
pub const INSERT_APPLIED: &str = "INSERT INTO strata_migrations (version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
pub const UPDATE_PROGRESS: &str = "UPDATE strata_migrations SET statements_committed = $1, state = $2, execution_ms = $3 WHERE version = $4";
pub const DELETE_APPLIED: &str = "DELETE FROM strata_migrations WHERE version = $1";
pub const INSERT_EVENT: &str = "INSERT INTO strata_events (run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
pub const IS_APPLIED: &str = "SELECT count(*) FROM strata_migrations WHERE version = $1";

/// The advisory lock key: a constant so every Strata client of one database contends for it.
/// (ASCII "strata" packed into an i64.)
pub const LOCK_KEY: i64 = 0x7374_7261_7461;
pub const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1)";
pub const UNLOCK: &str = "SELECT pg_advisory_unlock($1)";
/// Who holds the advisory lock: pid, application name (Strata sets it to actor and pid),
/// client address and since when.
pub const LOCK_HOLDER: &str = "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ($1::bigint & 4294967295)::oid AND l.classid = ($1::bigint >> 32)::oid LIMIT 1";
pub const BACKEND_ID: &str = "SELECT pg_backend_pid()::bigint";
pub const CANCEL: &str = "SELECT pg_cancel_backend($1::int)";
