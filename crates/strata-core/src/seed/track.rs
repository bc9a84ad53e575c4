//! The `strata_seeds` table: one row per dataset applied (dataset, checksum, mode, seed value,
//! counts, when, by whom), written in the dataset's own transaction, so the record and the rows
//! commit together. The latest row's checksum decides whether a re-run has anything to do.

use super::apply::DatasetReport;
use super::db::{param, SeedConn};
use super::value::Value;
use crate::dialect::DatabaseKind;

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
