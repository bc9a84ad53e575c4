//! Drift against the real servers: a database changed only by its migrations reports no drift;
//! a column added by hand with `ALTER TABLE … ADD COLUMN` and an index created by hand are
//! reported by name, with the migrations that were replayed; an index dropped by hand is
//! reported as removed; a history whose stored SQL no longer runs names the migration and the line.

use strata_core::schema::diff::{Change, PartKind};
use strata_core::schema::drift::{drift, DriftError};
use strata_core::DatabaseKind;
use strata_system_tests::per_engine;
use strata_system_tests::servers::{exec, up, TempProject, TestTarget};

const FIRST: &str = "20240101000000";
const SECOND: &str = "20240102000000";

fn project(kind: DatabaseKind) -> TempProject {
    let id = match kind {
        DatabaseKind::Postgres => "id integer PRIMARY KEY",
        DatabaseKind::Mysql => "id INT NOT NULL PRIMARY KEY",
        DatabaseKind::Sqlite => "id INTEGER PRIMARY KEY",
    };
    let p = TempProject::new();
    p.write(
        FIRST,
        "customers",
        &format!("CREATE TABLE customers ({id}, email VARCHAR(200) NOT NULL);\n"),
        Some("DROP TABLE customers;\n"),
    );
    p.write(
        SECOND,
        "orders",
        &format!(
            "CREATE TABLE orders ({id}, customer_id INT NOT NULL, placed_at VARCHAR(30));\n\
             CREATE INDEX orders_placed_idx ON orders (placed_at);\n"
        ),
        Some("DROP TABLE orders;\n"),
    );
    p
}

async fn hand_edits_are_reported(kind: DatabaseKind) {
    let p = project(kind);
    let set = p.migrations();
    let target = TestTarget::create(kind).await;
    let url = target.url();
    up(url, &set).await.expect("the migrations apply");

    let clean = drift(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert!(
        clean.is_clean(),
        "{kind}: a database changed only by its migrations has no drift:\n{}",
        clean.diff.to_text()
    );
    assert_eq!(clean.replayed, vec![FIRST.to_owned(), SECOND.to_owned()]);
    assert!(clean.expected.table_count() == 2 && clean.actual.table_count() == 2);

    exec(
        url,
        &[
            "ALTER TABLE customers ADD COLUMN nickname VARCHAR(40)",
            "CREATE INDEX customers_email_by_hand ON customers (email)",
        ],
    )
    .await;
    let report = drift(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    let text = report.diff.to_text();
    assert!(!report.is_clean(), "{kind}: hand edits are drift");
    let objects: Vec<_> = report
        .diff
        .namespaces
        .iter()
        .flat_map(|n| &n.objects)
        .collect();
    assert_eq!(objects.len(), 1, "{kind}: only customers changed:\n{text}");
    let customers = objects[0];
    assert_eq!(
        (customers.name.as_str(), customers.change),
        ("customers", Change::Changed),
        "{kind}:\n{text}"
    );
    let parts: Vec<(PartKind, &str, Change)> = (customers.parts.iter())
        .map(|p| (p.kind, p.name.as_str(), p.change))
        .collect();
    assert_eq!(
        parts,
        vec![
            (PartKind::Column, "nickname", Change::Added),
            (PartKind::Index, "customers_email_by_hand", Change::Added),
        ],
        "{kind}: the hand-made column and index, as added:\n{text}"
    );
    assert!(
        text.contains("nickname") && text.contains("customers_email_by_hand"),
        "{kind}: the text names them:\n{text}"
    );

    // Something dropped by hand is drift too: the index a migration made.
    let drop_index = match kind {
        DatabaseKind::Mysql => "DROP INDEX orders_placed_idx ON orders",
        _ => "DROP INDEX orders_placed_idx",
    };
    exec(url, &[drop_index]).await;
    let report = drift(url, &set).await.unwrap();
    let orders = (report.diff.namespaces.iter())
        .flat_map(|n| &n.objects)
        .find(|o| o.name == "orders")
        .unwrap_or_else(|| panic!("{kind}: orders drifted:\n{}", report.diff.to_text()));
    assert!(
        (orders.parts.iter()).any(|p| p.name == "orders_placed_idx" && p.change == Change::Removed),
        "{kind}: the dropped index is reported as removed:\n{}",
        report.diff.to_text()
    );
}

per_engine!(drift_reports_hand_edits, hand_edits_are_reported);

async fn broken_history(kind: DatabaseKind) {
    let p = project(kind);
    let set = p.migrations();
    let target = TestTarget::create(kind).await;
    let url = target.url();
    up(url, &set).await.expect("the migrations apply");
    // The stored SQL of the second migration no longer runs: its table already exists when it
    // is replayed, because the first one's stored SQL now creates it too.
    exec(
        url,
        &[&format!(
            "UPDATE strata_migrations SET up_sql = 'CREATE TABLE customers (id INT);\nCREATE TABLE orders (id INT);' WHERE version = '{FIRST}'"
        )],
    )
    .await;
    let err = drift(url, &set).await.expect_err("the replay fails");
    match &err {
        DriftError::Replay { version, line, .. } => {
            assert_eq!(version, SECOND, "{kind}: {err}");
            assert_eq!(*line, 1, "{kind}: {err}");
        }
        other => panic!("{kind}: expected a replay error, got {other}"),
    }
    let text = err.to_string();
    assert!(
        text.contains(SECOND) && text.contains("orders") && text.contains(":1:"),
        "{kind}: the error names the migration, its line and the server's message: {text}"
    );
}

per_engine!(drift_replay_failure_names_the_migration, broken_history);
