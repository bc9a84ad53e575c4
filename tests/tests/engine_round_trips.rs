//! The engine's bookkeeping rides in each migration's own round trips (history values written
//! as literals next to the migration's SQL, a PostgreSQL migration sent as one text, the MySQL
//! journal entry in the statement's own text), against real SQLite, PostgreSQL and MariaDB:
//! hostile text is stored and rolled back exactly, errors are placed in the file, a single
//! transaction is all or nothing, an up-to-date `up` needs no lock, and a SQLite file keeps its
//! journal mode.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::Connection as _;

use strata_core::driver::Session;
use strata_core::engine::{self, EngineError, RunOptions};
use strata_core::executor::{Direction, Executor, RunError, Step, StepStatement};
use strata_core::history::AppliedState;
use strata_core::lock::MigrationLock;
use strata_core::plan::Target;
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{events, history, scalar};
use strata_system_tests::servers::{TempProject, TestTarget, ALL_KINDS};

const T: Duration = Duration::from_secs(15);

async fn up(url: &str, project: &TempProject, single: bool) -> Result<(), EngineError> {
    let mut options = RunOptions::new(Target::Latest);
    options.single_transaction = single;
    engine::run(url, &project.migrations(), &options, |_| {}, |_| {})
        .await
        .map(drop)
}

async fn down_all(url: &str, project: &TempProject) -> Result<(), EngineError> {
    let options = RunOptions::new(Target::Zero);
    engine::run(url, &project.migrations(), &options, |_| {}, |_| {})
        .await
        .map(drop)
}

/// SQL whose text holds every quoting character of `kind`, valid on it.
fn hostile(kind: DatabaseKind) -> (String, String) {
    let up = match kind {
        DatabaseKind::Postgres => concat!(
            "-- a comment with ' and $$ and $strata_0$ and \\\n",
            "CREATE TABLE quotes (id integer PRIMARY KEY, t text);\n",
            "INSERT INTO quotes VALUES (1, 'it''s'), (2, 'back\\slash'), (3, $$dollar ' \" $x $$),\n",
            "  (4, $strata_1$tagged $$ '$strata_1$), (5, E'tab\\tand \\\\');\n",
            "CREATE FUNCTION quoted() RETURNS text LANGUAGE sql AS $body$ SELECT 'x''y'::text $body$;\n",
        ),
        DatabaseKind::Mysql => concat!(
            "-- a comment with ' and \" and ` and \\\n",
            "CREATE TABLE quotes (id INT PRIMARY KEY, `t``x` TEXT);\n",
            "INSERT INTO quotes VALUES (1, 'it''s'), (2, 'back\\\\slash'), (3, \"double \"\" ' \"),\n",
            "  (4, '$strata_1$ $$'), (5, 'tab\\tnew\\nline');\n",
        ),
        DatabaseKind::Sqlite => concat!(
            "-- a comment with ' and \" and $$\n",
            "CREATE TABLE quotes (id INTEGER PRIMARY KEY, \"t\"\"x\" TEXT);\n",
            "INSERT INTO quotes VALUES (1, 'it''s'), (2, 'back\\slash'), (3, '$$ $strata_1$'),\n",
            "  (4, 'x'), (5, 'y');\n",
        ),
    };
    let down = match kind {
        DatabaseKind::Postgres => "DROP FUNCTION quoted();\nDROP TABLE quotes; -- it's ' $$\n",
        _ => "DROP TABLE quotes; -- it's ' \" $$\n",
    };
    (up.to_owned(), down.to_owned())
}

#[tokio::test]
async fn hostile_text_is_stored_and_rolled_back_exactly() {
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        let project = TempProject::new();
        let (up_sql, down_sql) = hostile(kind);
        project.write("1", "quotes", &up_sql, Some(&down_sql));
        up(url, &project, false)
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(
            scalar(url, "SELECT COUNT(*) FROM quotes").await,
            5,
            "{kind}"
        );
        let rows = history(url).await;
        assert_eq!(rows.len(), 1, "{kind}");
        assert_eq!(rows[0].up_sql, up_sql, "{kind}: the stored up SQL");
        assert_eq!(
            rows[0].down_sql.as_deref(),
            Some(down_sql.as_str()),
            "{kind}: the stored down SQL"
        );
        assert_eq!(rows[0].state, AppliedState::Applied, "{kind}");
        // The rollback runs the stored text, not the file.
        project.remove("1", "quotes");
        let mut options = RunOptions::new(Target::Zero);
        options.allow_out_of_order = false;
        engine::run(url, &project.migrations(), &options, |_| {}, |_| {})
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(history(url).await.is_empty(), "{kind}");
        let evs = events(url).await;
        assert_eq!(evs.len(), 2, "{kind}: {evs:?}");
    }
}

/// A statement as the splitter places it: (text, line, column).
type Placed<'a> = (&'a str, u32, u32);

fn step(version: &str, statements: &[Placed]) -> Step {
    Step {
        direction: Direction::Up,
        version: version.into(),
        name: format!("step_{version}"),
        checksum: format!("{version:0>64}"),
        file: PathBuf::from(format!("migrations/{version}_step.up.sql")),
        statements: statements
            .iter()
            .map(|(sql, line, column)| StepStatement {
                sql: (*sql).to_owned(),
                line: *line,
                column: *column,
            })
            .collect(),
        up_sql: statements
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>()
            .join(";\n"),
        down_sql: None,
        transactional: true,
    }
}

#[tokio::test]
async fn postgres_places_errors_in_a_migration_sent_whole() {
    let target = TestTarget::create(DatabaseKind::Postgres).await;
    let mut s = Session::connect(target.url(), T).await.unwrap();
    s.ensure_history().await.unwrap();
    // (statement, line, column) as the splitter gives them; the second starts mid-line.
    let cases: [(&[Placed], &str, &str); 3] = [
        (
            &[
                ("CREATE TABLE a (id integer)", 1, 1),
                ("INSERT INTO a VALUES (1)", 1, 30),
                ("SELECT nope\n  FROM a", 2, 1),
            ],
            "statement 3 of 3, migrations/1_step.up.sql:2:8:",
            "column \"nope\" does not exist",
        ),
        (
            &[
                ("CREATE TABLE b (id integer)", 4, 1),
                ("CREATE TABLE c (\n  id integer,\n  x texxt)", 5, 1),
                ("SELECT 1", 8, 1),
            ],
            "statement 2 of 3, migrations/2_step.up.sql:7:5:",
            "type \"texxt\" does not exist",
        ),
        (
            &[
                ("CREATE TABLE d (id integer PRIMARY KEY)", 1, 1),
                ("INSERT INTO d VALUES (1), (1)", 2, 3),
                ("SELECT 1", 3, 1),
            ],
            "statement 2 of 3, migrations/3_step.up.sql:2:3:",
            "duplicate key",
        ),
    ];
    for (i, (statements, at, what)) in cases.into_iter().enumerate() {
        let version = (i + 1).to_string();
        let err = Executor::new(&mut s, |_| {})
            .run(&step(&version, statements))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains(at), "case {version}: {err}");
        assert!(err.contains(what), "case {version}: {err}");
        assert!(err.contains("Nothing was committed"), "{err}");
    }
    assert!(s.read_history().await.unwrap().is_empty());
    for table in ["a", "b", "c", "d"] {
        assert!(s.execute(&format!("SELECT * FROM {table}")).await.is_err());
    }
    // A syntax error stops the whole text before anything runs: placed all the same.
    let err = Executor::new(&mut s, |_| {})
        .run(&step(
            "4",
            &[("CREATE TABLE e (id integer)", 1, 1), ("SELEC 1", 2, 1)],
        ))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("statement 2 of 2, migrations/4_step.up.sql:2:1:"),
        "{err}"
    );
    assert_eq!(
        s.scalar_i64("SELECT COUNT(*) FROM strata_events WHERE outcome = 'failed'")
            .await
            .unwrap(),
        4
    );
    s.close().await;
}

#[tokio::test]
async fn postgres_refuses_a_nul_character_before_running_anything() {
    let target = TestTarget::create(DatabaseKind::Postgres).await;
    let mut s = Session::connect(target.url(), T).await.unwrap();
    s.ensure_history().await.unwrap();
    let mut st = step("1", &[("CREATE TABLE n (id integer)", 1, 1)]);
    st.up_sql = "CREATE TABLE n (id integer); -- \0".into();
    let err = Executor::new(&mut s, |_| {}).run(&st).await.unwrap_err();
    assert!(
        matches!(err, RunError::NulCharacter { .. }) && err.to_string().contains("NUL"),
        "{err}"
    );
    assert!(s.execute("SELECT * FROM n").await.is_err(), "it ran");
    assert!(s.read_history().await.unwrap().is_empty());
    s.close().await;
}

fn three(project: &TempProject, kind: DatabaseKind, third: &str) {
    let id = if kind == DatabaseKind::Mysql {
        "INT"
    } else {
        "INTEGER"
    };
    for (v, t) in [("1", "one"), ("2", "two")] {
        project.write(
            v,
            t,
            &format!("CREATE TABLE {t} (id {id} PRIMARY KEY);\nINSERT INTO {t} VALUES (1);\n"),
            Some(&format!("DROP TABLE {t};\n")),
        );
    }
    project.write("3", "three", third, Some("DROP TABLE three;\n"));
}

#[tokio::test]
async fn a_single_transaction_is_all_or_nothing() {
    for kind in [DatabaseKind::Sqlite, DatabaseKind::Postgres] {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        let project = TempProject::new();
        three(
            &project,
            kind,
            "CREATE TABLE three (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
        );
        let err = up(url, &project, true).await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("single transaction") && text.contains("2 migration(s)"),
            "{kind}: {text}"
        );
        assert!(history(url).await.is_empty(), "{kind}: something committed");
        for t in ["one", "two", "three"] {
            let mut s = Session::connect(url, T).await.unwrap();
            assert!(
                s.execute(&format!("SELECT * FROM {t}")).await.is_err(),
                "{kind}: {t} survived the rollback"
            );
            s.close().await;
        }
        // The failure is in the event log, the rolled-back applies are not.
        let evs = events(url).await;
        assert_eq!(evs.len(), 1, "{kind}: {evs:?}");

        three(&project, kind, "CREATE TABLE three (id INTEGER);\n");
        up(url, &project, true)
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        let rows = history(url).await;
        assert_eq!(rows.len(), 3, "{kind}");
        assert!(rows.iter().all(|r| r.state == AppliedState::Applied));
        let mut options = RunOptions::new(Target::Zero);
        options.single_transaction = true;
        engine::run(url, &project.migrations(), &options, |_| {}, |_| {})
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(history(url).await.is_empty(), "{kind}");
    }
}

#[tokio::test]
async fn a_single_transaction_is_refused_where_it_cannot_be() {
    let target = TestTarget::create(DatabaseKind::Mysql).await;
    let project = TempProject::new();
    three(
        &project,
        DatabaseKind::Mysql,
        "CREATE TABLE three (id INT);\n",
    );
    let err = up(target.url(), &project, true).await.unwrap_err();
    assert!(
        matches!(&err, EngineError::Run(e) if matches!(**e, RunError::SingleTransactionUnsupported { .. })),
        "{err}"
    );
    assert!(history(target.url()).await.is_empty());

    let target = TestTarget::create(DatabaseKind::Postgres).await;
    three(
        &project,
        DatabaseKind::Postgres,
        "-- strata:no-transaction\nCREATE TABLE three (id INTEGER);\n",
    );
    let err = up(target.url(), &project, true).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("3 (three) must run outside a transaction"),
        "{err}"
    );
    assert!(history(target.url()).await.is_empty(), "something ran");
}

#[tokio::test]
async fn mysql_journals_each_statement_of_a_migration_sent_whole() {
    let target = TestTarget::create(DatabaseKind::Mysql).await;
    let url = target.url();
    let project = TempProject::new();
    // A first statement that fails leaves nothing: no row, one failed event.
    project.write("1", "bad", "INSERT INTO missing VALUES (1);\n", None);
    let err = up(url, &project, false).await.unwrap_err().to_string();
    assert!(err.contains("statement 1 of 1"), "{err}");
    assert!(history(url).await.is_empty());
    assert_eq!(events(url).await.len(), 1);
    project.remove("1", "bad");
    // DDL, a data change, DDL that fails: the first two are journaled as committed.
    project.write(
        "1",
        "partial",
        "CREATE TABLE p (id INT PRIMARY KEY);\nINSERT INTO p VALUES (1), (2);\nCREATE TABLE p (id INT);\n",
        Some("DROP TABLE p;\n"),
    );
    let err = up(url, &project, false).await.unwrap_err().to_string();
    assert!(err.contains("Statements 1, 2 committed"), "{err}");
    let rows = history(url).await;
    assert_eq!(
        (rows.len(), rows[0].state, rows[0].statements_committed),
        (1, AppliedState::Partial, 2),
        "{rows:?}"
    );
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM p").await, 2);
}

/// MariaDB: a journal entry that fails after its statement committed (a cancel landing between
/// the two, here a trigger on the history table that refuses it once) still leaves an exact
/// record: the statement is recorded as committed, by the client, and the run stops before the
/// next one, which a resume then runs.
#[tokio::test]
async fn mariadb_a_failed_journal_entry_still_records_its_committed_statement() {
    // (the history change the trigger refuses once, what the run then says and records)
    let cases = [
        ("BEFORE INSERT", "TRUE", "Statements 1 committed", 1),
        (
            "BEFORE UPDATE",
            "NEW.statements_committed = 2",
            "Statements 1, 2 committed",
            2,
        ),
    ];
    for (when, condition, said, committed) in cases {
        let target = TestTarget::create(DatabaseKind::Mysql).await;
        let url = target.url();
        let project = TempProject::new();
        project.write("1", "first", "CREATE TABLE first_t (id INT);\n", None);
        up(url, &project, false).await.unwrap();
        let trigger = format!(
            "CREATE TRIGGER strata_trip {when} ON strata_migrations FOR EACH ROW BEGIN IF {condition} AND (SELECT n FROM trip) = 0 THEN UPDATE trip SET n = 1; SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'journal refused by the test'; END IF; END"
        );
        strata_system_tests::servers::exec(
            url,
            &[
                // Not transactional: the trip stays set when the signal undoes the statement.
                "CREATE TABLE trip (n INT) ENGINE = MyISAM",
                "INSERT INTO trip VALUES (0)",
                &trigger,
            ],
        )
        .await;
        project.write(
            "2",
            "three",
            "CREATE TABLE a2 (id INT);\nCREATE TABLE b2 (id INT);\nCREATE TABLE c2 (id INT);\n",
            Some("DROP TABLE c2;\nDROP TABLE b2;\nDROP TABLE a2;\n"),
        );
        let err = up(url, &project, false).await.unwrap_err().to_string();
        assert!(
            err.contains(said) && err.contains("journal refused by the test"),
            "{when}: {err}"
        );
        let rows = history(url).await;
        let row = rows.iter().find(|r| r.version == "2").expect("a row for 2");
        assert_eq!(
            (row.state, row.statements_committed),
            (AppliedState::Partial, committed),
            "{when}: {rows:?}"
        );
        let exists = |t: &'static str| strata_system_tests::servers::has_table(url, t);
        assert!(exists("a2").await && !exists("c2").await, "{when}");
        assert_eq!(exists("b2").await, committed == 2, "{when}");
        // Resuming runs exactly the statements that did not commit.
        project
            .strata(&["resolve", "2", "--resume", "--url", url])
            .success();
        let rows = history(url).await;
        let row = rows.iter().find(|r| r.version == "2").expect("a row for 2");
        assert_eq!(row.state, AppliedState::Applied, "{when}: {rows:?}");
        assert!(exists("b2").await && exists("c2").await, "{when}");
    }
}

/// MariaDB: a `CALL` whose procedure answers with a result and then fails is that statement's
/// failure (not Strata's bookkeeping's), and the journal says what committed before it.
#[tokio::test]
async fn mariadb_a_call_that_fails_after_a_result_is_the_statements_failure() {
    let target = TestTarget::create(DatabaseKind::Mysql).await;
    let url = target.url();
    let project = TempProject::new();
    project.write(
        "1",
        "procedure",
        "CREATE PROCEDURE p() BEGIN SELECT 1; SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'procedure failed'; END\n",
        None,
    );
    project.write(
        "2",
        "calls",
        "CREATE TABLE before_call (id INT);\nCALL p();\nCREATE TABLE after_call (id INT);\n",
        None,
    );
    let err = up(url, &project, false).await.unwrap_err().to_string();
    assert!(
        err.contains("statement 2 of 3")
            && err.contains("procedure failed")
            && err.contains("Statements 1 committed")
            && !err.contains("recording"),
        "{err}"
    );
    let rows = history(url).await;
    let row = rows.iter().find(|r| r.version == "2").expect("a row for 2");
    assert_eq!(
        (row.state, row.statements_committed),
        (AppliedState::Partial, 1),
        "{rows:?}"
    );
    let exists = |t: &'static str| strata_system_tests::servers::has_table(url, t);
    assert!(exists("before_call").await && !exists("after_call").await);
}

#[tokio::test]
async fn an_up_to_date_up_takes_no_lock() {
    for kind in [DatabaseKind::Postgres, DatabaseKind::Mysql] {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        let project = TempProject::new();
        three(&project, kind, "CREATE TABLE three (id INTEGER);\n");
        up(url, &project, false).await.unwrap();
        let held = MigrationLock::acquire(url, T, |_| {}).await.unwrap();
        let mut options = RunOptions::new(Target::Latest);
        options.lock_timeout = Duration::from_secs(2);
        let started = Instant::now();
        let mut waited = false;
        let report = engine::run(
            url,
            &project.migrations(),
            &options,
            |_| {},
            |_| waited = true,
        )
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(report.steps.is_empty() && !waited, "{kind}");
        assert!(started.elapsed() < Duration::from_secs(2), "{kind}");
        // With work to do, the run waits for the lock as before.
        project.write("4", "four", "CREATE TABLE four (id INTEGER);\n", None);
        let err = engine::run(url, &project.migrations(), &options, |_| {}, |_| {})
            .await
            .unwrap_err();
        assert!(err.to_string().contains("holds the lock"), "{kind}: {err}");
        held.release().await;
    }
}

#[tokio::test]
async fn a_sqlite_file_keeps_its_journal_mode() {
    for mode in ["delete", "wal"] {
        let target = TestTarget::create(DatabaseKind::Sqlite).await;
        let url = target.url();
        let mut s = Session::connect(url, T).await.unwrap();
        s.execute(&format!("PRAGMA journal_mode = {mode}"))
            .await
            .unwrap();
        s.close().await;
        let project = TempProject::new();
        three(
            &project,
            DatabaseKind::Sqlite,
            "CREATE TABLE three (id INTEGER);\n",
        );
        up(url, &project, false).await.unwrap();
        down_all(url, &project).await.unwrap();
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        let now: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
        assert_eq!(now, mode, "the run changed the file's journal mode");
        assert!(history(url).await.is_empty());
    }
}

#[tokio::test]
async fn postgres_times_a_migration_sent_whole() {
    let target = TestTarget::create(DatabaseKind::Postgres).await;
    let url = target.url();
    let project = TempProject::new();
    project.write(
        "1",
        "slow",
        "SELECT pg_sleep(0.06);\nCREATE TABLE slow (id integer);\n",
        Some("SELECT pg_sleep(0.06);\nDROP TABLE slow;\n"),
    );
    up(url, &project, false).await.unwrap();
    let rows = history(url).await;
    assert!(rows[0].execution_ms >= 60, "{rows:?}");
    down_all(url, &project).await.unwrap();
    // The event of each direction carries the server's time for the whole text.
    let durations = scalar(
        url,
        "SELECT COUNT(*) FROM strata_events WHERE outcome = 'ok' AND duration_ms >= 60 AND version = '1' AND name = 'slow' AND actor LIKE '%@%'",
    )
    .await;
    assert_eq!(durations, 2);
}
