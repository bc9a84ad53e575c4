//! The schema at a version of the project: the folder's versioned migrations up to and
//! including it, then its repeatable ones (as `strata up --to V` runs them on an empty
//! database), replayed from their files into a scratch database beside a target (a scratch
//! SQLite file) that is always dropped. The target's server is used, the target itself is
//! never read or changed, except by [`compare_at`], which only reads it.

use serde::Serialize;

use super::compare::{CompareError, Comparison};
use super::ddl::up_down;
use super::diff::{diff, RenameHints};
use super::drift::DROPPED;
use super::introspect::{introspect_url, IntrospectError};
use super::model::Schema;
use super::preview::{
    introspect_session, name_after_target, run_part, PreviewError, CONNECT_TIMEOUT,
};
use super::scratch::{Scratch, ScratchError};
use crate::dialect::DatabaseKind;
use crate::driver::{redact_url, ConnectError, Session};
use crate::engine::{self, EngineError};
use crate::source::{Migration, MigrationKind, MigrationSet};

/// The schema the project's migrations build up to a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VersionSchema {
    /// The version asked for, as the folder writes it.
    pub version: String,
    /// Its migration's name.
    pub name: String,
    /// The schema, named as the target's (on MySQL the namespace is the target's database).
    pub schema: Schema,
    /// The migrations replayed, by version (a repeatable by its `R__<description>` key), in
    /// the order they ran.
    pub replayed: Vec<String>,
}

impl VersionSchema {
    /// How the schema is named when it is shown: `schema at 20240101000000 (create_users)`.
    pub fn label(&self) -> String {
        format!("schema at {} ({})", self.version, self.name)
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaAtError {
    #[error(transparent)]
    Engine(Box<EngineError>),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    #[error("there is no migration {version} in {dir}. Run `strata list` to see the versions.")]
    NoSuchMigration { version: String, dir: String },
    #[error(transparent)]
    Replay(Box<ReplayFailure>),
    #[error(transparent)]
    Preview(Box<PreviewError>),
    #[error(transparent)]
    Compare(Box<CompareError>),
}

/// A migration of the folder whose up part failed while the schema at a version was built.
#[derive(Debug, thiserror::Error)]
#[error("replaying {version} ({name}) to build the schema at {at} failed at {}:{line}:{column}: {message}. The target was not touched and the scratch database was dropped; fix that migration, or pick a version before it.", file.display())]
pub struct ReplayFailure {
    /// The version the schema was asked at.
    pub at: String,
    pub version: String,
    pub name: String,
    pub file: std::path::PathBuf,
    pub line: u32,
    pub column: u32,
    /// The server's message.
    pub message: String,
}

impl From<EngineError> for SchemaAtError {
    fn from(e: EngineError) -> Self {
        Self::Engine(Box::new(e))
    }
}

impl SchemaAtError {
    fn from_preview(at: &str, e: PreviewError) -> Self {
        match e {
            PreviewError::Statement {
                version,
                name,
                file,
                line,
                column,
                message,
                ..
            } => Self::Replay(Box::new(ReplayFailure {
                at: at.to_owned(),
                version,
                name,
                file,
                line,
                column,
                message,
            })),
            PreviewError::Engine(e) => Self::Engine(e),
            PreviewError::Connect(e) => Self::Connect(e),
            PreviewError::Introspect(e) => Self::Introspect(e),
            PreviewError::Scratch(e) => Self::Scratch(e),
            other => Self::Preview(Box::new(other)),
        }
    }
}

/// The migrations `strata up --to version` runs on an empty database, in order: the versioned
/// ones up to and including `version`, then the repeatables. Also the migration `version` is.
pub fn migrations_up_to<'a>(
    set: &'a MigrationSet,
    version: &str,
) -> Result<(Vec<&'a Migration>, &'a Migration), SchemaAtError> {
    let wanted = engine::parse_version(set, version)?;
    let versioned: Vec<&Migration> = (set.migrations.iter())
        .filter(|m| m.kind == MigrationKind::Versioned)
        .collect();
    let at = (versioned.iter())
        .position(|m| m.version == wanted)
        .ok_or_else(|| SchemaAtError::NoSuchMigration {
            version: version.to_owned(),
            dir: set.dir.display().to_string(),
        })?;
    let last = versioned[at];
    let mut walk = versioned[..=at].to_vec();
    walk.extend((set.migrations.iter()).filter(|m| m.kind == MigrationKind::Repeatable));
    Ok((walk, last))
}

/// The schema the migrations of `set` build up to and including `version`, replayed into a
/// scratch database on `url`'s server (a scratch SQLite file for SQLite).
pub async fn schema_at(
    url: &str,
    set: &MigrationSet,
    version: &str,
) -> Result<VersionSchema, SchemaAtError> {
    let kind = DatabaseKind::from_url(url).ok_or_else(|| ConnectError::UnknownScheme {
        target: redact_url(url),
    })?;
    let (walk, last) = migrations_up_to(set, version)?;
    let at = last.version.as_str().to_owned();
    let scratch = Scratch::create(url).await?;
    let built = async {
        let mut session = Session::connect(scratch.url(), CONNECT_TIMEOUT).await?;
        let result = replay_files(&mut session, kind, &walk).await;
        session.close().await;
        result
    }
    .await;
    let dropped = scratch.drop_now().await;
    let (replayed, mut schema) = built.map_err(|e| SchemaAtError::from_preview(&at, e))?;
    dropped?;
    name_after_target(url, kind, &mut schema);
    Ok(VersionSchema {
        version: at,
        name: last.name.clone(),
        schema,
        replayed,
    })
}

/// Run each migration's up part from its file, statement by statement as the executor splits
/// it, then introspect.
async fn replay_files(
    session: &mut Session,
    kind: DatabaseKind,
    walk: &[&Migration],
) -> Result<(Vec<String>, Schema), PreviewError> {
    let mut replayed = Vec::with_capacity(walk.len());
    for m in walk {
        let part = (m.up.sql.as_str(), m.up.first_line, m.up.path.as_path());
        let id = (m.version.as_str(), m.name.as_str());
        run_part(session, kind, id, part, None, "replaying", DROPPED).await?;
        replayed.push(m.version.as_str().to_owned());
    }
    let schema = introspect_session(session).await?;
    Ok((replayed, schema))
}

/// The database at `url` (A) against the schema at `version` (B), built while A is read: as
/// [`super::compare::compare`] with B in `--with`'s place, `diff(a, b)` and the SQL that makes
/// the schema at `version` like the database (the database's changes since that version, as a
/// migration). The database is only read.
pub async fn compare_at(
    url: &str,
    set: &MigrationSet,
    version: &str,
) -> Result<(Comparison, VersionSchema), SchemaAtError> {
    let (a, at) = tokio::join!(introspect_url(url), schema_at(url, set, version));
    let (a, at) = (a?, at?);
    let (up, down) = up_down(&at.schema, &a, &RenameHints::default()).map_err(|source| {
        SchemaAtError::Compare(Box::new(CompareError::Ddl {
            a: redact_url(url),
            b: at.label(),
            source,
        }))
    })?;
    let comparison = Comparison {
        target_a: redact_url(url),
        target_b: at.label(),
        diff: diff(&a, &at.schema),
        a,
        b: at.schema.clone(),
        up,
        down,
    };
    Ok((comparison, at))
}
