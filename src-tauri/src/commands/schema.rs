//! The Schema screen's commands: the live schema of one target, the effect of a target's
//! pending migrations, the comparison of two targets (or of a target and the schema at a
//! version), drift, Test rollback, and writing a generated migration. Nothing here writes to a
//! target: previews roll back, and drift, Test rollback and versions use a scratch database.

use serde::Serialize;
use specta::Type;
use strata_core::schema::diff::{ObjectKind, PartKind, SchemaDiff};
use strata_core::schema::preview::PreviewMethod;
use strata_core::schema::roundtrip::{RoundTripProgress, RoundTripReport};
use strata_core::DatabaseKind;
use tauri::ipc::Channel;
use tauri::State;

use crate::commands::timeline::NewMigration;
use crate::error::IpcError;
use crate::state::AppState;

/// One attribute of an object or part, as text (`type`: `integer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaAttribute {
    pub label: String,
    pub value: String,
}

/// A column, key, index, constraint or trigger of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaPart {
    pub kind: PartKind,
    pub name: String,
    /// One line that says what it is (`integer not null default 0`, `(email) unique`).
    pub summary: String,
    pub attributes: Vec<SchemaAttribute>,
}

/// A table, view, sequence, enum type or routine, with the DDL that creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaObject {
    pub kind: ObjectKind,
    pub name: String,
    pub attributes: Vec<SchemaAttribute>,
    pub parts: Vec<SchemaPart>,
    /// The statements that create this object alone, in the database's dialect.
    pub ddl: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaNamespace {
    pub name: String,
    /// By kind (enum types, sequences, tables, views, routines), then name.
    pub objects: Vec<SchemaObject>,
}

/// A schema as the screen shows it: its object tree and the DDL of the whole of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaView {
    pub engine: DatabaseKind,
    pub namespaces: Vec<SchemaNamespace>,
    pub table_count: u32,
    pub ddl: String,
}

/// The live schema of one target.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetSchema {
    pub target: String,
    pub target_label: String,
    pub schema: SchemaView,
    pub read_ms: f64,
}

/// Entries of a diff by change; namespaces, objects and parts are counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiffCounts {
    pub added: u32,
    pub removed: u32,
    pub changed: u32,
}

/// What a target's pending migrations (up to `version`, when given) would change.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationEffect {
    pub target: String,
    pub target_label: String,
    /// The version the preview was cut at, when one was asked for.
    pub version: Option<String>,
    /// The migrations previewed, in the order they ran. With a version, those before it ran
    /// first, and `before` is the schema they leave: the diff is that version's own effect.
    pub pending: Vec<String>,
    pub method: PreviewMethod,
    pub before: SchemaView,
    pub after: SchemaView,
    /// From before to after.
    pub diff: SchemaDiff,
    pub counts: DiffCounts,
}

/// Target A against target B: what makes B like A.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetComparison {
    pub a: String,
    pub a_label: String,
    pub b: String,
    pub b_label: String,
    pub a_ddl: String,
    pub b_ddl: String,
    /// From B to A: what the generated migration changes in B.
    pub diff: SchemaDiff,
    pub counts: DiffCounts,
    /// The statements that make B like A, and those that undo them.
    pub up: String,
    pub down: String,
}

/// A target against the schema its applied migrations build (replayed from the SQL its history
/// stored, in a scratch database): what changed outside migrations.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetDrift {
    pub target: String,
    pub target_label: String,
    /// The migrations replayed, by version, in the order they ran.
    pub replayed: Vec<String>,
    /// The DDL of the schema the history builds, and of the database as it is.
    pub expected_ddl: String,
    pub actual_ddl: String,
    /// From the history's schema to the database: an added entry was made outside migrations.
    pub diff: SchemaDiff,
    pub counts: DiffCounts,
    /// A migration that records the changes (makes the history's schema like the database),
    /// and its undo; empty when there is no drift or it cannot be written (see below).
    pub up: String,
    pub down: String,
    /// Why the changes cannot be written as a migration, when they cannot.
    pub generate_refused: Option<String>,
}

/// Test rollback of a target's project: up, down, up of each migration (or of `version`) in a
/// scratch database beside the target.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RollbackTest {
    pub target: String,
    pub target_label: String,
    /// The one migration tested, when one was asked for.
    pub version: Option<String>,
    pub report: RoundTripReport,
    /// Whether every tested migration round-tripped.
    pub clean: bool,
    pub tested: u32,
    pub failed: u32,
    pub ms: f64,
}

/// The live schema of `target` and its DDL.
#[tauri::command]
#[specta::specta]
pub async fn schema_of(
    state: State<'_, AppState>,
    project: String,
    target: String,
) -> Result<TargetSchema, IpcError> {
    crate::schema::schema_of(&state, &project, &target).await
}

/// What the pending migrations of `target` would change, up to and including `version` when
/// given; nothing is left behind in the target.
#[tauri::command]
#[specta::specta]
pub async fn migration_effect(
    state: State<'_, AppState>,
    project: String,
    target: String,
    version: Option<String>,
) -> Result<MigrationEffect, IpcError> {
    crate::schema::migration_effect(&state, &project, &target, version.as_deref()).await
}

/// Target `a` against target `b`: the diff and the SQL that makes B like A.
#[tauri::command]
#[specta::specta]
pub async fn compare_targets(
    state: State<'_, AppState>,
    project: String,
    a: String,
    b: String,
) -> Result<TargetComparison, IpcError> {
    crate::schema::compare(&state, &project, &a, &b).await
}

/// Target `target` against the schema its applied migrations build: drift.
#[tauri::command]
#[specta::specta]
pub async fn schema_drift(
    state: State<'_, AppState>,
    project: String,
    target: String,
) -> Result<TargetDrift, IpcError> {
    crate::schema::checks::drift_of(&state, &project, &target).await
}

/// Up, down and up again of each migration of the project (or of `version` alone) in a scratch
/// database beside `target`, telling `progress` before each step; the target is not touched.
#[tauri::command]
#[specta::specta]
pub async fn test_rollback(
    state: State<'_, AppState>,
    project: String,
    target: String,
    version: Option<String>,
    progress: Channel<RoundTripProgress>,
) -> Result<RollbackTest, IpcError> {
    let tell = move |p| {
        // A closed window stops listening; the test goes on and its result is dropped.
        let _ = progress.send(p);
    };
    crate::schema::checks::rollback_test(&state, &project, &target, version.as_deref(), tell).await
}

/// Target `target` (A) against the schema at `version` of the project (B), built in a scratch
/// database: the diff and the SQL that makes B like A.
#[tauri::command]
#[specta::specta]
pub async fn compare_version(
    state: State<'_, AppState>,
    project: String,
    target: String,
    version: String,
) -> Result<TargetComparison, IpcError> {
    crate::schema::checks::compare_version(&state, &project, &target, &version).await
}

/// Create a migration pair named `name` (as `new_migration`) holding `up` and `down`: both
/// files are written, or neither exists.
#[tauri::command]
#[specta::specta]
pub async fn write_generated_migration(
    state: State<'_, AppState>,
    project: String,
    name: String,
    up: String,
    down: String,
) -> Result<NewMigration, IpcError> {
    let _ = state;
    crate::schema::write_generated(&project, &name, &up, &down)
}
