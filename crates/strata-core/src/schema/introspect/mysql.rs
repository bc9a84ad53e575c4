//! MySQL/MariaDB: `information_schema` for the connected database, one query per object kind
//! over all its tables, and `SHOW CREATE` only for routines (no catalog holds their whole
//! text) and sequences (`mysql_sequences`). Integer display widths are dropped (`int(11)` → `int`), `DEFINER` clauses and the
//! database's own name are left out of definitions, so the same DDL introspects equal in any
//! database on any server.

use std::collections::BTreeMap;

use sqlx::mysql::MySqlRow;
use sqlx::{MySqlConnection, Row as _};

use super::{is_bookkeeping_table, IntrospectError};
use crate::dialect::DatabaseKind;
use crate::driver::trusted;
use crate::schema::model::{
    definition_hash, CheckConstraint, Column, FkAction, ForeignKey, Generated, Identity, Index,
    IndexPart, Namespace, PrimaryKey, Routine, RoutineKind, Schema, Table, Trigger,
    UniqueConstraint, View,
};

use super::mysql_sql::{
    CHECKS, COLUMNS, DATABASE, FOREIGN_KEYS, ROUTINES, STATISTICS, TABLES, TRIGGERS, VIEWS,
};

/// Read the schema of the database `conn` is connected to. `target` names it in errors.
pub async fn introspect(
    conn: &mut MySqlConnection,
    target: &str,
) -> Result<Schema, IntrospectError> {
    let db: Option<String> = sqlx::query_scalar(DATABASE)
        .fetch_one(&mut *conn)
        .await
        .map_err(IntrospectError::read(
            target,
            "the connected database (DATABASE())",
        ))?;
    let Some(db) = db else {
        return Err(IntrospectError::Unreadable {
            target: target.to_owned(),
            object: "the connection".into(),
            detail: "the URL names no database; add one, e.g. mysql://user@host:3306/app".into(),
        });
    };
    let mut ns = Namespace {
        name: db.clone(),
        ..Namespace::default()
    };
    // Each table's default collation: a column's is kept only when it differs.
    let mut collations = BTreeMap::new();
    let object = "the tables (information_schema.TABLES)";
    for row in fetch(conn, target, TABLES, object).await? {
        let name = text(&row, 0, target, object)?;
        if is_bookkeeping_table(&name) {
            continue;
        }
        let comment = opt(&row, 1, target, object)?.filter(|c| !c.is_empty());
        collations.insert(name.clone(), opt(&row, 2, target, object)?);
        ns.tables.insert(
            name.clone(),
            Table {
                name,
                comment,
                ..Table::default()
            },
        );
    }
    read_columns(conn, target, &mut ns, &collations).await?;
    read_indexes(conn, target, &mut ns).await?;
    read_constraints(conn, target, &mut ns).await?;
    read_others(conn, target, &mut ns, &db).await?;
    super::mysql_sequences::read_sequences(conn, target, &mut ns).await?;
    let mut schema = Schema::new(DatabaseKind::Mysql);
    schema.namespaces.insert(db, ns);
    Ok(schema)
}

pub(super) async fn fetch(
    conn: &mut MySqlConnection,
    target: &str,
    sql: &'static str,
    object: &str,
) -> Result<Vec<MySqlRow>, IntrospectError> {
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(IntrospectError::read(target, object.to_owned()))
}

pub(super) fn opt(
    row: &MySqlRow,
    i: usize,
    target: &str,
    object: &str,
) -> Result<Option<String>, IntrospectError> {
    row.try_get(i)
        .map_err(IntrospectError::read(target, object.to_owned()))
}

pub(super) fn text(
    row: &MySqlRow,
    i: usize,
    target: &str,
    object: &str,
) -> Result<String, IntrospectError> {
    opt(row, i, target, object).map(Option::unwrap_or_default)
}

pub(super) fn int(
    row: &MySqlRow,
    i: usize,
    target: &str,
    object: &str,
) -> Result<Option<i64>, IntrospectError> {
    row.try_get(i)
        .map_err(IntrospectError::read(target, object.to_owned()))
}

/// `int(11)` → `int`, `bigint(20) unsigned` → `bigint unsigned`; other types as they are,
/// lower-cased.
pub fn normalise_type(column_type: &str) -> String {
    let t = column_type.trim().to_lowercase();
    const INTEGERS: [&str; 6] = [
        "tinyint",
        "smallint",
        "mediumint",
        "int",
        "integer",
        "bigint",
    ];
    for base in INTEGERS {
        if let Some(rest) = t.strip_prefix(base).and_then(|r| r.strip_prefix('(')) {
            if let Some((width, tail)) = rest.split_once(')') {
                if width.chars().all(|c| c.is_ascii_digit()) {
                    return format!("{base}{tail}");
                }
            }
        }
    }
    t
}

async fn read_columns(
    conn: &mut MySqlConnection,
    target: &str,
    ns: &mut Namespace,
    collations: &BTreeMap<String, Option<String>>,
) -> Result<(), IntrospectError> {
    // A default that reads a sequence names it `db`.`s`: the database's own name is left out.
    let own = format!("`{}`.", ns.name.replace('`', "``"));
    let object = "the columns (information_schema.COLUMNS)";
    for row in fetch(conn, target, COLUMNS, object).await? {
        let table = text(&row, 0, target, object)?;
        let Some(t) = ns.tables.get_mut(&table) else {
            continue;
        };
        let extra_text = text(&row, 5, target, object)?;
        let extra = extra_text.to_lowercase();
        let on_update = extra
            .find("on update ")
            .and_then(|at| extra_text.get(at + "on update ".len()..))
            .map(|rest| rest.trim().to_owned())
            .filter(|rest| !rest.is_empty());
        let generated = (extra.contains("generated")).then(|| {
            Ok::<_, IntrospectError>(Generated {
                expression: text(&row, 6, target, object)?,
                stored: extra.contains("stored"),
            })
        });
        let generated = generated.transpose()?;
        let identity = extra
            .contains("auto_increment")
            .then_some(Identity::AutoIncrement);
        // MariaDB renders "no default" of a nullable column as the word NULL.
        let default = opt(&row, 4, target, object)?
            .filter(|d| !d.eq_ignore_ascii_case("NULL"))
            .filter(|_| generated.is_none() && identity.is_none())
            .map(|d| d.replace(&own, ""));
        let collation = opt(&row, 7, target, object)?.filter(|c| {
            collations
                .get(&table)
                .is_some_and(|t| t.as_ref() != Some(c))
        });
        t.columns.push(Column {
            name: text(&row, 1, target, object)?,
            data_type: normalise_type(&text(&row, 2, target, object)?),
            nullable: text(&row, 3, target, object)? == "YES",
            default,
            generated,
            identity,
            collation,
            comment: opt(&row, 8, target, object)?.filter(|c| !c.is_empty()),
            on_update,
        });
    }
    Ok(())
}

async fn read_indexes(
    conn: &mut MySqlConnection,
    target: &str,
    ns: &mut Namespace,
) -> Result<(), IntrospectError> {
    let object = "the indexes (information_schema.STATISTICS)";
    // (table, index) → (unique, method, parts) in key order.
    let mut found: BTreeMap<(String, String), (bool, String, Vec<IndexPart>)> = BTreeMap::new();
    for row in fetch(conn, target, STATISTICS, object).await? {
        let key = (
            text(&row, 0, target, object)?,
            text(&row, 1, target, object)?,
        );
        let unique = int(&row, 2, target, object)? == Some(0);
        let method = text(&row, 5, target, object)?.to_lowercase();
        let part = IndexPart::Column {
            name: text(&row, 3, target, object)?,
            descending: opt(&row, 6, target, object)?.as_deref() == Some("D"),
            length: int(&row, 4, target, object)?.and_then(|l| u32::try_from(l).ok()),
        };
        found
            .entry(key)
            .or_insert_with(|| (unique, method, Vec::new()))
            .2
            .push(part);
    }
    for ((table, name), (unique, method, parts)) in found {
        let Some(t) = ns.tables.get_mut(&table) else {
            continue;
        };
        let plain: Option<Vec<String>> = (parts.iter())
            .map(|p| match p {
                IndexPart::Column {
                    name,
                    descending: false,
                    length: None,
                } => Some(name.clone()),
                _ => None,
            })
            .collect();
        match plain {
            Some(columns) if name == "PRIMARY" => {
                t.primary_key = Some(PrimaryKey {
                    name: None,
                    columns,
                })
            }
            // A unique constraint and a unique index are one thing here: a plain unique
            // B-tree index reads as the constraint.
            Some(columns) if unique && method == "btree" => {
                t.uniques.insert(
                    name.clone(),
                    UniqueConstraint {
                        name,
                        named: true,
                        columns,
                    },
                );
            }
            _ => {
                t.indexes.insert(
                    name.clone(),
                    Index {
                        name,
                        parts,
                        unique,
                        method: Some(method),
                        predicate: None,
                    },
                );
            }
        }
    }
    Ok(())
}

fn action(rule: &str) -> FkAction {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "RESTRICT" => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}

async fn read_constraints(
    conn: &mut MySqlConnection,
    target: &str,
    ns: &mut Namespace,
) -> Result<(), IntrospectError> {
    let object = "the foreign keys (information_schema.REFERENTIAL_CONSTRAINTS)";
    for row in fetch(conn, target, FOREIGN_KEYS, object).await? {
        let (table, name) = (
            text(&row, 0, target, object)?,
            text(&row, 1, target, object)?,
        );
        let Some(t) = ns.tables.get_mut(&table) else {
            continue;
        };
        let referenced_ns = text(&row, 3, target, object)?;
        let fk = t.foreign_keys.entry(name.clone()).or_insert(ForeignKey {
            name,
            named: true,
            columns: Vec::new(),
            referenced_namespace: (referenced_ns != ns.name).then_some(referenced_ns),
            referenced_table: text(&row, 4, target, object)?,
            referenced_columns: Vec::new(),
            on_update: action(&text(&row, 6, target, object)?),
            on_delete: action(&text(&row, 7, target, object)?),
        });
        fk.columns.push(text(&row, 2, target, object)?);
        fk.referenced_columns.push(text(&row, 5, target, object)?);
    }
    let object = "the check constraints (information_schema.CHECK_CONSTRAINTS)";
    for row in fetch(conn, target, CHECKS, object).await? {
        let (table, name) = (
            text(&row, 0, target, object)?,
            text(&row, 1, target, object)?,
        );
        if let Some(t) = ns.tables.get_mut(&table) {
            let expression = text(&row, 2, target, object)?;
            t.checks.insert(
                name.clone(),
                CheckConstraint {
                    name,
                    named: true,
                    expression,
                },
            );
        }
    }
    Ok(())
}

/// `CREATE DEFINER=`u`@`h` FUNCTION …` → `CREATE FUNCTION …`: who created an object is not
/// part of the schema.
fn without_definer(definition: &str) -> String {
    let Some(at) = definition.find(" DEFINER=") else {
        return definition.to_owned();
    };
    let rest = &definition[at + " DEFINER=".len()..];
    let mut end = 0;
    let mut quote = None;
    for (i, ch) in rest.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '`' | '\'' | '"') => quote = Some(ch),
            (None, c) if c.is_whitespace() => {
                end = i;
                break;
            }
            _ => {}
        }
        end = i + ch.len_utf8();
    }
    format!("{}{}", &definition[..at], &rest[end..])
}

async fn read_others(
    conn: &mut MySqlConnection,
    target: &str,
    ns: &mut Namespace,
    db: &str,
) -> Result<(), IntrospectError> {
    // Views name their tables `db`.`t`: the database's own name is left out.
    let own = format!("`{}`.", db.replace('`', "``"));
    let object = "the views (information_schema.VIEWS)";
    for row in fetch(conn, target, VIEWS, object).await? {
        let name = text(&row, 0, target, object)?;
        let definition = text(&row, 1, target, object)?.replace(&own, "");
        ns.views.insert(
            name.clone(),
            View {
                name,
                definition,
                materialized: false,
            },
        );
    }
    let object = "the triggers (information_schema.TRIGGERS)";
    for row in fetch(conn, target, TRIGGERS, object).await? {
        let (table, name) = (
            text(&row, 0, target, object)?,
            text(&row, 1, target, object)?,
        );
        let Some(t) = ns.tables.get_mut(&table) else {
            continue;
        };
        let definition = format!(
            "CREATE TRIGGER `{}` {} {} ON `{}` FOR EACH ROW {}",
            name.replace('`', "``"),
            text(&row, 2, target, object)?,
            text(&row, 3, target, object)?,
            table.replace('`', "``"),
            text(&row, 4, target, object)?
        );
        t.triggers.insert(
            name.clone(),
            Trigger {
                name,
                definition_hash: definition_hash(&definition),
                definition,
            },
        );
    }
    let object = "the routines (information_schema.ROUTINES)";
    for row in fetch(conn, target, ROUTINES, object).await? {
        let name = text(&row, 0, target, object)?;
        let kind = text(&row, 1, target, object)?;
        let arguments = (text(&row, 2, target, object)?.split(", "))
            .filter(|a| !a.is_empty())
            .map(normalise_type)
            .collect::<Vec<_>>()
            .join(", ");
        let (kind, word) = match kind.as_str() {
            "PROCEDURE" => (RoutineKind::Procedure, "PROCEDURE"),
            _ => (RoutineKind::Function, "FUNCTION"),
        };
        let show = format!("SHOW CREATE {word} `{}`", name.replace('`', "``"));
        let shown_object = format!("the definition of {word} {name} (SHOW CREATE {word})");
        let row = sqlx::raw_sql(trusted(show))
            .fetch_one(&mut *conn)
            .await
            .map_err(IntrospectError::read(target, shown_object.clone()))?;
        let Some(definition) = opt(&row, 2, target, &shown_object)? else {
            return Err(IntrospectError::Unreadable {
                target: target.to_owned(),
                object: format!("{word} {name}"),
                detail: "the server shows the connected user no definition; grant it SHOW CREATE ROUTINE (MariaDB) or SELECT on mysql.proc, or connect as the routine's owner".into(),
            });
        };
        let definition = without_definer(&definition);
        ns.routines.insert(
            format!("{name}({arguments})"),
            Routine {
                name,
                kind,
                arguments,
                definition_hash: definition_hash(&definition),
                definition,
            },
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_widths_and_definers_are_dropped() {
        let types = [
            ("int(11)", "int"),
            ("BIGINT(20) UNSIGNED", "bigint unsigned"),
            ("tinyint(1)", "tinyint"),
            ("varchar(255)", "varchar(255)"),
            ("decimal(10,2)", "decimal(10,2)"),
            ("enum('a','b')", "enum('a','b')"),
            ("integer", "integer"),
        ];
        for (raw, want) in types {
            assert_eq!(normalise_type(raw), want, "{raw}");
        }
        assert_eq!(
            without_definer("CREATE DEFINER=`root`@`localhost` FUNCTION `f`(a INT) RETURNS int"),
            "CREATE FUNCTION `f`(a INT) RETURNS int"
        );
        assert_eq!(
            without_definer("CREATE FUNCTION f()"),
            "CREATE FUNCTION f()"
        );
    }
}
