//! SQLite: `sqlite_schema` and the `pragma_*` table-valued functions, one query per object kind
//! over all tables, plus the stored CREATE text for what no pragma reports (`sqlite_text`).
//! Unnamed constraints get names derived from their content (`unique(a,b)`,
//! `fk(a)->t(b)`, `check(<expression>)`, `named: false`), so they keep their key across
//! introspections. Autoindexes are the primary key or unique constraint they implement.

use std::collections::BTreeMap;

use sqlx::Row as _;
use sqlx::SqliteConnection;

use super::sqlite_text::{self, Named, TableText};
use super::{is_bookkeeping_table, IntrospectError};
use crate::dialect::DatabaseKind;
use crate::schema::model::{
    definition_hash, CheckConstraint, Column, FkAction, ForeignKey, Generated, Identity, Index,
    IndexPart, Namespace, PrimaryKey, Schema, Table, Trigger, UniqueConstraint, View,
};

const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema";
const COLUMNS: &str = "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
    FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p \
    WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY m.name, p.cid";
const INDEXES: &str = "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial \
    FROM sqlite_schema m JOIN pragma_index_list(m.name) il \
    WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'";
const INDEX_COLUMNS: &str = "SELECT m.name, il.name, ix.cid, ix.name, ix.\"desc\" \
    FROM sqlite_schema m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ix \
    WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%' AND ix.key = 1 \
    ORDER BY m.name, il.name, ix.seqno";
const FOREIGN_KEYS: &str =
    "SELECT m.name, fk.id, fk.\"table\", fk.\"from\", fk.\"to\", fk.on_update, fk.on_delete \
    FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) fk \
    WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY m.name, fk.id, fk.seq";

/// The namespace SQLite's own database is known by.
pub const MAIN: &str = "main";

fn excluded(table: &str) -> bool {
    table.starts_with("sqlite_") || is_bookkeeping_table(table)
}

/// Read the schema of the database `conn` is connected to (its `main` database). Works inside
/// an open transaction. `target` names the database in errors.
pub async fn introspect(
    conn: &mut SqliteConnection,
    target: &str,
) -> Result<Schema, IntrospectError> {
    let read = |object: &str| IntrospectError::read(target, object.to_owned());
    let objects = sqlx::query(OBJECTS)
        .fetch_all(&mut *conn)
        .await
        .map_err(read("the objects (sqlite_schema)"))?;
    let mut ns = Namespace {
        name: MAIN.to_owned(),
        ..Namespace::default()
    };
    // CREATE texts by object name, for tables and indexes.
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut triggers = Vec::new();
    for row in &objects {
        let (kind, name, table, sql): (String, String, String, Option<String>) = (
            row.try_get(0).map_err(read("sqlite_schema.type"))?,
            row.try_get(1).map_err(read("sqlite_schema.name"))?,
            row.try_get(2).map_err(read("sqlite_schema.tbl_name"))?,
            row.try_get(3).map_err(read("sqlite_schema.sql"))?,
        );
        let sql = sql.unwrap_or_default();
        match kind.as_str() {
            "table" if !excluded(&name) && !is_virtual(&sql) => {
                ns.tables.insert(
                    name.clone(),
                    Table {
                        name: name.clone(),
                        ..Table::default()
                    },
                );
                texts.insert(name, sql);
            }
            "view" => {
                let definition = sqlite_text::view_query(&sql);
                ns.views.insert(
                    name.clone(),
                    View {
                        name,
                        definition,
                        materialized: false,
                    },
                );
            }
            "index" => {
                texts.insert(name, sql);
            }
            "trigger" => triggers.push((table, name, sql)),
            _ => {}
        }
    }
    for (table, name, sql) in triggers {
        if let Some(t) = ns.tables.get_mut(&table) {
            t.triggers.insert(
                name.clone(),
                Trigger {
                    name,
                    definition_hash: definition_hash(&sql),
                    definition: sql,
                },
            );
        }
    }
    // Each table's CREATE text, read once.
    let parsed: BTreeMap<String, TableText> = (ns.tables.keys())
        .map(|n| {
            let sql = texts.get(n).map_or("", String::as_str);
            (n.clone(), sqlite_text::parse_table(sql))
        })
        .collect();
    let texts = Texts {
        sql: texts,
        tables: parsed,
    };
    read_columns(conn, target, &mut ns, &texts).await?;
    read_indexes(conn, target, &mut ns, &texts).await?;
    read_foreign_keys(conn, target, &mut ns, &texts).await?;
    for (name, table) in &mut ns.tables {
        let Some(text) = texts.tables.get(name) else {
            continue;
        };
        for Named { name, value } in text.checks.iter().cloned() {
            let key = name.clone().unwrap_or_else(|| format!("check({value})"));
            table.checks.insert(
                key.clone(),
                CheckConstraint {
                    name: key,
                    named: name.is_some(),
                    expression: value,
                },
            );
        }
    }
    let mut schema = Schema::new(DatabaseKind::Sqlite);
    schema.namespaces.insert(MAIN.to_owned(), ns);
    Ok(schema)
}

/// The stored CREATE texts: by object name, and each table's read.
struct Texts {
    sql: BTreeMap<String, String>,
    tables: BTreeMap<String, TableText>,
}

fn is_virtual(sql: &str) -> bool {
    sql.trim_start()
        .get(..14)
        .is_some_and(|s| s.eq_ignore_ascii_case("CREATE VIRTUAL"))
}

async fn read_columns(
    conn: &mut SqliteConnection,
    target: &str,
    ns: &mut Namespace,
    texts: &Texts,
) -> Result<(), IntrospectError> {
    let object = "the columns (pragma_table_xinfo)";
    let rows = sqlx::query(COLUMNS)
        .fetch_all(&mut *conn)
        .await
        .map_err(IntrospectError::read(target, object))?;
    // Primary key columns by table, in key order.
    let mut pks: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for row in rows {
        let get = |e| IntrospectError::read(target, object)(e);
        let table: String = row.try_get(0).map_err(get)?;
        let Some(t) = ns.tables.get_mut(&table) else {
            continue;
        };
        let name: String = row.try_get(1).map_err(get)?;
        let data_type: String = row.try_get(2).map_err(get)?;
        let notnull: i64 = row.try_get(3).map_err(get)?;
        let default: Option<String> = row.try_get(4).map_err(get)?;
        let pk: i64 = row.try_get(5).map_err(get)?;
        let hidden: i64 = row.try_get(6).map_err(get)?;
        let extras = (texts.tables.get(&table)).and_then(|t| {
            t.columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&name))
        });
        let generated = match hidden {
            2 | 3 => Some(Generated {
                expression: extras
                    .and_then(|e| e.generated.as_ref())
                    .map(|(expression, _)| expression.clone())
                    .unwrap_or_default(),
                stored: hidden == 3,
            }),
            _ => None,
        };
        if pk > 0 {
            pks.entry(table.clone())
                .or_default()
                .push((pk, name.clone()));
        }
        t.columns.push(Column {
            name,
            data_type: data_type.to_lowercase(),
            nullable: notnull == 0,
            default,
            generated,
            identity: extras
                .filter(|e| e.autoincrement)
                .map(|_| Identity::AutoIncrement),
            collation: extras.and_then(|e| e.collation.clone()),
            comment: None,
            on_update: None,
        });
    }
    for (table, mut columns) in pks {
        columns.sort();
        if let Some(t) = ns.tables.get_mut(&table) {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: columns.into_iter().map(|(_, c)| c).collect(),
            });
        }
    }
    Ok(())
}

async fn read_indexes(
    conn: &mut SqliteConnection,
    target: &str,
    ns: &mut Namespace,
    texts: &Texts,
) -> Result<(), IntrospectError> {
    let object = "the indexes (pragma_index_list, pragma_index_xinfo)";
    let err = || IntrospectError::read(target, object);
    let lists = sqlx::query(INDEXES)
        .fetch_all(&mut *conn)
        .await
        .map_err(err())?;
    let parts = sqlx::query(INDEX_COLUMNS)
        .fetch_all(&mut *conn)
        .await
        .map_err(err())?;
    // (table, index) → key parts, in order.
    let mut keys: BTreeMap<(String, String), Vec<KeyPart>> = BTreeMap::new();
    for row in parts {
        let table: String = row.try_get(0).map_err(err())?;
        let index: String = row.try_get(1).map_err(err())?;
        let cid: i64 = row.try_get(2).map_err(err())?;
        let column: Option<String> = row.try_get(3).map_err(err())?;
        let desc: i64 = row.try_get(4).map_err(err())?;
        keys.entry((table, index))
            .or_default()
            .push((cid, column, desc != 0));
    }
    for row in lists {
        let table: String = row.try_get(0).map_err(err())?;
        let index: String = row.try_get(1).map_err(err())?;
        let unique: i64 = row.try_get(2).map_err(err())?;
        let origin: String = row.try_get(3).map_err(err())?;
        let Some(t) = ns.tables.get_mut(&table) else {
            continue;
        };
        let key = keys
            .remove(&(table.clone(), index.clone()))
            .unwrap_or_default();
        let columns: Vec<String> = key.iter().filter_map(|(_, c, _)| c.clone()).collect();
        match origin.as_str() {
            // The primary key's own index: the key itself comes from pragma_table_xinfo.
            "pk" => {}
            "u" => {
                let written = (texts.tables.get(&table))
                    .and_then(|t| t.uniques.iter().find(|u| same_columns(&u.value, &columns)))
                    .and_then(|u| u.name.clone());
                let name = written
                    .clone()
                    .unwrap_or_else(|| format!("unique({})", columns.join(",")));
                t.uniques.insert(
                    name.clone(),
                    UniqueConstraint {
                        name,
                        named: written.is_some(),
                        columns,
                    },
                );
            }
            _ => {
                let sql = texts.sql.get(&index).map_or("", String::as_str);
                let text = sqlite_text::parse_index(sql);
                let parts = key
                    .iter()
                    .enumerate()
                    .map(|(k, (cid, column, descending))| match (cid, column) {
                        (-2, _) | (_, None) => IndexPart::Expression {
                            expression: text.parts.get(k).cloned().unwrap_or_default(),
                            descending: *descending,
                        },
                        (_, Some(name)) => IndexPart::Column {
                            name: name.clone(),
                            descending: *descending,
                            length: None,
                        },
                    })
                    .collect();
                t.indexes.insert(
                    index.clone(),
                    Index {
                        name: index,
                        parts,
                        unique: unique != 0,
                        method: None,
                        predicate: text.predicate,
                    },
                );
            }
        }
    }
    Ok(())
}

/// One key part of an index as `pragma_index_xinfo` reports it: the column id (-2 for an
/// expression), the column's name and whether it is descending.
type KeyPart = (i64, Option<String>, bool);

fn same_columns(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

fn action(text: &str) -> FkAction {
    match text.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "RESTRICT" => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}

async fn read_foreign_keys(
    conn: &mut SqliteConnection,
    target: &str,
    ns: &mut Namespace,
    texts: &Texts,
) -> Result<(), IntrospectError> {
    let object = "the foreign keys (pragma_foreign_key_list)";
    let err = || IntrospectError::read(target, object);
    let rows = sqlx::query(FOREIGN_KEYS)
        .fetch_all(&mut *conn)
        .await
        .map_err(err())?;
    // (table, id) → the key so far.
    let mut keys: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for row in rows {
        let table: String = row.try_get(0).map_err(err())?;
        let id: i64 = row.try_get(1).map_err(err())?;
        let referenced: String = row.try_get(2).map_err(err())?;
        let from: String = row.try_get(3).map_err(err())?;
        let to: Option<String> = row.try_get(4).map_err(err())?;
        let on_update: String = row.try_get(5).map_err(err())?;
        let on_delete: String = row.try_get(6).map_err(err())?;
        let fk = keys.entry((table, id)).or_insert_with(|| ForeignKey {
            name: String::new(),
            named: false,
            columns: Vec::new(),
            referenced_namespace: None,
            referenced_table: referenced,
            referenced_columns: Vec::new(),
            on_delete: action(&on_delete),
            on_update: action(&on_update),
        });
        fk.columns.push(from);
        // No `to`: the referenced table's primary key, filled in below.
        fk.referenced_columns.extend(to);
    }
    for ((table, _), mut fk) in keys {
        if fk.referenced_columns.is_empty() {
            fk.referenced_columns = ns
                .tables
                .get(&fk.referenced_table)
                .and_then(|t| t.primary_key.as_ref())
                .map(|pk| pk.columns.clone())
                .unwrap_or_default();
        }
        let Some(t) = ns.tables.get_mut(&table) else {
            continue;
        };
        let written = (texts.tables.get(&table))
            .and_then(|t| (t.foreign_keys.iter()).find(|f| same_columns(&f.value, &fk.columns)))
            .and_then(|f| f.name.clone());
        fk.named = written.is_some();
        fk.name = written.unwrap_or_else(|| {
            format!(
                "fk({})->{}({})",
                fk.columns.join(","),
                fk.referenced_table,
                fk.referenced_columns.join(",")
            )
        });
        t.foreign_keys.insert(fk.name.clone(), fk);
    }
    Ok(())
}
