//! Running migrations: each step's statements and its history row commit together where the
//! database allows (PostgreSQL, SQLite); elsewhere (MySQL/MariaDB DDL, no-transaction
//! migrations) every statement is journaled as it commits, so a failure says exactly what
//! committed. Every outcome, good or bad, is an event in `strata_events`. The bookkeeping
//! travels in the migration's own round trips (`atomic.rs`, `journal.rs`): it costs no extra
//! wait on the server and, where a transaction holds the step, no extra commit.

mod atomic;
mod book;
mod journal;
mod lost;
mod sent;

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use crate::clock;
use crate::dialect::DatabaseKind;
use crate::driver::session::BatchFailure;
use crate::driver::{HistoryError, Session};
use crate::history::{new_run_id, AppliedMigration, AppliedState, Event, EventKind, Outcome};
pub use lost::{ConnectionLost, LostAt, LostState};
use sent::{has_position, locate, SentFailure};

/// Which way a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// One statement of a step, as it will be sent, with where it starts in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepStatement {
    pub sql: String,
    pub line: u32,
    pub column: u32,
}

/// One migration to apply or roll back, with everything the history records.
#[derive(Debug, Clone)]
pub struct Step {
    pub direction: Direction,
    pub version: String,
    pub name: String,
    pub checksum: String,
    /// The file the statements come from (for errors); for a rollback from stored SQL, the
    /// history table.
    pub file: PathBuf,
    pub statements: Vec<StepStatement>,
    /// The up and down SQL recorded with an apply.
    pub up_sql: String,
    pub down_sql: Option<String>,
    /// Run inside one transaction with the bookkeeping (ignored on MySQL/MariaDB, whose DDL
    /// commits implicitly).
    pub transactional: bool,
}

/// Progress of a run, reported as it happens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum Progress {
    StepStarted {
        version: String,
        name: String,
        direction: Direction,
        statements: u32,
    },
    StatementStarted {
        version: String,
        index: u32,
        line: u32,
    },
    StatementFinished {
        version: String,
        index: u32,
        rows: f64,
        ms: f64,
    },
    StepFinished {
        version: String,
        direction: Direction,
        ms: f64,
    },
}

/// How a failed step left the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FailureRecord {
    /// Everything the step did was rolled back; database and history are as before.
    pub rolled_back: bool,
    /// Statements (1-based) that committed before the failure, outside a transaction.
    pub committed: Vec<u32>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("{} {version} ({name}) failed at statement {index} of {total}, {}:{line}:{column}: {message}\n  statement: {excerpt}\n  {}", direction_word(*direction), file.display(), record_text(record))]
    Statement {
        direction: Direction,
        version: String,
        name: String,
        file: PathBuf,
        index: u32,
        total: u32,
        line: u32,
        column: u32,
        excerpt: String,
        message: String,
        record: FailureRecord,
    },
    #[error("{version} was applied by another run while this one waited; nothing was done to it")]
    AlreadyApplied { version: String },
    #[error("recording {version} in the history of {target} failed: {source}")]
    Bookkeeping {
        version: String,
        target: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("{} ({version}) holds a NUL character (byte 0). PostgreSQL text cannot hold one, so the migration can be neither sent nor stored; nothing was run. Remove the character from the file.", file.display())]
    NulCharacter { version: String, file: PathBuf },
    #[error("{target} is MySQL/MariaDB, which commits DDL implicitly: a plan cannot run in a single transaction there. Run without --single-transaction; each statement is then journaled as it commits.")]
    SingleTransactionUnsupported { target: String },
    #[error("{version} ({name}) must run outside a transaction (a no-transaction directive, or a statement such as CREATE INDEX CONCURRENTLY or VACUUM), so the plan cannot run in a single transaction. Nothing was run. Run without --single-transaction, or run the migrations before it with --to first.")]
    NotTransactional { version: String, name: String },
    #[error("PostgreSQL ran out of lock slots at {version} ({name}), migration {position} of this run's single transaction: a transaction holds a lock on every table, index and sequence it creates or changes until it ends, and the server keeps room for max_locks_per_transaction ({max_locks}) x (max_connections + max_prepared_transactions) locks, shared by all sessions. Nothing was committed. Run without --single-transaction (one transaction per migration), apply the plan in parts with --to, or raise max_locks_per_transaction in postgresql.conf and restart the server. The server said: {message}")]
    OutOfLocks {
        version: String,
        name: String,
        /// 1-based place of the migration in the plan.
        position: usize,
        max_locks: String,
        message: String,
    },
    #[error("the server read the statements of {version} differently from Strata's splitter: it ran {ran} where Strata sent {sent} (backslash escapes with standard_conforming_strings off can do this). The single transaction was rolled back; nothing was committed. Run without --single-transaction: the statements are then sent one by one.")]
    Misread {
        version: String,
        sent: usize,
        ran: usize,
    },
    /// The connection was lost mid-step: where, what is known of the state, what to do.
    #[error("{0}")]
    ConnectionLost(Box<ConnectionLost>),
    #[error("{source}\n  The run was a single transaction: the {rolled_back} migration(s) it had applied before this one were rolled back with it.")]
    SingleTransactionRolledBack {
        rolled_back: usize,
        #[source]
        source: Box<RunError>,
    },
}

/// Whether `steps` can run as one transaction on `kind` (PostgreSQL and SQLite, every step
/// transactional): checked before anything runs, also for a dry run.
// RunError is large by design (a statement failure carries its whole context), as every run
// function returns it; boxing it for these checks alone would buy nothing.
#[allow(clippy::result_large_err)]
pub fn check_single_transaction(
    kind: DatabaseKind,
    target: &str,
    steps: &[Step],
) -> Result<(), RunError> {
    if kind == DatabaseKind::Mysql {
        return Err(RunError::SingleTransactionUnsupported {
            target: target.to_owned(),
        });
    }
    match steps.iter().find(|s| !s.transactional) {
        Some(s) => Err(RunError::NotTransactional {
            version: s.version.clone(),
            name: s.name.clone(),
        }),
        None => Ok(()),
    }
}

fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::Up => "applying",
        Direction::Down => "rolling back",
    }
}

fn record_text(r: &FailureRecord) -> String {
    if r.rolled_back {
        "Nothing was committed: the database and its history are as they were before.".into()
    } else if r.committed.is_empty() {
        "No statement had committed; the history records the failure.".into()
    } else {
        let list: Vec<String> = r.committed.iter().map(u32::to_string).collect();
        format!(
            "Statements {} committed (this server cannot roll DDL back); the history marks the migration partial. Resume, mark it resolved, or roll back what committed.",
            list.join(", ")
        )
    }
}

/// The failure of a statement a cancelled run did not send.
pub const CANCELLED: &str = "the run was cancelled before this statement was sent";

/// First line of a statement, shortened, for error messages.
fn excerpt(sql: &str) -> String {
    let one_line: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 160 {
        format!("{}…", one_line.chars().take(160).collect::<String>())
    } else {
        one_line
    }
}

/// Runs steps on one session, recording history and events.
pub struct Executor<'a> {
    session: &'a mut Session,
    run_id: String,
    actor: String,
    progress: Box<dyn FnMut(Progress) + Send + 'a>,
    /// Raised: no further statement is sent, and a failure is recorded as cancelled.
    cancel: crate::lock::CancelToken,
    /// Send each statement of a PostgreSQL migration on its own round trip, so progress
    /// reports each one as it starts and ends (a watching user); otherwise all of a
    /// migration's statements go in one text (fewer round trips; progress for them arrives
    /// when the text has run).
    one_by_one: bool,
}

fn event_kind(d: Direction) -> EventKind {
    match d {
        Direction::Up => EventKind::Apply,
        Direction::Down => EventKind::Rollback,
    }
}

impl<'a> Executor<'a> {
    pub fn new(session: &'a mut Session, progress: impl FnMut(Progress) + Send + 'a) -> Self {
        Self {
            session,
            run_id: new_run_id(),
            actor: clock::actor(),
            progress: Box::new(progress),
            cancel: Default::default(),
            one_by_one: false,
        }
    }

    /// Send statements one by one, for progress a user watches as it happens (see the field).
    pub fn statement_by_statement(mut self, one_by_one: bool) -> Self {
        self.one_by_one = one_by_one;
        self
    }

    /// Stop before the next statement once `cancel` is raised (the engine cancels a running one).
    pub fn with_cancel(mut self, cancel: crate::lock::CancelToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    fn event(
        &self,
        kind: EventKind,
        step: &Step,
        outcome: Outcome,
        ms: i64,
        error: Option<String>,
        detail: Option<String>,
    ) -> Event {
        let outcome = match outcome {
            Outcome::Failed if self.cancel.is_cancelled() => Outcome::Cancelled,
            other => other,
        };
        Event {
            run_id: self.run_id.clone(),
            at: clock::now_iso(),
            kind,
            version: Some(step.version.clone()),
            name: Some(step.name.clone()),
            outcome,
            duration_ms: ms,
            error,
            detail,
            actor: self.actor.clone(),
        }
    }

    fn applied_row(
        &self,
        step: &Step,
        ms: i64,
        state: AppliedState,
        committed: i32,
    ) -> AppliedMigration {
        AppliedMigration {
            version: step.version.clone(),
            name: step.name.clone(),
            checksum: step.checksum.clone(),
            up_sql: step.up_sql.clone(),
            down_sql: step.down_sql.clone(),
            applied_at: clock::now_iso(),
            applied_by: self.actor.clone(),
            execution_ms: ms,
            state,
            statements_total: step.statements.len() as i32,
            statements_committed: committed,
        }
    }

    /// Refuse, before anything runs, a step that PostgreSQL could not even receive.
    #[allow(clippy::result_large_err)]
    fn check_text(&self, step: &Step) -> Result<(), RunError> {
        let nul = self.session.kind() == DatabaseKind::Postgres
            && (step.up_sql.contains('\0')
                || step.down_sql.as_deref().is_some_and(|d| d.contains('\0'))
                || step.name.contains('\0')
                || step.statements.iter().any(|s| s.sql.contains('\0')));
        if nul {
            return Err(RunError::NulCharacter {
                version: step.version.clone(),
                file: step.file.clone(),
            });
        }
        Ok(())
    }

    /// Run one step. On PostgreSQL and SQLite a transactional step and its bookkeeping commit
    /// together or not at all.
    pub async fn run(&mut self, step: &Step) -> Result<(), RunError> {
        self.run_step(step, None).await
    }

    /// A step from its start (`resume: None`: atomically where it can be) or resumed after
    /// its first `from` statements (`Some(from)`: journaled), between its progress events.
    async fn run_step(&mut self, step: &Step, resume: Option<usize>) -> Result<(), RunError> {
        self.check_text(step)?;
        (self.progress)(Progress::StepStarted {
            version: step.version.clone(),
            name: step.name.clone(),
            direction: step.direction,
            statements: step.statements.len() as u32,
        });
        let started = Instant::now();
        let atomic = step.transactional && self.session.kind() != DatabaseKind::Mysql;
        match resume {
            None if atomic => self.run_atomic(step, started).await?,
            None => self.run_journaled(step, started, 0).await?,
            Some(from) => self.run_journaled(step, started, from).await?,
        }
        (self.progress)(Progress::StepFinished {
            version: step.version.clone(),
            direction: step.direction,
            ms: started.elapsed().as_secs_f64() * 1000.0,
        });
        Ok(())
    }

    fn bookkeeping_err(&self, step: &Step) -> impl FnOnce(sqlx::Error) -> RunError {
        let (version, target) = (step.version.clone(), self.session.target.clone());
        move |source| RunError::Bookkeeping {
            version,
            target,
            source,
        }
    }

    /// Execute statement `i` in one round trip after Strata's own `prefix` (`prefix_count`
    /// statements, each ending in `;\n`; a MySQL statement with its journal entry after it goes
    /// through `chained`). Reports progress; a failure says whose statement failed: whatever
    /// follows the prefix is the statement's own (a `CALL` may answer with results before it
    /// fails).
    async fn statement(
        &mut self,
        step: &Step,
        i: usize,
        prefix: &str,
        prefix_count: usize,
    ) -> Result<(), SentFailure> {
        let s = &step.statements[i];
        let index = i as u32 + 1;
        if self.cancel.is_cancelled() {
            return Err(SentFailure::Failed((s.line, s.column, CANCELLED.into())));
        }
        (self.progress)(Progress::StatementStarted {
            version: step.version.clone(),
            index,
            line: s.line,
        });
        // After a prefix, the statement starts on a new line at its own column, so a position
        // PostgreSQL reports in the whole text maps to the file as for the statement alone.
        let pad = if prefix.is_empty() {
            String::new()
        } else {
            " ".repeat(s.column.saturating_sub(1) as usize)
        };
        let text = match prefix.is_empty() {
            true => s.sql.to_string(),
            false => format!("{prefix}{pad}{}", s.sql),
        };
        let t = Instant::now();
        match self.session.execute_batch(&text).await {
            Ok(done) => {
                (self.progress)(Progress::StatementFinished {
                    version: step.version.clone(),
                    index,
                    rows: done.get(prefix_count).copied().unwrap_or(0) as f64,
                    ms: t.elapsed().as_secs_f64() * 1000.0,
                });
                Ok(())
            }
            Err(BatchFailure { error, .. }) if sent::is_connection_lost(&error) => {
                Err(SentFailure::Lost(error))
            }
            Err(BatchFailure { completed, error }) if completed < prefix_count => {
                Err(SentFailure::Before(error))
            }
            Err(BatchFailure { error, .. }) => {
                let sent = StepStatement {
                    sql: text.clone(),
                    line: s.line.saturating_sub(prefix.matches('\n').count() as u32),
                    column: 1,
                };
                Err(SentFailure::Failed(locate(&error, s, &sent)))
            }
        }
    }

    fn statement_error(
        &self,
        step: &Step,
        i: usize,
        (line, column, message): (u32, u32, String),
        record: FailureRecord,
    ) -> RunError {
        RunError::Statement {
            direction: step.direction,
            version: step.version.clone(),
            name: step.name.clone(),
            file: step.file.clone(),
            index: i as u32 + 1,
            total: step.statements.len() as u32,
            line,
            column,
            excerpt: excerpt(&step.statements[i].sql),
            message,
            record,
        }
    }
}

// Resuming a partial step (`strata resolve <version> --resume`): the journaled run, started
// after the statements that committed before the failure.
impl Executor<'_> {
    /// Run `step`'s statements from index `from` (0-based) on, journaled statement by statement
    /// like a first run outside a transaction. For a `partial` history row (an up step) or a
    /// `partial_rollback` one (a down step) whose first `from` statements committed: the row
    /// exists already, and ends applied (up) or removed (down), or partial again at the next
    /// failure.
    pub(crate) async fn resume_from(&mut self, step: &Step, from: usize) -> Result<(), RunError> {
        self.run_step(step, Some(from)).await
    }
}
