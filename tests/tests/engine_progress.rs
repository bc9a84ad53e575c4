//! Progress as a watching user sees it: with `statement_by_statement` (the app's run view) each
//! statement of a PostgreSQL migration is reported when it starts and when it ends, with its
//! own duration; batched (the CLI's default, one round trip per migration) the statements'
//! progress arrives together when the migration's text has run. Both apply the same. On
//! MariaDB a batched migration is one text too, each statement with its journal entry, and
//! each statement is reported as its result arrives.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use strata_core::engine::{self, RunOptions};
use strata_core::executor::Progress;
use strata_core::plan::Target;
use strata_core::DatabaseKind;
use strata_system_tests::servers::{TempProject, TestTarget};

/// A quick statement, a one-second one, a quick one.
const UP: &str = "CREATE TABLE a_first (id INTEGER PRIMARY KEY);\nSELECT pg_sleep(1);\nCREATE TABLE c_last (id INTEGER PRIMARY KEY);\n";
const DOWN: &str = "DROP TABLE c_last;\nDROP TABLE a_first;\n";

/// The same on MariaDB, with a data change whose rows are reported.
const MARIADB_UP: &str = "CREATE TABLE a_first (id INTEGER PRIMARY KEY);\nSELECT SLEEP(1);\nINSERT INTO a_first VALUES (1), (2), (3);\n";

/// Each progress event with the time since the run started.
async fn run(one_by_one: bool) -> Vec<(Duration, Progress)> {
    run_on(DatabaseKind::Postgres, UP, one_by_one).await
}

async fn run_on(kind: DatabaseKind, up: &str, one_by_one: bool) -> Vec<(Duration, Progress)> {
    let project = TempProject::new();
    project.write("1", "three", up, Some(DOWN));
    let target = TestTarget::create(kind).await;
    let mut options = RunOptions::new(Target::Latest);
    options.statement_by_statement = one_by_one;
    let seen: Arc<Mutex<Vec<(Duration, Progress)>>> = Arc::default();
    let log = seen.clone();
    let started = Instant::now();
    engine::run(
        target.url(),
        &project.migrations(),
        &options,
        move |p| log.lock().unwrap().push((started.elapsed(), p)),
        |_| {},
    )
    .await
    .expect("the migration applies");
    let events = seen.lock().unwrap().clone();
    events
}

fn started_at(events: &[(Duration, Progress)], n: u32) -> Duration {
    events
        .iter()
        .find_map(|(t, p)| {
            matches!(p, Progress::StatementStarted { index, .. } if *index == n).then_some(*t)
        })
        .unwrap_or_else(|| panic!("no start of statement {n}: {events:?}"))
}

fn finished(events: &[(Duration, Progress)], n: u32) -> (Duration, f64) {
    events
        .iter()
        .find_map(|(t, p)| match p {
            Progress::StatementFinished { index, ms, .. } if *index == n => Some((*t, *ms)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no end of statement {n}: {events:?}"))
}

#[tokio::test]
async fn statement_by_statement_reports_each_statement_as_it_runs_on_postgres() {
    let events = run(true).await;
    // Statement 2 (the second-long one) starts right after statement 1 ends, not a second
    // later, and its end comes about a second after its start.
    let (one_done, one_ms) = finished(&events, 1);
    let two_started = started_at(&events, 2);
    let (two_done, two_ms) = finished(&events, 2);
    println!("one by one: 1 done at {one_done:?} ({one_ms:.1} ms), 2 started at {two_started:?}, done at {two_done:?} ({two_ms:.1} ms)");
    assert!(
        two_done.saturating_sub(two_started) >= Duration::from_millis(900),
        "statement 2 was reported running for {:?}: {events:?}",
        two_done.saturating_sub(two_started)
    );
    assert!(one_ms < 900.0, "statement 1 took {one_ms} ms");
    assert!(two_ms >= 900.0, "statement 2 took {two_ms} ms");
    let three_started = started_at(&events, 3);
    assert!(three_started >= two_done, "{events:?}");
}

#[tokio::test]
async fn batched_progress_arrives_when_the_migration_text_has_run() {
    let events = run(false).await;
    // One round trip for the three statements: statement 2 is reported started only once
    // the text has run, a second in.
    let two_started = started_at(&events, 2);
    let (two_done, _) = finished(&events, 2);
    println!("batched: 2 started at {two_started:?}, done at {two_done:?}");
    assert!(
        two_done.saturating_sub(two_started) < Duration::from_millis(100),
        "{events:?}"
    );
}

#[tokio::test]
async fn mariadb_reports_each_statement_of_a_migration_sent_whole_as_it_ends() {
    for one_by_one in [false, true] {
        let events = run_on(DatabaseKind::Mysql, MARIADB_UP, one_by_one).await;
        let (one_done, one_ms) = finished(&events, 1);
        let two_started = started_at(&events, 2);
        let (two_done, two_ms) = finished(&events, 2);
        println!("MariaDB, one by one {one_by_one}: 1 done at {one_done:?} ({one_ms:.1} ms), 2 started at {two_started:?}, done at {two_done:?} ({two_ms:.1} ms)");
        // Statement 1's end is reported when it ends, not when the text has run a second later.
        assert!(
            two_done.saturating_sub(one_done) >= Duration::from_millis(900),
            "one by one {one_by_one}: {events:?}"
        );
        assert!(one_ms < 900.0 && two_ms >= 900.0, "{events:?}");
        assert!(started_at(&events, 3) >= two_done, "{events:?}");
        let rows = events.iter().find_map(|(_, p)| match p {
            Progress::StatementFinished { index: 3, rows, .. } => Some(*rows),
            _ => None,
        });
        assert_eq!(rows, Some(3.0), "{events:?}");
    }
}
