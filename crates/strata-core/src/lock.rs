//! The migration lock: one run at a time per database, across app instances, CLIs and deploy
//! jobs. It lives on its own connection, so it is released on every exit path: explicitly on
//! success, and by the server when the connection drops (error, panic, cancel, `kill -9`).

use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::Row as _;

use crate::dialect::DatabaseKind;
use crate::driver::session::{Conn, Session};
use crate::driver::{mysql, postgres, ConnectError};

/// Who holds the lock, as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LockHolder {
    /// PostgreSQL backend pid or MySQL connection id.
    pub server_id: String,
    /// PostgreSQL application name (Strata sets `strata <user>@<host> pid <pid>`) or MySQL user.
    pub who: String,
    /// Client host as the server sees it.
    pub host: String,
    /// Since when: PostgreSQL connection start (UTC), MySQL seconds in the current state.
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
}

/// A held migration lock. Dropping it closes its connection, which frees the lock.
pub struct MigrationLock {
    session: Option<Session>,
    mysql_name: String,
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
        let kind = DatabaseKind::from_url(url);
        if kind == Some(DatabaseKind::Sqlite) {
            // SQLite serialises writers itself (BEGIN IMMEDIATE per migration).
            return Ok(Self {
                session: None,
                mysql_name: String::new(),
            });
        }
        let mut session = Session::connect(url, timeout.max(Duration::from_secs(5))).await?;
        let target = session.target.clone();
        let sql_err = |source| LockError::Sql {
            target: target.clone(),
            source,
        };
        let mysql_name = match &mut session.conn {
            #[cfg(feature = "mysql")]
            Conn::Mysql(c) => {
                let db: String = sqlx::query_scalar(mysql::CURRENT_DATABASE)
                    .fetch_one(&mut *c)
                    .await
                    .map_err(sql_err)?;
                mysql::lock_name(&db)
            }
            #[allow(unreachable_patterns)]
            _ => String::new(),
        };
        let started = Instant::now();
        let mut told = false;
        loop {
            let got = try_lock(&mut session.conn, &mysql_name)
                .await
                .map_err(sql_err)?;
            if got {
                return Ok(Self {
                    session: Some(session),
                    mysql_name,
                });
            }
            let holder = holder(&mut session.conn, &mysql_name).await.ok().flatten();
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
            Some(Conn::Mysql(c)) => sqlx::raw_sql(&mysql::cancel(server_id))
                .execute(&mut *c)
                .await
                .map(drop),
            _ => Ok(()),
        }
    }

    /// Release the lock now and close its connection.
    pub async fn release(mut self) {
        if let Some(mut session) = self.session.take() {
            let _ = unlock(&mut session.conn, &self.mysql_name).await;
            session.close().await;
        }
    }
}

async fn try_lock(conn: &mut Conn, mysql_name: &str) -> Result<bool, sqlx::Error> {
    match conn {
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => {
            sqlx::query_scalar(postgres::TRY_LOCK)
                .bind(postgres::LOCK_KEY)
                .fetch_one(&mut *c)
                .await
        }
        #[cfg(feature = "mysql")]
        Conn::Mysql(c) => {
            let got: i64 = sqlx::query_scalar(mysql::TRY_LOCK)
                .bind(mysql_name)
                .fetch_one(&mut *c)
                .await?;
            Ok(got == 1)
        }
        #[allow(unreachable_patterns)]
        _ => Ok(true),
    }
}

async fn unlock(conn: &mut Conn, mysql_name: &str) -> Result<(), sqlx::Error> {
    match conn {
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => sqlx::query(postgres::UNLOCK)
            .bind(postgres::LOCK_KEY)
            .execute(&mut *c)
            .await
            .map(drop),
        #[cfg(feature = "mysql")]
        Conn::Mysql(c) => sqlx::query(mysql::UNLOCK)
            .bind(mysql_name)
            .execute(&mut *c)
            .await
            .map(drop),
        #[allow(unreachable_patterns)]
        _ => Ok(()),
    }
}

async fn holder(conn: &mut Conn, mysql_name: &str) -> Result<Option<LockHolder>, sqlx::Error> {
    match conn {
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => {
            let row = sqlx::query(postgres::LOCK_HOLDER)
                .bind(postgres::LOCK_KEY)
                .fetch_optional(&mut *c)
                .await?;
            row.map(|r| {
                Ok(LockHolder {
                    server_id: r.try_get::<i32, _>(0)?.to_string(),
                    who: r.try_get(1)?,
                    host: r.try_get(2)?,
                    since: r.try_get(3)?,
                })
            })
            .transpose()
        }
        #[cfg(feature = "mysql")]
        Conn::Mysql(c) => {
            let row = sqlx::query(mysql::LOCK_HOLDER)
                .bind(mysql_name)
                .fetch_optional(&mut *c)
                .await?;
            row.map(|r| {
                Ok(LockHolder {
                    server_id: r.try_get::<i64, _>(0)?.to_string(),
                    who: r.try_get(1)?,
                    host: r.try_get(2)?,
                    since: format!("{} s in its current state", r.try_get::<i64, _>(3)?),
                })
            })
            .transpose()
        }
        #[allow(unreachable_patterns)]
        _ => Ok(None),
    }
}
