//! The migration lock: one run at a time per database, across app instances, CLIs and deploy
//! jobs. On a server it lives on its own connection, so it is released on every exit path:
//! explicitly on success, and by the server when the connection drops (error, panic, cancel,
//! `kill -9`). Taking it also ends what a dead run left running (`server::stop_orphan`), so
//! the history a run reads under the lock is final. On SQLite it is a row naming its holder
//! (`sqlite`), taken over when that holder is gone.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dialect::DatabaseKind;
use crate::driver::session::{Conn, Session};
use crate::driver::{mysql, postgres, ConnectError};

mod cancel;
mod read;
mod server;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use cancel::CancelToken;
pub(crate) use read::holder;
use server::{Names, Orphan, Which};

/// Who holds the lock, as the server (or SQLite's lock row) reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LockHolder {
    /// PostgreSQL backend pid, MySQL connection id, or on SQLite the holder's process id.
    pub server_id: String,
    /// PostgreSQL application name and SQLite holder (Strata writes `strata <user>@<host> pid
    /// <pid>`) or MySQL user.
    pub who: String,
    /// Client host as the server sees it; on SQLite the holder's host name.
    pub host: String,
    /// Since when: PostgreSQL connection start and SQLite lock time (UTC), MySQL seconds in
    /// the current state.
    pub since: String,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} from {} (server id {}, since {})",
            self.who, self.host, self.server_id, self.since
        )
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("another migration run holds the lock on {target}: {}. Waited {waited_s:.1} s. Wait for it to finish, or stop it, then run again.", holder.as_ref().map(|h| h.to_string()).unwrap_or_else(|| "its holder could not be read".into()))]
    Timeout {
        target: String,
        waited_s: f64,
        holder: Option<LockHolder>,
    },
    #[error("taking the migration lock on {target} failed: {source}")]
    Sql {
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("a run that is gone left a statement running on {target} ({holder}), and it was still running {waited_s:.1} s after Strata ended its connection; it may still commit. Nothing was run. Wait for it to end (or end it on the server: PostgreSQL `SELECT pg_terminate_backend({})`, MySQL/MariaDB `KILL {}`), then run again.", holder.server_id, holder.server_id)]
    OrphanAlive {
        target: String,
        holder: LockHolder,
        waited_s: f64,
    },
    #[error("the connection that runs the migrations on {target} could not take the executor lock: {} holds it without holding the migration lock (a Strata older than this one?). Nothing was run. Stop that run, then run again.", holder.as_ref().map(|h| h.to_string()).unwrap_or_else(|| "a connection that could not be named".into()))]
    ExecutorBusy {
        target: String,
        holder: Option<LockHolder>,
    },
}

/// How long a run waits for a dead run's statement to end once its connection was ended.
const ORPHAN_LIMIT: Duration = Duration::from_secs(10);

/// A held migration lock. Dropping it closes its connection, which frees the lock (on SQLite
/// the row no longer counts as held by this process at once, and is deleted on a thread).
pub struct MigrationLock {
    session: Option<Session>,
    names: Names,
    /// SQLite: the run id written in the lock row.
    run_id: String,
    /// The server id of the connection running the statements, once guarded.
    executor: Option<i64>,
    /// What taking the lock had to clear up after a run that is gone.
    recovered: Option<String>,
}

const POLL: Duration = Duration::from_millis(200);

impl MigrationLock {
    /// Take the lock for the database at `url`, waiting at most `timeout`. `waiting` is called
    /// once with the holder when the first attempt finds the lock taken.
    pub async fn acquire(
        url: &str,
        timeout: Duration,
        mut waiting: impl FnMut(Option<&LockHolder>),
    ) -> Result<Self, LockError> {
        let mut session = Session::connect(url, timeout.max(Duration::from_secs(5))).await?;
        let mut lock = Self {
            session: None,
            names: Names::default(),
            run_id: crate::history::new_run_id(),
            executor: None,
            recovered: None,
        };
        #[cfg(feature = "sqlite")]
        if session.kind() == DatabaseKind::Sqlite {
            let from = sqlite::acquire(&mut session, &lock.run_id, timeout, &mut waiting).await?;
            lock.recovered = from.map(|h| {
                tracing::warn!(holder = %h, "took over the SQLite migration lock of a run that is gone");
                format!("took over the migration lock of a run that is gone: {h}")
            });
            lock.session = Some(session);
            return Ok(lock);
        }
        let target = session.target.clone();
        let sql_err = |source| LockError::Sql {
            target: target.clone(),
            source,
        };
        lock.names = Names::read(&mut session.conn).await.map_err(sql_err)?;
        let started = Instant::now();
        let mut told = false;
        loop {
            let got = server::try_lock(&mut session.conn, &lock.names, Which::Migration)
                .await
                .map_err(sql_err)?;
            if got {
                break;
            }
            let holder = server::holder(&mut session.conn, &lock.names, Which::Migration)
                .await
                .ok()
                .flatten();
            if !told {
                waiting(holder.as_ref());
                told = true;
            }
            if started.elapsed() >= timeout {
                return Err(LockError::Timeout {
                    target,
                    waited_s: started.elapsed().as_secs_f64(),
                    holder,
                });
            }
            tokio::time::sleep(POLL).await;
        }
        match server::stop_orphan(&mut session.conn, &lock.names, ORPHAN_LIMIT)
            .await
            .map_err(sql_err)?
        {
            Orphan::None => {}
            Orphan::Stopped(h) => {
                lock.recovered = Some(format!(
                    "ended the statement a run that is gone had left running ({h}); the history shows what it committed"
                ));
            }
            Orphan::Alive(holder, waited) => {
                return Err(LockError::OrphanAlive {
                    target,
                    holder,
                    waited_s: waited.as_secs_f64(),
                })
            }
        }
        lock.session = Some(session);
        Ok(lock)
    }

    /// What taking the lock cleared up after a run that is gone (a statement it left running,
    /// a SQLite lock row it left behind), for the run's report.
    pub fn recovered(&self) -> Option<&str> {
        self.recovered.as_deref()
    }

    /// Mark `session` as the one that runs this run's statements: it takes the executor lock,
    /// which it holds until it closes, so that if this process dies mid-statement the next run
    /// finds the orphan and ends it; and it is the connection [`MigrationLock::cancel_executor`]
    /// cancels. PostgreSQL 14+ also checks every second that the client is still there.
    pub async fn guard(&mut self, session: &mut Session) -> Result<(), LockError> {
        if self.session.is_none() || session.kind() == DatabaseKind::Sqlite {
            return Ok(());
        }
        let target = session.target.clone();
        let sql_err = |source| LockError::Sql {
            target: target.clone(),
            source,
        };
        let got = server::try_lock(&mut session.conn, &self.names, Which::Executor)
            .await
            .map_err(sql_err)?;
        if !got {
            let holder = server::holder(&mut session.conn, &self.names, Which::Executor)
                .await
                .ok()
                .flatten();
            return Err(LockError::ExecutorBusy { target, holder });
        }
        if session.kind() == DatabaseKind::Postgres {
            if let Err(e) = session.execute(postgres::CONNECTION_CHECK).await {
                tracing::debug!(error = %e, "client_connection_check_interval is not available");
            }
        }
        self.executor = session.backend_id().await.map_err(sql_err)?;
        Ok(())
    }

    /// Cancel the statement running on the guarded connection, if any (PostgreSQL
    /// `pg_cancel_backend`, MySQL `KILL QUERY`). `false` when there is none to cancel (SQLite).
    pub async fn cancel_executor(&mut self) -> Result<bool, sqlx::Error> {
        match self.executor {
            Some(id) => self.cancel(id).await.map(|()| true),
            None => Ok(false),
        }
    }

    /// Ask the server to cancel the statement running on the connection with `server_id`
    /// (the executor's), from the lock's own connection.
    pub async fn cancel(&mut self, server_id: i64) -> Result<(), sqlx::Error> {
        match self.session.as_mut().map(|s| &mut s.conn) {
            #[cfg(feature = "postgres")]
            Some(Conn::Postgres(c)) => sqlx::query(postgres::CANCEL)
                .bind(server_id)
                .execute(&mut *c)
                .await
                .map(drop),
            #[cfg(feature = "mysql")]
            Some(Conn::Mysql(c)) => sqlx::raw_sql(crate::driver::trusted(mysql::cancel(server_id)))
                .execute(&mut *c)
                .await
                .map(drop),
            _ => Ok(()),
        }
    }

    /// Release the lock now and close its connection.
    pub async fn release(mut self) {
        if let Some(mut session) = self.session.take() {
            #[cfg(feature = "sqlite")]
            if session.kind() == DatabaseKind::Sqlite {
                if let Err(e) = sqlite::release(&mut session, &self.run_id).await {
                    tracing::warn!(target = %session.target, error = %e, "the SQLite lock row could not be deleted; the next run on this host takes it over");
                }
            }
            if session.kind() != DatabaseKind::Sqlite {
                let _ = server::unlock(&mut session.conn, &self.names).await;
            }
            session.close().await;
        }
    }
}

impl Drop for MigrationLock {
    fn drop(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        // A server lock goes with its connection. A SQLite row stays until deleted: this
        // process stops counting it as held at once (its next run takes it over), and the
        // row is deleted when the runtime gets to it.
        #[cfg(feature = "sqlite")]
        if session.kind() == DatabaseKind::Sqlite {
            sqlite::forget(&self.run_id);
            let run_id = std::mem::take(&mut self.run_id);
            let mut session = session;
            // On a thread of its own: a drop cannot wait, and may happen outside a runtime.
            let _ = std::thread::Builder::new()
                .name("strata-lock-release".into())
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(runtime) = runtime {
                        runtime.block_on(async {
                            let _ = sqlite::release(&mut session, &run_id).await;
                            session.close().await;
                        });
                    }
                });
            return;
        }
        drop(session);
    }
}
