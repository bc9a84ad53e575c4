//! The engine's administrative operations: baseline, repair, resolve and (offline) validate.
//! Each one that writes runs under the migration lock and leaves an event per migration it
//! touched, so the log says who changed the history, how and why. Baseline, repair and
//! marking resolved change the history in one transaction with their events; resuming and
//! rolling back run statements through the executor, which journals them, on a connection
//! that holds the executor lock as a run's does (`MigrationLock::guard`).
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::checksum::sha256_normalized;
use crate::clock;
use crate::dialect::DatabaseKind;
use crate::driver::{ConnectError, HistoryError, Session};
use crate::executor::RunError;
use crate::history::{new_run_id, AppliedMigration, AppliedState, Event, EventKind, Outcome};
use crate::lock::{LockError, LockHolder, MigrationLock};
use crate::source::{Layout, Migration, MigrationKind, MigrationSet, SourceNote, Version};
use crate::split;

mod resolve;

pub use resolve::{resolve, ResolveAction, ResolveReport};

/// How an administrative operation connects and waits for the lock.
#[derive(Debug, Clone, Copy)]
pub struct AdminOptions {
    pub lock_timeout: Duration,
    pub connect_timeout: Duration,
    /// Called once with the holder when another run has the lock.
    pub waiting: fn(Option<&LockHolder>),
}

impl Default for AdminOptions {
    fn default() -> Self {
        Self {
            lock_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            waiting: |_| {},
        }
    }
}

const RESOLVE_HINT: &str = "--resume | --mark-resolved | --roll-back";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Lock(Box<LockError>),
    #[error(transparent)]
    Run(Box<RunError>),
    #[error("no migration file has version {version}; {what} needs it. `strata list` shows the versions.")]
    UnknownVersion { version: String, what: &'static str },
    #[error("{version} is {state} in {target}, so a baseline to here would record around an unresolved migration. Resolve it first: `strata resolve {version} {RESOLVE_HINT}`. Nothing was changed.")]
    BaselinePartial {
        target: String,
        version: String,
        state: &'static str,
    },
    #[error("repair records why the history changes: give a reason (`--reason \"…\"`).")]
    ReasonRequired,
    #[error("{version} is {state} in {target}; repair accepts the edited file of an applied migration. {}", if *state == "pending" { "`strata up` applies it." } else { "Resolve it first with `strata resolve`." })]
    NotApplied {
        target: String,
        version: String,
        state: &'static str,
    },
    #[error("{version} in {target} matches its file (checksum {checksum}, same down SQL): there is nothing to repair.")]
    NotModified {
        target: String,
        version: String,
        checksum: String,
    },
    #[error(
        "{version} is {state} in {target}, not partially applied: there is nothing to resolve."
    )]
    NotPartial {
        target: String,
        version: String,
        state: &'static str,
    },
    #[error("{version} splits into {found} statements today but {recorded} were recorded when it ran, so resuming by position is unsafe. Finish it by hand and `strata resolve {version} --mark-resolved`, or `--roll-back`.")]
    StatementsChanged {
        version: String,
        recorded: usize,
        found: usize,
    },
    #[error("{version} has no down SQL stored, so Strata cannot roll back what committed. Resume it (`--resume`), or finish it by hand and `--mark-resolved`.")]
    NoDownSql { version: String },
    #[error("{version}'s rollback is what stopped partway: finish it with `--resume`, or complete it by hand and `--mark-resolved`.")]
    RollbackOfRollback { version: String },
    #[error("{target} already has Strata history ({count} migrations recorded): adopt imports another tool's history into an empty one only. Nothing was changed.")]
    HistoryNotEmpty { target: String, count: usize },
    #[error("{target} has no other tool's history to adopt: none of the tables of sqlx, dbmate, golang-migrate, Flyway, Diesel or refinery holds rows. To record migrations the database already has, use `strata baseline <version>`.")]
    NoForeignHistory { target: String },
    #[error("{tool}'s {table} records {version} as {what}, so its changes may be half done. {hint} Then adopt again; nothing was imported.")]
    ForeignFailed {
        tool: &'static str,
        table: String,
        version: String,
        what: &'static str,
        hint: String,
    },
    #[error("{tool}'s {table} records {} that the migrations folder {} has no file for. Add those migrations' files (or point the project at the folder {tool} used), then adopt again; nothing was imported.", versions.join(", "), dir.display())]
    MissingFiles {
        tool: &'static str,
        table: String,
        versions: Vec<String>,
        dir: PathBuf,
    },
}

crate::engine::boxed_lock_and_run_errors!(AdminError);

/// A migration an operation recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    pub version: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BaselineReport {
    pub target: String,
    pub version: String,
    /// Recorded as applied without running, in apply order (one `baseline` event each).
    pub recorded: Vec<Recorded>,
    /// Migrations up to the version that were applied already and were left alone.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub already_applied: usize,
    pub run_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RepairReport {
    pub target: String,
    pub version: String,
    pub name: String,
    pub old_checksum: String,
    pub new_checksum: String,
    /// The stored down SQL was replaced by the file's (it differed).
    pub down_changed: bool,
    pub run_id: String,
}

/// One migration as `validate` saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Validated {
    pub version: String,
    pub name: String,
    pub checksum: String,
    pub reversible: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ValidateReport {
    pub dir: PathBuf,
    pub layout: Layout,
    pub migrations: Vec<Validated>,
    pub notes: Vec<SourceNote>,
    pub summary: String,
}

/// Check a migrations folder without a database. Reading it ([`crate::source::read_dir`])
/// already refused bad file names, unpaired parts, invalid text, bad directives and duplicate
/// versions; this adds the checksums, the notes (no-op parts, missing down parts, misplaced
/// directives) and a one-line summary.
pub fn validate(set: &MigrationSet) -> ValidateReport {
    let migrations: Vec<Validated> = set
        .migrations
        .iter()
        .map(|m| Validated {
            version: m.version.as_str().to_owned(),
            name: m.name.clone(),
            checksum: m.checksum.clone(),
            reversible: m.is_reversible(),
        })
        .collect();
    let notes: Vec<SourceNote> = set.notes().cloned().collect();
    let reversible = migrations.iter().filter(|m| m.reversible).count();
    let repeatable = set
        .migrations
        .iter()
        .filter(|m| m.kind == MigrationKind::Repeatable)
        .count();
    let mut summary = format!(
        "{} migration(s) in {} ({} layout), {reversible} reversible",
        migrations.len(),
        set.dir.display(),
        set.layout
    );
    if repeatable > 0 {
        summary.push_str(&format!(", {repeatable} repeatable"));
    }
    summary.push_str(&match notes.len() {
        0 => ": valid, no notes".to_owned(),
        n => format!(": valid, {n} note(s) to read"),
    });
    ValidateReport {
        dir: set.dir.clone(),
        layout: set.layout,
        migrations,
        notes,
        summary,
    }
}

/// Record every migration up to `version` that is not applied yet as applied without running
/// it (its SQL stored from the file, execution time 0): for a database that already has those
/// changes. One `baseline` event per migration. Refuses when one of them is partially applied.
pub async fn baseline(
    url: &str,
    set: &MigrationSet,
    version: &Version,
    reason: Option<&str>,
    options: &AdminOptions,
) -> Result<BaselineReport, AdminError> {
    if !set.migrations.iter().any(|m| &m.version == version) {
        return Err(AdminError::UnknownVersion {
            version: version.as_str().to_owned(),
            what: "a baseline",
        });
    }
    let (lock, mut s) = open(url, options).await?;
    let result = baseline_in(&mut s, set, version, reason).await;
    close(lock, s, result).await
}

async fn baseline_in(
    s: &mut Session,
    set: &MigrationSet,
    version: &Version,
    reason: Option<&str>,
) -> Result<BaselineReport, AdminError> {
    s.ensure_history().await?;
    begin(s).await?;
    let result = baseline_rows(s, set, version, reason).await;
    end(s, result).await
}

/// Inside the transaction: the checks, the rows and the events.
async fn baseline_rows(
    s: &mut Session,
    set: &MigrationSet,
    version: &Version,
    reason: Option<&str>,
) -> Result<BaselineReport, AdminError> {
    let history = s.read_history().await?;
    for a in &history {
        let at_or_before = parse_history(set, &a.version).is_some_and(|v| &v <= version);
        if a.state != AppliedState::Applied && at_or_before {
            return Err(AdminError::BaselinePartial {
                target: s.target.clone(),
                version: a.version.clone(),
                state: a.state.as_str(),
            });
        }
    }
    let upto: Vec<&Migration> = (set.migrations.iter())
        .filter(|m| &m.version <= version)
        .collect();
    let todo: Vec<&Migration> = (upto.iter().copied())
        .filter(|m| find_row(&history, m).is_none())
        .collect();
    let run_id = new_run_id();
    let why = reason.map(|r| format!("; reason: {r}")).unwrap_or_default();
    for m in &todo {
        s.insert_applied(&applied_row(m, s.kind()))
            .await
            .map_err(sql_err(s, "recording a baselined migration"))?;
        let detail = format!(
            "recorded as applied without running it (baseline to {}){why}",
            version.as_str()
        );
        insert_event(s, &run_id, EventKind::Baseline, m, detail).await?;
    }
    Ok(BaselineReport {
        target: s.target.clone(),
        version: version.as_str().to_owned(),
        recorded: todo.iter().map(|m| recorded(m)).collect(),
        already_applied: upto.len() - todo.len(),
        run_id,
    })
}

/// Accept the edited file of an applied migration: store its checksum and its up and down
/// SQL, with a `repair` event holding the old and new checksums and the reason.
pub async fn repair(
    url: &str,
    set: &MigrationSet,
    version: &Version,
    reason: &str,
    options: &AdminOptions,
) -> Result<RepairReport, AdminError> {
    if reason.trim().is_empty() {
        return Err(AdminError::ReasonRequired);
    }
    let m = find_file(set, version, "repair")?;
    let (lock, mut s) = open(url, options).await?;
    let result = repair_in(&mut s, m, reason).await;
    close(lock, s, result).await
}

async fn repair_in(
    s: &mut Session,
    m: &Migration,
    reason: &str,
) -> Result<RepairReport, AdminError> {
    begin(s).await?;
    let result = repair_row(s, m, reason).await;
    end(s, result).await
}

/// Inside the transaction: the check, the new row and the event.
async fn repair_row(
    s: &mut Session,
    m: &Migration,
    reason: &str,
) -> Result<RepairReport, AdminError> {
    let history = s.read_history().await?;
    let target = s.target.clone();
    let version = m.version.as_str().to_owned();
    let Some(old) = find_row(&history, m).filter(|a| a.state == AppliedState::Applied) else {
        let state = find_row(&history, m).map_or("pending", |a| a.state.as_str());
        return Err(AdminError::NotApplied {
            target,
            version,
            state,
        });
    };
    let file_down = m.down.as_ref().map(|d| d.sql.as_str());
    let normalized = |sql: Option<&str>| sql.map(sha256_normalized);
    let down_changed = normalized(old.down_sql.as_deref()) != normalized(file_down);
    if old.checksum == m.checksum && !down_changed {
        return Err(AdminError::NotModified {
            target,
            version,
            checksum: old.checksum.clone(),
        });
    }
    let mut row = applied_row(m, s.kind());
    row.applied_at = old.applied_at.clone();
    row.applied_by = old.applied_by.clone();
    row.execution_ms = old.execution_ms;
    s.delete_applied(&old.version)
        .await
        .map_err(sql_err(s, "repairing the history row"))?;
    s.insert_applied(&row)
        .await
        .map_err(sql_err(s, "repairing the history row"))?;
    let run_id = new_run_id();
    let down_note = if down_changed {
        "; stored down SQL replaced by the file's"
    } else {
        ""
    };
    let detail = format!(
        "checksum {} -> {}{down_note}; reason: {reason}",
        old.checksum, m.checksum
    );
    insert_event(s, &run_id, EventKind::Repair, m, detail).await?;
    Ok(RepairReport {
        target,
        version,
        name: m.name.clone(),
        old_checksum: old.checksum.clone(),
        new_checksum: m.checksum.clone(),
        down_changed,
        run_id,
    })
}

/// The history row recording `m` as applied from its file (baseline, adopt, repair).
pub(crate) fn applied_row(m: &Migration, kind: DatabaseKind) -> AppliedMigration {
    let total = split::split(&m.up.sql, kind).statements().count() as i32;
    AppliedMigration {
        version: m.version.as_str().to_owned(),
        name: m.name.clone(),
        checksum: m.checksum.clone(),
        up_sql: m.up.sql.to_string(),
        down_sql: m.down.as_ref().map(|d| d.sql.to_string()),
        applied_at: clock::now_iso(),
        applied_by: clock::actor(),
        execution_ms: 0,
        state: AppliedState::Applied,
        statements_total: total,
        statements_committed: total,
    }
}

pub(crate) async fn insert_event(
    s: &mut Session,
    run_id: &str,
    kind: EventKind,
    m: &Migration,
    detail: String,
) -> Result<(), AdminError> {
    let event = Event {
        run_id: run_id.to_owned(),
        at: clock::now_iso(),
        kind,
        version: Some(m.version.as_str().to_owned()),
        name: Some(m.name.clone()),
        outcome: Outcome::Ok,
        duration_ms: 0,
        error: None,
        detail: Some(detail),
        actor: clock::actor(),
    };
    s.insert_event(&event)
        .await
        .map_err(sql_err(s, "recording an event"))?;
    Ok(())
}

pub(crate) fn recorded(m: &Migration) -> Recorded {
    Recorded {
        version: m.version.as_str().to_owned(),
        name: m.name.clone(),
    }
}

/// The history row of `m`. Rows are keyed by the version as the file writes it, as the
/// planner matches them.
pub(crate) fn find_row<'h>(
    history: &'h [AppliedMigration],
    m: &Migration,
) -> Option<&'h AppliedMigration> {
    history.iter().find(|a| a.version == m.version.as_str())
}

/// A history version read by the set's layout (`R__…` as a Flyway repeatable).
pub(crate) fn parse_history(set: &MigrationSet, raw: &str) -> Option<Version> {
    match raw.strip_prefix("R__") {
        Some(description) => Some(Version::repeatable(description)),
        None => Version::parse(set.layout, raw).ok(),
    }
}

fn find_file<'s>(
    set: &'s MigrationSet,
    version: &Version,
    what: &'static str,
) -> Result<&'s Migration, AdminError> {
    (set.migrations.iter())
        .find(|m| &m.version == version)
        .ok_or_else(|| AdminError::UnknownVersion {
            version: version.as_str().to_owned(),
            what,
        })
}

pub(crate) fn sql_err(
    s: &Session,
    action: &'static str,
) -> impl FnOnce(sqlx::Error) -> HistoryError {
    let target = s.target.clone();
    move |source| HistoryError::Sql {
        action,
        target,
        source,
    }
}

pub(crate) async fn begin(s: &mut Session) -> Result<(), AdminError> {
    s.begin()
        .await
        .map_err(sql_err(s, "starting a transaction"))?;
    Ok(())
}

/// Commit after success, roll back after a failure.
pub(crate) async fn end<T, E: Into<AdminError>>(
    s: &mut Session,
    result: Result<T, E>,
) -> Result<T, AdminError> {
    match result {
        Ok(v) => {
            s.commit().await.map_err(sql_err(s, "committing"))?;
            Ok(v)
        }
        Err(e) => {
            let _ = s.rollback().await;
            Err(e.into())
        }
    }
}

/// Take the migration lock, then connect.
pub(crate) async fn open(
    url: &str,
    options: &AdminOptions,
) -> Result<(MigrationLock, Session), AdminError> {
    let lock = MigrationLock::acquire(url, options.lock_timeout, options.waiting).await?;
    match Session::connect(url, options.connect_timeout).await {
        Ok(s) => Ok((lock, s)),
        Err(e) => {
            lock.release().await;
            Err(e.into())
        }
    }
}

/// Close the session and release the lock, on every outcome.
pub(crate) async fn close<T>(
    lock: MigrationLock,
    s: Session,
    result: Result<T, AdminError>,
) -> Result<T, AdminError> {
    s.close().await;
    lock.release().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let set = crate::source::read_dir(dir.path(), None).unwrap();
        (dir, set)
    }

    #[test]
    fn validate_lists_checksums_and_notes() {
        let (_dir, set) = folder(&[
            ("1_a.up.sql", "create table a (id int);\n"),
            ("1_a.down.sql", "drop table a;\n"),
            ("2_b.up.sql", "-- nothing yet\n"),
        ]);
        let report = validate(&set);
        assert_eq!(report.migrations.len(), 2);
        assert_eq!(
            report.migrations[0].checksum,
            sha256_normalized("create table a (id int);\n")
        );
        assert!(report.migrations[0].reversible && !report.migrations[1].reversible);
        // 2_b is a no-op and has no down part: two notes.
        assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
        assert!(
            report.summary.contains("2 migration(s)") && report.summary.contains("2 note(s)"),
            "{}",
            report.summary
        );
    }

    #[test]
    fn history_rows_are_found_by_the_version_as_written() {
        let (_dir, set) = folder(&[("0002_b.up.sql", "select 1;\n")]);
        let m = &set.migrations[0];
        let mut row = applied_row(m, DatabaseKind::Sqlite);
        assert_eq!(row.statements_total, 1);
        assert!(find_row(std::slice::from_ref(&row), m).is_some());
        // The planner matches rows by the version as written: `2` is another row.
        row.version = "2".into();
        assert!(find_row(std::slice::from_ref(&row), m).is_none());
        assert_eq!(parse_history(&set, "2").as_ref(), Some(&m.version));
    }
}
