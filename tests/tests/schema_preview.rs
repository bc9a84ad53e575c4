//! The migration preview against the real servers: "after" holds what the pending migration
//! creates, and the target is left exactly as it was (on PostgreSQL and SQLite the catalogs
//! compare equal before and after, and the SQLite file is byte for byte the same); on MariaDB
//! and for no-transaction migrations the preview runs in a scratch database that is gone
//! afterwards; a user who may not create databases is told which privilege is missing.

use strata_core::plan::{MigrationState, Target};
use strata_core::schema::introspect::introspect_url;
use strata_core::schema::preview::{preview, PreviewError, PreviewMethod};
use strata_core::schema::scratch::{Scratch, ScratchError};
use strata_core::schema::Schema;
use strata_core::DatabaseKind;
use strata_system_tests::servers::{exec, run_to, server_url, states, TempProject, TestTarget};

const FIRST: &str = "20240101000000";
const SECOND: &str = "20240102000000";

/// One applied migration (customers) and one pending (orders, with an index).
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
            "CREATE TABLE orders ({id}, customer_id INT NOT NULL REFERENCES customers (id), placed_at VARCHAR(30));\n\
             CREATE INDEX orders_placed_idx ON orders (placed_at);\n"
        ),
        Some("DROP TABLE orders;\n"),
    );
    p
}

/// The target with the first migration applied.
async fn applied_first(kind: DatabaseKind, p: &TempProject) -> TestTarget {
    let target = TestTarget::create(kind).await;
    let set = p.migrations();
    let version = strata_core::engine::parse_version(&set, FIRST).unwrap();
    run_to(target.url(), &set, Target::UpTo(version))
        .await
        .expect("the first migration applies");
    target
}

fn has_orders(schema: &Schema) -> bool {
    schema.namespaces.values().any(|ns| {
        ns.tables
            .get("orders")
            .is_some_and(|t| t.indexes.contains_key("orders_placed_idx"))
    })
}

fn has_customers(schema: &Schema) -> bool {
    (schema.namespaces.values()).any(|ns| ns.tables.contains_key("customers"))
}

/// A snapshot of the catalog, compared as text: every relation's name and oid (PostgreSQL),
/// every `sqlite_schema` row (SQLite), the history rows.
async fn catalog_snapshot(
    kind: DatabaseKind,
    url: &str,
    set: &strata_core::MigrationSet,
) -> String {
    use sqlx::Connection as _;
    let catalog = match kind {
        DatabaseKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let rows: (i64, String) = sqlx::query_as(
                "SELECT count(*), string_agg(relname || ':' || oid::text, ',' ORDER BY oid) FROM pg_class",
            )
            .fetch_one(&mut c)
            .await
            .unwrap();
            format!("{rows:?}")
        }
        DatabaseKind::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
                "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            format!("{rows:?}")
        }
        DatabaseKind::Mysql => unreachable!("MariaDB previews in a scratch database"),
    };
    format!("{catalog}\n{:?}", states(url, set).await)
}

/// PostgreSQL and SQLite: one transaction, rolled back; the target is unchanged.
async fn transactional(kind: DatabaseKind) {
    let p = project(kind);
    let target = applied_first(kind, &p).await;
    let url = target.url();
    let schema_before = introspect_url(url).await.unwrap();
    let catalog_before = catalog_snapshot(kind, url, &p.migrations()).await;
    let file = |url: &str| std::fs::read(url.trim_start_matches("sqlite:")).unwrap();
    let bytes_before = (kind == DatabaseKind::Sqlite).then(|| file(url));

    let shown = preview(url, &p.migrations())
        .await
        .expect("the preview runs");
    assert_eq!(shown.method, PreviewMethod::Transactional);
    assert_eq!(shown.pending, [SECOND]);
    assert!(has_customers(&shown.before) && !has_orders(&shown.before));
    assert!(has_orders(&shown.after), "after lacks orders and its index");
    assert_eq!(shown.before, schema_before, "before is the target as it is");

    assert_eq!(introspect_url(url).await.unwrap(), schema_before);
    assert_eq!(
        catalog_snapshot(kind, url, &p.migrations()).await,
        catalog_before
    );
    if let Some(bytes) = bytes_before {
        assert!(file(url) == bytes, "the SQLite file changed");
    }
    let pending = states(url, &p.migrations()).await;
    assert_eq!(pending[1], (SECOND.to_owned(), MigrationState::Pending));
}

strata_system_tests::per_engine!(transactional_preview, transactional_or_scratch);

async fn transactional_or_scratch(kind: DatabaseKind) {
    match kind {
        DatabaseKind::Mysql => scratch_preview(kind).await,
        _ => transactional(kind).await,
    }
}

/// Scratch databases of this test process now on the server, by name.
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
        _ => {
            let mut c = sqlx::MySqlConnection::connect(&server_url(kind))
                .await
                .unwrap();
            let rows: Vec<(String,)> = sqlx::query_as("SHOW DATABASES")
                .fetch_all(&mut c)
                .await
                .unwrap();
            rows.into_iter().map(|r| r.0).collect()
        }
    };
    names
        .into_iter()
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// Scratch previews of this process run one at a time, so "none left" is about this one.
static SCRATCH: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// MariaDB: replayed into a scratch database, which is gone afterwards.
async fn scratch_preview(kind: DatabaseKind) {
    let _one = SCRATCH.lock().await;
    let p = project(kind);
    let target = applied_first(kind, &p).await;
    let url = target.url();
    let schema_before = introspect_url(url).await.unwrap();
    let shown = preview(url, &p.migrations())
        .await
        .expect("the preview runs");
    let PreviewMethod::Scratch { reason } = &shown.method else {
        panic!("MariaDB previews in a scratch database: {:?}", shown.method)
    };
    assert!(reason.contains("MySQL/MariaDB"), "{reason}");
    assert!(has_customers(&shown.before) && !has_orders(&shown.before));
    assert!(has_orders(&shown.after));
    // Named after the target, not the scratch database, so it compares with the target.
    assert_eq!(shown.before, schema_before);
    assert_eq!(our_scratch_databases(kind).await, Vec::<String>::new());
    assert_eq!(introspect_url(url).await.unwrap(), schema_before);
}

/// A migration that cannot run in a transaction sends PostgreSQL to a scratch database too.
#[tokio::test]
async fn postgres_no_transaction_migration_previews_in_a_scratch_database() {
    let _one = SCRATCH.lock().await;
    let kind = DatabaseKind::Postgres;
    let p = project(kind);
    p.write(
        "20240103000000",
        "concurrent_index",
        "CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email);\n",
        None,
    );
    let target = applied_first(kind, &p).await;
    let catalog_before = catalog_snapshot(kind, target.url(), &p.migrations()).await;
    let shown = preview(target.url(), &p.migrations()).await.unwrap();
    let PreviewMethod::Scratch { reason } = &shown.method else {
        panic!("{:?}", shown.method)
    };
    assert!(reason.contains("20240103000000"), "{reason}");
    let customers = &shown.after.namespaces["public"].tables["customers"];
    assert!(customers.indexes.contains_key("customers_email_idx"));
    assert!(has_orders(&shown.after));
    assert_eq!(our_scratch_databases(kind).await, Vec::<String>::new());
    assert_eq!(
        catalog_snapshot(kind, target.url(), &p.migrations()).await,
        catalog_before
    );
}

/// A failing pending migration: the error names it and its line; nothing is left behind.
async fn failing(kind: DatabaseKind) {
    let _one = SCRATCH.lock().await;
    let p = project(kind);
    p.write(
        "20240103000000",
        "broken",
        "CREATE TABLE extra (id INT);\n\nCREATE TABLE no_such_syntax (;\n",
        None,
    );
    let target = applied_first(kind, &p).await;
    let schema_before = introspect_url(target.url()).await.unwrap();
    let err = preview(target.url(), &p.migrations())
        .await
        .expect_err("the broken migration fails");
    let PreviewError::Statement { version, line, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!((version.as_str(), *line), ("20240103000000", 3), "{err}");
    assert_eq!(introspect_url(target.url()).await.unwrap(), schema_before);
    if kind != DatabaseKind::Sqlite {
        assert_eq!(our_scratch_databases(kind).await, Vec::<String>::new());
    }
}

strata_system_tests::per_engine!(failing_preview, failing);

/// A PostgreSQL role without CREATEDB is told so.
#[tokio::test]
async fn postgres_without_createdb_names_the_privilege() {
    let admin = server_url(DatabaseKind::Postgres);
    let role = format!("strata_nocreate_{}", std::process::id());
    exec(
        &admin,
        &[
            &format!("DROP ROLE IF EXISTS {role}"),
            &format!("CREATE ROLE {role} LOGIN NOCREATEDB"),
        ],
    )
    .await;
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_username(&role).unwrap();
    let err = Scratch::create(url.as_str())
        .await
        .expect_err("no CREATEDB");
    exec(&admin, &[&format!("DROP ROLE {role}")]).await;
    assert!(
        matches!(
            err,
            ScratchError::NoPrivilege {
                privilege: "CREATEDB",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("CREATEDB"), "{err}");
}

/// A MariaDB user without CREATE is told so.
#[tokio::test]
async fn mariadb_without_create_names_the_privilege() {
    let admin = server_url(DatabaseKind::Mysql);
    let user = format!("strata_nocreate_{}", std::process::id());
    let db = url::Url::parse(&admin)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned();
    exec(
        &admin,
        &[
            &format!("DROP USER IF EXISTS '{user}'@'%'"),
            &format!("CREATE USER '{user}'@'%'"),
            &format!("GRANT SELECT ON `{db}`.* TO '{user}'@'%'"),
        ],
    )
    .await;
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_username(&user).unwrap();
    let result = Scratch::create(url.as_str()).await;
    exec(&admin, &[&format!("DROP USER '{user}'@'%'")]).await;
    let err = result.expect_err("no CREATE privilege");
    assert!(
        matches!(
            err,
            ScratchError::NoPrivilege {
                privilege: "CREATE",
                ..
            }
        ),
        "{err}"
    );
}
