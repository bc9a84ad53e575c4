//! The Schema screen's scratch-database checks against real databases: drift of the embedded
//! SQLite database (clean, then a column added by hand, with the migration that records it),
//! Test rollback of the folder and of one migration (a down part that forgets a column is
//! named), the schema at a version compared with a saved PostgreSQL connection, and a user
//! without CREATEDB told so in the engine's own words.

mod support;

use strata_core::schema::roundtrip::RoundTripProgress;
use strata_desktop::commands::timeline::EMBEDDED_TARGET;
use strata_desktop::{schema::checks, IpcErrorCode};
use strata_project::connections::PasswordInput;
use strata_project::{ConnectionProfile, EnvironmentTier, PasswordMode};
use support::{diff_lines, run_latest, App, ScratchDatabase, FILES};

const V1: &str = "20240101000000";
const V2: &str = "20240102000000";
const V3: &str = "20240103000000";

fn embedded_url(app: &App) -> String {
    let path = strata_project::paths::demo_database(&app.state.data_dir);
    format!("sqlite:{}", path.display())
}

async fn execute(url: &str, sql: &str) {
    let mut s = strata_core::driver::Session::connect(url, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    s.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_of_the_embedded_database_names_a_hand_made_column() {
    let app = App::new(FILES);
    run_latest(&app, EMBEDDED_TARGET, "apply").await;
    let clean = checks::drift_of(&app.state, &app.project(), EMBEDDED_TARGET)
        .await
        .unwrap();
    assert_eq!(clean.replayed, [V1, V2, V3]);
    assert!(
        clean.diff.namespaces.is_empty(),
        "{:?}",
        diff_lines(&clean.diff)
    );
    assert_eq!((clean.counts.added, clean.counts.changed), (0, 0));
    assert_eq!(clean.target_label, "Demo database (embedded)");
    assert_eq!(clean.expected_ddl, clean.actual_ddl);

    execute(
        &embedded_url(&app),
        "ALTER TABLE users ADD COLUMN nickname TEXT",
    )
    .await;
    let drifted = checks::drift_of(&app.state, &app.project(), EMBEDDED_TARGET)
        .await
        .unwrap();
    assert_eq!(
        diff_lines(&drifted.diff),
        ["changed Table users", "added Column users.nickname"]
    );
    assert_eq!(drifted.counts.added, 1);
    assert!(drifted.actual_ddl.contains("nickname") && !drifted.expected_ddl.contains("nickname"));
    // The migration that records the change: on a database its migrations built, its up part
    // gives the drifted schema, and its down part takes it back.
    assert_eq!(drifted.generate_refused, None);
    assert!(drifted.up.contains("nickname"), "{}", drifted.up);
    let other = tempfile::tempdir().unwrap();
    let other_url = format!("sqlite:{}", other.path().join("other.sqlite3").display());
    let set = strata_project::Project::open(&app.root)
        .unwrap()
        .migrations()
        .unwrap();
    let options = strata_core::engine::RunOptions::new(strata_core::plan::Target::Latest);
    strata_core::engine::run(&other_url, &set, &options, |_| {}, |_| {})
        .await
        .unwrap();
    execute(&other_url, &drifted.up).await;
    let same = strata_core::schema::compare::compare(&embedded_url(&app), &other_url)
        .await
        .unwrap();
    assert!(same.is_empty(), "{}", same.diff.to_text());
    execute(&other_url, &drifted.down).await;
    let back = strata_core::schema::compare::compare(&embedded_url(&app), &other_url)
        .await
        .unwrap();
    assert_eq!(
        diff_lines(&back.diff),
        ["changed Table users", "removed Column users.nickname"]
    );

    // Written as a migration: the down part drops the column by rebuilding the table, whose
    // PRAGMA must run outside a transaction, so that part says so and the project reads it so.
    assert!(
        drifted.down.contains("PRAGMA foreign_keys"),
        "SQLite drops the column by rebuilding the table: {}",
        drifted.down
    );
    let made = strata_desktop::schema::write_generated(
        &app.project(),
        "record nickname",
        &drifted.up,
        &drifted.down,
    )
    .unwrap();
    let down = std::fs::read_to_string(made.down_path.as_ref().unwrap()).unwrap();
    assert!(down.starts_with("-- strata:no-transaction\n"), "{down}");
    let up = std::fs::read_to_string(&made.up_path).unwrap();
    assert!(!up.contains("no-transaction"), "{up}");
    let set = strata_project::Project::open(&app.root)
        .unwrap()
        .migrations()
        .unwrap();
    let m = set.migrations.last().unwrap();
    assert!(m.down.as_ref().unwrap().no_transaction && !m.up.no_transaction);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_rollback_reports_each_migration_and_what_down_forgot() {
    let app = App::new(FILES);
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = heard.clone();
    let tell = move |p: RoundTripProgress| {
        let phase = format!("{:?}", p.phase);
        keep.lock()
            .unwrap()
            .push(format!("{}/{} {} {phase}", p.index, p.total, p.version));
    };
    let all = checks::rollback_test(&app.state, &app.project(), EMBEDDED_TARGET, None, tell)
        .await
        .unwrap();
    // Progress before every step: up, down, up again of each tested one; up alone of the last.
    assert_eq!(
        *heard.lock().unwrap(),
        [
            format!("1/3 {V1} Up"),
            format!("1/3 {V1} Down"),
            format!("1/3 {V1} UpAgain"),
            format!("2/3 {V2} Up"),
            format!("2/3 {V2} Down"),
            format!("2/3 {V2} UpAgain"),
            format!("3/3 {V3} Up"),
        ]
    );
    assert!(all.clean, "{:?}", all.report);
    assert_eq!(all.tested, 2);
    assert_eq!(all.failed, 0);
    let tested: Vec<&str> = all
        .report
        .steps
        .iter()
        .map(|s| s.version.as_str())
        .collect();
    assert_eq!(tested, [V1, V2]);
    let untested: Vec<(&str, &str)> = (all.report.untested.iter())
        .map(|u| (u.version.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(untested, [(V3, "it has no down part")]);
    // The target was not touched: nothing applied, no table.
    let live = strata_desktop::schema::schema_of(&app.state, &app.project(), EMBEDDED_TARGET)
        .await
        .unwrap();
    assert_eq!(live.schema.table_count, 0);

    // A down part that forgets to drop the column it should: named, as the object left behind.
    std::fs::write(
        app.root
            .join("migrations/20240102000000_add_email.down.sql"),
        "SELECT 1;\n",
    )
    .unwrap();
    let one = checks::rollback_test(
        &app.state,
        &app.project(),
        EMBEDDED_TARGET,
        Some(V2),
        |_| {},
    )
    .await
    .unwrap();
    assert!(!one.clean);
    assert_eq!((one.tested, one.failed), (1, 1));
    assert_eq!(one.version.as_deref(), Some(V2));
    let step = &one.report.steps[0];
    assert_eq!(step.version, V2);
    let left = step.not_restored.as_ref().expect("down ran");
    assert_eq!(
        diff_lines(left),
        ["changed Table users", "added Column users.email"]
    );

    let err = checks::rollback_test(
        &app.state,
        &app.project(),
        EMBEDDED_TARGET,
        Some("19990101000000"),
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound, "{err}");
    assert!(err.message.contains("19990101000000"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_connection_against_the_schema_at_a_version() {
    let db = ScratchDatabase::create().await;
    let app = App::new(FILES);
    let pg = app.save_postgres(&db, EnvironmentTier::Development).await;
    run_latest(&app, &pg, "apply").await;

    let c = checks::compare_version(&app.state, &app.project(), &pg, V1)
        .await
        .unwrap();
    assert_eq!(c.b, V1);
    assert_eq!(c.b_label, format!("schema at {V1} (create_users)"));
    // From the schema at V1 to the database: what came after V1.
    assert_eq!(
        diff_lines(&c.diff),
        [
            "added Table orders",
            "added Column orders.id",
            "added Column orders.user_id",
            "added PrimaryKey orders.orders_pkey",
            "changed Table users",
            "added Column users.email"
        ]
    );
    assert!(
        c.up.contains("CREATE TABLE") && c.up.contains("orders"),
        "{}",
        c.up
    );
    assert!(c.down.contains("DROP TABLE"), "{}", c.down);
    assert!(c.a_ddl.contains("orders") && !c.b_ddl.contains("orders"));

    let same = checks::compare_version(&app.state, &app.project(), &pg, V3)
        .await
        .unwrap();
    assert!(
        same.diff.namespaces.is_empty(),
        "{:?}",
        diff_lines(&same.diff)
    );
    // Only read: the connection's history is as the run left it.
    assert_eq!(db.history_len().await, 3);

    let err = checks::compare_version(&app.state, &app.project(), &pg, "20991231000000")
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound, "{err}");
}

/// A saved connection as a role without CREATEDB: the engine's message reaches the UI as is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_createdb_the_engine_says_which_privilege_to_grant() {
    let db = ScratchDatabase::create().await;
    let role = format!("strata_desktop_nocreate_{}", std::process::id());
    db.execute(&format!("DROP ROLE IF EXISTS {role}"))
        .await
        .unwrap();
    db.execute(&format!("CREATE ROLE {role} LOGIN NOCREATEDB"))
        .await
        .unwrap();
    let app = App::new(FILES);
    let url = tauri::Url::parse(&db.url).unwrap();
    let mut profile = ConnectionProfile::new(
        "pg no createdb".to_owned(),
        strata_core::DatabaseKind::Postgres,
        EnvironmentTier::Development,
    );
    profile.host = url.host_str().unwrap().to_owned();
    profile.port = url.port();
    profile.user = role.clone();
    profile.database = db.name.clone();
    profile.tls.mode = strata_project::TlsMode::Prefer;
    profile.password = PasswordMode::None;
    profile.project_dir = Some(app.root.clone());
    let id = profile.id.clone();
    app.manager()
        .save(profile, PasswordInput::Keep)
        .await
        .unwrap();

    let rollback = checks::rollback_test(&app.state, &app.project(), &id, None, |_| {}).await;
    let drift = checks::drift_of(&app.state, &app.project(), &id).await;
    let version = checks::compare_version(&app.state, &app.project(), &id, V1).await;
    db.execute(&format!("DROP OWNED BY {role}")).await.unwrap();
    db.execute(&format!("DROP ROLE {role}")).await.unwrap();

    let err = rollback.unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Database, "{err}");
    assert!(
        err.message
            .starts_with("cannot create a scratch database on")
            && err.message.contains("lacks the CREATEDB privilege")
            && err.message.contains("ALTER ROLE <user> CREATEDB")
            && err.message.contains("permission denied to create database"),
        "the engine's message with the server's: {err}"
    );
    for other in [drift.map(drop), version.map(drop)] {
        let e = other.unwrap_err();
        assert!(e.message.contains("CREATEDB"), "{e}");
    }
}
