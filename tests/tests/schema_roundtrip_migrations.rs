//! "Test rollback" against the real servers: up, down, up of each migration in a scratch
//! database, through the engine's own run. A project whose down parts undo their up parts
//! reports clean on every engine (the demo SQLite, PostgreSQL and MariaDB projects too); one
//! whose down part forgets to drop an index reports that index under that migration, for the
//! whole folder and for the one version; an up part that fails names its file and line; the
//! target database itself is never touched.

use std::path::PathBuf;

use strata_core::schema::diff::Change;
use strata_core::schema::introspect::introspect_url;
use strata_core::schema::roundtrip::{test_rollback, RoundTripError, RoundTripReport};
use strata_core::source::read_dir;
use strata_core::{DatabaseKind, MigrationSet};
use strata_system_tests::per_engine;
use strata_system_tests::repo_root;
use strata_system_tests::servers::{states, TestTarget};

const FORGETFUL: &str = "20240102000000";

fn fixture(kind: DatabaseKind, project: &str) -> MigrationSet {
    let dialect = match kind {
        DatabaseKind::Postgres => "postgres",
        DatabaseKind::Mysql => "mysql",
        DatabaseKind::Sqlite => "sqlite",
    };
    let dir: PathBuf = repo_root()
        .join("tests/fixtures/schema_projects")
        .join(dialect)
        .join(project)
        .join("migrations");
    read_dir(&dir, None).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn describe(report: &RoundTripReport) -> String {
    let mut text = String::new();
    for s in &report.steps {
        text.push_str(&format!("{} {}: ", s.version, s.name));
        match (&s.down_failed, &s.not_restored) {
            (Some(e), _) => text.push_str(&format!("down failed: {e}\n")),
            (None, Some(d)) => text.push_str(&format!("not restored:\n{}\n", d.to_text())),
            (None, None) => text.push('\n'),
        }
    }
    text
}

async fn clean_project(kind: DatabaseKind) {
    let set = fixture(kind, "clean");
    let target = TestTarget::create(kind).await;
    let report = test_rollback(target.url(), &set, None)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert!(report.is_clean(), "{kind}:\n{}", describe(&report));
    let tested: Vec<&str> = report.steps.iter().map(|s| s.version.as_str()).collect();
    assert_eq!(
        tested,
        ["20240101000000", FORGETFUL, "20240103000000"],
        "{kind}: every migration with a down part is tested"
    );
    assert!(report.stopped_after.is_none() && report.untested.is_empty());
    // The target is only the server's address: nothing was applied to it.
    if let Some(path) = target.url().strip_prefix("sqlite:") {
        assert!(
            !std::path::Path::new(path).exists(),
            "the SQLite target file is not even created"
        );
        return;
    }
    assert_eq!(
        introspect_url(target.url()).await.unwrap().table_count(),
        0,
        "{kind}: the target is untouched"
    );
    assert!(
        states(target.url(), &set)
            .await
            .iter()
            .all(|(_, s)| *s == strata_core::plan::MigrationState::Pending),
        "{kind}: the target's history is untouched"
    );
}

per_engine!(a_correct_project_round_trips_clean, clean_project);

async fn forgotten_index(kind: DatabaseKind) {
    let set = fixture(kind, "forgotten_index");
    let target = TestTarget::create(kind).await;
    for only in [None, Some(FORGETFUL)] {
        let report = test_rollback(target.url(), &set, only)
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(
            !report.is_clean(),
            "{kind} {only:?}: the forgotten index is found"
        );
        let bad: Vec<_> = report.steps.iter().filter(|s| !s.is_clean()).collect();
        assert_eq!(bad.len(), 1, "{kind} {only:?}:\n{}", describe(&report));
        let step = bad[0];
        assert_eq!(
            (step.version.as_str(), step.name.as_str()),
            (FORGETFUL, "add_phone_and_email_index")
        );
        let left = step.not_restored.as_ref().expect("down ran");
        let parts: Vec<(&str, &str, Change)> = (left.namespaces.iter())
            .flat_map(|n| &n.objects)
            .flat_map(|o| {
                o.parts
                    .iter()
                    .map(move |p| (o.name.as_str(), p.name.as_str(), p.change))
            })
            .collect();
        assert_eq!(
            parts,
            vec![("customers", "customers_email_idx", Change::Added)],
            "{kind} {only:?}: down left exactly the index behind:\n{}",
            left.to_text()
        );
        assert!(
            left.namespaces
                .iter()
                .all(|n| !n.name.starts_with("strata_scratch_")),
            "{kind}: shown under the target's namespace, not the scratch database's:\n{}",
            left.to_text()
        );
        assert!(
            step.up_again_failed.is_some(),
            "{kind}: up again cannot create the index twice"
        );
        assert_eq!(report.stopped_after.as_deref(), Some(FORGETFUL));
        if only.is_some() {
            assert_eq!(
                report.steps.len(),
                1,
                "{kind}: only the one version is tested"
            );
        }
    }
}

per_engine!(a_forgotten_index_is_reported, forgotten_index);

#[tokio::test]
async fn the_demo_sqlite_project_round_trips_clean() {
    let set = read_dir(&repo_root().join("migrations"), None).unwrap();
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let report = test_rollback(target.url(), &set, None).await.unwrap();
    assert!(report.is_clean(), "{}", describe(&report));
    let reversible = set.migrations.iter().filter(|m| m.is_reversible()).count();
    assert_eq!(report.steps.len(), reversible);
    assert!(reversible >= 10, "the demo project has its migrations");
}

#[tokio::test]
async fn the_demo_postgres_project_round_trips_clean() {
    let dir = repo_root().join("tests/fixtures/projects/demo-postgres/migrations");
    let set = read_dir(&dir, None).unwrap();
    let target = TestTarget::create(DatabaseKind::Postgres).await;
    let report = test_rollback(target.url(), &set, None).await.unwrap();
    assert!(report.is_clean(), "{}", describe(&report));
    assert_eq!(
        report.steps.len(),
        set.migrations.iter().filter(|m| m.is_reversible()).count()
    );
}

#[tokio::test]
async fn the_demo_mariadb_project_round_trips_clean() {
    let dir = repo_root().join("tests/fixtures/projects/demo-mysql/migrations");
    let set = read_dir(&dir, None).unwrap();
    let target = TestTarget::create(DatabaseKind::Mysql).await;
    let report = test_rollback(target.url(), &set, None).await.unwrap();
    assert!(report.is_clean(), "{}", describe(&report));
    assert_eq!(
        report.steps.len(),
        set.migrations.iter().filter(|m| m.is_reversible()).count()
    );
}

#[tokio::test]
async fn an_unknown_version_is_refused() {
    let set = fixture(DatabaseKind::Sqlite, "clean");
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let err = test_rollback(target.url(), &set, Some("20991231000000"))
        .await
        .expect_err("no such migration");
    assert!(
        matches!(err, RoundTripError::NoSuchMigration { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("20991231000000"), "{err}");
}

#[tokio::test]
async fn an_up_part_that_fails_names_the_migration() {
    let p = strata_system_tests::servers::TempProject::new();
    p.write(
        "20240101000000",
        "customers",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE customers;\n"),
    );
    p.write(
        "20240102000000",
        "broken",
        "ALTER TABLE customers ADD COLUMN phone TEXT;\nALTER TABLE no_such_table ADD COLUMN x TEXT;\n",
        Some("ALTER TABLE customers DROP COLUMN phone;\n"),
    );
    let target = TestTarget::create(DatabaseKind::Postgres).await;
    let err = test_rollback(target.url(), &p.migrations(), None)
        .await
        .expect_err("the up part fails");
    let text = err.to_string();
    assert!(
        matches!(&err, RoundTripError::Apply { version, .. } if version == "20240102000000"),
        "{text}"
    );
    assert!(
        text.contains("20240102000000_broken.up.sql:2") && text.contains("no_such_table"),
        "the error names the file, line and the server's message: {text}"
    );
}
