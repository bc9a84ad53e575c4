//! MySQL and MariaDB: the history tables' DDL, `GET_LOCK`, and how to name its holder.
//! DDL commits implicitly here, so the executor journals each statement instead of relying
//! on a transaction: the journal update rides in the statement's own round trip (a
//! multi-statement text, which the server stops at the first error), after values put in
//! session variables beforehand, so nothing written after a migration's own text holds a quote.

/// The event log's table alone (seeding records its events there, creating it if a database
/// has no migration history yet).
pub const CREATE_EVENTS: &str = "CREATE TABLE IF NOT EXISTS strata_events (
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
    ) DEFAULT CHARSET = utf8mb4";

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
    CREATE_EVENTS,
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
pub const EVENTS_EXIST: &str = "SELECT COUNT(*) > 0 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'strata_events'";
/// One history row with its stored SQL, columns in [`READ_HISTORY`]'s order.
pub const READ_APPLIED: &str = "SELECT version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed FROM strata_migrations WHERE version = ?";
/// The newest events first (by time, then by insertion); the limit is bound.
pub const READ_EVENTS: &str = "SELECT run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor FROM strata_events ORDER BY at DESC, id DESC LIMIT ?";

/// The lock name: per database, so two databases on one server do not block each other.
pub fn lock_name(database: &str) -> String {
    format!("strata_migrate:{database}")
}
/// The executor's lock: held by the connection that runs a plan's statements. The server keeps
/// running a statement of a client that was killed until the statement ends; a run that holds
/// the migration lock and finds this one held has found such an orphan, and ends it.
pub fn exec_lock_name(database: &str) -> String {
    format!("strata_exec:{database}")
}
pub const CURRENT_DATABASE: &str = "SELECT COALESCE(DATABASE(), '')";
/// `GET_LOCK` with a zero timeout: the executor polls so it can report the holder and stop.
pub const TRY_LOCK: &str = "SELECT COALESCE(GET_LOCK(?, 0), 0)";
pub const UNLOCK: &str = "SELECT RELEASE_LOCK(?)";
pub const LOCK_HOLDER: &str = "SELECT CAST(p.ID AS SIGNED), p.USER, p.HOST, CAST(p.TIME AS SIGNED) FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)";
pub const BACKEND_ID: &str = "SELECT CAST(CONNECTION_ID() AS SIGNED)";

/// Whether a statement changes rows without committing by itself (INSERT, UPDATE, DELETE,
/// REPLACE), so that it can share a transaction with its journal entry. Anything else is taken
/// to commit implicitly, which costs a commit but is never wrong.
pub fn is_data_change(sql: &str) -> bool {
    starts_with_keyword(sql, &["INSERT", "UPDATE", "DELETE", "REPLACE"])
}

/// Whether the statement's first word is one of `keywords` (upper case).
fn starts_with_keyword(sql: &str, keywords: &[&str]) -> bool {
    let first: String = sql
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    keywords.iter().any(|k| first.eq_ignore_ascii_case(k))
}

/// Whether a statement may answer with several results (a `CALL` of a procedure that selects,
/// an `EXECUTE` of such a call), so that counting results cannot tell where it ends.
pub fn may_answer_several_results(sql: &str) -> bool {
    starts_with_keyword(sql, &["CALL", "EXECUTE"])
}

/// How many statements one of Strata's texts holds (those of [`journal_suffix`] and its
/// kind): they hold no quote or comment, so each `;` at a line's end ends one.
pub fn statement_count(text: &str) -> usize {
    match text.trim() {
        "" => 0,
        t => t.trim_end_matches(';').split(";\n").count(),
    }
}

pub fn cancel(id: i64) -> String {
    format!("KILL QUERY {id}")
}

pub fn kill_connection(id: i64) -> String {
    format!("KILL CONNECTION {id}")
}

/// The connection id holding a named lock, NULL when it is free.
pub const LOCK_OWNER: &str = "SELECT CAST(IS_USED_LOCK(?) AS SIGNED)";

/// `text` as a utf8mb4 hex literal: safe for any text whatever the `sql_mode` (backslash
/// escapes, ANSI quotes) and the connection's character set.
pub fn hex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2 + 12);
    out.push_str("_utf8mb4 X'");
    for b in text.bytes() {
        out.push_str(&format!("{b:02X}"));
    }
    out.push('\'');
    out
}

/// Milliseconds since the step began, by the server's clock (`@strata_t0`, set when the step's
/// journal row is written).
pub const STEP_MS: &str = "TIMESTAMPDIFF(MICROSECOND, @strata_t0, NOW(6)) DIV 1000";

/// Whether a step's history row is written yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// Not yet: the first journal entry inserts it, from the session variables.
    New,
    Exists,
}

const INSERT_ROW: &str = "INSERT INTO strata_migrations (version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed) VALUES (@strata_v, @strata_name, @strata_checksum, @strata_up, @strata_down, @strata_applied_at, @strata_actor";

/// After a step's statement `committed` (1-based), inside the same text: the journal says so
/// (writing the row if it is `New`). Holds no quote, so no text before it can change how it
/// reads. `in_transaction`: the statement ran after `START TRANSACTION` (a data change, which
/// does not commit by itself): it and its journal entry commit together.
pub fn journal_suffix(committed: i32, total: i32, row: Row, in_transaction: bool) -> String {
    let entry = match row {
        Row::New => format!("{INSERT_ROW}, 0, @strata_partial, {total}, {committed})"),
        Row::Exists => format!(
            "UPDATE strata_migrations SET statements_committed = {committed} WHERE version = @strata_v"
        ),
    };
    let commit = if in_transaction { ";\nCOMMIT" } else { "" };
    format!("{entry}{commit}")
}

/// After a rollback's down statement `committed` (1-based) of `total`, inside the same text:
/// the row says `partial_rollback` (`@strata_partial`, set for a down step) with that count of
/// the down part's statements, so a rollback stopped or killed before its last statement
/// leaves a true record. Quote-free like [`journal_suffix`]; `in_transaction` as there.
pub fn rollback_journal_suffix(committed: i32, total: i32, in_transaction: bool) -> String {
    let commit = if in_transaction { ";\nCOMMIT" } else { "" };
    format!("UPDATE strata_migrations SET statements_committed = {committed}, statements_total = {total}, state = @strata_partial WHERE version = @strata_v{commit}")
}

/// After a step's last statement: the history row `applied` (or removed) and the event, in one
/// transaction (the statement's own when it ran after `START TRANSACTION`). Quote-free like
/// [`journal_suffix`]. The time is the server's, since the step's first text, taken once for
/// the row and the event (a statement between two readings can take milliseconds).
pub fn finish_suffix(up: bool, total: i32, row: Row, in_transaction: bool) -> String {
    let change = match (up, row) {
        (true, Row::New) => format!("{INSERT_ROW}, @strata_ms, @strata_state, {total}, {total})"),
        (true, Row::Exists) => format!("UPDATE strata_migrations SET statements_committed = {total}, state = @strata_state, execution_ms = @strata_ms WHERE version = @strata_v"),
        (false, _) => "DELETE FROM strata_migrations WHERE version = @strata_v".to_owned(),
    };
    let start = if in_transaction {
        ""
    } else {
        "START TRANSACTION;\n"
    };
    format!(
        "SET @strata_ms = {STEP_MS};\n{start}{change};\nINSERT INTO strata_events (run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor) VALUES (@strata_run, @strata_at, @strata_kind, @strata_v, @strata_name, @strata_outcome, @strata_ms, NULL, NULL, @strata_actor);\nCOMMIT"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_literals_hold_any_text() {
        assert_eq!(hex_literal("a'\\"), "_utf8mb4 X'61275C'");
        assert_eq!(hex_literal(""), "_utf8mb4 X''");
        assert_eq!(hex_literal("é"), "_utf8mb4 X'C3A9'");
    }

    #[test]
    fn strata_texts_are_counted_statement_by_statement() {
        assert_eq!(statement_count(&journal_suffix(1, 3, Row::New, false)), 1);
        assert_eq!(statement_count(&journal_suffix(1, 3, Row::Exists, true)), 2);
        assert_eq!(statement_count(&rollback_journal_suffix(1, 3, false)), 1);
        assert_eq!(statement_count(&rollback_journal_suffix(1, 3, true)), 2);
        for (up, row) in [(true, Row::New), (true, Row::Exists), (false, Row::Exists)] {
            assert_eq!(statement_count(&finish_suffix(up, 3, row, true)), 4);
            assert_eq!(statement_count(&finish_suffix(up, 3, row, false)), 5);
        }
        assert_eq!(statement_count("SET @a = 1;\nSTART TRANSACTION;\n"), 2);
        assert_eq!(statement_count(""), 0);
        assert!(may_answer_several_results("  call report()"));
        assert!(may_answer_several_results("EXECUTE stmt"));
        assert!(!may_answer_several_results("CALLBACK_TABLE"));
        assert!(!may_answer_several_results("CREATE TABLE callers (id INT)"));
    }

    #[test]
    fn what_follows_a_statement_holds_no_quote() {
        for row in [Row::New, Row::Exists] {
            for wrap in [false, true] {
                let texts = [
                    journal_suffix(1, 3, row, wrap),
                    rollback_journal_suffix(1, 3, wrap),
                    finish_suffix(true, 3, row, wrap),
                    finish_suffix(false, 3, row, wrap),
                ];
                for t in texts {
                    assert!(
                        !t.contains(['\'', '"', '`', '#', '$'])
                            && !t.contains("--")
                            && !t.contains("/*"),
                        "{t}"
                    );
                }
            }
        }
    }

    #[test]
    fn only_data_changes_share_a_commit() {
        assert!(is_data_change("  insert INTO t VALUES (1)"));
        assert!(is_data_change("UPDATE t SET a = 1"));
        assert!(!is_data_change("CREATE TABLE t (a INT)"));
        assert!(!is_data_change("INSERTED"));
    }
}
