//! A rollback killed with SIGKILL in the middle of a down part that runs outside a transaction
//! (MariaDB, whose DDL commits implicitly; a no-transaction down part on PostgreSQL): the
//! history says `partial_rollback` with the down statements that committed, the next run
//! refuses to go on (and ends what the dead run left running), and `strata resolve` settles
//! the row the killed process left: `--resume` runs the rest of the down part, `--mark-resolved`
//! records that the user finished it by hand.

use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use strata_core::DatabaseKind;
use strata_system_tests::catalog::{events, scalar};
use strata_system_tests::servers::{exec, strata_bin, strata_command, up, TempProject, TestTarget};

/// How long the down part's second statement sleeps when the rollback first runs: read from a
/// table the test owns, so that a resume can run the same stored statement without the wait.
const SLEEP_S: i64 = 30;

/// The down part of 2: statement 1 drops a table, statement 2 sleeps for as many seconds as
/// `kr_pause` says, statement 3 drops the other table. On PostgreSQL the part runs outside a
/// transaction by its directive, as MariaDB runs every DDL.
fn down_part(kind: DatabaseKind) -> String {
    match kind {
        DatabaseKind::Postgres => "-- strata:no-transaction\nDROP TABLE kr_b;\nSELECT pg_sleep((SELECT s FROM kr_pause));\nDROP TABLE kr_a;\n".into(),
        DatabaseKind::Mysql => "DROP TABLE kr_b;\nDO SLEEP((SELECT s FROM kr_pause));\nDROP TABLE kr_a;\n".into(),
        DatabaseKind::Sqlite => unreachable!("SQLite runs a rollback in a transaction"),
    }
}

/// Connections other than this one that run the down part's sleep.
async fn sleeping(kind: DatabaseKind, url: &str) -> i64 {
    let sql = match kind {
        DatabaseKind::Postgres => "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep((SELECT s FROM kr_pause))%'",
        _ => "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE '%SLEEP((SELECT s FROM kr_pause))%'",
    };
    scalar(url, sql).await
}

async fn table_exists(kind: DatabaseKind, url: &str, table: &str) -> bool {
    let sql = match kind {
        DatabaseKind::Postgres => format!("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{table}'"),
        _ => format!("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"),
    };
    scalar(url, &sql).await == 1
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// 2's entry in `strata status --json`.
fn status_of_two(p: &TempProject, url: &str) -> serde_json::Value {
    let status = p
        .strata(&["status", "--url", url, "--json"])
        .success()
        .json();
    (status["entries"].as_array().unwrap().iter())
        .find(|e| e["version"] == "2")
        .cloned()
        .unwrap_or_else(|| panic!("status has no entry for 2: {status}"))
}

#[derive(Clone, Copy, Debug)]
enum Settle {
    Resume,
    MarkResolved,
}

/// Apply 1 and 2, run `strata down --steps 1` and kill it with SIGKILL while 2's down part
/// sleeps in its statement 2; then check the record and settle it with `settle`.
async fn killed_rollback(kind: DatabaseKind, settle: Settle) {
    let p = TempProject::new();
    p.write(
        "1",
        "base",
        "CREATE TABLE kr_base (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE kr_base;\n"),
    );
    p.write(
        "2",
        "pair",
        "CREATE TABLE kr_a (id INTEGER PRIMARY KEY);\nCREATE TABLE kr_b (id INTEGER PRIMARY KEY);\n",
        Some(&down_part(kind)),
    );
    let target = TestTarget::create(kind).await;
    let url = target.url();
    up(url, &p.migrations())
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    exec(
        url,
        &[
            "CREATE TABLE kr_pause (s INTEGER NOT NULL)",
            &format!("INSERT INTO kr_pause (s) VALUES ({SLEEP_S})"),
        ],
    )
    .await;
    strata_bin();
    let logs = tempfile::tempdir().unwrap();
    let stderr_path = logs.path().join("stderr");
    let mut child = strata_command(p.root(), &["down", "--steps", "1", "--url", url])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("strata starts");
    let started = Instant::now();
    while !(read(&stderr_path).contains("down 2 pair") && sleeping(kind, url).await == 1) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "{kind}: strata down ended ({status}) before it was killed:\n{}",
                read(&stderr_path)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{kind}: 2's down statement 2 was not sleeping after 20 s:\n{}",
            read(&stderr_path)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "{kind}: not killed: {status}");

    // Right after the kill, before any run takes the lock: the down statement 1 committed
    // (kr_b is gone), and the history says so.
    let entry = status_of_two(&p, url);
    assert!(
        !table_exists(kind, url, "kr_b").await && table_exists(kind, url, "kr_a").await,
        "{kind}: statement 1 of the down part should have dropped kr_b, and only it"
    );
    assert_eq!(
        (
            entry["state"].as_str(),
            entry["applied"]["statementsCommitted"].as_i64(),
            entry["applied"]["statementsTotal"].as_i64(),
        ),
        (Some("partialRollback"), Some(1), Some(3)),
        "{kind}: after the kill, 2 should be partial_rollback with down statement 1 of 3 committed: {entry}"
    );
    let human = p.strata(&["status", "--url", url]).success();
    assert!(
        human
            .stdout
            .lines()
            .any(|l| l.starts_with('2') && l.contains("partial rollback")),
        "{kind}: {}",
        human.output()
    );
    assert!(
        human.stdout.contains(
            "1 partial rollback: partly rolled back: `strata resolve <version> --resume` finishes the rollback"
        ),
        "{kind}: the status should say how to settle it: {}",
        human.output()
    );

    // The next run refuses to go on, and ends the statement the dead run left sleeping.
    let next = p.strata(&["down", "--steps", "1", "--url", url, "--lock-timeout", "5"]);
    assert!(
        next.code == Some(3)
            && next
                .stderr
                .contains("2 was partly rolled back (1 of 3 down statements committed)"),
        "{kind}: the next run should refuse the partial rollback:\n{}",
        next.output()
    );
    assert_eq!(
        sleeping(kind, url).await,
        0,
        "{kind}: the killed run's sleep still runs after the next run:\n{}",
        next.output()
    );
    assert!(
        table_exists(kind, url, "kr_a").await,
        "{kind}: statement 3 ran"
    );
    assert_eq!(status_of_two(&p, url)["applied"]["statementsCommitted"], 1);

    match settle {
        Settle::Resume => {
            // The stored statement 2 runs again, without the wait.
            exec(url, &["UPDATE kr_pause SET s = 0"]).await;
            p.strata(&["resolve", "2", "--resume", "--url", url])
                .success();
            let resumed = (events(url).await.into_iter())
                .filter(|e| e.kind == "resolve" && e.version.as_deref() == Some("2"))
                .filter_map(|e| e.detail)
                .collect::<Vec<_>>();
            assert_eq!(
                resumed,
                ["resumed the rollback at statement 2 of 3: statements 2..3 ran from the stored SQL"],
                "{kind}"
            );
        }
        Settle::MarkResolved => {
            exec(url, &["DROP TABLE kr_a"]).await;
            p.strata(&["resolve", "2", "--mark-resolved", "--url", url])
                .success();
        }
    }
    assert!(!table_exists(kind, url, "kr_a").await, "{kind}: {settle:?}");
    let entry = status_of_two(&p, url);
    assert!(
        entry["state"] == "pending" && entry["applied"].is_null(),
        "{kind}: {settle:?}: 2 should be rolled back now: {entry}"
    );
    // And it applies again.
    p.strata(&["up", "--url", url]).success();
    assert!(table_exists(kind, url, "kr_a").await && table_exists(kind, url, "kr_b").await);
}

#[tokio::test]
async fn a_killed_rollback_is_journaled_and_resumes_mariadb() {
    killed_rollback(DatabaseKind::Mysql, Settle::Resume).await
}

#[tokio::test]
async fn a_killed_rollback_is_journaled_and_marked_resolved_mariadb() {
    killed_rollback(DatabaseKind::Mysql, Settle::MarkResolved).await
}

#[tokio::test]
async fn a_killed_no_transaction_rollback_is_journaled_and_resumes_postgres() {
    killed_rollback(DatabaseKind::Postgres, Settle::Resume).await
}

#[tokio::test]
async fn a_killed_no_transaction_rollback_is_journaled_and_marked_resolved_postgres() {
    killed_rollback(DatabaseKind::Postgres, Settle::MarkResolved).await
}
