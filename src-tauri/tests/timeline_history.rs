//! The event log across a project's targets: filters, exports that parse back (CSV quoting,
//! JSON as the IPC sends it), and targets that cannot be read shown as columns with their
//! error, never a failed timeline.

mod support;

use strata_core::history::{EventKind, Outcome};
use strata_desktop::commands::timeline::{
    ExportFormat, HistoryFilter, RunOutcome, EMBEDDED_TARGET,
};
use strata_desktop::{history, timeline, IpcErrorCode};
use strata_project::EnvironmentTier;
use support::{parse_csv, run_latest, App, ScratchDatabase, FILES};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_filters_and_exports_round_trip() {
    let db = ScratchDatabase::create().await;
    let name = "notes, \"draft\"";
    let notes = format!("20240104000000_{name}.up.sql");
    let app = App::new(&[
        FILES[0],
        FILES[1],
        FILES[2],
        (notes.as_str(), "CREATE TABLE notes (id INTEGER);\n"),
    ]);
    let pg = app.save_postgres(&db, EnvironmentTier::Staging).await;
    for (target, key) in [(EMBEDDED_TARGET, "a"), (pg.as_str(), "b")] {
        let (outcome, _) = run_latest(&app, target, key).await;
        assert!(
            matches!(outcome, RunOutcome::Finished { .. }),
            "{outcome:?}"
        );
    }
    std::fs::write(
        app.root.join("migrations/20240105000000_broken.up.sql"),
        "SELECT * FROM no_such_table;\n",
    )
    .unwrap();
    let (outcome, _) = run_latest(&app, EMBEDDED_TARGET, "c").await;
    assert!(matches!(outcome, RunOutcome::Failed { .. }), "{outcome:?}");

    let project = app.project();
    let all = history::log(&app.state, &project, &HistoryFilter::default())
        .await
        .unwrap();
    assert_eq!(all.events.len(), 2 * 3 + 1, "{:?}", all.events);
    assert!(all.failures.is_empty());
    assert!(
        all.events
            .windows(2)
            .all(|w| w[0].event.at >= w[1].event.at),
        "newest first"
    );
    assert_eq!(all.events[0].event.outcome, Outcome::Failed);

    let failed = HistoryFilter {
        kinds: vec![EventKind::Apply],
        outcomes: vec![Outcome::Failed],
        ..HistoryFilter::default()
    };
    let log = history::log(&app.state, &project, &failed).await.unwrap();
    assert_eq!(log.events.len(), 1);
    assert_eq!(log.events[0].target, EMBEDDED_TARGET);
    assert_eq!(
        log.events[0].event.version.as_deref(),
        Some("20240105000000")
    );

    let drafts = HistoryFilter {
        migration: Some("DRAFT".into()),
        ..HistoryFilter::default()
    };
    let log = history::log(&app.state, &project, &drafts).await.unwrap();
    assert_eq!(log.events.len(), 2);
    assert!(log
        .events
        .iter()
        .all(|e| e.event.name.as_deref() == Some(name)));
    let only_pg = HistoryFilter {
        targets: vec![pg.clone()],
        ..HistoryFilter::default()
    };
    let log = history::log(&app.state, &project, &only_pg).await.unwrap();
    assert_eq!(log.events.len(), 3);
    assert!(log
        .events
        .iter()
        .all(|e| e.target == pg && e.tier == EnvironmentTier::Staging));

    let out = tempfile::tempdir().unwrap();
    let csv_path = out.path().join("drafts.csv");
    let n = history::export(&app.state, &project, &drafts, ExportFormat::Csv, &csv_path)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let rows = parse_csv(&std::fs::read_to_string(&csv_path).unwrap());
    assert_eq!(rows[0].join(","), history::CSV_HEADER);
    assert_eq!(rows.len(), 3, "{rows:?}");
    for row in &rows[1..] {
        assert_eq!(row.len(), 12, "{row:?}");
        assert_eq!(
            (row[3].as_str(), row[4].as_str(), row[5].as_str()),
            ("apply", "20240104000000", name)
        );
        assert_eq!(row[6], "ok");
    }
    let tiers: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(
        tiers.contains(&"staging") && tiers.contains(&"development"),
        "{tiers:?}"
    );

    let json_path = out.path().join("all.json");
    let n = history::export(
        &app.state,
        &project,
        &HistoryFilter::default(),
        ExportFormat::Json,
        &json_path,
    )
    .await
    .unwrap();
    assert_eq!(n, 7);
    let parsed: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(parsed.len(), 7);
    assert_eq!(parsed[0]["event"]["outcome"], "failed");
    assert_eq!(parsed[0]["targetLabel"], "Demo database (embedded)");
    assert!(parsed.iter().any(|e| e["event"]["name"] == name));
    let leftovers = std::fs::read_dir(out.path()).unwrap().count();
    assert_eq!(leftovers, 2, "a temporary file was left behind");

    let nowhere = out.path().join("missing-folder").join("log.csv");
    let err = history::export(&app.state, &project, &drafts, ExportFormat::Csv, &nowhere)
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::Io, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_targets_are_columns_with_their_error() {
    use strata_core::DatabaseKind;
    use strata_project::connections::PasswordInput;
    use strata_project::{ConnectionProfile, PasswordMode};
    let app = App::new(FILES);
    let mut ids = Vec::new();
    for (name, mode, port) in [
        ("asks each time", PasswordMode::AskEachTime, 5432),
        ("nobody listens", PasswordMode::None, 1),
    ] {
        let mut p = ConnectionProfile::new(name, DatabaseKind::Postgres, EnvironmentTier::Testing);
        (p.host, p.port, p.user, p.database) = (
            "127.0.0.1".into(),
            Some(port),
            "postgres".into(),
            "shop".into(),
        );
        p.tls.mode = strata_project::TlsMode::Disable;
        p.password = mode;
        p.project_dir = Some(app.root.clone());
        ids.push(p.id.clone());
        app.manager().save(p, PasswordInput::Keep).await.unwrap();
    }
    let t = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    assert_eq!(t.targets.len(), 3);
    assert!(
        t.targets[0].error.is_none(),
        "the embedded database reads fine"
    );
    let asks = t.targets.iter().find(|c| c.id == ids[0]).unwrap();
    assert_eq!(
        asks.error.as_ref().unwrap().code,
        IpcErrorCode::PasswordNeeded
    );
    let down = t.targets.iter().find(|c| c.id == ids[1]).unwrap();
    let err = down.error.as_ref().unwrap();
    assert_eq!(err.code, IpcErrorCode::Database, "{err}");
    assert!(err.message.contains("127.0.0.1:1"), "{err}");
    for row in &t.rows {
        assert!(row.cells[0].is_some() && row.cells[1].is_none() && row.cells[2].is_none());
    }
    // The log says which targets it could not read, and still shows the others.
    let log = history::log(&app.state, &app.project(), &HistoryFilter::default())
        .await
        .unwrap();
    let failed: Vec<&str> = log.failures.iter().map(|f| f.target.as_str()).collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    // The projects list: this project (the opened one) with its two connections.
    let projects = strata_desktop::targets::projects(&app.state);
    assert_eq!(projects.len(), 1, "{projects:?}");
    assert!(projects[0].default && projects[0].connections == 2 && projects[0].name == "Shop");
}
