//! Rename hints: which tables and columns of A live on in B under a new name. Read from a
//! migration's `-- strata:rename` directives and its `ALTER TABLE … RENAME` / `RENAME TABLE`
//! statements; a hint only applies when its old name is in A and its new name is in B, so a
//! wrong hint can never invent a change, only fail to pair a drop with an add.

use serde::Serialize;

use crate::dialect::DatabaseKind;
use crate::schema::model::{Schema, Table};

/// Tables and columns renamed between A and B, in the order the migration renames them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RenameHints {
    pub tables: Vec<TableRename>,
    pub columns: Vec<ColumnRename>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TableRename {
    /// `None`: whichever namespace holds the table.
    pub namespace: Option<String>,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ColumnRename {
    pub namespace: Option<String>,
    /// The table's name in B (a hint may also give its name in A when the table is renamed
    /// too; the table hint pairs those).
    pub table: String,
    pub from: String,
    pub to: String,
}

/// A `-- strata:rename` directive that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenameError {
    #[error("line {line}: cannot read the rename directive `{text}`: {reason}. Write `-- strata:rename <table> -> <new table>`, `-- strata:rename <table>.<column> -> <table>.<new column>` or `-- strata:rename table <schema>.<table> -> <schema>.<new table>`")]
    Directive {
        line: usize,
        text: String,
        reason: &'static str,
    },
}

const DIRECTIVE: &str = "-- strata:rename";

impl RenameHints {
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.columns.is_empty()
    }

    /// The hints for the other direction (B to A), for a down migration.
    pub fn reversed(&self) -> Self {
        let tables: Vec<_> = (self.tables.iter().rev())
            .map(|t| TableRename {
                namespace: t.namespace.clone(),
                from: t.to.clone(),
                to: t.from.clone(),
            })
            .collect();
        // A column's table is named as in B; in the other direction, as in A.
        let table_in_a = |name: &str| {
            (self.tables.iter())
                .find(|t| t.to == name)
                .map_or(name.to_owned(), |t| t.from.clone())
        };
        let columns = (self.columns.iter().rev())
            .map(|c| ColumnRename {
                namespace: c.namespace.clone(),
                table: table_in_a(&c.table),
                from: c.to.clone(),
                to: c.from.clone(),
            })
            .collect();
        Self { tables, columns }
    }

    /// The renames a migration declares: its `-- strata:rename` directives, then the renames its
    /// statements make (`ALTER TABLE t RENAME TO u`, `ALTER TABLE t RENAME [COLUMN] a TO b`,
    /// MySQL `RENAME TABLE t TO u` and `ALTER TABLE t CHANGE a b …`).
    pub fn from_migration(sql: &str, dialect: DatabaseKind) -> Result<Self, RenameError> {
        let mut hints = Self::default();
        for (i, line) in sql.lines().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix(DIRECTIVE) else {
                continue;
            };
            hints.directive(rest, i + 1, line.trim())?;
        }
        let split = crate::split::split(sql, dialect);
        for chunk in split.statements() {
            let tokens = tokens(chunk.exec_text(sql), dialect);
            hints.statement(&tokens);
        }
        Ok(hints)
    }

    fn directive(&mut self, rest: &str, line: usize, text: &str) -> Result<(), RenameError> {
        let err = |reason| RenameError::Directive {
            line,
            text: text.to_owned(),
            reason,
        };
        let rest = rest.trim();
        let (table_keyword, rest) = match rest.strip_prefix("table ") {
            Some(r) => (true, r.trim()),
            None => (false, rest),
        };
        let (from, to) = rest.split_once("->").ok_or_else(|| err("no `->`"))?;
        let parse = |s: &str| -> Vec<String> {
            let toks = tokens(s.trim(), DatabaseKind::Sqlite);
            toks.into_iter()
                .filter(|t| t.text != ".")
                .map(|t| t.text)
                .collect()
        };
        let (from, to) = (parse(from), parse(to));
        if from.is_empty() || to.is_empty() {
            return Err(err("a name is missing"));
        }
        match (table_keyword, from.len(), to.len()) {
            (_, 1, 1) | (true, 2, 2) => {
                let namespace = (from.len() == 2).then(|| from[0].clone());
                if from.len() == 2 && from[0] != to[0] {
                    return Err(err("a table cannot move to another schema by a rename"));
                }
                self.tables.push(TableRename {
                    namespace,
                    from: from[from.len() - 1].clone(),
                    to: to[to.len() - 1].clone(),
                });
            }
            (false, 2, 2) | (false, 3, 3) => {
                let n = from.len();
                if from[..n - 1] != to[..n - 1] {
                    return Err(err("a column rename names the same table on both sides; rename the table with its own directive"));
                }
                self.columns.push(ColumnRename {
                    namespace: (n == 3).then(|| from[0].clone()),
                    table: from[n - 2].clone(),
                    from: from[n - 1].clone(),
                    to: to[n - 1].clone(),
                });
            }
            _ => return Err(err("the two sides name different kinds of object")),
        }
        Ok(())
    }

    fn statement(&mut self, t: &[Token]) {
        let kw = |i: usize, word: &str| {
            t.get(i)
                .is_some_and(|x| !x.quoted && x.text.eq_ignore_ascii_case(word))
        };
        if kw(0, "rename") && kw(1, "table") {
            // MySQL: RENAME TABLE a TO b [, c TO d]
            let mut i = 2;
            while let Some((ns, from, next)) = name_at(t, i) {
                if !kw(next, "to") {
                    break;
                }
                let Some((_, to, after)) = name_at(t, next + 1) else {
                    break;
                };
                self.tables.push(TableRename {
                    namespace: ns,
                    from,
                    to,
                });
                if t.get(after).is_none_or(|x| x.text != ",") {
                    break;
                }
                i = after + 1;
            }
            return;
        }
        if !(kw(0, "alter") && kw(1, "table")) {
            return;
        }
        let mut i = 2;
        if kw(i, "if") && kw(i + 1, "exists") {
            i += 2;
        }
        if kw(i, "only") {
            i += 1;
        }
        let Some((namespace, table, mut i)) = name_at(t, i) else {
            return;
        };
        if kw(i, "rename") {
            i += 1;
            if kw(i, "to") || kw(i, "as") {
                if let Some((_, to, _)) = name_at(t, i + 1) {
                    self.tables.push(TableRename {
                        namespace,
                        from: table,
                        to,
                    });
                }
                return;
            }
            if kw(i, "constraint") || kw(i, "index") || kw(i, "key") {
                return;
            }
            if kw(i, "column") {
                i += 1;
            }
            let (Some(from), true, Some(to)) = (t.get(i), kw(i + 1, "to"), t.get(i + 2)) else {
                return;
            };
            self.columns.push(ColumnRename {
                namespace,
                table,
                from: from.text.clone(),
                to: to.text.clone(),
            });
        } else if kw(i, "change") {
            i += 1;
            if kw(i, "column") {
                i += 1;
            }
            if let (Some(from), Some(to)) = (t.get(i), t.get(i + 1)) {
                if from.text != to.text {
                    self.columns.push(ColumnRename {
                        namespace,
                        table,
                        from: from.text.clone(),
                        to: to.text.clone(),
                    });
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    quoted: bool,
}

/// A possibly qualified name at `i`: (namespace, name, index after it).
fn name_at(t: &[Token], i: usize) -> Option<(Option<String>, String, usize)> {
    let first = t.get(i)?;
    if t.get(i + 1).is_some_and(|x| x.text == "." && !x.quoted) {
        let second = t.get(i + 2)?;
        return Some((Some(first.text.clone()), second.text.clone(), i + 3));
    }
    Some((None, first.text.clone(), i + 1))
}

/// Words, quoted identifiers (unquoted, with the dialect's case folding) and punctuation.
/// Comments and string literals are dropped.
fn tokens(sql: &str, dialect: DatabaseKind) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '"' || c == '`' || c == '\'' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let mut text = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == close {
                    if chars.get(i + 1) == Some(&close) && close != ']' {
                        text.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                text.push(chars[i]);
                i += 1;
            }
            i += 1;
            if c != '\'' {
                out.push(Token { text, quoted: true });
            }
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let text = match dialect {
                DatabaseKind::Postgres => word.to_lowercase(),
                _ => word,
            };
            out.push(Token {
                text,
                quoted: false,
            });
        } else {
            out.push(Token {
                text: c.to_string(),
                quoted: false,
            });
            i += 1;
        }
    }
    out
}

/// Which names of the renamed copy of A came from which names of A.
#[derive(Debug, Default)]
pub(super) struct Renamed {
    /// (namespace in A, table's new name) → table's name in A.
    pub tables: std::collections::HashMap<(String, String), String>,
    /// (namespace in A, table's new name, column's new name) → column's name in A.
    pub columns: std::collections::HashMap<(String, String, String), String>,
}

/// A copy of A with the hinted renames made (tables, columns, and every key, index and
/// foreign key that names them), and where each new name came from. `b_table(namespace in A,
/// name)` is B's table of that name in the namespace paired with A's.
pub(super) fn apply<'b>(
    a: &Schema,
    hints: &RenameHints,
    b_table: &dyn Fn(&str, &str) -> Option<&'b Table>,
) -> (Schema, Renamed) {
    let mut s = a.clone();
    let mut log = Renamed::default();
    for h in &hints.tables {
        let ns_names: Vec<String> = s.namespaces.keys().cloned().collect();
        for ns_name in ns_names {
            if h.namespace.as_ref().is_some_and(|n| *n != ns_name) {
                continue;
            }
            let ns = s.namespaces.get_mut(&ns_name).expect("listed above");
            if !ns.tables.contains_key(&h.from) || ns.tables.contains_key(&h.to) {
                continue;
            }
            if b_table(&ns_name, &h.to).is_none() || b_table(&ns_name, &h.from).is_some() {
                continue;
            }
            let mut table = ns.tables.remove(&h.from).expect("checked above");
            table.name = h.to.clone();
            ns.tables.insert(h.to.clone(), table);
            let origin = log
                .tables
                .remove(&(ns_name.clone(), h.from.clone()))
                .unwrap_or(h.from.clone());
            log.tables.insert((ns_name.clone(), h.to.clone()), origin);
            for other in s.namespaces.values_mut() {
                let other_name = other.name.clone();
                for t in other.tables.values_mut() {
                    for fk in t.foreign_keys.values_mut() {
                        let fk_ns = fk
                            .referenced_namespace
                            .clone()
                            .unwrap_or(other_name.clone());
                        if fk_ns == ns_name && fk.referenced_table == h.from {
                            fk.referenced_table = h.to.clone();
                        }
                    }
                }
            }
        }
    }
    for h in &hints.columns {
        let ns_names: Vec<String> = s.namespaces.keys().cloned().collect();
        for ns_name in ns_names {
            if h.namespace.as_ref().is_some_and(|n| *n != ns_name) {
                continue;
            }
            let Some(b) = b_table(&ns_name, &h.table) else {
                continue;
            };
            if b.column(&h.to).is_none() || b.column(&h.from).is_some() {
                continue;
            }
            let ns = s.namespaces.get_mut(&ns_name).expect("listed above");
            let Some(table) = ns.tables.get_mut(&h.table) else {
                continue;
            };
            if table.column(&h.from).is_none() || table.column(&h.to).is_some() {
                continue;
            }
            rename_column(table, &h.from, &h.to);
            let key = (ns_name.clone(), h.table.clone(), h.from.clone());
            let origin = log.columns.remove(&key).unwrap_or(h.from.clone());
            log.columns
                .insert((ns_name.clone(), h.table.clone(), h.to.clone()), origin);
            for other in s.namespaces.values_mut() {
                let other_name = other.name.clone();
                for t in other.tables.values_mut() {
                    for fk in t.foreign_keys.values_mut() {
                        let fk_ns = fk
                            .referenced_namespace
                            .clone()
                            .unwrap_or(other_name.clone());
                        if fk_ns == ns_name && fk.referenced_table == h.table {
                            rename_in(&mut fk.referenced_columns, &h.from, &h.to);
                        }
                    }
                }
            }
        }
    }
    (s, log)
}

fn rename_in(list: &mut [String], from: &str, to: &str) {
    for c in list.iter_mut().filter(|c| *c == from) {
        *c = to.to_owned();
    }
}

fn rename_column(table: &mut Table, from: &str, to: &str) {
    use crate::schema::model::IndexPart;
    for c in table.columns.iter_mut().filter(|c| c.name == from) {
        c.name = to.to_owned();
    }
    if let Some(pk) = &mut table.primary_key {
        rename_in(&mut pk.columns, from, to);
    }
    for u in table.uniques.values_mut() {
        rename_in(&mut u.columns, from, to);
    }
    for fk in table.foreign_keys.values_mut() {
        rename_in(&mut fk.columns, from, to);
    }
    for ix in table.indexes.values_mut() {
        for part in &mut ix.parts {
            if let IndexPart::Column { name, .. } = part {
                if name == from {
                    *name = to.to_owned();
                }
            }
        }
    }
}
