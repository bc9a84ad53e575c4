//! Who holds the migration lock, read without taking it or waiting for it: the same holder
//! query a waiting run names the holder with, on any connection (a pooled one too). Reading
//! creates nothing.

use super::server::{self, Names, Which};
use super::LockHolder;
use crate::dialect::DatabaseKind;
use crate::driver::session::Session;

/// The holder of the migration lock of `session`'s database, `None` when it is free.
/// PostgreSQL: the advisory lock in `pg_locks`, named from `pg_stat_activity`. MySQL/MariaDB:
/// `IS_USED_LOCK` of the database's lock name, named from the process list; a holder the
/// process list hides from this user is still reported, by its connection id. SQLite: the
/// `strata_lock` row, unless its holder is gone (exactly as taking the lock judges it).
pub(crate) async fn holder(session: &mut Session) -> Result<Option<LockHolder>, sqlx::Error> {
    if session.kind() == DatabaseKind::Sqlite {
        return sqlite_holder(session).await;
    }
    let names = Names::read(&mut session.conn).await?;
    if let Some(holder) = server::holder(&mut session.conn, &names, Which::Migration).await? {
        return Ok(Some(holder));
    }
    let hidden = server::owner_id(&mut session.conn, &names, Which::Migration).await?;
    Ok(hidden.map(|id| LockHolder {
        server_id: id.to_string(),
        who: "a connection this database user cannot see in the process list".into(),
        host: "unknown".into(),
        since: "unknown".into(),
    }))
}

#[cfg(feature = "sqlite")]
async fn sqlite_holder(session: &mut Session) -> Result<Option<LockHolder>, sqlx::Error> {
    use crate::driver::session::Conn;
    match &mut session.conn {
        Conn::Sqlite(c) => super::sqlite::holder(c).await,
        Conn::SqlitePooled(c) => super::sqlite::holder(c).await,
        #[allow(unreachable_patterns)]
        _ => Ok(None),
    }
}

#[cfg(not(feature = "sqlite"))]
async fn sqlite_holder(_: &mut Session) -> Result<Option<LockHolder>, sqlx::Error> {
    Ok(None)
}
