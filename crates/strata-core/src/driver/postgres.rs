//! PostgreSQL: the history tables' DDL, the advisory lock and how to name its holder, and how
//! history values are written as literals when the bookkeeping rides in a migration's own round
//! trip. Only dialect SQL and quirks live here.

/// The tables, created in the connection's current schema. Timestamps are ISO-8601 UTC text so
/// every engine stores and sorts them the same way.
/// The event log's table alone (seeding records its events there, creating it if a database
/// has no migration history yet).
macro_rules! create_events {
    () => {
        r#"CREATE TABLE IF NOT EXISTS strata_events (
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
);"#
    };
}
pub const CREATE_EVENTS: &str = create_events!();

pub const CREATE_HISTORY: &str = concat!(
    r#"
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
"#,
    create_events!(),
    r#"
INSERT INTO strata_meta (key, value) VALUES ('history_format', '1') ON CONFLICT (key) DO NOTHING;
"#
);

pub const HISTORY_EXISTS: &str = "SELECT to_regclass('strata_migrations') IS NOT NULL";
pub const READ_FORMAT: &str = "SELECT value FROM strata_meta WHERE key = 'history_format'";
pub const READ_HISTORY: &str = "SELECT version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed FROM strata_migrations";
pub const INSERT_APPLIED: &str = "INSERT INTO strata_migrations (version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
pub const UPDATE_PROGRESS: &str = "UPDATE strata_migrations SET statements_committed = $1, state = $2, execution_ms = $3 WHERE version = $4";
pub const DELETE_APPLIED: &str = "DELETE FROM strata_migrations WHERE version = $1";
pub const INSERT_EVENT: &str = "INSERT INTO strata_events (run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
pub const IS_APPLIED: &str = "SELECT count(*) FROM strata_migrations WHERE version = $1";
pub const EVENTS_EXIST: &str = "SELECT to_regclass('strata_events') IS NOT NULL";
/// One history row with its stored SQL, columns in [`READ_HISTORY`]'s order.
pub const READ_APPLIED: &str = "SELECT version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed FROM strata_migrations WHERE version = $1";
/// The newest events first (by time, then by insertion); the limit is bound.
pub const READ_EVENTS: &str = "SELECT run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor FROM strata_events ORDER BY at DESC, id DESC LIMIT $1";

/// The advisory lock key: a constant so every Strata client of one database contends for it.
/// (ASCII "strata" packed into an i64.)
pub const LOCK_KEY: i64 = 0x7374_7261_7461;
pub const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1)";
pub const UNLOCK: &str = "SELECT pg_advisory_unlock($1)";
/// Who holds the advisory lock: pid, application name (Strata sets it to actor and pid),
/// client address and since when.
pub const LOCK_HOLDER: &str = "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.objid = ($1::bigint & 4294967295)::oid AND l.classid = ($1::bigint >> 32)::oid LIMIT 1";
pub const BACKEND_ID: &str = "SELECT pg_backend_pid()::bigint";
pub const CANCEL: &str = "SELECT pg_cancel_backend($1::int)";
/// The executor's advisory lock, held by the connection that runs a plan's statements for as
/// long as it lives. The server keeps running a statement of a client that was killed until it
/// tries to write to it; a run that holds [`LOCK_KEY`] (so the run that started that statement
/// is gone) and finds this key held has found such an orphan, and ends it.
pub const EXEC_KEY: i64 = LOCK_KEY + 1;
pub const TERMINATE: &str = "SELECT pg_terminate_backend($1::int)";
/// PostgreSQL 14+: the executor's backend checks every second during a long statement that its
/// client is still there, and ends the statement when it is not. Older servers lack the setting.
pub const CONNECTION_CHECK: &str = "SET client_connection_check_interval = '1s'";

/// SQLSTATE of "out of shared memory", raised when the lock table is full: a transaction that
/// creates or alters thousands of tables holds a lock on each until it ends.
pub const OUT_OF_MEMORY: &str = "53200";
pub const MAX_LOCKS: &str = "SHOW max_locks_per_transaction";

/// A tag for dollar quotes that occurs in none of `texts`, so `$tag$…$tag$` holds each of them
/// verbatim: no escaping, whatever the text holds (quotes, backslashes, other dollar quotes).
/// Random per call (`RandomState` is seeded randomly): a text cannot be written to match it.
pub fn dollar_tag<'a>(texts: impl IntoIterator<Item = &'a str> + Clone) -> String {
    use std::hash::{BuildHasher as _, Hasher as _};
    let random = std::iter::repeat_with(|| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    });
    dollar_tag_from(texts, random)
}

/// The first `strata_<hex>` tag from `candidates` that no text holds as `$tag$`, nor ends with
/// `$tag` (whose `$` the closing delimiter would complete).
fn dollar_tag_from<'a>(
    texts: impl IntoIterator<Item = &'a str> + Clone,
    candidates: impl IntoIterator<Item = u64>,
) -> String {
    for n in candidates {
        let tag = format!("strata_{n:x}");
        let delimiter = format!("${tag}$");
        let open = &delimiter[..delimiter.len() - 1];
        let clash = texts
            .clone()
            .into_iter()
            .any(|t| t.contains(&delimiter) || t.ends_with(open));
        if !clash {
            return tag;
        }
    }
    unreachable!("the candidates are endless")
}

/// `text` as a dollar-quoted literal; `tag` from [`dollar_tag`] over every text of the batch.
/// PostgreSQL text cannot hold NUL: callers reject such text first.
pub fn dollar_quote(text: &str, tag: &str) -> String {
    format!("${tag}${text}${tag}$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_found_in_a_text_is_passed_over() {
        let texts = [
            "SELECT $strata_1$ inside $strata_1$",
            "ends with an opening $strata_2",
        ];
        assert_eq!(dollar_tag_from(texts, [1, 2, 3, 4]), "strata_3");
        let tag = dollar_tag(texts);
        assert!(tag.starts_with("strata_"));
        let quoted = dollar_quote(texts[1], &tag);
        // The closing delimiter is the first occurrence after the opening one.
        let close = format!("${tag}$");
        let body = &quoted[close.len()..];
        assert_eq!(body.find(&close), Some(texts[1].len()), "{quoted}");
    }
}
