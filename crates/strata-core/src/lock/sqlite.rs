//! The migration lock on SQLite, which has no lock server: a row in `strata_lock` naming its
//! holder, written in a write transaction only when absent, deleted when the run ends. A row
//! whose holder is gone (a killed process on this host, or a lock of this process that was
//! dropped without being released) is taken over; a holder elsewhere is waited for and named.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::Row as _;

use super::{LockError, LockHolder};
use crate::driver::session::{Conn, Session};
use crate::driver::sqlite;

/// The run ids of the SQLite locks this process holds now.
static HELD: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn held(run_id: &str) -> bool {
    HELD.lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .is_some_and(|s| s.contains(run_id))
}

pub(super) fn forget(run_id: &str) {
    if let Some(s) = HELD.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
        s.remove(run_id);
    }
}

/// A row of `strata_lock`.
struct Row {
    pid: i64,
    proc_start: Option<String>,
    host: String,
    who: String,
    since: String,
    run_id: String,
}

impl Row {
    fn holder(&self) -> LockHolder {
        LockHolder {
            server_id: self.pid.to_string(),
            who: self.who.clone(),
            host: self.host.clone(),
            since: self.since.clone(),
        }
    }

    /// Whether the holder is known to be gone: on this host, its process has ended (or its
    /// pid now belongs to another process), or it is this process and no longer holds it.
    fn is_stale(&self) -> bool {
        if self.host != crate::clock::host() {
            return false;
        }
        if self.pid == i64::from(std::process::id()) {
            return !held(&self.run_id);
        }
        match u32::try_from(self.pid) {
            Ok(pid) => !alive(pid, self.proc_start.as_deref()),
            Err(_) => true,
        }
    }
}

/// When process `pid` started, in clock ticks since boot (Linux), to tell a reused pid apart.
fn process_start(pid: u32) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name (field 2) may hold spaces: count fields after its closing paren.
        let rest = &stat[stat.rfind(')')? + 1..];
        rest.split_whitespace().nth(19).map(str::to_owned)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// Whether process `pid` (started at `start`, when known) still runs on this host. Where that
/// cannot be told, it is taken to run: a lock is never taken from a live holder.
fn alive(pid: u32, start: Option<&str>) -> bool {
    #[cfg(target_os = "linux")]
    {
        match (process_start(pid), start) {
            (None, _) => false,
            (Some(now), Some(then)) => now == then,
            (Some(_), None) => true,
        }
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = start;
        std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .map_or(true, |s| s.success())
    }
    #[cfg(not(unix))]
    {
        let _ = (pid, start);
        true
    }
}

/// SQLite's own write lock is taken: another run is writing (its lock row, or a migration).
fn busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| matches!(c.parse::<i32>().map(|n| n & 0xff), Ok(5 | 6)))
}

async fn read_row(c: &mut sqlx::SqliteConnection) -> Result<Option<Row>, sqlx::Error> {
    let exists: i64 = sqlx::query_scalar(sqlite::LOCK_EXISTS)
        .fetch_one(&mut *c)
        .await?;
    if exists == 0 {
        return Ok(None);
    }
    let row = sqlx::query(sqlite::READ_LOCK)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|r| {
        Ok(Row {
            pid: r.try_get(0)?,
            proc_start: r.try_get(1)?,
            host: r.try_get(2)?,
            who: r.try_get(3)?,
            since: r.try_get(4)?,
            run_id: r.try_get(5)?,
        })
    })
    .transpose()
}

enum Attempt {
    /// Taken; with the holder it was taken over from, if any.
    Taken(Option<LockHolder>),
    Held(Option<LockHolder>),
}

/// One attempt: in a write transaction, write this run's row unless a live holder's is there.
async fn attempt(c: &mut sqlx::SqliteConnection, run_id: &str) -> Result<Attempt, sqlx::Error> {
    if let Err(e) = sqlx::raw_sql(sqlite::BEGIN_EXCLUSIVE)
        .execute(&mut *c)
        .await
    {
        if busy(&e) {
            // Another run is writing; its row, if committed, names it.
            let row = read_row(c).await.ok().flatten();
            return Ok(Attempt::Held(row.map(|r| r.holder())));
        }
        return Err(e);
    }
    let inside = async {
        sqlx::raw_sql(sqlite::CREATE_LOCK).execute(&mut *c).await?;
        let found = read_row(c).await?;
        if let Some(row) = &found {
            if !row.is_stale() {
                return Ok(Attempt::Held(Some(row.holder())));
            }
        }
        let pid = std::process::id();
        sqlx::query(sqlite::WRITE_LOCK)
            .bind(i64::from(pid))
            .bind(process_start(pid))
            .bind(crate::clock::host())
            .bind(format!("strata {} pid {pid}", crate::clock::actor()))
            .bind(crate::clock::now_iso())
            .bind(run_id)
            .execute(&mut *c)
            .await?;
        Ok(Attempt::Taken(found.map(|r| r.holder())))
    };
    let result = inside.await;
    let end = match &result {
        Ok(Attempt::Taken(_)) => "COMMIT",
        _ => "ROLLBACK",
    };
    match (sqlx::raw_sql(end).execute(&mut *c).await, result) {
        (Ok(_), result) => result,
        (Err(e), Ok(Attempt::Taken(_))) if busy(&e) => Ok(Attempt::Held(None)),
        (Err(e), Ok(_)) => Err(e),
        (Err(_), Err(e)) => Err(e),
    }
}

/// Take the lock row for `run_id`, waiting at most `timeout`; `waiting` hears once who holds
/// it. Returns the holder taken over from, when the row belonged to a run that is gone.
pub(super) async fn acquire(
    session: &mut Session,
    run_id: &str,
    timeout: Duration,
    waiting: &mut dyn FnMut(Option<&LockHolder>),
) -> Result<Option<LockHolder>, LockError> {
    let target = session.target.clone();
    #[allow(irrefutable_let_patterns)]
    let Conn::Sqlite(c) = &mut session.conn
    else {
        unreachable!("a SQLite lock on a SQLite connection")
    };
    let sql_err = |source| LockError::Sql {
        target: target.clone(),
        source,
    };
    sqlx::raw_sql(sqlite::LOCK_BUSY_TIMEOUT)
        .execute(&mut *c)
        .await
        .map_err(sql_err)?;
    let started = Instant::now();
    let mut told = false;
    loop {
        let holder = match attempt(c, run_id).await.map_err(sql_err)? {
            Attempt::Taken(from) => {
                HELD.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert_with(HashSet::new)
                    .insert(run_id.to_owned());
                sqlx::raw_sql(sqlite::RELEASE_BUSY_TIMEOUT)
                    .execute(&mut *c)
                    .await
                    .map_err(sql_err)?;
                return Ok(from);
            }
            Attempt::Held(holder) => holder,
        };
        // The row cannot be read while another run commits: name the holder once it is read
        // (or say that the lock is held without a name, after a second).
        if !told && (holder.is_some() || started.elapsed() >= Duration::from_secs(1)) {
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
        tokio::time::sleep(super::POLL).await;
    }
}

/// Delete this run's row (a row another run took over stays).
pub(super) async fn release(session: &mut Session, run_id: &str) -> Result<(), sqlx::Error> {
    forget(run_id);
    session
        .execute(&sqlite::delete_lock(&sqlite::quote(run_id)))
        .await
        .map(drop)
}

/// Who holds the lock, read without taking it: the lock row, unless its holder is gone (the
/// row [`acquire`] would take over). `None` when there is no row (or no `strata_lock` table,
/// which is not created here).
pub(super) async fn holder(
    c: &mut sqlx::SqliteConnection,
) -> Result<Option<LockHolder>, sqlx::Error> {
    let row = read_row(c).await?;
    Ok(row.filter(|r| !r.is_stale()).map(|r| r.holder()))
}
