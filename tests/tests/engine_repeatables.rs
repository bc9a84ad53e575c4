//! Flyway repeatable migrations (`R__<description>.sql`) against real SQLite, PostgreSQL and
//! MariaDB: they run after the pending versioned migrations, run again only when their file
//! changes (replacing their history row), never make a new version "out of order", and a
//! rollback leaves them applied with a note.

use strata_core::executor::Direction;
use strata_core::plan::{MigrationState, Target};
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{events, history, scalar};
use strata_system_tests::per_engine;
use strata_system_tests::servers::{
    expect_states, has_table, run_to, states, up, TempProject, TestTarget,
};

/// The repeatable: a view whose `version` column says which text of the file was applied.
/// `DROP … IF EXISTS` then `CREATE` is how a repeatable is written to run again (SQLite has no
/// `CREATE OR REPLACE VIEW`).
fn views(text_version: i64) -> String {
    format!(
        "DROP VIEW IF EXISTS rep_view;\nCREATE VIEW rep_view AS SELECT id, {text_version} AS version FROM rep_users;\n"
    )
}

fn project() -> TempProject {
    let p = TempProject::new();
    p.write_file(
        "V1__users.sql",
        "CREATE TABLE rep_users (id INT PRIMARY KEY);\nINSERT INTO rep_users (id) VALUES (1);\n",
    );
    p.write_file("U1__users.sql", "DROP TABLE rep_users;\n");
    p.write_file(
        "V2__orders.sql",
        "CREATE TABLE rep_orders (id INT PRIMARY KEY);\n",
    );
    p.write_file("U2__orders.sql", "DROP TABLE rep_orders;\n");
    p.write_file("R__views.sql", views(1));
    p
}

/// Each step of a run as `version direction`.
fn steps(report: &strata_core::engine::RunReport) -> Vec<String> {
    (report.steps.iter())
        .map(|s| {
            let dir = if s.direction == Direction::Up {
                "up"
            } else {
                "down"
            };
            format!("{} {dir}", s.version)
        })
        .collect()
}

async fn view_version(url: &str) -> i64 {
    scalar(url, "SELECT COUNT(*) * MAX(version) FROM rep_view").await
}

async fn repeatables(kind: DatabaseKind) {
    use MigrationState::*;
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let p = project();

    // up applies V1, V2, then R__views.
    let set = p.migrations();
    let report = up(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(steps(&report), ["1 up", "2 up", "R__views up"], "{kind}");
    assert_eq!(view_version(url).await, 1, "{kind}");
    let all_applied = expect_states(&[("1", Applied), ("2", Applied), ("R__views", Applied)]);
    assert_eq!(states(url, &set).await, all_applied, "{kind}");
    // Nothing to do the second time.
    assert!(up(url, &set).await.unwrap().steps.is_empty(), "{kind}");

    // Editing R__views: status says changed, and up re-applies it alone.
    p.write_file("R__views.sql", views(2));
    let set = p.migrations();
    let changed = expect_states(&[("1", Applied), ("2", Applied), ("R__views", Changed)]);
    assert_eq!(states(url, &set).await, changed, "{kind}");
    let report = up(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(steps(&report), ["R__views up"], "{kind}");
    assert_eq!(view_version(url).await, 2, "{kind}");
    assert_eq!(states(url, &set).await, all_applied, "{kind}");
    // One history row for the repeatable, with the new checksum; versioned rows untouched.
    let rows: Vec<(String, String)> = (history(url).await.into_iter())
        .map(|a| (a.version, a.checksum))
        .collect();
    let r = set
        .migrations
        .iter()
        .find(|m| m.version.as_str() == "R__views");
    assert_eq!(rows.len(), 3, "{kind}: {rows:?}");
    assert!(
        rows.contains(&("R__views".into(), r.unwrap().checksum.clone())),
        "{kind}: {rows:?}"
    );

    // Adding V3 applies V3 and nothing else: it is not out of order behind R__views.
    p.write_file(
        "V3__items.sql",
        "CREATE TABLE rep_items (id INT PRIMARY KEY);\n",
    );
    p.write_file("U3__items.sql", "DROP TABLE rep_items;\n");
    let set = p.migrations();
    assert_eq!(
        states(url, &set).await[2],
        ("3".to_owned(), Pending),
        "{kind}"
    );
    let report = up(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(steps(&report), ["3 up"], "{kind}");
    assert!(has_table(url, "rep_items").await, "{kind}");

    // V4 and an edited repeatable: V4 first, then the repeatable.
    p.write_file(
        "V4__more.sql",
        "ALTER TABLE rep_items ADD note VARCHAR(20);\n",
    );
    p.write_file("U4__more.sql", "ALTER TABLE rep_items DROP COLUMN note;\n");
    p.write_file("R__views.sql", views(4));
    let set = p.migrations();
    let report = up(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(steps(&report), ["4 up", "R__views up"], "{kind}");
    assert_eq!(view_version(url).await, 4, "{kind}");

    // A rollback skips the repeatable with a note, and does not fail.
    let report = run_to(url, &set, Target::DownSteps(1)).await.unwrap();
    assert_eq!(steps(&report), ["4 down"], "{kind}");
    assert_eq!(report.notes.len(), 1, "{kind}: {:?}", report.notes);
    assert!(
        report.notes[0].contains("no rollback") && report.notes[0].contains("R__views"),
        "{kind}: {:?}",
        report.notes
    );
    assert_eq!(
        states(url, &set).await[3..],
        expect_states(&[("4", Pending), ("R__views", Applied)]),
        "{kind}"
    );
    // Redo works on the newest versioned migration, not on the repeatable.
    let report = run_to(url, &set, Target::Redo).await.unwrap();
    assert_eq!(steps(&report), ["3 down", "3 up"], "{kind}");
    assert_eq!(view_version(url).await, 4, "{kind}");

    // The event log: each application of the repeatable is an apply event.
    let applies: Vec<String> = (events(url).await.iter())
        .filter(|e| e.version.as_deref() == Some("R__views"))
        .map(|e| e.short())
        .collect();
    assert_eq!(applies.len(), 3, "{kind}: {applies:?}");
    assert!(
        applies.iter().all(|e| e == "apply R__views ok"),
        "{kind}: {applies:?}"
    );
}

per_engine!(repeatables_run_last_and_again_when_changed, repeatables);

/// A full rollback of a project with a repeatable: the versions go, the repeatable stays
/// recorded, and the run says so; through the `strata` command on SQLite.
#[tokio::test]
async fn down_through_the_cli_skips_repeatables_with_a_note() {
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let url = target.url();
    let p = project();
    let out = p.strata(&["up", "--url", url]).success();
    assert!(
        out.stdout.contains("3 migration step(s) done"),
        "{}",
        out.output()
    );
    p.write_file("R__views.sql", views(2));
    let status = p.strata(&["status", "--url", url]).success();
    assert!(
        status.stdout.contains("R__views         changed")
            && status
                .stdout
                .contains("1 changed: repeatable, changed since applied"),
        "{}",
        status.output()
    );
    let json = p
        .strata(&["--json", "status", "--url", url])
        .success()
        .json();
    assert_eq!(json["entries"][2]["state"], "changed", "{json}");

    let down = p.strata(&["down", "--url", url, "--all"]);
    let down = down.success();
    assert!(
        down.stdout
            .contains("note: repeatable migrations have no rollback")
            && down.stdout.contains("2 migration step(s) done"),
        "{}",
        down.output()
    );
    let left: Vec<String> = (history(url).await.into_iter())
        .map(|a| a.version)
        .collect();
    assert_eq!(left, ["R__views"]);
    assert!(!has_table(url, "rep_users").await);
}
