//! Connecting to a database and asking what it is. A connection error names the target with
//! its password redacted; no secret reaches an error text or a log line.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dialect::DatabaseKind;

pub mod diagnose;
pub mod foreign;
pub mod mysql;
pub mod pool;
pub mod postgres;
pub mod session;
pub mod sqlite;
mod trusted;

pub use pool::DbPool;
pub use session::{HistoryError, Session};
pub(crate) use trusted::trusted;

/// What a database said about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub kind: DatabaseKind,
    /// The server's own version string, e.g. `15.19` or `10.11.19-MariaDB` or `3.46.0`.
    pub server_version: String,
    /// Time to connect and read the version, in milliseconds.
    pub latency_ms: u32,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    #[error("'{target}' is not a database URL Strata understands. Use postgres://, mysql:// (also for MariaDB) or sqlite:.")]
    UnknownScheme { target: String },
    #[error("this build of Strata has no {kind} driver. Rebuild strata-core with its '{feature}' feature.")]
    NotCompiledIn {
        kind: DatabaseKind,
        feature: &'static str,
    },
    #[error("cannot connect to {kind} at {target}: {source}")]
    Connect {
        kind: DatabaseKind,
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot create the folder {} for the SQLite database: {source}", dir.display())]
    CreateDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("gave up connecting to {kind} at {target} after {seconds} s. Check that the server runs and that the host and port are right.")]
    Timeout {
        kind: DatabaseKind,
        target: String,
        seconds: u64,
    },
}

/// The URL with any password replaced by `***`, fit for logs, errors and the screen.
pub fn redact_url(raw: &str) -> String {
    // libpq and sqlx also take the password as a `password` parameter.
    let secret = |key: &str| {
        ["password", "sslpassword", "ssl-password"]
            .iter()
            .any(|s| key.eq_ignore_ascii_case(s))
    };
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() || url.query_pairs().any(|(k, _)| secret(&k)) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if secret(&k) {
                        "***".into()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            // Rewritten (and re-encoded) only when it holds a password.
            if pairs.iter().any(|(k, _)| secret(k)) {
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            url.to_string()
        }
        Ok(_) => raw.to_owned(),
        // Not parseable: keep only what cannot hold a password.
        Err(_) => match raw.split_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => raw.to_owned(),
        },
    }
}

/// Connect to `url`, ask the server its version, and close the connection.
pub async fn probe(url: &str, timeout: Duration) -> Result<ServerInfo, ConnectError> {
    let target = redact_url(url);
    let kind = DatabaseKind::from_url(url).ok_or_else(|| ConnectError::UnknownScheme {
        target: target.clone(),
    })?;
    let started = Instant::now();
    let version = tokio::time::timeout(timeout, server_version(kind, url))
        .await
        .map_err(|_| ConnectError::Timeout {
            kind,
            target: target.clone(),
            seconds: timeout.as_secs(),
        })?
        .map_err(|e| match e {
            VersionError::Sqlx(source) => ConnectError::Connect {
                kind,
                target: target.clone(),
                source,
            },
            VersionError::NotCompiledIn(feature) => ConnectError::NotCompiledIn { kind, feature },
        })?;
    Ok(ServerInfo {
        kind,
        server_version: version,
        latency_ms: elapsed_ms(started),
    })
}

fn elapsed_ms(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_millis()).unwrap_or(u32::MAX)
}

enum VersionError {
    Sqlx(sqlx::Error),
    #[allow(dead_code)] // only built when a driver feature is off
    NotCompiledIn(&'static str),
}

impl From<sqlx::Error> for VersionError {
    fn from(e: sqlx::Error) -> Self {
        Self::Sqlx(e)
    }
}

async fn server_version(kind: DatabaseKind, url: &str) -> Result<String, VersionError> {
    use sqlx::Connection as _;
    match kind {
        #[cfg(feature = "postgres")]
        DatabaseKind::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            let v: String = sqlx::query_scalar("SHOW server_version")
                .fetch_one(&mut conn)
                .await?;
            conn.close().await?;
            Ok(v)
        }
        #[cfg(feature = "mysql")]
        DatabaseKind::Mysql => {
            let mut conn = sqlx::MySqlConnection::connect(url).await?;
            let v: String = sqlx::query_scalar("SELECT VERSION()")
                .fetch_one(&mut conn)
                .await?;
            conn.close().await?;
            Ok(v)
        }
        #[cfg(feature = "sqlite")]
        DatabaseKind::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await?;
            let v: String = sqlx::query_scalar("SELECT sqlite_version()")
                .fetch_one(&mut conn)
                .await?;
            conn.close().await?;
            Ok(v)
        }
        #[allow(unreachable_patterns)]
        other => Err(VersionError::NotCompiledIn(match other {
            DatabaseKind::Postgres => "postgres",
            DatabaseKind::Mysql => "mysql",
            DatabaseKind::Sqlite => "sqlite",
        })),
    }
}

/// An embedded SQLite database file that Strata made sure exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SqliteFile {
    pub path: PathBuf,
    /// True when this call created the file (the app's first run).
    pub created: bool,
    pub server: ServerInfo,
}

/// Open the SQLite database at `path`, creating it (and its folder) when it does not exist.
#[cfg(feature = "sqlite")]
pub async fn ensure_sqlite_file(path: &Path) -> Result<SqliteFile, ConnectError> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions as _, Connection as _};

    let target = format!("sqlite:{}", path.display());
    let connect_err = |source| ConnectError::Connect {
        kind: DatabaseKind::Sqlite,
        target: target.clone(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ConnectError::CreateDir {
            dir: dir.to_owned(),
            source,
        })?;
    }
    let created = !path.exists();
    let started = Instant::now();
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .map_err(connect_err)?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await
        .map_err(connect_err)?;
    conn.close().await.map_err(connect_err)?;
    Ok(SqliteFile {
        path: path.to_owned(),
        created,
        server: ServerInfo {
            kind: DatabaseKind::Sqlite,
            server_version: version,
            latency_ms: elapsed_ms(started),
        },
    })
}

/// Where in its file a failed statement went wrong, and the server's message: PostgreSQL
/// reports a character position inside the statement, mapped here to a file line and column;
/// other servers point at the statement's start.
pub fn locate_error(
    err: &sqlx::Error,
    stmt: &crate::executor::StepStatement,
) -> (u32, u32, String) {
    let Some(db) = err.as_database_error() else {
        return (stmt.line, stmt.column, err.to_string());
    };
    let mut message = db.message().to_owned();
    if let Some(code) = db.code() {
        #[cfg(feature = "sqlite")]
        let is_sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
        #[cfg(not(feature = "sqlite"))]
        let is_sqlite = false;
        let label = if is_sqlite {
            "SQLite error code"
        } else {
            "SQLSTATE"
        };
        message = format!("{message} ({label} {code})");
    }
    #[cfg(feature = "postgres")]
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        if let Some(detail) = pg.detail() {
            message = format!("{message}; {detail}");
        }
        if let Some(hint) = pg.hint() {
            message = format!("{message}; hint: {hint}");
        }
        if let Some(sqlx::postgres::PgErrorPosition::Original(pos)) = pg.position() {
            let before: String = stmt.sql.chars().take(pos.saturating_sub(1)).collect();
            let newlines = before.matches('\n').count() as u32;
            let column = match before.rfind('\n') {
                Some(nl) => before[nl + 1..].chars().count() as u32 + 1,
                None => stmt.column + before.chars().count() as u32,
            };
            return (stmt.line + newlines, column, message);
        }
    }
    (stmt.line, stmt.column, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_survive_redaction() {
        let cases = [
            (
                "postgres://admin:s3cret@db.example.com:5432/app",
                "postgres://admin:***@db.example.com:5432/app",
            ),
            (
                "mysql://root@127.0.0.1:3306/test",
                "mysql://root@127.0.0.1:3306/test",
            ),
            ("sqlite:demo.sqlite3", "sqlite:demo.sqlite3"),
            ("not a url:s3cret@host", "***@host"),
            (
                "postgres://admin@db.example.com/app?sslmode=require&PASSWORD=s3cret",
                "postgres://admin@db.example.com/app?sslmode=require&PASSWORD=***",
            ),
        ];
        for (raw, want) in cases {
            let got = redact_url(raw);
            assert_eq!(got, want);
            assert!(!got.contains("s3cret"));
        }
    }

    #[tokio::test]
    async fn unknown_scheme_is_explained() {
        let err = probe("oracle://scott:tiger@h/db", Duration::from_secs(1))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("postgres://"), "{text}");
        assert!(!text.contains("tiger"), "{text}");
    }

    #[tokio::test]
    async fn sqlite_file_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/data/demo.sqlite3");
        let first = ensure_sqlite_file(&path).await.unwrap();
        assert!(first.created);
        assert!(path.is_file());
        assert!(first.server.server_version.starts_with("3."), "{first:?}");
        let second = ensure_sqlite_file(&path).await.unwrap();
        assert!(!second.created);
    }

    #[tokio::test]
    async fn probe_reads_sqlite_version() {
        let info = probe("sqlite::memory:", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(info.kind, DatabaseKind::Sqlite);
        assert!(info.server_version.starts_with("3."));
    }
}
