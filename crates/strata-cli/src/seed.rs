//! `strata seed list | preview | run`: the Seeds screen's form as a subcommand. Every choice
//! is an argument; the work is `strata_core::seed`'s, this file only reads arguments and prints.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use strata_core::seed::{
    self, ApplyOptions, ApplyReport, Environment, GenOptions, Mode, Outcome, SecretMap, Seeds,
};
use strata_project::seed_profiles::{self, SeedProfile};
use strata_project::Project;

#[derive(Subcommand)]
pub enum SeedCommand {
    /// List the datasets in dependency order, with their table, environments and row count.
    List {
        /// Only the datasets of this environment (development, testing, staging, production).
        #[arg(long)]
        env: Option<String>,
    },
    /// Show the first rows of each dataset as they will be written; with --url, also what a
    /// run would insert, update, delete and leave unchanged (computed, then rolled back).
    Preview {
        #[command(flatten)]
        form: Form,
        /// Rows to show per dataset.
        #[arg(long, default_value_t = 5)]
        rows: usize,
        /// The database to compute the dry-run summary against.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        url: Option<String>,
    },
    /// Apply the datasets to a database.
    Run {
        #[command(flatten)]
        form: Form,
        /// postgres://…, mysql://… (also MariaDB) or sqlite:path
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        url: String,
        /// Compute the counts against the database and roll everything back.
        #[arg(long)]
        dry_run: bool,
        /// Required to seed production: type the word `production`.
        #[arg(long, value_name = "ENVIRONMENT")]
        confirm: Option<String>,
        /// A secret a dataset names (`{secret: NAME}`), read from the environment variable
        /// STRATA_SECRET_<NAME> (upper case). Repeatable.
        #[arg(long = "secret", value_name = "NAME")]
        secrets: Vec<String>,
    },
}

/// The Seeds form: environment, datasets, mode, seed value, row counts; or a saved profile
/// (`[seeds.profiles.NAME]` in strata.toml) whose values the flags given override.
#[derive(Args, Clone)]
pub struct Form {
    /// A saved form from strata.toml's [seeds.profiles.NAME]; flags given override its values.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// development, testing, staging or production [default: development].
    #[arg(long)]
    env: Option<String>,
    /// A dataset to apply (with what it needs); repeatable. Default: every dataset of --env.
    #[arg(long = "dataset", value_name = "NAME")]
    datasets: Vec<String>,
    /// insert-only, upsert or sync (sync deletes rows of owned datasets the files lack)
    /// [default: upsert].
    #[arg(long)]
    mode: Option<String>,
    /// The seed value of generated rows: the same value gives the same rows [default: 1].
    #[arg(long)]
    seed: Option<u64>,
    /// Rows of a generated dataset, as NAME=N; repeatable.
    #[arg(long = "count", value_name = "NAME=N")]
    counts: Vec<String>,
}

/// The form with the profile's values under the flags' and the defaults under both.
struct Resolved {
    environment: Environment,
    datasets: Vec<String>,
    mode: Mode,
    gen: GenOptions,
}

impl Form {
    fn resolve(&self, project: &Project, seeds: &Seeds) -> anyhow::Result<Resolved> {
        let profile = match &self.profile {
            Some(name) => {
                let p = seed_profiles::get(&project.root, name)?;
                p.check(name, seeds)?;
                p
            }
            None => SeedProfile::default(),
        };
        let environment = match &self.env {
            Some(e) => parse_env(e)?,
            None => profile.environment.unwrap_or(Environment::Development),
        };
        let mode = match &self.mode {
            Some(m) => Mode::parse(m)
                .with_context(|| format!("--mode {m}: use insert-only, upsert or sync"))?,
            None => profile.mode.unwrap_or(Mode::Upsert),
        };
        let datasets = if self.datasets.is_empty() {
            profile.datasets.clone()
        } else {
            self.datasets.clone()
        };
        let mut counts: BTreeMap<String, u64> = profile.counts.clone();
        for c in &self.counts {
            let (name, n) = c
                .split_once('=')
                .with_context(|| format!("--count {c}: write NAME=N, e.g. sample_orders=1000"))?;
            if seeds.get(name).is_none() {
                bail!("--count {c}: no dataset is named '{name}'");
            }
            let n: u64 = n
                .parse()
                .with_context(|| format!("--count {c}: '{n}' is not a row count"))?;
            counts.insert(name.to_owned(), n);
        }
        Ok(Resolved {
            environment,
            datasets,
            mode,
            gen: GenOptions {
                seed: self.seed.or(profile.seed).unwrap_or(1),
                counts,
            },
        })
    }
}

impl Resolved {
    fn options(&self) -> ApplyOptions {
        let mut o = ApplyOptions::new(self.environment, self.mode);
        o.datasets = self.datasets.clone();
        o.gen = self.gen.clone();
        o.connect_timeout = Duration::from_secs(15);
        o
    }
}

fn parse_env(s: &str) -> anyhow::Result<Environment> {
    Environment::parse(s)
        .with_context(|| format!("--env {s}: use development, testing, staging or production"))
}

fn load(project: &Path) -> anyhow::Result<(Project, Seeds)> {
    let project = Project::open(project)?;
    let seeds = Seeds::load(&project.seeds_dir)?;
    Ok((project, seeds))
}

pub fn run(project: &Path, command: SeedCommand, json: bool) -> anyhow::Result<()> {
    let (project, seeds) = load(project)?;
    match command {
        SeedCommand::List { env } => list(&seeds, env.as_deref().map(parse_env).transpose()?, json),
        SeedCommand::Preview { form, rows, url } => {
            let form = form.resolve(&project, &seeds)?;
            let tables = seed::preview(&seeds, form.environment, &form.datasets, &form.gen, rows)?;
            let summary = match url {
                Some(url) => {
                    let mut o = form.options();
                    o.dry_run = true;
                    o.confirmed_production = true; // nothing is changed
                    Some(apply(&url, &seeds, &o, &SecretMap::default(), json)?)
                }
                None => None,
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "tables": tables, "dryRun": summary })
                    )?
                );
                return Ok(());
            }
            for t in &tables {
                println!("{} → {} ({} rows)", t.dataset, t.table, t.total);
                println!("  {}", t.columns.join(" | "));
                for r in &t.rows {
                    let cells: Vec<&str> =
                        r.iter().map(|c| c.as_deref().unwrap_or("NULL")).collect();
                    println!("  {}", cells.join(" | "));
                }
            }
            if let Some(s) = summary {
                println!("dry run (rolled back):");
                print_counts(&s);
            }
            Ok(())
        }
        SeedCommand::Run {
            form,
            url,
            dry_run,
            confirm,
            secrets,
        } => {
            let mut o = form.resolve(&project, &seeds)?.options();
            o.dry_run = dry_run;
            if o.environment == Environment::Production {
                if confirm.as_deref() != Some("production") {
                    bail!(
                        "seeding production needs the typed confirmation: add --confirm production"
                    );
                }
                o.confirmed_production = true;
            }
            let mut map = SecretMap::default();
            for name in secrets {
                let var = format!("STRATA_SECRET_{}", name.to_ascii_uppercase());
                let value = std::env::var(&var).with_context(|| {
                    format!("--secret {name}: set the environment variable {var}")
                })?;
                map.0.insert(name, value);
            }
            let report = apply(&url, &seeds, &o, &map, json)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_counts(&report);
            }
            Ok(())
        }
    }
}

fn apply(
    url: &str,
    seeds: &Seeds,
    o: &ApplyOptions,
    secrets: &SecretMap,
    json: bool,
) -> anyhow::Result<ApplyReport> {
    let cancel = strata_core::lock::CancelToken::new();
    let mut o = o.clone();
    o.cancel = Some(cancel.clone());
    crate::db::runtime().block_on(async {
        let ctrl_c = async {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupted: rolling back the dataset being applied");
                cancel.cancel();
            }
            std::future::pending::<()>().await
        };
        let mut shown = String::new();
        let work = seed::apply(url, seeds, &o, secrets, |p| {
            if !json && p.done == p.total && p.dataset != shown {
                eprintln!("{}: {} rows", p.dataset, p.total);
                shown = p.dataset;
            }
        });
        tokio::select! {
            r = work => Ok(r?),
            () = ctrl_c => unreachable!("waits forever"),
        }
    })
}

fn print_counts(r: &ApplyReport) {
    println!(
        "{:<22} {:<16} {:>9} {:>9} {:>9} {:>9}",
        "dataset", "table", "inserted", "updated", "deleted", "unchanged"
    );
    for d in &r.datasets {
        let note = match d.outcome {
            Outcome::Unchanged => "  unchanged since the last run",
            Outcome::Applied => "",
        };
        println!(
            "{:<22} {:<16} {:>9} {:>9} {:>9} {:>9}{note}",
            d.dataset, d.table, d.inserted, d.updated, d.deleted, d.unchanged
        );
    }
    for p in &r.generated_passwords {
        // Shown once, on purpose: the run generated it and stored only its hash.
        println!(
            "generated password for {} ({}, {}): {}",
            p.key, p.dataset, p.column, p.password
        );
    }
}

fn list(seeds: &Seeds, env: Option<Environment>, json: bool) -> anyhow::Result<()> {
    let chosen: Vec<_> = seeds
        .datasets
        .iter()
        .filter(|d| env.is_none_or(|e| d.is_for(e)))
        .collect();
    if json {
        let rows: Vec<_> = chosen
            .iter()
            .map(|d| {
                serde_json::json!({
                    "dataset": d.name, "table": d.table, "environments": d.environments,
                    "dependsOn": d.needs(), "owned": d.owned, "rows": d.row_count(),
                    "key": d.key, "file": d.file, "description": d.description,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for d in chosen {
        let envs: Vec<&str> = d.environments.iter().map(|e| e.as_str()).collect();
        let owned = if d.owned { "  owned" } else { "" };
        println!(
            "{:<22} {:<16} {:>7} rows  {}{owned}",
            d.name,
            d.table,
            d.row_count(),
            envs.join(",")
        );
    }
    Ok(())
}
