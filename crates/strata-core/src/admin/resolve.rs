//! Resolving a migration that a failed run left partially applied (`partial`, or
//! `partial_rollback`): resume it from the statement after the last one that committed, record
//! that the user finished it by hand, or undo what committed with the stored down SQL. Each
//! writes a `resolve` event; resuming and rolling back also leave the executor's own event.
//! Resolving holds the locks a run holds: the migration lock (a concurrent run waits and names
//! this one) and, on the connection that runs the statements, the executor lock.

use std::path::PathBuf;

use serde::Serialize;

use super::{begin, close, end, open, parse_history, sql_err, AdminError, AdminOptions};
use crate::clock;
use crate::dialect::DatabaseKind;
use crate::driver::Session;
use crate::executor::{Direction, Executor, Step, StepStatement};
use crate::history::{new_run_id, AppliedMigration, AppliedState, Event, EventKind, Outcome};
use crate::source::{Migration, MigrationSet, Version};
use crate::split::{self, Finding};

/// How to settle a partially applied migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ResolveAction {
    /// Run the statements after the last one that committed, from the SQL stored at apply
    /// time (after fixing what made the next one fail).
    Resume,
    /// The user finished the interrupted operation by hand: a partial apply becomes applied,
    /// a partial rollback becomes rolled back (its row is removed).
    MarkResolved,
    /// Run the stored down SQL to undo what committed, then forget the migration (partial
    /// applies only).
    RollBackCommitted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResolveReport {
    pub target: String,
    pub version: String,
    pub name: String,
    pub action: ResolveAction,
    /// The state it was in: `partial` or `partial_rollback`.
    pub was: AppliedState,
    /// Whether it is applied now.
    pub applied: bool,
    /// What happened, as the `resolve` event's detail says it.
    pub detail: String,
    pub run_id: String,
}

/// Settle a migration left `partial` (or `partial_rollback`) by a run that failed after some
/// statements committed outside a transaction. See [`ResolveAction`]; each writes a `resolve`
/// event, and resuming or rolling back also writes the executor's own `apply` / `rollback`
/// event with the same run id.
pub async fn resolve(
    url: &str,
    set: &MigrationSet,
    version: &Version,
    action: ResolveAction,
    options: &AdminOptions,
) -> Result<ResolveReport, AdminError> {
    let (mut lock, mut s) = open(url, options).await?;
    // Resuming and rolling back run migration SQL on `s`: like a run's, that connection holds
    // the executor lock, so if this process dies mid-statement the next run ends what it left
    // running on the server (and PostgreSQL ends it on its own once the client is gone).
    let result = match lock.guard(&mut s).await {
        Ok(()) => resolve_in(&mut s, set, version, action).await,
        Err(e) => Err(e.into()),
    };
    close(lock, s, result).await
}

async fn resolve_in(
    s: &mut Session,
    set: &MigrationSet,
    version: &Version,
    action: ResolveAction,
) -> Result<ResolveReport, AdminError> {
    let history = s.read_history().await?;
    let found = (history.iter()).find(|a| parse_history(set, &a.version).as_ref() == Some(version));
    let Some(row) = found.filter(|a| a.state != AppliedState::Applied).cloned() else {
        return Err(AdminError::NotPartial {
            target: s.target.clone(),
            version: version.as_str().to_owned(),
            state: found.map_or("not applied", |_| "applied"),
        });
    };
    let file = set.migrations.iter().find(|m| &m.version == version);
    let (k, kind) = (row.statements_committed, s.kind());
    let was = row.state;
    let mut report = ResolveReport {
        target: s.target.clone(),
        version: row.version.clone(),
        name: row.name.clone(),
        action,
        was,
        applied: false,
        detail: String::new(),
        run_id: new_run_id(),
    };
    let step = |direction: Direction| stored_step(&row, file, direction, kind);
    match (action, was) {
        (ResolveAction::Resume, _) => {
            let direction = match was {
                AppliedState::PartialRollback => Direction::Down,
                _ => Direction::Up,
            };
            let step = step(direction)?;
            let n = step.statements.len();
            let mut ex = Executor::new(s, |_| {});
            report.run_id = ex.run_id().to_owned();
            ex.resume_from(&step, k as usize).await?;
            report.applied = direction == Direction::Up;
            report.detail = format!(
                "resumed {} at statement {} of {n}: statements {}..{n} ran from the stored SQL",
                if report.applied {
                    "the apply"
                } else {
                    "the rollback"
                },
                k + 1,
                k + 1
            );
        }
        (ResolveAction::MarkResolved, _) => {
            let up = was == AppliedState::Partial;
            report.applied = up;
            report.detail = if up {
                format!("marked resolved by hand: {k} of {} statements had committed; the rest was done outside Strata; recorded as applied", row.statements_total)
            } else {
                format!("rollback marked resolved by hand after {k} down statements had committed; no longer applied")
            };
            // The history change and its event commit together.
            begin(s).await?;
            let result = mark_resolved(s, &row, &resolve_event(&report)).await;
            end(s, result).await?;
            return Ok(report);
        }
        (ResolveAction::RollBackCommitted, AppliedState::Partial) => {
            let step = step(Direction::Down)?;
            let mut ex = Executor::new(s, |_| {});
            report.run_id = ex.run_id().to_owned();
            ex.run(&step).await?;
            report.detail = format!(
                "rolled back what committed ({k} of {} statements) with the stored down SQL; no longer applied",
                row.statements_total
            );
        }
        (ResolveAction::RollBackCommitted, _) => {
            return Err(AdminError::RollbackOfRollback {
                version: row.version.clone(),
            })
        }
    }
    s.insert_event(&resolve_event(&report))
        .await
        .map_err(sql_err(s, "recording the resolve event"))?;
    Ok(report)
}

/// Inside the transaction: the row is still the partial one (SQLite has no lock server);
/// a partial apply becomes applied, a partial rollback's row goes; the event.
async fn mark_resolved(
    s: &mut Session,
    row: &AppliedMigration,
    event: &Event,
) -> Result<(), AdminError> {
    let now = s.read_history().await?;
    let current = now.iter().find(|a| a.version == row.version);
    if current.map(|a| a.state) != Some(row.state) {
        return Err(AdminError::NotPartial {
            target: s.target.clone(),
            version: row.version.clone(),
            state: current.map_or("not applied", |a| a.state.as_str()),
        });
    }
    let done = if row.state == AppliedState::Partial {
        let total = row.statements_total;
        (s.update_progress(&row.version, total, AppliedState::Applied, row.execution_ms)).await
    } else {
        s.delete_applied(&row.version).await
    };
    done.map_err(sql_err(s, "marking the migration resolved"))?;
    s.insert_event(event)
        .await
        .map_err(sql_err(s, "recording the resolve event"))?;
    Ok(())
}

fn resolve_event(report: &ResolveReport) -> Event {
    Event {
        run_id: report.run_id.clone(),
        at: clock::now_iso(),
        kind: EventKind::Resolve,
        version: Some(report.version.clone()),
        name: Some(report.name.clone()),
        outcome: Outcome::Ok,
        duration_ms: 0,
        error: None,
        detail: Some(report.detail.clone()),
        actor: clock::actor(),
    }
}

/// The step that resumes or rolls back a partial row, from the SQL stored with it. The file
/// is named in errors when it still holds exactly that SQL.
fn stored_step(
    row: &AppliedMigration,
    file: Option<&Migration>,
    direction: Direction,
    kind: DatabaseKind,
) -> Result<Step, AdminError> {
    let part = file.and_then(|m| match direction {
        Direction::Up => Some(&m.up),
        Direction::Down => m.down.as_ref(),
    });
    let (sql, column) = match direction {
        Direction::Up => (row.up_sql.clone(), "up_sql"),
        Direction::Down => match &row.down_sql {
            Some(sql) => (sql.clone(), "down_sql"),
            None => {
                return Err(AdminError::NoDownSql {
                    version: row.version.clone(),
                })
            }
        },
    };
    let part = part.filter(|p| p.sql == sql);
    let (path, first_line) = match part {
        Some(p) => (p.path.clone(), p.first_line),
        None => (
            PathBuf::from(format!("strata_migrations[{}].{column}", row.version)),
            1,
        ),
    };
    let cut = split::split(&sql, kind);
    let statements: Vec<StepStatement> = (cut.statements())
        .map(|c| StepStatement {
            sql: c.exec_text(&sql).to_owned(),
            line: c.line + first_line - 1,
            column: c.column,
        })
        .collect();
    if direction == Direction::Up && statements.len() != row.statements_total as usize {
        return Err(AdminError::StatementsChanged {
            version: row.version.clone(),
            recorded: row.statements_total as usize,
            found: statements.len(),
        });
    }
    let outside = split::analyze_split(&sql, &cut, kind).iter().any(|(_, f)| {
        matches!(
            f,
            Finding::CannotRunInTransaction { .. } | Finding::TransactionControl { .. }
        )
    });
    Ok(Step {
        direction,
        version: row.version.clone(),
        name: row.name.clone(),
        checksum: row.checksum.clone(),
        file: path,
        statements,
        up_sql: row.up_sql.clone(),
        down_sql: row.down_sql.clone(),
        transactional: !outside && !part.is_some_and(|p| p.no_transaction),
    })
}
