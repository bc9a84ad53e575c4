//! The Schema screen's checks that build a schema in a scratch database beside a target and
//! drop it again: drift (the target against its replayed history), Test rollback (up, down, up
//! of each migration) and the target against the schema at a version of the project. The
//! target itself is only read; every scratch database is dropped on every path.

use std::time::{Duration, Instant};

use strata_core::schema::at_version::{compare_at, SchemaAtError};
use strata_core::schema::ddl::up_down;
use strata_core::schema::diff::{diff, RenameHints};
use strata_core::schema::drift::{drift, DriftError};
use strata_core::schema::roundtrip::{
    test_rollback_with_progress, RoundTripError, RoundTripProgress,
};
use strata_core::schema::scratch::ScratchError;
use strata_core::MigrationSet;
use strata_project::Project;

use super::{bounded_for, introspect_error, open, preview_error, view, SCHEMA_BOUND};
use crate::commands::schema::{RollbackTest, TargetComparison, TargetDrift};
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets;

/// How long a Test rollback may take: each migration runs three times, with four reads.
pub const ROLLBACK_BOUND: Duration = Duration::from_secs(600);

fn migrations(root: &str) -> Result<MigrationSet, IpcError> {
    let canonical = targets::canonical(root)?;
    Ok(Project::open(&canonical)?.migrations()?)
}

/// Target `id` against the schema its applied migrations build, and, when the differences
/// can be written as SQL, the migration that records them (the history's schema made like
/// the database).
pub async fn drift_of(state: &AppState, root: &str, id: &str) -> Result<TargetDrift, IpcError> {
    let set = migrations(root)?;
    let (target, access) = open(state, root, id).await?;
    let url = access.url.clone();
    let report = bounded_for(
        &target,
        SCHEMA_BOUND,
        "checking drift",
        move || async move { drift(url.expose(), &set).await.map_err(drift_error) },
    )
    .await?;
    let (up, down, generate_refused) =
        match up_down(&report.expected, &report.actual, &RenameHints::default()) {
            Ok((up, down)) => (view::script(&up), view::script(&down), None),
            Err(e) => (String::new(), String::new(), Some(e.to_string())),
        };
    Ok(TargetDrift {
        target: target.id.clone(),
        target_label: target.label.clone(),
        replayed: report.replayed,
        expected_ddl: view::whole_ddl(&report.expected)?,
        actual_ddl: view::whole_ddl(&report.actual)?,
        counts: view::counts(&report.diff),
        diff: report.diff,
        up,
        down,
        generate_refused,
    })
}

/// Up, down and up again of every migration with a down part (or of `version` alone, those
/// before it applied first) in a scratch database beside target `id`; `on_progress` hears
/// before each step.
pub async fn rollback_test(
    state: &AppState,
    root: &str,
    id: &str,
    version: Option<&str>,
    on_progress: impl FnMut(RoundTripProgress) + Send + 'static,
) -> Result<RollbackTest, IpcError> {
    let started = Instant::now();
    let set = migrations(root)?;
    let (target, access) = open(state, root, id).await?;
    let url = access.url.clone();
    let only = version.map(str::to_owned);
    let report = bounded_for(
        &target,
        ROLLBACK_BOUND,
        "testing rollbacks",
        move || async move {
            test_rollback_with_progress(url.expose(), &set, only.as_deref(), on_progress)
                .await
                .map_err(rollback_error)
        },
    )
    .await?;
    let failed = report.steps.iter().filter(|s| !s.is_clean()).count();
    Ok(RollbackTest {
        target: target.id.clone(),
        target_label: target.label.clone(),
        version: version.map(str::to_owned),
        clean: report.is_clean(),
        tested: u32::try_from(report.steps.len()).unwrap_or(u32::MAX),
        failed: u32::try_from(failed).unwrap_or(u32::MAX),
        report,
        ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Target `id` (A) against the schema at `version` of the project (B): the diff from B to A
/// and the SQL that makes the schema at `version` like the database.
pub async fn compare_version(
    state: &AppState,
    root: &str,
    id: &str,
    version: &str,
) -> Result<TargetComparison, IpcError> {
    let set = migrations(root)?;
    let (target, access) = open(state, root, id).await?;
    let url = access.url.clone();
    let wanted = version.to_owned();
    let (c, at) = bounded_for(&target, SCHEMA_BOUND, "comparing", move || async move {
        compare_at(url.expose(), &set, &wanted)
            .await
            .map_err(at_version_error)
    })
    .await?;
    let d = diff(&c.b, &c.a);
    Ok(TargetComparison {
        a: target.id.clone(),
        a_label: target.label.clone(),
        b: at.version.clone(),
        b_label: at.label(),
        a_ddl: view::whole_ddl(&c.a)?,
        b_ddl: view::whole_ddl(&c.b)?,
        counts: view::counts(&d),
        diff: d,
        up: view::script(&c.up),
        down: view::script(&c.down),
    })
}

/// A scratch database that cannot be created is the server's answer: its message, as is.
fn scratch_error(e: ScratchError) -> IpcError {
    match e {
        ScratchError::Connect(c) => c.into(),
        e => IpcError::new(IpcErrorCode::Database, e),
    }
}

fn drift_error(e: DriftError) -> IpcError {
    match e {
        DriftError::Engine(e) => (*e).into(),
        DriftError::Connect(c) => c.into(),
        DriftError::Introspect(e) => introspect_error(e),
        DriftError::Scratch(e) => scratch_error(e),
        DriftError::Preview(e) => preview_error(*e),
        e => IpcError::new(IpcErrorCode::Database, e),
    }
}

fn rollback_error(e: RoundTripError) -> IpcError {
    match e {
        RoundTripError::NoSuchMigration { .. } => IpcError::new(IpcErrorCode::NotFound, e),
        RoundTripError::Engine(e) => (*e).into(),
        RoundTripError::Introspect(e) => introspect_error(e),
        RoundTripError::Scratch(e) => scratch_error(e),
        e => IpcError::new(IpcErrorCode::Database, e),
    }
}

fn at_version_error(e: SchemaAtError) -> IpcError {
    match e {
        SchemaAtError::NoSuchMigration { .. } => IpcError::new(IpcErrorCode::NotFound, e),
        SchemaAtError::Engine(e) => (*e).into(),
        SchemaAtError::Connect(c) => c.into(),
        SchemaAtError::Introspect(e) => introspect_error(e),
        SchemaAtError::Scratch(e) => scratch_error(e),
        SchemaAtError::Preview(e) => preview_error(*e),
        e => IpcError::new(IpcErrorCode::Database, e),
    }
}
