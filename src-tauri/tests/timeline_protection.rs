//! A production connection guards every write in the backend, whatever the UI sends: run,
//! baseline, repair and resolve refuse while it is read-only, and without the typed database
//! name or with a wrong one, before anything touches the database; with the right name they run.

mod support;

use strata_core::admin::ResolveAction;
use strata_core::plan::MigrationState;
use strata_desktop::commands::timeline::{RunAction, RunOutcome};
use strata_desktop::{runs, timeline, IpcError, IpcErrorCode};
use strata_project::EnvironmentTier;
use support::{App, Recorder, ScratchDatabase};

const V1: &str = "20240101000000";
const V2: &str = "20240102000000";

const FILES: &[(&str, &str)] = &[
    (
        "20240101000000_create_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    ),
    (
        "20240101000000_create_users.down.sql",
        "DROP TABLE users;\n",
    ),
    (
        "20240102000000_add_email.up.sql",
        "ALTER TABLE users ADD COLUMN email TEXT;\n",
    ),
    (
        "20240102000000_add_email.down.sql",
        "ALTER TABLE users DROP COLUMN email;\n",
    ),
];

/// Try every write against `target` with `typed`; each error.
async fn every_write(app: &App, target: &str, typed: Option<&str>) -> Vec<IpcError> {
    let project = app.project();
    let mut request = app.request(target, RunAction::Latest);
    request.confirmation = typed.map(str::to_owned);
    let run = runs::run(
        &app.state,
        request,
        "guarded".into(),
        Recorder::default().channel(),
    )
    .await;
    let baseline = runs::baseline(&app.state, &project, target, V1.into(), typed).await;
    let repair = runs::repair(
        &app.state,
        &project,
        target,
        V1.into(),
        "edited".into(),
        typed,
    )
    .await;
    let resolve = runs::resolve(
        &app.state,
        &project,
        target,
        V1.into(),
        ResolveAction::MarkResolved,
        typed,
    )
    .await;
    vec![
        run.map(drop).unwrap_err(),
        baseline.map(drop).unwrap_err(),
        repair.map(drop).unwrap_err(),
        resolve.map(drop).unwrap_err(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_production_connection_refuses_writes_without_the_typed_name() {
    let db = ScratchDatabase::create().await;
    let app = App::new(FILES);
    let prod = app.save_postgres(&db, EnvironmentTier::Production).await;

    // Read-only until unlocked, even with the right name.
    for err in every_write(&app, &prod, Some(&db.name)).await {
        assert_eq!(err.code, IpcErrorCode::Protected, "{err}");
        assert!(err.message.contains("read-only"), "{err}");
    }
    app.manager().unlock(&prod).unwrap();
    for typed in [
        None,
        Some(""),
        Some("wrong"),
        Some(&*db.name.to_uppercase()),
    ] {
        for err in every_write(&app, &prod, typed).await {
            assert_eq!(err.code, IpcErrorCode::Protected, "{typed:?}: {err}");
            assert!(err.message.contains(&db.name), "{err}");
            assert!(err.message.contains("nothing was applied"), "{err}");
        }
    }
    // Nothing reached the database: no history, no log, no tables.
    assert_eq!(db.history_len().await, 0);
    let events = strata_core::engine::events(&db.url, std::time::Duration::from_secs(10), 10)
        .await
        .unwrap();
    assert!(events.is_empty(), "{events:?}");
    assert!(!app.state.runs.is_running("guarded"));

    // The plan shows what must be typed.
    let plan = runs::plan(&app.state, app.request(&prod, RunAction::Latest))
        .await
        .unwrap();
    assert_eq!(
        plan.target.protection.confirm_name.as_deref(),
        Some(db.name.as_str())
    );
    assert!(
        !plan.target.protection.read_only,
        "unlocked for this session"
    );

    // With the right name every write goes through.
    let typed = Some(db.name.as_str());
    let mut request = app.request(&prod, RunAction::UpTo { version: V1.into() });
    request.confirmation = Some(db.name.clone());
    let outcome = runs::run(
        &app.state,
        request,
        "right".into(),
        Recorder::default().channel(),
    )
    .await
    .unwrap();
    assert!(
        matches!(outcome, RunOutcome::Finished { .. }),
        "{outcome:?}"
    );
    assert_eq!(db.history_len().await, 1);

    let report = runs::baseline(&app.state, &app.project(), &prod, V2.into(), typed)
        .await
        .unwrap();
    let recorded: Vec<&str> = report.recorded.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(recorded, [V2]);

    let up = app
        .root
        .join("migrations/20240101000000_create_users.up.sql");
    std::fs::write(
        &up,
        "-- reviewed\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    let t = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    let col = t.targets.iter().position(|c| c.id == prod).unwrap();
    assert_eq!(
        t.rows[0].cells[col].as_ref().unwrap().state,
        MigrationState::Modified
    );
    let err = runs::repair(
        &app.state,
        &app.project(),
        &prod,
        V1.into(),
        "  ".into(),
        typed,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput, "{err}");
    let repaired = runs::repair(
        &app.state,
        &app.project(),
        &prod,
        V1.into(),
        "comment".into(),
        typed,
    )
    .await
    .unwrap();
    assert_ne!(repaired.old_checksum, repaired.new_checksum);
    let t = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    assert_eq!(
        t.rows[0].cells[col].as_ref().unwrap().state,
        MigrationState::Applied
    );

    // Past the guard, the engine judges: nothing is partial here.
    let err = runs::resolve(
        &app.state,
        &app.project(),
        &prod,
        V1.into(),
        ResolveAction::MarkResolved,
        typed,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput, "{err}");
    assert!(err.message.contains("not partially applied"), "{err}");
}
