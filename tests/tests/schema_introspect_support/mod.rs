//! Helpers the schema introspection tests share: applying a fixture, reading a schema, finding
//! its parts.

// Each test file uses part of it.
#![allow(dead_code)]

use strata_core::schema::introspect::introspect_url;
use strata_core::schema::model::{IndexPart, Namespace, Schema, Sequence, Table};
use strata_core::DatabaseKind;
use strata_system_tests::servers::exec;

/// Run a fixture file of `tests/fixtures/schema/<dialect>/`, statement by statement (split
/// the way the engine splits migrations).
pub async fn apply_fixture(url: &str, kind: DatabaseKind, name: &str) {
    let dir = match kind {
        DatabaseKind::Postgres => "postgres",
        DatabaseKind::Mysql => "mysql",
        DatabaseKind::Sqlite => "sqlite",
    };
    let path = strata_system_tests::repo_root().join(format!("tests/fixtures/schema/{dir}/{name}"));
    let sql = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (statements, _) = strata_core::engine::part_statements(&sql, 1, kind);
    let texts: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
    exec(url, &texts).await;
}

pub async fn introspect(url: &str) -> Schema {
    introspect_url(url)
        .await
        .unwrap_or_else(|e| panic!("introspecting {url}: {e}"))
}

/// The one namespace of a MySQL or SQLite schema.
pub fn only_namespace(schema: &Schema) -> &Namespace {
    assert_eq!(schema.namespaces.len(), 1, "{:?}", schema.namespaces.keys());
    schema.namespaces.values().next().unwrap()
}

pub fn table<'s>(ns: &'s Namespace, name: &str) -> &'s Table {
    ns.tables
        .get(name)
        .unwrap_or_else(|| panic!("no table {name} in {:?}", ns.tables.keys()))
}

pub fn column_part(name: &str, descending: bool, length: Option<u32>) -> IndexPart {
    IndexPart::Column {
        name: name.into(),
        descending,
        length,
    }
}

/// Strata's table and the fake sqlx history are in the fixture but not in the model.
pub fn assert_no_bookkeeping(ns: &Namespace) {
    for name in ns.tables.keys() {
        assert!(
            !name.starts_with("strata_") && name != "_sqlx_migrations",
            "bookkeeping table {name} was introspected"
        );
    }
}

/// A sequence's options as one tuple to compare: (type, start, increment, min, max, cache,
/// cycle).
pub fn sequence_options(s: &Sequence) -> (&str, i64, i64, i64, i64, i64, bool) {
    (
        s.data_type.as_str(),
        s.start,
        s.increment,
        s.min_value,
        s.max_value,
        s.cache,
        s.cycle,
    )
}
