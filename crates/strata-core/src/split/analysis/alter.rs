//! ALTER TABLE and ALTER TYPE: which clauses drop data, rewrite or lock the table, or cannot
//! run in a transaction; clause by clause, as they are separated by top-level commas.

use super::rules::{cannot, implicit, push};
use super::{Finding, Stmt};
use crate::dialect::DatabaseKind::{self, Mysql, Postgres, Sqlite};

/// PostgreSQL functions whose default makes `ADD COLUMN` rewrite the table.
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
];

pub(super) fn alter(s: &Stmt, d: DatabaseKind, out: &mut Vec<Finding>) {
    // MySQL: ALTER [ONLINE] [IGNORE] TABLE.
    let table_at = (1..4).find(|&i| s.is(i, "TABLE"));
    let kind = s.upper(1);
    match table_at {
        Some(_) => implicit(out, d, "ALTER TABLE"),
        None => implicit(out, d, &format!("ALTER {kind}")),
    }
    if d == Postgres && kind == "SYSTEM" {
        cannot(out, "ALTER SYSTEM");
    }
    if d == Postgres && kind == "TYPE" && s.find_top(2, "ADD").is_some_and(|i| s.is(i + 1, "VALUE"))
    {
        let reason = "ALTER TYPE … ADD VALUE cannot run inside a transaction block before \
                      PostgreSQL 12; on 12 and later it can, but the new value cannot be used \
                      until the transaction commits"
            .to_owned();
        push(out, Finding::CannotRunInTransaction { reason });
    }
    let Some(at) = table_at else { return };
    let at = s.skip_if_exists(at + 1);
    let at = if s.is(at, "ONLY") { at + 1 } else { at };
    let (table, at) = s.name(at);
    let at = if s.punct(at, b'*') { at + 1 } else { at };
    for clause in s.clauses(at) {
        alter_clause(s, d, &table, clause.start, clause.end, out);
    }
}

fn alter_clause(
    s: &Stmt,
    d: DatabaseKind,
    table: &str,
    c: usize,
    end: usize,
    out: &mut Vec<Finding>,
) {
    const NOT_COLUMNS: &[&str] = &[
        "CONSTRAINT",
        "INDEX",
        "KEY",
        "PRIMARY",
        "FOREIGN",
        "CHECK",
        "DEFAULT",
        "NOT",
        "IDENTITY",
        "EXPRESSION",
        "SYSTEM",
        "PERIOD",
        "UNIQUE",
        "FULLTEXT",
        "SPATIAL",
        "TRIGGER",
    ];
    let has = |kw: &str| (c..end).any(|i| s.is(i, kw));
    let first = s.upper(c);
    if first == "DROP" {
        if s.is(c + 1, "PARTITION") {
            let what = format!("partition {} of {table}", s.names(c + 2));
            push(out, Finding::DropsData { what });
        } else if !s.is_any(c + 1, NOT_COLUMNS) {
            let at = if s.is(c + 1, "COLUMN") { c + 2 } else { c + 1 };
            let what = format!("column {} of {table}", s.name(s.skip_if_exists(at)).0);
            push(out, Finding::DropsData { what });
        }
        if d == Mysql && s.is(c + 1, "PRIMARY") {
            let why = format!("changing the primary key rebuilds {table}");
            push(out, Finding::RewritesTable { why });
        }
        return;
    }
    match d {
        Postgres => alter_clause_postgres(s, table, c, end, out),
        Mysql => {
            let copies = matches!(
                first.as_str(),
                "MODIFY" | "CHANGE" | "CONVERT" | "FORCE" | "ENGINE"
            ) || (first == "ALGORITHM" && has("COPY"))
                || (first == "ADD" && s.is(c + 1, "PRIMARY"));
            if copies {
                let why =
                    format!("{first} may copy all of {table} (ALGORITHM=COPY), blocking writes");
                push(out, Finding::RewritesTable { why });
            }
        }
        Sqlite => {}
    }
}

fn alter_clause_postgres(s: &Stmt, table: &str, c: usize, end: usize, out: &mut Vec<Finding>) {
    let has = |kw: &str| (c..end).any(|i| s.is(i, kw));
    let not_valid = (c..end).any(|i| s.is(i, "NOT") && s.is(i + 1, "VALID"));
    match s.upper(c).as_str() {
        "ALTER" => {
            let at = if s.is(c + 1, "COLUMN") { c + 2 } else { c + 1 };
            let (column, at) = s.name(at);
            let at = if s.is(at, "SET") && s.is(at + 1, "DATA") {
                at + 2
            } else {
                at
            };
            if s.is(at, "TYPE") {
                let why = format!(
                    "changing the type of {column} rewrites {table} and its indexes (unless the types are binary-compatible)"
                );
                push(out, Finding::RewritesTable { why });
            } else if s.is(at, "SET") && s.is(at + 1, "NOT") && s.is(at + 2, "NULL") {
                let why = format!(
                    "SET NOT NULL on {column} scans all of {table} under an ACCESS EXCLUSIVE lock"
                );
                push(out, Finding::LocksTable { why });
            }
        }
        "ADD" => {
            let mut at = c + 1;
            if s.is(at, "CONSTRAINT") {
                at = s.name(at + 1).1;
            }
            let constraint = s.upper(at);
            match constraint.as_str() {
                "FOREIGN" if !not_valid => {
                    let why = format!("adding a FOREIGN KEY without NOT VALID checks every row of {table} while blocking writes to it and to the referenced table; add it NOT VALID, then VALIDATE CONSTRAINT");
                    push(out, Finding::LocksTable { why });
                }
                "CHECK" if !not_valid => {
                    let why = format!("adding a CHECK constraint without NOT VALID scans all of {table} under an ACCESS EXCLUSIVE lock");
                    push(out, Finding::LocksTable { why });
                }
                "PRIMARY" | "UNIQUE" | "EXCLUDE" if !has("USING") => {
                    let why = format!("adding a {constraint} constraint builds its index while blocking writes to {table}; build the index CONCURRENTLY first, then add the constraint USING INDEX");
                    push(out, Finding::LocksTable { why });
                }
                "FOREIGN" | "CHECK" | "PRIMARY" | "UNIQUE" | "EXCLUDE" => {}
                _ => add_column_postgres(s, table, at, end, out),
            }
        }
        "SET" if s.is_any(c + 1, &["LOGGED", "UNLOGGED", "TABLESPACE"]) => {
            let why = format!("SET {} rewrites {table}", s.upper(c + 1));
            push(out, Finding::RewritesTable { why });
        }
        "DISABLE" if s.is(c + 1, "TRIGGER") && s.is(c + 2, "ALL") => {
            let setting =
                format!("ALTER TABLE {table} DISABLE TRIGGER ALL (its foreign key checks too)");
            push(out, Finding::DisablesChecks { setting });
        }
        _ => {}
    }
}

fn add_column_postgres(s: &Stmt, table: &str, at: usize, end: usize, out: &mut Vec<Finding>) {
    let at = if s.is(at, "COLUMN") { at + 1 } else { at };
    let (column, at) = s.name(s.skip_if_exists(at));
    let cause = (at..end).find_map(|i| {
        if s.is_any(
            i,
            &[
                "SERIAL",
                "BIGSERIAL",
                "SMALLSERIAL",
                "SERIAL4",
                "SERIAL8",
                "SERIAL2",
            ],
        ) {
            Some("a serial type".to_owned())
        } else if s.is(i, "STORED") {
            Some("a stored generated value".to_owned())
        } else if s.is(i, "IDENTITY") {
            Some("an identity".to_owned())
        } else if s.is(i, "DEFAULT") {
            // DEFAULT [schema.]volatile(…)
            let (f, next) = s.name(i + 1);
            let bare = f.rsplit('.').next().unwrap_or("");
            let volatile = VOLATILE.iter().any(|v| bare.eq_ignore_ascii_case(v));
            (volatile && s.punct(next, b'(')).then(|| format!("a volatile default ({bare}())"))
        } else {
            None
        }
    });
    if let Some(cause) = cause {
        let why = format!("adding {column} with {cause} rewrites every row of {table}");
        push(out, Finding::RewritesTable { why });
    }
}
