//! The lock on a server (PostgreSQL advisory lock, MySQL/MariaDB `GET_LOCK`): the migration
//! lock on the lock's own connection, the executor lock on the connection that runs the
//! statements, and the end of an orphan: a statement the server still runs for a killed run.

use std::time::{Duration, Instant};

use sqlx::Row as _;

use super::LockHolder;
use crate::driver::session::Conn;
use crate::driver::{mysql, postgres};

/// Which of the two locks: the migration lock, or the executor's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Migration,
    Executor,
}

/// The lock names of one database (MySQL; PostgreSQL uses constant keys per database).
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    pub migration: String,
    pub executor: String,
}

impl Names {
    pub async fn read(conn: &mut Conn) -> Result<Self, sqlx::Error> {
        #[cfg(feature = "mysql")]
        if let Some(c) = as_mysql(conn) {
            let db: String = sqlx::query_scalar(mysql::CURRENT_DATABASE)
                .fetch_one(&mut *c)
                .await?;
            return Ok(Self {
                migration: mysql::lock_name(&db),
                executor: mysql::exec_lock_name(&db),
            });
        }
        let _ = conn;
        Ok(Self::default())
    }

    fn pick(&self, which: Which) -> (&str, i64) {
        match which {
            Which::Migration => (&self.migration, postgres::LOCK_KEY),
            Which::Executor => (&self.executor, postgres::EXEC_KEY),
        }
    }
}

/// The PostgreSQL connection in `conn`, its own or one lent by a pool (reading the holder
/// works on either; taking the lock only ever happens on its own).
#[cfg(feature = "postgres")]
fn as_postgres(conn: &mut Conn) -> Option<&mut sqlx::PgConnection> {
    match conn {
        Conn::Postgres(c) => Some(c),
        Conn::PostgresPooled(c) => Some(&mut **c),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The MySQL/MariaDB connection in `conn`, its own or one lent by a pool.
#[cfg(feature = "mysql")]
fn as_mysql(conn: &mut Conn) -> Option<&mut sqlx::MySqlConnection> {
    match conn {
        Conn::Mysql(c) => Some(c),
        Conn::MysqlPooled(c) => Some(&mut **c),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Take the lock if it is free, without waiting.
pub(super) async fn try_lock(
    conn: &mut Conn,
    names: &Names,
    which: Which,
) -> Result<bool, sqlx::Error> {
    let (name, key) = names.pick(which);
    match conn {
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => {
            sqlx::query_scalar(postgres::TRY_LOCK)
                .bind(key)
                .fetch_one(&mut *c)
                .await
        }
        #[cfg(feature = "mysql")]
        Conn::Mysql(c) => {
            let got: i64 = sqlx::query_scalar(mysql::TRY_LOCK)
                .bind(name)
                .fetch_one(&mut *c)
                .await?;
            Ok(got == 1)
        }
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (name, key);
            Ok(true)
        }
    }
}

pub(super) async fn unlock(conn: &mut Conn, names: &Names) -> Result<(), sqlx::Error> {
    let (name, key) = names.pick(Which::Migration);
    match conn {
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => sqlx::query(postgres::UNLOCK)
            .bind(key)
            .execute(&mut *c)
            .await
            .map(drop),
        #[cfg(feature = "mysql")]
        Conn::Mysql(c) => sqlx::query(mysql::UNLOCK)
            .bind(name)
            .execute(&mut *c)
            .await
            .map(drop),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (name, key);
            Ok(())
        }
    }
}

/// Who holds the lock, if anyone (on a connection of its own or one lent by a pool).
pub(super) async fn holder(
    conn: &mut Conn,
    names: &Names,
    which: Which,
) -> Result<Option<LockHolder>, sqlx::Error> {
    let (name, key) = names.pick(which);
    #[cfg(feature = "postgres")]
    if let Some(c) = as_postgres(conn) {
        let row = sqlx::query(postgres::LOCK_HOLDER)
            .bind(key)
            .fetch_optional(&mut *c)
            .await?;
        return row
            .map(|r| {
                Ok(LockHolder {
                    server_id: r.try_get::<i32, _>(0)?.to_string(),
                    who: r.try_get(1)?,
                    host: r.try_get(2)?,
                    since: r.try_get(3)?,
                })
            })
            .transpose();
    }
    #[cfg(feature = "mysql")]
    if let Some(c) = as_mysql(conn) {
        let row = sqlx::query(mysql::LOCK_HOLDER)
            .bind(name)
            .fetch_optional(&mut *c)
            .await?;
        return row
            .map(|r| {
                Ok(LockHolder {
                    server_id: r.try_get::<i64, _>(0)?.to_string(),
                    who: r.try_get(1)?,
                    host: r.try_get(2)?,
                    since: format!("{} s in its current state", r.try_get::<i64, _>(3)?),
                })
            })
            .transpose();
    }
    let _ = (conn, name, key);
    Ok(None)
}

/// MySQL/MariaDB: the connection id holding the lock, whether or not the process list shows
/// it to this user (`None` when the lock is free, and on PostgreSQL, whose lock table shows
/// every holder).
pub(super) async fn owner_id(
    conn: &mut Conn,
    names: &Names,
    which: Which,
) -> Result<Option<i64>, sqlx::Error> {
    #[cfg(feature = "mysql")]
    if let Some(c) = as_mysql(conn) {
        return sqlx::query_scalar(mysql::LOCK_OWNER)
            .bind(names.pick(which).0)
            .fetch_one(&mut *c)
            .await;
    }
    let _ = (conn, names, which);
    Ok(None)
}

/// Whether anyone holds the lock (a cheaper [`holder`] on MySQL/MariaDB, which needs no
/// process list).
async fn held(conn: &mut Conn, names: &Names, which: Which) -> Result<bool, sqlx::Error> {
    #[cfg(feature = "mysql")]
    if as_mysql(conn).is_some() {
        return Ok(owner_id(conn, names, which).await?.is_some());
    }
    Ok(holder(conn, names, which).await?.is_some())
}

/// How an orphan was dealt with.
pub(super) enum Orphan {
    None,
    /// It was ended and its connection is gone.
    Stopped(LockHolder),
    /// It was told to end but still holds the executor lock after `waited`.
    Alive(LockHolder, Duration),
}

/// Called with the migration lock held: a connection that still holds the executor lock
/// belongs to a run that is gone (killed, or cut off), and the server may still be running its
/// statement. End that connection (its transaction rolls back; on MySQL/MariaDB what committed
/// is in the journal) and wait, at most `limit`, until it is gone.
pub(super) async fn stop_orphan(
    conn: &mut Conn,
    names: &Names,
    limit: Duration,
) -> Result<Orphan, sqlx::Error> {
    let Some(orphan) = holder(conn, names, Which::Executor).await? else {
        // MySQL: the process list may not show it (another user's), though it holds the lock.
        if held(conn, names, Which::Executor).await? {
            return Err(sqlx::Error::Protocol(
                "the executor lock is held by a connection this user cannot see".into(),
            ));
        }
        return Ok(Orphan::None);
    };
    let id: i64 = orphan.server_id.parse().unwrap_or_default();
    tracing::warn!(holder = %orphan, "a run that is gone left a statement running; ending it");
    match conn {
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => {
            sqlx::query(postgres::TERMINATE)
                .bind(id)
                .execute(&mut *c)
                .await?;
        }
        #[cfg(feature = "mysql")]
        Conn::Mysql(c) => {
            match sqlx::raw_sql(crate::driver::trusted(mysql::kill_connection(id)))
                .execute(&mut *c)
                .await
            {
                Ok(_) => {}
                // Error 1094, "Unknown thread id": it ended meanwhile.
                Err(e) if e.to_string().contains("Unknown thread id") => {}
                Err(e) => return Err(e),
            }
        }
        #[allow(unreachable_patterns)]
        _ => {}
    }
    let started = Instant::now();
    while held(conn, names, Which::Executor).await? {
        if started.elapsed() >= limit {
            return Ok(Orphan::Alive(orphan, started.elapsed()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(Orphan::Stopped(orphan))
}
