//! The timeline: every migration of a project (in apply order, plus the history rows of any
//! target whose file is gone, placed by version) with its state in each target. The folder and
//! every target's history are read at once, each history once, with no query per row, so a
//! project of thousands of migrations answers in well under a second.

use std::collections::{HashMap, HashSet};
use std::time::{Instant, SystemTime};

use strata_core::engine::{HistorySnapshot, StatusEntry};
use strata_core::{Migration, MigrationKind, MigrationSet, Version};
use strata_project::Project;

use crate::commands::timeline::{
    NewMigration, Timeline, TimelineCell, TimelineProject, TimelineRow, TimelineTarget,
};
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets::{self, Target};

/// Where a row sorts: versioned migrations by their layout's order, then repeatables by
/// description (as the engine orders them).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Versioned(Version),
    Repeatable(String),
}

fn place_of(set: &MigrationSet, raw: &str) -> Option<Place> {
    match raw.strip_prefix(strata_core::plan::REPEATABLE_PREFIX) {
        Some(description) => Some(Place::Repeatable(description.to_owned())),
        None => Version::parse(set.layout, raw).ok().map(Place::Versioned),
    }
}

/// Every migration of the project at `root` with its state in each of its targets.
pub async fn timeline(state: &AppState, root: &str) -> Result<Timeline, IpcError> {
    let started = Instant::now();
    let root = targets::canonical(root)?;
    let project = Project::open(&root)?;
    let targets = targets::of_project(state, &root);
    let reading = project.clone();
    let folder = tokio::task::spawn_blocking(move || reading.migrations());
    let histories = targets::read_each(state, &targets, |access| async move {
        let started = Instant::now();
        let snapshot = strata_core::engine::snapshot_pooled(&access.pool).await?;
        Ok((snapshot, ms_since(started)))
    });
    let (set, histories) = tokio::join!(folder, histories);
    let set = set.map_err(|e| {
        IpcError::new(
            IpcErrorCode::Internal,
            format!("reading the migrations folder stopped: {e}"),
        )
    })??;
    Ok(build(
        &project,
        &set,
        &targets,
        histories,
        ms_since(started),
    ))
}

fn ms_since(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

/// The timeline of `set` from each target's history (or why it could not be read).
fn build(
    project: &Project,
    set: &MigrationSet,
    targets: &[Target],
    histories: Vec<Result<(HistorySnapshot, f64), IpcError>>,
    started_ms: f64,
) -> Timeline {
    let measured = Instant::now();
    let mut columns: Vec<TimelineTarget> = Vec::with_capacity(targets.len());
    let mut statuses: Vec<Option<HashMap<String, StatusEntry>>> = Vec::new();
    let mut orphans: Vec<(Place, String, String)> = Vec::new();
    // History rows are keyed by the version as the file writes it.
    let disk: HashSet<&str> = set.migrations.iter().map(|m| m.version.as_str()).collect();
    for (target, history) in targets.iter().zip(histories) {
        let mut column = target.column();
        match history {
            Ok((snapshot, read_ms)) => {
                let report = snapshot.status(set);
                column.current = targets::current_version(&report.entries);
                column.foreign = report.foreign;
                column.read_ms = read_ms;
                for e in report
                    .entries
                    .iter()
                    .filter(|e| !disk.contains(e.version.as_str()))
                {
                    if let Some(place) = place_of(set, &e.version) {
                        orphans.push((place, e.version.clone(), e.name.clone()));
                    }
                }
                let by_version = report
                    .entries
                    .into_iter()
                    .map(|e| (e.version.clone(), e))
                    .collect();
                statuses.push(Some(by_version));
            }
            Err(error) => {
                column.error = Some(error);
                statuses.push(None);
            }
        }
        columns.push(column);
    }
    let cells = |version: &str| -> Vec<Option<TimelineCell>> {
        statuses
            .iter()
            .map(|status| {
                let entry = status.as_ref()?.get(version)?;
                Some(TimelineCell {
                    state: entry.state,
                    applied: entry.applied.clone(),
                })
            })
            .collect()
    };
    let mut rows: Vec<(Place, TimelineRow)> = set
        .migrations
        .iter()
        .map(|m| {
            (
                place_of_migration(m),
                disk_row(m, cells(m.version.as_str())),
            )
        })
        .collect();
    orphans.sort();
    orphans.dedup_by(|a, b| a.1 == b.1);
    for (place, version, name) in orphans {
        let row = TimelineRow {
            repeatable: matches!(place, Place::Repeatable(_)),
            cells: cells(&version),
            version,
            name,
            description: None,
            author: None,
            on_disk: false,
            reversible: false,
            no_transaction: false,
        };
        rows.push((place, row));
    }
    // Stable: the files keep their apply order; a gone file's row goes where its version sorts.
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    tracing::debug!(
        rows = rows.len(),
        merge_ms = ms_since(measured),
        "timeline built"
    );
    Timeline {
        project: TimelineProject {
            name: project.name.clone(),
            root: project.root.display().to_string(),
            migrations_dir: set.dir.display().to_string(),
            layout: set.layout.as_str().to_owned(),
        },
        targets: columns,
        rows: rows.into_iter().map(|(_, row)| row).collect(),
        read_ms: started_ms + ms_since(measured),
    }
}

fn place_of_migration(m: &Migration) -> Place {
    match m.kind {
        MigrationKind::Repeatable => Place::Repeatable(
            m.version
                .as_str()
                .trim_start_matches(strata_core::plan::REPEATABLE_PREFIX)
                .to_owned(),
        ),
        MigrationKind::Versioned => Place::Versioned(m.version.clone()),
    }
}

fn disk_row(m: &Migration, cells: Vec<Option<TimelineCell>>) -> TimelineRow {
    TimelineRow {
        version: m.version.as_str().to_owned(),
        name: m.name.clone(),
        description: m.description.clone(),
        author: m.author.clone(),
        on_disk: true,
        reversible: m.is_reversible(),
        no_transaction: m.no_transaction,
        repeatable: m.kind == MigrationKind::Repeatable,
        cells,
    }
}

/// Create a migration pair named `name` in the project at `root`, as `strata new` does.
pub fn new_migration(root: &str, name: &str) -> Result<NewMigration, IpcError> {
    const GOOD_NAME: &str = "Use a few words such as `create users` (letters, digits and spaces; it becomes `create_users`).";
    if name.trim().is_empty() {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            format!("enter a name for the migration. {GOOD_NAME}"),
        ));
    }
    if name.contains(['/', '\\']) || name.contains("..") {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            format!("'{name}' is not usable as a migration name: a name cannot hold '/', '\\' or '..' (the files are always made in the project's migrations folder). {GOOD_NAME}"),
        ));
    }
    let project = Project::open(&targets::canonical(root)?)?;
    let made = project.new_migration(name, SystemTime::now())?;
    Ok(NewMigration {
        version: made.version.as_str().to_owned(),
        name: made.name,
        up_path: made.up_path.display().to_string(),
        down_path: Some(made.down_path.display().to_string()),
    })
}
