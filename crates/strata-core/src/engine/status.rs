//! Reading what a database's history says, apart from the migrations on disk: over a
//! connection of its own or one lent by a pool, through the same queries. Reading never
//! creates anything. A status report also says what its entries alone would not
//! ([`StatusReport::notes`]).

use std::time::{Duration, Instant};

use super::{
    entries, entries_owned, locals, parse_history_version, EngineError, RunOptions, RunReport,
    StatusEntry, StatusReport,
};
use crate::dialect::DatabaseKind;
use crate::driver::{DbPool, HistoryError, Session};
use crate::history::AppliedMigration;
use crate::plan::{self, PlanOptions, Target};
use crate::source::MigrationSet;

/// Every migration's state in the database at `url`. Reading never creates anything.
pub async fn status(
    url: &str,
    set: &MigrationSet,
    timeout: Duration,
) -> Result<StatusReport, EngineError> {
    Ok(snapshot(url, timeout).await?.status(set))
}

/// What a database's history says, read apart from the migrations on disk, so that a host can
/// read the migrations folder while it connects (`status` and an up-to-date `up` cost the
/// longer of the two, not their sum). The stored SQL is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistorySnapshot {
    /// The database, password redacted.
    pub target: String,
    pub kind: DatabaseKind,
    pub history: Vec<AppliedMigration>,
    /// Another tool's history, when there is no Strata history.
    pub foreign: Option<crate::adopt::ForeignHistory>,
}

/// Read the history at `url` (two queries on one connection). Reading never creates
/// anything.
pub async fn snapshot(url: &str, timeout: Duration) -> Result<HistorySnapshot, EngineError> {
    read(Session::connect(url, timeout).await?, false).await
}

/// Read the history through `pool`: a connection from it (connected when none is idle) and the
/// same queries as [`snapshot`]. Getting the connection and reading are each bounded by the
/// pool's timeout, so a server that stops answering costs that long, not a hung screen. The
/// connection goes back to the pool.
pub async fn snapshot_pooled(pool: &DbPool) -> Result<HistorySnapshot, EngineError> {
    let session = pool.session().await?;
    let seconds = pool.timeout().as_secs();
    let target = pool.target().to_owned();
    // A read cut short drops its connection with the future; sqlx pings it before taking it
    // back, so a connection left mid-query is closed, not lent again.
    tokio::time::timeout(pool.timeout(), read(session, true))
        .await
        .map_err(|_| {
            HistoryError::Timeout {
                action: "reading the history",
                target,
                seconds,
            }
            .into()
        })
        .and_then(|read| read)
}

/// The history and, when there is none, another tool's; then the session is closed (a lent
/// connection given back; a connection of its own closed without waiting where that is safe).
async fn read(mut session: Session, lent: bool) -> Result<HistorySnapshot, EngineError> {
    let read = async {
        let history = session.read_history_without_sql().await?;
        let foreign = match history.is_empty() {
            true => crate::adopt::detect_in(&mut session).await?,
            false => None,
        };
        Ok::<_, EngineError>((history, foreign))
    };
    let read = read.await;
    let (target, kind) = (session.target.clone(), session.kind());
    match lent {
        true => session.close().await,
        false => session.close_without_waiting().await,
    }
    let (history, foreign) = read?;
    Ok(HistorySnapshot {
        target,
        kind,
        history,
        foreign,
    })
}

impl HistorySnapshot {
    /// Every migration of `set` and of the history, with its state.
    pub fn status(&self, set: &MigrationSet) -> StatusReport {
        StatusReport {
            target: self.target.clone(),
            kind: self.kind,
            entries: entries(set, &self.history),
            foreign: self.foreign.clone(),
        }
    }

    /// [`status`](Self::status) for a caller done with the snapshot: the history's rows move
    /// into the report instead of being copied.
    pub fn into_status(self, set: &MigrationSet) -> StatusReport {
        StatusReport {
            target: self.target,
            kind: self.kind,
            entries: entries_owned(set, self.history),
            foreign: self.foreign,
        }
    }

    /// Whether a run towards `options.target` (applying: `Latest` or `UpTo`) has nothing to
    /// do. `false` when it may have work, and for anything the locked run must judge (no
    /// history yet, a plan error, a rollback target).
    pub fn up_to_date(&self, set: &MigrationSet, options: &RunOptions) -> bool {
        if self.history.is_empty() || !matches!(options.target, Target::Latest | Target::UpTo(_)) {
            return false;
        }
        let locals = locals(set);
        let rows = plan::status(&locals, &self.history, |raw| {
            parse_history_version(set, raw)
        });
        let plan_options = PlanOptions {
            allow_out_of_order: options.allow_out_of_order,
        };
        matches!(plan::plan(&rows, &options.target, plan_options), Ok(p) if p.is_empty())
    }

    /// The report of a run that found nothing to do.
    pub fn nothing_to_do(&self, started: Instant) -> RunReport {
        RunReport {
            target: self.target.clone(),
            dry_run: false,
            steps: Vec::new(),
            notes: Vec::new(),
            run_id: None,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        }
    }
}

impl StatusReport {
    /// What to know about this status beyond its entries: repeatable migrations recorded as
    /// applied while no versioned migration is (what a rollback to zero leaves: repeatables
    /// have no rollback, so their objects, and their rows, stay; see `plan.rs`).
    pub fn notes(&self) -> Vec<String> {
        let (repeatables, versioned): (Vec<&StatusEntry>, Vec<&StatusEntry>) =
            (self.entries.iter()).partition(|e| plan::is_repeatable(&e.version));
        let kept: Vec<&str> = (repeatables.iter())
            .filter(|e| e.applied.is_some())
            .map(|e| e.version.as_str())
            .collect();
        if kept.is_empty() || versioned.is_empty() || versioned.iter().any(|e| e.applied.is_some())
        {
            return Vec::new();
        }
        vec![format!(
            "{} {} recorded as applied while no versioned migration is: repeatable migrations have no rollback (as in Flyway), so a rollback leaves them, and their objects, in the database. `strata up` applies the versions again, but runs a repeatable again only when its file changes.",
            kept.join(", "),
            if kept.len() == 1 { "stays" } else { "stay" }
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{AppliedMigration, AppliedState};
    use crate::plan::MigrationState;

    fn entry(version: &str, applied: bool) -> StatusEntry {
        let row = AppliedMigration {
            version: version.into(),
            name: "n".into(),
            checksum: "c".into(),
            up_sql: String::new(),
            down_sql: None,
            applied_at: "2024-01-01T00:00:00Z".into(),
            applied_by: "me".into(),
            execution_ms: 0,
            state: AppliedState::Applied,
            statements_total: 1,
            statements_committed: 1,
        };
        StatusEntry {
            version: version.into(),
            name: "n".into(),
            state: if applied {
                MigrationState::Applied
            } else {
                MigrationState::Pending
            },
            applied: applied.then_some(row),
        }
    }

    fn report(entries: Vec<StatusEntry>) -> StatusReport {
        StatusReport {
            target: "db".into(),
            kind: DatabaseKind::Sqlite,
            entries,
            foreign: None,
        }
    }

    #[test]
    fn repeatables_left_by_a_rollback_to_zero_are_explained() {
        let zero = report(vec![
            entry("1", false),
            entry("2", false),
            entry("R__views", true),
        ]);
        let notes = zero.notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("R__views stays recorded as applied while no versioned migration is: repeatable migrations have no rollback"),
            "{notes:?}"
        );
        // Nothing to explain: a version is applied, the repeatable is not, or there are no
        // versions at all.
        for entries in [
            vec![entry("1", true), entry("R__views", true)],
            vec![entry("1", false), entry("R__views", false)],
            vec![entry("R__views", true)],
        ] {
            assert!(report(entries).notes().is_empty());
        }
    }
}
