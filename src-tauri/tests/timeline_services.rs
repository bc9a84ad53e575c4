//! The timeline's services against real databases: the embedded SQLite database and a saved
//! PostgreSQL connection (a scratch database) show pending then applied after a run, whose
//! progress arrives in order; a failure gives its exact account; a cancel stops a long
//! statement; the detail, and new migrations.

mod support;

use std::time::{Duration, Instant};

use strata_core::history::{EventKind, Outcome};
use strata_core::plan::MigrationState;
use strata_core::DatabaseKind;
use strata_desktop::commands::timeline::{
    CheckKind, HistoryFilter, RunAction, RunOutcome, EMBEDDED_TARGET,
};
use strata_desktop::{detail, history, runs, timeline, IpcErrorCode};
use strata_project::connections::PasswordInput;
use strata_project::{ConnectionProfile, EnvironmentTier, PasswordMode};
use support::{run_latest, App, Recorder, ScratchDatabase, FILES};

const V1: &str = "20240101000000";
const V2: &str = "20240102000000";
const V3: &str = "20240103000000";

fn states(t: &strata_desktop::commands::timeline::Timeline, col: usize) -> Vec<MigrationState> {
    t.rows
        .iter()
        .map(|r| {
            r.cells[col]
                .as_ref()
                .expect("a readable target has cells")
                .state
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_turns_pending_into_applied_with_progress_in_order() {
    let db = ScratchDatabase::create().await;
    let app = App::new(FILES);
    let pg = app.save_postgres(&db, EnvironmentTier::Development).await;

    let before = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    let ids: Vec<&str> = before.targets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, [EMBEDDED_TARGET, pg.as_str()]);
    assert!(before
        .targets
        .iter()
        .all(|t| t.error.is_none() && t.current.is_none()));
    let versions: Vec<&str> = before.rows.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, [V1, V2, V3]);
    assert_eq!(
        before.rows[2].description.as_deref(),
        Some("Orders placed by users")
    );
    assert!(before.rows[0].reversible && !before.rows[2].reversible);
    for col in 0..2 {
        assert_eq!(states(&before, col), [MigrationState::Pending; 3]);
    }

    let plan = runs::plan(&app.state, app.request(&pg, RunAction::Latest))
        .await
        .unwrap();
    assert_eq!(plan.steps.len(), 3);
    assert_eq!(
        plan.irreversible,
        [V3],
        "only the migration without a down part"
    );
    assert!(!plan.lock.held && plan.target.protection.confirm_name.is_none());
    assert_eq!(db.history_len().await, 0, "planning touched the database");

    for (target, key) in [(EMBEDDED_TARGET, "run-embedded"), (pg.as_str(), "run-pg")] {
        let (outcome, recorder) = run_latest(&app, target, key).await;
        let RunOutcome::Finished { report } = outcome else {
            panic!("{target}: {outcome:?}");
        };
        assert_eq!(report.steps.len(), 3);
        let events = recorder.all();
        assert_eq!(events[0]["event"], "started", "{events:?}");
        assert_eq!(events[0]["runKey"], key);
        assert_eq!(events[0]["steps"].as_array().unwrap().len(), 3);
        let expected = [
            format!("stepStarted {V1}"),
            format!("statementStarted {V1} 1"),
            format!("statementFinished {V1} 1"),
            format!("statementStarted {V1} 2"),
            format!("statementFinished {V1} 2"),
            format!("stepFinished {V1}"),
            format!("stepStarted {V2}"),
            format!("statementStarted {V2} 1"),
            format!("statementFinished {V2} 1"),
            format!("stepFinished {V2}"),
            format!("stepStarted {V3}"),
            format!("statementStarted {V3} 1"),
            format!("statementFinished {V3} 1"),
            format!("stepFinished {V3}"),
        ];
        assert_eq!(recorder.progress(), expected, "{target}");
        assert!(
            !app.state.runs.is_running(key),
            "the run key outlived its run"
        );
    }

    let after = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    for (col, target) in after.targets.iter().enumerate() {
        assert_eq!(
            states(&after, col),
            [MigrationState::Applied; 3],
            "{}",
            target.id
        );
        assert_eq!(target.current.as_deref(), Some(V3));
        for row in &after.rows {
            let applied = row.cells[col].as_ref().unwrap().applied.as_ref().unwrap();
            assert!(applied.execution_ms >= 0 && !applied.applied_by.is_empty());
        }
    }
    assert!(after.read_ms > 0.0);

    // A deleted file stays a row, where its version sorts; a new file after it is pending.
    std::fs::remove_file(
        app.root
            .join("migrations/20240103000000_create_orders.up.sql"),
    )
    .unwrap();
    std::fs::write(
        app.root.join("migrations/20240104000000_add_notes.up.sql"),
        "CREATE TABLE notes (id INTEGER);\n",
    )
    .unwrap();
    let gone = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    let rows: Vec<(&str, bool)> = gone
        .rows
        .iter()
        .map(|r| (r.version.as_str(), r.on_disk))
        .collect();
    assert_eq!(
        rows,
        [
            (V1, true),
            (V2, true),
            (V3, false),
            ("20240104000000", true)
        ]
    );
    assert_eq!(gone.rows[2].name, "create_orders");
    for col in 0..2 {
        assert_eq!(
            states(&gone, col)[2..],
            [MigrationState::MissingFile, MigrationState::Pending]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_statement_is_reported_and_rolled_back() {
    let db = ScratchDatabase::create().await;
    let app = App::new(&[
        FILES[0],
        FILES[1],
        (
            "20240102000000_audit.up.sql",
            "CREATE TABLE audit (id INTEGER);\nINSERT INTO missing_table VALUES (1);\n",
        ),
    ]);
    let pg = app.save_postgres(&db, EnvironmentTier::Development).await;
    let (outcome, recorder) = run_latest(&app, &pg, "failing").await;
    let RunOutcome::Failed { failure, error } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(
        (failure.version.as_str(), failure.index, failure.total),
        (V2, 2, 2)
    );
    // PostgreSQL points at the missing table itself: line 2, column 13.
    assert_eq!((failure.line, failure.column), (2, 13));
    assert!(
        failure.statement.contains("INSERT INTO missing_table"),
        "{failure:?}"
    );
    assert!(
        failure.message.contains("missing_table"),
        "{}",
        failure.message
    );
    assert!(
        failure.file.ends_with("20240102000000_audit.up.sql"),
        "{}",
        failure.file
    );
    assert!(failure.rolled_back && failure.committed.is_empty());
    assert_eq!(failure.completed, [V1]);
    assert_eq!(error.code, IpcErrorCode::Database);
    assert!(error.message.contains("missing_table"), "{}", error.message);
    assert!(recorder.progress().contains(&format!("stepFinished {V1}")));
    // Rolled back: the table it created is gone and the history says pending.
    let err = db.execute("SELECT 1 FROM audit").await.unwrap_err();
    assert!(err.contains("audit"), "{err}");
    let t = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    assert_eq!(
        states(&t, 1),
        [MigrationState::Applied, MigrationState::Pending]
    );
    // The failure is in the log.
    let log = history::log(&app.state, &app.project(), &HistoryFilter::default())
        .await
        .unwrap();
    let failed: Vec<_> = log
        .events
        .iter()
        .filter(|e| e.event.outcome == Outcome::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].target, pg);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_a_long_statement_within_two_seconds() {
    let db = ScratchDatabase::create().await;
    let app = App::new(&[("20240101000000_slow.up.sql", "SELECT pg_sleep(30);\n")]);
    let pg = app.save_postgres(&db, EnvironmentTier::Development).await;
    let recorder = Recorder::default();
    let (state, request, channel) = (
        app.state.clone(),
        app.request(&pg, RunAction::Latest),
        recorder.channel(),
    );
    let running =
        tokio::spawn(async move { runs::run(&state, request, "slow".into(), channel).await });
    let waited = Instant::now();
    while !recorder
        .progress()
        .iter()
        .any(|p| p.starts_with("statementStarted"))
    {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "the statement never started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.state.runs.is_running("slow"));
    assert!(!app.state.runs.cancel("another-key"));
    let cancelled_at = Instant::now();
    assert!(app.state.runs.cancel("slow"));
    let outcome = running.await.unwrap().unwrap();
    let took = cancelled_at.elapsed();
    assert!(took < Duration::from_secs(2), "the cancel took {took:?}");
    let RunOutcome::Cancelled { message, completed } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(
        message.contains("cancelled") && message.contains("rolled back"),
        "{message}"
    );
    assert!(completed.is_empty());
    assert!(!app.state.runs.is_running("slow") && !app.state.runs.cancel("slow"));
    let t = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    assert_eq!(states(&t, 1), [MigrationState::Pending]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_gives_an_account_of_what_is_known() {
    let db = ScratchDatabase::create().await;
    let app = App::new(&[(
        "20240101000000_slow.up.sql",
        "CREATE TABLE lost_t (id int);\nSELECT pg_sleep(31);\n",
    )]);
    let pg = app.save_postgres(&db, EnvironmentTier::Development).await;
    let recorder = Recorder::default();
    let (state, request, channel) = (
        app.state.clone(),
        app.request(&pg, RunAction::Latest),
        recorder.channel(),
    );
    let running =
        tokio::spawn(async move { runs::run(&state, request, "lost".into(), channel).await });
    let waited = Instant::now();
    while !recorder
        .progress()
        .iter()
        .any(|p| p.starts_with("statementStarted") && p.ends_with(" 2"))
    {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "the sleep never started: {:?}",
            recorder.progress()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The server ends the run's connection, as a restart or a network cut would.
    db.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(31)%'",
    )
    .await
    .unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(15), running)
        .await
        .expect("the run ends once its connection is gone")
        .unwrap()
        .unwrap();
    let RunOutcome::Failed { failure, error } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!((failure.index, failure.total), (2, 2), "{failure:?}");
    assert!(failure.rolled_back, "{failure:?}");
    let known = failure
        .connection_lost
        .as_deref()
        .expect("marked as a lost connection");
    assert!(
        known.contains("rolled back") && known.contains("run again"),
        "{known}"
    );
    assert!(
        error.message.contains("connection") && error.message.contains("lost"),
        "{}",
        error.message
    );
    // What the account says holds: the table of statement 1 rolled back with the migration.
    let t = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    assert_eq!(states(&t, 1), [MigrationState::Pending]);
    assert!(db.execute("SELECT * FROM lost_t").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_shows_statements_checks_and_the_stored_sql() {
    let app = App::new(FILES);
    let (outcome, _) = run_latest(&app, EMBEDDED_TARGET, "detail").await;
    assert!(
        matches!(outcome, RunOutcome::Finished { .. }),
        "{outcome:?}"
    );
    let up = app
        .root
        .join("migrations/20240101000000_create_users.up.sql");
    let edited = format!("-- reviewed\n{}", std::fs::read_to_string(&up).unwrap());
    std::fs::write(&up, &edited).unwrap();

    let d = detail::detail(&app.state, &app.project(), V1)
        .await
        .unwrap();
    let part = d.up.as_ref().unwrap();
    assert_eq!(part.sql, edited);
    let starts: Vec<(u32, u32)> = part.statements.iter().map(|s| (s.index, s.line)).collect();
    assert_eq!(starts, [(1, 2), (2, 3)]);
    assert!(part.statements[1].sql.starts_with("INSERT INTO users"));
    assert_eq!(d.down.as_ref().unwrap().statements.len(), 1);
    assert_eq!(d.stored.len(), 1);
    let stored = &d.stored[0];
    assert_eq!(stored.target, EMBEDDED_TARGET);
    assert!(!stored.up_matches_file && stored.down_matches_file);
    assert!(stored.up_sql.starts_with("CREATE TABLE users") && !stored.up_sql.contains("reviewed"));
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].event.kind, EventKind::Apply);
    assert!(d.failures.is_empty());
    assert!(!d.checks.iter().any(|c| c.kind == CheckKind::MissingDown));

    let d3 = detail::detail(&app.state, &app.project(), V3)
        .await
        .unwrap();
    assert!(d3.down.is_none());
    assert!(
        d3.checks.iter().any(|c| c.kind == CheckKind::MissingDown),
        "{:?}",
        d3.checks
    );
    assert!(!d3
        .checks
        .iter()
        .any(|c| c.kind == CheckKind::ImplicitCommit));

    // Once a MySQL/MariaDB database is a target, its implicit commits are checks too.
    let mut mysql = ConnectionProfile::new("maria", DatabaseKind::Mysql, EnvironmentTier::Testing);
    (mysql.host, mysql.port, mysql.user, mysql.database) =
        ("127.0.0.1".into(), Some(3306), "root".into(), "test".into());
    mysql.tls.mode = strata_project::TlsMode::Prefer;
    mysql.password = PasswordMode::None;
    mysql.project_dir = Some(app.root.clone());
    app.manager()
        .save(mysql, PasswordInput::Keep)
        .await
        .unwrap();
    let d3 = detail::detail(&app.state, &app.project(), V3)
        .await
        .unwrap();
    let implicit: Vec<_> = (d3.checks.iter())
        .filter(|c| c.kind == CheckKind::ImplicitCommit)
        .collect();
    assert_eq!(implicit.len(), 1, "{:?}", d3.checks);
    assert_eq!(
        (implicit[0].line, implicit[0].engine),
        (Some(2), Some(DatabaseKind::Mysql))
    );
    assert!(
        implicit[0].message.contains("cannot be rolled back"),
        "{:?}",
        implicit[0]
    );
    let err = detail::detail(&app.state, &app.project(), "20991231000000")
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound, "{err}");
}

#[tokio::test]
async fn new_migration_creates_the_pair_and_rejects_paths() {
    let app = App::new(FILES);
    let made = timeline::new_migration(&app.project(), "Add phone to users").unwrap();
    assert_eq!(made.name, "add_phone_to_users");
    assert_eq!(made.version.len(), 14, "{}", made.version);
    assert!(std::path::Path::new(&made.up_path).is_file());
    assert!(std::path::Path::new(made.down_path.as_ref().unwrap()).is_file());
    assert!(made
        .up_path
        .starts_with(&app.root.join("migrations").display().to_string()));

    for bad in ["../x", "a/b", "a\\b", "", "   ", "!!!"] {
        let err = timeline::new_migration(&app.project(), bad).unwrap_err();
        assert_eq!(err.code, IpcErrorCode::InvalidInput, "{bad:?}: {err}");
        assert!(err.message.contains("create users"), "{bad:?}: {err}");
    }
    assert!(!app.root.join("x.up.sql").exists());
    let files = std::fs::read_dir(app.root.join("migrations"))
        .unwrap()
        .count();
    assert_eq!(files, FILES.len() + 2, "a rejected name created files");
}
