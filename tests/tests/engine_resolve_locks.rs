//! `strata resolve --resume` runs migration SQL, so it holds the same locks as a run: the
//! migration lock (a concurrent `strata up` waits for it and names the holder) and the
//! executor lock on the connection that runs the statements (so that when the resuming process
//! is killed, the next run finds the statement it left running on the server and ends it,
//! instead of reading a history that statement may still change).

use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use strata_core::driver::postgres::{EXEC_KEY, LOCK_KEY};
use strata_core::DatabaseKind;
use strata_system_tests::catalog::scalar;
use strata_system_tests::servers::{exec, strata_bin, strata_command, up, TempProject, TestTarget};

/// 2 fails at its statement 2 the first time (`rl_needed` is missing) after statement 1
/// committed; its statement 3 sleeps as long as `rl_pause` says. PostgreSQL runs it outside a
/// transaction by its directive, as MariaDB runs DDL.
fn project(kind: DatabaseKind) -> TempProject {
    let (directive, sleep) = match kind {
        DatabaseKind::Postgres => (
            "-- strata:no-transaction\n",
            "SELECT pg_sleep((SELECT s FROM rl_pause))",
        ),
        _ => ("", "DO SLEEP((SELECT s FROM rl_pause))"),
    };
    let p = TempProject::new();
    p.write(
        "1",
        "base",
        "CREATE TABLE rl_base (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE rl_base;\n"),
    );
    p.write(
        "2",
        "resumable",
        &format!("{directive}CREATE TABLE rl_a (id INTEGER PRIMARY KEY);\nINSERT INTO rl_needed (id) VALUES (1);\n{sleep};\nCREATE TABLE rl_b (id INTEGER PRIMARY KEY);\n"),
        Some("DROP TABLE IF EXISTS rl_b;\nDROP TABLE rl_a;\n"),
    );
    p
}

/// The connection running 2's sleep (0 when none).
async fn sleeper(kind: DatabaseKind, url: &str) -> i64 {
    let sql = match kind {
        DatabaseKind::Postgres => "SELECT coalesce(max(pid), 0)::bigint FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep((SELECT s FROM rl_pause))%'",
        _ => "SELECT CAST(COALESCE(MAX(ID), 0) AS SIGNED) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE '%SLEEP((SELECT s FROM rl_pause))%'",
    };
    scalar(url, sql).await
}

/// The connection holding the lock `key` (PostgreSQL) or `name:<database>` (MariaDB), 0 when
/// none.
async fn lock_owner(kind: DatabaseKind, url: &str, db: &str, key: i64, name: &str) -> i64 {
    let sql = match kind {
        DatabaseKind::Postgres => format!("SELECT coalesce(max(pid), 0)::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND objid = ({key}::bigint & 4294967295)::oid AND classid = ({key}::bigint >> 32)::oid"),
        _ => format!("SELECT CAST(COALESCE(IS_USED_LOCK('{name}:{db}'), 0) AS SIGNED)"),
    };
    scalar(url, &sql).await
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Wait for `a` and `b` to end, noting when each did; both are killed after `limit`.
fn wait_both(a: &mut Child, b: &mut Child, limit: Duration) -> [(ExitStatus, Instant); 2] {
    let started = Instant::now();
    let mut done: [Option<(ExitStatus, Instant)>; 2] = [None, None];
    loop {
        for (slot, child) in done.iter_mut().zip([&mut *a, &mut *b]) {
            if slot.is_none() {
                *slot = child.try_wait().unwrap().map(|s| (s, Instant::now()));
            }
        }
        if let [Some(x), Some(y)] = done {
            return [x, y];
        }
        if started.elapsed() > limit {
            for child in [a, b] {
                let _ = child.kill();
                let _ = child.wait();
            }
            panic!("strata resolve and strata up were still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A database where 2 is partial (statement 1 of 4 committed), `rl_needed` now exists and
/// `rl_pause` says `pause` seconds.
async fn partial(kind: DatabaseKind, pause: u32) -> (TestTarget, TempProject, String) {
    let p = project(kind);
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let db = match &target {
        TestTarget::Server(db) => db.name.clone(),
        TestTarget::Sqlite { .. } => unreachable!("a server test"),
    };
    exec(url, &["CREATE TABLE rl_pause (s INTEGER NOT NULL)"]).await;
    exec(
        url,
        &[&format!("INSERT INTO rl_pause (s) VALUES ({pause})")],
    )
    .await;
    let err = up(url, &p.migrations()).await.unwrap_err().to_string();
    assert!(err.contains("statement 2 of 4"), "{kind}: {err}");
    exec(url, &["CREATE TABLE rl_needed (id INTEGER PRIMARY KEY)"]).await;
    (target, p, db)
}

/// Start `strata resolve 2 --resume` and wait until its statement 3 sleeps; its stderr goes
/// to `log`.
async fn resume_until_it_sleeps(
    kind: DatabaseKind,
    p: &TempProject,
    url: &str,
    log: &Path,
) -> (Child, i64) {
    strata_bin();
    let mut child = strata_command(p.root(), &["resolve", "2", "--resume", "--url", url])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("strata starts");
    let started = Instant::now();
    loop {
        let id = sleeper(kind, url).await;
        if id != 0 {
            return (child, id);
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "{kind}: strata resolve ended ({status}) before its statement 3 slept:\n{}",
                read(log)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{kind}: the resume's statement 3 was not sleeping after 20 s:\n{}",
            read(log)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// While a resume sleeps in its statement 3: it holds both locks, and `strata up` waits for
/// it, names it, and applies 3 once the resume is done.
async fn a_resume_holds_the_run_locks(kind: DatabaseKind) {
    let (target, p, db) = partial(kind, 6).await;
    let url = target.url();
    p.write(
        "3",
        "after",
        "CREATE TABLE rl_c (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE rl_c;\n"),
    );
    let logs = tempfile::tempdir().unwrap();
    let (resume_log, up_log) = (logs.path().join("resume"), logs.path().join("up"));
    let (mut resume, statement_conn) = resume_until_it_sleeps(kind, &p, url, &resume_log).await;
    let executor = lock_owner(kind, url, &db, EXEC_KEY, "strata_exec").await;
    assert_eq!(
        executor, statement_conn,
        "{kind}: the connection running the resumed statements ({statement_conn}) should hold the executor lock; its holder is {executor} (0: nobody)"
    );
    let migration = lock_owner(kind, url, &db, LOCK_KEY, "strata_migrate").await;
    assert!(
        migration != 0 && migration != statement_conn,
        "{kind}: migration lock holder {migration}"
    );

    let mut run = strata_command(p.root(), &["up", "--url", url, "--lock-timeout", "60"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&up_log).unwrap())
        .spawn()
        .expect("strata starts");
    let [(resumed, resume_at), (applied, up_at)] =
        wait_both(&mut resume, &mut run, Duration::from_secs(60));
    let (resume_err, up_err) = (read(&resume_log), read(&up_log));
    assert!(
        resumed.success(),
        "{kind}: strata resolve failed:\n{resume_err}"
    );
    assert!(applied.success(), "{kind}: strata up failed:\n{up_err}");
    assert!(
        up_at >= resume_at,
        "{kind}: strata up ended before the resume it should wait for"
    );
    let waited = up_err
        .lines()
        .find_map(|l| l.strip_prefix("waiting for the migration lock held by "))
        .unwrap_or_else(|| panic!("{kind}: strata up did not say whom it waited for:\n{up_err}"));
    let named = match kind {
        DatabaseKind::Postgres => format!("pid {}", resume.id()),
        _ => format!("(server id {migration},"),
    };
    assert!(
        waited.contains(&named),
        "{kind}: the holder should be the resume ({named}): {waited}"
    );
    let applied_tables = scalar(url, &match kind {
        DatabaseKind::Postgres => "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('rl_b', 'rl_c')".to_owned(),
        _ => "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('rl_b', 'rl_c')".to_owned(),
    })
    .await;
    assert_eq!(
        applied_tables, 2,
        "{kind}: the resume made rl_b, the waiting up rl_c"
    );
}

/// A resume killed with SIGKILL while its statement sleeps: the next run ends the statement
/// it left running, and the history tells how far it got.
async fn a_killed_resume_leaves_no_orphan(kind: DatabaseKind) {
    let (target, p, _db) = partial(kind, 30).await;
    let url = target.url();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("resume");
    let (mut resume, _) = resume_until_it_sleeps(kind, &p, url, &log).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    resume.kill().expect("SIGKILL");
    assert_eq!(resume.wait().unwrap().signal(), Some(9), "{kind}");

    let next = p.strata(&["up", "--url", url, "--lock-timeout", "5"]);
    assert_eq!(
        sleeper(kind, url).await,
        0,
        "{kind}: the killed resume's statement still runs after the next run:\n{}",
        next.output()
    );
    assert!(
        next.code == Some(3)
            && next
                .stderr
                .contains("2 is partially applied (2 of 4 statements committed)"),
        "{kind}: the next run should refuse 2, partial after statement 2 of 4:\n{}",
        next.output()
    );
    if kind == DatabaseKind::Mysql {
        // MariaDB notices a dead client only when its statement ends: the next run ended it.
        assert!(
            next.stderr
                .contains("a run that is gone left a statement running; ending it"),
            "{kind}: the next run did not end the killed resume's statement:\n{}",
            next.output()
        );
    }
    exec(url, &["UPDATE rl_pause SET s = 0"]).await;
    p.strata(&["resolve", "2", "--resume", "--url", url])
        .success();
    p.strata(&["up", "--url", url]).success();
    let status = p
        .strata(&["status", "--url", url, "--json"])
        .success()
        .json();
    assert_eq!(status["entries"][1]["state"], "applied", "{kind}: {status}");
}

#[tokio::test]
async fn a_resume_holds_the_run_locks_mariadb() {
    a_resume_holds_the_run_locks(DatabaseKind::Mysql).await
}

#[tokio::test]
async fn a_resume_holds_the_run_locks_postgres() {
    a_resume_holds_the_run_locks(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn a_killed_resume_leaves_no_orphan_mariadb() {
    a_killed_resume_leaves_no_orphan(DatabaseKind::Mysql).await
}

#[tokio::test]
async fn a_killed_resume_leaves_no_orphan_postgres() {
    a_killed_resume_leaves_no_orphan(DatabaseKind::Postgres).await
}
