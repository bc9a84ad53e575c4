//! Whole runs of the engine against real SQLite, PostgreSQL and MariaDB, through the `strata`
//! binary and through `strata_core::engine::run`: up → down → up gives back the same catalog, a
//! statement failing anywhere leaves an exact record, rollbacks run from the SQL stored at apply
//! time, and out-of-order or edited migrations are refused with the way out.
//!
//! Catalogs come from `strata_system_tests::catalog` (the engine's own system tables, as sorted
//! text). Every check names the engine, the migration version and, where one failed, the
//! statement.

use std::time::{Duration, Instant};

use serde_json::Value;
use strata_core::driver::Session;
use strata_core::engine::{self, EngineError};
use strata_core::executor::{Direction, RunError};
use strata_core::history::AppliedState;
use strata_core::plan::{PlanError, Target};
use strata_core::source::read_dir;
use strata_core::{DatabaseKind, MigrationSet};
use strata_system_tests::catalog::{events, history, scalar, Catalog};
use strata_system_tests::per_engine;
use strata_system_tests::repo_root;
use strata_system_tests::servers::{
    run_strata, run_to as run, strata_bin, TempProject, TestTarget,
};

const T: Duration = Duration::from_secs(15);

fn versions(set: &MigrationSet) -> Vec<String> {
    set.migrations
        .iter()
        .map(|m| m.version.as_str().to_owned())
        .collect()
}

/// Each migration's state in `strata status --json`, by version.
fn states(status: &Value) -> Vec<(String, String)> {
    status["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("status JSON has no entries: {status}"))
        .iter()
        .map(|e| {
            (
                e["version"].as_str().unwrap_or_default().to_owned(),
                e["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The line `strata status` prints for `version`.
fn status_line<'a>(text: &'a str, version: &str) -> &'a str {
    text.lines()
        .find(|l| l.split_whitespace().next() == Some(version))
        .unwrap_or_else(|| panic!("strata status printed no line for {version}:\n{text}"))
}

/// Events as `kind version outcome`, all from one run each: `expected` groups, in order.
fn assert_events(
    kind: DatabaseKind,
    events: &[strata_system_tests::catalog::EventRow],
    expected: &[Vec<String>],
) {
    let got: Vec<String> = events.iter().map(|e| e.short()).collect();
    let want: Vec<String> = expected.iter().flatten().cloned().collect();
    assert_eq!(got, want, "{kind}: the event log");
    let mut at = 0;
    for group in expected {
        let runs: std::collections::BTreeSet<&str> = events[at..at + group.len()]
            .iter()
            .map(|e| e.run_id.as_str())
            .collect();
        assert_eq!(
            runs.len(),
            1,
            "{kind}: events {at}.. should share one run id: {runs:?}"
        );
        at += group.len();
    }
    for e in events {
        assert!(
            e.actor.contains('@'),
            "{kind}: event {} has actor {:?}",
            e.short(),
            e.actor
        );
    }
}

fn each(kind: &str, versions: &[String], outcome: &str) -> Vec<String> {
    versions
        .iter()
        .map(|v| format!("{kind} {v} {outcome}"))
        .collect()
}

// 1. The demo project through the CLI on SQLite.

#[tokio::test]
async fn demo_project_round_trips_through_the_cli_on_sqlite() {
    let kind = DatabaseKind::Sqlite;
    let root = repo_root();
    let set = read_dir(&root.join("migrations"), None).expect("the demo migrations read");
    let all = versions(&set);
    assert!(
        all.len() >= 10,
        "the demo project has {} migrations",
        all.len()
    );
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let empty = Catalog::of(url).await;
    strata_bin(); // built before the clock starts

    let started = Instant::now();
    run_strata(&root, &["up", "--url", url]).success();
    let applied = Catalog::of(url).await;
    for table in ["users", "products", "orders", "order_items"] {
        assert!(
            applied.has("table", &format!("| {table} |")),
            "{kind}: demo up made no table {table}:\n{applied}"
        );
    }
    let status = run_strata(&root, &["status", "--url", url, "--json"])
        .success()
        .json();
    let entries = status["entries"].as_array().unwrap();
    assert_eq!(entries.len(), all.len(), "{kind}: {status}");
    for e in entries {
        let v = e["version"].as_str().unwrap();
        assert_eq!(e["state"], "applied", "{kind}: demo migration {v}: {e}");
        let by = e["applied"]["appliedBy"].as_str().unwrap_or_default();
        assert!(
            by.contains('@') && !by.starts_with('@') && !by.ends_with('@'),
            "{kind}: {v} applied by {by:?}"
        );
    }

    run_strata(&root, &["down", "--all", "--url", url]).success();
    empty.assert_same(&Catalog::of(url).await, "demo project after down --all");
    let status = run_strata(&root, &["status", "--url", url, "--json"])
        .success()
        .json();
    assert!(
        states(&status).iter().all(|(_, s)| s == "pending"),
        "{kind}: after down --all: {status}"
    );
    assert!(
        history(url).await.is_empty(),
        "{kind}: history after down --all"
    );

    run_strata(&root, &["up", "--url", url]).success();
    applied.assert_same(
        &Catalog::of(url).await,
        "demo project after up, down --all, up",
    );

    let reversed: Vec<String> = all.iter().rev().cloned().collect();
    assert_events(
        kind,
        &events(url).await,
        &[
            each("apply", &all, "ok"),
            each("rollback", &reversed, "ok"),
            each("apply", &all, "ok"),
        ],
    );
    println!(
        "demo project up/down/up through the CLI on SQLite: {:.2} s",
        started.elapsed().as_secs_f64()
    );
}

// 2. A fixture project per dialect: plan, up, down, up.

/// What a fixture's applied schema must hold, and a query that proves its code ran.
fn fixture_expectations(
    kind: DatabaseKind,
) -> (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    i64,
) {
    match kind {
        DatabaseKind::Postgres => (
            "postgres",
            &[
                ("type", "account_status"),
                ("routine", "touch_updated_at"),
                ("routine", "record_task_change"),
                ("trigger", "accounts_touch_updated_at"),
                ("trigger", "tasks_audit"),
                ("view", "open_tasks"),
                ("index", "tasks_title_lower_idx"),
                ("index", "tasks_open_by_project_idx"),
                ("constraint", "projects_account_id_fkey"),
            ],
            // Six inserts and two updates went through the audit trigger.
            "SELECT count(*) FROM task_audit",
            8,
        ),
        DatabaseKind::Mysql => (
            "mysql",
            &[
                ("routine", "recalc_order_total"),
                ("trigger", "order_lines_take_stock"),
                ("view", "customer_totals"),
                ("foreign", "order_lines_product_fk"),
                ("check", "orders_status_check"),
                ("index", "orders_status_total_idx"),
            ],
            // The procedure summed order 1's lines: 2 × 1999 + 150 × 29.
            "SELECT CAST(total_cents AS SIGNED) FROM orders WHERE id = 1 AND note = 'bulk order; check stock'",
            8348,
        ),
        DatabaseKind::Sqlite => (
            "sqlite",
            &[
                ("trigger", "books_touch_updated_at"),
                ("trigger", "loans_log_lent"),
                ("view", "book_list"),
                ("index", "books_isbn"),
                ("table", "book_tags"),
            ],
            // Both loan triggers fired.
            "SELECT count(*) FROM loan_log",
            2,
        ),
    }
}

async fn fixture_project_round_trips(kind: DatabaseKind) {
    let (dir, objects, proof, proof_value) = fixture_expectations(kind);
    let project = repo_root().join("tests/fixtures/projects").join(dir);
    let set = read_dir(&project.join("migrations"), None)
        .unwrap_or_else(|e| panic!("{kind}: the fixture project {}: {e}", project.display()));
    let all = versions(&set);
    assert!(
        all.len() >= 8,
        "{kind}: the fixture has {} migrations",
        all.len()
    );
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let empty = Catalog::of(url).await;

    // The plan before the first up: every step, and how each one runs.
    let plan = run_strata(&project, &["plan", "--url", url, "--json"])
        .success()
        .json();
    assert_eq!(plan["dryRun"], true, "{kind}: {plan}");
    let steps = plan["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{kind}: {plan}"));
    let planned: Vec<&str> = steps
        .iter()
        .map(|s| s["version"].as_str().unwrap())
        .collect();
    assert_eq!(planned, all, "{kind}: the plan's steps");
    let mut concurrently = 0;
    for s in steps {
        let v = s["version"].as_str().unwrap();
        let statements: Vec<&str> = s["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let notes: Vec<&str> = s["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let is_concurrent = statements.iter().any(|x| x.contains("CONCURRENTLY"));
        let want = kind != DatabaseKind::Mysql && !is_concurrent;
        assert_eq!(
            s["transactional"], want,
            "{kind}: plan of {v} ({statements:?}): transactional; notes {notes:?}"
        );
        if is_concurrent {
            concurrently += 1;
            assert!(
                notes.iter().any(|n| n.contains("outside a transaction") && n.contains("CREATE INDEX CONCURRENTLY")),
                "{kind}: plan of {v} has no note saying why it runs outside a transaction: {notes:?}"
            );
        }
        if kind == DatabaseKind::Mysql && s["name"] == "recalc_order_total_procedure" {
            assert_eq!(
                statements.len(),
                1,
                "{kind}: {v}: the procedure must be sent whole: {statements:?}"
            );
            assert!(
                statements[0].contains("DECLARE v_total") && statements[0].contains("END"),
                "{kind}: {v}: {statements:?}"
            );
        }
    }
    let want_concurrent = usize::from(kind == DatabaseKind::Postgres);
    assert_eq!(
        concurrently, want_concurrent,
        "{kind}: CONCURRENTLY steps in the plan"
    );
    // Planning read the database and changed nothing.
    let mut s = Session::connect(url, T).await.unwrap();
    assert!(
        !s.history_exists().await.unwrap(),
        "{kind}: `strata plan` created the history tables"
    );
    s.close().await;
    empty.assert_same(&Catalog::of(url).await, "after `strata plan`");

    let started = Instant::now();
    run_strata(&project, &["up", "--url", url]).success();
    let up1 = started.elapsed();
    let applied = Catalog::of(url).await;
    for (what, name) in objects {
        assert!(
            applied.has(what, name),
            "{kind}: after up there is no {what} {name}:\n{applied}"
        );
    }
    assert_eq!(scalar(url, proof).await, proof_value, "{kind}: {proof}");
    for h in history(url).await {
        assert_eq!(
            (h.state, h.statements_committed),
            (AppliedState::Applied, h.statements_total),
            "{kind}: history of {}",
            h.version
        );
    }
    if kind == DatabaseKind::Postgres {
        let valid = "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                     WHERE c.relname = 'tasks_title_lower_idx' AND i.indisvalid AND i.indisready";
        assert_eq!(
            scalar(url, valid).await,
            1,
            "{kind}: the concurrently built index is not valid"
        );
    }

    let started = Instant::now();
    run_strata(&project, &["down", "--all", "--url", url]).success();
    let down = started.elapsed();
    empty.assert_same(&Catalog::of(url).await, "fixture after down --all");

    let started = Instant::now();
    run_strata(&project, &["up", "--url", url]).success();
    let up2 = started.elapsed();
    applied.assert_same(&Catalog::of(url).await, "fixture after up, down --all, up");
    assert_eq!(
        scalar(url, proof).await,
        proof_value,
        "{kind}: {proof} after the second up"
    );

    let reversed: Vec<String> = all.iter().rev().cloned().collect();
    assert_events(
        kind,
        &events(url).await,
        &[
            each("apply", &all, "ok"),
            each("rollback", &reversed, "ok"),
            each("apply", &all, "ok"),
        ],
    );
    println!(
        "{kind} fixture ({} migrations): up {:.2} s, down {:.2} s, up {:.2} s",
        all.len(),
        up1.as_secs_f64(),
        down.as_secs_f64(),
        up2.as_secs_f64()
    );
}

per_engine!(fixture_project_round_trip, fixture_project_round_trips);

// 3. Five hundred generated migrations, in-process.

const GENERATED: usize = 500;

fn generated_table(i: usize) -> String {
    format!("gen_{i:04}")
}

/// Migration `i`: a table of six columns with a foreign key to table `i - 1`, an index, ten
/// rows. Its down part drops the index and the table.
fn generate(project: &TempProject, kind: DatabaseKind, n: usize) {
    for i in 1..=n {
        let t = generated_table(i);
        let fk = if i == 1 {
            String::new()
        } else {
            format!(
                ",\n    CONSTRAINT {t}_parent_fk FOREIGN KEY (parent_id) REFERENCES {} (id)",
                generated_table(i - 1)
            )
        };
        let rows: Vec<String> = (1..=10)
            .map(|r| {
                let parent = if i == 1 { "NULL".to_owned() } else { r.to_string() };
                format!("({r}, {parent}, 'c{i}-{r}', {r}.25, 'row {r} of {t}', '2024-01-01T00:00:{r:02}Z')")
            })
            .collect();
        let up = format!(
            "CREATE TABLE {t} (\n    id INTEGER NOT NULL PRIMARY KEY,\n    parent_id INTEGER,\n    code VARCHAR(32) NOT NULL,\n    amount NUMERIC(12, 2) NOT NULL DEFAULT 0,\n    note VARCHAR(200),\n    created_at VARCHAR(32) NOT NULL{fk}\n);\n\nCREATE INDEX {t}_code ON {t} (code);\n\nINSERT INTO {t} (id, parent_id, code, amount, note, created_at) VALUES\n    {};\n",
            rows.join(",\n    ")
        );
        let drop_index = match kind {
            DatabaseKind::Mysql => format!("DROP INDEX {t}_code ON {t}"),
            _ => format!("DROP INDEX {t}_code"),
        };
        let down = format!("{drop_index};\nDROP TABLE {t};\n");
        project.write(&format!("{i:04}"), &format!("create_{t}"), &up, Some(&down));
    }
}

async fn five_hundred_migrations(kind: DatabaseKind) {
    let project = TempProject::new();
    generate(&project, kind, GENERATED);
    let set = project.migrations();
    assert_eq!(set.migrations.len(), GENERATED);
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let empty = Catalog::of(url).await;

    let t = Instant::now();
    let report = run(url, &set, Target::Latest)
        .await
        .unwrap_or_else(|e| panic!("{kind}: up of {GENERATED} migrations failed: {e}"));
    let up1 = t.elapsed();
    assert_eq!(
        report.steps.len(),
        GENERATED,
        "{kind}: steps of the first up"
    );
    let t = Instant::now();
    let applied = Catalog::of(url).await;
    let catalog_time = t.elapsed();
    assert_eq!(
        applied.of_kind("table").len(),
        GENERATED,
        "{kind}: tables after up"
    );
    let fks = applied
        .lines
        .iter()
        .filter(|l| l.contains("_parent_fk"))
        .filter(|l| {
            l.starts_with(match kind {
                DatabaseKind::Sqlite => "table | ",
                _ => "constraint | ",
            })
        });
    assert_eq!(fks.count(), GENERATED - 1, "{kind}: foreign keys after up");
    let last = generated_table(GENERATED);
    let joined = format!(
        "SELECT COUNT(*) FROM {last} c JOIN {} p ON p.id = c.parent_id",
        generated_table(GENERATED - 1)
    );
    assert_eq!(scalar(url, &joined).await, 10, "{kind}: {joined}");

    let t = Instant::now();
    let report = run(url, &set, Target::Zero)
        .await
        .unwrap_or_else(|e| panic!("{kind}: down of {GENERATED} migrations failed: {e}"));
    let down = t.elapsed();
    assert_eq!(
        report.steps.len(),
        GENERATED,
        "{kind}: steps of down to zero"
    );
    empty.assert_same(
        &Catalog::of(url).await,
        &format!("{GENERATED} migrations rolled back"),
    );
    assert!(
        history(url).await.is_empty(),
        "{kind}: history after down to zero"
    );

    let t = Instant::now();
    run(url, &set, Target::Latest)
        .await
        .unwrap_or_else(|e| panic!("{kind}: second up of {GENERATED} migrations failed: {e}"));
    let up2 = t.elapsed();
    applied.assert_same(
        &Catalog::of(url).await,
        &format!("{GENERATED} migrations: up, down, up"),
    );
    let h = history(url).await;
    assert_eq!(h.len(), GENERATED, "{kind}: history rows");
    assert!(
        h.iter()
            .all(|r| r.state == AppliedState::Applied && r.statements_committed == 3),
        "{kind}: history states"
    );
    println!(
        "{kind}: {GENERATED} migrations: up {:.1} s, down {:.1} s, up again {:.1} s (catalog read {:.2} s)",
        up1.as_secs_f64(),
        down.as_secs_f64(),
        up2.as_secs_f64(),
        catalog_time.as_secs_f64()
    );
}

per_engine!(five_hundred_generated_migrations, five_hundred_migrations);

// 4. A failure at every statement, up and down.

fn four_up(_kind: DatabaseKind) -> Vec<String> {
    vec![
        "CREATE TABLE f_one (id INTEGER PRIMARY KEY, label VARCHAR(20))".into(),
        "INSERT INTO f_one (id, label) VALUES (1, 'one')".into(),
        "CREATE TABLE f_two (id INTEGER PRIMARY KEY, one_id INTEGER, note VARCHAR(40), CONSTRAINT f_two_one_fk FOREIGN KEY (one_id) REFERENCES f_one (id))".into(),
        "CREATE INDEX f_two_note ON f_two (note)".into(),
    ]
}

fn four_down(kind: DatabaseKind) -> Vec<String> {
    vec![
        match kind {
            DatabaseKind::Mysql => "DROP INDEX f_two_note ON f_two".into(),
            _ => "DROP INDEX f_two_note".into(),
        },
        "DROP TABLE f_two".into(),
        "DELETE FROM f_one".into(),
        "DROP TABLE f_one".into(),
    ]
}

fn sql_of(statements: &[String]) -> String {
    statements.iter().map(|s| format!("{s};\n")).collect()
}

/// A database with migration 1 applied and migration 2 (four statements) on disk; with `down`
/// failing, 2 is applied too.
async fn failure_setup(
    kind: DatabaseKind,
    direction: Direction,
    k: usize,
) -> (TestTarget, TempProject, Vec<String>) {
    let project = TempProject::new();
    project.write(
        "1",
        "base",
        "CREATE TABLE base (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE base;\n"),
    );
    let (mut up, mut down) = (four_up(kind), four_down(kind));
    let failing = match direction {
        Direction::Up => &mut up,
        Direction::Down => &mut down,
    };
    failing[k - 1] = match direction {
        Direction::Up => format!("INSERT INTO missing_table_{k} (id) VALUES (1)"),
        Direction::Down => format!("DELETE FROM missing_table_{k}"),
    };
    let statements = failing.clone();
    project.write("2", "four_statements", &sql_of(&up), Some(&sql_of(&down)));
    let target = TestTarget::create(kind).await;
    let upto = match direction {
        Direction::Up => "1",
        Direction::Down => "2",
    };
    let set = project.migrations();
    let v = engine::parse_version(&set, upto).unwrap();
    run(target.url(), &set, Target::UpTo(v))
        .await
        .unwrap_or_else(|e| panic!("{kind}: applying up to {upto} before the failure: {e}"));
    (target, project, statements)
}

async fn failure_at_each_statement(kind: DatabaseKind) {
    for direction in [Direction::Up, Direction::Down] {
        for k in 1..=4usize {
            let (target, project, statements) = failure_setup(kind, direction, k).await;
            let url = target.url();
            let what = format!(
                "{kind}: {direction:?} of 2 failing at statement {k} ({})",
                statements[k - 1]
            );
            let catalog = Catalog::of(url).await;
            let before = history(url).await;
            let events_before = events(url).await.len();
            let set = project.migrations();
            let goal = match direction {
                Direction::Up => Target::Latest,
                Direction::Down => Target::DownSteps(1),
            };
            let err = run(url, &set, goal)
                .await
                .err()
                .unwrap_or_else(|| panic!("{what}: the run succeeded"));
            let text = err.to_string();
            let EngineError::Run(run_err) = &err else {
                panic!("{what}: not a run error: {err:?}")
            };
            let RunError::Statement {
                version,
                index,
                total,
                record,
                message,
                direction: d,
                ..
            } = &**run_err
            else {
                panic!("{what}: not a statement error: {run_err:?}")
            };
            assert_eq!(
                (version.as_str(), *index, *total, *d),
                ("2", k as u32, 4, direction),
                "{what}: {text}"
            );
            assert!(
                message.contains(&format!("missing_table_{k}")),
                "{what}: the server's message: {message}"
            );
            let part = if direction == Direction::Up {
                "up"
            } else {
                "down"
            };
            assert!(
                text.contains(&format!("2_four_statements.{part}.sql:{k}:")),
                "{what}: the error names no file:line: {text}"
            );
            let new_events: Vec<_> = events(url).await.into_iter().skip(events_before).collect();
            assert_eq!(
                new_events.len(),
                1,
                "{what}: events written by the failed run: {new_events:?}"
            );
            let ev = &new_events[0];
            let ev_kind = if direction == Direction::Up {
                "apply"
            } else {
                "rollback"
            };
            assert!(
                ev.error
                    .as_deref()
                    .is_some_and(|e| e.contains(&format!("statement {k} of 4"))),
                "{what}: the event's error: {ev:?}"
            );
            let after = history(url).await;
            if kind != DatabaseKind::Mysql {
                // One transaction: nothing happened, except the failure in the log.
                assert!(
                    record.rolled_back && record.committed.is_empty(),
                    "{what}: {record:?}"
                );
                assert!(text.contains("Nothing was committed"), "{what}: {text}");
                catalog.assert_same(
                    &Catalog::of(url).await,
                    &format!("{what}: after the failure"),
                );
                assert_eq!(after, before, "{what}: the history changed");
                assert_eq!(ev.short(), format!("{ev_kind} 2 failed"), "{what}");
                continue;
            }
            // MariaDB commits each DDL statement: the journal says exactly which did.
            // A run of data changes commits once: a failure inside it rolls back its earlier
            // statements too, so the journal ends before the run.
            let c = committed_before(&statements, k);
            let committed: Vec<u32> = (1..=c as u32).collect();
            assert!(!record.rolled_back, "{what}: {record:?}");
            assert_eq!(record.committed, committed, "{what}: committed statements");
            if c == 0 {
                assert!(
                    text.contains("No statement had committed"),
                    "{what}: {text}"
                );
                assert_eq!(ev.short(), format!("{ev_kind} 2 failed"), "{what}");
                assert_eq!(ev.detail, None, "{what}");
                assert_eq!(
                    after, before,
                    "{what}: nothing committed, yet the history changed"
                );
                continue;
            }
            let list: Vec<String> = committed.iter().map(u32::to_string).collect();
            let sentence = format!("Statements {} committed", list.join(", "));
            assert!(
                text.contains(&sentence),
                "{what}: the error should say '{sentence}': {text}"
            );
            assert_eq!(ev.short(), format!("{ev_kind} 2 partial"), "{what}");
            let sent = match direction {
                Direction::Up => four_up(kind),
                Direction::Down => four_down(kind),
            };
            let detail: Vec<String> = (1..=c).map(|i| format!("{i}: {}", sent[i - 1])).collect();
            assert_eq!(
                ev.detail.as_deref(),
                Some(format!("committed statements:\n{}", detail.join("\n")).as_str()),
                "{what}: the event's list of committed statements"
            );
            let row = after
                .iter()
                .find(|h| h.version == "2")
                .unwrap_or_else(|| panic!("{what}: no history row for 2: {after:?}"));
            let state = if direction == Direction::Up {
                AppliedState::Partial
            } else {
                AppliedState::PartialRollback
            };
            assert_eq!(
                (row.state, row.statements_committed, row.statements_total),
                (state, c as i32, 4),
                "{what}: the history row of 2"
            );
            // What committed is really there (or gone).
            let exists = |table: &str| {
                let sql = format!("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'");
                async move { scalar(url, &sql).await == 1 }
            };
            let (one, two) = (exists("f_one").await, exists("f_two").await);
            let want = match direction {
                Direction::Up => (k > 1, k > 3),
                Direction::Down => (true, k <= 2),
            };
            assert_eq!((one, two), want, "{what}: (f_one, f_two) exist");
            // The next run refuses to go on past a partial migration, and says how far it got.
            let next = run(url, &set, Target::Latest)
                .await
                .err()
                .unwrap_or_else(|| panic!("{what}: the next up ran"));
            // A failed apply leaves a partial migration, a failed rollback a partial rollback,
            // and the refusal says which.
            let (version, detail, statements) = match (&next, direction) {
                (EngineError::Plan(PlanError::Partial { version, detail }), Direction::Up) => {
                    (version, detail, "statements")
                }
                (
                    EngineError::Plan(PlanError::PartialRollback { version, detail }),
                    Direction::Down,
                ) => (version, detail, "down statements"),
                _ => panic!("{what}: the next run should refuse a partial migration: {next}"),
            };
            assert_eq!(
                (version.as_str(), detail.as_str()),
                ("2", format!("{c} of 4 {statements} committed").as_str()),
                "{what}: {next}"
            );
        }
    }
}

per_engine!(failure_at_any_statement, failure_at_each_statement);

/// MariaDB: how many of `statements` commit when statement `k` (1-based), a data change,
/// fails: those before the run of data changes that `k` ends.
fn committed_before(statements: &[String], k: usize) -> usize {
    let data_change = |s: &String| {
        let first = s
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        ["INSERT", "UPDATE", "DELETE", "REPLACE"].contains(&first.as_str())
    };
    let mut first = k - 1;
    while first > 0 && data_change(&statements[first - 1]) {
        first -= 1;
    }
    first
}

// 5. Rollback from the SQL stored at apply time.

fn two_tables(project: &TempProject) {
    project.write(
        "1",
        "create_a",
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name VARCHAR(50));\n",
        Some("DROP TABLE a;\n"),
    );
    project.write(
        "2",
        "create_b",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER);\nCREATE INDEX b_a_id ON b (a_id);\n",
        Some("DROP TABLE b;\n"),
    );
}

async fn rollback_from_stored_sql(kind: DatabaseKind) {
    let project = TempProject::new();
    two_tables(&project);
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let cli = |args: &[&str]| project.strata(&[args, &["--url", url]].concat());
    cli(&["up", "--to", "1"]).success();
    let with_a = Catalog::of(url).await;
    cli(&["up"]).success();
    let with_b = Catalog::of(url).await;
    assert!(with_b.has("table", "b"), "{kind}: up made no table b");

    // The files of 2 are gone: status says so, and down still works from the history.
    project.remove("2", "create_b");
    let text = cli(&["status"]).success().stdout;
    assert!(
        status_line(&text, "2").contains("missing file"),
        "{kind}: status of 2 with its files deleted:\n{text}"
    );
    let json = cli(&["status", "--json"]).success().json();
    assert!(
        states(&json).contains(&("2".into(), "missingFile".into())),
        "{kind}: {json}"
    );
    let plan = cli(&["down", "--dry-run", "--json"]).success().json();
    assert_eq!(
        plan["steps"][0]["statements"],
        serde_json::json!(["DROP TABLE b"]),
        "{kind}: the planned rollback of 2: {plan}"
    );
    cli(&["down"]).success();
    with_a.assert_same(
        &Catalog::of(url).await,
        "rolled back 2 with its files deleted",
    );
    let left: Vec<String> = history(url).await.into_iter().map(|h| h.version).collect();
    assert_eq!(
        left,
        ["1"],
        "{kind}: history after rolling back 2 without its files"
    );

    // The down file was edited after 2 was applied: the stored SQL runs, and the plan says so.
    two_tables(&project);
    cli(&["up"]).success();
    std::fs::write(
        project.file("2", "create_b", "down"),
        "DROP TABLE no_such_table_edited_later;\n",
    )
    .unwrap();
    let plan = cli(&["down", "--dry-run", "--json"]).success().json();
    let step = &plan["steps"][0];
    assert_eq!(
        step["statements"],
        serde_json::json!(["DROP TABLE b"]),
        "{kind}: rollback of 2 after its down file was edited: {plan}"
    );
    assert!(
        step["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("differs from the down SQL stored")),
        "{kind}: no note that the down file of 2 differs from the stored SQL: {plan}"
    );
    cli(&["down"]).success();
    with_a.assert_same(
        &Catalog::of(url).await,
        "rolled back 2 after its down file was edited",
    );

    // Only the down file is gone: still reversible.
    two_tables(&project);
    cli(&["up"]).success();
    std::fs::remove_file(project.file("2", "create_b", "down")).unwrap();
    cli(&["down"]).success();
    with_a.assert_same(
        &Catalog::of(url).await,
        "rolled back 2 after its down file was deleted",
    );

    let rollbacks: Vec<String> = events(url)
        .await
        .iter()
        .filter(|e| e.kind == "rollback")
        .map(|e| e.short())
        .collect();
    assert_eq!(
        rollbacks,
        vec!["rollback 2 ok"; 3],
        "{kind}: rollback events"
    );
}

per_engine!(rollback_runs_the_stored_sql, rollback_from_stored_sql);

// 6. Out-of-order and modified migrations are refused with the way out.

async fn refusals(kind: DatabaseKind) {
    let project = TempProject::new();
    let table = |n: &str| format!("CREATE TABLE t{n} (id INTEGER PRIMARY KEY);\n");
    let drop = |n: &str| format!("DROP TABLE t{n};\n");
    for v in ["1", "3"] {
        project.write(v, &format!("create_t{v}"), &table(v), Some(&drop(v)));
    }
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let cli = |args: &[&str]| project.strata(&[args, &["--url", url]].concat());
    cli(&["up"]).success();

    // 2 arrives from a parallel branch after 3 was applied.
    project.write("2", "create_t2", &table("2"), Some(&drop("2")));
    let text = cli(&["status"]).success().stdout;
    assert!(
        status_line(&text, "2").contains("out of order"),
        "{kind}: status of 2:\n{text}"
    );
    let catalog = Catalog::of(url).await;
    let before = history(url).await;
    let refused = cli(&["up"]);
    assert_eq!(
        refused.code,
        Some(3),
        "{kind}: up with 2 out of order should be refused:\n{}",
        refused.output()
    );
    assert!(
        refused.stderr.contains("--allow-out-of-order") && refused.stderr.contains('2'),
        "{kind}: the refusal should name 2 and --allow-out-of-order:\n{}",
        refused.output()
    );
    catalog.assert_same(&Catalog::of(url).await, "refused out-of-order up");
    assert_eq!(
        history(url).await,
        before,
        "{kind}: a refused up changed the history"
    );
    cli(&["up", "--allow-out-of-order"]).success();
    let applied: Vec<String> = history(url).await.into_iter().map(|h| h.version).collect();
    assert_eq!(
        applied,
        ["1", "2", "3"],
        "{kind}: after up --allow-out-of-order"
    );
    assert!(
        Catalog::of(url).await.has("table", "t2"),
        "{kind}: 2 was not applied"
    );

    // 1 is edited after it was applied, and 4 is new: nothing runs until the edit is settled.
    project.write(
        "1",
        "create_t1",
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY, added INTEGER);\n",
        None,
    );
    project.write("4", "create_t4", &table("4"), Some(&drop("4")));
    let text = cli(&["status"]).success().stdout;
    assert!(
        status_line(&text, "1").contains("modified"),
        "{kind}: status of the edited 1:\n{text}"
    );
    let json = cli(&["status", "--json"]).success().json();
    assert!(
        states(&json).contains(&("1".into(), "modified".into())),
        "{kind}: {json}"
    );
    let catalog = Catalog::of(url).await;
    let refused = cli(&["up"]);
    assert_eq!(
        refused.code,
        Some(3),
        "{kind}: up with 1 modified should be refused:\n{}",
        refused.output()
    );
    assert!(
        refused.stderr.contains("strata repair") && refused.stderr.contains('1'),
        "{kind}: the refusal should name 1 and `strata repair`:\n{}",
        refused.output()
    );
    catalog.assert_same(
        &Catalog::of(url).await,
        "refused up with a modified migration",
    );
    assert_eq!(
        history(url).await.len(),
        3,
        "{kind}: 4 was applied despite the modified 1"
    );
}

per_engine!(out_of_order_and_modified_are_refused, refusals);
