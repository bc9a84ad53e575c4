//! A connection to a target database with the dialect's history operations. Every history
//! query goes through here; the SQL itself lives in the dialect files.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::{Connection as _, Row as _};

mod conn;
mod literals;

pub(crate) use conn::{on_conn, Conn};
pub(crate) use literals::Literals;

use super::{mysql, postgres, sqlite, trusted, ConnectError};
use crate::dialect::DatabaseKind;
use crate::history::{AppliedMigration, AppliedState, Event, HISTORY_FORMAT};

/// What went wrong talking to the database, with the server's message kept whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    #[error("{action} failed on {target}: {source}")]
    Sql {
        action: &'static str,
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("{action} on {target} got no answer within {seconds} s. Check that the server is up and not overloaded, then try again.")]
    Timeout {
        action: &'static str,
        target: String,
        seconds: u64,
    },
    #[error("{target} holds history format {found}, written by a newer Strata (this one writes format {HISTORY_FORMAT}). Upgrade Strata; nothing was changed.")]
    NewerFormat { target: String, found: i64 },
    #[error("{target}: the history row for {version} has state '{state}', which this Strata does not know. Upgrade Strata; nothing was changed.")]
    UnknownState {
        target: String,
        version: String,
        state: String,
    },
    #[error("{target}: an event in strata_events has {column} '{value}', which this Strata does not know. Upgrade Strata to read the log; nothing was changed.")]
    UnknownEventValue {
        target: String,
        column: &'static str,
        value: String,
    },
}

/// An open connection to the database a plan runs against.
pub struct Session {
    pub(crate) conn: Conn,
    pub(crate) kind: DatabaseKind,
    /// The URL with its password redacted, for messages.
    pub target: String,
    /// SQLite: the journal mode the file had before a run switched it to WAL, put back on close.
    restore_journal: Option<String>,
}

/// A multi-statement text that stopped at an error, and how many of its statements completed
/// before it (the servers run such a text in order and stop at the first error).
#[derive(Debug)]
pub(crate) struct BatchFailure {
    pub completed: usize,
    pub error: sqlx::Error,
}

impl Session {
    /// Connect to `url`. SQLite files are created when missing (applying the first migration
    /// to a new file is how a SQLite project starts). PostgreSQL connections carry the actor
    /// and pid as their application name, so a lock holder can be named.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Self, ConnectError> {
        let target = super::redact_url(url);
        let kind = DatabaseKind::from_url(url).ok_or_else(|| ConnectError::UnknownScheme {
            target: target.clone(),
        })?;
        let err = |source| ConnectError::Connect {
            kind,
            target: target.clone(),
            source,
        };
        let connecting = async {
            Ok::<Conn, sqlx::Error>(match kind {
                #[cfg(feature = "postgres")]
                DatabaseKind::Postgres => {
                    let name = format!(
                        "strata {} pid {}",
                        crate::clock::actor(),
                        std::process::id()
                    );
                    let opts =
                        sqlx::postgres::PgConnectOptions::from_str(url)?.application_name(&name);
                    Conn::Postgres(sqlx::PgConnection::connect_with(&opts).await?)
                }
                #[cfg(feature = "mysql")]
                DatabaseKind::Mysql => Conn::Mysql(sqlx::MySqlConnection::connect(url).await?),
                #[cfg(feature = "sqlite")]
                DatabaseKind::Sqlite => {
                    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                        .create_if_missing(true)
                        .busy_timeout(Duration::from_secs(60));
                    Conn::Sqlite(sqlx::SqliteConnection::connect_with(&opts).await?)
                }
                #[allow(unreachable_patterns)]
                _ => return Err(sqlx::Error::Configuration("driver not compiled in".into())),
            })
        };
        let conn = tokio::time::timeout(timeout, connecting)
            .await
            .map_err(|_| ConnectError::Timeout {
                kind,
                target: target.clone(),
                seconds: timeout.as_secs(),
            })?
            .map_err(err)?;
        Ok(Self {
            conn,
            kind,
            target,
            restore_journal: None,
        })
    }

    /// A session over a connection lent by a pool, for reads only: the migration lock and
    /// runs take their own connection ([`Session::connect`]). [`Session::close`] gives it back.
    pub(crate) fn lent(conn: Conn, kind: DatabaseKind, target: String) -> Self {
        Self {
            conn,
            kind,
            target,
            restore_journal: None,
        }
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// Run SQL text as the server receives it (simple/text protocol: any statement, no
    /// parameters). Returns the rows affected.
    pub async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        on_conn!(&mut self.conn, c => Ok(sqlx::raw_sql(trusted(sql)).execute(&mut *c).await?.rows_affected()))
    }

    /// Run a text of one or more statements in one round trip (simple/text protocol) and return
    /// the rows affected by each statement. On an error, how many statements completed first.
    pub(crate) async fn execute_batch(&mut self, sql: &str) -> Result<Vec<u64>, BatchFailure> {
        let mut done = Vec::new();
        self.execute_batch_each(sql, |rows| done.push(rows))
            .await
            .map(|()| done)
    }

    /// [`Session::execute_batch`], telling `completed` the rows affected by each statement as
    /// its result arrives (the server sends each one when the statement ends).
    pub(crate) async fn execute_batch_each(
        &mut self,
        sql: &str,
        mut completed: impl FnMut(u64) + Send,
    ) -> Result<(), BatchFailure> {
        use futures_util::StreamExt as _;
        use sqlx::Either;
        on_conn!(&mut self.conn, c => {
            let mut count = 0;
            let mut results = sqlx::raw_sql(trusted(sql)).fetch_many(&mut *c);
            while let Some(item) = results.next().await {
                match item {
                    Ok(Either::Left(r)) => {
                        count += 1;
                        completed(r.rows_affected());
                    }
                    Ok(Either::Right(_)) => {}
                    Err(error) => return Err(BatchFailure { completed: count, error }),
                }
            }
            Ok(())
        })
    }

    /// SQLite: take the write lock and re-read whether `version` is applied, in one call.
    pub(crate) async fn begin_checked(&mut self, version: &str) -> Result<bool, sqlx::Error> {
        let sql = sqlite::begin_checked(&sqlite::quote(version));
        let n: i64 = on_conn!(&mut self.conn, c => {
            let row = sqlx::raw_sql(trusted(sql)).fetch_one(&mut *c).await?;
            row.try_get(0)?
        });
        Ok(n > 0)
    }

    /// Get the connection ready for a run that changes the database. SQLite: write-ahead
    /// logging for the run (a commit syncs the log once instead of syncing a rollback journal
    /// and the file; `synchronous` stays as configured, FULL by default, so a committed
    /// migration survives a power cut). The file's own journal mode is put back by
    /// [`Session::close`]. Best effort: another connection can keep the mode from changing
    /// (SQLite answers "database is locked" at once), and the run then goes on in the mode the
    /// file has. A run that is killed leaves the file in WAL mode, which any SQLite since 3.7
    /// reads.
    pub async fn prepare_run(&mut self) -> Result<(), HistoryError> {
        #[cfg(feature = "sqlite")]
        if let Conn::Sqlite(c) = &mut self.conn {
            let switch = async {
                let before: String = sqlx::query_scalar(sqlite::JOURNAL_MODE)
                    .fetch_one(&mut *c)
                    .await?;
                let rollback_journal = ["delete", "truncate", "persist"]
                    .iter()
                    .any(|m| before.eq_ignore_ascii_case(m));
                if !rollback_journal {
                    return Ok(None);
                }
                let now: String = sqlx::query_scalar(sqlite::WAL).fetch_one(&mut *c).await?;
                Ok::<_, sqlx::Error>(now.eq_ignore_ascii_case("wal").then_some(before))
            };
            match switch.await {
                Ok(restore) => self.restore_journal = restore,
                Err(e) => {
                    tracing::debug!(target = %self.target, error = %e, "the SQLite file keeps its journal mode for this run")
                }
            }
        }
        Ok(())
    }

    /// One integer read back, e.g. a `COUNT(*)`.
    pub async fn scalar_i64(&mut self, sql: &str) -> Result<i64, sqlx::Error> {
        on_conn!(&mut self.conn, c => sqlx::query_scalar(trusted(sql)).fetch_one(&mut *c).await)
    }

    /// One text value read back, e.g. a `SHOW` setting.
    pub(crate) async fn scalar_text(&mut self, sql: &str) -> Result<String, sqlx::Error> {
        on_conn!(&mut self.conn, c => sqlx::query_scalar(trusted(sql)).fetch_one(&mut *c).await)
    }

    pub async fn begin(&mut self) -> Result<(), sqlx::Error> {
        let sql = match self.kind {
            DatabaseKind::Sqlite => sqlite::BEGIN_EXCLUSIVE,
            _ => "BEGIN",
        };
        self.execute(sql).await.map(drop)
    }

    pub async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.execute("COMMIT").await.map(drop)
    }

    pub async fn rollback(&mut self) -> Result<(), sqlx::Error> {
        self.execute("ROLLBACK").await.map(drop)
    }

    /// Whether Strata's history tables exist (reading never creates them).
    pub async fn history_exists(&mut self) -> Result<bool, HistoryError> {
        let target = self.target.clone();
        // Simple protocol: one round trip, nothing prepared.
        let exists: bool = on_conn!(&mut self.conn, c, q = HISTORY_EXISTS => {
            let row = sqlx::raw_sql(q).fetch_one(&mut *c).await;
            row.and_then(|r| r.try_get::<bool, _>(0))
        })
        .map_err(|source| HistoryError::Sql {
            action: "looking for the history tables",
            target,
            source,
        })?;
        Ok(exists)
    }

    /// Create the history tables when missing; refuse a format newer than this build's.
    pub async fn ensure_history(&mut self) -> Result<(), HistoryError> {
        let target = self.target.clone();
        let sql_err = |source| HistoryError::Sql {
            action: "creating the history tables",
            target: target.clone(),
            source,
        };
        let ddls: &[&str] = match self.kind {
            DatabaseKind::Mysql => mysql::CREATE_HISTORY,
            DatabaseKind::Postgres => &[postgres::CREATE_HISTORY],
            DatabaseKind::Sqlite => &[sqlite::CREATE_HISTORY],
        };
        for ddl in ddls {
            on_conn!(&mut self.conn, c => sqlx::raw_sql(*ddl).execute(&mut *c).await.map(drop))
                .map_err(sql_err)?;
        }
        self.check_format().await
    }

    /// Refuse history tables written in a newer format (the tables must exist).
    pub(crate) async fn check_format(&mut self) -> Result<(), HistoryError> {
        let target = self.target.clone();
        let value: Option<String> = on_conn!(&mut self.conn, c, q = READ_FORMAT => sqlx::query_scalar(q).fetch_optional(&mut *c).await)
            .map_err(|source| HistoryError::Sql { action: "reading the history format", target: target.clone(), source })?;
        Self::refuse_newer(&target, value)
    }

    fn refuse_newer(target: &str, value: Option<String>) -> Result<(), HistoryError> {
        let found = value
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(HISTORY_FORMAT);
        if found > HISTORY_FORMAT {
            return Err(HistoryError::NewerFormat {
                target: target.to_owned(),
                found,
            });
        }
        Ok(())
    }

    /// Every row of `strata_migrations`, with the SQL stored at apply time; empty when the
    /// tables do not exist yet.
    pub async fn read_history(&mut self) -> Result<Vec<AppliedMigration>, HistoryError> {
        self.read_rows(true).await
    }

    /// Every row of `strata_migrations` without the stored SQL (`up_sql` empty, `down_sql`
    /// `None`): what a status or a plan needs, without carrying every migration's text.
    pub async fn read_history_without_sql(
        &mut self,
    ) -> Result<Vec<AppliedMigration>, HistoryError> {
        self.read_rows(false).await
    }

    /// Two round trips whatever the history's size: whether the tables exist, then the format
    /// and the rows in one text.
    async fn read_rows(&mut self, with_sql: bool) -> Result<Vec<AppliedMigration>, HistoryError> {
        if !self.history_exists().await? {
            return Ok(Vec::new());
        }
        let target = self.target.clone();
        let sql_columns = if with_sql { ", up_sql, down_sql" } else { "" };
        let format_query = match self.kind {
            DatabaseKind::Postgres => postgres::READ_FORMAT,
            DatabaseKind::Mysql => mysql::READ_FORMAT,
            DatabaseKind::Sqlite => sqlite::READ_FORMAT,
        };
        let columns = format!("version, name, checksum, applied_at, applied_by, execution_ms, state, statements_total, statements_committed{sql_columns}");
        // SQLite hands each row from its worker thread to this one, a wake-up every few rows:
        // there the rows come as one JSON array in one value (5,000 rows: one hand-over, not
        // a thousand).
        let text = match self.kind {
            DatabaseKind::Sqlite => format!(
                "{format_query};\nSELECT json_group_array(json_array({columns}{})), 0 FROM strata_migrations",
                // Each element has every column of a row, the SQL's place kept when not read.
                if with_sql { "" } else { ", '', NULL" }
            ),
            _ => format!("{format_query};\nSELECT {columns} FROM strata_migrations"),
        };
        let (format, raws): (Option<String>, Vec<Raw>) = on_conn!(&mut self.conn, c => {
            let rows = sqlx::raw_sql(trusted(text)).fetch_all(&mut *c).await;
            rows.and_then(|rows| {
                let mut format = None;
                let mut raws = Vec::with_capacity(rows.len());
                for r in &rows {
                    if r.len() == 1 {
                        format = r.try_get::<Option<String>, _>(0)?;
                        continue;
                    }
                    if r.len() == 2 {
                        let json: String = r.try_get(0)?;
                        raws = serde_json::from_str(&json)
                            .map_err(|e| sqlx::Error::Decode(e.into()))?;
                        continue;
                    }
                    let (up_sql, down_sql) = if with_sql {
                        (r.try_get::<String, _>(9)?, r.try_get::<Option<String>, _>(10)?)
                    } else {
                        (String::new(), None)
                    };
                    raws.push((
                        r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?,
                        r.try_get(5)?, r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, up_sql, down_sql,
                    ));
                }
                Ok((format, raws))
            })
        })
        .map_err(|source| HistoryError::Sql { action: "reading the history", target: target.clone(), source })?;
        Self::refuse_newer(&target, format)?;
        raws.into_iter()
            .map(
                |(
                    version,
                    name,
                    checksum,
                    applied_at,
                    applied_by,
                    execution_ms,
                    state,
                    total,
                    committed,
                    up_sql,
                    down_sql,
                )| {
                    let state =
                        AppliedState::parse(&state).ok_or_else(|| HistoryError::UnknownState {
                            target: target.clone(),
                            version: version.clone(),
                            state: state.clone(),
                        })?;
                    Ok(AppliedMigration {
                        version,
                        name,
                        checksum,
                        up_sql,
                        down_sql,
                        applied_at,
                        applied_by,
                        execution_ms,
                        state,
                        statements_total: total,
                        statements_committed: committed,
                    })
                },
            )
            .collect()
    }

    /// Whether `version` has a history row (read inside the run's transaction on SQLite).
    pub async fn is_applied(&mut self, version: &str) -> Result<bool, sqlx::Error> {
        let n: i64 = on_conn!(&mut self.conn, c, q = IS_APPLIED => sqlx::query_scalar(q).bind(version).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    pub async fn insert_applied(&mut self, m: &AppliedMigration) -> Result<(), sqlx::Error> {
        on_conn!(&mut self.conn, c, q = INSERT_APPLIED => sqlx::query(q)
            .bind(&m.version).bind(&m.name).bind(&m.checksum).bind(&m.up_sql).bind(&m.down_sql)
            .bind(&m.applied_at).bind(&m.applied_by).bind(m.execution_ms).bind(m.state.as_str())
            .bind(m.statements_total).bind(m.statements_committed)
            .execute(&mut *c).await.map(drop))?;
        Ok(())
    }

    pub async fn update_progress(
        &mut self,
        version: &str,
        committed: i32,
        state: AppliedState,
        execution_ms: i64,
    ) -> Result<(), sqlx::Error> {
        on_conn!(&mut self.conn, c, q = UPDATE_PROGRESS => sqlx::query(q)
            .bind(committed).bind(state.as_str()).bind(execution_ms).bind(version)
            .execute(&mut *c).await.map(drop))?;
        Ok(())
    }

    /// A rollback outside a transaction journals its progress: `committed` of the down part's
    /// `total` statements committed, and the row says `partial_rollback` until the last one
    /// removes it. (`statements_total` then counts the down part's statements, so "k of n"
    /// reads true for the rollback.)
    pub async fn journal_rollback(
        &mut self,
        version: &str,
        committed: i32,
        total: i32,
    ) -> Result<(), sqlx::Error> {
        let state = AppliedState::PartialRollback.as_str();
        let lit = Literals::new(self.kind, [version, state]);
        let sql = format!(
            "UPDATE strata_migrations SET statements_committed = {committed}, statements_total = {total}, state = {} WHERE version = {}",
            lit.text(state),
            lit.text(version)
        );
        self.execute(&sql).await.map(drop)
    }

    pub async fn delete_applied(&mut self, version: &str) -> Result<(), sqlx::Error> {
        on_conn!(&mut self.conn, c, q = DELETE_APPLIED => sqlx::query(q).bind(version).execute(&mut *c).await.map(drop))?;
        Ok(())
    }

    pub async fn insert_event(&mut self, e: &Event) -> Result<(), sqlx::Error> {
        on_conn!(&mut self.conn, c, q = INSERT_EVENT => sqlx::query(q)
            .bind(&e.run_id).bind(&e.at).bind(e.kind.as_str()).bind(&e.version).bind(&e.name)
            .bind(e.outcome.as_str()).bind(e.duration_ms).bind(&e.error).bind(&e.detail).bind(&e.actor)
            .execute(&mut *c).await.map(drop))?;
        Ok(())
    }

    /// The server's id for this connection (PostgreSQL backend pid, MySQL connection id), used
    /// to cancel a running statement from another connection. SQLite has none.
    pub async fn backend_id(&mut self) -> Result<Option<i64>, sqlx::Error> {
        let sql = match self.kind {
            DatabaseKind::Postgres => postgres::BACKEND_ID,
            DatabaseKind::Mysql => mysql::BACKEND_ID,
            DatabaseKind::Sqlite => return Ok(None),
        };
        on_conn!(&mut self.conn, c => sqlx::query_scalar(sql).fetch_one(&mut *c).await).map(Some)
    }

    /// Close the connection; on SQLite, first put back the journal mode a run changed. (That
    /// needs no other connection to the file; if one is open, the file stays in WAL mode.)
    pub async fn close(mut self) {
        if let Some(mode) = self.restore_journal.take() {
            if let Some(sql) = sqlite::set_journal_mode(&mode) {
                if let Err(e) = self.execute(&sql).await {
                    tracing::warn!(target = %self.target, error = %e, "the SQLite file stays in WAL mode");
                }
            }
        }
        match self.conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => drop(c.close().await),
            #[cfg(feature = "mysql")]
            Conn::Mysql(c) => drop(c.close().await),
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(c) => drop(c.close().await),
            // A lent connection goes back to its pool.
            #[allow(unreachable_patterns)]
            pooled => drop(pooled),
        }
    }
}

impl Session {
    /// [`Session::close`], except that a SQLite connection that has nothing to put back is
    /// closed by its own worker thread without this one waiting: closing frees the parsed
    /// schema, milliseconds for a database of thousands of tables, and a reader that is about
    /// to exit need not wait for it (a read-only connection leaves nothing to finish).
    pub async fn close_without_waiting(self) {
        #[cfg(feature = "sqlite")]
        if self.restore_journal.is_none() && matches!(self.conn, Conn::Sqlite(_)) {
            drop(self);
            return;
        }
        self.close().await
    }
}

/// A history row as read: version, name, checksum, applied_at, applied_by, execution_ms, state,
/// statements_total, statements_committed, up_sql (empty when not read), down_sql.
type Raw = (
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    i32,
    i32,
    String,
    Option<String>,
);
