//! The patterns behind each finding, one function per leading keyword; a statement whose
//! leading keyword is not listed here has no findings.

use super::alter::alter;
use super::{Finding, Stmt};
use crate::dialect::DatabaseKind::{self, Mysql, Postgres, Sqlite};

const NOT_IN_BLOCK: &str = "cannot run inside a transaction block";
/// Objects whose body is code: creating them runs nothing, so their bodies are not analysed.
const ROUTINES: &[&str] = &[
    "FUNCTION",
    "PROCEDURE",
    "TRIGGER",
    "EVENT",
    "RULE",
    "PACKAGE",
];

pub(super) fn push(out: &mut Vec<Finding>, f: Finding) {
    if !out.contains(&f) {
        out.push(f);
    }
}

pub(super) fn cannot(out: &mut Vec<Finding>, what: &str) {
    let reason = format!("{what} {NOT_IN_BLOCK}");
    push(out, Finding::CannotRunInTransaction { reason });
}

/// Findings for one statement's significant tokens.
pub(super) fn statement(sql: &str, toks: &[super::Token], d: DatabaseKind, out: &mut Vec<Finding>) {
    let s = Stmt { sql, toks };
    let first = s.upper(0);
    match first.as_str() {
        "BEGIN" if !(s.is(1, "ATOMIC") || (d == Mysql && s.is(1, "NOT"))) => txn(&s, out),
        "START" if s.is(1, "TRANSACTION") => txn(&s, out),
        "COMMIT" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" => txn(&s, out),
        "END" | "ABORT" if d != Mysql => txn(&s, out),
        "PREPARE" if d == Postgres && s.is(1, "TRANSACTION") => txn(&s, out),
        "CREATE" => create(&s, d, out),
        "DROP" => drop(&s, d, out),
        "ALTER" => alter(&s, d, out),
        "TRUNCATE" => {
            let at = if s.is(1, "TABLE") { 2 } else { 1 };
            let at = if s.is(at, "ONLY") { at + 1 } else { at };
            let what = format!("every row of {} (TRUNCATE)", s.names(at));
            push(out, Finding::DropsData { what });
            implicit(out, d, "TRUNCATE TABLE");
        }
        "DELETE" if s.find_top(1, "WHERE").is_none() => {
            let table = s.find_top(1, "FROM").map(|f| {
                let at = if s.is(f + 1, "ONLY") { f + 2 } else { f + 1 };
                s.name(at).0
            });
            let what = format!(
                "every row of {} (DELETE without WHERE)",
                table.unwrap_or_default()
            );
            push(out, Finding::DropsData { what });
        }
        "UPDATE" if s.find_top(1, "WHERE").is_none() => {
            let at = if s.is(1, "ONLY") { 2 } else { 1 };
            let what = format!(
                "every row of {} is overwritten (UPDATE without WHERE)",
                s.name(at).0
            );
            push(out, Finding::DropsData { what });
        }
        "VACUUM" => {
            match d {
                Postgres => cannot(out, "VACUUM"),
                Sqlite => push(
                    out,
                    Finding::CannotRunInTransaction {
                        reason: "VACUUM cannot run inside a transaction".into(),
                    },
                ),
                Mysql => {}
            }
            let len = s.toks.len();
            let options_end = match s.punct(1, b'(') {
                true => (1..len).find(|&i| s.punct(i, b')')).unwrap_or(len),
                false => 2,
            };
            if d == Postgres && (1..options_end).any(|i| s.is(i, "FULL")) {
                let options = ["FULL", "FREEZE", "VERBOSE", "ANALYZE"];
                let at = match s.punct(1, b'(') {
                    true => options_end + 1,
                    false => (1..len).find(|&i| !s.is_any(i, &options)).unwrap_or(len),
                };
                let (table, _) = s.name(at);
                let table = match table.is_empty() {
                    true => "every table of the database".to_owned(),
                    false => table,
                };
                let why = format!("VACUUM FULL rewrites {table} under an ACCESS EXCLUSIVE lock");
                push(out, Finding::RewritesTable { why });
            }
        }
        "CLUSTER" if d == Postgres => {
            let at = if s.is(1, "VERBOSE") { 2 } else { 1 };
            let (table, _) = s.name(at);
            if table.is_empty() {
                cannot(out, "CLUSTER without a table name");
            } else {
                let why = format!(
                    "CLUSTER rewrites {table} in index order under an ACCESS EXCLUSIVE lock"
                );
                push(out, Finding::RewritesTable { why });
            }
        }
        "REINDEX" if d == Postgres => reindex(&s, out),
        "DISCARD" if d == Postgres && s.is(1, "ALL") => cannot(out, "DISCARD ALL"),
        "SET" => set(&s, d, out),
        "PRAGMA" if d == Sqlite => pragma(&s, out),
        "RENAME" | "GRANT" | "REVOKE" | "LOCK" | "ANALYZE" | "OPTIMIZE" | "REPAIR" | "CHECK"
        | "FLUSH" | "INSTALL" | "UNINSTALL" | "CACHE" | "RESET"
            if d == Mysql =>
        {
            let second = s.upper(1);
            let label = if second.is_empty() {
                first.clone()
            } else {
                format!("{first} {second}")
            };
            implicit(out, d, &label);
        }
        _ => {}
    }
}

/// A transaction command, named by its leading keywords (`ROLLBACK TO SAVEPOINT`).
fn txn(s: &Stmt, out: &mut Vec<Finding>) {
    const WORDS: &[&str] = &[
        "BEGIN",
        "START",
        "COMMIT",
        "ROLLBACK",
        "SAVEPOINT",
        "RELEASE",
        "END",
        "ABORT",
        "PREPARE",
        "TRANSACTION",
        "WORK",
        "TO",
        "PREPARED",
    ];
    let words: Vec<String> = (0..s.toks.len())
        .take_while(|&i| s.is_any(i, WORDS))
        .map(|i| s.upper(i))
        .collect();
    let statement = words.join(" ");
    push(out, Finding::TransactionControl { statement });
}

pub(super) fn implicit(out: &mut Vec<Finding>, d: DatabaseKind, statement: &str) {
    if d == Mysql {
        let statement = statement.to_owned();
        push(out, Finding::ImplicitCommit { statement });
    }
}

fn create(s: &Stmt, d: DatabaseKind, out: &mut Vec<Finding>) {
    let Some(kind) = super::super::lexer::create_kind(s.sql, s.toks) else {
        return;
    };
    let kind = kind.to_ascii_uppercase();
    if !s.is(1, "TEMPORARY") {
        implicit(out, d, &format!("CREATE {kind}"));
    }
    if d != Postgres || ROUTINES.contains(&kind.as_str()) {
        return;
    }
    match kind.as_str() {
        "INDEX" => {
            let on = s.find_top(1, "ON").unwrap_or(s.toks.len());
            if (1..on).any(|i| s.is(i, "CONCURRENTLY")) {
                cannot(out, "CREATE INDEX CONCURRENTLY");
            } else {
                let at = if s.is(on + 1, "ONLY") { on + 2 } else { on + 1 };
                // The index's name, when it has one: two indexes on a table read apart.
                let mut j = (1..on).find(|&i| s.is(i, "INDEX")).map_or(on, |i| i + 1);
                if s.is(j, "IF") {
                    j += 3;
                }
                let index = match j < on {
                    true => format!("CREATE INDEX {}", s.name(j).0),
                    false => "CREATE INDEX".to_owned(),
                };
                let why = format!(
                    "{index} without CONCURRENTLY blocks writes to {} until the index is built",
                    s.name(at).0
                );
                push(out, Finding::LocksTable { why });
            }
        }
        "DATABASE" | "TABLESPACE" | "SUBSCRIPTION" => cannot(out, &format!("CREATE {kind}")),
        _ => {}
    }
}

fn drop(s: &Stmt, d: DatabaseKind, out: &mut Vec<Finding>) {
    let kind = s.upper(1);
    if kind != "TEMPORARY" {
        implicit(out, d, &format!("DROP {kind}"));
    }
    match kind.as_str() {
        "TABLE" | "TABLES" | "SCHEMA" | "DATABASE" => {
            let names = s.names(s.skip_if_exists(2));
            let mut what = format!("{} {names}", kind.to_ascii_lowercase());
            if s.find_top(2, "CASCADE").is_some() {
                what.push_str(" (CASCADE: and everything that depends on it)");
            }
            push(out, Finding::DropsData { what });
            if d == Postgres && kind == "DATABASE" {
                cannot(out, "DROP DATABASE");
            }
        }
        "INDEX" if d == Postgres && s.is(2, "CONCURRENTLY") => {
            cannot(out, "DROP INDEX CONCURRENTLY")
        }
        "TABLESPACE" | "SUBSCRIPTION" if d == Postgres => cannot(out, &format!("DROP {kind}")),
        _ => {}
    }
}

fn reindex(s: &Stmt, out: &mut Vec<Finding>) {
    let mut at = 1;
    if s.punct(1, b'(') {
        while at < s.toks.len() && !s.punct(at, b')') {
            at += 1;
        }
        at += 1;
    }
    let kind = s.upper(at);
    if s.is(at + 1, "CONCURRENTLY") {
        cannot(out, "REINDEX CONCURRENTLY");
    } else if matches!(kind.as_str(), "SCHEMA" | "DATABASE" | "SYSTEM") {
        cannot(out, &format!("REINDEX {kind}"));
    } else {
        let why = format!("REINDEX {kind} without CONCURRENTLY blocks writes while it rebuilds");
        push(out, Finding::LocksTable { why });
    }
}

fn set(s: &Stmt, d: DatabaseKind, out: &mut Vec<Finding>) {
    for i in 1..s.toks.len() {
        // name = value, name := value, name TO value
        let mut v = i + 1;
        if s.punct(v, b':') {
            v += 1;
        }
        if !(s.punct(v, b'=') || s.is(v, "TO")) {
            continue;
        }
        let value = s
            .toks
            .get(v + 1)
            .map(|t| t.text(s.sql).trim_matches('\''))
            .unwrap_or("");
        let off = ["0", "OFF", "FALSE"]
            .iter()
            .any(|o| value.eq_ignore_ascii_case(o));
        let name = s.upper(i);
        let disables = match d {
            Mysql => off && (name == "FOREIGN_KEY_CHECKS" || name == "UNIQUE_CHECKS"),
            Postgres => name == "SESSION_REPLICATION_ROLE" && value.eq_ignore_ascii_case("replica"),
            Sqlite => false,
        };
        if disables {
            let setting = format!("SET {name} = {value}");
            push(out, Finding::DisablesChecks { setting });
        }
    }
}

fn pragma(s: &Stmt, out: &mut Vec<Finding>) {
    let at = if s.punct(2, b'.') { 3 } else { 1 };
    let name = s.upper(at).to_ascii_lowercase();
    if !(s.punct(at + 1, b'=') || s.punct(at + 1, b'(')) {
        return; // a query, not a change
    }
    let value = s
        .toks
        .get(at + 2)
        .map(|t| t.text(s.sql).trim_matches(['\'', '"']))
        .unwrap_or("");
    let is = |set: &[&str]| set.iter().any(|o| value.eq_ignore_ascii_case(o));
    let off = is(&["0", "OFF", "FALSE", "NO"]);
    let on = is(&["1", "ON", "TRUE", "YES"]);
    if (name == "foreign_keys" && off) || (name == "ignore_check_constraints" && on) {
        let setting = format!("PRAGMA {name} = {value}");
        push(out, Finding::DisablesChecks { setting });
    }
    if name == "foreign_keys" || name == "journal_mode" {
        push(out, Finding::PragmaIgnoredInTransaction { pragma: name });
    }
}
