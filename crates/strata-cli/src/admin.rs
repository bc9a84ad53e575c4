//! The administrative subcommands: baseline, repair, resolve, validate and adopt. Each is a
//! call into `strata_core::admin` or `strata_core::adopt`; this file only reads arguments and
//! prints.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use clap::Args;
use strata_core::admin::{self, AdminError, AdminOptions, ResolveAction};
use strata_core::adopt;
use strata_core::engine;
use strata_core::executor::RunError;
use strata_core::lock::LockError;
use strata_core::source::MigrationSet;
use strata_project::Project;

use crate::db::{runtime, DbArgs};

#[derive(Args, Clone)]
pub struct BaselineArgs {
    /// Record every migration up to and including this version as applied, without running it.
    pub version: String,
    /// Why, kept in the event log (e.g. "the production schema predates Strata").
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Args, Clone)]
pub struct RepairArgs {
    /// The applied migration whose edited file is accepted.
    pub version: String,
    /// Why the applied migration's file changed, kept in the event log.
    #[arg(long)]
    pub reason: String,
}

#[derive(Args, Clone)]
pub struct ResolveArgs {
    /// The partially applied migration.
    pub version: String,
    #[command(flatten)]
    pub action: ResolveChoice,
}

#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
pub struct ResolveChoice {
    /// Run the statements after the last one that committed (fix what made it fail first).
    #[arg(long)]
    pub resume: bool,
    /// You finished it by hand: record it as applied (or, for a rollback, as rolled back).
    #[arg(long)]
    pub mark_resolved: bool,
    /// Undo what committed with the down SQL stored when it ran, and forget it.
    #[arg(long)]
    pub roll_back: bool,
}

/// The exit code of a failed administrative operation, as `main` documents them: 3 refused
/// (nothing was changed), 4 lock timeout, 5 a statement failed, 1 any other error.
pub fn exit_code(e: &AdminError) -> u8 {
    match e {
        AdminError::Lock(l) if matches!(**l, LockError::Timeout { .. }) => 4,
        AdminError::Run(r) if matches!(**r, RunError::Statement { .. }) => 5,
        AdminError::Connect(_)
        | AdminError::History(_)
        | AdminError::Lock(_)
        | AdminError::Run(_) => 1,
        _ => 3,
    }
}

fn options(db: &DbArgs) -> AdminOptions {
    AdminOptions {
        lock_timeout: Duration::from_secs(db.lock_timeout),
        waiting: |holder| match holder {
            Some(h) => eprintln!("waiting for the migration lock held by {h}"),
            None => eprintln!("waiting for the migration lock"),
        },
        ..AdminOptions::default()
    }
}

/// The report as JSON on stdout.
macro_rules! print_json {
    ($report:expr) => {
        println!("{}", serde_json::to_string_pretty(&$report)?)
    };
}

pub fn baseline(
    set: &MigrationSet,
    db: &DbArgs,
    args: &BaselineArgs,
    json: bool,
) -> anyhow::Result<()> {
    let version = engine::parse_version(set, &args.version)?;
    let report = runtime().block_on(admin::baseline(
        &db.url,
        set,
        &version,
        args.reason.as_deref(),
        &options(db),
    ))?;
    if json {
        print_json!(report);
        return Ok(());
    }
    println!("baseline of {} to {}", report.target, report.version);
    for r in &report.recorded {
        println!("  recorded {}  {}  (not run)", r.version, r.name);
    }
    println!(
        "{} migration(s) recorded as applied without running them, {} already applied. `strata up` applies the rest.",
        report.recorded.len(),
        report.already_applied
    );
    Ok(())
}

pub fn repair(
    set: &MigrationSet,
    db: &DbArgs,
    args: &RepairArgs,
    json: bool,
) -> anyhow::Result<()> {
    let version = engine::parse_version(set, &args.version)?;
    let report = runtime().block_on(admin::repair(
        &db.url,
        set,
        &version,
        &args.reason,
        &options(db),
    ))?;
    if json {
        print_json!(report);
        return Ok(());
    }
    println!(
        "repaired {} ({}) on {}: stored checksum {} -> {}{}",
        report.version,
        report.name,
        report.target,
        short(&report.old_checksum),
        short(&report.new_checksum),
        if report.down_changed {
            ", stored down SQL replaced by the file's"
        } else {
            ""
        }
    );
    println!("reason recorded in the event log: {}", args.reason);
    Ok(())
}

fn short(checksum: &str) -> &str {
    checksum.get(..12).unwrap_or(checksum)
}

pub fn resolve(
    set: &MigrationSet,
    db: &DbArgs,
    args: &ResolveArgs,
    json: bool,
) -> anyhow::Result<()> {
    let version = engine::parse_version(set, &args.version)?;
    let action = match (&args.action.resume, &args.action.mark_resolved) {
        (true, _) => ResolveAction::Resume,
        (_, true) => ResolveAction::MarkResolved,
        _ => ResolveAction::RollBackCommitted,
    };
    let report =
        runtime().block_on(admin::resolve(&db.url, set, &version, action, &options(db)))?;
    if json {
        print_json!(report);
        return Ok(());
    }
    println!(
        "resolved {} ({}) on {}: {}",
        report.version, report.name, report.target, report.detail
    );
    println!(
        "{} is {}.",
        report.version,
        if report.applied {
            "applied"
        } else {
            "not applied"
        }
    );
    Ok(())
}

/// Read and check the migrations folder; no database.
pub fn validate(project: &Path, json: bool) -> anyhow::Result<()> {
    let set = Project::open(project)?.migrations()?;
    let report = admin::validate(&set);
    if json {
        print_json!(report);
        return Ok(());
    }
    // One write for the whole list, not one per line: a folder can hold thousands.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for m in &report.migrations {
        let down = if m.reversible { "" } else { "  (no down part)" };
        let _ = writeln!(
            out,
            "{:<16} sha256 {}  {}{down}",
            m.version,
            short(&m.checksum),
            m.name
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = writeln!(out, "{}", report.summary);
    // A reader that stopped early (`| head`) is not an error.
    let _ = out.flush();
    Ok(())
}

pub fn adopt(set: &MigrationSet, db: &DbArgs, json: bool) -> anyhow::Result<()> {
    let report = runtime().block_on(adopt::adopt(&db.url, set, &options(db)))?;
    if json {
        print_json!(report);
        return Ok(());
    }
    println!(
        "adopted {}'s {} into Strata's history on {}:",
        report.tool, report.table, report.target
    );
    for r in &report.imported {
        println!("  applied {}  {}  (recorded, not run)", r.version, r.name);
    }
    println!(
        "{} migration(s) recorded as applied; {}'s table was left as it was. `strata up` applies the rest.",
        report.imported.len(),
        report.tool
    );
    if !report.not_recorded.is_empty() {
        println!(
            "not recorded by {}, so still to apply (out of order): {}",
            report.tool,
            report.not_recorded.join(", ")
        );
    }
    Ok(())
}
