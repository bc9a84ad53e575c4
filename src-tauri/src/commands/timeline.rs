//! The timeline's commands: a project's migrations against every database it is applied to,
//! one migration's detail, the plan of a run, the run itself (progress over a channel,
//! cancellable), the administrative operations, the event log and new migrations.
//!
//! A *target* is where a project's migrations are applied: the embedded demo database
//! (`"embedded"`, the default project only) or a saved connection (its id) whose own or
//! group project folder is the project.

use serde::{Deserialize, Serialize};
use specta::Type;
use strata_core::admin::ResolveAction;
use strata_core::adopt::ForeignHistory;
use strata_core::engine::{PlannedRun, RunReport};
use strata_core::executor::{Direction, Progress};
use strata_core::history::{AppliedMigration, Event};
use strata_core::plan::MigrationState;
use strata_core::DatabaseKind;
use strata_project::EnvironmentTier;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

/// The target id of the embedded demo database.
pub const EMBEDDED_TARGET: &str = "embedded";

/// A project the app knows: the one it opened and every folder attached to a connection or
/// a group.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRef {
    pub root: String,
    pub name: String,
    /// Saved connections whose project is this folder.
    pub connections: u32,
    /// The project the app opened at start (the demo project unless `STRATA_PROJECT`).
    pub default: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelineProject {
    pub name: String,
    pub root: String,
    pub migrations_dir: String,
    /// The folder's layout (`strata`, `sqlx`, `flyway`, …).
    pub layout: String,
}

/// One migration's state in one target.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelineCell {
    pub state: MigrationState,
    /// The history row (when, by whom, how long), when applied or partially applied.
    pub applied: Option<AppliedMigration>,
}

/// One row of the timeline: a migration on disk, or a history row whose file is gone.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelineRow {
    pub version: String,
    pub name: String,
    pub description: Option<String>,
    pub author: Option<String>,
    /// False when only a target's history knows this version (its file was deleted).
    pub on_disk: bool,
    /// It has a down part on disk.
    pub reversible: bool,
    pub no_transaction: bool,
    pub repeatable: bool,
    /// One per target, in the order of `Timeline::targets`; `None` where the target's state
    /// could not be read (its `error` says why).
    pub cells: Vec<Option<TimelineCell>>,
}

/// How a target guards writes.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetProtection {
    /// Read-only until unlocked (and not unlocked in this session).
    pub read_only: bool,
    /// Writes need the database name typed: this is what must be typed (`None` when not).
    pub confirm_name: Option<String>,
}

/// A database the project is applied to: a column of the timeline.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TimelineTarget {
    /// `"embedded"` or a saved connection's id.
    pub id: String,
    pub label: String,
    pub engine: DatabaseKind,
    pub tier: EnvironmentTier,
    /// The connection's colour (`#rrggbb`), when it has one.
    pub colour: Option<String>,
    /// Host and database (or file), password-free.
    pub location: String,
    pub protection: TargetProtection,
    /// The newest applied version, when any.
    pub current: Option<String>,
    /// Another tool's history, when the database has no Strata history.
    pub foreign: Option<ForeignHistory>,
    /// Why its state could not be read (unreachable, password needed, …).
    pub error: Option<IpcError>,
    /// How long reading its history took.
    pub read_ms: f64,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    pub project: TimelineProject,
    pub targets: Vec<TimelineTarget>,
    pub rows: Vec<TimelineRow>,
    /// How long building the timeline took in the backend.
    pub read_ms: f64,
}

/// One statement of a part, as the engine splits it for this target's dialect.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StatementSpan {
    /// 1-based.
    pub index: u32,
    /// 1-based line and column in the file where it starts.
    pub line: u32,
    pub column: u32,
    pub sql: String,
}

/// The up or the down part of a migration as the file says now.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PartDetail {
    pub path: String,
    /// The whole file's text.
    pub sql: String,
    /// The part's own text, as the engine runs, checksums and stores it: the whole file,
    /// except in dbmate's layout, where the up and down blocks share one file.
    pub part_sql: String,
    pub statements: Vec<StatementSpan>,
    pub no_transaction: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CheckKind {
    /// A `-- strata:no-transaction` directive (or a layout's own marker).
    NoTransactionDirective,
    /// A statement that cannot run inside a transaction (CREATE INDEX CONCURRENTLY, VACUUM, …).
    CannotRunInTransaction,
    /// The file controls transactions itself (BEGIN/COMMIT).
    TransactionControl,
    /// No down part: it cannot be rolled back.
    MissingDown,
    /// A MySQL/MariaDB statement that commits implicitly and cannot be rolled back.
    ImplicitCommit,
    /// An empty or comment-only part.
    EmptyPart,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CheckLevel {
    Info,
    Warning,
}

/// Something to know before running a migration.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub kind: CheckKind,
    pub level: CheckLevel,
    pub message: String,
    /// Which part and line it is about, when it is about one.
    pub direction: Option<Direction>,
    pub line: Option<u32>,
    /// Which dialect it applies to (`None`: every one).
    pub engine: Option<DatabaseKind>,
}

/// What a target's history stored when the migration was applied there.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StoredSql {
    pub target: String,
    pub up_sql: String,
    pub down_sql: Option<String>,
    pub checksum: String,
    /// The file's checksum equals the recorded one.
    pub up_matches_file: bool,
    /// The down file equals the stored down SQL (`true` when both are absent).
    pub down_matches_file: bool,
}

/// An event of a target's log.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetEvent {
    pub target: String,
    pub target_label: String,
    pub tier: EnvironmentTier,
    pub event: Event,
}

/// A target whose history or log could not be read, and why.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TargetFailure {
    pub target: String,
    pub target_label: String,
    pub error: IpcError,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MigrationDetail {
    pub version: String,
    pub name: String,
    pub description: Option<String>,
    pub author: Option<String>,
    /// `None` when the file is gone (a history row only).
    pub up: Option<PartDetail>,
    pub down: Option<PartDetail>,
    pub checks: Vec<Check>,
    /// Per target where it is (or was partially) applied.
    pub stored: Vec<StoredSql>,
    /// Its events in every target, newest first.
    pub events: Vec<TargetEvent>,
    pub failures: Vec<TargetFailure>,
}

/// Where a run should leave a target.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum RunAction {
    /// Apply every pending migration.
    Latest,
    /// Apply pending migrations up to and including `version`.
    UpTo { version: String },
    /// Roll back every applied migration newer than `version` (it stays applied).
    DownTo { version: String },
    /// Roll back everything.
    Zero,
    /// Roll back the newest applied migration and apply it again.
    Redo,
}

#[derive(Debug, Clone, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunRequest {
    /// The project root.
    pub project: String,
    pub target: String,
    pub action: RunAction,
    pub allow_out_of_order: bool,
    /// The whole plan in one transaction (PostgreSQL, SQLite).
    pub single_transaction: bool,
    /// The database name typed by the user, for a connection that asks for it.
    pub confirmation: Option<String>,
}

/// Who holds a target's migration lock.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LockStatus {
    pub held: bool,
    /// Who holds it (process, host, since when), in words.
    pub holder: Option<String>,
}

/// What a run would do, before it runs.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunPlan {
    pub target: TimelineTarget,
    pub steps: Vec<PlannedRun>,
    pub notes: Vec<String>,
    pub lock: LockStatus,
    /// Steps that cannot be undone (no down part, or MySQL data changes).
    pub irreversible: Vec<String>,
}

/// What streams over a run's channel while it runs.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum RunEvent {
    /// The plan as it is about to run (after the lock was taken).
    Started {
        #[serde(rename = "runKey")]
        run_key: String,
        steps: Vec<PlannedRun>,
    },
    /// Another run holds the lock; this one waits (bounded).
    LockWaiting {
        holder: Option<String>,
    },
    Progress {
        progress: Progress,
    },
}

/// How a failed statement left the database, for the run view's failure account.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunFailure {
    pub version: String,
    pub name: String,
    pub direction: Direction,
    pub file: String,
    /// 1-based statement index and count.
    pub index: u32,
    pub total: u32,
    pub line: u32,
    pub column: u32,
    pub statement: String,
    /// The server's message.
    pub message: String,
    /// Everything the failed migration did was rolled back.
    pub rolled_back: bool,
    /// Statements (1-based) that committed before the failure.
    pub committed: Vec<u32>,
    /// Migrations of this run that had finished before it.
    pub completed: Vec<String>,
    /// Set when the connection was lost rather than a statement failing: what is known of
    /// the migration's state and what to do, in words (`message` is then the driver's).
    pub connection_lost: Option<String>,
}

/// The end of a run: its report, or why it stopped.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum RunOutcome {
    Finished {
        report: RunReport,
    },
    /// A statement failed; `error` has the full text.
    Failed {
        failure: RunFailure,
        error: IpcError,
    },
    Cancelled {
        /// What the cancelled run left, in words.
        message: String,
        completed: Vec<String>,
    },
}

/// A new migration pair.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewMigration {
    pub version: String,
    pub name: String,
    pub up_path: String,
    pub down_path: Option<String>,
}

/// The event log across targets, newest first.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryLog {
    pub events: Vec<TargetEvent>,
    pub failures: Vec<TargetFailure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// Which events a history view shows or exports (empty lists: all).
#[derive(Debug, Clone, Default, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryFilter {
    pub targets: Vec<String>,
    pub kinds: Vec<strata_core::history::EventKind>,
    pub outcomes: Vec<strata_core::history::Outcome>,
    /// Matches the version or the name.
    pub migration: Option<String>,
}

// ---- Commands: each resolves the state and calls one service (targets, timeline, detail,
// runs, history), whose errors are already `IpcError`s.

/// The projects the app knows (the opened one first).
#[tauri::command]
#[specta::specta]
pub async fn list_projects(state: State<'_, AppState>) -> Result<Vec<ProjectRef>, IpcError> {
    Ok(crate::targets::projects(&state))
}

/// Every migration of `project` with its state in each of the project's targets.
#[tauri::command]
#[specta::specta]
pub async fn timeline(state: State<'_, AppState>, project: String) -> Result<Timeline, IpcError> {
    crate::timeline::timeline(&state, &project).await
}

/// One migration: its SQL split into statements, its checks, the SQL each target stored and
/// its events.
#[tauri::command]
#[specta::specta]
pub async fn migration_detail(
    state: State<'_, AppState>,
    project: String,
    version: String,
) -> Result<MigrationDetail, IpcError> {
    crate::detail::detail(&state, &project, &version).await
}

/// What `request` would run (a dry run: nothing is touched), the lock's holder and the
/// target's protection.
#[tauri::command]
#[specta::specta]
pub async fn plan_run(
    state: State<'_, AppState>,
    request: RunRequest,
) -> Result<RunPlan, IpcError> {
    crate::runs::plan(&state, request).await
}

/// Run `request` under the migration lock, streaming progress to `events`. `run_key`
/// (chosen by the caller) names the run for `cancel_run`. A protected target refuses
/// without the typed confirmation, whatever the UI sent.
#[tauri::command]
#[specta::specta]
pub async fn run_migrations(
    state: State<'_, AppState>,
    request: RunRequest,
    run_key: String,
    events: Channel<RunEvent>,
) -> Result<RunOutcome, IpcError> {
    crate::runs::run(&state, request, run_key, events).await
}

/// Stop the run named `run_key`: before its next statement, and its running statement on
/// PostgreSQL and MySQL/MariaDB. False when no such run is going.
#[tauri::command]
#[specta::specta]
pub fn cancel_run(state: State<'_, AppState>, run_key: String) -> Result<bool, IpcError> {
    Ok(state.runs.cancel(&run_key))
}

/// Record `version` and everything before it as applied without running them.
#[tauri::command]
#[specta::specta]
pub async fn baseline_migrations(
    state: State<'_, AppState>,
    project: String,
    target: String,
    version: String,
    confirmation: Option<String>,
) -> Result<strata_core::admin::BaselineReport, IpcError> {
    let confirmation = confirmation.as_deref();
    crate::runs::baseline(&state, &project, &target, version, confirmation).await
}

/// Accept the edited file of an applied migration: its recorded checksum (and stored SQL)
/// become the file's, with `reason` in the event log.
#[tauri::command]
#[specta::specta]
pub async fn repair_migration(
    state: State<'_, AppState>,
    project: String,
    target: String,
    version: String,
    reason: String,
    confirmation: Option<String>,
) -> Result<strata_core::admin::RepairReport, IpcError> {
    let confirmation = confirmation.as_deref();
    crate::runs::repair(&state, &project, &target, version, reason, confirmation).await
}

/// Settle a partially applied (MySQL/MariaDB) migration.
#[tauri::command]
#[specta::specta]
pub async fn resolve_migration(
    state: State<'_, AppState>,
    project: String,
    target: String,
    version: String,
    action: ResolveAction,
    confirmation: Option<String>,
) -> Result<strata_core::admin::ResolveReport, IpcError> {
    let confirmation = confirmation.as_deref();
    crate::runs::resolve(&state, &project, &target, version, action, confirmation).await
}

/// The event log of every target of `project`, newest first, filtered.
#[tauri::command]
#[specta::specta]
pub async fn history_log(
    state: State<'_, AppState>,
    project: String,
    filter: HistoryFilter,
) -> Result<HistoryLog, IpcError> {
    crate::history::log(&state, &project, &filter).await
}

/// Write the filtered event log to `path` (picked with the save dialog), atomically; the
/// number of events written.
#[tauri::command]
#[specta::specta]
pub async fn export_history(
    state: State<'_, AppState>,
    project: String,
    filter: HistoryFilter,
    format: ExportFormat,
    path: std::path::PathBuf,
) -> Result<u32, IpcError> {
    crate::history::export(&state, &project, &filter, format, &path).await
}

/// Create a new migration pair named `name` in `project` with a fresh version (as
/// `strata new`).
#[tauri::command]
#[specta::specta]
pub async fn new_migration(
    state: State<'_, AppState>,
    project: String,
    name: String,
) -> Result<NewMigration, IpcError> {
    let _ = state;
    crate::timeline::new_migration(&project, &name)
}
