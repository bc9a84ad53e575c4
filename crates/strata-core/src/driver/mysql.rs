//! MySQL and MariaDB: the history tables' DDL, `GET_LOCK`, and how to name its holder.
//! DDL commits implicitly here, so the executor journals each statement instead of relying
//! on a transaction.

pub const CREATE_HISTORY: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS strata_meta (
        `key` VARCHAR(64) NOT NULL PRIMARY KEY,
        value VARCHAR(255) NOT NULL
    ) DEFAULT CHARSET = utf8mb4",
    "CREATE TABLE IF NOT EXISTS strata_migrations (
        version VARCHAR(64) NOT NULL PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        checksum VARCHAR(64) NOT NULL,
        up_sql LONGTEXT NOT NULL,
        down_sql LONGTEXT NULL,
        applied_at VARCHAR(32) NOT NULL,
        applied_by VARCHAR(255) NOT NULL,
        execution_ms BIGINT NOT NULL,
        state VARCHAR(16) NOT NULL,
        statements_total INT NOT NULL,
        statements_committed INT NOT NULL
    ) DEFAULT CHARSET = utf8mb4",
    "CREATE TABLE IF NOT EXISTS strata_events (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        run_id VARCHAR(64) NOT NULL,
        at VARCHAR(32) NOT NULL,
        kind VARCHAR(16) NOT NULL,
        version VARCHAR(64) NULL,
        name VARCHAR(255) NULL,
        outcome VARCHAR(16) NOT NULL,
        duration_ms BIGINT NOT NULL,
        error LONGTEXT NULL,
        detail LONGTEXT NULL,
        actor VARCHAR(255) NOT NULL
    ) DEFAULT CHARSET = utf8mb4",
    "INSERT IGNORE INTO strata_meta (`key`, value) VALUES ('history_format', '1')",
];

pub const HISTORY_EXISTS: &str = "SELECT COUNT(*) > 0 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'strata_migrations'";
pub const READ_FORMAT: &str = "SELECT value FROM strata_meta WHERE `key` = 'history_format'";
pub const READ_HISTORY: &str = "SELECT version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed FROM strata_migrations";
pub const INSERT_APPLIED: &str = "INSERT INTO strata_migrations (version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
pub const UPDATE_PROGRESS: &str = "UPDATE strata_migrations SET statements_committed = ?, state = ?, execution_ms = ? WHERE version = ?";
pub const DELETE_APPLIED: &str = "DELETE FROM strata_migrations WHERE version = ?";
pub const INSERT_EVENT: &str = "INSERT INTO strata_events (run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
pub const IS_APPLIED: &str = "SELECT COUNT(*) FROM strata_migrations WHERE version = ?";

/// The lock name: per database, so two databases on one server do not block each other.
pub fn lock_name(database: &str) -> String {
    format!("strata_migrate:{database}")
}
pub const CURRENT_DATABASE: &str = "SELECT COALESCE(DATABASE(), '')";
/// `GET_LOCK` with a zero timeout: the executor polls so it can report the holder and stop.
pub const TRY_LOCK: &str = "SELECT COALESCE(GET_LOCK(?, 0), 0)";
pub const UNLOCK: &str = "SELECT RELEASE_LOCK(?)";
pub const LOCK_HOLDER: &str = "SELECT CAST(p.ID AS SIGNED), p.USER, p.HOST, CAST(p.TIME AS SIGNED) FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)";
pub const BACKEND_ID: &str = "SELECT CAST(CONNECTION_ID() AS SIGNED)";
pub fn cancel(id: i64) -> String {
    format!("KILL QUERY {id}")
}
