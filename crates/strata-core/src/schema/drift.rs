//! Drift: a database compared with the schema its history says it should have. The expected
//! schema is built by replaying the applied migrations' stored up SQL, in history order, into a
//! scratch database on the same server (a scratch SQLite file), which is always dropped; the
//! target is only read. An empty diff means nothing was changed outside migrations.

use std::path::PathBuf;

use serde::Serialize;

use super::diff::{diff, SchemaDiff};
use super::introspect::{introspect_url, IntrospectError};
use super::model::Schema;
use super::preview::{
    introspect_session, name_after_target, replay_applied, PreviewError, CONNECT_TIMEOUT,
};
use super::scratch::{Scratch, ScratchError};
use crate::driver::{redact_url, ConnectError, HistoryError, Session};
use crate::engine::{self, EngineError};
use crate::source::MigrationSet;

/// What a database has that its history does not explain, and the reverse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DriftReport {
    /// The database, password redacted.
    pub target: String,
    /// The schema the replayed history builds.
    pub expected: Schema,
    /// The schema the database has.
    pub actual: Schema,
    /// `diff(expected, actual)`: what was added, removed or changed outside migrations.
    pub diff: SchemaDiff,
    /// The migrations replayed to build `expected`, by version, in the order they ran.
    pub replayed: Vec<String>,
}

impl DriftReport {
    /// Whether the database is exactly what its history says.
    pub fn is_clean(&self) -> bool {
        self.diff.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
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
    #[error(transparent)]
    Preview(Box<PreviewError>),
    #[error("replaying {version} ({name}) to build the expected schema failed at {}:{line}:{column}: {message}. The history's stored SQL no longer runs on this server, so drift cannot be computed; the target was not touched and the scratch database was dropped.", file.display())]
    Replay {
        version: String,
        name: String,
        /// Where the SQL came from: the history row (`strata_migrations[V].up_sql`).
        file: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },
}

impl From<EngineError> for DriftError {
    fn from(e: EngineError) -> Self {
        Self::Engine(Box::new(e))
    }
}

impl From<PreviewError> for DriftError {
    fn from(e: PreviewError) -> Self {
        match e {
            PreviewError::Statement {
                version,
                name,
                file,
                line,
                column,
                message,
                ..
            } => Self::Replay {
                version,
                name,
                file,
                line,
                column,
                message,
            },
            PreviewError::Engine(e) => Self::Engine(e),
            PreviewError::Connect(e) => Self::Connect(e),
            PreviewError::History(e) => Self::History(e),
            PreviewError::Introspect(e) => Self::Introspect(e),
            PreviewError::Scratch(e) => Self::Scratch(e),
            other => Self::Preview(Box::new(other)),
        }
    }
}

/// The end of every message of a replay that failed: what it left.
pub(super) const DROPPED: &str = "The target was not touched; the scratch database was dropped.";

/// Compare the database at `url` with the schema its applied migrations build.
pub async fn drift(url: &str, set: &MigrationSet) -> Result<DriftReport, DriftError> {
    let status = engine::status(url, set, CONNECT_TIMEOUT).await?;
    let kind = status.kind;
    let mut history = {
        let mut session = Session::connect(url, CONNECT_TIMEOUT).await?;
        let rows = session.read_history().await;
        session.close().await;
        rows?
    };
    let actual = introspect_url(url).await?;
    let scratch = Scratch::create(url).await?;
    let built = async {
        let mut session = Session::connect(scratch.url(), CONNECT_TIMEOUT).await?;
        let result = async {
            let replayed =
                replay_applied(&mut session, kind, &status.entries, &mut history, DROPPED).await?;
            let expected = introspect_session(&mut session).await?;
            Ok::<_, PreviewError>((replayed, expected))
        }
        .await;
        session.close().await;
        result
    }
    .await;
    let dropped = scratch.drop_now().await;
    let (replayed, mut expected) = built?;
    dropped?;
    name_after_target(url, kind, &mut expected);
    Ok(DriftReport {
        target: redact_url(url),
        diff: diff(&expected, &actual),
        expected,
        actual,
        replayed,
    })
}
