//! A connection to a target database with the dialect's history operations. Every history
//! query goes through here; the SQL itself lives in the dialect files.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::{Connection as _, Row as _};

use super::{mysql, postgres, sqlite, ConnectError};
use crate::dialect::DatabaseKind;
use crate::history::{AppliedMigration, AppliedState, Event, HISTORY_FORMAT};

pub(crate) enum Conn {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgConnection),
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqliteConnection),
}

/// Run `$body` with `$c` bound to the concrete connection, and pick the dialect's SQL
/// constant `$name` into `$sql` when given.
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres($c) => $body,
            #[cfg(feature = "mysql")]
            Conn::Mysql($c) => $body,
            #[cfg(feature = "sqlite")]
            Conn::Sqlite($c) => $body,
        }
    };
    ($conn:expr, $c:ident, $sql:ident = $name:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres($c) => {
                let $sql = postgres::$name;
                $body
            }
            #[cfg(feature = "mysql")]
            Conn::Mysql($c) => {
                let $sql = mysql::$name;
                $body
            }
            #[cfg(feature = "sqlite")]
            Conn::Sqlite($c) => {
                let $sql = sqlite::$name;
                $body
            }
        }
    };
}

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
    #[error("{target} holds history format {found}, written by a newer Strata (this one writes format {HISTORY_FORMAT}). Upgrade Strata; nothing was changed.")]
    NewerFormat { target: String, found: i64 },
    #[error("{target}: the history row for {version} has state '{state}', which this Strata does not know. Upgrade Strata; nothing was changed.")]
    UnknownState {
        target: String,
        version: String,
        state: String,
    },
}

/// An open connection to the database a plan runs against.
pub struct Session {
    pub(crate) conn: Conn,
    pub(crate) kind: DatabaseKind,
    /// The URL with its password redacted, for messages.
    pub target: String,
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
        Ok(Self { conn, kind, target })
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// Run SQL text as the server receives it (simple/text protocol: any statement, no
    /// parameters). Returns the rows affected.
    pub async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        on_conn!(&mut self.conn, c => Ok(sqlx::raw_sql(sql).execute(&mut *c).await?.rows_affected()))
    }

    /// One integer read back, e.g. a `COUNT(*)`.
    pub async fn scalar_i64(&mut self, sql: &str) -> Result<i64, sqlx::Error> {
        on_conn!(&mut self.conn, c => sqlx::query_scalar(sql).fetch_one(&mut *c).await)
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
        let exists: bool = on_conn!(&mut self.conn, c, q = HISTORY_EXISTS => sqlx::query_scalar(q).fetch_one(&mut *c).await)
            .map_err(|source| HistoryError::Sql { action: "looking for the history tables", target, source })?;
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
        match &mut self.conn {
            #[cfg(feature = "mysql")]
            Conn::Mysql(c) => {
                for ddl in mysql::CREATE_HISTORY {
                    sqlx::raw_sql(ddl).execute(&mut *c).await.map_err(sql_err)?;
                }
            }
            #[allow(unreachable_patterns)]
            conn => {
                let ddl = if self.kind == DatabaseKind::Postgres {
                    postgres::CREATE_HISTORY
                } else {
                    sqlite::CREATE_HISTORY
                };
                on_conn!(conn, c => sqlx::raw_sql(ddl).execute(&mut *c).await.map(drop))
                    .map_err(sql_err)?;
            }
        }
        self.check_format().await
    }

    async fn check_format(&mut self) -> Result<(), HistoryError> {
        let target = self.target.clone();
        let value: Option<String> = on_conn!(&mut self.conn, c, q = READ_FORMAT => sqlx::query_scalar(q).fetch_optional(&mut *c).await)
            .map_err(|source| HistoryError::Sql { action: "reading the history format", target: target.clone(), source })?;
        let found = value
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(HISTORY_FORMAT);
        if found > HISTORY_FORMAT {
            return Err(HistoryError::NewerFormat { target, found });
        }
        Ok(())
    }

    /// Every row of `strata_migrations`; empty when the tables do not exist yet.
    pub async fn read_history(&mut self) -> Result<Vec<AppliedMigration>, HistoryError> {
        if !self.history_exists().await? {
            return Ok(Vec::new());
        }
        self.check_format().await?;
        let target = self.target.clone();
        let rows: Vec<AppliedMigration> = on_conn!(&mut self.conn, c, q = READ_HISTORY => {
            let rows = sqlx::query(q).fetch_all(&mut *c).await;
            rows.and_then(|rows| rows.iter().map(|r| {
                Ok((
                    r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?, r.try_get::<String, _>(2)?,
                    r.try_get::<String, _>(3)?, r.try_get::<Option<String>, _>(4)?, r.try_get::<String, _>(5)?,
                    r.try_get::<String, _>(6)?, r.try_get::<i64, _>(7)?, r.try_get::<String, _>(8)?,
                    r.try_get::<i32, _>(9)?, r.try_get::<i32, _>(10)?,
                ))
            }).collect::<Result<Vec<_>, sqlx::Error>>())
        })
        .map_err(|source| HistoryError::Sql { action: "reading the history", target: target.clone(), source })?
        .into_iter()
        .map(|(version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, total, committed)| {
            let state = AppliedState::parse(&state).ok_or_else(|| HistoryError::UnknownState {
                target: target.clone(),
                version: version.clone(),
                state: state.clone(),
            })?;
            Ok(AppliedMigration { version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total: total, statements_committed: committed })
        })
        .collect::<Result<_, HistoryError>>()?;
        Ok(rows)
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
        Ok(match &mut self.conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => Some(
                sqlx::query_scalar(postgres::BACKEND_ID)
                    .fetch_one(&mut *c)
                    .await?,
            ),
            #[cfg(feature = "mysql")]
            Conn::Mysql(c) => Some(
                sqlx::query_scalar(mysql::BACKEND_ID)
                    .fetch_one(&mut *c)
                    .await?,
            ),
            #[allow(unreachable_patterns)]
            _ => None,
        })
    }

    pub async fn close(self) {
        let _ = on_conn!(self.conn, c => c.close().await);
    }
}
