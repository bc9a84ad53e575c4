//! The `strata_seeds` table: one row per dataset applied (dataset, checksum, mode, seed value,
//! counts, when, by whom), written in the dataset's own transaction, so the record and the rows
//! commit together. The latest row's checksum decides whether a re-run has anything to do.
//! Each dataset applied, failed or cancelled is also an event in `strata_events` (the log the
//! History screen reads): an applied one in the same transaction as its rows.

use std::time::Instant;

use super::apply::DatasetReport;
use super::db::{param, SeedConn};
use super::value::Value;
use crate::dialect::DatabaseKind;
use crate::history::{Event, EventKind, Outcome};

pub(crate) async fn ensure(conn: &mut SeedConn, kind: DatabaseKind) -> Result<(), sqlx::Error> {
    let sql = match kind {
        DatabaseKind::Postgres => {
            "CREATE TABLE IF NOT EXISTS strata_seeds (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                dataset TEXT NOT NULL, table_name TEXT NOT NULL, checksum TEXT NOT NULL,
                mode TEXT NOT NULL, seed_value TEXT NOT NULL, environment TEXT NOT NULL,
                inserted BIGINT NOT NULL, updated BIGINT NOT NULL, deleted BIGINT NOT NULL,
                unchanged BIGINT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_by TEXT NOT NULL)"
        }
        DatabaseKind::Mysql => {
            "CREATE TABLE IF NOT EXISTS strata_seeds (
                id BIGINT AUTO_INCREMENT PRIMARY KEY,
                dataset VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL,
                checksum CHAR(64) NOT NULL, mode VARCHAR(16) NOT NULL,
                seed_value VARCHAR(32) NOT NULL, environment VARCHAR(16) NOT NULL,
                inserted BIGINT NOT NULL, updated BIGINT NOT NULL, deleted BIGINT NOT NULL,
                unchanged BIGINT NOT NULL,
                applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                applied_by VARCHAR(255) NOT NULL, KEY strata_seeds_dataset (dataset, id))
                DEFAULT CHARSET = utf8mb4"
        }
        DatabaseKind::Sqlite => {
            "CREATE TABLE IF NOT EXISTS strata_seeds (
                id INTEGER PRIMARY KEY,
                dataset TEXT NOT NULL, table_name TEXT NOT NULL, checksum TEXT NOT NULL,
                mode TEXT NOT NULL, seed_value TEXT NOT NULL, environment TEXT NOT NULL,
                inserted INTEGER NOT NULL, updated INTEGER NOT NULL, deleted INTEGER NOT NULL,
                unchanged INTEGER NOT NULL,
                applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, applied_by TEXT NOT NULL)"
        }
    };
    conn.execute(sql).await.map(|_| ())
}

/// Whether the database has the tracking table (a dry run reads it only when it does).
pub(crate) async fn exists(conn: &mut SeedConn, kind: DatabaseKind) -> Result<bool, sqlx::Error> {
    Ok(!super::live::table(conn, kind, "strata_seeds")
        .await?
        .columns
        .is_empty())
}

/// The checksum of the dataset's latest record, if any.
pub(crate) async fn last_checksum(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    dataset: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sql = format!(
        "SELECT checksum FROM strata_seeds WHERE dataset = {} ORDER BY id DESC LIMIT 1",
        param(kind, 1)
    );
    Ok(conn
        .text_rows(&sql, &[dataset])
        .await?
        .into_iter()
        .next()
        .and_then(|r| r[0].clone()))
}

pub(crate) async fn record(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    r: &DatasetReport,
    checksum: &str,
    seed: u64,
    environment: &str,
) -> Result<(), sqlx::Error> {
    let params: Vec<String> = (1..=11).map(|n| param(kind, n)).collect();
    let sql = format!(
        "INSERT INTO strata_seeds (dataset, table_name, checksum, mode, seed_value, environment, \
         inserted, updated, deleted, unchanged, applied_by) VALUES ({})",
        params.join(", ")
    );
    let n = |x: u64| Value::Int(i64::try_from(x).unwrap_or(i64::MAX));
    let values = [
        Value::Text(r.dataset.clone()),
        Value::Text(r.table.clone()),
        Value::Text(checksum.to_owned()),
        Value::Text(r.mode.as_str().to_owned()),
        Value::Text(seed.to_string()),
        Value::Text(environment.to_owned()),
        n(r.inserted),
        n(r.updated),
        n(r.deleted),
        n(r.unchanged),
        Value::Text(crate::clock::actor()),
    ];
    conn.execute_bound(&sql, &values).await.map(|_| ())
}

/// One seeding run's identity in the event log: its run id and who ran it.
pub(crate) struct RunLog {
    pub run_id: String,
    pub actor: String,
}

impl RunLog {
    pub(crate) fn new() -> Self {
        Self {
            run_id: crate::history::new_run_id(),
            actor: crate::clock::actor(),
        }
    }

    /// The `seed` event of `dataset` started at `started`; `detail` says what it did.
    pub(crate) fn event(
        &self,
        dataset: &str,
        started: Instant,
        outcome: Outcome,
        error: Option<String>,
        detail: Option<String>,
    ) -> Event {
        Event {
            run_id: self.run_id.clone(),
            at: crate::clock::now_iso(),
            kind: EventKind::Seed,
            version: None,
            name: Some(dataset.to_owned()),
            outcome,
            duration_ms: crate::clock::millis(started.elapsed()),
            error,
            detail,
            actor: self.actor.clone(),
        }
    }
}

/// What an applied dataset did, as the event's detail.
pub(crate) fn detail(r: &DatasetReport, seed: u64, environment: &str) -> String {
    format!(
        "{}: {} inserted, {} updated, {} deleted, {} unchanged ({}, seed {seed}, {environment})",
        r.table,
        r.inserted,
        r.updated,
        r.deleted,
        r.unchanged,
        r.mode.as_str()
    )
}

/// Create `strata_events` if the database has no migration history yet.
pub(crate) async fn ensure_events(
    conn: &mut SeedConn,
    kind: DatabaseKind,
) -> Result<(), sqlx::Error> {
    let sql = match kind {
        DatabaseKind::Postgres => crate::driver::postgres::CREATE_EVENTS,
        DatabaseKind::Mysql => crate::driver::mysql::CREATE_EVENTS,
        DatabaseKind::Sqlite => crate::driver::sqlite::CREATE_EVENTS,
    };
    conn.execute(sql).await.map(|_| ())
}

/// Append `e` to `strata_events`.
pub(crate) async fn event(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    e: &Event,
) -> Result<(), sqlx::Error> {
    let sql = match kind {
        DatabaseKind::Postgres => crate::driver::postgres::INSERT_EVENT,
        DatabaseKind::Mysql => crate::driver::mysql::INSERT_EVENT,
        DatabaseKind::Sqlite => crate::driver::sqlite::INSERT_EVENT,
    };
    let text = |s: &Option<String>| s.clone().map_or(Value::Null, Value::Text);
    let values = [
        Value::Text(e.run_id.clone()),
        Value::Text(e.at.clone()),
        Value::Text(e.kind.as_str().to_owned()),
        text(&e.version),
        text(&e.name),
        Value::Text(e.outcome.as_str().to_owned()),
        Value::Int(e.duration_ms),
        text(&e.error),
        text(&e.detail),
        Value::Text(e.actor.clone()),
    ];
    conn.execute_bound(sql, &values).await.map(|_| ())
}
