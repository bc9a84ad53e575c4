//! Streaming a dataset's rows into a table: PostgreSQL `COPY … FROM STDIN` in chunks of about a
//! megabyte, MariaDB and SQLite multi-row INSERTs with bound values in batches well under their
//! parameter and packet limits. Rows are generated, resolved and sent one batch at a time, so
//! memory stays bounded whatever the count; cancel and progress are seen between batches.

use super::apply::{ApplyError, ApplyOptions, SeedProgress};
use super::dataset::Dataset;
use super::db::{copy_line, ident, SeedConn};
use super::password::SecretSource;
use super::resolve::Resolver;
use super::stage::STAGE;
use super::value::Value;
use super::Seeds;
use crate::dialect::DatabaseKind;

/// PostgreSQL: COPY data sent per statement.
const COPY_BYTES: usize = 1 << 20;
/// MariaDB and SQLite: bound values per INSERT (SQLite allows 32766, MariaDB 65535; a batch
/// of short rows stays far below MariaDB's 16 MB max_allowed_packet).
const BATCH_VALUES: usize = 30_000;
const BATCH_ROWS: usize = 2_000;

pub(crate) struct Load<'a> {
    pub seeds: &'a Seeds,
    pub d: &'a Dataset,
    pub columns: &'a [String],
    pub opts: &'a ApplyOptions,
    pub secrets: &'a dyn SecretSource,
    pub total: u64,
}

/// One batch of rows, encoded for the dialect.
#[derive(Default)]
struct Batch {
    copy: Vec<u8>,
    values: Vec<Value>,
    rows: usize,
}

impl Load<'_> {
    /// Send every row to the table itself (`direct`) or to the staging table with its row
    /// number. Returns the rows sent. The next batch is generated while the database takes
    /// the previous one.
    pub(crate) async fn run(
        &self,
        conn: &mut SeedConn,
        kind: DatabaseKind,
        resolver: &mut Resolver,
        progress: &mut (dyn FnMut(SeedProgress) + Send),
        direct: bool,
    ) -> Result<u64, ApplyError> {
        let d = self.d;
        let mut cols: Vec<String> = self.columns.iter().map(|c| ident(kind, c)).collect();
        let target = if direct {
            ident(kind, &d.table)
        } else {
            cols.insert(0, "strata_row".to_owned());
            STAGE.to_owned()
        };
        let cols = cols.join(", ");
        let width = self.columns.len() + usize::from(!direct);
        let per_batch = (BATCH_VALUES / width.max(1)).clamp(1, BATCH_ROWS);
        let mut rows = self.seeds.rows(d, &self.opts.gen)?;
        let mut fill = |b: &mut Batch| -> Result<(), ApplyError> {
            b.copy.clear();
            b.values.clear();
            b.rows = 0;
            loop {
                let full = match kind {
                    DatabaseKind::Postgres => b.copy.len() >= COPY_BYTES,
                    _ => b.rows >= per_batch,
                };
                if full {
                    return Ok(());
                }
                let Some(row) = rows.next().transpose()? else {
                    return Ok(());
                };
                let number = Value::Int(row.number as i64);
                let resolved = resolver.row(d, row, self.secrets)?;
                let row = (!direct).then_some(number).into_iter().chain(resolved);
                match kind {
                    DatabaseKind::Postgres => copy_line(&mut b.copy, row),
                    _ => b.values.extend(row),
                }
                b.rows += 1;
            }
        };
        let (mut current, mut next) = (Batch::default(), Batch::default());
        let mut done = 0u64;
        // PostgreSQL: one COPY for the whole dataset; the server takes each chunk while the
        // next one is generated. Errors (a foreign key, a unique key) come at the end.
        #[cfg(feature = "postgres")]
        if let SeedConn::Pg(c) = conn {
            let sql_err = |source| ApplyError::Sql {
                dataset: d.name.clone(),
                action: "copying the rows",
                source,
            };
            let mut copy = c
                .copy_in_raw(&format!("COPY {target} ({cols}) FROM STDIN"))
                .await
                .map_err(sql_err)?;
            loop {
                if let Err(e) = fill(&mut current) {
                    let _ = copy.abort("strata: the dataset failed").await;
                    return Err(e);
                }
                if current.rows == 0 {
                    copy.finish().await.map_err(sql_err)?;
                    return Ok(done);
                }
                if self.opts.cancel.as_ref().is_some_and(|t| t.is_cancelled()) {
                    let _ = copy.abort("strata: cancelled").await;
                    return Err(ApplyError::Cancelled {
                        dataset: d.name.clone(),
                        done,
                        total: self.total,
                    });
                }
                copy.send(current.copy.as_slice()).await.map_err(sql_err)?;
                done += current.rows as u64;
                progress(SeedProgress {
                    dataset: d.name.clone(),
                    done,
                    total: self.total,
                });
            }
        }
        fill(&mut current)?;
        while current.rows > 0 {
            if self.opts.cancel.as_ref().is_some_and(|t| t.is_cancelled()) {
                return Err(ApplyError::Cancelled {
                    dataset: d.name.clone(),
                    done,
                    total: self.total,
                });
            }
            let send = async {
                match kind {
                    #[cfg(feature = "postgres")]
                    DatabaseKind::Postgres => {
                        let stmt = format!("COPY {target} ({cols}) FROM STDIN");
                        conn.copy_in(&stmt, &current.copy).await.map(|_| ())
                    }
                    _ => {
                        let one = format!("({})", vec!["?"; width].join(", "));
                        let tuples = vec![one; current.rows].join(", ");
                        let stmt = format!("INSERT INTO {target} ({cols}) VALUES {tuples}");
                        conn.execute_bound(&stmt, &current.values).await.map(|_| ())
                    }
                }
            };
            let (sent, filled) = tokio::join!(send, async { fill(&mut next) });
            sent.map_err(|source| ApplyError::Sql {
                dataset: d.name.clone(),
                action: "sending the rows",
                source,
            })?;
            filled?;
            done += current.rows as u64;
            progress(SeedProgress {
                dataset: d.name.clone(),
                done,
                total: self.total,
            });
            std::mem::swap(&mut current, &mut next);
        }
        Ok(done)
    }
}
