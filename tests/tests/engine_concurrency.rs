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
                // SQLite's lock row names its holder as PostgreSQL's application name does.
                DatabaseKind::Postgres | DatabaseKind::Sqlite => {
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
    // Some waiter must have named the holder (SQLite: from its lock row).
    assert!(
        rounds_with_named_holder > 0,
        "{kind}: in {rounds} rounds no waiting run printed '{WAITING}…'"
    );
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

/// How long 2's middle statement keeps the server busy.
const SLEEP_S: u64 = 15;

/// 2: a table, a statement that keeps the server busy for [`SLEEP_S`] s, another table. SQLite
/// has no sleep function: a recursive CTE counting to two billion keeps it busy for minutes.
fn slow_migration(kind: DatabaseKind) -> String {
    let slow = match kind {
        DatabaseKind::Postgres => format!("SELECT pg_sleep({SLEEP_S})"),
        DatabaseKind::Mysql => format!("SELECT SLEEP({SLEEP_S})"),
        DatabaseKind::Sqlite => "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT count(*) FROM n".into(),
    };
    format!("CREATE TABLE a_done (id INTEGER PRIMARY KEY);\n{slow};\nCREATE TABLE b_done (id INTEGER PRIMARY KEY);\n")
}

async fn table_exists(kind: DatabaseKind, url: &str, table: &str) -> bool {
    let sql = match kind {
        DatabaseKind::Postgres => format!("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{table}'"),
        DatabaseKind::Mysql => format!("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"),
        DatabaseKind::Sqlite => format!("SELECT count(*) FROM sqlite_schema WHERE name = '{table}'"),
    };
    scalar(url, &sql).await == 1
}

/// How many connections other than this one run the slow statement: the killed run's, until
/// the server notices its client is gone (or the next run ends it). SQLite has no server: the
/// work died with the process. Matched anywhere in the text: the engine sends the statement
/// with its own (`BEGIN;` on PostgreSQL, the journal on MariaDB).
async fn still_running(kind: DatabaseKind, url: &str) -> i64 {
    let sql = match kind {
        DatabaseKind::Postgres => format!(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep({SLEEP_S})%'"
        ),
        DatabaseKind::Mysql => format!(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() \
             AND ID <> CONNECTION_ID() AND INFO LIKE '%SLEEP({SLEEP_S})%'"
        ),
        DatabaseKind::Sqlite => return 0,
    };
    scalar(url, &sql).await
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Kill `strata up` with SIGKILL during 2's slow statement; the next run must get the lock
/// within 5 s, end the statement the server still runs for the dead client, and find the
/// history true: PostgreSQL and SQLite rolled 2 back, MariaDB's journal says statement 1
/// committed. The statement after the slow one never runs, even once the sleep is over.
async fn killed_run(kind: DatabaseKind) {
    let project = TempProject::new();
    project.write(
        "1",
        "base",
        "CREATE TABLE base (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE base;\n"),
    );
    let slow_up = slow_migration(kind);
    let slow_down = "DROP TABLE b_done;\nDROP TABLE a_done;\n";
    project.write("2", "slow", &slow_up, Some(slow_down));
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
    // Wait until 2's slow statement runs.
    let sleeping_since = loop {
        let stepping = read(&stderr_path).contains("up   2 slow");
        if stepping && (kind == DatabaseKind::Sqlite || still_running(kind, url).await == 1) {
            break Instant::now();
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "{kind}: strata up ended ({status}) before it was killed:\n{}",
                read(&stderr_path)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{kind}: 2's slow statement was not running after 20 s:\n{}",
            read(&stderr_path)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
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

    // 2 never finished. The next run applies a quick 3 instead (an up-to-date database is
    // answered without the lock): how long it takes is how long it waited for the lock and for
    // the dead run's statement to end.
    project.remove("2", "slow");
    project.write(
        "3",
        "quick",
        "CREATE TABLE c_done (id INTEGER PRIMARY KEY);\n",
        None,
    );
    let next = project.strata(&["up", "--url", url, "--lock-timeout", "5"]);
    let lock_after = killed_at.elapsed();
    assert_ne!(
        next.code,
        Some(4),
        "{kind}: the killed run's lock was still held:\n{}",
        next.output()
    );
    assert!(
        lock_after < Duration::from_secs(5),
        "{kind}: the next run ended {lock_after:?} after the kill:\n{}",
        next.output()
    );
    // Whatever the server still ran for the dead client is over once the next run has begun.
    let orphan_left = still_running(kind, url).await;
    assert_eq!(
        orphan_left,
        0,
        "{kind}: the killed run's statement still runs after the next run:\n{}",
        next.output()
    );
    let said = format!("{}{}", next.stdout, next.stderr);
    let ended_orphan = said.contains("a run that is gone left a statement running; ending it");
    match kind {
        // MariaDB notices a dead client only when the statement ends: the next run ended it.
        // PostgreSQL checks every second (client_connection_check_interval) and may be first.
        DatabaseKind::Mysql => assert!(
            ended_orphan,
            "{kind}: the next run did not say it ended the dead run's statement:\n{}",
            next.output()
        ),
        DatabaseKind::Sqlite => assert!(
            said.contains("took over the migration lock of a run that is gone: strata "),
            "{kind}: the next run did not say it took over the dead run's lock:\n{}",
            next.output()
        ),
        DatabaseKind::Postgres => {}
    }
    match kind {
        DatabaseKind::Mysql => assert!(
            next.code == Some(3)
                && next.stderr.contains("2 is partially applied (1 of 3 statements committed)"),
            "{kind}: the next run did not refuse because 2 is partial with statement 1 committed:\n{}",
            next.output()
        ),
        _ => assert!(
            next.code == Some(0) && table_exists(kind, url, "c_done").await,
            "{kind}: the next run after the kill did not apply 3:\n{}",
            next.output()
        ),
    }
    project.remove("3", "quick");

    // What status says about 2 once its files are back, now and once the sleep would be over.
    project.write("2", "slow", &slow_up, Some(slow_down));
    let check = |when: &'static str| {
        let project = &project;
        async move {
            let status = project
                .strata(&["status", "--url", url, "--json"])
                .success()
                .json();
            let entry = status["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["version"] == "2")
                .cloned()
                .unwrap_or_else(|| panic!("{kind}: {when}: status has no entry for 2: {status}"));
            let state = entry["state"].as_str().unwrap_or_default().to_owned();
            let committed = entry["applied"]["statementsCommitted"].as_i64();
            let (a, b) = (
                table_exists(kind, url, "a_done").await,
                table_exists(kind, url, "b_done").await,
            );
            assert!(
                !b,
                "{kind}: {when}: 2's third statement ran, yet the run was killed during its second"
            );
            match kind {
                // The transaction never committed: no trace of 2.
                // (3 applied, 2 is older: out of order.)
                DatabaseKind::Postgres | DatabaseKind::Sqlite => assert!(
                    state == "outOfOrder" && entry["applied"].is_null() && !a,
                    "{kind}: {when}: 2 should be pending with no table left (a_done exists: {a}): {entry}"
                ),
                // The journal says exactly what committed: statement 1 (a_done), of 3.
                DatabaseKind::Mysql => assert!(
                    state == "partial"
                        && committed == Some(1)
                        && entry["applied"]["statementsTotal"].as_i64() == Some(3)
                        && a,
                    "{kind}: {when}: 2 should be partial with statement 1 of 3 committed (a_done exists: {a}): {entry}"
                ),
            }
            format!("{state} ({} of 3 committed)", committed.unwrap_or(0))
        }
    };
    let state_now = check("right after the kill").await;
    // Past the end of the sleep the dead run's statement would have had, had it run on.
    let over = (sleeping_since + Duration::from_secs(SLEEP_S + 3))
        .saturating_duration_since(Instant::now());
    tokio::time::sleep(over).await;
    let state_later = check("once the slow statement would have ended").await;
    println!(
        "{kind}: killed strata up {:.1} s into 2's slow statement; the next run ended {:.2} s after the kill ({:.2} s run){}; 2 was {state_now} right after, {state_later} after the sleep's end",
        (killed_at - sleeping_since).as_secs_f64(),
        lock_after.as_secs_f64(),
        next.elapsed.as_secs_f64(),
        if ended_orphan { ", ending the orphaned statement" } else { "" },
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
