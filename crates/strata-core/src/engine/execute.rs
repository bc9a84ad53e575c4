//! Executing a plan's steps so that it can be cancelled: a raised [`CancelToken`] stops the
//! run before its next statement (the executor checks), and a statement already running on the
//! server for a moment is cancelled from the lock's connection, once. Only a user statement
//! that has run for [`RUNNING_FOR`] is cancelled, so the cancel reaches the statement itself,
//! not Strata's bookkeeping around it, and the record of what committed stays true.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{EngineError, RunOptions};
use crate::driver::Session;
use crate::executor::{Executor, FailureRecord, Progress, RunError, Step};
use crate::lock::{CancelToken, MigrationLock};

/// Run `steps` on `session` (one transaction for all with `options.single_transaction`),
/// watching `options.cancel` when the run holds `lock`. Returns the run id; a cancelled run
/// fails with [`EngineError::Cancelled`], saying what it left.
pub(super) async fn execute(
    session: &mut Session,
    steps: &[Step],
    options: &RunOptions,
    mut progress: impl FnMut(Progress) + Send,
    lock: Option<&mut MigrationLock>,
) -> Result<String, EngineError> {
    let target = session.target.clone();
    let running = Running::default();
    let observed = running.clone();
    let progress = move |p: Progress| {
        observed.observe(&p);
        progress(p)
    };
    let token = &options.cancel;
    let mut executor = Executor::new(session, progress)
        .with_cancel(token.clone())
        .statement_by_statement(options.statement_by_statement);
    let run_id = executor.run_id().to_owned();
    // How many steps finished, and the error that stopped the run.
    let work = async {
        if options.single_transaction {
            if steps.is_empty() || token.is_cancelled() {
                return (0, Ok(()));
            }
            let outcome = executor.run_in_one_transaction(steps).await;
            return (if outcome.is_ok() { steps.len() } else { 0 }, outcome);
        }
        for (k, step) in steps.iter().enumerate() {
            if token.is_cancelled() {
                return (k, Ok(()));
            }
            if let Err(e) = executor.run(step).await {
                return (k, Err(e));
            }
        }
        (steps.len(), Ok(()))
    };
    let (done, outcome) = match lock {
        Some(lock) => watch(work, lock, token, &running).await,
        None => work.await,
    };
    if !token.is_cancelled() || (done == steps.len() && outcome.is_ok()) {
        return outcome.map(|()| run_id).map_err(Into::into);
    }
    let statement = match &outcome {
        Err(RunError::SingleTransactionRolledBack { source, .. }) => Some(&**source),
        Err(e) => Some(e),
        Ok(()) => None,
    };
    let (during, mut record) = match statement {
        Some(RunError::Statement {
            version,
            name,
            record,
            ..
        }) => (Some(format!("{version} ({name})")), Some(record.clone())),
        // A failure of its own (the history could not be written...) says more.
        Some(_) => return Err(outcome.unwrap_err().into()),
        None => (None, None),
    };
    if matches!(outcome, Err(RunError::SingleTransactionRolledBack { .. })) {
        // The whole plan was one transaction: all of it rolled back.
        record = Some(FailureRecord {
            rolled_back: true,
            committed: Vec::new(),
        });
    }
    Err(EngineError::Cancelled {
        target,
        during,
        record,
        done,
    })
}

/// How long a statement runs before a cancel is sent to the server for it.
const RUNNING_FOR: Duration = Duration::from_millis(250);

/// Which statement the executor is running, as its progress says: the statement's number in
/// the run and since when.
#[derive(Clone, Default)]
pub(super) struct Running(Arc<Mutex<Running_>>);

#[derive(Default)]
struct Running_ {
    count: u64,
    since: Option<Instant>,
}

impl Running {
    pub fn observe(&self, p: &Progress) {
        let mut r = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match p {
            Progress::StatementStarted { .. } => {
                r.count += 1;
                r.since = Some(Instant::now());
            }
            Progress::StatementFinished { .. } | Progress::StepFinished { .. } => r.since = None,
            Progress::StepStarted { .. } => {}
        }
    }

    /// The statement running for at least [`RUNNING_FOR`], by its number.
    fn long_running(&self) -> Option<u64> {
        let r = self.0.lock().unwrap_or_else(|p| p.into_inner());
        r.since
            .filter(|s| s.elapsed() >= RUNNING_FOR)
            .map(|_| r.count)
    }
}

/// Drive `work` (the executor) to its end; once `token` is raised, cancel on the server each
/// statement that runs long enough, once.
pub(super) async fn watch<T>(
    work: impl Future<Output = T>,
    lock: &mut MigrationLock,
    token: &CancelToken,
    running: &Running,
) -> T {
    tokio::pin!(work);
    tokio::select! {
        out = &mut work => return out,
        () = token.cancelled() => {}
    }
    tracing::info!("the run was cancelled; stopping it");
    let mut cancelled = None;
    loop {
        if let Some(n) = running.long_running().filter(|n| Some(*n) != cancelled) {
            cancelled = Some(n);
            match lock.cancel_executor().await {
                Ok(_) => tracing::info!(statement = n, "cancel sent for the running statement"),
                Err(e) => {
                    tracing::warn!(error = %e, "the running statement could not be cancelled")
                }
            }
        }
        tokio::select! {
            out = &mut work => return out,
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
}

/// The text of [`super::EngineError::Cancelled`].
pub(super) fn describe(
    target: &str,
    during: &Option<String>,
    record: &Option<FailureRecord>,
    done: usize,
) -> String {
    let mut text = format!("the run on {target} was cancelled");
    match (during, record) {
        (Some(step), Some(r)) if r.rolled_back => text.push_str(&format!(
            " during {step}, which was rolled back: the database and its history are as before it."
        )),
        (Some(step), Some(r)) if r.committed.is_empty() => text.push_str(&format!(
            " during {step}, before any of its statements committed."
        )),
        (Some(step), Some(r)) => {
            let list: Vec<String> = r.committed.iter().map(u32::to_string).collect();
            let version = step.split(' ').next().unwrap_or(step);
            text.push_str(&format!(
                " during {step}: its statement{} {} had committed (this server cannot roll DDL back), and the history marks it partial. Resume it, mark it resolved, or roll back what committed: `strata resolve {version} --resume | --mark-resolved | --roll-back`.",
                if list.len() == 1 { "" } else { "s" },
                list.join(", ")
            ))
        }
        _ => text.push_str(" before its next migration started."),
    }
    if done > 0 {
        text.push_str(&format!(
            " The {done} migration step(s) that finished before the cancel stay done."
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_says_what_committed() {
        let rolled_back = FailureRecord {
            rolled_back: true,
            committed: vec![],
        };
        let partial = FailureRecord {
            rolled_back: false,
            committed: vec![1],
        };
        let t = describe("db", &Some("2 (slow)".into()), &Some(rolled_back), 1);
        assert!(
            t.contains("during 2 (slow), which was rolled back") && t.contains("The 1 migration"),
            "{t}"
        );
        let t = describe("db", &Some("2 (slow)".into()), &Some(partial), 0);
        assert!(
            t.contains("statement 1 had committed") && t.contains("strata resolve 2 --resume"),
            "{t}"
        );
        let t = describe("db", &None, &None, 0);
        assert!(t.ends_with("before its next migration started."), "{t}");
    }

    #[test]
    fn only_a_statement_running_for_a_while_is_cancelled() {
        let running = Running::default();
        assert_eq!(running.long_running(), None);
        running.observe(&Progress::StatementStarted {
            version: "1".into(),
            index: 1,
            line: 1,
        });
        assert_eq!(running.long_running(), None);
        std::thread::sleep(RUNNING_FOR);
        assert_eq!(running.long_running(), Some(1));
        running.observe(&Progress::StatementFinished {
            version: "1".into(),
            index: 1,
            rows: 0.0,
            ms: 1.0,
        });
        assert_eq!(running.long_running(), None);
    }
}
