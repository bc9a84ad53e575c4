//! The databases a project is applied to (its *targets*): the embedded demo database, for the
//! project the app opened only, and every saved connection whose project folder (its own, else
//! its group's) is the project. A target that needs a password or cannot be reached is still a
//! target, carrying its error; reads of several targets run at once, each bounded in time.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use strata_core::driver::DbPool;
use strata_core::engine::StatusEntry;
use strata_core::history::{AppliedState, Event};
use strata_core::DatabaseKind;
use strata_project::connections::ConnectionManager;
use strata_project::secret::Secret;
use strata_project::{ConnectionProfile, EnvironmentTier, Project};

use crate::commands::timeline::{
    ProjectRef, TargetEvent, TargetFailure, TargetProtection, TimelineTarget, EMBEDDED_TARGET,
};
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;

/// The pool key of the embedded database: a connection id never holds a `:`.
const EMBEDDED_POOL: &str = ":embedded";

/// How long one target's read may take in all: a connection from its pool and the reads,
/// each bounded by the pool's timeout.
pub const READ_BOUND: Duration = Duration::from_secs(2 * crate::pools::POOL_TIMEOUT.as_secs());

/// A database the project is applied to, as the timeline's column describes it.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    pub label: String,
    pub engine: DatabaseKind,
    pub tier: EnvironmentTier,
    pub colour: Option<String>,
    pub location: String,
    pub protection: TargetProtection,
}

/// How to reach a target: its URL (password included: handed to the engine only) and its pool.
#[derive(Clone)]
pub struct Access {
    pub url: Secret,
    pub pool: DbPool,
}

impl Target {
    pub fn is_embedded(&self) -> bool {
        self.id == EMBEDDED_TARGET
    }

    /// Its column before anything was read from it.
    pub fn column(&self) -> TimelineTarget {
        TimelineTarget {
            id: self.id.clone(),
            label: self.label.clone(),
            engine: self.engine,
            tier: self.tier,
            colour: self.colour.clone(),
            location: self.location.clone(),
            protection: self.protection.clone(),
            current: None,
            foreign: None,
            error: None,
            read_ms: 0.0,
        }
    }
}

impl Target {
    /// `event`, as read from this target.
    pub fn event(&self, event: Event) -> TargetEvent {
        TargetEvent {
            target: self.id.clone(),
            target_label: self.label.clone(),
            tier: self.tier,
            event,
        }
    }

    /// This target's read failed with `error`.
    pub fn failure(&self, error: IpcError) -> TargetFailure {
        TargetFailure {
            target: self.id.clone(),
            target_label: self.label.clone(),
            error,
        }
    }
}

/// `root` as an existing folder, canonical, so two spellings of one folder compare equal.
pub fn canonical(root: &str) -> Result<PathBuf, IpcError> {
    if root.trim().is_empty() {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            "no project folder was given: choose a project",
        ));
    }
    Path::new(root).canonicalize().map_err(|e| {
        IpcError::new(
            IpcErrorCode::NotFound,
            format!("the project folder {root} cannot be opened ({e}); check that it still exists"),
        )
    })
}

fn same_folder(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
    canon(a) == canon(b)
}

fn manager(state: &AppState) -> Result<Arc<ConnectionManager>, IpcError> {
    state
        .connections()
        .map_err(|e| IpcError::new(IpcErrorCode::Project, e))
}

/// Every saved connection with its project folder (its own, else its group's) and whether it
/// is read-only right now.
fn saved(state: &AppState) -> Vec<(ConnectionProfile, Option<PathBuf>, bool)> {
    let Ok(manager) = manager(state) else {
        // The Connections screen reports the unreadable file; the timeline shows the rest.
        tracing::warn!(
            "the connections file is unreadable: the timeline shows no saved connection"
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for section in manager.sections() {
        let group_dir = section.project_dir.map(PathBuf::from);
        for row in section.connections {
            let dir = row
                .profile
                .project_dir
                .clone()
                .or_else(|| group_dir.clone());
            out.push((row.profile, dir, row.locked));
        }
    }
    out
}

fn embedded(state: &AppState) -> Target {
    let path = strata_project::paths::demo_database(&state.data_dir);
    Target {
        id: EMBEDDED_TARGET.to_owned(),
        label: "Demo database (embedded)".to_owned(),
        engine: DatabaseKind::Sqlite,
        tier: EnvironmentTier::Development,
        colour: None,
        location: path.display().to_string(),
        protection: TargetProtection {
            read_only: false,
            confirm_name: None,
        },
    }
}

fn saved_target(profile: &ConnectionProfile, locked: bool) -> Target {
    let location = match (profile.engine, &profile.sqlite_path) {
        (DatabaseKind::Sqlite, Some(path)) => path.display().to_string(),
        _ => {
            let port = profile.port.map(|p| format!(":{p}")).unwrap_or_default();
            format!("{}{port}/{}", profile.host, profile.database)
        }
    };
    Target {
        id: profile.id.clone(),
        label: profile.name.clone(),
        engine: profile.engine,
        tier: profile.tier,
        colour: profile.colour.clone(),
        location,
        protection: TargetProtection {
            read_only: locked,
            confirm_name: profile
                .protection
                .confirm_by_name
                .then(|| profile.confirmation_name()),
        },
    }
}

/// The targets of the project at `root` (canonical): the embedded database first when it is
/// the project the app opened, then its saved connections as the Connections list orders them.
pub fn of_project(state: &AppState, root: &Path) -> Vec<Target> {
    let mut targets = Vec::new();
    if same_folder(root, &state.project_root) {
        targets.push(embedded(state));
    }
    for (profile, dir, locked) in saved(state) {
        if dir.is_some_and(|d| same_folder(&d, root)) {
            targets.push(saved_target(&profile, locked));
        }
    }
    targets
}

/// Target `id` of the project at `root`; `notFound` when the project has no such target.
pub fn find(state: &AppState, root: &Path, id: &str) -> Result<Target, IpcError> {
    of_project(state, root)
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| {
            IpcError::new(
                IpcErrorCode::NotFound,
                format!(
                    "{} has no database \"{id}\": attach the connection to this project folder (or to its group) in Connections, or pick another database",
                    root.display()
                ),
            )
        })
}

/// The backend's guard before any write: a saved connection's protection (read-only until
/// unlocked, the typed database name). The embedded demo database has none.
pub fn check_write(
    state: &AppState,
    target: &Target,
    confirmation: Option<&str>,
) -> Result<(), IpcError> {
    if target.is_embedded() {
        return Ok(());
    }
    manager(state)?.check_write(&target.id, confirmation)?;
    Ok(())
}

/// The URL and pool of `target`: the embedded database's file is created on first use; a
/// saved connection's password comes from where its profile keeps it.
pub async fn connect(state: &AppState, target: &Target) -> Result<Access, IpcError> {
    if target.is_embedded() {
        let path = strata_project::paths::demo_database(&state.data_dir);
        let db = state
            .demo_database
            .get_or_try_init(|| strata_core::driver::ensure_sqlite_file(&path))
            .await?;
        let mut profile = ConnectionProfile::new(
            &target.label,
            DatabaseKind::Sqlite,
            EnvironmentTier::Development,
        );
        profile.sqlite_path = Some(db.path.clone());
        let url = strata_project::url::to_url(&profile, None);
        let pool = state.pools.get(EMBEDDED_POOL, &profile, &url)?;
        return Ok(Access { url, pool });
    }
    let (profile, url) = manager(state)?.resolve(&target.id).await?;
    let pool = state.pools.get(&target.id, &profile, &url)?;
    Ok(Access { url, pool })
}

/// Connect to each target and run `read` against it on the engine's threads, all at once;
/// each result (or why that target could not be read) in the order of `targets`. One read
/// is bounded by [`READ_BOUND`].
pub async fn read_each<T, F, Fut>(
    state: &AppState,
    targets: &[Target],
    read: F,
) -> Vec<Result<T, IpcError>>
where
    F: Fn(Access) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<T, IpcError>> + 'static,
    T: Send + 'static,
{
    let reads = targets.iter().map(|target| {
        let read = read.clone();
        async move {
            let access = connect(state, target).await?;
            let label = target.label.clone();
            crate::engine_task::run(move || async move {
                tokio::time::timeout(READ_BOUND, read(access))
                    .await
                    .unwrap_or_else(|_| Err(timed_out(&label)))
            })
            .await?
        }
    });
    join_all(reads.collect()).await
}

fn timed_out(label: &str) -> IpcError {
    IpcError::new(
        IpcErrorCode::Database,
        format!(
            "\"{label}\" did not answer within {} s. Check that its server is up and reachable, then refresh.",
            READ_BOUND.as_secs()
        ),
    )
}

/// Drive every future at once; their outputs in the order given.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut finished = true;
        for (future, out) in pending.iter_mut().zip(done.iter_mut()) {
            if out.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *out = Some(value),
                    Poll::Pending => finished = false,
                }
            }
        }
        if finished {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    done.into_iter().flatten().collect()
}

/// The newest applied versioned migration of a status, in version order.
pub fn current_version(entries: &[StatusEntry]) -> Option<String> {
    entries
        .iter()
        .filter(|e| !strata_core::plan::is_repeatable(&e.version))
        .filter(|e| {
            e.applied
                .as_ref()
                .is_some_and(|a| a.state == AppliedState::Applied)
        })
        .map(|e| e.version.clone())
        .next_back()
}

/// The projects the app knows: the one it opened first, then every folder attached to a
/// saved connection (or its group), each with its number of connections.
pub fn projects(state: &AppState) -> Vec<ProjectRef> {
    let mut folders: Vec<(PathBuf, u32)> = vec![(
        state
            .project_root
            .canonicalize()
            .unwrap_or_else(|_| state.project_root.clone()),
        0,
    )];
    for (_, dir, _) in saved(state) {
        let Some(dir) = dir else { continue };
        let dir = dir.canonicalize().unwrap_or(dir);
        match folders.iter_mut().find(|(known, _)| *known == dir) {
            Some((_, count)) => *count += 1,
            None => folders.push((dir, 1)),
        }
    }
    folders
        .into_iter()
        .enumerate()
        .map(|(i, (root, connections))| ProjectRef {
            name: project_name(&root),
            root: root.display().to_string(),
            connections,
            default: i == 0,
        })
        .collect()
}

/// The name `strata.toml` gives, else the folder's name.
fn project_name(root: &Path) -> String {
    match Project::open(root) {
        Ok(project) => project.name,
        Err(_) => root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| root.display().to_string()),
    }
}
