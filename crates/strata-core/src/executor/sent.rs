//! How a migration statement sent with Strata's own statements around it failed: before it,
//! at it, after it, or because the connection itself went (the server closed it: an
//! administrator's `pg_terminate_backend` or `KILL`, a restart, a network cut). A lost
//! connection is told apart here, once, from the driver's error, so every path that sends a
//! statement reports it the same way (`lost.rs`). A statement's own failure is placed in its
//! file here too.

use super::{RunError, Step, StepStatement};

/// How a statement sent with some of Strata's own statements around it went.
pub(super) enum SentFailure {
    /// Strata's statements before it failed: it did not run.
    Before(sqlx::Error),
    /// It failed: where in its file, and the server's message.
    Failed((u32, u32, String)),
    /// It ran; Strata's statements after it failed.
    After(sqlx::Error),
    /// The connection was lost, before, while or after the statement ran (what is known then
    /// depends on how the step runs, `lost.rs`).
    Lost(sqlx::Error),
}

impl SentFailure {
    /// Strata's statements before the migration's failed with `error`.
    pub fn before(error: sqlx::Error) -> Self {
        match is_connection_lost(&error) {
            true => Self::Lost(error),
            false => Self::Before(error),
        }
    }

    /// Strata's statements after the migration's failed with `error`.
    pub fn after(error: sqlx::Error) -> Self {
        match is_connection_lost(&error) {
            true => Self::Lost(error),
            false => Self::After(error),
        }
    }

    /// The place and message of a statement's own failure; Strata's statements failing (or
    /// a lost connection, which callers report first, `Executor::lost`) is bookkeeping's.
    #[allow(clippy::result_large_err)]
    pub fn into_error(self, step: &Step, target: &str) -> Result<(u32, u32, String), RunError> {
        match self {
            SentFailure::Failed(at) => Ok(at),
            SentFailure::Before(source)
            | SentFailure::After(source)
            | SentFailure::Lost(source) => Err(RunError::Bookkeeping {
                version: step.version.clone(),
                target: target.to_owned(),
                source,
            }),
        }
    }
}

/// Where a failed statement went wrong: a PostgreSQL position counts in the text `sent`
/// (the statement after Strata's prefix); other errors point at the statement itself.
pub(super) fn locate(
    err: &sqlx::Error,
    stmt: &StepStatement,
    sent: &StepStatement,
) -> (u32, u32, String) {
    if has_position(err) && sent.sql != stmt.sql {
        return crate::driver::locate_error(err, sent);
    }
    crate::driver::locate_error(err, stmt)
}

/// Whether PostgreSQL placed the error at a position in the text sent.
pub(super) fn has_position(err: &sqlx::Error) -> bool {
    #[cfg(feature = "postgres")]
    if let Some(pg) = err
        .as_database_error()
        .and_then(|d| d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
    {
        return pg.position().is_some();
    }
    let _ = err;
    false
}

/// Whether `e` says the connection is gone rather than that a statement failed: an I/O error
/// (reset, broken pipe, end of stream), SQLite's worker gone, PostgreSQL's connection errors
/// (SQLSTATE class 08) and shutdowns (57P01 `pg_terminate_backend` or a fast shutdown, 57P02
/// crash, 57P03 not accepting connections), MySQL/MariaDB's 1927 "connection was killed"
/// (`KILL <id>`), 1053 server shutdown, 2006 gone away and 2013 lost during query. A cancelled
/// statement (`pg_cancel_backend`, `KILL QUERY`) is not a lost connection.
pub(crate) fn is_connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => {
            #[cfg(feature = "mysql")]
            if let Some(m) = d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                return matches!(m.number(), 1053 | 1927 | 2006 | 2013);
            }
            #[cfg(feature = "postgres")]
            if let Some(p) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                let code = p.code();
                return code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03");
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_lost_connections_and_others_are_not() {
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(is_connection_lost(&sqlx::Error::Io(reset)));
        assert!(is_connection_lost(&sqlx::Error::WorkerCrashed));
        assert!(!is_connection_lost(&sqlx::Error::RowNotFound));
        assert!(!is_connection_lost(&sqlx::Error::Protocol("odd".into())));
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        assert!(matches!(
            SentFailure::after(sqlx::Error::Io(eof)),
            SentFailure::Lost(_)
        ));
        assert!(matches!(
            SentFailure::before(sqlx::Error::PoolTimedOut),
            SentFailure::Before(_)
        ));
    }
}
