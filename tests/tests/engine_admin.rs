//! The engine's administrative operations against real SQLite, PostgreSQL and MariaDB:
//! baseline, repair, and the three ways to resolve a migration that MariaDB left partially
//! applied; and the `strata` subcommands that front them.

use std::time::Duration;

use strata_core::admin::{self, AdminError, AdminOptions, ResolveAction};
use strata_core::driver::Session;
use strata_core::engine::{self, EngineError, RunOptions};
use strata_core::history::{AppliedMigration, AppliedState};
use strata_core::plan::{MigrationState, PlanError, Target};
use strata_core::{DatabaseKind, MigrationSet, Version};
use strata_system_tests::catalog::scalar;
use strata_system_tests::servers::{
    exec, expect_states, has_table, states, up, TempProject, TestTarget, ALL_KINDS,
};

const T: Duration = Duration::from_secs(10);

fn opts() -> AdminOptions {
    AdminOptions::default()
}

fn v(set: &MigrationSet, text: &str) -> Version {
    engine::parse_version(set, text).unwrap()
}

async fn history(url: &str) -> Vec<AppliedMigration> {
    let mut s = Session::connect(url, T).await.unwrap();
    let h = s.read_history().await.unwrap();
    s.close().await;
    h
}

fn three_tables() -> TempProject {
    let p = TempProject::new();
    for (version, table) in [("1", "adm_a"), ("2", "adm_b"), ("3", "adm_c")] {
        p.write(
            version,
            &format!("create_{table}"),
            &format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY);\n"),
            Some(&format!("DROP TABLE {table};\n")),
        );
    }
    p
}

#[tokio::test]
async fn baseline_records_without_running_and_up_applies_only_the_rest() {
    use MigrationState::*;
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        let p = three_tables();
        let set = p.migrations();
        let report = admin::baseline(
            url,
            &set,
            &v(&set, "2"),
            Some("schema predates Strata"),
            &opts(),
        )
        .await
        .unwrap();
        let recorded: Vec<&str> = report.recorded.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(
            (recorded, report.already_applied),
            (vec!["1", "2"], 0),
            "{kind}"
        );
        assert_eq!(
            states(url, &set).await,
            expect_states(&[("1", Applied), ("2", Applied), ("3", Pending)]),
            "{kind}"
        );
        let rows = history(url).await;
        let one = rows.iter().find(|r| r.version == "1").unwrap();
        assert_eq!(one.execution_ms, 0, "{kind}");
        assert_eq!(one.up_sql, set.migrations[0].up.sql, "{kind}");
        assert_eq!(
            one.down_sql.as_deref(),
            Some("DROP TABLE adm_a;\n"),
            "{kind}"
        );
        assert_eq!(
            scalar(url, "SELECT COUNT(*) FROM strata_events WHERE kind = 'baseline' AND detail LIKE '%baseline to 2%reason: schema predates Strata'").await,
            2,
            "{kind}: one baseline event per migration"
        );
        // Nothing ran: the baselined tables were never created.
        assert!(!has_table(url, "adm_a").await, "{kind}");

        let run = up(url, &set).await.unwrap();
        let ran: Vec<&str> = run.steps.iter().map(|s| s.version.as_str()).collect();
        assert_eq!(ran, ["3"], "{kind}");
        assert!(
            has_table(url, "adm_c").await && !has_table(url, "adm_b").await,
            "{kind}"
        );

        // Again: everything up to 3 is applied, nothing to record.
        let again = (admin::baseline(url, &set, &v(&set, "3"), None, &opts()).await).unwrap();
        assert_eq!(
            (again.recorded.len(), again.already_applied),
            (0, 3),
            "{kind}"
        );
    }
}

#[tokio::test]
async fn baseline_needs_a_migration_of_that_version() {
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let p = three_tables();
    let set = p.migrations();
    let err = admin::baseline(target.url(), &set, &v(&set, "9"), None, &opts())
        .await
        .unwrap_err();
    assert!(matches!(err, AdminError::UnknownVersion { .. }), "{err}");
    assert!(history(target.url()).await.is_empty());
}

#[tokio::test]
async fn repair_accepts_an_edited_file_with_an_audit_event() {
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        let p = three_tables();
        up(url, &p.migrations()).await.unwrap();
        let before = history(url).await;
        let old = before.iter().find(|r| r.version == "2").unwrap().clone();
        let (new_up, new_down) = (
            "-- reviewed\nCREATE TABLE adm_b (id INTEGER PRIMARY KEY);\n",
            "DROP TABLE IF EXISTS adm_b;\n",
        );
        p.write("2", "create_adm_b", new_up, Some(new_down));
        let set = p.migrations();
        assert_eq!(
            states(url, &set).await[1].1,
            MigrationState::Modified,
            "{kind}"
        );
        let err = up(url, &set).await.unwrap_err();
        assert!(
            matches!(err, EngineError::Plan(PlanError::Modified { .. })),
            "{kind}: {err}"
        );
        let no_reason = admin::repair(url, &set, &v(&set, "2"), " ", &opts()).await;
        assert!(
            matches!(no_reason, Err(AdminError::ReasonRequired)),
            "{kind}"
        );

        let report = admin::repair(url, &set, &v(&set, "2"), "added a review comment", &opts())
            .await
            .unwrap();
        assert_eq!(report.old_checksum, old.checksum, "{kind}");
        assert_eq!(report.new_checksum, set.migrations[1].checksum, "{kind}");
        assert!(report.down_changed, "{kind}");
        assert!(
            states(url, &set)
                .await
                .iter()
                .all(|(_, s)| *s == MigrationState::Applied),
            "{kind}"
        );
        let row = history(url)
            .await
            .into_iter()
            .find(|r| r.version == "2")
            .unwrap();
        assert_eq!(
            (row.up_sql.as_str(), row.down_sql.as_deref()),
            (new_up, Some(new_down)),
            "{kind}"
        );
        assert_eq!(
            row.applied_at, old.applied_at,
            "{kind}: repair keeps when it was applied"
        );
        let sql = format!(
            "SELECT COUNT(*) FROM strata_events WHERE kind = 'repair' AND version = '2' AND detail LIKE '%{} -> {}%reason: added a review comment'",
            old.checksum, report.new_checksum
        );
        assert_eq!(scalar(url, &sql).await, 1, "{kind}: the repair event");
        assert!(up(url, &set).await.unwrap().steps.is_empty(), "{kind}");

        let err = (admin::repair(url, &set, &v(&set, "2"), "again", &opts()).await).unwrap_err();
        assert!(
            matches!(err, AdminError::NotModified { .. }),
            "{kind}: {err}"
        );
    }
}

#[tokio::test]
async fn repair_refuses_a_migration_that_is_not_applied() {
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let p = three_tables();
    let set = p.migrations();
    let mut options = RunOptions::new(Target::UpTo(v(&set, "1")));
    options.lock_timeout = T;
    engine::run(target.url(), &set, &options, |_| {}, |_| {})
        .await
        .unwrap();
    let err = admin::repair(target.url(), &set, &v(&set, "2"), "why", &opts())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AdminError::NotApplied {
                state: "pending",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("`strata up` applies it"), "{err}");
}

/// A MariaDB database where migration 2 failed at its statement 2 of 3 after statement 1
/// committed (DDL commits implicitly), and the project that did it.
async fn partial_on_mariadb() -> (TestTarget, TempProject) {
    let target = TestTarget::create(DatabaseKind::Mysql).await;
    let p = TempProject::new();
    p.write(
        "1",
        "create_base",
        "CREATE TABLE base (id INT PRIMARY KEY);\n",
        Some("DROP TABLE base;\n"),
    );
    p.write(
        "2",
        "three_steps",
        "CREATE TABLE part_one (id INT PRIMARY KEY);\nINSERT INTO needed_by_two (id) VALUES (2);\nCREATE TABLE part_three (id INT PRIMARY KEY);\n",
        Some("DROP TABLE IF EXISTS part_three;\nDROP TABLE part_one;\n"),
    );
    p.write(
        "3",
        "after",
        "CREATE TABLE after_three (id INT PRIMARY KEY);\n",
        Some("DROP TABLE after_three;\n"),
    );
    let set = p.migrations();
    let url = target.url();
    let err = up(url, &set).await.unwrap_err().to_string();
    assert!(err.contains("statement 2 of 3"), "{err}");
    let row = history(url)
        .await
        .into_iter()
        .find(|r| r.version == "2")
        .unwrap();
    assert_eq!(
        (row.state, row.statements_committed, row.statements_total),
        (AppliedState::Partial, 1, 3)
    );
    // The next run refuses to go on.
    let err = up(url, &set).await.unwrap_err();
    assert!(
        matches!(err, EngineError::Plan(PlanError::Partial { .. })),
        "{err}"
    );
    // So does a baseline past it.
    let err = (admin::baseline(url, &set, &v(&set, "3"), None, &opts()).await).unwrap_err();
    assert!(matches!(err, AdminError::BaselinePartial { .. }), "{err}");
    assert!(has_table(url, "part_one").await && !has_table(url, "part_three").await);
    (target, p)
}

async fn resolve_events(url: &str, detail_like: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM strata_events WHERE kind = 'resolve' AND version = '2' AND outcome = 'ok' AND detail LIKE '{detail_like}'");
    scalar(url, &sql).await
}

#[tokio::test]
async fn mariadb_partial_resumes_after_the_cause_is_fixed() {
    let (target, p) = partial_on_mariadb().await;
    let (url, set) = (target.url(), p.migrations());
    let two = v(&set, "2");
    // Not fixed yet: statement 2 fails again, and the row stays partial at 1 of 3.
    let err = (admin::resolve(url, &set, &two, ResolveAction::Resume, &opts()).await).unwrap_err();
    assert!(err.to_string().contains("statement 2 of 3"), "{err}");
    let row = history(url)
        .await
        .into_iter()
        .find(|r| r.version == "2")
        .unwrap();
    assert_eq!(
        (row.state, row.statements_committed),
        (AppliedState::Partial, 1)
    );

    exec(url, &["CREATE TABLE needed_by_two (id INT PRIMARY KEY)"]).await;
    let report = admin::resolve(url, &set, &two, ResolveAction::Resume, &opts())
        .await
        .unwrap();
    assert!(
        report.applied && report.was == AppliedState::Partial,
        "{report:?}"
    );
    let row = history(url)
        .await
        .into_iter()
        .find(|r| r.version == "2")
        .unwrap();
    assert_eq!(
        (row.state, row.statements_committed),
        (AppliedState::Applied, 3)
    );
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM needed_by_two").await, 1);
    assert!(has_table(url, "part_three").await);
    assert_eq!(
        resolve_events(url, "resumed the apply at statement 2 of 3%").await,
        1
    );
    let sql = format!("SELECT COUNT(*) FROM strata_events WHERE kind = 'apply' AND version = '2' AND outcome = 'ok' AND run_id = '{}'", report.run_id);
    assert_eq!(scalar(url, &sql).await, 1, "the resumed apply's own event");

    let run = up(url, &set).await.unwrap();
    assert_eq!(run.steps.len(), 1);
    assert!(has_table(url, "after_three").await);
}

#[tokio::test]
async fn mariadb_partial_marked_resolved_after_finishing_by_hand() {
    let (target, p) = partial_on_mariadb().await;
    let (url, set) = (target.url(), p.migrations());
    exec(url, &["CREATE TABLE needed_by_two (id INT PRIMARY KEY)"]).await;
    exec(url, &["INSERT INTO needed_by_two (id) VALUES (2)"]).await;
    exec(url, &["CREATE TABLE part_three (id INT PRIMARY KEY)"]).await;
    let report = admin::resolve(
        url,
        &set,
        &v(&set, "2"),
        ResolveAction::MarkResolved,
        &opts(),
    )
    .await
    .unwrap();
    assert!(report.applied);
    let row = history(url)
        .await
        .into_iter()
        .find(|r| r.version == "2")
        .unwrap();
    assert_eq!(row.state, AppliedState::Applied);
    assert_eq!(
        resolve_events(url, "marked resolved by hand: 1 of 3 statements%").await,
        1
    );
    assert_eq!(
        states(url, &set).await[1],
        ("2".to_owned(), MigrationState::Applied)
    );
    up(url, &set).await.unwrap();
    assert!(has_table(url, "after_three").await);
}

#[tokio::test]
async fn mariadb_partial_rolled_back_with_the_stored_down_sql() {
    let (target, p) = partial_on_mariadb().await;
    let (url, set) = (target.url(), p.migrations());
    let report = admin::resolve(
        url,
        &set,
        &v(&set, "2"),
        ResolveAction::RollBackCommitted,
        &opts(),
    )
    .await
    .unwrap();
    assert!(!report.applied);
    assert!(
        !has_table(url, "part_one").await,
        "what committed was undone"
    );
    assert!(history(url).await.iter().all(|r| r.version != "2"));
    assert_eq!(
        resolve_events(url, "rolled back what committed (1 of 3 statements)%").await,
        1
    );
    let sql = format!("SELECT COUNT(*) FROM strata_events WHERE kind = 'rollback' AND version = '2' AND outcome = 'ok' AND run_id = '{}'", report.run_id);
    assert_eq!(scalar(url, &sql).await, 1);
    assert_eq!(
        states(url, &set).await[1],
        ("2".to_owned(), MigrationState::Pending)
    );
    // With the cause fixed, a plain run applies it from the start, then 3.
    exec(url, &["CREATE TABLE needed_by_two (id INT PRIMARY KEY)"]).await;
    assert_eq!(up(url, &set).await.unwrap().steps.len(), 2);
    assert!(has_table(url, "part_three").await && has_table(url, "after_three").await);
}

#[tokio::test]
async fn resolve_refuses_what_is_not_partial() {
    let (target, p) = partial_on_mariadb().await;
    let (url, set) = (target.url(), p.migrations());
    let err = (admin::resolve(url, &set, &v(&set, "1"), ResolveAction::Resume, &opts()).await)
        .unwrap_err();
    assert!(
        matches!(
            err,
            AdminError::NotPartial {
                state: "applied",
                ..
            }
        ),
        "{err}"
    );
    let err = (admin::resolve(
        url,
        &set,
        &v(&set, "3"),
        ResolveAction::MarkResolved,
        &opts(),
    )
    .await)
        .unwrap_err();
    assert!(
        matches!(
            err,
            AdminError::NotPartial {
                state: "not applied",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_no_transaction_postgres_migration_resumes_too() {
    let target = TestTarget::create(DatabaseKind::Postgres).await;
    let url = target.url();
    let p = TempProject::new();
    p.write(
        "1",
        "concurrent_index",
        "-- strata:no-transaction\nCREATE TABLE nt (id int);\nCREATE INDEX CONCURRENTLY nt_id ON nt (id);\nINSERT INTO nt_missing VALUES (1);\n",
        None,
    );
    let set = p.migrations();
    up(url, &set).await.unwrap_err();
    let row = history(url).await.remove(0);
    assert_eq!(
        (row.state, row.statements_committed),
        (AppliedState::Partial, 2)
    );
    exec(url, &["CREATE TABLE nt_missing (id int)"]).await;
    admin::resolve(url, &set, &v(&set, "1"), ResolveAction::Resume, &opts())
        .await
        .unwrap();
    assert_eq!(
        states(url, &set).await,
        expect_states(&[("1", MigrationState::Applied)])
    );
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM nt_missing").await, 1);
}

#[test]
fn the_strata_subcommands_print_reports_and_fail_on_refusals() {
    let p = three_tables();
    let db = p.root().join("cli.sqlite3");
    let url = format!("sqlite:{}", db.display());
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        if !matches!(args.first(), Some(&"validate")) {
            all.extend(["--url", &url]);
        }
        p.strata(&all)
    };
    let out = run(&["validate"]).success();
    assert!(
        out.stdout.contains("3 migration(s)") && out.stdout.contains("valid, no notes"),
        "{}",
        out.output()
    );
    let out = run(&["baseline", "2", "--reason", "restored from a dump"]).success();
    assert!(
        out.stdout.contains("recorded 1  create_adm_a  (not run)")
            && out.stdout.contains("2 migration(s) recorded as applied"),
        "{}",
        out.output()
    );
    let out = run(&["--json", "baseline", "3"]).success();
    assert_eq!(
        out.json()["recorded"][0]["version"],
        "3",
        "{}",
        out.output()
    );

    p.write(
        "3",
        "create_adm_c",
        "CREATE TABLE adm_c (id INTEGER PRIMARY KEY, note TEXT);\n",
        Some("DROP TABLE adm_c;\n"),
    );
    let out = run(&["status"]).success();
    assert!(out.stdout.contains("modified"), "{}", out.output());
    let out = run(&["repair", "3"]);
    assert_ne!(out.code, Some(0), "--reason is required:\n{}", out.output());
    let out = run(&[
        "repair",
        "3",
        "--reason",
        "added a note column before release",
    ])
    .success();
    assert!(
        out.stdout.contains("repaired 3 (create_adm_c)"),
        "{}",
        out.output()
    );
    let out = run(&["repair", "3", "--reason", "again"]);
    assert_eq!(out.code, Some(3), "refused: {}", out.output());
    assert!(out.stderr.contains("nothing to repair"), "{}", out.output());

    let out = run(&["resolve", "3", "--resume"]);
    assert_eq!(out.code, Some(3), "refused: {}", out.output());
    assert!(
        out.stderr.contains("not partially applied"),
        "{}",
        out.output()
    );
    let out = run(&["resolve", "3", "--resume", "--roll-back"]);
    assert_eq!(out.code, Some(2), "one action at a time:\n{}", out.output());

    let out = run(&["adopt"]);
    assert_eq!(out.code, Some(3), "refused: {}", out.output());
    assert!(
        out.stderr.contains("already has Strata history"),
        "{}",
        out.output()
    );

    // A second file claiming version 2: validate names both files and fails.
    p.write("02", "also_two", "SELECT 1;\n", None);
    let out = run(&["validate"]);
    assert_eq!(out.code, Some(1), "{}", out.output());
    assert!(
        out.stderr.contains("version 2 is used twice"),
        "{}",
        out.output()
    );
}
