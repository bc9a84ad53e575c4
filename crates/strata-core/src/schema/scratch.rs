//! Scratch databases: a uniquely named `strata_scratch_*` database on the same server as a
//! target (PostgreSQL, MariaDB/MySQL), or a temporary SQLite file, that is always dropped:
//! [`Scratch::drop_now`] on the normal path, and a best-effort synchronous drop when the value
//! is dropped without it (an error path, a panic, a cancelled future).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection as _;

use crate::dialect::DatabaseKind;
use crate::driver::{redact_url, trusted, ConnectError};

/// Every scratch database's name starts with this.
pub const PREFIX: &str = "strata_scratch_";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScratchError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("cannot create a scratch database on {target}: the connected user lacks the {privilege} privilege ({source}). Grant it ({grant}) or preview against a database where the user has it.")]
    NoPrivilege {
        target: String,
        privilege: &'static str,
        grant: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("creating the scratch database {name} on {target} failed: {source}")]
    Create {
        target: String,
        name: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("dropping the scratch database {name} on {target} failed: {source}. Drop it by hand: DROP DATABASE {name}")]
    Drop {
        target: String,
        name: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("the scratch SQLite file {} could not be {action}: {source}", path.display())]
    File {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// A scratch database, dropped with the value (prefer [`Scratch::drop_now`], which reports a
/// failure).
#[derive(Debug)]
pub struct Scratch {
    kind: DatabaseKind,
    name: String,
    /// Holds the target's password: never shown, never logged.
    url: String,
    /// Where CREATE and DROP DATABASE run (the target itself).
    admin_url: String,
    /// The server, password redacted.
    target: String,
    /// SQLite: the file.
    path: Option<PathBuf>,
    dropped: bool,
}

/// A name no other scratch database of this process or another has.
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{PREFIX}{}_{nanos}_{n}", std::process::id())
}

fn with_database(url: &str, db: &str) -> Option<String> {
    let mut parsed = url::Url::parse(url).ok()?;
    parsed.set_path(&format!("/{db}"));
    Some(parsed.to_string())
}

impl Scratch {
    /// Create a scratch database beside `target_url`'s (same server, same user; on MySQL with
    /// the target's character set and collation), or a temporary SQLite file.
    pub async fn create(target_url: &str) -> Result<Self, ScratchError> {
        let target = redact_url(target_url);
        let kind =
            DatabaseKind::from_url(target_url).ok_or_else(|| ConnectError::UnknownScheme {
                target: target.clone(),
            })?;
        let name = unique_name();
        #[cfg(feature = "sqlite")]
        if kind == DatabaseKind::Sqlite {
            let path = std::env::temp_dir().join(format!("{name}.sqlite3"));
            let info = crate::driver::ensure_sqlite_file(&path).await;
            let mut scratch = Self {
                kind,
                url: format!("sqlite:{}", path.display()),
                admin_url: String::new(),
                name,
                target: format!("sqlite:{}", path.display()),
                path: Some(path),
                dropped: false,
            };
            if let Err(e) = info {
                scratch.dropped = true;
                let _ = scratch.remove_files();
                return Err(e.into());
            }
            return Ok(scratch);
        }
        let url = with_database(target_url, &name).ok_or_else(|| ConnectError::UnknownScheme {
            target: target.clone(),
        })?;
        let create_err = |source: sqlx::Error| {
            if let Some((privilege, grant)) = missing_privilege(kind, &source) {
                return ScratchError::NoPrivilege {
                    target: target.clone(),
                    privilege,
                    grant,
                    source,
                };
            }
            ScratchError::Create {
                target: target.clone(),
                name: name.clone(),
                source,
            }
        };
        let connect_err = |source| ConnectError::Connect {
            kind,
            target: target.clone(),
            source,
        };
        match kind {
            #[cfg(feature = "postgres")]
            DatabaseKind::Postgres => {
                let mut c = sqlx::PgConnection::connect(target_url)
                    .await
                    .map_err(connect_err)?;
                let done = sqlx::raw_sql(trusted(format!("CREATE DATABASE {name}")))
                    .execute(&mut c)
                    .await;
                let _ = c.close().await;
                done.map_err(create_err)?;
            }
            #[cfg(feature = "mysql")]
            DatabaseKind::Mysql => {
                let mut c = sqlx::MySqlConnection::connect(target_url)
                    .await
                    .map_err(connect_err)?;
                // The target's defaults, so columns introspect with the same collations.
                let defaults: Option<(String, String)> = sqlx::query_as(
                    "SELECT CAST(DEFAULT_CHARACTER_SET_NAME AS CHAR), CAST(DEFAULT_COLLATION_NAME AS CHAR) \
                     FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()",
                )
                .fetch_optional(&mut c)
                .await
                .map_err(create_err)?;
                let charset = match defaults {
                    Some((cs, coll)) if is_plain(&cs) && is_plain(&coll) => {
                        format!(" CHARACTER SET {cs} COLLATE {coll}")
                    }
                    _ => String::new(),
                };
                let done = sqlx::raw_sql(trusted(format!("CREATE DATABASE {name}{charset}")))
                    .execute(&mut c)
                    .await;
                let _ = c.close().await;
                done.map_err(create_err)?;
            }
            #[allow(unreachable_patterns)]
            other => return Err(not_compiled_in(other).into()),
        }
        tracing::debug!(target = %target, scratch = %name, "scratch database created");
        Ok(Self {
            kind,
            name,
            url,
            admin_url: target_url.to_owned(),
            target,
            path: None,
            dropped: false,
        })
    }

    /// The scratch database's URL. It carries the target's password: connect with it, never
    /// show or log it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The scratch database's name (`strata_scratch_…`), or the SQLite file's stem.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// Drop the database (delete the file) now, saying whether it worked.
    pub async fn drop_now(mut self) -> Result<(), ScratchError> {
        self.dropped = true;
        drop_database(
            self.kind,
            &self.admin_url,
            &self.name,
            &self.target,
            self.path.as_ref(),
        )
        .await
    }

    fn remove_files(&self) -> Result<(), ScratchError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        remove_sqlite_files(path)
    }
}

fn remove_sqlite_files(path: &std::path::Path) -> Result<(), ScratchError> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(ScratchError::File {
            path: path.to_owned(),
            action: "deleted",
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Only names made of letters, digits and `_` are written into DDL unquoted.
fn is_plain(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The privilege a failed CREATE DATABASE lacked, and how to grant it.
fn missing_privilege(kind: DatabaseKind, e: &sqlx::Error) -> Option<(&'static str, &'static str)> {
    let db = e.as_database_error()?;
    match kind {
        // insufficient_privilege: "permission denied to create database".
        DatabaseKind::Postgres if db.code().as_deref() == Some("42501") => {
            Some(("CREATEDB", "ALTER ROLE <user> CREATEDB"))
        }
        // ER_DBACCESS_DENIED_ERROR (1044) / ER_ACCESS_DENIED_ERROR (1045) / ER_SPECIFIC_ACCESS_DENIED (1227).
        #[cfg(feature = "mysql")]
        DatabaseKind::Mysql => {
            let number = db
                .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                .map(|m| m.number());
            matches!(number, Some(1044 | 1045 | 1227))
                .then_some(("CREATE", "GRANT CREATE, DROP ON *.* TO <user>"))
        }
        _ => None,
    }
}

async fn drop_database(
    kind: DatabaseKind,
    admin_url: &str,
    name: &str,
    target: &str,
    path: Option<&PathBuf>,
) -> Result<(), ScratchError> {
    let err = |source| ScratchError::Drop {
        target: target.to_owned(),
        name: name.to_owned(),
        source,
    };
    match kind {
        DatabaseKind::Sqlite => path.map_or(Ok(()), |p| remove_sqlite_files(p)),
        #[cfg(feature = "postgres")]
        DatabaseKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(admin_url).await.map_err(err)?;
            let done = sqlx::raw_sql(trusted(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut c)
            .await;
            let _ = c.close().await;
            done.map(drop).map_err(err)
        }
        #[cfg(feature = "mysql")]
        DatabaseKind::Mysql => {
            let mut c = sqlx::MySqlConnection::connect(admin_url)
                .await
                .map_err(err)?;
            let done = sqlx::raw_sql(trusted(format!("DROP DATABASE IF EXISTS {name}")))
                .execute(&mut c)
                .await;
            let _ = c.close().await;
            done.map(drop).map_err(err)
        }
        #[allow(unreachable_patterns)]
        other => Err(not_compiled_in(other).into()),
    }
}

fn not_compiled_in(kind: DatabaseKind) -> ConnectError {
    ConnectError::NotCompiledIn {
        kind,
        feature: match kind {
            DatabaseKind::Postgres => "postgres",
            DatabaseKind::Mysql => "mysql",
            DatabaseKind::Sqlite => "sqlite",
        },
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        self.dropped = true;
        let (kind, admin_url, name, target, path) = (
            self.kind,
            self.admin_url.clone(),
            self.name.clone(),
            self.target.clone(),
            self.path.clone(),
        );
        // Drop may run inside a runtime, which cannot block: a thread with its own runtime.
        let outcome = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime
                .block_on(drop_database(
                    kind,
                    &admin_url,
                    &name,
                    &target,
                    path.as_ref(),
                ))
                .map_err(|e| e.to_string())
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "a scratch database was left behind"),
            Err(_) => tracing::warn!(scratch = %self.name, "dropping a scratch database panicked"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sqlite_scratch_file_is_deleted_on_every_path() {
        let scratch = Scratch::create("sqlite:ignored.sqlite3").await.unwrap();
        let path = scratch.path.clone().unwrap();
        assert!(scratch.name().starts_with(PREFIX));
        assert!(path.is_file());
        scratch.drop_now().await.unwrap();
        assert!(!path.exists());
        // Dropped without drop_now (an error path): deleted all the same.
        let scratch = Scratch::create("sqlite:ignored.sqlite3").await.unwrap();
        let path = scratch.path.clone().unwrap();
        drop(scratch);
        assert!(!path.exists());
    }

    #[test]
    fn names_are_unique_and_plain() {
        let (a, b) = (unique_name(), unique_name());
        assert_ne!(a, b);
        assert!(is_plain(&a) && a.starts_with(PREFIX), "{a}");
        assert!(!is_plain("utf8mb4; DROP"));
    }
}
