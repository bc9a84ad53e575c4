//! The Schema screen's services: introspect a target, preview its pending migrations, compare
//! two targets, write a generated migration; drift, Test rollback and the schema at a version
//! in [`checks`]. Reads never change a target (previews roll back or replay into a scratch
//! database); a generated migration is both files or none.

pub mod checks;
pub mod view;

use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

use strata_core::schema::compare::with_directive;
use strata_core::schema::ddl::up_down;
use strata_core::schema::diff::{diff, RenameHints};
use strata_core::schema::introspect::{introspect_url, IntrospectError};
use strata_core::schema::preview::{preview, PreviewError};
use strata_core::schema::Schema;
use strata_core::DatabaseKind;
use strata_project::Project;

use crate::commands::schema::{MigrationEffect, TargetComparison, TargetSchema};
use crate::commands::timeline::NewMigration;
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets::{self, Access, Target};

/// How long one introspection or preview may take, connection included.
pub const SCHEMA_BOUND: Duration = Duration::from_secs(120);

/// The live schema of target `id` of the project at `root`.
pub async fn schema_of(state: &AppState, root: &str, id: &str) -> Result<TargetSchema, IpcError> {
    let started = Instant::now();
    let (target, access) = open(state, root, id).await?;
    let schema = introspect(&target, access).await?;
    Ok(TargetSchema {
        target: target.id.clone(),
        target_label: target.label.clone(),
        schema: view::view(&schema)?,
        read_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// The effect of the pending migrations of target `id`, up to and including `version`.
pub async fn migration_effect(
    state: &AppState,
    root: &str,
    id: &str,
    version: Option<&str>,
) -> Result<MigrationEffect, IpcError> {
    let canonical = targets::canonical(root)?;
    let project = Project::open(&canonical)?;
    let mut set = project.migrations()?;
    // The migrations before `version`: their state is the "before" of its own effect.
    let mut earlier = None;
    if let Some(v) = version {
        let Some(at) = set.migrations.iter().position(|m| m.version.as_str() == v) else {
            return Err(IpcError::new(
                IpcErrorCode::NotFound,
                format!(
                    "{} has no migration file {v}: refresh the timeline and pick a migration that is on disk",
                    project.name
                ),
            ));
        };
        set.migrations.truncate(at + 1);
        let mut before = set.clone();
        before.migrations.truncate(at);
        earlier = Some(before);
    }
    let (target, access) = open(state, root, id).await?;
    let url = access.url.clone();
    let p = bounded(&target, move || async move {
        preview(url.expose(), &set).await.map_err(preview_error)
    })
    .await?;
    // A version with pending migrations before it: its own effect starts where they end, so a
    // second preview (also rolled back) runs just those.
    let mut p = p;
    if let (Some(earlier), true) = (earlier, p.pending.len() > 1) {
        let url = access.url.clone();
        let first = bounded(&target, move || async move {
            preview(url.expose(), &earlier).await.map_err(preview_error)
        })
        .await?;
        p.before = first.after;
    }
    let d = diff(&p.before, &p.after);
    Ok(MigrationEffect {
        target: target.id.clone(),
        target_label: target.label.clone(),
        version: version.map(str::to_owned),
        pending: p.pending,
        method: p.method,
        before: view::view(&p.before)?,
        after: view::view(&p.after)?,
        counts: view::counts(&d),
        diff: d,
    })
}

/// Target `a` against target `b`: the diff from B to A and the SQL that makes B like A.
pub async fn compare(
    state: &AppState,
    root: &str,
    a: &str,
    b: &str,
) -> Result<TargetComparison, IpcError> {
    if a == b {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            "a database compared with itself has no differences: pick two different databases",
        ));
    }
    let (ta, access_a) = open(state, root, a).await?;
    let (tb, access_b) = open(state, root, b).await?;
    if ta.engine != tb.engine {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            format!(
                "\"{}\" is {:?} and \"{}\" is {:?}: Strata compares databases of the same engine only. Pick two databases of one engine.",
                ta.label, ta.engine, tb.label, tb.engine
            ),
        ));
    }
    let (sa, sb) = tokio::join!(introspect(&ta, access_a), introspect(&tb, access_b));
    let (sa, sb) = (sa?, sb?);
    let (up, down) = up_down(&sb, &sa, &RenameHints::default()).map_err(view::ddl_error)?;
    let d = diff(&sb, &sa);
    Ok(TargetComparison {
        a: ta.id.clone(),
        a_label: ta.label.clone(),
        b: tb.id.clone(),
        b_label: tb.label.clone(),
        a_ddl: view::whole_ddl(&sa)?,
        b_ddl: view::whole_ddl(&sb)?,
        counts: view::counts(&d),
        diff: d,
        up: view::script(&up),
        down: view::script(&down),
    })
}

/// A new migration pair named `name` in the project at `root`, made as `new_migration` makes
/// it, holding `up` and `down`. On any failure neither file is left.
pub fn write_generated(
    root: &str,
    name: &str,
    up: &str,
    down: &str,
) -> Result<NewMigration, IpcError> {
    if up.trim().is_empty() {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            "the up SQL is empty: there is nothing to migrate. Compare two databases that differ, then generate again.",
        ));
    }
    // A SQLite table rebuild sets PRAGMA foreign_keys, which does nothing inside a transaction:
    // such a part gets the no-transaction directive, as `strata schema generate` gives it. The
    // pragma exists in SQLite only, so no other engine's SQL is changed.
    let (up, down) = (
        &with_directive(DatabaseKind::Sqlite, up),
        &with_directive(DatabaseKind::Sqlite, down),
    );
    let made = crate::timeline::new_migration(root, name)?;
    let up_path = Path::new(&made.up_path).to_owned();
    let down_path = made.down_path.as_deref().map(Path::new).map(Path::to_owned);
    let written = replace(&up_path, up).and_then(|()| match &down_path {
        Some(p) => replace(p, down),
        None => Ok(()),
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&up_path);
        if let Some(p) = &down_path {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    Ok(made)
}

/// Replace the contents of `path` through a temporary file beside it, renamed over it.
fn replace(path: &Path, text: &str) -> Result<(), IpcError> {
    let io = |e: std::io::Error| {
        IpcError::new(
            IpcErrorCode::Io,
            format!(
                "{} could not be written ({e}); no migration was created. Check that the migrations folder is writable.",
                path.display()
            ),
        )
    };
    let tmp = path.with_extension("sql.tmp");
    let mut body = text.trim_end().to_owned();
    body.push('\n');
    std::fs::write(&tmp, body).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

async fn open(state: &AppState, root: &str, id: &str) -> Result<(Target, Access), IpcError> {
    let root = targets::canonical(root)?;
    let target = targets::find(state, &root, id)?;
    let access = targets::connect(state, &target).await?;
    Ok((target, access))
}

async fn introspect(target: &Target, access: Access) -> Result<Schema, IpcError> {
    let url = access.url.clone();
    bounded(target, move || async move {
        introspect_url(url.expose()).await.map_err(introspect_error)
    })
    .await
}

/// Run `make` on the engine's threads, bounded by [`SCHEMA_BOUND`].
async fn bounded<T, F, Fut>(target: &Target, make: F) -> Result<T, IpcError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, IpcError>>,
    T: Send + 'static,
{
    bounded_for(target, SCHEMA_BOUND, "reading the schema of", make).await
}

/// Run `make` on the engine's threads, stopped after `limit`; `doing` names the work in the
/// message ("checking drift" → "checking drift on \"dev\" took longer than …").
async fn bounded_for<T, F, Fut>(
    target: &Target,
    limit: Duration,
    doing: &'static str,
    make: F,
) -> Result<T, IpcError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, IpcError>>,
    T: Send + 'static,
{
    let label = target.label.clone();
    let on = if doing.ends_with(" of") { "" } else { " on" };
    crate::engine_task::run(move || async move {
        tokio::time::timeout(limit, make())
            .await
            .unwrap_or_else(|_| {
                Err(IpcError::new(
                    IpcErrorCode::Database,
                    format!(
                        "{doing}{on} \"{label}\" took longer than {} s and was stopped (any scratch database was dropped). Check that its server is up, then try again.",
                        limit.as_secs()
                    ),
                ))
            })
    })
    .await?
}

fn introspect_error(e: IntrospectError) -> IpcError {
    match e {
        IntrospectError::Connect(c) => c.into(),
        e => IpcError::new(IpcErrorCode::Database, e),
    }
}

fn preview_error(e: PreviewError) -> IpcError {
    match e {
        PreviewError::Engine(e) => (*e).into(),
        PreviewError::Connect(c) => c.into(),
        PreviewError::Introspect(e) => introspect_error(e),
        e => IpcError::new(IpcErrorCode::Database, e),
    }
}
