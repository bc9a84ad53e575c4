//! A migration in one transaction with its bookkeeping (PostgreSQL, SQLite), or a whole plan in
//! one transaction: the statements and the history rows commit together or not at all.
//!
//! Round trips on PostgreSQL: `BEGIN` and all of the migration's statements go in one text
//! (each on its own line at its file column, so a position the server reports maps back to the
//! file), the history row and the event go with `COMMIT`: two round trips and one commit per
//! migration, whatever its length. Strata's own SQL shares a text with a migration's only
//! before it (`BEGIN`) or not at all (the bookkeeping), so no statement, even one with an
//! unterminated quote, can change how Strata's SQL reads; the bookkeeping's values are
//! literals no text can end early (see `driver::session::Literals`). If the server reads the
//! statements differently from Strata's splitter (it returns another number of results), the
//! transaction is rolled back and the statements go one by one. Statement progress is
//! reported when the text returns. SQLite has no round trips to save: one call per statement.

use std::time::Instant;

use super::sent::is_connection_lost;
use super::{
    event_kind, Direction, Executor, FailureRecord, LostState, Progress, RunError, SentFailure,
    Step,
};
use crate::clock;
use crate::dialect::DatabaseKind;
use crate::driver::postgres;
use crate::history::Outcome;

/// Sent with the first statement on PostgreSQL.
const BEGIN: &str = "BEGIN;\n";

/// How a migration's statements sent in one text went, short of a placed failure.
enum Whole {
    /// All of them ran.
    Ran,
    /// The server ran another number of statements than Strata sent (it split the text
    /// otherwise, e.g. backslash escapes with `standard_conforming_strings` off).
    Misread(usize),
    /// An error the server did not place, before any statement ran.
    Unplaced((u32, u32, String)),
}

impl Executor<'_> {
    pub(super) async fn run_atomic(
        &mut self,
        step: &Step,
        started: Instant,
    ) -> Result<(), RunError> {
        let mut begin = self.open(step).await?;
        let mut sent = false;
        if !self.one_by_one && !begin.is_empty() && step.statements.len() > 1 {
            match self.all_statements(step, begin).await {
                Ok(Whole::Ran) => (begin, sent) = ("", true),
                // The server split the text otherwise, or an error cannot be placed: undo, and
                // send one by one.
                Ok(Whole::Misread(_) | Whole::Unplaced(_)) => {
                    let _ = self.session.rollback().await;
                }
                Err((i, failure)) => return Err(self.fail(step, i, failure, started, None).await),
            }
        }
        for i in (0..step.statements.len()).filter(|_| !sent) {
            let prefix_count = usize::from(!begin.is_empty());
            if let Err(failure) = self.statement(step, i, begin, prefix_count).await {
                return Err(self.fail(step, i, failure, started, None).await);
            }
            begin = "";
        }
        let ms = clock::millis(started.elapsed());
        let text = format!("{begin}{};\nCOMMIT", self.bookkeeping_text(step, ms));
        if let Err(f) = self.session.execute_batch(&text).await {
            if is_connection_lost(&f.error) {
                let state = LostState::Unknown { migrations: 1 };
                return Err(self.lost(step, None, state, &f.error));
            }
            let _ = self.session.rollback().await;
            return Err(self.bookkeeping_err(step)(f.error));
        }
        Ok(())
    }

    /// PostgreSQL: all of the step's statements in one text after `prefix` (`BEGIN;\n` or
    /// nothing). `Err((i, failure))`: statement `i` failed.
    async fn all_statements(
        &mut self,
        step: &Step,
        prefix: &str,
    ) -> Result<Whole, (usize, SentFailure)> {
        let prefix_count = usize::from(!prefix.is_empty());
        let mut text = String::from(prefix);
        // The text line each statement starts on, at its own file column.
        let mut starts = Vec::with_capacity(step.statements.len());
        for (i, s) in step.statements.iter().enumerate() {
            if i > 0 {
                text.push_str(";\n");
            }
            starts.push(text.matches('\n').count() as u32 + 1);
            text.push_str(&" ".repeat(s.column.saturating_sub(1) as usize));
            text.push_str(&s.sql);
        }
        let first = &step.statements[0];
        (self.progress)(Progress::StatementStarted {
            version: step.version.clone(),
            index: 1,
            line: first.line,
        });
        let t = Instant::now();
        let result = self.session.execute_batch(&text).await;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let n = step.statements.len();
        let finished = |done: usize, this: &mut Self, rows: &[u64]| {
            for i in 0..done {
                (this.progress)(Progress::StatementFinished {
                    version: step.version.clone(),
                    index: i as u32 + 1,
                    rows: rows.get(prefix_count + i).copied().unwrap_or(0) as f64,
                    ms,
                });
                if let Some(next) = step.statements.get(i + 1) {
                    (this.progress)(Progress::StatementStarted {
                        version: step.version.clone(),
                        index: i as u32 + 2,
                        line: next.line,
                    });
                }
            }
        };
        match result {
            Ok(rows) if rows.len() == prefix_count + n => {
                finished(n, self, &rows);
                Ok(Whole::Ran)
            }
            Ok(rows) => Ok(Whole::Misread(rows.len().saturating_sub(prefix_count))),
            Err(f) if is_connection_lost(&f.error) => {
                // The statement running when it went: the first without a result.
                let i = f.completed.saturating_sub(prefix_count).min(n - 1);
                finished(i, self, &[]);
                Err((i, SentFailure::Lost(f.error)))
            }
            Err(f) => {
                let sent = super::StepStatement {
                    sql: text,
                    line: 1,
                    column: 1,
                };
                // Placed by the server's position when it gave one (a syntax error stops the
                // whole text before anything runs), else by the results before the error.
                let (line, column, message) = crate::driver::locate_error(&f.error, &sent);
                let positioned = super::has_position(&f.error);
                let i = if positioned {
                    starts.iter().rposition(|&l| l <= line).unwrap_or(0)
                } else if f.completed >= prefix_count && f.completed - prefix_count < n {
                    f.completed - prefix_count
                } else {
                    return Ok(Whole::Unplaced((first.line, first.column, message)));
                };
                finished(i.min(f.completed.saturating_sub(prefix_count)), self, &[]);
                let s = &step.statements[i];
                let at = if positioned {
                    (s.line + line.saturating_sub(starts[i]), column, message)
                } else {
                    (s.line, s.column, message)
                };
                Err((i, SentFailure::Failed(at)))
            }
        }
    }

    /// Start the step's transaction. SQLite: `BEGIN IMMEDIATE` and, for an apply, the re-check
    /// that no other run applied it meanwhile (SQLite has no lock server). PostgreSQL: nothing
    /// yet; the returned `BEGIN` is sent with the first statement.
    async fn open(&mut self, step: &Step) -> Result<&'static str, RunError> {
        if self.session.kind() != DatabaseKind::Sqlite {
            return Ok(BEGIN);
        }
        if step.direction == Direction::Up {
            let applied = self
                .session
                .begin_checked(&step.version)
                .await
                .map_err(self.bookkeeping_err(step))?;
            if applied {
                let _ = self.session.rollback().await;
                return Err(RunError::AlreadyApplied {
                    version: step.version.clone(),
                });
            }
        } else {
            self.session
                .begin()
                .await
                .map_err(self.bookkeeping_err(step))?;
        }
        Ok("")
    }

    /// Statement `i` failed: roll back, record the failure as an event, and say what happened.
    /// `single`: in a single-transaction run, how many migrations it had run before this one
    /// (rolled back with it).
    async fn fail(
        &mut self,
        step: &Step,
        i: usize,
        failure: SentFailure,
        started: Instant,
        single: Option<usize>,
    ) -> RunError {
        let target = self.session.target.clone();
        let before = single.unwrap_or(0);
        if let SentFailure::Lost(error) = &failure {
            // The server rolls back the open transaction with the connection; nothing more
            // can be written over it (no event).
            let err = self.lost(step, Some(i), LostState::RolledBack, error);
            return match before {
                0 => err,
                rolled_back => RunError::SingleTransactionRolledBack {
                    rolled_back,
                    source: Box::new(err),
                },
            };
        }
        let out_of_locks = matches!(&failure, SentFailure::Failed(_))
            && self.session.kind() == DatabaseKind::Postgres
            && single.is_some();
        let err = match failure.into_error(step, &target) {
            Ok(at) => self.statement_error(
                step,
                i,
                at,
                FailureRecord {
                    rolled_back: true,
                    committed: vec![],
                },
            ),
            Err(e) => e,
        };
        let _ = self.session.rollback().await;
        let err = match (&err, out_of_locks) {
            (RunError::Statement { message, .. }, true)
                if message.contains(&format!("SQLSTATE {}", postgres::OUT_OF_MEMORY)) =>
            {
                let max_locks = self
                    .session
                    .scalar_text(postgres::MAX_LOCKS)
                    .await
                    .unwrap_or_else(|_| "?".into());
                RunError::OutOfLocks {
                    version: step.version.clone(),
                    name: step.name.clone(),
                    position: before + 1,
                    max_locks,
                    message: message.clone(),
                }
            }
            _ if before > 0 => RunError::SingleTransactionRolledBack {
                rolled_back: before,
                source: Box::new(err),
            },
            _ => err,
        };
        let ev = self.event(
            event_kind(step.direction),
            step,
            Outcome::Failed,
            clock::millis(started.elapsed()),
            Some(err.to_string()),
            None,
        );
        let text = self.event_text(&ev);
        if let Err(f) = self.session.execute_batch(&text).await {
            return self.bookkeeping_err(step)(f.error);
        }
        err
    }

    /// Run every step in one transaction (PostgreSQL, SQLite): all of them are applied or rolled
    /// back, or none is. Checked first by [`super::check_single_transaction`]. The history rows
    /// and events of all steps go with the final `COMMIT`: a step costs one round trip per
    /// statement and no commit of its own.
    pub async fn run_in_one_transaction(&mut self, steps: &[Step]) -> Result<(), RunError> {
        super::check_single_transaction(self.session.kind(), &self.session.target, steps)?;
        for step in steps {
            self.check_text(step)?;
        }
        let mut begin = BEGIN;
        if self.session.kind() == DatabaseKind::Sqlite {
            self.session
                .execute(crate::driver::sqlite::BEGIN_EXCLUSIVE)
                .await
                .map_err(|e| match steps.first() {
                    Some(s) => self.bookkeeping_err(s)(e),
                    None => RunError::Bookkeeping {
                        version: String::new(),
                        target: self.session.target.clone(),
                        source: e,
                    },
                })?;
            begin = "";
        }
        let mut book = String::new();
        for (k, step) in steps.iter().enumerate() {
            (self.progress)(Progress::StepStarted {
                version: step.version.clone(),
                name: step.name.clone(),
                direction: step.direction,
                statements: step.statements.len() as u32,
            });
            let started = Instant::now();
            if self.session.kind() == DatabaseKind::Sqlite && step.direction == Direction::Up {
                let applied = self.session.is_applied(&step.version).await;
                if applied.map_err(self.bookkeeping_err(step))? {
                    let _ = self.session.rollback().await;
                    return Err(RunError::AlreadyApplied {
                        version: step.version.clone(),
                    });
                }
            }
            let whole = !self.one_by_one
                && self.session.kind() == DatabaseKind::Postgres
                && step.statements.len() > 1;
            let mut sent = false;
            if whole {
                match self.all_statements(step, begin).await {
                    Ok(Whole::Ran) => (begin, sent) = ("", true),
                    Ok(Whole::Misread(ran)) => {
                        let _ = self.session.rollback().await;
                        return Err(RunError::Misread {
                            version: step.version.clone(),
                            sent: step.statements.len(),
                            ran,
                        });
                    }
                    Ok(Whole::Unplaced(at)) => {
                        let failure = SentFailure::Failed(at);
                        return Err(self.fail(step, 0, failure, started, Some(k)).await);
                    }
                    Err((i, failure)) => {
                        return Err(self.fail(step, i, failure, started, Some(k)).await)
                    }
                }
            }
            for i in (0..step.statements.len()).filter(|_| !sent) {
                let prefix_count = usize::from(!begin.is_empty());
                if let Err(failure) = self.statement(step, i, begin, prefix_count).await {
                    return Err(self.fail(step, i, failure, started, Some(k)).await);
                }
                begin = "";
            }
            let ms = clock::millis(started.elapsed());
            book.push_str(&self.bookkeeping_text(step, ms));
            book.push_str(";\n");
            (self.progress)(Progress::StepFinished {
                version: step.version.clone(),
                direction: step.direction,
                ms: started.elapsed().as_secs_f64() * 1000.0,
            });
        }
        let text = format!("{begin}{book}COMMIT");
        if let Err(f) = self.session.execute_batch(&text).await {
            if let (true, Some(last)) = (is_connection_lost(&f.error), steps.last()) {
                let state = LostState::Unknown {
                    migrations: steps.len(),
                };
                return Err(self.lost(last, None, state, &f.error));
            }
            let _ = self.session.rollback().await;
            return Err(match steps.last() {
                Some(s) => self.bookkeeping_err(s)(f.error),
                None => RunError::Bookkeeping {
                    version: String::new(),
                    target: self.session.target.clone(),
                    source: f.error,
                },
            });
        }
        Ok(())
    }
}
