//! The planner: from the migrations on disk and the history in the database, the state of
//! every migration and the steps that reach a target. Pure: no I/O, so the app's preview and
//! the CLI's `plan` are this function, and its tests are tables.
//!
//! Repeatable migrations (Flyway's `R__<description>.sql`) follow Flyway: they have no version,
//! run after every pending versioned migration of the plan (by description, also with
//! `--to`, as Flyway's `target` does), and are applied again whenever their checksum changes
//! (state [`MigrationState::Changed`], a step that `replaces` its history row). They are never
//! out of order, never modified and never make a versioned migration out of order. Their
//! history key is `R__<description>`, which no versioned key can be (those are digits). Flyway
//! has no rollback for them (no down part exists for a repeatable): every rollback target,
//! down to zero included, leaves them applied, with a note ([`notes`]), and redo works on the
//! newest versioned migration. Their history rows stay because nothing removed their objects:
//! the history keeps telling what the database holds, so after a rollback to zero it records
//! the repeatables alone (and `StatusReport::notes` says why). Removing the rows would make
//! status call them pending while their views, functions or grants are still there.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::executor::Direction;
use crate::history::{AppliedMigration, AppliedState};

/// A migration on disk as the planner needs it. `V` orders versions by the layout's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local<V> {
    pub version: V,
    /// The version as written in the file name (the history's key).
    pub raw: String,
    pub name: String,
    pub checksum: String,
    pub reversible: bool,
}

/// The start of a repeatable migration's history key, `R__<description>`.
pub const REPEATABLE_PREFIX: &str = "R__";

/// Whether a history key (or a version as written) is a repeatable migration's.
pub fn is_repeatable(raw: &str) -> bool {
    raw.starts_with(REPEATABLE_PREFIX)
}

/// Where a migration stands in one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum MigrationState {
    /// On disk, not applied, newer than everything applied.
    Pending,
    /// On disk, not applied, but older than the newest applied migration (a parallel branch):
    /// applied only when the user allows out-of-order.
    OutOfOrder,
    /// Applied with the checksum the file has now.
    Applied,
    /// Applied, but the file changed since (its checksum differs).
    Modified,
    /// A repeatable migration whose file changed since it was applied: the next run applies
    /// it again (a repeatable is never `Modified`).
    Changed,
    /// Applied, and its file is gone (rollback still works from the stored SQL).
    MissingFile,
    /// Some statements committed, then one failed (MySQL/MariaDB, no-transaction migrations).
    Partial,
    /// Its rollback failed after some down statements committed.
    PartialRollback,
}

/// One row of the status: a migration on disk, in the history, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow<'a, V> {
    pub version: V,
    pub raw: String,
    pub name: String,
    pub state: MigrationState,
    /// A repeatable migration (its key is `R__<description>`).
    pub repeatable: bool,
    pub local: Option<&'a Local<V>>,
    pub applied: Option<&'a AppliedMigration>,
}

/// Merge disk and history, in version order. `parse` turns a history version into `V`
/// (by the same layout rule the files use); `None` sorts it by its raw text among the others.
pub fn status<'a, V: Ord + Clone>(
    local: &'a [Local<V>],
    applied: &'a [AppliedMigration],
    parse: impl Fn(&str) -> Option<V>,
) -> Vec<StatusRow<'a, V>> {
    let by_raw: BTreeMap<&str, &AppliedMigration> =
        applied.iter().map(|a| (a.version.as_str(), a)).collect();
    let mut rows: Vec<StatusRow<'a, V>> = Vec::with_capacity(local.len() + applied.len());
    for l in local {
        let a = by_raw.get(l.raw.as_str()).copied();
        let state = match a {
            None => MigrationState::Pending,
            Some(a) => applied_state(a, Some(l)),
        };
        rows.push(StatusRow {
            version: l.version.clone(),
            raw: l.raw.clone(),
            name: l.name.clone(),
            state,
            repeatable: is_repeatable(&l.raw),
            local: Some(l),
            applied: a,
        });
    }
    let on_disk: std::collections::HashSet<&str> = local.iter().map(|l| l.raw.as_str()).collect();
    let mut orphans: Vec<StatusRow<'a, V>> = Vec::new();
    for a in applied
        .iter()
        .filter(|a| !on_disk.contains(a.version.as_str()))
    {
        if let Some(v) = parse(&a.version) {
            orphans.push(StatusRow {
                version: v,
                raw: a.version.clone(),
                name: a.name.clone(),
                state: applied_state::<V>(a, None),
                repeatable: is_repeatable(&a.version),
                local: None,
                applied: Some(a),
            });
        }
    }
    rows.extend(orphans);
    rows.sort_by(|x, y| x.version.cmp(&y.version));
    // Pending versioned migrations older than the newest applied versioned one are out of
    // order; repeatables have no place in that order.
    if let Some(newest) = rows
        .iter()
        .rposition(|r| r.applied.is_some() && !r.repeatable)
    {
        for r in rows[..newest].iter_mut().filter(|r| !r.repeatable) {
            if r.state == MigrationState::Pending {
                r.state = MigrationState::OutOfOrder;
            }
        }
    }
    rows
}

fn applied_state<V>(a: &AppliedMigration, local: Option<&Local<V>>) -> MigrationState {
    match (a.state, local) {
        (AppliedState::Partial, _) => MigrationState::Partial,
        (AppliedState::PartialRollback, _) => MigrationState::PartialRollback,
        (AppliedState::Applied, None) => MigrationState::MissingFile,
        (AppliedState::Applied, Some(l)) if l.checksum != a.checksum && is_repeatable(&l.raw) => {
            MigrationState::Changed
        }
        (AppliedState::Applied, Some(l)) if l.checksum != a.checksum => MigrationState::Modified,
        (AppliedState::Applied, Some(_)) => MigrationState::Applied,
    }
}

/// Where a run should leave the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<V> {
    /// Apply every pending migration.
    Latest,
    /// Apply pending migrations up to and including this version.
    UpTo(V),
    /// Roll back every applied migration newer than this version (it stays applied).
    DownTo(V),
    /// Roll back every versioned migration. Repeatables have no rollback and stay applied
    /// (see the module doc): the history then records them alone, and a note says so.
    Zero,
    /// Roll back the newest `n` applied migrations.
    DownSteps(usize),
    /// Roll back the newest applied migration and apply it again.
    Redo,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Apply pending migrations older than the newest applied one.
    pub allow_out_of_order: bool,
}

/// One step of a plan. Rollbacks run the down SQL stored in the history at apply time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep<V> {
    pub version: V,
    pub raw: String,
    pub name: String,
    pub direction: Direction,
    /// A changed repeatable applied again: its new history row replaces the old one.
    pub replaces: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    #[error("{version} is partially applied ({detail}). Resolve it first: resume it, mark it resolved, or roll back what committed.")]
    Partial { version: String, detail: String },
    #[error("{version} was partly rolled back ({detail}). Resolve it first: resume the rollback, or mark it resolved once its objects are gone.")]
    PartialRollback { version: String, detail: String },
    #[error("{} older than the newest applied migration and not applied: {}. They come from a parallel branch; apply them with --allow-out-of-order (or the app's \"Apply out of order\"), or give them newer versions.", if versions.len() == 1 { "a migration is" } else { "migrations are" }, versions.join(", "))]
    OutOfOrder { versions: Vec<String> },
    #[error("applied {} changed on disk since: {}. Restore the file, or accept the edit with `strata repair <version>`.", if versions.len() == 1 { "migration" } else { "migrations" }, versions.join(", "))]
    Modified { versions: Vec<String> },
    #[error("no migration has version {version}")]
    UnknownVersion { version: String },
    #[error("{version} ({name}) has no down part recorded, so it cannot be rolled back. Write a new migration that undoes it.")]
    Irreversible { version: String, name: String },
    #[error("nothing is applied, so there is nothing to redo")]
    NothingToRedo,
}

/// The steps that take the database from its status to `target`.
pub fn plan<V: Ord + Clone + std::fmt::Debug>(
    rows: &[StatusRow<'_, V>],
    target: &Target<V>,
    options: PlanOptions,
) -> Result<Vec<PlannedStep<V>>, PlanError> {
    if let Some(r) = rows.iter().find(|r| {
        matches!(
            r.state,
            MigrationState::Partial | MigrationState::PartialRollback
        )
    }) {
        let a = r.applied.expect("partial rows are in the history");
        let version = r.raw.clone();
        return Err(if r.state == MigrationState::PartialRollback {
            PlanError::PartialRollback {
                version,
                detail: format!(
                    "{} of {} down statements committed",
                    a.statements_committed, a.statements_total
                ),
            }
        } else {
            PlanError::Partial {
                version,
                detail: format!(
                    "{} of {} statements committed",
                    a.statements_committed, a.statements_total
                ),
            }
        });
    }
    let known = |v: &V| rows.iter().any(|r| &r.version == v);
    match target {
        Target::Latest | Target::UpTo(_) => {
            if let Target::UpTo(v) = target {
                if !known(v) {
                    return Err(PlanError::UnknownVersion {
                        version: format!("{v:?}"),
                    });
                }
            }
            let limit = match target {
                Target::UpTo(v) => Some(v),
                _ => None,
            };
            let in_range =
                |r: &&StatusRow<'_, V>| !r.repeatable && limit.is_none_or(|v| &r.version <= v);
            let modified: Vec<String> = rows
                .iter()
                .filter(in_range)
                .filter(|r| r.state == MigrationState::Modified)
                .map(|r| r.raw.clone())
                .collect();
            if !modified.is_empty() {
                return Err(PlanError::Modified { versions: modified });
            }
            let out_of_order: Vec<String> = rows
                .iter()
                .filter(in_range)
                .filter(|r| r.state == MigrationState::OutOfOrder)
                .map(|r| r.raw.clone())
                .collect();
            if !out_of_order.is_empty() && !options.allow_out_of_order {
                return Err(PlanError::OutOfOrder {
                    versions: out_of_order,
                });
            }
            let versioned = rows
                .iter()
                .filter(in_range)
                .filter(|r| {
                    matches!(
                        r.state,
                        MigrationState::Pending | MigrationState::OutOfOrder
                    )
                })
                .map(|r| step(r, Direction::Up));
            // Then the repeatables, new or changed, in description order.
            let repeatables = rows
                .iter()
                .filter(|r| r.repeatable && r.local.is_some())
                .filter(|r| matches!(r.state, MigrationState::Pending | MigrationState::Changed))
                .map(|r| PlannedStep {
                    replaces: r.state == MigrationState::Changed,
                    ..step(r, Direction::Up)
                });
            Ok(versioned.chain(repeatables).collect())
        }
        Target::DownTo(_) | Target::Zero | Target::DownSteps(_) => {
            let applied: Vec<&StatusRow<'_, V>> = rows
                .iter()
                .rev()
                .filter(|r| r.applied.is_some() && !r.repeatable)
                .collect();
            let chosen: Vec<&StatusRow<'_, V>> = match target {
                Target::DownTo(v) => {
                    if !known(v) {
                        return Err(PlanError::UnknownVersion {
                            version: format!("{v:?}"),
                        });
                    }
                    applied.into_iter().filter(|r| &r.version > v).collect()
                }
                Target::DownSteps(n) => applied.into_iter().take(*n).collect(),
                _ => applied,
            };
            chosen.into_iter().map(|r| down_step(r)).collect()
        }
        Target::Redo => {
            let newest = rows
                .iter()
                .rev()
                .find(|r| r.applied.is_some() && !r.repeatable)
                .ok_or(PlanError::NothingToRedo)?;
            if newest.local.is_none() {
                return Err(PlanError::UnknownVersion {
                    version: newest.raw.clone(),
                });
            }
            // Redo is how an edited migration is re-run during development: a modified
            // migration may be redone (its stored down SQL undoes what was applied).
            Ok(vec![down_step(newest)?, step(newest, Direction::Up)])
        }
    }
}

fn step<V: Clone>(r: &StatusRow<'_, V>, direction: Direction) -> PlannedStep<V> {
    PlannedStep {
        version: r.version.clone(),
        raw: r.raw.clone(),
        name: r.name.clone(),
        direction,
        replaces: false,
    }
}

fn down_step<V: Clone>(r: &StatusRow<'_, V>) -> Result<PlannedStep<V>, PlanError> {
    let a = r.applied.expect("only applied rows are rolled back");
    if a.down_sql.is_none() {
        return Err(PlanError::Irreversible {
            version: r.raw.clone(),
            name: r.name.clone(),
        });
    }
    Ok(step(r, Direction::Down))
}

/// What to know about a plan beyond its steps: a rollback target leaves the repeatable
/// migrations applied (they have no rollback), so their objects stay, and so do their history
/// rows; a rollback to zero leaves a history that records them alone.
pub fn notes<V>(rows: &[StatusRow<'_, V>], target: &Target<V>) -> Vec<String> {
    if !matches!(
        target,
        Target::DownTo(_) | Target::Zero | Target::DownSteps(_)
    ) {
        return Vec::new();
    }
    let kept: Vec<&str> = rows
        .iter()
        .filter(|r| r.repeatable && r.applied.is_some())
        .map(|r| r.raw.as_str())
        .collect();
    if kept.is_empty() {
        return Vec::new();
    }
    let zero = match target {
        Target::Zero => " After this rollback the history still records them, and only them: nothing runs for them, so their objects stay in the database.",
        _ => " Nothing runs for them, so their objects stay in the database.",
    };
    vec![format!(
        "repeatable migrations have no rollback (as in Flyway), so they stay applied: {}.{zero} A down part that drops what they use can fail because of them (PostgreSQL refuses to drop a table a view depends on) or leave them broken. `strata up` runs a repeatable again only when its file changes.",
        kept.join(", ")
    )]
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
