//! `strata schema show | preview | drift | compare | generate | test-rollback`: the Schema
//! screen's actions as subcommands. The work is `strata_core::schema`'s; this file only reads
//! arguments and prints. When differences are found (drift, two databases that differ, a
//! rollback that does not restore) it exits with [`DIFFERENCES`], so a pipeline can tell them
//! apart from an error (1).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::bail;
use clap::Subcommand;
use serde_json::json;
use strata_core::schema::at_version::compare_at;
use strata_core::schema::compare::{compare, generate_migration, script, Comparison};
use strata_core::schema::diff::{diff, SchemaDiff};
use strata_core::schema::drift::drift;
use strata_core::schema::introspect::introspect_url;
use strata_core::schema::model::{Column, IndexPart, Schema, Table};
use strata_core::schema::preview::{preview, PreviewMethod};
use strata_core::schema::roundtrip::{test_rollback, RoundTripReport};
use strata_project::Project;

use crate::db::{runtime, DbArgs};

/// The exit code when the command worked and found differences.
pub const DIFFERENCES: i32 = 6;

/// The exit codes, as `strata schema --help` prints them.
pub const EXIT_CODES: &str = "Exit codes: 0 the command worked and found no difference (show, preview and generate \
exit 0 whenever they work); 6 drift was found, the two databases differ, or a rollback did not restore the schema; \
1 an error (connection, bad input, a migration that does not replay or apply); 2 wrong arguments.";

#[derive(Subcommand)]
pub enum SchemaCommand {
    /// Print a database's schema as an object tree: tables with their columns, keys, indexes,
    /// foreign keys, checks and triggers; views, sequences, enum types, routines.
    #[command(after_help = EXIT_CODES)]
    Show {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Show what the pending migrations would change, as a diff, without changing anything.
    #[command(after_help = EXIT_CODES)]
    Preview {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Compare the database with the schema its applied migrations build (replayed in a
    /// scratch database); exit 6 when something was changed outside migrations.
    #[command(after_help = EXIT_CODES)]
    Drift {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Compare database A (--url) with database B (--with), or with the schema the project's
    /// migrations build up to and including a version (--at-version, replayed in a scratch
    /// database beside A), and print the SQL that makes B like A; exit 6 when they differ.
    #[command(after_help = EXIT_CODES)]
    Compare {
        #[command(flatten)]
        db: DbArgs,
        /// Database B: postgres://…, mysql://… or sqlite:path, the same engine as A.
        #[arg(
            long = "with",
            value_name = "URL",
            required_unless_present = "at_version",
            conflicts_with = "at_version"
        )]
        with: Option<String>,
        /// B is the schema at this migration of the project (e.g. 20240115103000): its
        /// versioned migrations up to it, then its repeatable ones, replayed from their files.
        #[arg(long, value_name = "VERSION")]
        at_version: Option<String>,
    },
    /// Write a new migration pair whose up part makes B (--with) like A (--url) and whose down
    /// part takes B back; print the two paths.
    #[command(after_help = EXIT_CODES)]
    Generate {
        /// What the migration does, e.g. "match production" (becomes match_production).
        name: String,
        #[command(flatten)]
        db: DbArgs,
        /// Database B: the one the migration will change.
        #[arg(long = "with", value_name = "URL")]
        with: String,
    },
    /// Apply, roll back and apply again each migration with a down part (or only --version)
    /// in a scratch database beside --url, and report every object down did not restore;
    /// exit 6 when one did not.
    #[command(after_help = EXIT_CODES)]
    TestRollback {
        #[command(flatten)]
        db: DbArgs,
        /// Test only this migration (those before it are applied first).
        #[arg(long)]
        version: Option<String>,
    },
}

fn print_json(value: serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

pub fn run(project: &Path, command: SchemaCommand, json: bool) -> anyhow::Result<()> {
    let rt = runtime();
    let found = match command {
        SchemaCommand::Show { db } => {
            let schema = rt.block_on(introspect_url(&db.url))?;
            if json {
                print_json(serde_json::to_value(&schema)?)?;
            } else {
                print!("{}", tree(&schema));
            }
            false
        }
        SchemaCommand::Preview { db } => {
            let set = crate::migrations(project)?;
            let p = rt.block_on(preview(&db.url, &set))?;
            let d = diff(&p.before, &p.after);
            if json {
                print_json(json!({ "method": p.method, "pending": p.pending, "diff": d }))?;
            } else {
                let how = match &p.method {
                    PreviewMethod::Transactional => "in a transaction, rolled back".to_owned(),
                    PreviewMethod::Scratch { reason } => format!("in a scratch database: {reason}"),
                };
                println!("{} pending migration(s), previewed {how}", p.pending.len());
                print_diff(&d, "The pending migrations change nothing in the schema.");
            }
            false
        }
        SchemaCommand::Drift { db } => {
            let set = crate::migrations(project)?;
            let report = rt.block_on(drift(&db.url, &set))?;
            if json {
                print_json(serde_json::to_value(&report)?)?;
            } else {
                println!(
                    "{}: {} applied migration(s) replayed in a scratch database",
                    report.target,
                    report.replayed.len()
                );
                print_diff(
                    &report.diff,
                    "No drift: the schema is what the migrations made it.",
                );
            }
            !report.is_clean()
        }
        SchemaCommand::Compare {
            db,
            with,
            at_version,
        } => {
            let c = match (with, at_version) {
                (Some(with), _) => rt.block_on(compare(&db.url, &with))?,
                (None, Some(v)) => {
                    let set = crate::migrations(project)?;
                    let (c, at) = rt.block_on(compare_at(&db.url, &set, &v))?;
                    if !json {
                        println!(
                            "The {} of {} migration(s) was built in a scratch database.",
                            at.label(),
                            at.replayed.len()
                        );
                    }
                    c
                }
                (None, None) => {
                    bail!("name database B with --with URL, or a version with --at-version V")
                }
            };
            if json {
                print_json(serde_json::to_value(&c)?)?;
            } else {
                print_comparison(&c);
            }
            !c.is_empty()
        }
        SchemaCommand::Generate { name, db, with } => {
            let p = Project::open(project)?;
            let c = rt.block_on(compare(&db.url, &with))?;
            if c.is_empty() {
                bail!(
                    "{} and {} have the same schema: there is nothing to generate, and no file was written.",
                    c.target_a,
                    c.target_b
                );
            }
            let made = generate_migration(
                &p.migrations_dir,
                p.settings.project.layout,
                c.a.kind,
                &name,
                &script(&c.up),
                &script(&c.down),
            )?;
            if json {
                print_json(serde_json::to_value(&made)?)?;
            } else {
                println!("created {}", made.up_path.display());
                println!("created {}", made.down_path.display());
                println!("Review both files before applying them.");
            }
            false
        }
        SchemaCommand::TestRollback { db, version } => {
            let set = crate::migrations(project)?;
            let report = rt.block_on(test_rollback(&db.url, &set, version.as_deref()))?;
            if json {
                print_json(serde_json::to_value(&report)?)?;
            } else {
                print_roundtrip(&report);
            }
            !report.is_clean()
        }
    };
    if found {
        std::process::exit(DIFFERENCES);
    }
    Ok(())
}

fn print_diff(d: &SchemaDiff, none: &str) {
    if d.is_empty() {
        println!("{none}");
    } else {
        let s = d.summary();
        println!(
            "{} added, {} removed, {} changed:",
            s.added, s.removed, s.changed
        );
        print!("{}", d.to_text());
    }
}

fn print_comparison(c: &Comparison) {
    println!("A: {}\nB: {}", c.target_a, c.target_b);
    print_diff(&c.diff, "A and B have the same schema.");
    if !c.up.is_empty() {
        println!("\n-- The SQL that makes B like A:");
        for s in &c.up {
            println!("{};", s.trim_end().trim_end_matches(';'));
        }
    }
}

fn print_roundtrip(r: &RoundTripReport) {
    for s in &r.steps {
        let verdict = if s.is_clean() { "ok" } else { "FAILED" };
        println!("{verdict:<6} {}  {}", s.version, s.name);
        if let Some(e) = &s.down_failed {
            println!("       down failed: {e}");
        }
        if let Some(d) = s.not_restored.as_ref().filter(|d| !d.is_empty()) {
            println!("       down did not restore (before up → after down):");
            for line in d.to_text().lines() {
                println!("         {line}");
            }
        }
        if let Some(e) = &s.up_again_failed {
            println!("       up again failed: {e}");
        }
        if let Some(d) = &s.up_again_differs {
            println!("       up again gave a different schema (after up → after up again):");
            for line in d.to_text().lines() {
                println!("         {line}");
            }
        }
    }
    for u in &r.untested {
        println!("skip   {}  {}: {}", u.version, u.name, u.reason);
    }
    if let Some(v) = &r.stopped_after {
        println!("Stopped after {v}: what follows could not be tested.");
    }
    let bad = r.steps.iter().filter(|s| !s.is_clean()).count();
    println!(
        "{} migration(s) tested, {bad} did not round-trip.",
        r.steps.len()
    );
}

/// The schema as an indented object tree.
pub fn tree(schema: &Schema) -> String {
    let mut out = String::new();
    for ns in schema.namespaces.values() {
        let _ = writeln!(out, "{} {}", schema.kind, ns.name);
        for t in ns.tables.values() {
            table(&mut out, t);
        }
        for v in ns.views.values() {
            let what = if v.materialized {
                "materialized view"
            } else {
                "view"
            };
            let _ = writeln!(out, "  {what} {}", v.name);
        }
        for s in ns.sequences.values() {
            let _ = writeln!(out, "  sequence {} {}", s.name, s.data_type);
        }
        for e in ns.enums.values() {
            let _ = writeln!(out, "  enum type {} ({})", e.name, e.values.join(", "));
        }
        for r in ns.routines.values() {
            let _ = writeln!(out, "  routine {}", r.name);
        }
    }
    out
}

fn column(c: &Column) -> String {
    let mut s = format!("{} {}", c.name, c.data_type);
    if !c.nullable {
        s.push_str(" not null");
    }
    if let Some(d) = &c.default {
        let _ = write!(s, " default {d}");
    }
    if let Some(g) = &c.generated {
        let _ = write!(s, " generated as ({})", g.expression);
    }
    if let Some(i) = c.identity {
        let _ = write!(s, " identity {i:?}");
    }
    if let Some(u) = &c.on_update {
        let _ = write!(s, " on update {u}");
    }
    s
}

fn table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "  table {}", t.name);
    for c in &t.columns {
        let _ = writeln!(out, "    column {}", column(c));
    }
    if let Some(pk) = &t.primary_key {
        let _ = writeln!(out, "    primary key ({})", pk.columns.join(", "));
    }
    for u in t.uniques.values() {
        let _ = writeln!(out, "    unique {} ({})", u.name, u.columns.join(", "));
    }
    for ix in t.indexes.values() {
        let parts: Vec<String> = (ix.parts.iter())
            .map(|p| match p {
                IndexPart::Column { name, .. } => name.clone(),
                IndexPart::Expression { expression, .. } => format!("({expression})"),
            })
            .collect();
        let unique = if ix.unique { "unique " } else { "" };
        let _ = writeln!(out, "    {unique}index {} ({})", ix.name, parts.join(", "));
    }
    for fk in t.foreign_keys.values() {
        let _ = writeln!(
            out,
            "    foreign key {} ({}) → {} ({}) on delete {}",
            fk.name,
            fk.columns.join(", "),
            fk.referenced_table,
            fk.referenced_columns.join(", "),
            fk.on_delete.sql()
        );
    }
    for c in t.checks.values() {
        let _ = writeln!(out, "    check {} ({})", c.name, c.expression);
    }
    for tr in t.triggers.values() {
        let _ = writeln!(out, "    trigger {}", tr.name);
    }
}
