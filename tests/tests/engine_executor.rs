//! The executor against real SQLite, PostgreSQL and MariaDB: history rows and events, atomic
//! failure on PostgreSQL/SQLite, the statement journal on MariaDB, rollback from stored SQL,
//! and the migration lock naming its holder.

use std::path::PathBuf;
use std::time::Duration;

use strata_core::driver::Session;
use strata_core::executor::{Direction, Executor, RunError, Step, StepStatement};
use strata_core::history::AppliedState;
use strata_core::lock::{LockError, MigrationLock};
use strata_core::DatabaseKind;
use strata_system_tests::servers::{TestTarget, ALL_KINDS};

const T: Duration = Duration::from_secs(10);

fn step(direction: Direction, version: &str, statements: &[&str], down: Option<&str>) -> Step {
    let text = statements.join(";\n");
    Step {
        direction,
        version: version.into(),
        name: format!("step_{version}"),
        checksum: format!("{version:0>64}"),
        file: PathBuf::from(format!("migrations/{version}_step.up.sql")),
        statements: statements
            .iter()
            .enumerate()
            .map(|(i, s)| StepStatement {
                sql: (*s).to_owned(),
                line: i as u32 + 1,
                column: 1,
            })
            .collect(),
        up_sql: text,
        down_sql: down.map(str::to_owned),
        transactional: true,
    }
}

async fn count(session: &mut Session, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    session
        .scalar_i64(&sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn apply_records_history_and_events_on_every_engine() {
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let mut s = Session::connect(target.url(), T).await.unwrap();
        s.ensure_history().await.unwrap();
        let mut seen = Vec::new();
        {
            let mut ex = Executor::new(&mut s, |p| seen.push(p));
            ex.run(&step(
                Direction::Up,
                "1",
                &[
                    "CREATE TABLE a (id INTEGER PRIMARY KEY)",
                    "INSERT INTO a (id) VALUES (1)",
                ],
                Some("DROP TABLE a"),
            ))
            .await
            .unwrap();
            ex.run(&step(
                Direction::Up,
                "2",
                &["CREATE TABLE b (id INTEGER PRIMARY KEY)"],
                Some("DROP TABLE b"),
            ))
            .await
            .unwrap();
        }
        let history = s.read_history().await.unwrap();
        let versions: Vec<_> = history
            .iter()
            .map(|h| (h.version.as_str(), h.state))
            .collect();
        assert_eq!(versions.len(), 2, "{kind}: {versions:?}");
        assert!(
            history
                .iter()
                .all(|h| h.state == AppliedState::Applied && h.applied_by.contains('@')),
            "{kind}"
        );
        assert_eq!(
            history
                .iter()
                .find(|h| h.version == "1")
                .unwrap()
                .statements_committed,
            2,
            "{kind}"
        );
        assert_eq!(count(&mut s, "a").await, 1, "{kind}");
        assert_eq!(count(&mut s, "strata_events").await, 2, "{kind}");
        assert!(
            seen.len() >= 2 * 2 + 3 * 2,
            "{kind}: progress events {seen:?}"
        );

        // Roll back from the SQL stored at apply time, not from any file.
        let stored = history
            .iter()
            .find(|h| h.version == "2")
            .unwrap()
            .down_sql
            .clone()
            .unwrap();
        Executor::new(&mut s, |_| {})
            .run(&step(Direction::Down, "2", &[&stored], None))
            .await
            .unwrap();
        let left: Vec<_> = s
            .read_history()
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.version)
            .collect();
        assert_eq!(left, ["1"], "{kind}");
        assert!(
            s.execute("SELECT * FROM b").await.is_err(),
            "{kind}: table b survived its rollback"
        );
        s.close().await;
    }
}

#[tokio::test]
async fn a_failing_statement_leaves_an_exact_record() {
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let mut s = Session::connect(target.url(), T).await.unwrap();
        s.ensure_history().await.unwrap();
        let bad = step(
            Direction::Up,
            "7",
            &[
                "CREATE TABLE c (id INTEGER PRIMARY KEY)",
                "INSERT INTO c (id) VALUES (1)",
                "INSERT INTO no_such_table VALUES (1)",
            ],
            Some("DROP TABLE c"),
        );
        let err = Executor::new(&mut s, |_| {}).run(&bad).await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("statement 3 of 3") && text.contains("migrations/7_step.up.sql:3:"),
            "{kind}: {text}"
        );
        assert!(text.contains("no_such_table"), "{kind}: {text}");
        let RunError::Statement { record, .. } = &err else {
            panic!("{kind}: {err:?}")
        };
        let history = s.read_history().await.unwrap();
        match kind {
            DatabaseKind::Mysql => {
                // DDL committed implicitly: the journal names exactly what committed. The two
                // INSERTs were one group, which the failure rolled back whole.
                assert!(!record.rolled_back, "{kind}");
                assert_eq!(record.committed, [1], "{kind}");
                assert_eq!(history.len(), 1, "{kind}");
                assert_eq!(
                    (history[0].state, history[0].statements_committed),
                    (AppliedState::Partial, 1),
                    "{kind}"
                );
                assert!(text.contains("Statements 1 committed"), "{kind}: {text}");
                assert_eq!(count(&mut s, "c").await, 0, "{kind}: the group's row");
            }
            _ => {
                assert!(record.rolled_back, "{kind}");
                assert!(history.is_empty(), "{kind}: {history:?}");
                assert!(
                    s.execute("SELECT * FROM c").await.is_err(),
                    "{kind}: table c survived the rollback"
                );
                assert!(text.contains("Nothing was committed"), "{kind}: {text}");
            }
        }
        // The failure itself is in the event log.
        assert_eq!(
            s.scalar_i64("SELECT COUNT(*) FROM strata_events WHERE outcome <> 'ok'")
                .await
                .unwrap(),
            1,
            "{kind}"
        );
        s.close().await;
    }
}

#[tokio::test]
async fn postgres_error_position_maps_to_the_file_line() {
    let target = TestTarget::create(DatabaseKind::Postgres).await;
    let mut s = Session::connect(target.url(), T).await.unwrap();
    s.ensure_history().await.unwrap();
    let mut st = step(Direction::Up, "9", &["SELECT 1"], None);
    st.statements = vec![StepStatement {
        sql: "CREATE TABLE d (\n  id integer,\n  name texxt\n)".into(),
        line: 10,
        column: 1,
    }];
    let err = Executor::new(&mut s, |_| {})
        .run(&st)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(":12:8:"),
        "line 10 + 2, column of `texxt`: {err}"
    );
    assert!(err.contains("type \"texxt\" does not exist"), "{err}");
}

#[tokio::test]
async fn a_second_run_waits_for_the_lock_and_names_the_holder() {
    for kind in [DatabaseKind::Postgres, DatabaseKind::Mysql] {
        let target = TestTarget::create(kind).await;
        let held = MigrationLock::acquire(target.url(), T, |_| {})
            .await
            .unwrap();
        let mut told = None;
        let started = std::time::Instant::now();
        let err = MigrationLock::acquire(target.url(), Duration::from_millis(800), |h| {
            told = h.cloned()
        })
        .await
        .err()
        .expect("the second lock must wait and time out");
        assert!(started.elapsed() >= Duration::from_millis(800), "{kind}");
        let LockError::Timeout { holder, .. } = &err else {
            panic!("{kind}: {err}")
        };
        let holder = holder
            .as_ref()
            .unwrap_or_else(|| panic!("{kind}: no holder in {err}"));
        assert!(
            told.is_some(),
            "{kind}: the waiter was not told who holds the lock"
        );
        if kind == DatabaseKind::Postgres {
            assert!(
                holder.who.starts_with("strata ")
                    && holder.who.contains(&format!("pid {}", std::process::id())),
                "{kind}: {holder}"
            );
        }
        assert!(err.to_string().contains("holds the lock"), "{kind}: {err}");
        held.release().await;
        // Released: the next run takes it at once.
        let again = MigrationLock::acquire(target.url(), Duration::from_secs(2), |_| {})
            .await
            .unwrap();
        again.release().await;
    }
}

#[tokio::test]
async fn a_dropped_lock_is_freed_by_the_server() {
    for kind in [DatabaseKind::Postgres, DatabaseKind::Mysql] {
        let target = TestTarget::create(kind).await;
        let held = MigrationLock::acquire(target.url(), T, |_| {})
            .await
            .unwrap();
        drop(held); // as on a panic or a killed task: no release call
        let started = std::time::Instant::now();
        let again = MigrationLock::acquire(target.url(), Duration::from_secs(5), |_| {})
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "{kind}");
        again.release().await;
    }
}

#[tokio::test]
async fn a_newer_history_format_is_refused() {
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let mut s = Session::connect(target.url(), T).await.unwrap();
        s.ensure_history().await.unwrap();
        s.execute("UPDATE strata_meta SET value = '99'")
            .await
            .unwrap();
        let err = s.read_history().await.unwrap_err().to_string();
        assert!(
            err.contains("history format 99") && err.contains("Upgrade Strata"),
            "{kind}: {err}"
        );
        s.close().await;
    }
}

/// MariaDB: consecutive data changes after DDL commit once, as a group. A failure inside the
/// group rolls all of it back, and the journal says exactly that: only the DDL before it
/// committed, so a resume starts at the group's first statement and finishes the migration.
#[tokio::test]
async fn mariadb_a_failure_inside_a_run_of_inserts_rolls_the_run_back() {
    use strata_core::admin::{self, AdminOptions, ResolveAction};
    use strata_core::engine::{self, EngineError};
    use strata_system_tests::servers::{exec, up, TempProject};

    let target = TestTarget::create(DatabaseKind::Mysql).await;
    let url = target.url();
    let statements = [
        "CREATE TABLE grp (id INT PRIMARY KEY)",
        "INSERT INTO grp (id) VALUES (1)",
        "INSERT INTO grp (id) VALUES (2)",
        "INSERT INTO needed_by_grp (id) VALUES (3)",
        "INSERT INTO grp (id) VALUES (4)",
        "CREATE INDEX grp_id ON grp (id)",
        "INSERT INTO grp (id) VALUES (6)",
    ];
    let p = TempProject::new();
    let sql: String = statements.iter().map(|s| format!("{s};\n")).collect();
    p.write("1", "grouped", &sql, Some("DROP TABLE grp;\n"));
    let set = p.migrations();

    let err = up(url, &set).await.unwrap_err();
    let EngineError::Run(run_err) = &err else {
        panic!("not a run error: {err:?}")
    };
    let RunError::Statement { index, record, .. } = &**run_err else {
        panic!("not a statement error: {run_err:?}")
    };
    assert_eq!(*index, 4, "{err}");
    // Statements 2 and 3 ran, but in the group that statement 4 rolled back.
    assert!(!record.rolled_back, "{record:?}");
    assert_eq!(record.committed, [1], "{err}");
    assert!(err.to_string().contains("Statements 1 committed"), "{err}");
    let mut s = Session::connect(url, T).await.unwrap();
    assert_eq!(
        count(&mut s, "grp").await,
        0,
        "the group's rows are rolled back"
    );
    let history = s.read_history().await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(
        (
            history[0].state,
            history[0].statements_committed,
            history[0].statements_total
        ),
        (AppliedState::Partial, 1, 7)
    );
    // The event lists statement 1 alone as committed.
    let listed = "SELECT COUNT(*) FROM strata_events WHERE outcome = 'partial' AND detail = CONCAT('committed statements:', CHAR(10), '1: CREATE TABLE grp (id INT PRIMARY KEY)')";
    assert_eq!(s.scalar_i64(listed).await.unwrap(), 1);
    s.close().await;

    // Fixed, the resume starts at statement 2 and runs the rest.
    exec(url, &["CREATE TABLE needed_by_grp (id INT PRIMARY KEY)"]).await;
    let v = engine::parse_version(&set, "1").unwrap();
    let report = admin::resolve(
        url,
        &set,
        &v,
        ResolveAction::Resume,
        &AdminOptions::default(),
    )
    .await
    .unwrap();
    assert!(report.applied, "{report:?}");
    assert!(
        report.detail.contains("at statement 2 of 7"),
        "{}",
        report.detail
    );
    let mut s = Session::connect(url, T).await.unwrap();
    assert_eq!(count(&mut s, "grp").await, 4, "rows 1, 2, 4 and 6");
    assert_eq!(count(&mut s, "needed_by_grp").await, 1);
    let history = s.read_history().await.unwrap();
    assert_eq!(
        (history[0].state, history[0].statements_committed),
        (AppliedState::Applied, 7)
    );
    s.close().await;
}

/// MariaDB: a migration that starts with a group of data changes and fails inside it leaves
/// nothing: no rows, no history row (it was written in the group), one failed event.
#[tokio::test]
async fn mariadb_a_failing_first_group_leaves_no_history_row() {
    let target = TestTarget::create(DatabaseKind::Mysql).await;
    let mut s = Session::connect(target.url(), T).await.unwrap();
    s.ensure_history().await.unwrap();
    s.execute("CREATE TABLE pre (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let bad = step(
        Direction::Up,
        "3",
        &[
            "INSERT INTO pre (id) VALUES (1)",
            "UPDATE pre SET id = 2 WHERE id = 1",
            "DELETE FROM no_such_table",
            "CREATE TABLE post (id INT PRIMARY KEY)",
        ],
        None,
    );
    let err = Executor::new(&mut s, |_| {}).run(&bad).await.unwrap_err();
    let RunError::Statement { index, record, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*index, record.committed.as_slice()), (3, &[][..]), "{err}");
    assert!(
        err.to_string().contains("No statement had committed"),
        "{err}"
    );
    assert_eq!(count(&mut s, "pre").await, 0);
    assert!(s.read_history().await.unwrap().is_empty());
    assert_eq!(
        s.scalar_i64("SELECT COUNT(*) FROM strata_events WHERE outcome = 'failed'")
            .await
            .unwrap(),
        1
    );
    s.close().await;
}
