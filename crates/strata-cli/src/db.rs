//! The subcommands that talk to a database: status, plan, up, down, redo. Each is a call into
//! `strata_core::engine`; this file only reads arguments and prints.

use std::io::Write as _;
use std::time::Duration;

use clap::Args;
use strata_core::engine::{self, EngineError, RunOptions, RunReport, StatusReport};
use strata_core::executor::{Direction, Progress};
use strata_core::plan::{MigrationState, Target};
use strata_core::source::MigrationSet;

/// Where and how to connect.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// The database: postgres://…, mysql://… (also MariaDB) or sqlite:path.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub url: String,
    /// Seconds to wait for another run's migration lock.
    #[arg(long, default_value_t = 60)]
    pub lock_timeout: u64,
}

#[derive(Args, Clone, Default)]
pub struct UpArgs {
    /// Apply up to and including this version (default: all pending).
    #[arg(long)]
    pub to: Option<String>,
    /// Also apply pending migrations older than the newest applied one.
    #[arg(long)]
    pub allow_out_of_order: bool,
    /// Print the plan and its SQL; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run the whole plan in one transaction (PostgreSQL, SQLite): all of it or nothing.
    /// Thousands of DDL migrations in one PostgreSQL transaction need a larger
    /// max_locks_per_transaction.
    #[arg(long)]
    pub single_transaction: bool,
}

#[derive(Args, Clone, Default)]
pub struct DownArgs {
    /// Roll back every migration newer than this version (it stays applied).
    #[arg(long, conflicts_with_all = ["steps", "all"])]
    pub to: Option<String>,
    /// Roll back this many of the newest applied migrations (default 1).
    #[arg(long, conflicts_with = "all")]
    pub steps: Option<usize>,
    /// Roll back everything.
    #[arg(long)]
    pub all: bool,
    /// Print the plan and its SQL; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run the whole plan in one transaction (PostgreSQL, SQLite): all of it or nothing.
    /// Thousands of DDL migrations in one PostgreSQL transaction need a larger
    /// max_locks_per_transaction.
    #[arg(long)]
    pub single_transaction: bool,
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// Run `load` (reading the migrations folder) on another thread while `read` reads the
/// database: a status, or an `up` with nothing to do, costs the longer of the two, not their
/// sum. The folder's error comes first.
fn alongside<T: Send>(
    load: impl FnOnce() -> anyhow::Result<MigrationSet> + Send,
    read: impl FnOnce() -> T,
) -> anyhow::Result<(MigrationSet, T)> {
    std::thread::scope(|scope| {
        let files = scope.spawn(load);
        let known = read();
        let set = files
            .join()
            .expect("reading the migrations does not panic")?;
        Ok((set, known))
    })
}

pub fn status(
    load: impl FnOnce() -> anyhow::Result<MigrationSet> + Send,
    db: &DbArgs,
    json: bool,
) -> anyhow::Result<()> {
    let timeout = Duration::from_secs(15);
    let (set, known) = alongside(load, || {
        runtime().block_on(engine::snapshot(&db.url, timeout))
    })?;
    let report = known?.into_status(&set);
    if json {
        let mut value = serde_json::to_value(&report).expect("status serialises");
        value["notes"] = serde_json::json!(report.notes());
        println!(
            "{}",
            serde_json::to_string_pretty(&value).expect("status serialises")
        );
    } else {
        print_status(&report);
    }
    // Thousands of migrations and rows are freed by the process's exit, not one by one.
    std::mem::forget((set, report));
    Ok(())
}

fn state_word(s: MigrationState) -> &'static str {
    match s {
        MigrationState::Pending => "pending",
        MigrationState::OutOfOrder => "out of order",
        MigrationState::Applied => "applied",
        MigrationState::Modified => "modified",
        MigrationState::Changed => "changed",
        MigrationState::MissingFile => "missing file",
        MigrationState::Partial => "partial",
        MigrationState::PartialRollback => "partial rollback",
    }
}

fn print_status(report: &StatusReport) {
    println!("{} ({})", report.target, report.kind);
    // One write for the whole list, not one per line: a history can hold thousands.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for e in &report.entries {
        let when = e
            .applied
            .as_ref()
            .map(|a| format!("  {} by {}", a.applied_at, a.applied_by))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<16} {:<16} {}{}",
            e.version,
            state_word(e.state),
            e.name,
            when
        );
    }
    let _ = out.flush();
    drop(out);
    let applied = report.count(MigrationState::Applied)
        + report.count(MigrationState::Modified)
        + report.count(MigrationState::MissingFile);
    let pending = report.count(MigrationState::Pending)
        + report.count(MigrationState::OutOfOrder)
        + report.count(MigrationState::Changed);
    println!("{applied} applied, {pending} pending");
    for (state, hint) in [
        (MigrationState::OutOfOrder, "older than the newest applied migration: `strata up --allow-out-of-order` applies them"),
        (MigrationState::Modified, "changed since applied: restore the file or `strata repair <version>`"),
        (MigrationState::Changed, "repeatable, changed since applied: `strata up` applies it again"),
        (MigrationState::Partial, "partially applied: `strata resolve <version> --resume | --mark-resolved | --roll-back` before going on"),
        (MigrationState::PartialRollback, "partly rolled back: `strata resolve <version> --resume` finishes the rollback, `--mark-resolved` accepts it once its objects are gone"),
    ] {
        let n = report.count(state);
        if n > 0 {
            println!("{n} {}: {hint}", state_word(state));
        }
    }
    for note in report.notes() {
        println!("note: {note}");
    }
    if let Some(foreign) = &report.foreign {
        println!("this database is managed by {}: {foreign}", foreign.tool);
        println!("Strata applies nothing here until `strata adopt` imports that history ({}'s table is left as it is).", foreign.tool);
        if !foreign.also_found.is_empty() {
            println!("also found: {}", foreign.also_found.join(", "));
        }
    }
}

fn version(
    set: &MigrationSet,
    text: &Option<String>,
) -> Result<Option<strata_core::Version>, EngineError> {
    text.as_deref()
        .map(|t| engine::parse_version(set, t))
        .transpose()
}

pub fn up(
    load: impl FnOnce() -> anyhow::Result<MigrationSet> + Send,
    db: &DbArgs,
    args: &UpArgs,
    json: bool,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let timeout = Duration::from_secs(15);
    let (set, known) = alongside(load, || {
        (!args.dry_run).then(|| runtime().block_on(engine::snapshot(&db.url, timeout)))
    })?;
    let options = up_options(&set, args)?;
    if let Some(Ok(known)) = known {
        if known.up_to_date(&set, &options) {
            show_report(&known.nothing_to_do(started), json);
            std::mem::forget((set, known));
            return Ok(());
        }
    }
    // Anything else (work to do, or an error reading the history) the engine's run judges.
    Ok(execute(&set, db, options, json)?)
}

fn up_options(set: &MigrationSet, args: &UpArgs) -> Result<RunOptions, EngineError> {
    let target = match version(set, &args.to)? {
        Some(v) => Target::UpTo(v),
        None => Target::Latest,
    };
    let mut options = RunOptions::new(target);
    options.allow_out_of_order = args.allow_out_of_order;
    options.dry_run = args.dry_run;
    options.single_transaction = args.single_transaction;
    Ok(options)
}

pub fn down(
    set: &MigrationSet,
    db: &DbArgs,
    args: &DownArgs,
    json: bool,
) -> Result<(), EngineError> {
    let target = if args.all {
        Target::Zero
    } else if let Some(v) = version(set, &args.to)? {
        Target::DownTo(v)
    } else {
        Target::DownSteps(args.steps.unwrap_or(1))
    };
    let mut options = RunOptions::new(target);
    options.dry_run = args.dry_run;
    options.single_transaction = args.single_transaction;
    execute(set, db, options, json)
}

pub fn redo(set: &MigrationSet, db: &DbArgs, json: bool) -> Result<(), EngineError> {
    execute(set, db, RunOptions::new(Target::Redo), json)
}

pub fn plan(set: &MigrationSet, db: &DbArgs, args: &UpArgs, json: bool) -> Result<(), EngineError> {
    let args = UpArgs {
        dry_run: true,
        ..args.clone()
    };
    execute(set, db, up_options(set, &args)?, json)
}

fn execute(
    set: &MigrationSet,
    db: &DbArgs,
    mut options: RunOptions,
    json: bool,
) -> Result<(), EngineError> {
    options.lock_timeout = Duration::from_secs(db.lock_timeout);
    let progress = |p: Progress| {
        if json {
            return;
        }
        match p {
            Progress::StepStarted {
                version,
                name,
                direction,
                ..
            } => {
                let arrow = if direction == Direction::Up {
                    "up  "
                } else {
                    "down"
                };
                eprint!("{arrow} {version} {name} … ");
            }
            Progress::StepFinished { ms, .. } => eprintln!("ok ({ms:.0} ms)"),
            _ => {}
        }
    };
    let waiting = |h: Option<&strata_core::lock::LockHolder>| match h {
        Some(h) => eprintln!("waiting for the migration lock held by {h}"),
        None => eprintln!("waiting for the migration lock"),
    };
    let cancel = options.cancel.clone();
    let result = runtime().block_on(async {
        let run = engine::run(&db.url, set, &options, progress, waiting);
        tokio::select! {
            result = run => result,
            () = interrupted(cancel) => unreachable!("a second Ctrl-C exits"),
        }
    });
    if !json {
        match &result {
            Err(EngineError::Cancelled { .. }) => eprintln!("cancelled"),
            Err(_) => eprintln!("failed"),
            Ok(_) => {}
        }
    }
    show_report(&result?, json);
    Ok(())
}

/// Ctrl-C (SIGINT) cancels the run: it stops the running statement and records what it left,
/// then exits with 130 (`main.rs`). A second Ctrl-C quits at once, without waiting for that.
/// Never resolves.
async fn interrupted(cancel: engine::CancelToken) {
    if tokio::signal::ctrl_c().await.is_err() {
        return std::future::pending().await;
    }
    eprintln!(
        "\ninterrupted: cancelling the run and recording what it left (Ctrl-C again quits at once)"
    );
    cancel.cancel();
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!(
            "interrupted again: quitting without waiting; `strata status` shows what the run left"
        );
        std::process::exit(130);
    }
    std::future::pending().await
}

fn show_report(report: &RunReport, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).expect("reports serialise")
        );
    } else {
        print_report(report);
    }
}

fn print_report(report: &RunReport) {
    if report.dry_run {
        println!("plan for {} (dry run: nothing was changed)", report.target);
        for s in &report.steps {
            let dir = if s.direction == Direction::Up {
                "apply"
            } else {
                "roll back"
            };
            let mode = if s.transactional {
                "in one transaction"
            } else {
                "statement by statement, no transaction"
            };
            println!("\n{dir} {} {} ({mode})", s.version, s.name);
            for note in &s.notes {
                println!("  note: {note}");
            }
            for (i, sql) in s.statements.iter().enumerate() {
                println!("  [{}] {}", i + 1, sql.trim().replace('\n', "\n      "));
            }
        }
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    if report.steps.is_empty() {
        println!("nothing to do: {} is up to date", report.target);
    } else if !report.dry_run {
        println!(
            "{} migration step(s) done in {:.0} ms",
            report.steps.len(),
            report.duration_ms
        );
    }
}
