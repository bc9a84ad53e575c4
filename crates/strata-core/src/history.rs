//! What Strata records in the target database: one row per applied migration (with the up and
//! down SQL exactly as applied, so a rollback never needs the file) and an append-only event log.

use serde::Serialize;

/// The layout of Strata's history tables this build writes. A database whose `strata_meta`
/// names a higher format was written by a newer Strata and is refused, never rewritten.
pub const HISTORY_FORMAT: i64 = 1;

pub const MIGRATIONS_TABLE: &str = "strata_migrations";
pub const EVENTS_TABLE: &str = "strata_events";
pub const META_TABLE: &str = "strata_meta";

/// A migration's state in the history table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AppliedState {
    /// Every statement committed and was recorded.
    Applied,
    /// Some statements committed and one failed, outside a transaction (MySQL/MariaDB DDL, a
    /// no-transaction migration): `statements_committed` says how many. The next run refuses
    /// to go on until the user resumes, marks it resolved or rolls back what committed.
    Partial,
    /// Its rollback ran outside a transaction and failed after some down statements
    /// committed: `statements_committed` counts the down statements that did.
    PartialRollback,
}

impl AppliedState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Partial => "partial",
            Self::PartialRollback => "partial_rollback",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "applied" => Some(Self::Applied),
            "partial" => Some(Self::Partial),
            "partial_rollback" => Some(Self::PartialRollback),
            _ => None,
        }
    }
}

/// One row of `strata_migrations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppliedMigration {
    pub version: String,
    pub name: String,
    pub checksum: String,
    #[serde(skip)]
    pub up_sql: String,
    #[serde(skip)]
    pub down_sql: Option<String>,
    pub applied_at: String,
    pub applied_by: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub execution_ms: i64,
    pub state: AppliedState,
    pub statements_total: i32,
    pub statements_committed: i32,
}

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Apply,
    Rollback,
    Repair,
    Baseline,
    Adopt,
    Resolve,
    Seed,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Apply => "apply",
            Self::Rollback => "rollback",
            Self::Repair => "repair",
            Self::Baseline => "baseline",
            Self::Adopt => "adopt",
            Self::Resolve => "resolve",
            Self::Seed => "seed",
        }
    }
}

/// How an event ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
#[serde(rename = "EventOutcome")]
pub enum Outcome {
    Ok,
    Failed,
    Partial,
    Cancelled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Partial => "partial",
            Self::Cancelled => "cancelled",
        }
    }
}

/// One row of `strata_events`, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub run_id: String,
    pub at: String,
    pub kind: EventKind,
    pub version: Option<String>,
    pub name: Option<String>,
    pub outcome: Outcome,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub duration_ms: i64,
    pub error: Option<String>,
    /// Free-form detail: for a partial MySQL run, the statements that committed.
    pub detail: Option<String>,
    pub actor: String,
}

/// A fresh id grouping the events of one run (time and process based; unique enough to
/// tell runs apart in a log, not a security token).
pub fn new_run_id() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{:x}-{:x}", nanos, std::process::id())
}
