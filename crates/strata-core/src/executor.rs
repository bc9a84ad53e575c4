//! Running migrations: each step's statements and its history row commit together where the
//! database allows (PostgreSQL, SQLite); elsewhere (MySQL/MariaDB DDL, no-transaction
//! migrations) every statement is journaled as it commits, so a failure says exactly what
//! committed. Every outcome, good or bad, is an event in `strata_events`.

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use crate::clock;
use crate::dialect::DatabaseKind;
use crate::driver::{HistoryError, Session};
use crate::history::{new_run_id, AppliedMigration, AppliedState, Event, EventKind, Outcome};

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
}

impl<'a> Executor<'a> {
    pub fn new(session: &'a mut Session, progress: impl FnMut(Progress) + Send + 'a) -> Self {
        Self {
            session,
            run_id: new_run_id(),
            actor: clock::actor(),
            progress: Box::new(progress),
        }
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

    /// Run one step. On PostgreSQL and SQLite a transactional step and its bookkeeping commit
    /// together or not at all.
    pub async fn run(&mut self, step: &Step) -> Result<(), RunError> {
        (self.progress)(Progress::StepStarted {
            version: step.version.clone(),
            name: step.name.clone(),
            direction: step.direction,
            statements: step.statements.len() as u32,
        });
        let started = Instant::now();
        let atomic = step.transactional && self.session.kind() != DatabaseKind::Mysql;
        if atomic {
            self.run_atomic(step, started).await?;
        } else {
            self.run_journaled(step, started).await?;
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

    /// Execute statement `i`, reporting progress; on failure, the error with its position.
    async fn statement(&mut self, step: &Step, i: usize) -> Result<(), (u32, u32, String)> {
        let s = &step.statements[i];
        let index = i as u32 + 1;
        (self.progress)(Progress::StatementStarted {
            version: step.version.clone(),
            index,
            line: s.line,
        });
        let t = Instant::now();
        match self.session.execute(&s.sql).await {
            Ok(rows) => {
                (self.progress)(Progress::StatementFinished {
                    version: step.version.clone(),
                    index,
                    rows: rows as f64,
                    ms: t.elapsed().as_secs_f64() * 1000.0,
                });
                Ok(())
            }
            Err(e) => Err(crate::driver::locate_error(&e, s)),
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

    async fn run_atomic(&mut self, step: &Step, started: Instant) -> Result<(), RunError> {
        let kind = match step.direction {
            Direction::Up => EventKind::Apply,
            Direction::Down => EventKind::Rollback,
        };
        self.session
            .begin()
            .await
            .map_err(self.bookkeeping_err(step))?;
        if step.direction == Direction::Up && self.session.kind() == DatabaseKind::Sqlite {
            // SQLite has no lock server: inside the write transaction, re-check.
            let applied = self
                .session
                .is_applied(&step.version)
                .await
                .map_err(self.bookkeeping_err(step))?;
            if applied {
                let _ = self.session.rollback().await;
                return Err(RunError::AlreadyApplied {
                    version: step.version.clone(),
                });
            }
        }
        for i in 0..step.statements.len() {
            if let Err(failure) = self.statement(step, i).await {
                let _ = self.session.rollback().await;
                let err = self.statement_error(
                    step,
                    i,
                    failure,
                    FailureRecord {
                        rolled_back: true,
                        committed: vec![],
                    },
                );
                let ev = self.event(
                    kind,
                    step,
                    Outcome::Failed,
                    clock::millis(started.elapsed()),
                    Some(err.to_string()),
                    None,
                );
                self.session
                    .insert_event(&ev)
                    .await
                    .map_err(self.bookkeeping_err(step))?;
                return Err(err);
            }
        }
        let ms = clock::millis(started.elapsed());
        let book = async {
            match step.direction {
                Direction::Up => {
                    let row = self.applied_row(
                        step,
                        ms,
                        AppliedState::Applied,
                        step.statements.len() as i32,
                    );
                    self.session.insert_applied(&row).await?;
                }
                Direction::Down => self.session.delete_applied(&step.version).await?,
            }
            let ev = self.event(kind, step, Outcome::Ok, ms, None, None);
            self.session.insert_event(&ev).await?;
            self.session.commit().await
        };
        if let Err(e) = book.await {
            let _ = self.session.rollback().await;
            return Err(self.bookkeeping_err(step)(e));
        }
        Ok(())
    }

    async fn run_journaled(&mut self, step: &Step, started: Instant) -> Result<(), RunError> {
        let total = step.statements.len() as i32;
        let (kind, partial_state) = match step.direction {
            Direction::Up => (EventKind::Apply, AppliedState::Partial),
            Direction::Down => (EventKind::Rollback, AppliedState::PartialRollback),
        };
        if step.direction == Direction::Up {
            let row = self.applied_row(step, 0, AppliedState::Partial, 0);
            self.session
                .insert_applied(&row)
                .await
                .map_err(self.bookkeeping_err(step))?;
        }
        for i in 0..step.statements.len() {
            if let Err(failure) = self.statement(step, i).await {
                let committed: Vec<u32> = (1..=i as u32).collect();
                let ms = clock::millis(started.elapsed());
                let nothing_done = committed.is_empty();
                if nothing_done && step.direction == Direction::Up {
                    self.session
                        .delete_applied(&step.version)
                        .await
                        .map_err(self.bookkeeping_err(step))?;
                } else if !nothing_done {
                    self.session
                        .update_progress(&step.version, i as i32, partial_state, ms)
                        .await
                        .map_err(self.bookkeeping_err(step))?;
                }
                let err = self.statement_error(
                    step,
                    i,
                    failure,
                    FailureRecord {
                        rolled_back: false,
                        committed: committed.clone(),
                    },
                );
                let detail = (!nothing_done).then(|| {
                    let list: Vec<String> = committed
                        .iter()
                        .map(|k| format!("{k}: {}", excerpt(&step.statements[*k as usize - 1].sql)))
                        .collect();
                    format!("committed statements:\n{}", list.join("\n"))
                });
                let outcome = if nothing_done {
                    Outcome::Failed
                } else {
                    Outcome::Partial
                };
                let ev = self.event(kind, step, outcome, ms, Some(err.to_string()), detail);
                self.session
                    .insert_event(&ev)
                    .await
                    .map_err(self.bookkeeping_err(step))?;
                return Err(err);
            }
            if step.direction == Direction::Up && i + 1 < step.statements.len() {
                self.session
                    .update_progress(&step.version, i as i32 + 1, AppliedState::Partial, 0)
                    .await
                    .map_err(self.bookkeeping_err(step))?;
            }
        }
        let ms = clock::millis(started.elapsed());
        match step.direction {
            Direction::Up => {
                self.session
                    .update_progress(&step.version, total, AppliedState::Applied, ms)
                    .await
            }
            Direction::Down => self.session.delete_applied(&step.version).await,
        }
        .map_err(self.bookkeeping_err(step))?;
        let ev = self.event(kind, step, Outcome::Ok, ms, None, None);
        self.session
            .insert_event(&ev)
            .await
            .map_err(self.bookkeeping_err(step))?;
        Ok(())
    }
}
