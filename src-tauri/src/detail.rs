//! One migration in detail: its up and down files split into statements as the engine will
//! send them (in the dialect of the project's first target), what to know before running it,
//! the SQL each target stored when it was applied there, and its events across targets.

use std::path::Path;

use strata_core::checksum::sha256_normalized;
use strata_core::executor::Direction;
use strata_core::history::{AppliedMigration, Event};
use strata_core::source::Part;
use strata_core::split::Finding;
use strata_core::{DatabaseKind, Migration};
use strata_project::Project;

use crate::commands::timeline::{
    Check, CheckKind, CheckLevel, MigrationDetail, PartDetail, StatementSpan, StoredSql,
};
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets;

/// Migration `version` of the project at `root`, on disk or only in a target's history.
pub async fn detail(
    state: &AppState,
    root: &str,
    version: &str,
) -> Result<MigrationDetail, IpcError> {
    let root = targets::canonical(root)?;
    let project = Project::open(&root)?;
    let targets = targets::of_project(state, &root);
    let reading = project.clone();
    let folder = tokio::task::spawn_blocking(move || reading.migrations());
    let wanted = version.to_owned();
    let reads = targets::read_each(state, &targets, move |access| {
        let version = wanted.clone();
        async move {
            let applied =
                strata_core::engine::applied_migration_pooled(&access.pool, &version).await?;
            let events =
                strata_core::engine::events_pooled(&access.pool, crate::history::EVENTS_PER_TARGET)
                    .await?;
            let events: Vec<Event> = (events.into_iter())
                .filter(|e| e.version.as_deref() == Some(version.as_str()))
                .collect();
            Ok((applied, events))
        }
    });
    let (set, reads) = tokio::join!(folder, reads);
    let set = set.map_err(|e| {
        IpcError::new(
            IpcErrorCode::Internal,
            format!("reading the migrations folder stopped: {e}"),
        )
    })??;
    let file = set
        .migrations
        .iter()
        .find(|m| m.version.as_str() == version);
    let dialect = targets.first().map_or(DatabaseKind::Sqlite, |t| t.engine);
    let any_mysql = targets.iter().any(|t| t.engine == DatabaseKind::Mysql);
    let mut stored = Vec::new();
    let mut events = Vec::new();
    let mut failures = Vec::new();
    let mut row: Option<AppliedMigration> = None;
    for (target, read) in targets.iter().zip(reads) {
        match read {
            Ok((applied, list)) => {
                if let Some(a) = applied {
                    stored.push(stored_sql(&target.id, &a, file));
                    row.get_or_insert(a);
                }
                events.extend(list.into_iter().map(|event| target.event(event)));
            }
            Err(error) => failures.push(target.failure(error)),
        }
    }
    events.sort_by(|a, b| b.event.at.cmp(&a.event.at));
    let (name, description, author) = match (file, &row) {
        (Some(m), _) => (m.name.clone(), m.description.clone(), m.author.clone()),
        (None, Some(a)) => (a.name.clone(), None, None),
        (None, None) if failures.is_empty() => {
            return Err(IpcError::new(
                IpcErrorCode::NotFound,
                format!(
                    "{} has no migration {version}, on disk or in any of its databases: refresh the timeline",
                    project.name
                ),
            ))
        }
        (None, None) => (String::new(), None, None),
    };
    Ok(MigrationDetail {
        version: version.to_owned(),
        name,
        description,
        author,
        up: file.map(|m| part_detail(&m.up, dialect)),
        down: file.and_then(|m| m.down.as_ref().map(|d| part_detail(d, dialect))),
        checks: file
            .map(|m| checks(m, dialect, any_mysql))
            .unwrap_or_default(),
        stored,
        events,
        failures,
    })
}

fn stored_sql(target: &str, a: &AppliedMigration, file: Option<&Migration>) -> StoredSql {
    let file_down = file.and_then(|m| m.down.as_ref()).map(|d| d.sql.as_str());
    StoredSql {
        target: target.to_owned(),
        up_sql: a.up_sql.clone(),
        down_sql: a.down_sql.clone(),
        checksum: a.checksum.clone(),
        up_matches_file: file.is_some_and(|m| m.checksum == a.checksum),
        down_matches_file: a.down_sql.as_deref().map(sha256_normalized)
            == file_down.map(sha256_normalized),
    }
}

/// The whole file of `part` (dbmate's parts share one) and its statements with file lines.
fn part_detail(part: &Part, dialect: DatabaseKind) -> PartDetail {
    let (statements, _) = strata_core::engine::part_statements(&part.sql, part.first_line, dialect);
    PartDetail {
        path: part.path.display().to_string(),
        sql: whole_file(&part.path).unwrap_or_else(|| part.sql.to_string()),
        part_sql: part.sql.to_string(),
        statements: statements
            .into_iter()
            .enumerate()
            .map(|(i, s)| StatementSpan {
                index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                line: s.line,
                column: s.column,
                sql: s.sql,
            })
            .collect(),
        no_transaction: part.no_transaction,
    }
}

fn whole_file(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text),
    )
}

/// The findings of `part` read as `dialect`, each with the file line of its statement.
fn findings(part: &Part, dialect: DatabaseKind) -> Vec<(u32, Finding)> {
    strata_core::engine::part_findings(&part.sql, part.first_line, dialect)
        .into_iter()
        .map(|f| (f.line, f.finding))
        .collect()
}

/// What to know before running `m`: transaction mode, statements that cannot run in one or
/// control their own, a missing down part, MySQL implicit commits (when a target is MySQL),
/// empty parts, and the risks the analysis finds.
fn checks(m: &Migration, dialect: DatabaseKind, any_mysql: bool) -> Vec<Check> {
    let mut out = Vec::new();
    let parts = [
        (Direction::Up, Some(&m.up)),
        (Direction::Down, m.down.as_ref()),
    ];
    for (direction, part) in parts {
        let Some(part) = part else { continue };
        let which = match direction {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        let check = |kind, level, message: String, line, engine| Check {
            kind,
            level,
            message,
            direction: Some(direction),
            line,
            engine,
        };
        if part.no_transaction {
            out.push(check(
                CheckKind::NoTransactionDirective,
                CheckLevel::Info,
                format!("the {which} part runs outside a transaction (a no-transaction directive or its layout's setting): a failure can leave it half done"),
                None,
                None,
            ));
        }
        let (statements, _) =
            strata_core::engine::part_statements(&part.sql, part.first_line, dialect);
        if statements.is_empty() {
            out.push(check(
                CheckKind::EmptyPart,
                CheckLevel::Info,
                format!("the {which} part holds no statement: running it changes nothing (it is still recorded)"),
                Some(part.first_line),
                None,
            ));
        }
        for (line, finding) in findings(part, dialect) {
            let kind = match finding {
                Finding::ImplicitCommit { .. } => continue,
                Finding::CannotRunInTransaction { .. } => CheckKind::CannotRunInTransaction,
                Finding::TransactionControl { .. } => CheckKind::TransactionControl,
                _ => CheckKind::Other,
            };
            let message = finding.to_string();
            out.push(check(
                kind,
                CheckLevel::Warning,
                message,
                Some(line),
                Some(dialect),
            ));
        }
        if any_mysql {
            for (line, finding) in findings(part, DatabaseKind::Mysql) {
                if matches!(finding, Finding::ImplicitCommit { .. }) {
                    out.push(check(
                        CheckKind::ImplicitCommit,
                        CheckLevel::Warning,
                        finding.to_string(),
                        Some(line),
                        Some(DatabaseKind::Mysql),
                    ));
                }
            }
        }
    }
    if m.down.is_none() {
        out.push(Check {
            kind: CheckKind::MissingDown,
            level: CheckLevel::Warning,
            message: "no down part: this migration cannot be rolled back. Add a down file that undoes it to make it reversible.".into(),
            direction: None,
            line: None,
            engine: None,
        });
    }
    out
}
