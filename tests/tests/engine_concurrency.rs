//! Several `strata` processes against one database: the migration lock lets exactly one run
//! apply each migration, the others wait (and say who they wait for) and then find nothing to
//! do; a run killed with SIGKILL in the middle of a migration frees the lock at once and leaves
//! the history telling the truth.
//!
//! Rounds: `STRATA_CONCURRENCY_ROUNDS` (default 50 per engine).

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use strata_core::driver::Session;
use strata_core::history::AppliedState;
use strata_core::lock::MigrationLock;
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{events, scalar};
use strata_system_tests::servers::{strata_bin, strata_command, TempProject, TestTarget};

const T: Duration = Duration::from_secs(15);
const PROCESSES: usize = 5;
const MIGRATIONS: usize = 10;
const WAITING: &str = "waiting for the migration lock held by ";

fn rounds() -> usize {
    std::env::var("STRATA_CONCURRENCY_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(50)
}

/// One finished `strata` process.
struct Finished {
    pid: u32,
    code: Option<i32>,
    stderr: String,
}

/// Wait for every child, killing all of them if they take longer than `limit`.
fn wait_all(mut children: Vec<Child>, limit: Duration) -> Vec<Finished> {
    let started = Instant::now();
    while children
        .iter_mut()
        .any(|c| c.try_wait().expect("try_wait").is_none())
    {
        if started.elapsed() > limit {
            for c in &mut children {
                let _ = c.kill();
            }
            panic!("{PROCESSES} concurrent `strata up` runs were still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    children
        .into_iter()
        .map(|c| {
            let pid = c.id();
            let out = c.wait_with_output().expect("the output of strata");
            Finished {
                pid,
                code: out.status.code(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        })
        .collect()
}

/// The holder a waiter named, if it named one: the text after "held by " on its line.
fn named_holder(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .find_map(|l| l.split_once(WAITING).map(|(_, h)| h))
}

/// `rounds` rounds of five simultaneous `strata up` on a fresh database with ten migrations.
async fn concurrent_runs(kind: DatabaseKind) {
    let project = TempProject::new();
    for i in 1..=MIGRATIONS {
        project.write(
            &format!("{i:02}"),
            &format!("create_c{i}"),
            &format!("CREATE TABLE c{i} (id INTEGER PRIMARY KEY, v VARCHAR(20));\nINSERT INTO c{i} (id, v) VALUES (1, 'round');\n"),
            Some(&format!("DROP TABLE c{i};\n")),
        );
    }
    strata_bin();
    let actor = strata_core::clock::actor();
    // Another database on the same server is being migrated all along: its run holds its own
    // migration lock, which must neither block these runs nor be named as their holder.
    let bystander = match kind {
        DatabaseKind::Sqlite => None,
        _ => {
            let db = TestTarget::create(kind).await;
            let lock = MigrationLock::acquire(db.url(), T, |_| {})
                .await
                .unwrap_or_else(|e| panic!("{kind}: the bystander's lock: {e}"));
            Some((db, lock))
        }
    };
    // MariaDB: the connection id of the bystander's lock.
    let bystander_id = match &bystander {
        Some((TestTarget::Server(db), _)) if kind == DatabaseKind::Mysql => Some(
            scalar(
                db.url.as_str(),
                &format!(
                    "SELECT CAST(IS_USED_LOCK('strata_migrate:{}') AS SIGNED)",
                    db.name
                ),
            )
            .await
            .to_string(),
        ),
        _ => None,
    };
    let rounds = rounds();
    let mut problems: Vec<String> = Vec::new();
    let mut rounds_with_named_holder = 0;
    let mut waiters_total = 0;
    let mut failed_exits = 0;
    let mut slowest = Duration::ZERO;
    let started = Instant::now();
    for round in 1..=rounds {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        let round_started = Instant::now();
        let children: Vec<Child> = (0..PROCESSES)
            .map(|_| {
                strata_command(
                    project.root(),
                    &["up", "--url", url, "--lock-timeout", "60"],
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("strata starts")
            })
            .collect();
        let finished = wait_all(children, Duration::from_secs(90));
        slowest = slowest.max(round_started.elapsed());
        let pids: Vec<u32> = finished.iter().map(|f| f.pid).collect();
        let mut named = false;
        for f in &finished {
            if f.code != Some(0) {
                failed_exits += 1;
                problems.push(format!(
                    "round {round}: process {} exited {:?}: {}",
                    f.pid,
                    f.code,
                    f.stderr.trim().lines().last().unwrap_or_default()
                ));
            }
            let Some(holder) = named_holder(&f.stderr) else {
                continue;
            };
            waiters_total += 1;
            named = true;
            match kind {
                DatabaseKind::Postgres => {
                    // `strata <user>@<host> pid <pid> from <address> (…)`, the pid one of the others.
                    let holder_pid = holder
                        .strip_prefix(&format!("strata {actor} pid "))
                        .and_then(|rest| rest.split_whitespace().next())
                        .and_then(|p| p.parse::<u32>().ok());
                    match holder_pid {
                        Some(p) if p != f.pid && pids.contains(&p) => {}
                        _ => problems.push(format!(
                            "round {round}: process {} named the holder '{holder}', not `strata {actor} pid <one of the other runs {pids:?}>`{}",
                            f.pid,
                            if holder_pid == Some(std::process::id()) {
                                " but the run holding the lock of another database (the bystander, this test process)"
                            } else {
                                ""
                            }
                        )),
                    }
                }
                _ => {
                    let server_id = holder
                        .split_once("server id ")
                        .and_then(|(_, rest)| rest.split([',', ')']).next());
                    if !holder.contains(" from ") || server_id.is_none() {
                        problems.push(format!(
                            "round {round}: process {} named the holder '{holder}' without user, host and server id",
                            f.pid
                        ));
                    } else if server_id == bystander_id.as_deref() {
                        problems.push(format!(
                            "round {round}: process {} named the holder '{holder}': the lock of another database (the bystander)",
                            f.pid
                        ));
                    }
                }
            }
        }
        rounds_with_named_holder += usize::from(named);

        // Every migration applied exactly once.
        let mut s = Session::connect(url, T).await.unwrap();
        let history = s.read_history().await.unwrap();
        s.close().await;
        let mut by_version: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &history {
            *by_version.entry(h.version.as_str()).or_default() += 1;
            if h.state != AppliedState::Applied {
                problems.push(format!("round {round}: {} is {:?}", h.version, h.state));
            }
        }
        if history.len() != MIGRATIONS
            || by_version.len() != MIGRATIONS
            || by_version.values().any(|n| *n != 1)
        {
            problems.push(format!(
                "round {round}: history rows per version {by_version:?} (want each of {MIGRATIONS} once)"
            ));
        }
        let log = events(url).await;
        let mut applies: BTreeMap<String, usize> = BTreeMap::new();
        for e in log
            .iter()
            .filter(|e| e.kind == "apply" && e.outcome == "ok")
        {
            *applies
                .entry(e.version.clone().unwrap_or_default())
                .or_default() += 1;
        }
        if applies.len() != MIGRATIONS || applies.values().any(|n| *n != 1) {
            problems.push(format!(
                "round {round}: successful apply events per version {applies:?} (want each of {MIGRATIONS} once)"
            ));
        }
        let not_ok: Vec<String> = log
            .iter()
            .filter(|e| e.outcome != "ok")
            .map(|e| e.short())
            .collect();
        if !not_ok.is_empty() {
            problems.push(format!("round {round}: failed events {not_ok:?}"));
        }
        let rows = scalar(url, "SELECT COUNT(*) FROM c10").await;
        if rows != 1 {
            problems.push(format!("round {round}: c10 holds {rows} rows, not 1"));
        }
    }
    let total = started.elapsed();
    if let Some((_db, lock)) = bystander {
        lock.release().await;
    }
    println!(
        "{kind}: {rounds} rounds of {PROCESSES} concurrent `strata up` ({MIGRATIONS} migrations): {:.1} s in all, {:.2} s per round, slowest round {:.2} s; {waiters_total} waiters named the holder, in {rounds_with_named_holder} rounds; {failed_exits} non-zero exits",
        total.as_secs_f64(),
        total.as_secs_f64() / rounds as f64,
        slowest.as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "{kind}: {} problems in {rounds} rounds of {PROCESSES} concurrent `strata up` ({failed_exits} non-zero exits); the first ones:\n{}",
        problems.len(),
        problems.iter().take(12).cloned().collect::<Vec<_>>().join("\n")
    );
    // SQLite has no lock server to wait on: runs serialise on its write lock, per migration,
    // and nobody is named. On PostgreSQL and MariaDB some waiter must have named the holder.
    if kind != DatabaseKind::Sqlite {
        assert!(
            rounds_with_named_holder > 0,
            "{kind}: in {rounds} rounds no waiting run printed '{WAITING}…'"
        );
    }
}

#[tokio::test]
async fn five_concurrent_runs_apply_each_migration_once_postgres() {
    concurrent_runs(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn five_concurrent_runs_apply_each_migration_once_mariadb() {
    concurrent_runs(DatabaseKind::Mysql).await
}

#[tokio::test]
async fn five_concurrent_runs_apply_each_migration_once_sqlite() {
    concurrent_runs(DatabaseKind::Sqlite).await
}

// A run killed with SIGKILL in the middle of a migration.

/// 2's first statement: it keeps the server busy for 30 s, then inserts row 7 into `base`,
/// which other connections see only once the statement committed. SQLite has no sleep function:
/// a recursive CTE counting to two billion keeps it busy for minutes instead.
fn slow_statement(kind: DatabaseKind) -> &'static str {
    match kind {
        DatabaseKind::Postgres => "INSERT INTO base (id) SELECT 7 FROM pg_sleep(30)",
        DatabaseKind::Mysql => "INSERT INTO base (id) SELECT 7 + SLEEP(30)",
        DatabaseKind::Sqlite => {
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) INSERT INTO base (id) SELECT 7 + 0 * count(*) FROM n"
        }
    }
}

/// Whether 2's first statement committed: its row is in `base`.
async fn first_statement_committed(url: &str) -> bool {
    scalar(url, "SELECT COUNT(*) FROM base WHERE id = 7").await == 1
}

async fn table_exists(kind: DatabaseKind, url: &str, table: &str) -> bool {
    let sql = match kind {
        DatabaseKind::Postgres => format!("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{table}'"),
        DatabaseKind::Mysql => format!("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"),
        DatabaseKind::Sqlite => format!("SELECT count(*) FROM sqlite_schema WHERE name = '{table}'"),
    };
    scalar(url, &sql).await == 1
}

/// How many connections other than this one run (or last ran) the slow statement: the killed
/// run's, until the server notices its client is gone. None for SQLite: there is no server, the
/// work died with the process. Matched anywhere in the text: the engine may send the statement
/// together with its own (`BEGIN;` on PostgreSQL).
async fn still_running(kind: DatabaseKind, url: &str) -> i64 {
    match kind {
        DatabaseKind::Postgres => {
            scalar(
                url,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(30)%'",
            )
            .await
        }
        DatabaseKind::Mysql => {
            scalar(
                url,
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() \
                 AND ID <> CONNECTION_ID() AND INFO LIKE '%SLEEP(30)%'",
            )
            .await
        }
        DatabaseKind::Sqlite => 0,
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

async fn killed_run(kind: DatabaseKind) {
    let project = TempProject::new();
    project.write(
        "1",
        "base",
        "CREATE TABLE base (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE base;\n"),
    );
    let slow_up = format!(
        "{};\nCREATE TABLE slow_done (id INTEGER PRIMARY KEY);\n",
        slow_statement(kind)
    );
    project.write("2", "slow", &slow_up, Some("DROP TABLE slow_done;\n"));
    let target = TestTarget::create(kind).await;
    let url = target.url();
    strata_bin();
    let log_dir = tempfile::tempdir().unwrap();
    let stderr_path = log_dir.path().join("stderr");
    let mut child = strata_command(project.root(), &["up", "--url", url])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("strata starts");
    let started = Instant::now();
    // Wait until 2's slow first statement runs.
    loop {
        let stepping = read(&stderr_path).contains("up   2 slow");
        if stepping && (kind == DatabaseKind::Sqlite || still_running(kind, url).await == 1) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "{kind}: strata up ended ({status}) before it was killed:\n{}",
                read(&stderr_path)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{kind}: 2's first statement ({}) was not running after 20 s:\n{}",
            slow_statement(kind),
            read(&stderr_path)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1).saturating_sub(started.elapsed())).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "{kind}: strata up ended before it was killed"
    );
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    let status = child.wait().unwrap();
    let killed_at = Instant::now();
    assert_eq!(
        status.signal(),
        Some(9),
        "{kind}: strata up was not killed by SIGKILL: {status}"
    );

    // 2 never finished: without its files the next run has nothing slow to do, so how long it
    // takes is how long it waited for the lock.
    project.remove("2", "slow");
    let next = project.strata(&["up", "--url", url, "--lock-timeout", "5"]);
    let lock_after = killed_at.elapsed();
    assert_ne!(
        next.code,
        Some(4),
        "{kind}: the killed run's lock was still held:\n{}",
        next.output()
    );
    assert!(
        next.elapsed < Duration::from_secs(5),
        "{kind}: the next run took {:?}:\n{}",
        next.elapsed,
        next.output()
    );
    match kind {
        DatabaseKind::Mysql if next.code == Some(3) => assert!(
            next.stderr.contains("2 is partially applied (0 of 2 statements committed)"),
            "{kind}: the next run refused, but not because 2 is partial with nothing committed:\n{}",
            next.output()
        ),
        _ => assert!(
            next.code == Some(0) && next.stdout.contains("nothing to do"),
            "{kind}: the next run after the kill:\n{}",
            next.output()
        ),
    }

    // What status says about 2 once its files are back, now and after the server has noticed
    // the dead client and ended its statement.
    project.write("2", "slow", &slow_up, Some("DROP TABLE slow_done;\n"));
    // What status says about 2 must match what the database holds.
    let check = |when: &'static str| {
        let project = &project;
        async move {
            let status = project
                .strata(&["status", "--url", url, "--json"])
                .success()
                .json();
            let one = &status["entries"][0];
            assert_eq!(
                (&one["version"], &one["state"]),
                (&serde_json::json!("1"), &serde_json::json!("applied")),
                "{kind}: {when}: {status}"
            );
            let entry = status["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["version"] == "2")
                .cloned()
                .unwrap_or_else(|| panic!("{kind}: {when}: status has no entry for 2: {status}"));
            let state = entry["state"].as_str().unwrap_or_default().to_owned();
            let committed = entry["applied"]["statementsCommitted"].as_i64();
            let started = first_statement_committed(url).await;
            assert!(
                !table_exists(kind, url, "slow_done").await,
                "{kind}: {when}: 2's second statement ran, yet the run was killed during its first"
            );
            match (kind, state.as_str()) {
                // PostgreSQL and SQLite: the transaction never committed.
                (_, "pending") => assert!(
                    entry["applied"].is_null() && !started,
                    "{kind}: {when}: 2 is pending; its first statement's row is in base: {started}: {entry}"
                ),
                // MariaDB: the journal says exactly how far the server got.
                (DatabaseKind::Mysql, "partial") => assert_eq!(
                    (committed, entry["applied"]["statementsTotal"].as_i64()),
                    (Some(i64::from(started)), Some(2)),
                    "{kind}: {when}: 2 is partial; its first statement's row is in base: {started}: {entry}"
                ),
                _ => panic!("{kind}: {when}: 2, killed during its first statement, is {state}: {entry}"),
            }
            format!("{state} ({} of 2 committed)", committed.unwrap_or(0))
        }
    };
    let state_now = check("right after the kill").await;

    // The server may not notice the dead client before the slow statement ends.
    let mut orphan_for = None;
    while killed_at.elapsed() < Duration::from_secs(40) {
        if still_running(kind, url).await == 0 {
            orphan_for = Some(killed_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let state_later = check("once the server ended the killed run's statement").await;
    println!(
        "{kind}: killed strata up after {:.1} s; the next run got the lock and finished {:.2} s after the kill ({:.2} s run); the killed run's statement ran on for {}; 2 was {state_now} right after the kill, {state_later} once the server was done",
        (killed_at - started).as_secs_f64(),
        lock_after.as_secs_f64(),
        next.elapsed.as_secs_f64(),
        orphan_for.map_or("over 40 s".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()))
    );
}

#[tokio::test]
async fn a_killed_run_frees_the_lock_and_leaves_a_true_history_postgres() {
    killed_run(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn a_killed_run_frees_the_lock_and_leaves_a_true_history_mariadb() {
    killed_run(DatabaseKind::Mysql).await
}

#[tokio::test]
async fn a_killed_run_frees_the_lock_and_leaves_a_true_history_sqlite() {
    killed_run(DatabaseKind::Sqlite).await
}
