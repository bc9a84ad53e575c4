//! The schema at a version of the project, against the real servers: replaying the folder up to
//! a version builds exactly the tables of the migrations up to it (the target is neither read
//! nor changed, no scratch database is left); comparing a migrated database with an earlier
//! version names what came after it, and the generated SQL takes a database at that version to
//! the same schema; an unknown version and a migration that does not replay are named.

use strata_core::plan::Target;
use strata_core::schema::at_version::{compare_at, schema_at, SchemaAtError};
use strata_core::schema::compare::compare;
use strata_core::schema::diff::{Change, PartKind};
use strata_core::schema::introspect::introspect_url;
use strata_core::DatabaseKind;
use strata_system_tests::per_engine;
use strata_system_tests::servers::{exec, run_to, server_url, up, TempProject, TestTarget};

const FIRST: &str = "20240101000000";
const SECOND: &str = "20240102000000";
const THIRD: &str = "20240103000000";

fn id(kind: DatabaseKind) -> &'static str {
    match kind {
        DatabaseKind::Postgres => "id integer PRIMARY KEY",
        DatabaseKind::Mysql => "id INT NOT NULL PRIMARY KEY",
        DatabaseKind::Sqlite => "id INTEGER PRIMARY KEY",
    }
}

/// customers; then orders with an index; then a nickname column on customers.
fn project(kind: DatabaseKind) -> TempProject {
    let id = id(kind);
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
            "CREATE TABLE orders ({id}, customer_id INT NOT NULL);\n\
             CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
        ),
        Some("DROP TABLE orders;\n"),
    );
    p.write(
        THIRD,
        "nickname",
        "ALTER TABLE customers ADD COLUMN nickname VARCHAR(40);\n",
        Some("ALTER TABLE customers DROP COLUMN nickname;\n"),
    );
    p
}

/// The tests of this file run one at a time: each checks that no scratch database of this
/// process is left, which another test's live one would break.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Scratch databases this process left behind on the server.
async fn our_scratch_databases(kind: DatabaseKind) -> Vec<String> {
    use sqlx::Connection as _;
    let prefix = format!("strata_scratch_{}_", std::process::id());
    let names: Vec<String> = match kind {
        DatabaseKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(&server_url(kind))
                .await
                .unwrap();
            sqlx::query_scalar("SELECT datname::text FROM pg_database")
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
        DatabaseKind::Mysql => {
            let mut c = sqlx::MySqlConnection::connect(&server_url(kind))
                .await
                .unwrap();
            let rows: Vec<(String,)> = sqlx::query_as("SHOW DATABASES")
                .fetch_all(&mut c)
                .await
                .unwrap();
            rows.into_iter().map(|r| r.0).collect()
        }
        DatabaseKind::Sqlite => return Vec::new(),
    };
    names
        .into_iter()
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// The empty target was neither changed nor (SQLite) created.
async fn assert_untouched(kind: DatabaseKind, url: &str) {
    if kind == DatabaseKind::Sqlite {
        let path = url.trim_start_matches("sqlite:");
        assert!(!std::path::Path::new(path).exists(), "{path} was created");
    } else {
        let schema = introspect_url(url).await.unwrap();
        assert_eq!(schema.table_count(), 0, "{kind}: the target was changed");
    }
}

async fn builds_the_schema_at_a_version(kind: DatabaseKind) {
    let _serial = SERIAL.lock().await;
    let p = project(kind);
    let set = p.migrations();
    let target = TestTarget::create(kind).await;
    let url = target.url();

    let at = schema_at(url, &set, SECOND)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(at.replayed, [FIRST, SECOND], "{kind}");
    assert_eq!((at.version.as_str(), at.name.as_str()), (SECOND, "orders"));
    assert_eq!(at.label(), format!("schema at {SECOND} (orders)"));
    let ns = at.schema.namespaces.values().next().expect("one namespace");
    let tables: Vec<&str> = ns.tables.keys().map(String::as_str).collect();
    assert_eq!(tables, ["customers", "orders"], "{kind}");
    assert!(
        ns.tables["orders"]
            .indexes
            .contains_key("orders_customer_idx"),
        "{kind}: the index of the second migration is there"
    );
    let columns: Vec<&str> = (ns.tables["customers"].columns.iter())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        columns,
        ["id", "email"],
        "{kind}: no nickname before the third"
    );

    // Built beside the target, never in it.
    assert_untouched(kind, url).await;
    assert_eq!(our_scratch_databases(kind).await, Vec::<String>::new());

    let first = schema_at(url, &set, FIRST).await.unwrap();
    assert_eq!(first.replayed, [FIRST]);
    assert_eq!(first.schema.table_count(), 1, "{kind}");
    let last = schema_at(url, &set, THIRD).await.unwrap();
    let ns = last.schema.namespaces.values().next().unwrap();
    assert!(
        ns.tables["customers"]
            .columns
            .iter()
            .any(|c| c.name == "nickname"),
        "{kind}"
    );

    // A database migrated to the end is the schema at the last version (on MySQL the scratch
    // database's namespace is named as the target's).
    up(url, &set).await.unwrap();
    let (same, _) = compare_at(url, &set, THIRD).await.unwrap();
    assert!(same.is_empty(), "{kind}:\n{}", same.diff.to_text());
}

per_engine!(schema_at_a_version, builds_the_schema_at_a_version);

async fn compares_with_an_earlier_version(kind: DatabaseKind) {
    let _serial = SERIAL.lock().await;
    let p = project(kind);
    let set = p.migrations();
    let target = TestTarget::create(kind).await;
    let url = target.url();
    up(url, &set).await.unwrap();

    let (c, at) = compare_at(url, &set, FIRST)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert_eq!(at.replayed, [FIRST]);
    assert_eq!(c.target_b, format!("schema at {FIRST} (customers)"));
    let text = c.diff.to_text();
    // diff(A, B): the schema at FIRST lacks what came after it.
    let objects: Vec<(&str, Change)> = (c.diff.namespaces.iter())
        .flat_map(|n| &n.objects)
        .map(|o| (o.name.as_str(), o.change))
        .collect();
    assert_eq!(
        objects,
        [("customers", Change::Changed), ("orders", Change::Removed)],
        "{kind}:\n{text}"
    );
    let customers = &c.diff.namespaces[0].objects[0];
    let parts: Vec<(PartKind, &str, Change)> = (customers.parts.iter())
        .map(|p| (p.kind, p.name.as_str(), p.change))
        .collect();
    assert_eq!(
        parts,
        [(PartKind::Column, "nickname", Change::Removed)],
        "{kind}:\n{text}"
    );

    // The up SQL makes a database at FIRST like the migrated one; the down SQL takes it back.
    let other = TestTarget::create(kind).await;
    let first = strata_core::engine::parse_version(&set, FIRST).unwrap();
    run_to(other.url(), &set, Target::UpTo(first))
        .await
        .unwrap();
    let at_first = introspect_url(other.url()).await.unwrap();
    let up_sql: Vec<&str> = c.up.iter().map(String::as_str).collect();
    exec(other.url(), &up_sql).await;
    let after = compare(url, other.url()).await.unwrap();
    assert!(after.is_empty(), "{kind}:\n{}", after.diff.to_text());
    let down_sql: Vec<&str> = c.down.iter().map(String::as_str).collect();
    exec(other.url(), &down_sql).await;
    assert_eq!(
        introspect_url(other.url()).await.unwrap(),
        at_first,
        "{kind}"
    );
    assert_eq!(our_scratch_databases(kind).await, Vec::<String>::new());
}

per_engine!(
    compare_with_an_earlier_version,
    compares_with_an_earlier_version
);

async fn bad_versions_and_broken_files_are_named(kind: DatabaseKind) {
    let _serial = SERIAL.lock().await;
    let p = project(kind);
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let set = p.migrations();

    let err = schema_at(url, &set, "20230101000000")
        .await
        .expect_err("no such migration");
    assert!(
        matches!(err, SchemaAtError::NoSuchMigration { .. }),
        "{kind}: {err}"
    );
    assert!(
        err.to_string().contains("20230101000000") && err.to_string().contains("strata list"),
        "{err}"
    );
    let err = schema_at(url, &set, "not-a-version")
        .await
        .expect_err("bad");
    assert!(matches!(err, SchemaAtError::Engine(_)), "{kind}: {err}");
    assert!(err.to_string().contains("not-a-version"), "{err}");

    // The second migration's second statement fails: its file and line are named.
    p.write(
        SECOND,
        "orders",
        &format!(
            "CREATE TABLE orders ({}, customer_id INT NOT NULL);\n\
             CREATE INDEX orders_customer_idx ON no_such_table (customer_id);\n",
            id(kind)
        ),
        Some("DROP TABLE orders;\n"),
    );
    let set = p.migrations();
    let err = schema_at(url, &set, THIRD)
        .await
        .expect_err("the replay fails");
    let SchemaAtError::Replay(failure) = &err else {
        panic!("{kind}: expected a replay error, got {err}")
    };
    let (at, version, line) = (&failure.at, &failure.version, &failure.line);
    assert_eq!(
        (at.as_str(), version.as_str(), *line),
        (THIRD, SECOND, 2),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("orders.up.sql:2:") && text.contains("no_such_table"),
        "{kind}: the error names the file, the line and the server's message: {text}"
    );
    assert_untouched(kind, url).await;
    assert_eq!(our_scratch_databases(kind).await, Vec::<String>::new());
}

per_engine!(
    bad_versions_and_broken_files,
    bad_versions_and_broken_files_are_named
);

/// Repeatable migrations run after the versioned ones up to the version, as `up --to` runs them.
#[tokio::test]
async fn repeatables_follow_the_versioned_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, sql: &str| std::fs::write(dir.path().join(name), sql).unwrap();
    write(
        "V1__customers.sql",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT);\n",
    );
    write(
        "V2__orders.sql",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n",
    );
    write(
        "R__emails.sql",
        "CREATE VIEW emails AS SELECT email FROM customers;\n",
    );
    let set = strata_core::source::read_dir(dir.path(), None).unwrap();
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let at = schema_at(target.url(), &set, "1").await.unwrap();
    assert_eq!(at.replayed, ["1", "R__emails"]);
    let ns = at.schema.namespaces.values().next().unwrap();
    assert!(ns.views.contains_key("emails"), "{:?}", ns.views.keys());
    assert!(!ns.tables.contains_key("orders"));
}
