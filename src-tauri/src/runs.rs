//! Runs against one target: the plan (a dry run that touches nothing), the run itself with its
//! progress streamed to a channel and its cancel token registered under the caller's key for
//! exactly as long as it goes, and the administrative operations. Every write checks the
//! target's protection before anything connects to it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use strata_core::admin::{
    AdminOptions, BaselineReport, RepairReport, ResolveAction, ResolveReport,
};
use strata_core::engine::{self, CancelToken, EngineError, PlannedRun, RunOptions};
use strata_core::executor::{ConnectionLost, Direction, LostAt, LostState, Progress, RunError};
use strata_core::plan::Target as Goal;
use strata_core::{DatabaseKind, MigrationSet};
use strata_project::Project;
use tauri::ipc::Channel;

use crate::commands::timeline::{
    LockStatus, RunAction, RunEvent, RunFailure, RunOutcome, RunPlan, RunRequest,
};
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets::{self, Target};

/// The runs going now, by the key their caller chose. The lock guards the map only: it is
/// taken to insert, look up and remove, never across an await.
#[derive(Debug, Default)]
pub struct RunRegistry {
    runs: Mutex<HashMap<String, CancelToken>>,
}

/// A run's entry in the registry, removed when the run ends, however it ends.
pub(crate) struct Registered<'a> {
    registry: &'a RunRegistry,
    key: String,
    pub(crate) token: CancelToken,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.registry.map().remove(&self.key);
    }
}

impl RunRegistry {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancelToken>> {
        // Inserting or removing a token cannot leave the map half-changed.
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn register(&self, key: &str) -> Result<Registered<'_>, IpcError> {
        if key.is_empty() {
            return Err(IpcError::new(
                IpcErrorCode::InvalidInput,
                "a run needs a key to be cancelled by: pass a fresh run key",
            ));
        }
        let token = CancelToken::new();
        let mut runs = self.map();
        if runs.contains_key(key) {
            return Err(IpcError::new(
                IpcErrorCode::InvalidInput,
                format!("a run with key {key} is already going: give each run a fresh key"),
            ));
        }
        runs.insert(key.to_owned(), token.clone());
        Ok(Registered {
            registry: self,
            key: key.to_owned(),
            token,
        })
    }

    /// Raise the cancel of run `key`; false when no such run is going.
    pub fn cancel(&self, key: &str) -> bool {
        let token = self.map().get(key).cloned();
        token.map(|t| t.cancel()).is_some()
    }

    /// Whether run `key` is going.
    pub fn is_running(&self, key: &str) -> bool {
        self.map().contains_key(key)
    }
}

/// The project and the target a request names.
fn open(state: &AppState, project: &str, target: &str) -> Result<(Project, Target), IpcError> {
    let root = targets::canonical(project)?;
    let target = targets::find(state, &root, target)?;
    Ok((Project::open(&root)?, target))
}

/// Where `action` leaves the database, in the project's versions.
fn goal(set: &MigrationSet, action: &RunAction) -> Result<Goal<strata_core::Version>, IpcError> {
    Ok(match action {
        RunAction::Latest => Goal::Latest,
        RunAction::UpTo { version } => Goal::UpTo(engine::parse_version(set, version)?),
        RunAction::DownTo { version } => Goal::DownTo(engine::parse_version(set, version)?),
        RunAction::Zero => Goal::Zero,
        RunAction::Redo => Goal::Redo,
    })
}

fn options(set: &MigrationSet, request: &RunRequest) -> Result<RunOptions, IpcError> {
    let mut options = RunOptions::new(goal(set, &request.action)?);
    options.allow_out_of_order = request.allow_out_of_order;
    options.single_transaction = request.single_transaction;
    // A user watches the run view: each statement is reported as it starts and ends.
    options.statement_by_statement = true;
    Ok(options)
}

/// The versions of `steps` that cannot be undone: applying one without a down part, and on
/// MySQL/MariaDB every step (its DDL commits implicitly, so a failed run cannot undo it).
fn irreversible(set: &MigrationSet, kind: DatabaseKind, steps: &[PlannedRun]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for step in steps {
        let no_down = step.direction == Direction::Up
            && !set
                .migrations
                .iter()
                .any(|m| m.version.as_str() == step.version && m.is_reversible());
        if (no_down || kind == DatabaseKind::Mysql) && !out.contains(&step.version) {
            out.push(step.version.clone());
        }
    }
    out
}

/// What `request` would run: a dry run (nothing is touched), the lock's holder, and the
/// target with its protection and current version.
pub async fn plan(state: &AppState, request: RunRequest) -> Result<RunPlan, IpcError> {
    let (project, target) = open(state, &request.project, &request.target)?;
    let access = targets::connect(state, &target).await?;
    let mut column = target.column();
    crate::engine_task::run(move || async move {
        let set = project.migrations()?;
        let mut options = options(&set, &request)?;
        options.dry_run = true;
        let report = engine::run(access.url.expose(), &set, &options, |_| {}, |_| {}).await?;
        let holder = engine::lock_holder_pooled(&access.pool).await?;
        let status = engine::snapshot_pooled(&access.pool)
            .await?
            .into_status(&set);
        column.current = targets::current_version(&status.entries);
        column.foreign = status.foreign;
        Ok(RunPlan {
            irreversible: irreversible(&set, column.engine, &report.steps),
            target: column,
            steps: report.steps,
            notes: report.notes,
            lock: LockStatus {
                held: holder.is_some(),
                holder: holder.map(|h| h.to_string()),
            },
        })
    })
    .await?
}

/// Run `request` under the migration lock, streaming progress to `events`; `run_key` names
/// it for [`RunRegistry::cancel`] while it goes. A protected target refuses before anything
/// connects, whatever the UI sent.
pub async fn run(
    state: &AppState,
    request: RunRequest,
    run_key: String,
    events: Channel<RunEvent>,
) -> Result<RunOutcome, IpcError> {
    let (project, target) = open(state, &request.project, &request.target)?;
    targets::check_write(state, &target, request.confirmation.as_deref())?;
    let registered = state.runs.register(&run_key)?;
    let access = targets::connect(state, &target).await?;
    let token = registered.token.clone();
    let outcome = crate::engine_task::run(move || async move {
        let set = project.migrations()?;
        let mut options = options(&set, &request)?;
        options.cancel = token;
        // The plan is read first (no lock): a plan error is answered before the lock is
        // taken, and `Started` can say what will run.
        let mut dry = options.clone();
        dry.dry_run = true;
        let planned = match engine::run(access.url.expose(), &set, &dry, |_| {}, |_| {}).await {
            Ok(planned) => planned,
            Err(e) => return outcome(Err(e), Vec::new()),
        };
        let stream = Stream::new(events, run_key, planned.steps);
        let waiting = stream.clone();
        let progress = stream.clone();
        let result = engine::run(
            access.url.expose(),
            &set,
            &options,
            move |p| progress.progress(p),
            move |holder| waiting.lock_waiting(holder.map(|h| h.to_string())),
        )
        .await;
        outcome(result, stream.completed())
    })
    .await?;
    drop(registered);
    outcome
}

/// What a run sends over its channel: `Started` before its first progress (once it holds the
/// lock), then every progress event; and the versions whose step finished.
#[derive(Clone)]
struct Stream {
    events: Channel<RunEvent>,
    inner: Arc<Mutex<StreamState>>,
}

struct StreamState {
    started: Option<RunEvent>,
    completed: Vec<String>,
}

impl Stream {
    fn new(events: Channel<RunEvent>, run_key: String, steps: Vec<PlannedRun>) -> Self {
        let started = RunEvent::Started { run_key, steps };
        Self {
            events,
            inner: Arc::new(Mutex::new(StreamState {
                started: Some(started),
                completed: Vec::new(),
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, StreamState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn send(&self, event: RunEvent) {
        if let Err(e) = self.events.send(event) {
            // The window went away; the run goes on and its outcome is in the history.
            tracing::debug!(error = %e, "a run event could not be sent");
        }
    }

    fn progress(&self, progress: Progress) {
        let started = {
            let mut state = self.state();
            if let Progress::StepFinished { version, .. } = &progress {
                state.completed.push(version.clone());
            }
            state.started.take()
        };
        if let Some(started) = started {
            self.send(started);
        }
        self.send(RunEvent::Progress { progress });
    }

    fn lock_waiting(&self, holder: Option<String>) {
        self.send(RunEvent::LockWaiting { holder });
    }

    fn completed(&self) -> Vec<String> {
        self.state().completed.clone()
    }
}

/// A run's end as the run view shows it: finished, failed at a statement (with its account)
/// or cancelled; any other error is the command's error.
fn outcome(
    result: Result<engine::RunReport, EngineError>,
    mut completed: Vec<String>,
) -> Result<RunOutcome, IpcError> {
    let error = match result {
        Ok(report) => return Ok(RunOutcome::Finished { report }),
        Err(error) => error,
    };
    match error {
        EngineError::Cancelled { done, .. } => {
            completed.truncate(done);
            Ok(RunOutcome::Cancelled {
                message: error.to_string(),
                completed,
            })
        }
        EngineError::Run(run) => {
            let text = run.to_string();
            let (statement, whole_plan) = match *run {
                RunError::SingleTransactionRolledBack { source, .. } => (*source, true),
                other => (other, false),
            };
            let statement = match statement {
                RunError::ConnectionLost(lost) => {
                    return Ok(lost_outcome(*lost, whole_plan, completed, text))
                }
                other => other,
            };
            let RunError::Statement {
                direction,
                version,
                name,
                file,
                index,
                total,
                line,
                column,
                excerpt,
                message,
                record,
            } = statement
            else {
                return Err(IpcError::new(IpcErrorCode::Database, text));
            };
            if whole_plan {
                // The single transaction took the earlier migrations back with it.
                completed.clear();
            }
            Ok(RunOutcome::Failed {
                failure: RunFailure {
                    version,
                    name,
                    direction,
                    file: file.display().to_string(),
                    index,
                    total,
                    line,
                    column,
                    statement: excerpt,
                    message,
                    rolled_back: record.rolled_back || whole_plan,
                    committed: if whole_plan {
                        Vec::new()
                    } else {
                        record.committed
                    },
                    completed,
                    connection_lost: None,
                },
                error: IpcError::new(IpcErrorCode::Database, text),
            })
        }
        other => Err(other.into()),
    }
}

/// The failure account of a run whose connection was lost: where, and what is known of the
/// migration's state in the app's words (the engine's full text, with the CLI's commands,
/// stays in `error`).
fn lost_outcome(
    lost: ConnectionLost,
    whole_plan: bool,
    mut completed: Vec<String>,
    text: String,
) -> RunOutcome {
    let at = lost.at.clone().unwrap_or(LostAt {
        index: 0,
        total: 0,
        line: 0,
    });
    let (rolled_back, committed, known) = match lost.state {
        LostState::RolledBack => (
            true,
            Vec::new(),
            "The server rolled back the migration's transaction when the connection closed: nothing of it took effect. Check that the server is reachable, then run again.".to_owned(),
        ),
        LostState::Committed(committed) => {
            let known = format!(
                "It ran outside a transaction, where each statement commits on its own: {}. Reconnect and refresh the timeline: if it shows the migration as partial, resolve it; if it is still {}, nothing of it committed.",
                if committed.is_empty() {
                    "none of its statements had committed".to_owned()
                } else {
                    format!("statements {} had committed and the history's journal records them", ranges(&committed))
                },
                if lost.direction == Direction::Up { "pending" } else { "applied" },
            );
            (false, committed, known)
        }
        LostState::Unknown { .. } => (
            false,
            Vec::new(),
            "The connection went while the server committed: it committed whole or not at all. Reconnect and refresh the timeline: the history says which.".to_owned(),
        ),
    };
    if whole_plan {
        completed.clear();
    }
    RunOutcome::Failed {
        failure: RunFailure {
            version: lost.version,
            name: lost.name,
            direction: lost.direction,
            file: lost.file.display().to_string(),
            index: at.index,
            total: at.total,
            line: at.line,
            column: 0,
            statement: String::new(),
            message: lost.message,
            rolled_back: rolled_back || whole_plan,
            committed,
            completed,
            connection_lost: Some(known),
        },
        error: IpcError::new(IpcErrorCode::Database, text),
    }
}

/// `1-3, 5` for statements 1, 2, 3 and 5.
fn ranges(numbers: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        let mut end = start;
        while i + 1 < numbers.len() && numbers[i + 1] == end + 1 {
            i += 1;
            end = numbers[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(", ")
}

/// Check protection, connect, then run `op` with the project's migrations and the target's
/// URL on the engine's threads.
async fn admin<T, F, Fut>(
    state: &AppState,
    project: &str,
    target: &str,
    confirmation: Option<&str>,
    op: F,
) -> Result<T, IpcError>
where
    F: FnOnce(MigrationSet, strata_project::secret::Secret) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, IpcError>>,
    T: Send + 'static,
{
    let (project, target) = open(state, project, target)?;
    targets::check_write(state, &target, confirmation)?;
    let access = targets::connect(state, &target).await?;
    crate::engine_task::run(move || async move {
        let set = project.migrations()?;
        op(set, access.url).await
    })
    .await?
}

/// Record `version` and everything before it as applied without running them.
pub async fn baseline(
    state: &AppState,
    project: &str,
    target: &str,
    version: String,
    confirmation: Option<&str>,
) -> Result<BaselineReport, IpcError> {
    admin(
        state,
        project,
        target,
        confirmation,
        |set, url| async move {
            let version = engine::parse_version(&set, &version)?;
            let options = AdminOptions::default();
            Ok(strata_core::admin::baseline(url.expose(), &set, &version, None, &options).await?)
        },
    )
    .await
}

/// Accept the edited file of an applied migration, with `reason` in the event log.
pub async fn repair(
    state: &AppState,
    project: &str,
    target: &str,
    version: String,
    reason: String,
    confirmation: Option<&str>,
) -> Result<RepairReport, IpcError> {
    if reason.trim().is_empty() {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            "a repair records why the history changes: enter a reason (for example, \"comment fixed after review\")",
        ));
    }
    admin(
        state,
        project,
        target,
        confirmation,
        |set, url| async move {
            let version = engine::parse_version(&set, &version)?;
            let options = AdminOptions::default();
            Ok(strata_core::admin::repair(url.expose(), &set, &version, &reason, &options).await?)
        },
    )
    .await
}

/// Settle a partially applied migration.
pub async fn resolve(
    state: &AppState,
    project: &str,
    target: &str,
    version: String,
    action: ResolveAction,
    confirmation: Option<&str>,
) -> Result<ResolveReport, IpcError> {
    admin(
        state,
        project,
        target,
        confirmation,
        move |set, url| async move {
            let version = engine::parse_version(&set, &version)?;
            let options = AdminOptions::default();
            Ok(strata_core::admin::resolve(url.expose(), &set, &version, action, &options).await?)
        },
    )
    .await
}
