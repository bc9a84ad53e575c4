//! Reading a live database's schema into the [`Schema`] model through its catalogs, read-only:
//! introspection never writes, and two introspections of the same schema are equal. Strata's
//! own tables (`strata_*`), other migration tools' history tables and the system's objects are
//! left out. One file per dialect holds its catalog SQL; each takes an open connection, so a
//! caller can introspect inside its own transaction (the migration preview does).

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::Connection as _;

use super::model::Schema;
use crate::dialect::DatabaseKind;
use crate::driver::{redact_url, ConnectError};

#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "mysql")]
mod mysql_sequences;
#[cfg(feature = "mysql")]
mod mysql_sql;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "postgres")]
mod postgres_sql;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_text;

/// How long [`introspect_url`] waits for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntrospectError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("reading {object} from {target} failed: {source}. Check that the connected user may read the catalog and that the database is reachable, then try again.")]
    Read {
        /// The database, password redacted.
        target: String,
        /// What was being read, e.g. `the columns (pg_attribute)`.
        object: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("{target}: {object} cannot be read into Strata's schema model: {detail}. Nothing was changed.")]
    Unreadable {
        target: String,
        object: String,
        detail: String,
    },
}

impl IntrospectError {
    pub(crate) fn read(
        target: &str,
        object: impl Into<String>,
    ) -> impl FnOnce(sqlx::Error) -> Self {
        let (target, object) = (target.to_owned(), object.into());
        move |source| Self::Read {
            target,
            object,
            source,
        }
    }
}

/// The history tables other migration tools keep (sqlx, dbmate and golang-migrate, Flyway,
/// Diesel, refinery, goose): never part of a user's schema.
pub const FOREIGN_HISTORY_TABLES: [&str; 6] = [
    "_sqlx_migrations",
    "schema_migrations",
    "flyway_schema_history",
    "__diesel_schema_migrations",
    "refinery_schema_history",
    "goose_db_version",
];

/// Whether a table is bookkeeping rather than schema: Strata's own (`strata_*`: history,
/// events, meta, lock) or another migration tool's history table.
pub fn is_bookkeeping_table(name: &str) -> bool {
    name.starts_with("strata_") || FOREIGN_HISTORY_TABLES.contains(&name)
}

/// Connect to `url` (a dedicated connection, closed afterwards) and read its schema. A SQLite
/// file that does not exist is an error, never a new file.
pub async fn introspect_url(url: &str) -> Result<Schema, IntrospectError> {
    let target = redact_url(url);
    let kind = DatabaseKind::from_url(url).ok_or_else(|| ConnectError::UnknownScheme {
        target: target.clone(),
    })?;
    let connect_err = |source| ConnectError::Connect {
        kind,
        target: target.clone(),
        source,
    };
    let timed_out = || ConnectError::Timeout {
        kind,
        target: target.clone(),
        seconds: CONNECT_TIMEOUT.as_secs(),
    };
    match kind {
        #[cfg(feature = "postgres")]
        DatabaseKind::Postgres => {
            let opts = sqlx::postgres::PgConnectOptions::from_str(url)
                .map_err(connect_err)?
                .application_name("strata introspect");
            let connecting = sqlx::PgConnection::connect_with(&opts);
            let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
                .await
                .map_err(|_| timed_out())?
                .map_err(connect_err)?;
            let schema = postgres::introspect(&mut conn, &target).await;
            let _ = conn.close().await;
            schema
        }
        #[cfg(feature = "mysql")]
        DatabaseKind::Mysql => {
            let connecting = sqlx::MySqlConnection::connect(url);
            let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
                .await
                .map_err(|_| timed_out())?
                .map_err(connect_err)?;
            let schema = mysql::introspect(&mut conn, &target).await;
            let _ = conn.close().await;
            schema
        }
        #[cfg(feature = "sqlite")]
        DatabaseKind::Sqlite => {
            let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .map_err(connect_err)?
                .create_if_missing(false)
                .busy_timeout(CONNECT_TIMEOUT);
            let connecting = sqlx::SqliteConnection::connect_with(&opts);
            let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
                .await
                .map_err(|_| timed_out())?
                .map_err(connect_err)?;
            let schema = sqlite::introspect(&mut conn, &target).await;
            let _ = conn.close().await;
            schema
        }
        #[allow(unreachable_patterns)]
        other => Err(ConnectError::NotCompiledIn {
            kind: other,
            feature: match other {
                DatabaseKind::Postgres => "postgres",
                DatabaseKind::Mysql => "mysql",
                DatabaseKind::Sqlite => "sqlite",
            },
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookkeeping_tables_are_strata_and_other_tools_history() {
        for name in [
            "strata_migrations",
            "strata_events",
            "strata_meta",
            "strata_lock",
            "_sqlx_migrations",
            "schema_migrations",
            "goose_db_version",
        ] {
            assert!(is_bookkeeping_table(name), "{name}");
        }
        for name in ["users", "strata", "migrations", "my_schema_migrations"] {
            assert!(!is_bookkeeping_table(name), "{name}");
        }
    }
}
