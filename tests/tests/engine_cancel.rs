//! Cancelling a run: `RunOptions::cancel` raised while a slow statement runs stops it on the
//! server within moments (PostgreSQL `pg_cancel_backend`, MariaDB `KILL QUERY`; SQLite, which
//! cannot interrupt a statement, stops before the next one), leaves a true record (PostgreSQL
//! and SQLite: rolled back, an event `cancelled`; MariaDB: partial, the journal naming what
//! committed), and frees the lock for the next run. `strata up` does the same on Ctrl-C and
//! exits 130.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use strata_core::admin::{self, AdminOptions, ResolveAction};
use strata_core::engine::{self, CancelToken, EngineError, RunOptions};
use strata_core::executor::Progress;
use strata_core::history::AppliedState;
use strata_core::plan::Target;
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{events, history, scalar};
use strata_system_tests::servers::{strata_bin, strata_command, TempProject, TestTarget};

/// How quickly a cancelled run must have stopped.
const STOPS_WITHIN: Duration = Duration::from_secs(3);

/// 2's statements: a table, then slow work that inserts row 7 into `base` when it completes,
/// then another table. SQLite cannot interrupt a statement: there the slow work is several
/// statements of under a second each, and the run stops between two of them.
fn slow_migration(kind: DatabaseKind) -> String {
    let slow = match kind {
        DatabaseKind::Postgres => "INSERT INTO base (id) SELECT 7 FROM pg_sleep(30);\n".to_owned(),
        DatabaseKind::Mysql => "INSERT INTO base (id) SELECT 7 + SLEEP(30);\n".to_owned(),
        DatabaseKind::Sqlite => {
            let count = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) SELECT count(*) FROM n;\n";
            format!("{}INSERT INTO base (id) VALUES (7);\n", count.repeat(30))
        }
    };
    format!("CREATE TABLE a_done (id INTEGER PRIMARY KEY);\n{slow}CREATE TABLE b_done (id INTEGER PRIMARY KEY);\n")
}

const DOWN: &str = "DROP TABLE IF EXISTS b_done;\nDROP TABLE IF EXISTS a_done;\n";

fn project(kind: DatabaseKind) -> TempProject {
    let project = TempProject::new();
    project.write(
        "1",
        "base",
        "CREATE TABLE base (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE base;\n"),
    );
    project.write("2", "slow", &slow_migration(kind), Some(DOWN));
    project
}

async fn table_exists(kind: DatabaseKind, url: &str, table: &str) -> bool {
    let sql = match kind {
        DatabaseKind::Postgres => format!("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{table}'"),
        DatabaseKind::Mysql => format!("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"),
        DatabaseKind::Sqlite => format!("SELECT count(*) FROM sqlite_schema WHERE name = '{table}'"),
    };
    scalar(url, &sql).await == 1
}

/// Connections still running the slow statement (none on SQLite, which has no server).
async fn still_running(kind: DatabaseKind, url: &str) -> i64 {
    let sql = match kind {
        DatabaseKind::Postgres => "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep(30)%'",
        DatabaseKind::Mysql => "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE '%SLEEP(30)%'",
        DatabaseKind::Sqlite => return 0,
    };
    scalar(url, sql).await
}

/// What the database says about 2 after a cancel during its slow statement.
async fn assert_cancelled_record(kind: DatabaseKind, url: &str) {
    assert_eq!(
        still_running(kind, url).await,
        0,
        "{kind}: the slow statement still runs"
    );
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM base WHERE id = 7").await,
        0,
        "{kind}: the slow statement completed, yet it was cancelled"
    );
    assert!(
        !table_exists(kind, url, "b_done").await,
        "{kind}: the statement after the cancel ran"
    );
    let two: Vec<_> = history(url)
        .await
        .into_iter()
        .filter(|h| h.version == "2")
        .collect();
    let log = events(url).await;
    let last = log.iter().rev().find(|e| e.version.as_deref() == Some("2"));
    let last = last.unwrap_or_else(|| panic!("{kind}: no event for 2: {log:?}"));
    match kind {
        DatabaseKind::Mysql => {
            assert!(
                two.len() == 1
                    && two[0].state == AppliedState::Partial
                    && two[0].statements_committed == 1
                    && table_exists(kind, url, "a_done").await,
                "{kind}: 2 should be partial with statement 1 committed: {two:?}"
            );
            assert_eq!(last.outcome, "partial", "{kind}: {last:?}");
            assert!(
                last.detail
                    .as_deref()
                    .is_some_and(|d| d.contains("1: CREATE TABLE a_done")),
                "{kind}: the event does not name the committed statement: {last:?}"
            );
        }
        _ => {
            assert!(
                two.is_empty() && !table_exists(kind, url, "a_done").await,
                "{kind}: 2 should be rolled back: {two:?}"
            );
            assert_eq!(last.outcome, "cancelled", "{kind}: {last:?}");
        }
    }
}

/// After the cancel the lock is free and the next run works: MariaDB first rolls back what
/// committed (`strata resolve 2 --roll-back`); then a quick 2 is applied.
async fn next_run_works(kind: DatabaseKind, url: &str, project: &TempProject) {
    if kind == DatabaseKind::Mysql {
        let set = project.migrations();
        let version = engine::parse_version(&set, "2").unwrap();
        let options = AdminOptions {
            lock_timeout: Duration::from_secs(5),
            ..AdminOptions::default()
        };
        admin::resolve(
            url,
            &set,
            &version,
            ResolveAction::RollBackCommitted,
            &options,
        )
        .await
        .unwrap_or_else(|e| panic!("{kind}: rolling back what the cancelled 2 committed: {e}"));
    }
    project.write(
        "2",
        "slow",
        "CREATE TABLE a_done (id INTEGER PRIMARY KEY);\n",
        Some(DOWN),
    );
    let mut options = RunOptions::new(Target::Latest);
    options.lock_timeout = Duration::from_secs(5);
    let report = engine::run(url, &project.migrations(), &options, |_| {}, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{kind}: the run after the cancel: {e}"));
    assert_eq!(report.steps.len(), 1, "{kind}: {report:?}");
    assert!(
        table_exists(kind, url, "a_done").await,
        "{kind}: the next run did not apply 2"
    );
}

async fn cancel_during_a_slow_statement(kind: DatabaseKind) {
    let project = project(kind);
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let mut options = RunOptions::new(Target::Latest);
    options.cancel = CancelToken::new();
    // When 2's first statement started, as the run's progress says.
    let two_started: Arc<Mutex<Option<Instant>>> = Arc::default();
    let seen = two_started.clone();
    let progress = move |p: Progress| {
        if let Progress::StatementStarted { version, .. } = p {
            if version == "2" {
                seen.lock().unwrap().get_or_insert_with(Instant::now);
            }
        }
    };
    let token = options.cancel.clone();
    let canceller = async {
        loop {
            let started = *two_started.lock().unwrap();
            if started.is_some_and(|s| s.elapsed() >= Duration::from_secs(1)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        token.cancel();
        Instant::now()
    };
    let set = project.migrations();
    let run = async {
        let result = engine::run(url, &set, &options, progress, |_| {}).await;
        (result, Instant::now())
    };
    let (cancelled_at, (result, ended_at)) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(canceller, run)
    })
    .await
    .unwrap_or_else(|_| panic!("{kind}: the cancelled run did not end within 60 s"));
    let stopped_after = ended_at.saturating_duration_since(cancelled_at);
    match &result {
        Err(EngineError::Cancelled {
            during,
            record,
            done,
            ..
        }) => {
            assert_eq!(during.as_deref(), Some("2 (slow)"), "{kind}");
            assert_eq!(*done, 1, "{kind}: 1 finished before the cancel");
            let record = record.as_ref().expect("a cancel during 2 says what 2 left");
            match kind {
                DatabaseKind::Mysql => assert!(
                    !record.rolled_back && record.committed == [1],
                    "{kind}: {record:?}"
                ),
                _ => assert!(record.rolled_back, "{kind}: {record:?}"),
            }
        }
        other => panic!("{kind}: a cancelled run returned {other:?}"),
    }
    let message = result.unwrap_err().to_string();
    println!(
        "{kind}: the run stopped {:.2} s after the cancel: {message}",
        stopped_after.as_secs_f64()
    );
    assert!(
        stopped_after < STOPS_WITHIN,
        "{kind}: the run stopped {stopped_after:?} after the cancel"
    );
    assert_cancelled_record(kind, url).await;
    next_run_works(kind, url, &project).await;
}

#[tokio::test]
async fn a_cancel_stops_the_slow_statement_and_records_it_postgres() {
    cancel_during_a_slow_statement(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn a_cancel_stops_the_slow_statement_and_records_it_mariadb() {
    cancel_during_a_slow_statement(DatabaseKind::Mysql).await
}

#[tokio::test]
async fn a_cancel_stops_the_slow_statement_and_records_it_sqlite() {
    cancel_during_a_slow_statement(DatabaseKind::Sqlite).await
}

/// `strata up` interrupted with SIGINT (Ctrl-C) during 2's slow statement exits 130 within
/// moments, saying the run was cancelled, and leaves the same record.
async fn ctrl_c(kind: DatabaseKind) {
    let project = project(kind);
    let target = TestTarget::create(kind).await;
    let url = target.url();
    strata_bin();
    let dir = tempfile::tempdir().unwrap();
    let stderr_path = dir.path().join("stderr");
    let mut child = strata_command(project.root(), &["up", "--url", url])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("strata starts");
    let stderr = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let started = Instant::now();
    while !stderr().contains("up   2 slow") {
        assert!(
            child.try_wait().unwrap().is_none(),
            "{kind}: strata up ended early:\n{}",
            stderr()
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{kind}: 2 did not start:\n{}",
            stderr()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let interrupted = Instant::now();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "{kind}: kill -INT failed");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if interrupted.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!(
                "{kind}: strata up still ran 30 s after Ctrl-C:\n{}",
                stderr()
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = interrupted.elapsed();
    assert_eq!(
        status.code(),
        Some(130),
        "{kind}: exit after Ctrl-C:\n{}",
        stderr()
    );
    assert!(
        took < STOPS_WITHIN,
        "{kind}: strata up took {took:?} to stop after Ctrl-C"
    );
    assert!(
        stderr().contains("was cancelled during 2 (slow)"),
        "{kind}: the message does not say what was cancelled:\n{}",
        stderr()
    );
    assert_cancelled_record(kind, url).await;
}

#[tokio::test]
async fn ctrl_c_cancels_strata_up_postgres() {
    ctrl_c(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn ctrl_c_cancels_strata_up_mariadb() {
    ctrl_c(DatabaseKind::Mysql).await
}

#[tokio::test]
async fn ctrl_c_cancels_strata_up_sqlite() {
    ctrl_c(DatabaseKind::Sqlite).await
}
