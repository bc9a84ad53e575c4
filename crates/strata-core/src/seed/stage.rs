//! One dataset into one table: its rows are streamed into a temporary staging table (COPY on
//! PostgreSQL, multi-row INSERT batches on MariaDB and SQLite), then merged into the table by a
//! few set-based statements whose row counts are the report. All of it runs in the dataset's
//! transaction; a failure is traced back to the row and column that caused it.

use super::apply::{
    run_checksum, ApplyError, ApplyOptions, DatasetReport, GeneratedPassword, Mode, Outcome,
    SeedProgress,
};
use std::time::Instant;

use super::dataset::{Dataset, Source};
use super::db::{ident, SeedConn};
use super::error::Location;
use super::live::{self, TableInfo};
use super::load::Load;
use super::password::SecretSource;
use super::resolve::Resolver;
use super::track::RunLog;
use super::value::Value;
use super::Seeds;
use crate::dialect::DatabaseKind;
use crate::history::Outcome as EventOutcome;

pub(crate) const STAGE: &str = "strata_seed_stage";

fn sql<'a>(d: &'a Dataset, action: &'static str) -> impl Fn(sqlx::Error) -> ApplyError + 'a {
    move |source| ApplyError::Sql {
        dataset: d.name.clone(),
        action,
        source,
    }
}

pub(crate) async fn begin(conn: &mut SeedConn, kind: DatabaseKind) -> Result<u64, sqlx::Error> {
    conn.execute(match kind {
        DatabaseKind::Mysql => "START TRANSACTION",
        DatabaseKind::Sqlite => "BEGIN IMMEDIATE",
        DatabaseKind::Postgres => "BEGIN",
    })
    .await
}

/// Read each planned table and check the plan against it: the table and the columns exist,
/// and no dataset comes before the dataset filling a table its table references.
pub(crate) async fn check_schema(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    plan: &[&Dataset],
) -> Result<Vec<TableInfo>, ApplyError> {
    let mut infos = Vec::with_capacity(plan.len());
    for (i, d) in plan.iter().enumerate() {
        if d.is_sql() {
            infos.push(TableInfo::default());
            continue;
        }
        let info = live::table(conn, kind, &d.table)
            .await
            .map_err(sql(d, "reading the table's columns and keys"))?;
        if info.columns.is_empty() {
            return Err(ApplyError::MissingTable {
                dataset: d.name.clone(),
                table: d.table.clone(),
            });
        }
        for (c, tc) in d.columns.iter().zip(d.table_columns()) {
            if !info.columns.iter().any(|x| x.eq_ignore_ascii_case(&tc)) {
                return Err(ApplyError::MissingColumn {
                    at: Location::file(&d.file).dataset(&d.name).column(c),
                    table: d.table.clone(),
                    known: info.columns.join(", "),
                });
            }
        }
        for fk in info.foreign_keys.iter().filter(|fk| fk.table != d.table) {
            if let Some(later) = plan[i + 1..]
                .iter()
                .find(|x| !x.is_sql() && x.table == fk.table)
            {
                return Err(ApplyError::OrderAgainstSchema {
                    dataset: d.name.clone(),
                    table: d.table.clone(),
                    column: fk.column.clone(),
                    references: fk.table.clone(),
                    filled_by: later.name.clone(),
                });
            }
        }
        infos.push(info);
    }
    Ok(infos)
}

/// Apply one dataset (in its own transaction unless the run is a dry run, which holds one).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn dataset(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    seeds: &Seeds,
    d: &Dataset,
    info: &TableInfo,
    opts: &ApplyOptions,
    secrets: &dyn SecretSource,
    progress: &mut (dyn FnMut(SeedProgress) + Send),
    generated: &mut Vec<GeneratedPassword>,
    log: &RunLog,
) -> Result<DatasetReport, ApplyError> {
    let started = Instant::now();
    let mode = if opts.mode == Mode::Sync && !d.owned {
        Mode::Upsert
    } else {
        opts.mode
    };
    let total = opts.gen.count(d);
    let mut report = DatasetReport {
        dataset: d.name.clone(),
        table: d.table.clone(),
        outcome: Outcome::Applied,
        mode,
        rows: total,
        inserted: 0,
        updated: 0,
        deleted: 0,
        unchanged: 0,
    };
    let checksum = run_checksum(d, mode, &opts.gen);
    let tracked = !opts.dry_run
        || super::track::exists(conn, kind)
            .await
            .map_err(sql(d, "reading whether strata_seeds exists"))?;
    let last = match tracked {
        true => super::track::last_checksum(conn, kind, &d.name)
            .await
            .map_err(sql(d, "reading strata_seeds"))?,
        false => None,
    };
    if last.as_deref() == Some(checksum.as_str()) {
        report.outcome = Outcome::Unchanged;
        report.unchanged = total;
        progress(SeedProgress {
            dataset: d.name.clone(),
            done: total,
            total,
        });
        return Ok(report);
    }
    if !opts.dry_run {
        begin(conn, kind).await.map_err(sql(d, "BEGIN"))?;
    }
    let result = async {
        if let Source::Sql { text } = &d.source {
            conn.execute(text)
                .await
                .map_err(sql(d, "running the SQL dataset"))?;
        } else {
            let mut resolver = Resolver::new(conn, kind, d).await?;
            let columns = d.table_columns();
            let load = Load {
                seeds,
                d,
                columns: &columns,
                opts,
                secrets,
                total,
            };
            // An empty table takes the rows directly: every mode inserts them all. On a
            // failure the rows go through the staging table, which finds the row to blame.
            if is_empty(conn, kind, d).await? {
                conn.execute("SAVEPOINT strata_direct")
                    .await
                    .map_err(sql(d, "SAVEPOINT"))?;
                match load.run(conn, kind, &mut resolver, progress, true).await {
                    Ok(n) => {
                        conn.execute("RELEASE SAVEPOINT strata_direct")
                            .await
                            .map_err(sql(d, "RELEASE SAVEPOINT"))?;
                        report.inserted = n;
                        resolver.finish(conn, kind, d).await?;
                        if kind == DatabaseKind::Postgres {
                            reset_sequences(conn, d, &columns).await?;
                        }
                        generated.append(&mut resolver.generated);
                        return record(conn, kind, &report, &checksum, opts, log, started).await;
                    }
                    Err(ApplyError::Sql { .. }) => {
                        let _ = conn.execute("ROLLBACK TO SAVEPOINT strata_direct").await;
                        resolver.reset();
                    }
                    Err(e) => return Err(e),
                }
            }
            create_stage(conn, kind, d, &columns).await?;
            load.run(conn, kind, &mut resolver, progress, false).await?;
            conn.execute("SAVEPOINT strata_merge")
                .await
                .map_err(sql(d, "SAVEPOINT"))?;
            match merge(conn, kind, d, &columns, mode, &mut report).await {
                Ok(()) => {}
                Err(e) => {
                    let _ = conn.execute("ROLLBACK TO SAVEPOINT strata_merge").await;
                    return Err(
                        super::diagnose::constraint(conn, kind, d, &columns, info, e).await,
                    );
                }
            }
            drop_stage(conn, kind)
                .await
                .map_err(sql(d, "dropping the staging table"))?;
            resolver.finish(conn, kind, d).await?;
            if kind == DatabaseKind::Postgres {
                reset_sequences(conn, d, &columns).await?;
            }
            generated.append(&mut resolver.generated);
        }
        record(conn, kind, &report, &checksum, opts, log, started).await
    }
    .await;
    match result {
        Ok(()) if !opts.dry_run => {
            conn.execute("COMMIT").await.map_err(sql(d, "COMMIT"))?;
        }
        Ok(()) => {}
        Err(e) => {
            if !opts.dry_run {
                let _ = conn.execute("ROLLBACK").await;
            }
            let _ = drop_stage(conn, kind).await;
            return Err(e);
        }
    }
    progress(SeedProgress {
        dataset: d.name.clone(),
        done: total,
        total,
    });
    Ok(report)
}

async fn record(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    r: &DatasetReport,
    checksum: &str,
    opts: &ApplyOptions,
    log: &RunLog,
    started: Instant,
) -> Result<(), ApplyError> {
    if opts.dry_run {
        return Ok(()); // rolled back anyway, and strata_seeds may not exist
    }
    let (seed, env) = (opts.gen.seed, opts.environment.as_str());
    let failed = |action| {
        move |source| ApplyError::Sql {
            dataset: r.dataset.clone(),
            action,
            source,
        }
    };
    super::track::record(conn, kind, r, checksum, seed, env)
        .await
        .map_err(failed("recording the dataset in strata_seeds"))?;
    let detail = super::track::detail(r, seed, env);
    let event = log.event(&r.dataset, started, EventOutcome::Ok, None, Some(detail));
    super::track::event(conn, kind, &event)
        .await
        .map_err(failed("recording the dataset in strata_events"))
}

async fn is_empty(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    d: &Dataset,
) -> Result<bool, ApplyError> {
    let t = ident(kind, &d.table);
    let sql_text = format!("SELECT COUNT(*) FROM (SELECT 1 AS x FROM {t} LIMIT 1) AS e");
    let n = conn
        .scalar_i64(&sql_text)
        .await
        .map_err(sql(d, "reading whether the table is empty"))?;
    Ok(n == Some(0))
}

async fn create_stage(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    d: &Dataset,
    columns: &[String],
) -> Result<(), ApplyError> {
    drop_stage(conn, kind)
        .await
        .map_err(sql(d, "dropping an old staging table"))?;
    let cols = columns
        .iter()
        .map(|c| ident(kind, c))
        .collect::<Vec<_>>()
        .join(", ");
    let table = ident(kind, &d.table);
    let create = match kind {
        DatabaseKind::Postgres => format!("CREATE TEMP TABLE {STAGE} AS SELECT 0::bigint AS strata_row, {cols} FROM {table} WITH NO DATA"),
        DatabaseKind::Mysql => format!("CREATE TEMPORARY TABLE {STAGE} AS SELECT CAST(0 AS SIGNED) AS strata_row, {cols} FROM {table} LIMIT 0"),
        DatabaseKind::Sqlite => format!("CREATE TEMP TABLE {STAGE} AS SELECT 0 AS strata_row, {cols} FROM {table} LIMIT 0"),
    };
    conn.execute(&create)
        .await
        .map_err(sql(d, "creating the staging table"))?;
    Ok(())
}

pub(crate) async fn drop_stage(
    conn: &mut SeedConn,
    kind: DatabaseKind,
) -> Result<u64, sqlx::Error> {
    conn.execute(&match kind {
        DatabaseKind::Postgres => format!("DROP TABLE IF EXISTS pg_temp.{STAGE}"),
        DatabaseKind::Mysql => format!("DROP TEMPORARY TABLE IF EXISTS {STAGE}"),
        DatabaseKind::Sqlite => format!("DROP TABLE IF EXISTS temp.{STAGE}"),
    })
    .await
}

/// Merge the staging table into the table; fills the report's counts.
async fn merge(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    d: &Dataset,
    columns: &[String],
    mode: Mode,
    r: &mut DatasetReport,
) -> Result<(), sqlx::Error> {
    let t = ident(kind, &d.table);
    let q = |c: &str| ident(kind, c);
    let keys = d
        .key
        .iter()
        .map(|k| format!("t.{0} = s.{0}", q(k)))
        .collect::<Vec<_>>()
        .join(" AND ");
    let others: Vec<&String> = columns.iter().filter(|c| !d.key.contains(c)).collect();
    let differs = others
        .iter()
        .map(|c| super::db::differs(kind, &format!("t.{}", q(c)), &format!("s.{}", q(c))))
        .collect::<Vec<_>>()
        .join(" OR ");
    let matched = conn
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM {STAGE} AS s JOIN {t} AS t ON {keys}"
        ))
        .await?
        .unwrap_or(0) as u64;
    r.updated = 0;
    if mode != Mode::InsertOnly && !others.is_empty() {
        let set = match kind {
            DatabaseKind::Mysql => others
                .iter()
                .map(|c| format!("t.{0} = s.{0}", q(c)))
                .collect::<Vec<_>>()
                .join(", "),
            _ => others
                .iter()
                .map(|c| format!("{0} = s.{0}", q(c)))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let update = match kind {
            DatabaseKind::Mysql => {
                format!("UPDATE {t} AS t JOIN {STAGE} AS s ON {keys} SET {set} WHERE {differs}")
            }
            _ => {
                format!("UPDATE {t} AS t SET {set} FROM {STAGE} AS s WHERE {keys} AND ({differs})")
            }
        };
        r.updated = conn.execute(&update).await?;
    }
    r.unchanged = matched.saturating_sub(r.updated);
    let cols = columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    let s_cols = columns
        .iter()
        .map(|c| format!("s.{}", q(c)))
        .collect::<Vec<_>>()
        .join(", ");
    r.inserted = conn
        .execute(&format!("INSERT INTO {t} ({cols}) SELECT {s_cols} FROM {STAGE} AS s WHERE NOT EXISTS (SELECT 1 FROM {t} AS t WHERE {keys}) ORDER BY s.strata_row"))
        .await?;
    r.deleted = 0;
    if mode == Mode::Sync {
        let delete = match kind {
            DatabaseKind::Mysql => format!("DELETE t FROM {t} AS t LEFT JOIN {STAGE} AS s ON {keys} WHERE s.strata_row IS NULL"),
            _ => format!("DELETE FROM {t} AS t WHERE NOT EXISTS (SELECT 1 FROM {STAGE} AS s WHERE {keys})"),
        };
        r.deleted = conn.execute(&delete).await?;
    }
    Ok(())
}

/// PostgreSQL: a dataset that writes a serial or identity column moves its sequence past the
/// largest value, so the application's next insert does not collide with a seeded id.
async fn reset_sequences(
    conn: &mut SeedConn,
    d: &Dataset,
    columns: &[String],
) -> Result<(), ApplyError> {
    let table = ident(DatabaseKind::Postgres, &d.table);
    for c in columns {
        let seq = conn
            .text_rows("SELECT pg_get_serial_sequence($1, $2)", &[&table, c])
            .await
            .map_err(sql(d, "reading the column's sequence"))?;
        if let Some(Some(seq)) = seq.into_iter().next().map(|r| r[0].clone()) {
            let col = ident(DatabaseKind::Postgres, c);
            let stmt = format!(
                "SELECT setval($1::regclass, COALESCE(MAX({col}), 0) + 1, false) FROM {table}"
            );
            conn.execute_bound(&stmt, &[Value::Text(seq)])
                .await
                .map_err(sql(d, "moving the column's sequence past the seeded ids"))?;
        }
    }
    Ok(())
}
