//! The engine's front door, used alike by the app and the CLI: status, plan, run, baseline
//! and repair of a project's migrations against one database. It connects, takes the lock,
//! reads the history, plans (pure) and executes; it holds no state between calls. A run can
//! be cancelled (`RunOptions::cancel`, `cancel.rs`) and then says exactly what it left.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dialect::DatabaseKind;
use crate::driver::{ConnectError, HistoryError, Session};
use crate::executor::{Direction, FailureRecord, Progress, RunError, Step};
use crate::history::AppliedMigration;
use crate::lock::{LockError, LockHolder, MigrationLock};
use crate::plan::{self, Local, MigrationState, PlanError, PlanOptions, Target};
use crate::source::{Migration, MigrationSet, SqlText, Version};
use crate::split::Finding;

mod execute;
mod part;
mod read;
mod status;

pub use part::{part_findings, part_statements, PartFinding};
pub use read::{
    applied_migration, applied_migration_pooled, events, events_pooled, lock_holder,
    lock_holder_pooled,
};
pub use status::{snapshot, snapshot_pooled, status, HistorySnapshot};

pub use crate::lock::CancelToken;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Lock(Box<LockError>),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Run(Box<RunError>),
    #[error("{target} has no Strata history, but {foreign}. Strata applies nothing here until `strata adopt` imports that history (the other tool's table is left as it is).")]
    ManagedByAnotherTool {
        target: String,
        foreign: Box<crate::adopt::ForeignHistory>,
    },
    #[error("{}", execute::describe(target, during, record, *done))]
    Cancelled {
        target: String,
        /// The migration that was running, `<version> (<name>)`.
        during: Option<String>,
        /// What that migration left, when one was running.
        record: Option<FailureRecord>,
        /// Steps that finished before the cancel.
        done: usize,
    },
    #[error("version {version} is not a {layout} version: {reason}")]
    BadVersion {
        version: String,
        layout: &'static str,
        reason: String,
    },
}

/// `From<LockError>` and `From<RunError>` for an error enum that boxes them (they are large)
/// in its `Lock` and `Run` variants: [`EngineError`] and `AdminError`.
macro_rules! boxed_lock_and_run_errors {
    ($error:ty) => {
        impl From<$crate::lock::LockError> for $error {
            fn from(e: $crate::lock::LockError) -> Self {
                Self::Lock(Box::new(e))
            }
        }

        impl From<$crate::executor::RunError> for $error {
            fn from(e: $crate::executor::RunError) -> Self {
                Self::Run(Box::new(e))
            }
        }
    };
}
pub(crate) use boxed_lock_and_run_errors;

boxed_lock_and_run_errors!(EngineError);

/// One migration's line in a status report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StatusEntry {
    pub version: String,
    pub name: String,
    pub state: MigrationState,
    /// The history row, when applied (or partially applied).
    pub applied: Option<AppliedMigration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    /// The database, password redacted.
    pub target: String,
    pub kind: DatabaseKind,
    pub entries: Vec<StatusEntry>,
    /// Another tool's history, when the database has no Strata history rows (`strata adopt`).
    pub foreign: Option<crate::adopt::ForeignHistory>,
}

impl StatusReport {
    pub fn count(&self, state: MigrationState) -> usize {
        self.entries.iter().filter(|e| e.state == state).count()
    }
}

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub target: Target<Version>,
    pub allow_out_of_order: bool,
    /// Plan and show the SQL, touch nothing.
    pub dry_run: bool,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    pub connect_timeout: Duration,
    /// Run the whole plan in one transaction (PostgreSQL, SQLite): every migration is applied
    /// (or rolled back), or none. Refused on MySQL/MariaDB and for a plan with a migration that
    /// must run outside a transaction. On PostgreSQL a transaction holds a lock per table it
    /// touches until it ends: thousands of DDL migrations need a larger
    /// `max_locks_per_transaction` (the error says so).
    pub single_transaction: bool,
    /// Raise it (from any task or thread) to stop the run: before its next statement, and
    /// the running statement itself on PostgreSQL and MySQL/MariaDB. SQLite cannot interrupt
    /// a statement: its run stops when the running statement ends. The run then fails with
    /// [`EngineError::Cancelled`], saying what it left.
    pub cancel: CancelToken,
    /// Send each statement on its own round trip so progress reports every statement as it
    /// runs (the app's run view). Off by default: a migration's statements then go to
    /// PostgreSQL in one text, one round trip fewer per statement.
    pub statement_by_statement: bool,
}

impl RunOptions {
    pub fn new(target: Target<Version>) -> Self {
        Self {
            target,
            allow_out_of_order: false,
            dry_run: false,
            lock_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            single_transaction: false,
            cancel: CancelToken::new(),
            statement_by_statement: false,
        }
    }
}

/// A step of a plan as shown before it runs (and as a dry run prints it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlannedRun {
    pub version: String,
    pub name: String,
    pub direction: Direction,
    /// Statements and history row commit together.
    pub transactional: bool,
    pub statements: Vec<String>,
    /// Why it runs outside a transaction, risks, and other things to know before running.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub target: String,
    pub dry_run: bool,
    pub steps: Vec<PlannedRun>,
    /// What to know about the plan beyond its steps, e.g. the repeatables a rollback leaves
    /// applied (they have no rollback, so a rollback to zero leaves a history recording them
    /// alone: `plan::notes`).
    pub notes: Vec<String>,
    pub run_id: Option<String>,
    pub duration_ms: f64,
}

fn parse_history_version(set: &MigrationSet, raw: &str) -> Option<Version> {
    match raw.strip_prefix("R__") {
        Some(description) => Some(Version::repeatable(description)),
        None => Version::parse(set.layout, raw).ok(),
    }
}

fn locals(set: &MigrationSet) -> Vec<Local<Version>> {
    set.migrations
        .iter()
        .map(|m| Local {
            version: m.version.clone(),
            raw: m.version.as_str().to_owned(),
            name: m.name.clone(),
            checksum: m.checksum.clone(),
            reversible: m.is_reversible(),
        })
        .collect()
}

fn entries(set: &MigrationSet, history: &[AppliedMigration]) -> Vec<StatusEntry> {
    entries_owned(set, history.to_vec())
}

/// [`entries`] taking the history's rows instead of copying them (thousands of rows, each a
/// handful of strings). A row is some entry's at most: the folder's versions are unique.
fn entries_owned(set: &MigrationSet, history: Vec<AppliedMigration>) -> Vec<StatusEntry> {
    // Versions are the history's key: one row each.
    let index: std::collections::HashMap<&str, usize> = (history.iter().enumerate())
        .map(|(i, a)| (a.version.as_str(), i))
        .collect();
    let locals = locals(set);
    let found: Vec<_> = plan::status(&locals, &history, |raw| parse_history_version(set, raw))
        .into_iter()
        .map(|r| {
            let row = r.applied.map(|a| index[a.version.as_str()]);
            (r.raw, r.name, r.state, row)
        })
        .collect();
    let mut rows: Vec<Option<AppliedMigration>> = history.into_iter().map(Some).collect();
    (found.into_iter())
        .map(|(version, name, state, row)| StatusEntry {
            version,
            name,
            state,
            applied: row.and_then(|i| rows[i].take()),
        })
        .collect()
}

/// Read a version given by a user (`--to`, `baseline V`) in the project's layout.
pub fn parse_version(set: &MigrationSet, text: &str) -> Result<Version, EngineError> {
    Version::parse(set.layout, text).map_err(|reason| EngineError::BadVersion {
        version: text.to_owned(),
        layout: set.layout.as_str(),
        reason,
    })
}

fn build_step(
    direction: Direction,
    m: Option<&Migration>,
    a: Option<&AppliedMigration>,
    dialect: DatabaseKind,
) -> (Step, PlannedRun) {
    let (version, name) = match (m, a) {
        (Some(m), _) => (m.version.as_str().to_owned(), m.name.clone()),
        (None, Some(a)) => (a.version.clone(), a.name.clone()),
        (None, None) => unreachable!("a planned step has a file or a history row"),
    };
    let mut notes = Vec::new();
    let (sql, first_line, file, directive) = match direction {
        Direction::Up => {
            let m = m.expect("an up step has its file");
            (
                m.up.sql.clone(),
                m.up.first_line,
                m.up.path.clone(),
                m.up.no_transaction,
            )
        }
        Direction::Down => {
            let a = a.expect("a down step has its history row");
            // The down SQL stored at apply time: the file may have been edited or deleted since.
            let stored = SqlText::from(a.down_sql.clone().unwrap_or_default());
            if let Some(part) = m.and_then(|m| m.down.as_ref()) {
                if crate::checksum::sha256_normalized(&part.sql)
                    != crate::checksum::sha256_normalized(&stored)
                {
                    notes.push(format!("{} differs from the down SQL stored when {version} was applied; the stored SQL runs.", part.path.display()));
                }
            }
            let file = m
                .and_then(|m| m.down.as_ref())
                .map(|p| p.path.clone())
                .unwrap_or_else(|| format!("strata_migrations[{version}].down_sql").into());
            let directive = m
                .and_then(|m| m.down.as_ref())
                .is_some_and(|p| p.no_transaction);
            (stored, 1, file, directive)
        }
    };
    let (stmts, findings) = part_statements(&sql, first_line, dialect);
    let mut transactional = !directive;
    for f in &findings {
        if matches!(
            f,
            Finding::CannotRunInTransaction { .. } | Finding::TransactionControl { .. }
        ) && transactional
        {
            transactional = false;
            notes.push(format!("runs outside a transaction: {f}"));
        } else if !matches!(f, Finding::ImplicitCommit { .. }) {
            notes.push(f.to_string());
        }
    }
    if dialect == DatabaseKind::Mysql && stmts.len() > 1 {
        notes.push(
            "MySQL/MariaDB commit DDL implicitly: each statement is journaled as it commits."
                .into(),
        );
    }
    let planned = PlannedRun {
        version: version.clone(),
        name: name.clone(),
        direction,
        transactional: transactional && dialect != DatabaseKind::Mysql,
        statements: stmts.iter().map(|s| s.sql.clone()).collect(),
        notes,
    };
    let step = Step {
        direction,
        version,
        name,
        checksum: m.map(|m| m.checksum.clone()).unwrap_or_default(),
        file,
        statements: stmts,
        up_sql: m.map(|m| m.up.sql.to_string()).unwrap_or_default(),
        down_sql: m.and_then(|m| m.down.as_ref().map(|d| d.sql.to_string())),
        transactional,
    };
    (step, planned)
}

/// Plan against the database and, unless it is a dry run, execute under the migration lock.
/// `waiting` hears once who holds the lock when another run has it.
pub async fn run(
    url: &str,
    set: &MigrationSet,
    options: &RunOptions,
    progress: impl FnMut(Progress) + Send,
    waiting: impl FnMut(Option<&LockHolder>),
) -> Result<RunReport, EngineError> {
    let started = Instant::now();
    // The commonest run finds nothing to do (a deploy against an up-to-date database): that
    // is answered from one read of the history, without the lock, creating nothing.
    if !options.dry_run && matches!(options.target, Target::Latest | Target::UpTo(_)) {
        let known = snapshot(url, options.connect_timeout).await?;
        if known.up_to_date(set, options) {
            return Ok(known.nothing_to_do(started));
        }
    }
    let cancelled_before = || EngineError::Cancelled {
        target: crate::driver::redact_url(url),
        during: None,
        record: None,
        done: 0,
    };
    if options.cancel.is_cancelled() {
        return Err(cancelled_before());
    }
    let mut lock = if options.dry_run {
        None
    } else {
        tokio::select! {
            lock = MigrationLock::acquire(url, options.lock_timeout, waiting) => Some(lock?),
            () = options.cancel.cancelled() => return Err(cancelled_before()),
        }
    };
    let result = plan_and_run(url, set, options, progress, lock.as_mut()).await;
    let recovered = lock.as_ref().and_then(|l| l.recovered().map(str::to_owned));
    if let Some(lock) = lock {
        lock.release().await;
    }
    let (target, steps, run_id, mut notes) = result?;
    notes.splice(0..0, recovered);
    Ok(RunReport {
        target,
        dry_run: options.dry_run,
        steps,
        notes,
        run_id,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

async fn plan_and_run(
    url: &str,
    set: &MigrationSet,
    options: &RunOptions,
    progress: impl FnMut(Progress) + Send,
    mut lock: Option<&mut MigrationLock>,
) -> Result<(String, Vec<PlannedRun>, Option<String>, Vec<String>), EngineError> {
    let mut session = Session::connect(url, options.connect_timeout).await?;
    if let Some(lock) = lock.as_mut() {
        // This connection runs the statements: a run that finds it orphaned ends it.
        if let Err(e) = lock.guard(&mut session).await {
            session.close().await;
            return Err(e.into());
        }
    }
    if !options.dry_run {
        session.ensure_history().await?;
        session.prepare_run().await?;
    }
    // Only a rollback needs the down SQL stored at apply time (the planner checks that it
    // exists, the step runs it).
    let history = if matches!(options.target, Target::Latest | Target::UpTo(_)) {
        session.read_history_without_sql().await?
    } else {
        session.read_history().await?
    };
    if history.is_empty() {
        if let Some(foreign) = crate::adopt::detect_in(&mut session).await? {
            let target = session.target.clone();
            session.close().await;
            return Err(EngineError::ManagedByAnotherTool {
                target,
                foreign: Box::new(foreign),
            });
        }
    }
    let locals = locals(set);
    let rows = plan::status(&locals, &history, |raw| parse_history_version(set, raw));
    let planned = plan::plan(
        &rows,
        &options.target,
        PlanOptions {
            allow_out_of_order: options.allow_out_of_order,
        },
    )?;
    let notes = plan::notes(&rows, &options.target);
    let by_version = |raw: &str| set.migrations.iter().find(|m| m.version.as_str() == raw);
    let by_history = |raw: &str| history.iter().find(|a| a.version == raw);
    let (steps, shown): (Vec<Step>, Vec<PlannedRun>) = planned
        .iter()
        .map(|p| {
            let applied = match p.direction {
                // Redo's up half re-applies what its down half removed.
                Direction::Up => None,
                Direction::Down => by_history(&p.raw),
            };
            let (step, mut shown) =
                build_step(p.direction, by_version(&p.raw), applied, session.kind());
            if p.replaces {
                shown.notes.push("a repeatable migration whose file changed since it was applied: it is applied again, and its history row replaced.".into());
            }
            (step, shown)
        })
        .unzip();
    let target = session.target.clone();
    if options.single_transaction {
        // Refused before anything runs, and shown by a dry run too.
        if let Err(e) = crate::executor::check_single_transaction(session.kind(), &target, &steps) {
            session.close().await;
            return Err(e.into());
        }
    }
    if options.dry_run {
        session.close().await;
        return Ok((target, shown, None, notes));
    }
    // A changed repeatable's old history row goes before it is applied again (plan.rs): if
    // the run stops first, the repeatable is pending, which its changed file calls for anyway.
    for p in planned.iter().filter(|p| p.replaces) {
        if let Err(source) = session.delete_applied(&p.raw).await {
            session.close().await;
            let (version, target) = (p.raw.clone(), target.clone());
            return Err(RunError::Bookkeeping {
                version,
                target,
                source,
            }
            .into());
        }
    }
    let executed = execute::execute(&mut session, &steps, options, progress, lock).await;
    session.close().await;
    let run_id = executed?;
    Ok((target, shown, Some(run_id), notes))
}
