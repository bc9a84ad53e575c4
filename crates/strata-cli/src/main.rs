//! The `strata` command: the engine of the Strata app, headless, for scripts and pipelines.
//! Every subcommand is a thin call into strata-core or strata-project.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use strata_core::dialect::supported_engines;
use strata_project::Project;

/// The allocator: a status on thousands of migrations makes tens of thousands of small
/// allocations (names, paths, history rows) and exits; mimalloc serves them faster than the
/// system's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod admin;
mod db;
mod schema;
mod seed;

#[derive(Parser)]
#[command(
    name = "strata",
    version,
    about = "Strata: database migrations under version control"
)]
struct Cli {
    /// The project folder (holding strata.toml and migrations/).
    #[arg(
        long,
        short = 'p',
        global = true,
        env = "STRATA_PROJECT",
        default_value = "."
    )]
    project: PathBuf,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the database engines this build of Strata can connect to.
    Engines,
    /// List the project's migrations in apply order.
    List,
    /// Create a new migration: an up and a down file with a fresh version.
    New {
        /// What the migration does, e.g. "add phone to users" (becomes add_phone_to_users).
        name: String,
    },
    /// Show every migration's state in the database: applied, pending, modified, out of order…
    Status {
        #[command(flatten)]
        db: db::DbArgs,
    },
    /// Show what `up` would run, with its SQL and transaction mode; change nothing.
    Plan {
        #[command(flatten)]
        db: db::DbArgs,
        #[command(flatten)]
        up: db::UpArgs,
    },
    /// Apply pending migrations.
    Up {
        #[command(flatten)]
        db: db::DbArgs,
        #[command(flatten)]
        up: db::UpArgs,
    },
    /// Roll back applied migrations with the down SQL stored when they were applied.
    Down {
        #[command(flatten)]
        db: db::DbArgs,
        #[command(flatten)]
        down: db::DownArgs,
    },
    /// Roll back the newest applied migration and apply it again.
    Redo {
        #[command(flatten)]
        db: db::DbArgs,
    },
    /// Record migrations up to VERSION as applied without running them (the database has them).
    Baseline {
        #[command(flatten)]
        db: db::DbArgs,
        #[command(flatten)]
        args: admin::BaselineArgs,
    },
    /// Accept the edited file of an applied migration: store its checksum and SQL, with a reason.
    Repair {
        #[command(flatten)]
        db: db::DbArgs,
        #[command(flatten)]
        args: admin::RepairArgs,
    },
    /// Settle a partially applied migration: resume it, mark it resolved, or roll back what committed.
    Resolve {
        #[command(flatten)]
        db: db::DbArgs,
        #[command(flatten)]
        args: admin::ResolveArgs,
    },
    /// Check the migrations folder without a database: files parse, checksums, unique versions.
    Validate,
    /// Import another tool's history (sqlx, dbmate, golang-migrate, Flyway, Diesel, refinery).
    Adopt {
        #[command(flatten)]
        db: db::DbArgs,
    },
    /// Seed datasets: list them, preview their rows, or apply them to a database.
    Seed {
        #[command(subcommand)]
        action: seed::SeedCommand,
    },
    /// Inspect schemas: show, preview, drift, compare, generate, test-rollback. Exit code 6:
    /// drift found, the databases differ, or a rollback did not restore the schema.
    #[command(after_help = schema::EXIT_CODES)]
    Schema {
        #[command(subcommand)]
        action: schema::SchemaCommand,
    },
    /// Connect to a database and print its engine, server version and connect time.
    Ping {
        /// postgres://…, mysql://… (also MariaDB) or sqlite:path
        #[arg(env = "DATABASE_URL", hide_env_values = true)]
        url: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        // The engine's warnings (e.g. that it ended a statement a killed run left running)
        // show unless STRATA_LOG says otherwise.
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STRATA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("strata_core=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", explain(&e));
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Exit codes pipelines can branch on (also in the README): 0 done, 1 error (bad input,
/// connection, I/O), 2 wrong arguments (from clap), 3 the plan was refused (out of order,
/// modified, partial, irreversible), 4 another run held the lock too long, 5 a migration's
/// SQL failed (the message says what committed), 6 `schema drift`, `compare` or
/// `test-rollback` found differences, 130 the run or seeding was cancelled with Ctrl-C (the
/// message says what it left).
fn exit_code(e: &anyhow::Error) -> u8 {
    use strata_core::engine::EngineError;
    use strata_core::executor::RunError;
    use strata_core::lock::LockError;
    if let Some(e) = e.downcast_ref::<strata_core::admin::AdminError>() {
        return admin::exit_code(e);
    }
    if let Some(strata_core::seed::ApplyError::Cancelled { .. }) =
        e.downcast_ref::<strata_core::seed::ApplyError>()
    {
        return 130;
    }
    match e.downcast_ref::<EngineError>() {
        Some(EngineError::Plan(_) | EngineError::ManagedByAnotherTool { .. }) => 3,
        Some(EngineError::Lock(l)) if matches!(**l, LockError::Timeout { .. }) => 4,
        Some(EngineError::Cancelled { .. }) => 130,
        Some(EngineError::Run(r))
            if matches!(
                **r,
                RunError::SingleTransactionUnsupported { .. } | RunError::NotTransactional { .. }
            ) =>
        {
            3
        }
        Some(EngineError::Run(r))
            if matches!(
                **r,
                RunError::Statement { .. }
                    | RunError::OutOfLocks { .. }
                    | RunError::SingleTransactionRolledBack { .. }
            ) =>
        {
            5
        }
        _ => 1,
    }
}

/// The error and its causes, each cause once: Strata's errors already quote their source.
fn explain(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}

/// The project's migrations, read and checked.
fn migrations(project: &std::path::Path) -> anyhow::Result<strata_core::MigrationSet> {
    let project = Project::open(project)?;
    let set = project.migrations()?;
    for note in set.notes() {
        eprintln!("note: {note}");
    }
    Ok(set)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Engines => {
            let engines = supported_engines();
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&engines)?);
            } else {
                for e in engines {
                    let state = if e.compiled_in {
                        "available"
                    } else {
                        "not in this build"
                    };
                    println!("{:<16} {:<22} {}", e.name, e.url_schemes.join(", "), state);
                }
            }
        }
        Command::List => {
            let project = Project::open(&cli.project)?;
            let set = project.migrations()?;
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&set.migrations)?);
            } else {
                println!(
                    "{}: {} migrations in {} ({} layout)",
                    project.name,
                    set.migrations.len(),
                    set.dir.display(),
                    set.layout
                );
                // One write for the whole list, not one per line.
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                for m in &set.migrations {
                    let down = if m.is_reversible() {
                        ""
                    } else {
                        "  (no down part)"
                    };
                    let _ = writeln!(out, "{}  {}{}", m.version, m.name, down);
                }
                // A reader that stopped early (`| head`) is not an error.
                let _ = out.flush();
                for note in set.notes() {
                    eprintln!("note: {note}");
                }
            }
        }
        Command::New { name } => {
            let project = Project::open(&cli.project)?;
            let created = project.new_migration(&name, std::time::SystemTime::now())?;
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&created)?);
            } else {
                println!("created {}", created.up_path.display());
                println!("created {}", created.down_path.display());
            }
        }
        Command::Status { db } => db::status(|| migrations(&cli.project), &db, cli.json)?,
        Command::Plan { db, up } => db::plan(&migrations(&cli.project)?, &db, &up, cli.json)?,
        Command::Up { db, up } => db::up(|| migrations(&cli.project), &db, &up, cli.json)?,
        Command::Down { db, down } => db::down(&migrations(&cli.project)?, &db, &down, cli.json)?,
        Command::Redo { db } => db::redo(&migrations(&cli.project)?, &db, cli.json)?,
        Command::Baseline { db, args } => {
            admin::baseline(&migrations(&cli.project)?, &db, &args, cli.json)?
        }
        Command::Repair { db, args } => {
            admin::repair(&migrations(&cli.project)?, &db, &args, cli.json)?
        }
        Command::Resolve { db, args } => {
            admin::resolve(&migrations(&cli.project)?, &db, &args, cli.json)?
        }
        Command::Validate => admin::validate(&cli.project, cli.json)?,
        Command::Adopt { db } => admin::adopt(&migrations(&cli.project)?, &db, cli.json)?,
        Command::Seed { action } => seed::run(&cli.project, action, cli.json)?,
        Command::Schema { action } => schema::run(&cli.project, action, cli.json)?,
        Command::Ping { url, timeout } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            let info = runtime.block_on(strata_core::driver::probe(
                &url,
                Duration::from_secs(timeout),
            ))?;
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&info)?);
            } else {
                println!(
                    "{} {} at {} ({} ms)",
                    info.kind,
                    info.server_version,
                    strata_core::driver::redact_url(&url),
                    info.latency_ms
                );
            }
        }
    }
    Ok(())
}
