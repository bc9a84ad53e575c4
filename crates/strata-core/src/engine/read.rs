//! What a host reads about one database beside its status: the event log, one history row
//! with its stored SQL, and who holds the migration lock. Each read goes over a connection
//! lent by a pool (bounded by the pool's timeout, given back) or, from a URL, over a one-off
//! pool of its own. Reading never creates anything: no table, and no SQLite file (a file that
//! does not exist has no history, and reads as empty).

use std::future::Future;
use std::time::Duration;

use super::EngineError;
use crate::driver::{ConnectError, DbPool, HistoryError, Session};
use crate::history::{AppliedMigration, Event};
use crate::lock::LockHolder;

mod rows;

/// The newest `limit` events of the database's `strata_events` log, newest first (ties by
/// insertion order); empty when the database has no Strata history. Never creates anything.
pub async fn events(url: &str, timeout: Duration, limit: u32) -> Result<Vec<Event>, EngineError> {
    let pool = DbPool::lazy(url, timeout)?;
    let read = events_pooled(&pool, limit).await;
    one_off_done(url, pool, read, Vec::new).await
}

/// [`events`] through `pool`: a connection from it, the read bounded by the pool's timeout,
/// the connection given back.
pub async fn events_pooled(pool: &DbPool, limit: u32) -> Result<Vec<Event>, EngineError> {
    lent(pool, "reading the event log", |mut session| async move {
        let read = rows::events(&mut session, limit).await;
        session.close().await;
        Ok(read?)
    })
    .await
}

/// One history row WITH its stored up and down SQL (`up_sql`, `down_sql` filled), or None
/// when `version` has no row (or the database no Strata history). Never creates anything.
pub async fn applied_migration(
    url: &str,
    timeout: Duration,
    version: &str,
) -> Result<Option<AppliedMigration>, EngineError> {
    let pool = DbPool::lazy(url, timeout)?;
    let read = applied_migration_pooled(&pool, version).await;
    one_off_done(url, pool, read, || None).await
}

/// [`applied_migration`] through `pool`.
pub async fn applied_migration_pooled(
    pool: &DbPool,
    version: &str,
) -> Result<Option<AppliedMigration>, EngineError> {
    lent(pool, "reading a history row", |mut session| async move {
        let read = rows::applied(&mut session, version).await;
        session.close().await;
        Ok(read?)
    })
    .await
}

/// Who holds the migration lock of the database right now, read without taking it
/// (PostgreSQL: `pg_locks` + `pg_stat_activity` for Strata's advisory lock key;
/// MySQL/MariaDB: `IS_USED_LOCK(lock name)` + the process list; SQLite: the `strata_lock`
/// row, ignoring a stale row whose holder process is gone exactly as the lock itself judges
/// it). None when free. Never creates anything.
pub async fn lock_holder(url: &str, timeout: Duration) -> Result<Option<LockHolder>, EngineError> {
    let pool = DbPool::lazy(url, timeout)?;
    let read = lock_holder_pooled(&pool).await;
    one_off_done(url, pool, read, || None).await
}

/// [`lock_holder`] through `pool`.
pub async fn lock_holder_pooled(pool: &DbPool) -> Result<Option<LockHolder>, EngineError> {
    const ACTION: &str = "reading who holds the migration lock";
    lent(pool, ACTION, |mut session| async move {
        let read = crate::lock::holder(&mut session).await;
        let target = session.target.clone();
        session.close().await;
        read.map_err(|source| {
            HistoryError::Sql {
                action: ACTION,
                target,
                source,
            }
            .into()
        })
    })
    .await
}

/// Run `read` on a session over a connection from `pool`: getting the connection and the read
/// are each bounded by the pool's timeout (a read cut short drops its connection, which sqlx
/// does not lend again). `read` closes the session, which gives the connection back.
async fn lent<T, F, Fut>(pool: &DbPool, action: &'static str, read: F) -> Result<T, EngineError>
where
    F: FnOnce(Session) -> Fut,
    Fut: Future<Output = Result<T, EngineError>>,
{
    let session = pool.session().await?;
    match tokio::time::timeout(pool.timeout(), read(session)).await {
        Ok(read) => read,
        Err(_) => Err(HistoryError::Timeout {
            action,
            target: pool.target().to_owned(),
            seconds: pool.timeout().as_secs(),
        }
        .into()),
    }
}

/// Close a one-off pool; a SQLite file that could not be opened because it does not exist has
/// no history, and reads as `nothing` (a pool never creates the file).
async fn one_off_done<T>(
    url: &str,
    pool: DbPool,
    read: Result<T, EngineError>,
    nothing: impl FnOnce() -> T,
) -> Result<T, EngineError> {
    pool.close().await;
    match read {
        Err(EngineError::Connect(ConnectError::Connect { .. })) if missing_sqlite_file(url) => {
            Ok(nothing())
        }
        read => read,
    }
}

/// Whether `url` names a SQLite file that does not exist.
fn missing_sqlite_file(url: &str) -> bool {
    #[cfg(feature = "sqlite")]
    if crate::DatabaseKind::from_url(url) == Some(crate::DatabaseKind::Sqlite) {
        use std::str::FromStr as _;
        return sqlx::sqlite::SqliteConnectOptions::from_str(url)
            .is_ok_and(|o| !o.get_filename().as_os_str().is_empty() && !o.get_filename().exists());
    }
    let _ = url;
    false
}
