//! Adopting a database another tool migrated (sqlx, dbmate, golang-migrate, Flyway, Diesel,
//! refinery): that tool's history table is read and never written, and its versions become
//! Strata history rows (checksums and SQL from the files) in one transaction, so Strata never
//! runs again what the other tool applied. Until then Strata applies nothing there.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::admin::{self, AdminError, AdminOptions, Recorded};
use crate::driver::foreign::{ForeignRow, ForeignTable};
use crate::driver::{HistoryError, Session};
use crate::history::{new_run_id, EventKind};
use crate::source::{Migration, MigrationKind, MigrationSet};

/// A migration tool whose history Strata can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ForeignTool {
    Sqlx,
    Dbmate,
    GolangMigrate,
    Flyway,
    Diesel,
    Refinery,
}

impl ForeignTool {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlx => "sqlx",
            Self::Dbmate => "dbmate",
            Self::GolangMigrate => "golang-migrate",
            Self::Flyway => "Flyway",
            Self::Diesel => "Diesel",
            Self::Refinery => "refinery",
        }
    }

    /// What to do about a failed or dirty entry, in the tool's own terms.
    fn fix_hint(self, version: &str) -> String {
        match self {
            Self::GolangMigrate => format!("Finish or undo its changes by hand, then `migrate force {version}` (finished) or `migrate force <the version before>` (undone)."),
            Self::Flyway => "Undo its changes by hand and run `flyway repair`, which removes the failed entry (Strata then applies it after adopting), or re-run it with Flyway.".to_owned(),
            _ => format!("Finish its changes by hand and set success = true on its row, or undo them and delete the row (sqlx has no repair command for {version})."),
        }
    }
}

impl fmt::Display for ForeignTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One version another tool's history records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ForeignEntry {
    /// As the tool stores it (`R__<description>` for a Flyway repeatable).
    pub version: String,
    pub description: Option<String>,
    /// False for sqlx / Flyway `success = false` and golang-migrate `dirty`.
    pub ok: bool,
    /// Stands for every version up to it: golang-migrate's current version, a Flyway baseline.
    pub covers_older: bool,
}

/// Another tool's history found in a database that has no Strata history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ForeignHistory {
    pub tool: ForeignTool,
    pub table: String,
    /// In the tool's order (Flyway: installed rank, after undos and deletions).
    pub versions: Vec<ForeignEntry>,
    /// Other tools' history tables that also hold rows, e.g. `Flyway's flyway_schema_history`
    /// (reported, never adopted).
    pub also_found: Vec<String>,
}

impl ForeignHistory {
    /// The first failed or dirty entry.
    pub fn failed(&self) -> Option<&ForeignEntry> {
        self.versions.iter().find(|e| !e.ok)
    }
}

/// `dbmate's schema_migrations records versions 1, 2, 3 (3 failed)`.
impl fmt::Display for ForeignHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}'s {} records ", self.tool, self.table)?;
        const SHOWN: usize = 12;
        let list: Vec<String> = (self.versions.iter().take(SHOWN))
            .map(|e| match (e.covers_older, e.ok) {
                (true, true) => format!("{} and everything before it", e.version),
                (true, false) => format!("{} (dirty) and everything before it", e.version),
                (false, true) => e.version.clone(),
                (false, false) => format!("{} (failed)", e.version),
            })
            .collect();
        let word = if self.versions.len() == 1 {
            "version"
        } else {
            "versions"
        };
        write!(f, "{word} {}", list.join(", "))?;
        if self.versions.len() > SHOWN {
            write!(f, " and {} more", self.versions.len() - SHOWN)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AdoptReport {
    pub target: String,
    pub tool: ForeignTool,
    pub table: String,
    /// Recorded as applied, in apply order (one `adopt` event each).
    pub imported: Vec<Recorded>,
    /// Migrations on disk older than the newest imported one that the other tool never
    /// recorded: Strata shows them as out of order.
    pub not_recorded: Vec<String>,
    pub run_id: String,
}

/// Another tool's history in the database at `url`, when it has no Strata history rows.
pub async fn detect_foreign(
    url: &str,
    connect_timeout: Duration,
) -> Result<Option<ForeignHistory>, AdminError> {
    let mut s = Session::connect(url, connect_timeout).await?;
    let result = detect_unless_strata(&mut s).await;
    s.close().await;
    Ok(result?)
}

async fn detect_unless_strata(s: &mut Session) -> Result<Option<ForeignHistory>, HistoryError> {
    if !s.read_history().await?.is_empty() {
        return Ok(None);
    }
    detect_in(s).await
}

/// The first other tool's history with rows (sqlx, schema_migrations, Flyway, Diesel,
/// refinery), naming any others in `also_found`. Reads only.
pub(crate) async fn detect_in(s: &mut Session) -> Result<Option<ForeignHistory>, HistoryError> {
    let mut found = Vec::new();
    for table in s.foreign_tables().await? {
        let golang = table == ForeignTable::SchemaMigrations
            && s.schema_migrations_is_golang_migrate().await?;
        let rows = s.foreign_rows(table, golang).await?;
        let history = interpret(table, golang, rows);
        if !history.versions.is_empty() {
            found.push(history);
        }
    }
    let mut found = found.into_iter();
    Ok(found.next().map(|mut first| {
        first.also_found = found.map(|h| format!("{}'s {}", h.tool, h.table)).collect();
        first
    }))
}

/// What a tool's rows say is applied.
fn interpret(table: ForeignTable, golang_migrate: bool, rows: Vec<ForeignRow>) -> ForeignHistory {
    let tool = match table {
        ForeignTable::Sqlx => ForeignTool::Sqlx,
        ForeignTable::SchemaMigrations if golang_migrate => ForeignTool::GolangMigrate,
        ForeignTable::SchemaMigrations => ForeignTool::Dbmate,
        ForeignTable::Flyway => ForeignTool::Flyway,
        ForeignTable::Diesel => ForeignTool::Diesel,
        ForeignTable::Refinery => ForeignTool::Refinery,
    };
    let entry = |version: String, r: &ForeignRow, covers_older: bool| ForeignEntry {
        version,
        description: r.description.clone(),
        ok: r.ok,
        covers_older,
    };
    let versions = match tool {
        ForeignTool::Flyway => flyway(&rows),
        // One row: the current version (a down to nothing deletes it).
        ForeignTool::GolangMigrate => (rows.iter())
            .filter_map(|r| Some(entry(r.version.clone()?, r, true)))
            .collect(),
        _ => (rows.iter())
            .filter_map(|r| Some(entry(r.version.clone()?, r, false)))
            .collect(),
    };
    ForeignHistory {
        tool,
        table: table.name().to_owned(),
        versions,
        also_found: Vec::new(),
    }
}

/// Flyway's rows in installed order: a later row of a version replaces an earlier one, an
/// undo or a deletion (`flyway repair` of a missing migration) removes it, the schema-creation
/// marker is not a migration, and a baseline stands for every version up to it.
fn flyway(rows: &[ForeignRow]) -> Vec<ForeignEntry> {
    let mut out: Vec<ForeignEntry> = Vec::new();
    for r in rows {
        let kind = r.kind.as_deref().unwrap_or("SQL").to_ascii_uppercase();
        let key = match (&r.version, &r.description) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => format!("R__{d}"),
            (None, None) => continue,
        };
        if kind == "SCHEMA" {
            continue;
        }
        out.retain(|e| e.version != key);
        if kind == "DELETE" || (kind.starts_with("UNDO") && r.ok) {
            continue;
        }
        out.push(ForeignEntry {
            version: key,
            description: r.description.clone(),
            ok: r.ok,
            covers_older: kind.contains("BASELINE"),
        });
    }
    out
}

/// The files a foreign history says are applied, in apply order, and the older files it
/// never recorded.
fn plan_import<'s>(
    set: &'s MigrationSet,
    foreign: &ForeignHistory,
) -> Result<(Vec<&'s Migration>, Vec<String>), AdminError> {
    if let Some(e) = foreign.failed() {
        return Err(AdminError::ForeignFailed {
            tool: foreign.tool.name(),
            table: foreign.table.clone(),
            version: e.version.clone(),
            what: if foreign.tool == ForeignTool::GolangMigrate {
                "dirty"
            } else {
                "failed"
            },
            hint: foreign.tool.fix_hint(&e.version),
        });
    }
    let mut chosen = BTreeSet::new();
    let mut missing = Vec::new();
    for e in &foreign.versions {
        let parsed = admin::parse_history(set, &e.version);
        let file = (set.migrations.iter())
            .position(|m| m.version.as_str() == e.version || parsed.as_ref() == Some(&m.version));
        match file {
            Some(i) => {
                chosen.insert(i);
            }
            // A Flyway baseline marks a schema built before Flyway: it has no file.
            None if e.covers_older && foreign.tool == ForeignTool::Flyway => {}
            None => missing.push(e.version.clone()),
        }
        let limit = file.map(|i| set.migrations[i].version.clone()).or(parsed);
        if let (true, Some(limit)) = (e.covers_older, limit) {
            chosen.extend((set.migrations.iter().enumerate()).filter_map(|(i, m)| {
                (m.kind == MigrationKind::Versioned && m.version <= limit).then_some(i)
            }));
        }
    }
    if !missing.is_empty() {
        return Err(AdminError::MissingFiles {
            tool: foreign.tool.name(),
            table: foreign.table.clone(),
            versions: missing,
            dir: set.dir.clone(),
        });
    }
    let newest = chosen.last().copied().unwrap_or(0);
    let not_recorded = (0..newest)
        .filter(|i| !chosen.contains(i))
        .map(|i| set.migrations[i].version.as_str().to_owned())
        .collect();
    Ok((
        chosen.into_iter().map(|i| &set.migrations[i]).collect(),
        not_recorded,
    ))
}

/// Import another tool's history into Strata's empty history, under the migration lock: every
/// version it records (golang-migrate: every version up to its current one) becomes an
/// applied row with the file's checksum and SQL, each with an `adopt` event. The other tool's
/// table is never written. Refuses when Strata already has history, when the other history
/// has a failed or dirty entry, or when a version it records has no file.
pub async fn adopt(
    url: &str,
    set: &MigrationSet,
    options: &AdminOptions,
) -> Result<AdoptReport, AdminError> {
    let (lock, mut s) = admin::open(url, options).await?;
    let result = adopt_in(&mut s, set).await;
    admin::close(lock, s, result).await
}

async fn adopt_in(s: &mut Session, set: &MigrationSet) -> Result<AdoptReport, AdminError> {
    let history = s.read_history().await?;
    if !history.is_empty() {
        return Err(AdminError::HistoryNotEmpty {
            target: s.target.clone(),
            count: history.len(),
        });
    }
    let foreign = detect_in(s)
        .await?
        .ok_or_else(|| AdminError::NoForeignHistory {
            target: s.target.clone(),
        })?;
    let (chosen, not_recorded) = plan_import(set, &foreign)?;
    s.ensure_history().await?;
    admin::begin(s).await?;
    let result = adopt_rows(s, &foreign, chosen, not_recorded).await;
    admin::end(s, result).await
}

/// Inside the transaction: the rows and the events.
async fn adopt_rows(
    s: &mut Session,
    foreign: &ForeignHistory,
    chosen: Vec<&Migration>,
    not_recorded: Vec<String>,
) -> Result<AdoptReport, AdminError> {
    // SQLite has no lock server: check again inside the write transaction.
    let history = s.read_history().await?;
    if !history.is_empty() {
        return Err(AdminError::HistoryNotEmpty {
            target: s.target.clone(),
            count: history.len(),
        });
    }
    let run_id = new_run_id();
    for m in &chosen {
        let row = admin::applied_row(m, s.kind());
        (s.insert_applied(&row).await)
            .map_err(admin::sql_err(s, "recording an adopted migration"))?;
        let detail = format!(
            "adopted from {}'s {}: applied by {} and recorded as applied without running it",
            foreign.tool, foreign.table, foreign.tool
        );
        admin::insert_event(s, &run_id, EventKind::Adopt, m, detail).await?;
    }
    Ok(AdoptReport {
        target: s.target.clone(),
        tool: foreign.tool,
        table: foreign.table.clone(),
        imported: chosen.iter().map(|m| admin::recorded(m)).collect(),
        not_recorded,
        run_id,
    })
}

#[cfg(test)]
#[path = "adopt_tests.rs"]
mod tests;
