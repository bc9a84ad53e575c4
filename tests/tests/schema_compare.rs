//! Comparing two databases against the real servers: the diff names what B lacks and has in
//! excess; "Generate migration" writes the up/down pair that makes B like A, the engine applies
//! it to B and B then compares equal to A, and rolling it back gives B back exactly; databases
//! of different engines are refused before either is read.

use strata_core::plan::Target;
use strata_core::schema::compare::{compare, generate_migration, script, CompareError};
use strata_core::schema::diff::{Attribute, Change};
use strata_core::schema::introspect::introspect_url;
use strata_core::DatabaseKind;
use strata_system_tests::per_engine;
use strata_system_tests::servers::{exec, run_to, up, TempProject, TestTarget};

/// A: customers with a nickname and an email index, and orders referencing customers.
/// B: customers without them, and a legacy_notes table A does not have.
async fn a_and_b(kind: DatabaseKind) -> (TestTarget, TestTarget) {
    let id = match kind {
        DatabaseKind::Postgres => "id integer PRIMARY KEY",
        DatabaseKind::Mysql => "id INT NOT NULL PRIMARY KEY",
        DatabaseKind::Sqlite => "id INTEGER PRIMARY KEY",
    };
    let (a, b) = (
        TestTarget::create(kind).await,
        TestTarget::create(kind).await,
    );
    exec(
        a.url(),
        &[
            &format!("CREATE TABLE customers ({id}, email VARCHAR(200) NOT NULL, nickname VARCHAR(40) NOT NULL DEFAULT '')"),
            "CREATE INDEX customers_email_idx ON customers (email)",
            &format!("CREATE TABLE orders ({id}, customer_id INT NOT NULL REFERENCES customers (id))"),
        ],
    )
    .await;
    exec(
        b.url(),
        &[
            &format!("CREATE TABLE customers ({id}, email VARCHAR(200) NOT NULL)"),
            &format!("CREATE TABLE legacy_notes ({id}, body VARCHAR(500))"),
        ],
    )
    .await;
    (a, b)
}

async fn differences_are_named(kind: DatabaseKind) {
    let (a, b) = a_and_b(kind).await;
    let c = compare(a.url(), b.url())
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    let text = c.diff.to_text();
    let objects: Vec<(&str, Change)> = (c.diff.namespaces.iter())
        .flat_map(|n| &n.objects)
        .map(|o| (o.name.as_str(), o.change))
        .collect();
    assert_eq!(
        objects,
        vec![
            ("customers", Change::Changed),
            ("legacy_notes", Change::Added),
            ("orders", Change::Removed),
        ],
        "{kind}: diff(A, B):\n{text}"
    );
    assert!(
        text.contains("nickname") && text.contains("customers_email_idx"),
        "{kind}:\n{text}"
    );
    assert!(
        !c.up.is_empty() && !c.down.is_empty(),
        "{kind}: DDL both ways"
    );
    let same = compare(a.url(), a.url()).await.unwrap();
    assert!(same.is_empty() && same.up.is_empty(), "{kind}: A equals A");
}

per_engine!(compare_names_the_differences, differences_are_named);

/// The whole "Generate migration" loop on PostgreSQL: generate, apply to B, compare, roll back.
#[tokio::test]
async fn generated_migration_makes_b_like_a_and_rolls_back() {
    let kind = DatabaseKind::Postgres;
    let (a, b) = a_and_b(kind).await;
    let b_before = introspect_url(b.url()).await.unwrap();
    let c = compare(a.url(), b.url()).await.unwrap();
    let project = TempProject::new();
    let made = generate_migration(
        &project.migrations_dir(),
        None,
        kind,
        "make B like A",
        &script(&c.up),
        &script(&c.down),
    )
    .unwrap();
    assert!(made.up_path.is_file() && made.down_path.is_file());
    assert!(
        made.up_path
            .to_string_lossy()
            .ends_with("_make_b_like_a.up.sql"),
        "named as `strata new` names it: {}",
        made.up_path.display()
    );
    let set = project.migrations();
    assert_eq!(set.migrations.len(), 1);
    up(b.url(), &set)
        .await
        .unwrap_or_else(|e| panic!("the generated migration applies to B: {e}"));
    let after = compare(a.url(), b.url()).await.unwrap();
    assert!(
        after.is_empty(),
        "after the generated migration B is like A:\n{}\n--- up\n{}",
        after.diff.to_text(),
        std::fs::read_to_string(&made.up_path).unwrap()
    );
    run_to(b.url(), &set, Target::DownSteps(1))
        .await
        .unwrap_or_else(|e| panic!("the generated migration rolls back: {e}"));
    let b_back = introspect_url(b.url()).await.unwrap();
    assert_eq!(
        b_back,
        b_before,
        "rolled back, B is as before:\n{}",
        strata_core::schema::diff::diff(&b_before, &b_back).to_text()
    );
}

#[tokio::test]
async fn different_engines_are_refused() {
    let pg = TestTarget::create(DatabaseKind::Postgres).await;
    let lite = TestTarget::create(DatabaseKind::Sqlite).await;
    let err = compare(pg.url(), lite.url()).await.expect_err("refused");
    assert!(
        matches!(err, CompareError::DifferentEngines { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("PostgreSQL") && text.contains("SQLite") && text.contains("same engine"),
        "{text}"
    );
    assert!(!text.contains("password"), "{text}");
}

/// MariaDB's `ON UPDATE CURRENT_TIMESTAMP` is read, compared, and generated.
#[tokio::test]
async fn mariadb_on_update_is_compared_and_generated() {
    let kind = DatabaseKind::Mysql;
    let (a, b) = (
        TestTarget::create(kind).await,
        TestTarget::create(kind).await,
    );
    exec(a.url(), &["CREATE TABLE t (id INT PRIMARY KEY, updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)"]).await;
    exec(b.url(), &["CREATE TABLE t (id INT PRIMARY KEY, updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"]).await;
    let c = compare(a.url(), b.url()).await.unwrap();
    let col = c.a.namespaces.values().next().unwrap().tables["t"]
        .column("updated")
        .unwrap()
        .clone();
    assert_eq!(
        col.on_update
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("current_timestamp()"),
        "{col:?}"
    );
    let changed = (c.diff.namespaces.iter())
        .flat_map(|n| &n.objects)
        .flat_map(|o| &o.parts)
        .find(|p| p.name == "updated")
        .unwrap_or_else(|| panic!("the column differs:\n{}", c.diff.to_text()));
    assert!(
        changed
            .attributes
            .iter()
            .any(|a| a.attribute == Attribute::OnUpdate),
        "{}",
        c.diff.to_text()
    );
    let up = c.up.join("\n");
    assert!(up.to_ascii_uppercase().contains("ON UPDATE"), "{up}");
    for sql in &c.up {
        exec(b.url(), &[sql]).await;
    }
    assert!(compare(a.url(), b.url()).await.unwrap().is_empty());
}

/// SQLite: a change that rebuilds a referenced table is generated with
/// `-- strata:no-transaction`, so its `PRAGMA foreign_keys = OFF` works and the rows of the
/// table that references it (ON DELETE CASCADE) survive the rebuild.
#[tokio::test]
async fn sqlite_generated_rebuild_keeps_referencing_rows() {
    let kind = DatabaseKind::Sqlite;
    let (a, b) = (
        TestTarget::create(kind).await,
        TestTarget::create(kind).await,
    );
    let orders = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE)";
    exec(
        a.url(),
        &[
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL)",
            orders,
        ],
    )
    .await;
    exec(
        b.url(),
        &[
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200))",
            orders,
            "INSERT INTO customers (id, email) VALUES (1, 'a@example.com')",
            "INSERT INTO orders (id, customer_id) VALUES (10, 1)",
        ],
    )
    .await;
    let c = compare(a.url(), b.url()).await.unwrap();
    let project = TempProject::new();
    let made = generate_migration(
        &project.migrations_dir(),
        None,
        kind,
        "email required",
        &script(&c.up),
        &script(&c.down),
    )
    .unwrap();
    let up_text = std::fs::read_to_string(&made.up_path).unwrap();
    assert!(
        up_text.starts_with("-- strata:no-transaction\n"),
        "a rebuild runs outside a transaction:\n{up_text}"
    );
    let set = project.migrations();
    assert!(set.migrations[0].no_transaction);
    up(b.url(), &set)
        .await
        .unwrap_or_else(|e| panic!("the generated migration applies: {e}\n{up_text}"));
    assert!(compare(a.url(), b.url()).await.unwrap().is_empty());
    use sqlx::Connection as _;
    let mut conn = sqlx::SqliteConnection::connect(b.url()).await.unwrap();
    let rows: (i64,) = sqlx::query_as("SELECT count(*) FROM orders WHERE customer_id = 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let _ = conn.close().await;
    assert_eq!(
        rows.0, 1,
        "the order of the rebuilt customer survived:\n{up_text}"
    );
}
