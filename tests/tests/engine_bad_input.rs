//! Bad input, each met with a precise error while the database and its history stay
//! consistent: broken migration folders (unparseable names, duplicate versions, a down without
//! an up, an empty file, invalid UTF-8) refuse before anything is touched; a history written by
//! a newer Strata is refused with the way out; a connection lost in the middle of a migration
//! (PostgreSQL: `pg_terminate_backend`, MariaDB: `KILL CONNECTION`) and a full disk (SQLite,
//! `PRAGMA max_page_count`) leave a history that says exactly what committed.
//!
//! An SQL error at each statement of a migration, up and down, on every engine is
//! `engine_runs.rs` (`failure_at_each_statement`); here it is checked once through the CLI.

use std::time::{Duration, Instant};

use strata_core::history::AppliedState;
use strata_core::plan::{MigrationState, Target};
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{events, history, scalar};
use strata_system_tests::per_engine;
use strata_system_tests::servers::{
    exec, expect_states, has_table, run_to, states, up, TempProject, TestTarget,
};

/// A project with `1_base` applied to a fresh database of `kind`.
async fn applied_base(kind: DatabaseKind) -> (TestTarget, TempProject) {
    let target = TestTarget::create(kind).await;
    let p = TempProject::new();
    p.write(
        "1",
        "base",
        "CREATE TABLE base (id INT PRIMARY KEY);\n",
        Some("DROP TABLE base;\n"),
    );
    p.strata(&["up", "--url", target.url()]).success();
    (target, p)
}

fn versions(rows: &[strata_core::history::AppliedMigration]) -> Vec<&str> {
    rows.iter().map(|a| a.version.as_str()).collect()
}

/// Each broken folder: its files (added to a project with 1 applied) and what the error says.
type Case = (
    &'static [(&'static str, &'static [u8])],
    &'static [&'static str],
);

const BROKEN: &[Case] = &[
    (
        &[("notes.sql", b"CREATE TABLE bad_a (id INT);")],
        &[
            "notes.sql: the name does not end in .up.sql or .down.sql",
            "Rename it to <version>_<name>.up.sql",
        ],
    ),
    (
        &[
            ("2_first.up.sql", b"CREATE TABLE bad_a (id INT);"),
            ("02_second.up.sql", b"CREATE TABLE bad_b (id INT);"),
        ],
        &[
            "is used twice",
            "2_first.up.sql",
            "02_second.up.sql",
            "Give one of them a new version",
        ],
    ),
    (
        &[("3_undo.down.sql", b"DROP TABLE base;")],
        &[
            "3_undo.down.sql: a down part without its up part",
            "Add",
            "3_undo.up.sql",
        ],
    ),
    (
        &[("4_blank.up.sql", b"")],
        &["4_blank.up.sql is empty: write the migration's SQL or delete the file"],
    ),
    (
        &[(
            "5_latin1.up.sql",
            b"CREATE TABLE bad_a (id INT);\nINSERT INTO bad_a VALUES (1); -- caf\xe9\n",
        )],
        &[
            "5_latin1.up.sql:2: the byte 0xE9 at offset",
            "is not valid UTF-8",
            "save the file as UTF-8",
        ],
    ),
];

async fn broken_folders_change_nothing(kind: DatabaseKind) {
    let (target, p) = applied_base(kind).await;
    let url = target.url();
    let events_before = events(url).await.len();
    for (files, needles) in BROKEN {
        for (name, bytes) in *files {
            std::fs::write(p.migrations_dir().join(name), bytes).unwrap();
        }
        for args in [
            &["up", "--url", url][..],
            &["status", "--url", url],
            &["validate"],
        ] {
            let run = p.strata(args);
            assert_eq!(run.code, Some(1), "{kind}: {}", run.output());
            for needle in *needles {
                assert!(
                    run.stderr.contains(needle),
                    "{kind}: no {needle:?} in\n{}",
                    run.output()
                );
            }
        }
        assert_eq!(versions(&history(url).await), ["1"], "{kind}: {files:?}");
        assert_eq!(events(url).await.len(), events_before, "{kind}: {files:?}");
        assert!(!has_table(url, "bad_a").await, "{kind}: {files:?}");
        for (name, _) in *files {
            std::fs::remove_file(p.migrations_dir().join(name)).unwrap();
        }
    }
    // With the folder fixed, the project runs again.
    p.strata(&["up", "--url", url]).success();
}

per_engine!(broken_folders, broken_folders_change_nothing);

async fn newer_history_is_refused(kind: DatabaseKind) {
    let (target, p) = applied_base(kind).await;
    let url = target.url();
    exec(url, &["UPDATE strata_meta SET value = '2'"]).await;
    p.write("2", "next", "CREATE TABLE next_t (id INT);\n", None);
    let events_before = events(url).await.len();
    for args in [&["up", "--url", url][..], &["status", "--url", url]] {
        let run = p.strata(args);
        assert_eq!(run.code, Some(1), "{kind}: {}", run.output());
        assert!(
            run.stderr
                .contains("holds history format 2, written by a newer Strata")
                && run.stderr.contains("Upgrade Strata; nothing was changed"),
            "{kind}: {}",
            run.output()
        );
    }
    assert!(!has_table(url, "next_t").await, "{kind}");
    assert_eq!(events(url).await.len(), events_before, "{kind}");
    let marker = "SELECT COUNT(*) FROM strata_meta WHERE value = '2'";
    assert_eq!(
        scalar(url, marker).await,
        1,
        "{kind}: the marker was rewritten"
    );
}

per_engine!(a_history_from_a_newer_strata, newer_history_is_refused);

/// An SQL error through the `strata` command: exit code 5, the file, line and statement.
#[tokio::test]
async fn an_sql_error_names_file_line_and_statement() {
    let (target, p) = applied_base(DatabaseKind::Sqlite).await;
    let url = target.url();
    p.write(
        "2",
        "typo",
        "CREATE TABLE typo_a (id INT);\n\nINSERT INTO typo_missing (id)\n  VALUES (1);\n",
        None,
    );
    let run = p.strata(&["up", "--url", url]);
    assert_eq!(run.code, Some(5), "{}", run.output());
    assert!(
        run.stderr
            .contains("applying 2 (typo) failed at statement 2 of 2")
            && run.stderr.contains("2_typo.up.sql:3:")
            && run.stderr.contains("no such table: typo_missing")
            && run
                .stderr
                .contains("statement: INSERT INTO typo_missing (id) VALUES (1)")
            && run.stderr.contains("Nothing was committed"),
        "{}",
        run.output()
    );
    assert_eq!(versions(&history(url).await), ["1"]);
    assert!(!has_table(url, "typo_a").await);
}

// A connection lost in the middle of a migration.

/// Migration 2: a table, five seconds of waiting (during which the test cuts the
/// connection), another table.
fn slow_sleep(kind: DatabaseKind) -> &'static str {
    match kind {
        DatabaseKind::Postgres => "SELECT pg_sleep(5)",
        _ => "SELECT SLEEP(5)",
    }
}

/// The server's id of the connection running the sleep, once it runs (0 if it never does).
async fn sleeping_connection(kind: DatabaseKind, url: &str) -> i64 {
    let sql = match kind {
        DatabaseKind::Postgres => "SELECT COALESCE(MAX(pid), 0)::bigint FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(5)%' AND pid <> pg_backend_pid()",
        _ => "SELECT COALESCE(MAX(id), 0) FROM information_schema.processlist WHERE info LIKE '%SLEEP(5)%' AND id <> CONNECTION_ID()",
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let id = scalar(url, sql).await;
        if id != 0 {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    0
}

async fn lost_connection(kind: DatabaseKind) {
    let target = TestTarget::create(kind).await;
    let url = target.url().to_owned();
    let p = TempProject::new();
    p.write(
        "1",
        "base",
        "CREATE TABLE base (id INT PRIMARY KEY);\n",
        None,
    );
    let slow = format!(
        "CREATE TABLE lost_a (id INT);\n{};\nCREATE TABLE lost_b (id INT);\n",
        slow_sleep(kind)
    );
    p.write("2", "slow", &slow, None);
    let set = p.migrations();
    let one = strata_core::engine::parse_version(&set, "1").unwrap();
    run_to(&url, &set, Target::UpTo(one)).await.unwrap();

    // The run and the cut, side by side in this task.
    let cut = async {
        let id = sleeping_connection(kind, &url).await;
        assert_ne!(id, 0, "{kind}: migration 2 never reached its sleep");
        let kill = match kind {
            DatabaseKind::Postgres => format!("SELECT pg_terminate_backend({id})"),
            _ => format!("KILL CONNECTION {id}"),
        };
        exec(&url, &[&kill]).await;
    };
    let (result, ()) = tokio::join!(up(&url, &set), cut);
    let err = result.expect_err("the run fails when its connection is cut");
    let text = err.to_string();
    eprintln!("{kind}: {text}");
    assert!(
        text.contains('2'),
        "{kind}: the error names no migration: {text}"
    );

    let rows = history(&url).await;
    let (a, b) = (
        has_table(&url, "lost_a").await,
        has_table(&url, "lost_b").await,
    );
    assert!(!b, "{kind}: statement 3 ran");
    match kind {
        // The migration's transaction died with its connection: nothing of it committed.
        DatabaseKind::Postgres => {
            assert_eq!(versions(&rows), ["1"], "{kind}");
            assert!(!a, "{kind}: statement 1 survived the rollback");
            let want = expect_states(&[
                ("1", MigrationState::Applied),
                ("2", MigrationState::Pending),
            ]);
            assert_eq!(states(&url, &set).await, want, "{kind}");
            // The lock went with the failed run: the next one applies 2 at once.
            let report = up(&url, &set)
                .await
                .unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert_eq!(report.steps.len(), 1, "{kind}");
            assert!(has_table(&url, "lost_b").await, "{kind}");
        }
        // DDL commits as it runs: the journal says statement 1 committed, and the next run
        // refuses until the user resolves it.
        _ => {
            assert!(a, "{kind}: statement 1 (DDL) should have committed");
            let two = rows.iter().find(|r| r.version == "2");
            let two = two.unwrap_or_else(|| panic!("{kind}: no history row for 2: {rows:?}"));
            assert_eq!(two.state, AppliedState::Partial, "{kind}");
            assert_eq!(
                (two.statements_committed, two.statements_total),
                (1, 3),
                "{kind}"
            );
            let refused = up(&url, &set).await.unwrap_err().to_string();
            assert!(
                refused.contains("1 of 3 statements committed") && refused.contains("resume"),
                "{kind}: {refused}"
            );
        }
    }
}

#[tokio::test]
async fn a_lost_connection_mid_run_postgres() {
    lost_connection(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn a_lost_connection_mid_run_mariadb() {
    lost_connection(DatabaseKind::Mysql).await
}

/// SQLite with a full disk: the migration limits its own connection's file size
/// (`PRAGMA max_page_count`, which lasts for the connection), then writes more than fits.
#[tokio::test]
async fn a_full_disk_on_sqlite_rolls_the_migration_back() {
    let (target, p) = applied_base(DatabaseKind::Sqlite).await;
    let url = target.url();
    let fill = "PRAGMA max_page_count = 64;\nCREATE TABLE filler (b BLOB);\nINSERT INTO filler (b)\n  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)\n  SELECT randomblob(10000) FROM n;\n";
    p.write("2", "fill", fill, None);
    let page_count = scalar(url, "PRAGMA page_count").await;
    assert!(
        page_count < 64,
        "the database already has {page_count} pages"
    );
    let run = p.strata(&["up", "--url", url]);
    assert_eq!(run.code, Some(5), "{}", run.output());
    assert!(
        run.stderr
            .contains("applying 2 (fill) failed at statement 3 of 3")
            && run.stderr.contains("2_fill.up.sql:3:")
            && run.stderr.contains("database or disk is full")
            && run.stderr.contains("Nothing was committed"),
        "{}",
        run.output()
    );
    assert_eq!(versions(&history(url).await), ["1"]);
    assert!(!has_table(url, "filler").await);
    let failed: Vec<String> = events(url).await.iter().map(|e| e.short()).collect();
    assert_eq!(
        failed.last().map(String::as_str),
        Some("apply 2 failed"),
        "{failed:?}"
    );
    // With room again (the limit gone), the same migration applies.
    p.write(
        "2",
        "fill",
        &fill.replace("PRAGMA max_page_count = 64;\n", ""),
        None,
    );
    p.strata(&["up", "--url", url]).success();
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM filler").await, 100);
}
