//! A run whose connection was lost mid-migration (the server closed it, or the network did):
//! the error says where (target, migration, statement k of n, file and line), what is known
//! of the state, and what to do. What is known follows from how the step ran: in a
//! transaction the server rolls it back when the connection goes; outside one, the statements
//! before k committed and the journal records them; while committing, the transaction
//! committed whole or not at all, and the history row (which commits with it) says which.
//! Nothing more can be written to the database over a lost connection, so such a failure has
//! no event in the log.

use std::fmt;
use std::path::PathBuf;

use super::{Direction, Executor, RunError, Step};
use crate::dialect::DatabaseKind;

/// What is known of a step's effect when its connection was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LostState {
    /// It ran in a transaction, which the server rolled back when the connection closed.
    RolledBack,
    /// It ran outside a transaction: these statements (1-based) had committed, and the history
    /// journals them.
    Committed(Vec<u32>),
    /// The connection went while the server committed the transaction of `migrations`
    /// migrations (1, or a whole single-transaction plan): it committed whole or not at all.
    Unknown { migrations: usize },
}

/// Where the connection was lost: the statement running (1-based, of `total`, at `line` of
/// the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostAt {
    pub index: u32,
    pub total: u32,
    pub line: u32,
}

/// [`RunError::ConnectionLost`].
#[derive(Debug)]
pub struct ConnectionLost {
    pub direction: Direction,
    pub version: String,
    pub name: String,
    /// The database, password redacted.
    pub target: String,
    pub file: PathBuf,
    /// The statement running, or `None` when the connection went while committing.
    pub at: Option<LostAt>,
    pub state: LostState,
    /// MySQL/MariaDB: a statement's journal entry is sent with it, so the journal holds
    /// statement k too if the server finished it.
    pub journal_with_statement: bool,
    /// What the driver said.
    pub message: String,
}

impl fmt::Display for ConnectionLost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (doing, down) = match self.direction {
            Direction::Up => ("applying", false),
            Direction::Down => ("rolling back", true),
        };
        let (version, file) = (&self.version, self.file.display());
        write!(
            f,
            "the connection to {} was lost while {doing} {version} ({}), ",
            self.target, self.name
        )?;
        match &self.at {
            Some(at) => write!(
                f,
                "at statement {} of {} ({file}:{}): {}",
                at.index, at.total, at.line, self.message
            )?,
            None => write!(f, "while committing it ({file}): {}", self.message)?,
        }
        let check =
            "check that the server is up and reachable (its log says why it closed the connection)";
        let k = self.at.as_ref().map_or(0, |a| a.index);
        match &self.state {
            LostState::RolledBack => write!(
                f,
                "\n  What is known: the server rolled back the migration's transaction when the connection closed, so none of its statements took effect and the history of {version} is as it was before this run (the event log could not record this attempt).\n  What to do: {check}, confirm with `strata status`, then run again."
            ),
            LostState::Committed(committed) => {
                let done = match committed.as_slice() {
                    [] => "none of its statements had committed".to_owned(),
                    [one] => format!("statement {one} had committed"),
                    many => {
                        let list: Vec<String> = many.iter().map(u32::to_string).collect();
                        format!("statements {} had committed", list.join(", "))
                    }
                };
                let running = if self.journal_with_statement {
                    format!("statement {k} too if the server finished it before the connection closed, as its journal entry travels with it")
                } else {
                    format!("not statement {k}, which may have taken effect before the connection closed: look at the database before resuming")
                };
                let (shows, before) = match down {
                    true => ("partial rollback", "applied"),
                    false => ("partial", "pending"),
                };
                let actions = if down {
                    "--resume | --mark-resolved"
                } else {
                    "--resume | --mark-resolved | --roll-back"
                };
                write!(
                    f,
                    "\n  What is known: {version} ran outside a transaction, where each statement commits on its own: {done}, and the history's journal records what committed ({running}).\n  What to do: {check}, then see with `strata status` what the journal recorded: if {version} is {shows}, settle it with `strata resolve {version} {actions}`; if it is still {before}, nothing of it committed: run again."
                )
            }
            LostState::Unknown { migrations } => {
                let what = match migrations {
                    1 => format!("{version}'s transaction"),
                    n => format!("the run's single transaction ({n} migrations)"),
                };
                let then = match down {
                    true => format!("`strata status` shows whether {version} is still applied: run again if it is"),
                    false => format!("`strata status` shows whether {version} is applied: run again if it is not"),
                };
                write!(
                    f,
                    "\n  What is known: the server was committing {what}, with its history rows: it committed whole or not at all, and the history says which.\n  What to do: {check}, then {then}."
                )
            }
        }
    }
}

impl Executor<'_> {
    /// The error for a connection lost while statement `i` of `step` ran (`None`: while
    /// committing), with what is known of the state.
    pub(super) fn lost(
        &self,
        step: &Step,
        i: Option<usize>,
        state: LostState,
        error: &sqlx::Error,
    ) -> RunError {
        let at = i.map(|i| LostAt {
            index: i as u32 + 1,
            total: step.statements.len() as u32,
            line: step.statements.get(i).map_or(0, |s| s.line),
        });
        tracing::warn!(version = %step.version, error = %error, "the connection was lost mid-run");
        RunError::ConnectionLost(Box::new(ConnectionLost {
            direction: step.direction,
            version: step.version.clone(),
            name: step.name.clone(),
            target: self.session.target.clone(),
            file: step.file.clone(),
            at,
            state,
            journal_with_statement: self.session.kind() == DatabaseKind::Mysql,
            message: words(error),
        }))
    }
}

/// What the server (its message and SQLSTATE) or the driver (an I/O error) said.
fn words(error: &sqlx::Error) -> String {
    match error.as_database_error() {
        Some(db) => match db.code() {
            Some(code) => format!("{} (SQLSTATE {code})", db.message()),
            None => db.message().to_owned(),
        },
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost(direction: Direction, at: Option<u32>, state: LostState, mysql: bool) -> String {
        ConnectionLost {
            direction,
            version: "2".into(),
            name: "slow".into(),
            target: "postgres://u:***@db/app".into(),
            file: "migrations/2_slow.up.sql".into(),
            at: at.map(|index| LostAt {
                index,
                total: 3,
                line: index + 1,
            }),
            state,
            journal_with_statement: mysql,
            message: "connection reset".into(),
        }
        .to_string()
    }

    #[test]
    fn the_text_says_where_what_is_known_and_what_to_do() {
        let t = lost(Direction::Up, Some(2), LostState::RolledBack, false);
        assert!(t.starts_with("the connection to postgres://u:***@db/app was lost while applying 2 (slow), at statement 2 of 3 (migrations/2_slow.up.sql:3): connection reset\n"), "{t}");
        assert!(
            t.contains("rolled back the migration's transaction") && t.contains("`strata status`"),
            "{t}"
        );
        let t = lost(
            Direction::Up,
            Some(3),
            LostState::Committed(vec![1, 2]),
            true,
        );
        assert!(
            t.contains("statements 1, 2 had committed")
                && t.contains("statement 3 too if the server finished it"),
            "{t}"
        );
        assert!(
            t.contains("`strata resolve 2 --resume | --mark-resolved | --roll-back`"),
            "{t}"
        );
        let t = lost(
            Direction::Down,
            Some(2),
            LostState::Committed(vec![1]),
            false,
        );
        assert!(
            t.contains("while rolling back 2")
                && t.contains("not statement 2, which may have taken effect"),
            "{t}"
        );
        assert!(
            t.contains("if 2 is partial rollback, settle it with `strata resolve 2 --resume | --mark-resolved`; if it is still applied"),
            "{t}"
        );
        let t = lost(
            Direction::Up,
            None,
            LostState::Unknown { migrations: 4 },
            false,
        );
        assert!(
            t.contains("while committing it (migrations/2_slow.up.sql)")
                && t.contains("the run's single transaction (4 migrations)"),
            "{t}"
        );
    }
}
