//! PostgreSQL: `pg_catalog`, one query per object kind over every table at once (never one
//! per table), so a schema of thousands of tables reads in a handful of round trips. System
//! schemas and extension-owned objects are left out; serial and identity columns are
//! `Identity`, and the sequences they own are not listed on their own.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row as _};

use super::{is_bookkeeping_table, IntrospectError};
use crate::dialect::DatabaseKind;
use crate::schema::model::{
    definition_hash, CheckConstraint, Column, EnumType, FkAction, ForeignKey, Generated, Identity,
    Index, IndexPart, Namespace, PrimaryKey, Routine, RoutineKind, Schema, Sequence, Table,
    Trigger, UniqueConstraint, View,
};

use super::postgres_sql::{
    COLUMNS, CONSTRAINTS, ENUMS, INDEXES, NAMESPACES, ROUTINES, SEQUENCES, TABLES, TRIGGERS, VIEWS,
};

/// Read the schema of the database `conn` is connected to, every user namespace. Works inside
/// an open transaction (it only reads). `target` names the database in errors.
pub async fn introspect(conn: &mut PgConnection, target: &str) -> Result<Schema, IntrospectError> {
    let mut schema = Schema::new(DatabaseKind::Postgres);
    let ns_rows = fetch(conn, target, NAMESPACES, "the schemas (pg_namespace)").await?;
    for row in &ns_rows {
        let name: String = get(row, 0, target, "pg_namespace")?;
        schema.namespaces.insert(
            name.clone(),
            Namespace {
                name,
                ..Namespace::default()
            },
        );
    }
    let object = "the tables (pg_class)";
    for row in fetch(conn, target, TABLES, object).await? {
        let (ns, name): (String, String) =
            (get(&row, 0, target, object)?, get(&row, 1, target, object)?);
        if is_bookkeeping_table(&name) {
            continue;
        }
        let comment = get(&row, 2, target, object)?;
        if let Some(n) = schema.namespaces.get_mut(&ns) {
            n.tables.insert(
                name.clone(),
                Table {
                    name,
                    comment,
                    ..Table::default()
                },
            );
        }
    }
    read_columns(conn, target, &mut schema).await?;
    read_constraints(conn, target, &mut schema).await?;
    read_indexes(conn, target, &mut schema).await?;
    read_others(conn, target, &mut schema).await?;
    Ok(schema)
}

async fn fetch(
    conn: &mut PgConnection,
    target: &str,
    sql: &'static str,
    object: &str,
) -> Result<Vec<PgRow>, IntrospectError> {
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(IntrospectError::read(target, object.to_owned()))
}

fn get<'r, T>(row: &'r PgRow, i: usize, target: &str, object: &str) -> Result<T, IntrospectError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(i)
        .map_err(IntrospectError::read(target, object.to_owned()))
}

fn table<'s>(schema: &'s mut Schema, ns: &str, table: &str) -> Option<&'s mut Table> {
    schema.namespaces.get_mut(ns)?.tables.get_mut(table)
}

async fn read_columns(
    conn: &mut PgConnection,
    target: &str,
    schema: &mut Schema,
) -> Result<(), IntrospectError> {
    let object = "the columns (pg_attribute)";
    for row in fetch(conn, target, COLUMNS, object).await? {
        let g = |i| get::<Option<String>>(&row, i, target, object);
        let (ns, tname) = (g(0)?.unwrap_or_default(), g(1)?.unwrap_or_default());
        let Some(t) = table(schema, &ns, &tname) else {
            continue;
        };
        let notnull: bool = get(&row, 4, target, object)?;
        let owns_sequence: bool = get(&row, 10, target, object)?;
        let mut default = g(5)?;
        let generated_kind = g(7)?.unwrap_or_default();
        let identity = match g(6)?.as_deref() {
            Some("a") => Some(Identity::Always),
            Some("d") => Some(Identity::ByDefault),
            _ if owns_sequence
                && default
                    .as_deref()
                    .is_some_and(|d| d.starts_with("nextval(")) =>
            {
                default = None;
                Some(Identity::Serial)
            }
            _ => None,
        };
        let generated = (generated_kind == "s").then(|| Generated {
            expression: default.take().unwrap_or_default(),
            stored: true,
        });
        t.columns.push(Column {
            name: g(2)?.unwrap_or_default(),
            data_type: g(3)?.unwrap_or_default().to_lowercase(),
            nullable: !notnull,
            default,
            generated,
            identity,
            collation: g(8)?,
            comment: g(9)?,
            on_update: None,
        });
    }
    Ok(())
}

fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

async fn read_constraints(
    conn: &mut PgConnection,
    target: &str,
    schema: &mut Schema,
) -> Result<(), IntrospectError> {
    let object = "the constraints (pg_constraint)";
    for row in fetch(conn, target, CONSTRAINTS, object).await? {
        let g = |i| get::<Option<String>>(&row, i, target, object);
        let (ns, tname, name) = (
            g(0)?.unwrap_or_default(),
            g(1)?.unwrap_or_default(),
            g(2)?.unwrap_or_default(),
        );
        let columns: Vec<String> = get(&row, 4, target, object)?;
        let Some(t) = table(schema, &ns, &tname) else {
            continue;
        };
        match g(3)?.as_deref() {
            Some("p") => {
                t.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                })
            }
            Some("u") => {
                t.uniques.insert(
                    name.clone(),
                    UniqueConstraint {
                        name,
                        named: true,
                        columns,
                    },
                );
            }
            Some("f") => {
                let referenced_ns = g(5)?.unwrap_or_default();
                let fk = ForeignKey {
                    name: name.clone(),
                    named: true,
                    columns,
                    referenced_namespace: (referenced_ns != ns).then_some(referenced_ns),
                    referenced_table: g(6)?.unwrap_or_default(),
                    referenced_columns: get(&row, 7, target, object)?,
                    on_update: action(g(8)?.as_deref().unwrap_or("a")),
                    on_delete: action(g(9)?.as_deref().unwrap_or("a")),
                };
                t.foreign_keys.insert(name, fk);
            }
            Some("c") => {
                let expression = g(10)?.unwrap_or_default();
                t.checks.insert(
                    name.clone(),
                    CheckConstraint {
                        name,
                        named: true,
                        expression,
                    },
                );
            }
            _ => {}
        }
    }
    Ok(())
}

async fn read_indexes(
    conn: &mut PgConnection,
    target: &str,
    schema: &mut Schema,
) -> Result<(), IntrospectError> {
    let object = "the indexes (pg_index)";
    for row in fetch(conn, target, INDEXES, object).await? {
        let g = |i| get::<Option<String>>(&row, i, target, object);
        let (ns, tname, name) = (
            g(0)?.unwrap_or_default(),
            g(1)?.unwrap_or_default(),
            g(2)?.unwrap_or_default(),
        );
        let unique: bool = get(&row, 3, target, object)?;
        let columns: Vec<Option<String>> = get(&row, 6, target, object)?;
        let texts: Vec<Option<String>> = get(&row, 7, target, object)?;
        let descending: Vec<bool> = get(&row, 8, target, object)?;
        let Some(t) = table(schema, &ns, &tname) else {
            continue;
        };
        let parts = (columns.into_iter().zip(texts).zip(descending))
            .map(|((column, text), descending)| match column {
                Some(name) => IndexPart::Column {
                    name,
                    descending,
                    length: None,
                },
                None => IndexPart::Expression {
                    expression: text.unwrap_or_default(),
                    descending,
                },
            })
            .collect();
        t.indexes.insert(
            name.clone(),
            Index {
                name,
                parts,
                unique,
                method: g(4)?,
                predicate: g(5)?,
            },
        );
    }
    Ok(())
}

/// Views, sequences, enums, routines and triggers.
async fn read_others(
    conn: &mut PgConnection,
    target: &str,
    schema: &mut Schema,
) -> Result<(), IntrospectError> {
    let object = "the views (pg_class, pg_get_viewdef)";
    for row in fetch(conn, target, VIEWS, object).await? {
        let (ns, name): (String, String) =
            (get(&row, 0, target, object)?, get(&row, 1, target, object)?);
        let definition: Option<String> = get(&row, 2, target, object)?;
        let materialized: bool = get(&row, 3, target, object)?;
        if let Some(n) = schema.namespaces.get_mut(&ns) {
            let definition = definition.unwrap_or_default();
            n.views.insert(
                name.clone(),
                View {
                    name,
                    definition,
                    materialized,
                },
            );
        }
    }
    let object = "the sequences (pg_sequence)";
    for row in fetch(conn, target, SEQUENCES, object).await? {
        let (ns, name): (String, String) =
            (get(&row, 0, target, object)?, get(&row, 1, target, object)?);
        let sequence = Sequence {
            name: name.clone(),
            data_type: get(&row, 2, target, object)?,
            start: get(&row, 3, target, object)?,
            increment: get(&row, 4, target, object)?,
            min_value: get(&row, 5, target, object)?,
            max_value: get(&row, 6, target, object)?,
            cycle: get(&row, 7, target, object)?,
            cache: get(&row, 8, target, object)?,
        };
        if let Some(n) = schema.namespaces.get_mut(&ns) {
            n.sequences.insert(name, sequence);
        }
    }
    let object = "the enum types (pg_type, pg_enum)";
    for row in fetch(conn, target, ENUMS, object).await? {
        let (ns, name): (String, String) =
            (get(&row, 0, target, object)?, get(&row, 1, target, object)?);
        let values: Vec<String> = get(&row, 2, target, object)?;
        if let Some(n) = schema.namespaces.get_mut(&ns) {
            n.enums.insert(name.clone(), EnumType { name, values });
        }
    }
    let object = "the functions and procedures (pg_proc)";
    for row in fetch(conn, target, ROUTINES, object).await? {
        let (ns, name): (String, String) =
            (get(&row, 0, target, object)?, get(&row, 1, target, object)?);
        let kind: String = get(&row, 2, target, object)?;
        let arguments: String = get(&row, 3, target, object)?;
        let definition: String = get(&row, 4, target, object)?;
        if let Some(n) = schema.namespaces.get_mut(&ns) {
            n.routines.insert(
                format!("{name}({arguments})"),
                Routine {
                    name,
                    kind: if kind == "p" {
                        RoutineKind::Procedure
                    } else {
                        RoutineKind::Function
                    },
                    arguments,
                    definition_hash: definition_hash(&definition),
                    definition,
                },
            );
        }
    }
    let object = "the triggers (pg_trigger)";
    for row in fetch(conn, target, TRIGGERS, object).await? {
        let (ns, tname, name): (String, String, String) = (
            get(&row, 0, target, object)?,
            get(&row, 1, target, object)?,
            get(&row, 2, target, object)?,
        );
        let definition: String = get(&row, 3, target, object)?;
        if let Some(t) = table(schema, &ns, &tname) {
            t.triggers.insert(
                name.clone(),
                Trigger {
                    name,
                    definition_hash: definition_hash(&definition),
                    definition,
                },
            );
        }
    }
    Ok(())
}
