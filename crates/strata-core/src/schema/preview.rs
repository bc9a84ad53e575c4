//! What pending migrations would change, before they run, leaving the target as it was: on
//! PostgreSQL and SQLite inside one transaction on a dedicated connection that is always
//! rolled back (introspect, run the pending migrations' up SQL, introspect, ROLLBACK); where
//! that cannot work (MySQL/MariaDB, whose DDL commits; a migration that must run outside a
//! transaction) in a scratch database on the same server, into which the applied migrations
//! and then the pending ones are replayed, dropped afterwards. Statements are split exactly as
//! the executor splits them (`engine::part_statements`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::introspect::{self, IntrospectError};
use super::model::Schema;
use super::scratch::{Scratch, ScratchError};
use crate::dialect::DatabaseKind;
use crate::driver::session::Conn;
use crate::driver::{ConnectError, HistoryError, Session};
use crate::engine::{self, EngineError, StatusEntry};
use crate::plan::MigrationState;
use crate::source::{Migration, MigrationSet};
use crate::split::Finding;

/// How long connecting to the target (or the scratch database) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The schema before and after the pending migrations, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub before: Schema,
    pub after: Schema,
    pub method: PreviewMethod,
    /// The migrations previewed, by version, in the order they ran.
    pub pending: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PreviewMethod {
    /// Run in a transaction on the target and rolled back.
    Transactional,
    /// Replayed into a scratch database that was then dropped; `reason` says why.
    Scratch { reason: String },
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PreviewError {
    #[error(transparent)]
    Engine(Box<EngineError>),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    #[error("{phase} {version} ({name}) for the preview failed at {}:{line}:{column}: {message}. {outcome}", file.display())]
    Statement {
        /// `running` (a pending migration) or `replaying` (an applied one).
        phase: &'static str,
        version: String,
        name: String,
        file: PathBuf,
        line: u32,
        column: u32,
        message: String,
        /// What the failure left: nothing, in both methods.
        outcome: &'static str,
    },
    #[error("the preview's transaction on {target} could not be {action}: {source}. The connection was closed, so the server discards whatever the preview ran.")]
    Transaction {
        target: String,
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },
}

impl From<EngineError> for PreviewError {
    fn from(e: EngineError) -> Self {
        Self::Engine(Box::new(e))
    }
}

const ROLLED_BACK: &str = "Nothing was changed: the preview's transaction was rolled back.";
const DROPPED: &str = "The target was not touched; the scratch database was dropped.";

/// Preview the migrations of `set` that are pending on `url` (what `up` would apply).
pub async fn preview(url: &str, set: &MigrationSet) -> Result<Preview, PreviewError> {
    let status = engine::status(url, set, CONNECT_TIMEOUT).await?;
    let kind = status.kind;
    let by_version = |v: &str| set.migrations.iter().find(|m| m.version.as_str() == v);
    let pending: Vec<&Migration> = (status.entries.iter())
        .filter(|e| matches!(e.state, MigrationState::Pending | MigrationState::Changed))
        .filter_map(|e| by_version(&e.version))
        .collect();
    let reason = match kind {
        DatabaseKind::Mysql => {
            Some("MySQL/MariaDB commit DDL implicitly, so it cannot be rolled back".to_owned())
        }
        _ => pending.iter().find_map(|m| {
            outside_transaction(m, kind).map(|why| {
                format!(
                    "{} ({}) must run outside a transaction: {why}",
                    m.version, m.name
                )
            })
        }),
    };
    let versions = pending
        .iter()
        .map(|m| m.version.as_str().to_owned())
        .collect();
    let (before, after, method) = match reason {
        None => {
            let (before, after) = transactional(url, kind, &pending).await?;
            (before, after, PreviewMethod::Transactional)
        }
        Some(reason) => {
            let (before, after) = replayed(url, kind, &status.entries, &pending).await?;
            (before, after, PreviewMethod::Scratch { reason })
        }
    };
    Ok(Preview {
        before,
        after,
        method,
        pending: versions,
    })
}

/// Why a migration's up part cannot run inside a transaction, if it cannot.
fn outside_transaction(m: &Migration, kind: DatabaseKind) -> Option<String> {
    if m.up.no_transaction {
        return Some("it has the no-transaction directive".into());
    }
    let (_, findings) = engine::part_statements(&m.up.sql, m.up.first_line, kind);
    findings
        .iter()
        .find(|f| {
            matches!(
                f,
                Finding::CannotRunInTransaction { .. } | Finding::TransactionControl { .. }
            )
        })
        .map(ToString::to_string)
}

/// Introspect the database a session is connected to, inside whatever transaction it holds.
pub(crate) async fn introspect_session(session: &mut Session) -> Result<Schema, IntrospectError> {
    let target = session.target.clone();
    match &mut session.conn {
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => introspect::postgres::introspect(c, &target).await,
        #[cfg(feature = "postgres")]
        Conn::PostgresPooled(c) => introspect::postgres::introspect(c, &target).await,
        #[cfg(feature = "mysql")]
        Conn::Mysql(c) => introspect::mysql::introspect(c, &target).await,
        #[cfg(feature = "mysql")]
        Conn::MysqlPooled(c) => introspect::mysql::introspect(c, &target).await,
        #[cfg(feature = "sqlite")]
        Conn::Sqlite(c) => introspect::sqlite::introspect(c, &target).await,
        #[cfg(feature = "sqlite")]
        Conn::SqlitePooled(c) => introspect::sqlite::introspect(c, &target).await,
    }
}

/// Run `sql` (a part of the migration `version`) statement by statement, as the executor
/// splits it; `limit` stops after that many statements (a partially applied migration).
pub(crate) async fn run_part(
    session: &mut Session,
    kind: DatabaseKind,
    (version, name): (&str, &str),
    (sql, first_line, file): (&str, u32, &Path),
    limit: Option<usize>,
    phase: &'static str,
    outcome: &'static str,
) -> Result<(), PreviewError> {
    let (statements, _) = engine::part_statements(sql, first_line, kind);
    for stmt in statements.iter().take(limit.unwrap_or(usize::MAX)) {
        if let Err(e) = session.execute(&stmt.sql).await {
            let (line, column, message) = crate::driver::locate_error(&e, stmt);
            return Err(PreviewError::Statement {
                phase,
                version: version.to_owned(),
                name: name.to_owned(),
                file: file.to_owned(),
                line,
                column,
                message,
                outcome,
            });
        }
    }
    Ok(())
}

/// Before and after, in one transaction on a dedicated connection, rolled back on every path.
async fn transactional(
    url: &str,
    kind: DatabaseKind,
    pending: &[&Migration],
) -> Result<(Schema, Schema), PreviewError> {
    let mut session = Session::connect(url, CONNECT_TIMEOUT).await?;
    let target = session.target.clone();
    let result = in_transaction(&mut session, kind, pending).await;
    let rolled_back = session.rollback().await;
    session.close().await;
    let schemas = result?;
    rolled_back.map_err(|source| PreviewError::Transaction {
        target,
        action: "rolled back",
        source,
    })?;
    Ok(schemas)
}

async fn in_transaction(
    session: &mut Session,
    kind: DatabaseKind,
    pending: &[&Migration],
) -> Result<(Schema, Schema), PreviewError> {
    let begin_err = |target: &str| {
        let target = target.to_owned();
        move |source| PreviewError::Transaction {
            target,
            action: "started",
            source,
        }
    };
    let target = session.target.clone();
    session.begin().await.map_err(begin_err(&target))?;
    if kind == DatabaseKind::Postgres {
        // A preview waits for another session's lock a bounded time, never forever.
        (session.execute("SET LOCAL lock_timeout = '10s'").await).map_err(begin_err(&target))?;
    }
    let before = introspect_session(session).await?;
    for m in pending {
        let part = (m.up.sql.as_str(), m.up.first_line, m.up.path.as_path());
        let id = (m.version.as_str(), m.name.as_str());
        run_part(session, kind, id, part, None, "running", ROLLED_BACK).await?;
    }
    let after = introspect_session(session).await?;
    Ok((before, after))
}

/// Before and after in a scratch database: the applied migrations replayed from the SQL the
/// history stored when they were applied, then the pending ones from their files.
async fn replayed(
    url: &str,
    kind: DatabaseKind,
    entries: &[StatusEntry],
    pending: &[&Migration],
) -> Result<(Schema, Schema), PreviewError> {
    let mut history = {
        let mut session = Session::connect(url, CONNECT_TIMEOUT).await?;
        let rows = session.read_history().await;
        session.close().await;
        rows?
    };
    let scratch = Scratch::create(url).await?;
    let result = async {
        let mut session = Session::connect(scratch.url(), CONNECT_TIMEOUT).await?;
        let result = replay(&mut session, kind, entries, &mut history, pending).await;
        session.close().await;
        result
    }
    .await;
    let dropped = scratch.drop_now().await;
    let (mut before, mut after) = result?;
    dropped?;
    name_after_target(url, kind, &mut before);
    name_after_target(url, kind, &mut after);
    Ok((before, after))
}

async fn replay(
    session: &mut Session,
    kind: DatabaseKind,
    entries: &[StatusEntry],
    history: &mut [crate::history::AppliedMigration],
    pending: &[&Migration],
) -> Result<(Schema, Schema), PreviewError> {
    replay_applied(session, kind, entries, history, DROPPED).await?;
    let before = introspect_session(session).await?;
    for m in pending {
        let part = (m.up.sql.as_str(), m.up.first_line, m.up.path.as_path());
        let id = (m.version.as_str(), m.name.as_str());
        run_part(session, kind, id, part, None, "running", DROPPED).await?;
    }
    let after = introspect_session(session).await?;
    Ok((before, after))
}

/// Replay, in history order, the applied migrations of `entries` from the up SQL their history
/// rows stored (a partially applied one up to the statements it committed), into the database
/// `session` is connected to. Returns the versions replayed, in order. Shared by the preview
/// and drift detection.
pub(crate) async fn replay_applied(
    session: &mut Session,
    kind: DatabaseKind,
    entries: &[StatusEntry],
    history: &mut [crate::history::AppliedMigration],
    outcome: &'static str,
) -> Result<Vec<String>, PreviewError> {
    let mut replayed = Vec::new();
    for entry in entries {
        let limit = match entry.state {
            MigrationState::Pending | MigrationState::OutOfOrder => continue,
            MigrationState::Partial => entry
                .applied
                .as_ref()
                .map(|a| usize::try_from(a.statements_committed).unwrap_or(0)),
            _ => None,
        };
        let Some(row) = history.iter_mut().find(|a| a.version == entry.version) else {
            continue;
        };
        let sql = std::mem::take(&mut row.up_sql);
        let file = PathBuf::from(format!("strata_migrations[{}].up_sql", entry.version));
        let id = (entry.version.as_str(), entry.name.as_str());
        run_part(
            session,
            kind,
            id,
            (&sql, 1, &file),
            limit,
            "replaying",
            outcome,
        )
        .await?;
        replayed.push(entry.version.clone());
    }
    Ok(replayed)
}

/// On MySQL the namespace is the database: name a scratch database's namespace after the
/// target's database, so what is shown reads as the target's.
pub(crate) fn name_after_target(url: &str, kind: DatabaseKind, schema: &mut Schema) {
    let Some(db) = url::Url::parse(url)
        .ok()
        .map(|u| u.path().trim_start_matches('/').to_owned())
        .filter(|db| kind == DatabaseKind::Mysql && !db.is_empty())
    else {
        return;
    };
    let namespaces = std::mem::take(&mut schema.namespaces);
    for (_, mut ns) in namespaces {
        ns.name = db.clone();
        schema.namespaces.insert(db.clone(), ns);
    }
}
