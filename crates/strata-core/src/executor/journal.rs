//! A migration outside a transaction (MySQL/MariaDB, whose DDL commits implicitly, and
//! no-transaction migrations elsewhere): each statement's commit is journaled in the history
//! row (`partial`, with the number of statements committed), which becomes `applied` after the
//! last one, so a failure, or a killed run, leaves a record of exactly what committed. A
//! rollback journals the same way: its row turns `partial_rollback` with the number of down
//! statements committed (of the down part's), and goes with the last one.
//!
//! On MySQL/MariaDB each statement travels with its journal entry in one multi-statement text,
//! which the server runs in order and stops at the first error: the entry is written only if
//! the statement succeeded, right after it on the server (even when the client is gone by
//! then), and costs no extra round trip. A migration's statements, each with its entry, go in
//! one such text (`chained`: one round trip a migration, and the server, not the client's
//! replies, paces the statements), and progress is told as each statement's result arrives;
//! a watching user (`statement_by_statement`) gets a round trip a statement, and a statement
//! that is several or may answer with several results goes on its own. The history row is
//! written with the first
//! statement's entry rather than before it: a commit fewer per migration, and a first
//! statement that fails or never runs leaves no row to clean up. A run of consecutive data
//! changes (INSERT, UPDATE, DELETE, REPLACE) is one transaction that commits once, with the
//! last one's entry (`mysql::journal_suffix` is then asked to commit only there); a failure
//! inside it rolls the whole run back, so the journal, which ends before the run, still names
//! exactly what committed, and a resume starts at the run's first statement. A killed client
//! leaves the open run uncommitted, which the server rolls back. Strata's values go into
//! session variables in a `SET` before the statement; what follows the statement holds no
//! quote, so no statement text, even an unterminated one, can change how it reads. A statement
//! that is itself several (a routine file sent whole) goes alone. Elsewhere the row is written
//! first and each entry is its own statement.

use std::time::Instant;

use super::{
    event_kind, excerpt, sent, Direction, Executor, FailureRecord, LostState, Progress, RunError,
    SentFailure, Step,
};
use crate::clock;
use crate::dialect::DatabaseKind;
use crate::driver::mysql::{self, Row};
use crate::driver::session::BatchFailure;
use crate::history::{AppliedState, Outcome};

impl Executor<'_> {
    /// Statements before index `from` committed in an earlier run (`Executor::resume_from`);
    /// their history row exists.
    pub(super) async fn run_journaled(
        &mut self,
        step: &Step,
        started: Instant,
        from: usize,
    ) -> Result<(), RunError> {
        if step.statements.is_empty() {
            // Nothing to journal: the history change and the event at once.
            let text = self.bookkeeping_text(step, clock::millis(started.elapsed()));
            return self
                .session
                .execute_batch(&text)
                .await
                .map(drop)
                .map_err(|f| self.bookkeeping_err(step)(f.error));
        }
        let total = step.statements.len() as i32;
        let up = step.direction == Direction::Up;
        let mysql = self.session.kind() == DatabaseKind::Mysql;
        // Whether the history row exists: a rollback's does, a resumed apply's does.
        let mut row = if up && from == 0 {
            Row::New
        } else {
            Row::Exists
        };
        let (mut prefix, mut prefix_count) = (String::new(), 0);
        if mysql {
            prefix = self.session_variables(step, row == Row::New);
            prefix_count = 1;
        } else if row == Row::New {
            let partial = self.applied_row(step, 0, AppliedState::Partial, 0);
            self.session
                .insert_applied(&partial)
                .await
                .map_err(self.bookkeeping_err(step))?;
            row = Row::Exists;
        }
        // MySQL: which statements are data changes that can share a transaction. A run of them
        // is one group: `START TRANSACTION` before the first, `COMMIT` (with the last one's
        // journal entry) after the last, so the group commits once. A failure inside it rolls
        // the whole group back, and the journal truthfully ends before the group.
        let groupable: Vec<bool> = step
            .statements
            .iter()
            .map(|s| {
                mysql
                    && step.transactional
                    && !several_statements(&s.sql)
                    && mysql::is_data_change(&s.sql)
            })
            .collect();
        let n = step.statements.len();
        // Whether statement `i`'s journal entry commits (a group's last, or one alone): the
        // statements up to it are then durable.
        let commits = |i: usize| !groupable[i] || i + 1 == n || !groupable[i + 1];
        // Statements whose commit is durable (with its journal entry, on MySQL) when statement
        // `f` is the first that did not go through, with its entry.
        let durable_before = |f: usize| {
            (from..f)
                .rev()
                .find(|&i| commits(i))
                .map_or(from, |i| i + 1)
        };
        // MySQL: statements wait here, each with its text before and after, to go in one
        // text (`chained`), sent at the migration's end, for a watching user (`one_by_one`)
        // at each statement, and before a statement that goes alone (`alone`: several, or one
        // that may answer with several results).
        let mut chain: Vec<Link> = Vec::new();
        let mut in_group = false;
        for i in from..n {
            let last = i + 1 == n;
            let sent = if mysql {
                if last {
                    prefix.push_str(&format!(
                        "SET @strata_at = {};\n",
                        mysql::hex_literal(&clock::now_iso())
                    ));
                    prefix_count += 1;
                }
                let sql = &step.statements[i].sql;
                let several = several_statements(sql);
                if groupable[i] && !in_group {
                    prefix.push_str("START TRANSACTION;\n");
                    prefix_count += 1;
                    in_group = true;
                }
                // The group ends here, and commits, unless the next statement joins it.
                let closes = in_group && !groupable.get(i + 1).copied().unwrap_or(false);
                let suffix = match (last, up) {
                    (true, _) => mysql::finish_suffix(up, total, row, in_group),
                    (false, true) => mysql::journal_suffix(i as i32 + 1, total, row, closes),
                    (false, false) => mysql::rollback_journal_suffix(i as i32 + 1, total, closes),
                };
                if closes {
                    in_group = false;
                }
                let link = Link {
                    i,
                    prefix: std::mem::take(&mut prefix),
                    prefix_count: std::mem::take(&mut prefix_count),
                    suffix,
                };
                row = Row::Exists;
                if several || mysql::may_answer_several_results(sql) {
                    // On its own, as its results cannot be counted in a chain: a failure in
                    // its round trip is then its own.
                    match self.chained(step, std::mem::take(&mut chain)).await {
                        Ok(()) => (self.alone(step, i, &link.prefix, &link.suffix).await)
                            .map_err(|f| (i, f)),
                        failed => failed,
                    }
                } else {
                    chain.push(link);
                    if self.one_by_one || last {
                        self.chained(step, std::mem::take(&mut chain)).await
                    } else {
                        continue;
                    }
                }
            } else {
                (self.statement(step, i, "", 0).await).map_err(|f| (i, f))
            };
            if let Err((i, failure)) = sent {
                // The statements whose journal entries went through.
                let entered = durable_before(i);
                let (i, failure, durable) = match failure {
                    // MySQL: statement `i` committed by itself (its result came back), and its
                    // journal entry, after it, failed (a cancel landing between the two, a
                    // trigger): the record written below says it committed, and the run stops
                    // before the next one.
                    SentFailure::After(error) if mysql && !groupable[i] => {
                        let (next, message) = match step.statements.get(i + 1) {
                            Some(_) => (i + 1, format!("not run: statement {} committed, and Strata's journal entry for it failed: {error}", i + 1)),
                            None => (i, format!("the statement committed, and recording it in the history failed: {error}")),
                        };
                        let s = &step.statements[next];
                        (
                            next,
                            SentFailure::Failed((s.line, s.column, message)),
                            i + 1,
                        )
                    }
                    failure => (i, failure, entered),
                };
                if let SentFailure::Lost(error) = &failure {
                    // Nothing more can be written over the connection: the journal stands
                    // as the statements before this one left it.
                    let committed = (1..=durable as u32).collect();
                    return Err(self.lost(step, Some(i), LostState::Committed(committed), error));
                }
                let at = failure.into_error(step, &self.session.target.clone())?;
                // On MySQL the first journal entry wrote the row: none is there if nothing
                // committed in this run's first apply.
                let row_written = if mysql && up && from == 0 {
                    entered > 0
                } else {
                    row == Row::Exists
                };
                return Err(self
                    .fail_journaled(step, i, durable, at, started, row_written)
                    .await);
            }
            if !mysql && !last {
                let done = i as i32 + 1;
                if up {
                    (self.session)
                        .update_progress(&step.version, done, AppliedState::Partial, 0)
                        .await
                } else {
                    self.session
                        .journal_rollback(&step.version, done, total)
                        .await
                }
                .map_err(self.bookkeeping_err(step))?;
            }
        }
        if mysql && from < step.statements.len() {
            // The last statement's round trip finished the row and wrote the event.
            return Ok(());
        }
        let ms = clock::millis(started.elapsed());
        if up {
            self.session
                .update_progress(&step.version, total, AppliedState::Applied, ms)
                .await
        } else {
            self.session.delete_applied(&step.version).await
        }
        .map_err(self.bookkeeping_err(step))?;
        let ev = self.ok_event(step, ms);
        self.session
            .insert_event(&ev)
            .await
            .map_err(self.bookkeeping_err(step))?;
        Ok(())
    }

    /// MySQL: a `SET` of the session variables the journal entries read; with `new_row`, the
    /// history row's values too.
    fn session_variables(&self, step: &Step, new_row: bool) -> String {
        let hex = mysql::hex_literal;
        let mut set = format!(
            "SET @strata_t0 = NOW(6), @strata_v = {}, @strata_name = {}, @strata_run = {}, @strata_actor = {}, @strata_kind = {}, @strata_state = {}, @strata_outcome = {}",
            hex(&step.version),
            hex(&step.name),
            hex(&self.run_id),
            hex(&self.actor),
            hex(event_kind(step.direction).as_str()),
            hex(AppliedState::Applied.as_str()),
            hex(Outcome::Ok.as_str()),
        );
        if step.direction == Direction::Down {
            // The state a rollback's journal entries give the row.
            let state = AppliedState::PartialRollback.as_str();
            set.push_str(&format!(", @strata_partial = {}", hex(state)));
        } else if new_row {
            let row = self.applied_row(step, 0, AppliedState::Partial, 0);
            set.push_str(&format!(
                ", @strata_checksum = {}, @strata_up = {}, @strata_down = {}, @strata_applied_at = {}, @strata_partial = {}",
                hex(&row.checksum),
                hex(&row.up_sql),
                row.down_sql.as_deref().map_or_else(|| "NULL".to_owned(), hex),
                hex(&row.applied_at),
                hex(AppliedState::Partial.as_str()),
            ));
        }
        set.push_str(";\n");
        set
    }

    /// MySQL: the statements of `links` in one text, each with Strata's statements before and
    /// after it (its journal entry after it, so the server writes the entry right after the
    /// statement commits, even when the client is gone by then, and stops at the first error).
    /// Progress is told as each statement's result arrives. `Err((i, failure))`: statement `i`,
    /// or Strata's statements around it, failed; those before it went through with their
    /// entries.
    async fn chained(&mut self, step: &Step, links: Vec<Link>) -> Result<(), (usize, SentFailure)> {
        let Some(first) = links.first() else {
            return Ok(());
        };
        if self.cancel.is_cancelled() {
            let s = &step.statements[first.i];
            return Err((
                first.i,
                SentFailure::Failed((s.line, s.column, super::CANCELLED.into())),
            ));
        }
        // The text, and for each link how many results the server has sent when its prefix,
        // its statement and its suffix are through.
        let mut text = String::new();
        let mut ends = Vec::with_capacity(links.len());
        let mut count = 0;
        for (k, link) in links.iter().enumerate() {
            if k > 0 {
                text.push_str(";\n");
            }
            let s = &step.statements[link.i];
            text.push_str(&link.prefix);
            text.push_str(&s.sql);
            text.push_str("\n;");
            text.push_str(&link.suffix);
            let prefix_end = count + link.prefix_count;
            count = prefix_end + 1 + mysql::statement_count(&link.suffix);
            ends.push((prefix_end, prefix_end + 1, count));
        }
        let version = &step.version;
        let started = |k: usize| Progress::StatementStarted {
            version: version.clone(),
            index: links[k].i as u32 + 1,
            line: step.statements[links[k].i].line,
        };
        let Self {
            session, progress, ..
        } = self;
        progress(started(0));
        let (mut k, mut got, mut t) = (0, 0, Instant::now());
        let result = (session.execute_batch_each(&text, |rows| {
            got += 1;
            while k < links.len() && got > ends[k].2 {
                k += 1;
            }
            let Some(&(_, statement_end, end)) = ends.get(k) else {
                return;
            };
            if got == statement_end {
                progress(Progress::StatementFinished {
                    version: version.clone(),
                    index: links[k].i as u32 + 1,
                    rows: rows as f64,
                    ms: t.elapsed().as_secs_f64() * 1000.0,
                });
            }
            if got == end && k + 1 < links.len() {
                progress(started(k + 1));
                t = Instant::now();
            }
        }))
        .await;
        let Err(BatchFailure { completed, error }) = result else {
            return Ok(());
        };
        // The first link not through: the failure is in its prefix, its statement or after.
        let k = ends
            .iter()
            .position(|&(_, _, end)| completed < end)
            .unwrap_or(links.len() - 1);
        let (prefix_end, _, _) = ends[k];
        let (i, s) = (links[k].i, &step.statements[links[k].i]);
        let failure = if sent::is_connection_lost(&error) {
            SentFailure::Lost(error)
        } else if completed < prefix_end {
            SentFailure::Before(error)
        } else if completed == prefix_end {
            SentFailure::Failed(crate::driver::locate_error(&error, s))
        } else {
            SentFailure::After(error)
        };
        Err((i, failure))
    }

    /// MySQL: statement `i` on its own, with the text before and after it as separate round
    /// trips (for a statement that is several, or may answer with several results).
    async fn alone(
        &mut self,
        step: &Step,
        i: usize,
        prefix: &str,
        suffix: &str,
    ) -> Result<(), SentFailure> {
        if !prefix.is_empty() {
            self.session
                .execute_batch(prefix)
                .await
                .map_err(|f| SentFailure::before(f.error))?;
        }
        self.statement(step, i, "", 0).await?;
        self.session
            .execute_batch(suffix)
            .await
            .map_err(|f| SentFailure::after(f.error))?;
        Ok(())
    }

    /// Statement `i` failed outside a transaction: the first `committed` statements committed
    /// (those of a data-change group still open at the failure are rolled back with it).
    /// Journal that, record the event, and say exactly what committed.
    /// `row_written`: the history row exists (else there is none to change or remove).
    async fn fail_journaled(
        &mut self,
        step: &Step,
        i: usize,
        committed: usize,
        at: (u32, u32, String),
        started: Instant,
        row_written: bool,
    ) -> RunError {
        let up = step.direction == Direction::Up;
        let count = committed;
        let committed: Vec<u32> = (1..=count as u32).collect();
        let ms = clock::millis(started.elapsed());
        let nothing_done = committed.is_empty();
        let err = self.statement_error(
            step,
            i,
            at,
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
        let ev = self.event(
            event_kind(step.direction),
            step,
            outcome,
            ms,
            Some(err.to_string()),
            detail,
        );
        // A transaction the migration opened itself would hold the journal's writes: end it
        // (closing the connection would roll it back all the same).
        let _ = self.session.rollback().await;
        let recorded = async {
            if nothing_done && up && row_written {
                self.session.delete_applied(&step.version).await?;
            } else if !nothing_done && up && !row_written {
                // MySQL: the first entry, which writes the row, did not go through.
                let row = self.applied_row(step, ms, AppliedState::Partial, count as i32);
                self.session.insert_applied(&row).await?;
            } else if !nothing_done && up {
                self.session
                    .update_progress(&step.version, count as i32, AppliedState::Partial, ms)
                    .await?;
            } else if !nothing_done {
                let total = step.statements.len() as i32;
                (self.session)
                    .journal_rollback(&step.version, count as i32, total)
                    .await?;
            }
            self.session.insert_event(&ev).await
        };
        match recorded.await {
            Ok(()) => err,
            Err(e) => self.bookkeeping_err(step)(e),
        }
    }
}

/// A MySQL statement waiting to be sent in a chain, with Strata's statements before it
/// (`prefix_count` of them) and after it.
struct Link {
    i: usize,
    prefix: String,
    prefix_count: usize,
    suffix: String,
}

/// Whether a MySQL statement text is really several (a routine file sent whole), so that
/// counting its results cannot tell which one failed.
fn several_statements(sql: &str) -> bool {
    let split = crate::split::split(sql, DatabaseKind::Mysql);
    split.whole_text || split.statements().count() != 1
}
