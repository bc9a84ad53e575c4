//! A rollback to zero of a Flyway project with a repeatable migration (`R__views`, a view over
//! a versioned table), against real SQLite, PostgreSQL and MariaDB. Repeatables have no
//! rollback (as in Flyway), so nothing runs for them: their view stays in the database, and
//! their history row stays with it, so the history keeps telling what the database holds. The
//! plan says so before it runs (and that a down part can fail on them: PostgreSQL refuses to
//! drop a table a view depends on), and the status afterwards explains a history that
//! records the repeatable alone.

use strata_core::engine::{self, RunOptions};
use strata_core::executor::Direction;
use strata_core::plan::{MigrationState, Target};
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{history, scalar};
use strata_system_tests::per_engine;
use strata_system_tests::servers::{expect_states, run_to, states, up, TempProject, TestTarget};

fn project() -> TempProject {
    let p = TempProject::new();
    p.write_file(
        "V1__users.sql",
        "CREATE TABLE rz_users (id INT PRIMARY KEY);\nINSERT INTO rz_users (id) VALUES (1);\n",
    );
    p.write_file("U1__users.sql", "DROP TABLE rz_users;\n");
    p.write_file(
        "V2__orders.sql",
        "CREATE TABLE rz_orders (id INT PRIMARY KEY);\n",
    );
    p.write_file("U2__orders.sql", "DROP TABLE rz_orders;\n");
    p.write_file(
        "R__views.sql",
        "DROP VIEW IF EXISTS rz_view;\nCREATE VIEW rz_view AS SELECT id FROM rz_users;\n",
    );
    p
}

/// Whether the repeatable's view is in the database.
async fn view_exists(kind: DatabaseKind, url: &str) -> bool {
    let sql = match kind {
        DatabaseKind::Sqlite => "SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name = 'rz_view'",
        DatabaseKind::Postgres => "SELECT count(*) FROM pg_views WHERE schemaname = current_schema() AND viewname = 'rz_view'",
        DatabaseKind::Mysql => "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rz_view'",
    };
    scalar(url, sql).await == 1
}

async fn down_to_zero(kind: DatabaseKind) {
    use MigrationState::*;
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let p = project();
    let set = p.migrations();
    up(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));

    // Before it runs, the plan says what a rollback to zero leaves.
    let mut dry = RunOptions::new(Target::Zero);
    dry.dry_run = true;
    let plan = engine::run(url, &set, &dry, |_| {}, |_| {}).await.unwrap();
    let shown: Vec<(&str, Direction)> = (plan.steps.iter())
        .map(|s| (s.version.as_str(), s.direction))
        .collect();
    assert_eq!(
        shown,
        [("2", Direction::Down), ("1", Direction::Down)],
        "{kind}"
    );
    assert_eq!(plan.notes.len(), 1, "{kind}: {:?}", plan.notes);
    let note = &plan.notes[0];
    for said in [
        "repeatable migrations have no rollback (as in Flyway), so they stay applied: R__views.",
        "the history still records them, and only them",
        "their objects stay in the database",
        "PostgreSQL refuses to drop a table a view depends on",
        "`strata up` runs a repeatable again only when its file changes",
    ] {
        assert!(
            note.contains(said),
            "{kind}: the note should say '{said}': {note}"
        );
    }

    let result = run_to(url, &set, Target::Zero).await;
    if kind == DatabaseKind::Postgres {
        // As the note warned: the view holds on to rz_users, so U1 fails, atomically.
        let err = result.expect_err("PostgreSQL refuses to drop a table a view depends on");
        let text = err.to_string();
        assert!(
            text.contains("rolling back 1 (users) failed at statement 1 of 1")
                && text.contains("depend"),
            "{kind}: {text}"
        );
        assert_eq!(
            states(url, &set).await,
            expect_states(&[("1", Applied), ("2", Pending), ("R__views", Applied)]),
            "{kind}"
        );
        assert!(view_exists(kind, url).await, "{kind}");
        return;
    }
    let report = result.unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(
        report.notes, plan.notes,
        "{kind}: the run says what its plan said"
    );
    // The history records the repeatable alone, as the database holds its view alone.
    let left: Vec<String> = (history(url).await.into_iter())
        .map(|a| a.version)
        .collect();
    assert_eq!(left, ["R__views"], "{kind}");
    assert!(
        view_exists(kind, url).await,
        "{kind}: the view was not rolled back"
    );
    let status = engine::status(url, &set, std::time::Duration::from_secs(15))
        .await
        .unwrap();
    let got: Vec<(String, MigrationState)> = (status.entries.iter())
        .map(|e| (e.version.clone(), e.state))
        .collect();
    assert_eq!(
        got,
        expect_states(&[("1", Pending), ("2", Pending), ("R__views", Applied)]),
        "{kind}"
    );
    let notes = status.notes();
    assert!(
        notes.len() == 1
            && notes[0].starts_with(
                "R__views stays recorded as applied while no versioned migration is: repeatable migrations have no rollback"
            ),
        "{kind}: the status should explain the repeatable left applied: {notes:?}"
    );
    // The CLI says the same, in text and in JSON.
    let human = p.strata(&["status", "--url", url]).success();
    assert!(
        human
            .stdout
            .contains("note: R__views stays recorded as applied"),
        "{kind}: {}",
        human.output()
    );
    let json: serde_json::Value = serde_json::from_str(
        &p.strata(&["status", "--url", url, "--json"])
            .success()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        json["notes"].as_array().map(Vec::len),
        Some(1),
        "{kind}: {json}"
    );

    // Up again: the versions run, the unchanged repeatable does not, and its view works over
    // the re-created table; the status has nothing more to explain.
    let again = up(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    let versions: Vec<&str> = again.steps.iter().map(|s| s.version.as_str()).collect();
    assert_eq!(versions, ["1", "2"], "{kind}");
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM rz_view").await,
        1,
        "{kind}"
    );
    let status = engine::status(url, &set, std::time::Duration::from_secs(15))
        .await
        .unwrap();
    assert!(status.notes().is_empty(), "{kind}: {:?}", status.notes());
}

per_engine!(
    down_to_zero_keeps_repeatables_recorded_and_says_why,
    down_to_zero
);
