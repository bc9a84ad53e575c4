//! DDL that takes schema A to schema B, in A's dialect, read off their diff. Statements come out
//! in a safe order whatever order the diff lists changes in: what depends on an object is
//! dropped before it and created after it, foreign keys last. The down direction is the same
//! function on the reversed diff: `ddl(&diff(b, a), b, a)`.

use crate::dialect::DatabaseKind;
use crate::schema::diff::{
    Change, NamespaceDiff, ObjectDiff, ObjectKind, PartDiff, PartKind, SchemaDiff,
};
use crate::schema::model::{Column, IndexPart, Namespace, Schema, Table, View};

mod mysql;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

/// Why no DDL could be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DdlError {
    #[error("schema A is {a} and schema B is {b}: DDL can only take a schema to one of the same database kind. Compare two {a} databases")]
    KindMismatch { a: DatabaseKind, b: DatabaseKind },
    #[error("the diff names {object}, which is not in schema {side}: pass `ddl` the same two schemas, in the same order, that the diff was made from")]
    NotInSchema { object: String, side: char },
    #[error("{dialect} cannot {what} ({object}) in place. {hint}")]
    Unsupported {
        dialect: DatabaseKind,
        object: String,
        what: &'static str,
        hint: String,
    },
}

/// Where a statement goes in the script. Drops name objects as they are in A (before any
/// rename); everything from `Renames` on names them as in B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    Prologue,
    DropTriggers,
    DropViews,
    DropForeignKeys,
    DropConstraints,
    DropColumns,
    DropTables,
    DropRoutines,
    DropTypes,
    DropNamespaces,
    Renames,
    CreateNamespaces,
    CreateTypes,
    CreateTables,
    AlterColumns,
    CreateConstraints,
    /// MySQL: columns that become AUTO_INCREMENT, once their key exists.
    AlterKeyedColumns,
    CreateForeignKeys,
    CreateRoutines,
    CreateViews,
    CreateTriggers,
    Epilogue,
}

/// The statements collected so far, each with its phase.
#[derive(Debug, Default)]
pub(crate) struct Out {
    list: Vec<(Phase, String)>,
}

impl Out {
    pub fn push(&mut self, phase: Phase, sql: impl Into<String>) {
        self.list.push((phase, sql.into()));
    }

    fn finish(mut self) -> Vec<String> {
        // Stable: statements of one phase keep the order they were pushed in.
        self.list.sort_by_key(|(phase, _)| *phase);
        let mut seen = std::collections::HashSet::new();
        (self.list.into_iter())
            .map(|(_, sql)| sql)
            .filter(|sql| seen.insert(sql.clone()) || !sql.starts_with("PRAGMA"))
            .collect()
    }
}

/// One table's change, with both sides' definitions and namespace names.
pub(crate) struct TableChange<'a> {
    pub diff: &'a ObjectDiff,
    /// The namespace's name in A (for drops) and in B (for everything else).
    pub ns_a: &'a str,
    pub ns_b: &'a str,
    pub a: Option<&'a Table>,
    pub b: Option<&'a Table>,
}

impl TableChange<'_> {
    /// A's table; present unless the table is added.
    pub fn in_a(&self) -> &Table {
        self.a
            .or(self.b)
            .expect("a table change has at least one side")
    }

    /// B's column `name` (a column the diff adds or changes).
    pub fn column_in_b(&self, name: &str) -> Result<&crate::schema::model::Column, DdlError> {
        self.in_b()
            .column(name)
            .ok_or_else(|| DdlError::NotInSchema {
                object: format!("column {}.{name}", self.in_b().name),
                side: 'B',
            })
    }

    /// A's column `name` (a column the diff removes or changes, by its name in A).
    pub fn column_in_a(&self, name: &str) -> Result<&crate::schema::model::Column, DdlError> {
        self.in_a()
            .column(name)
            .ok_or_else(|| DdlError::NotInSchema {
                object: format!("column {}.{name}", self.in_a().name),
                side: 'A',
            })
    }

    /// B's table; present unless the table is removed.
    pub fn in_b(&self) -> &Table {
        self.b
            .or(self.a)
            .expect("a table change has at least one side")
    }
}

/// What one dialect writes. The shared walk in [`ddl`] decides order and dependencies.
pub(crate) trait Dialect {
    /// A quoted identifier.
    fn ident(&self, name: &str) -> String;
    /// An object's name as statements name it (qualified where the dialect has namespaces).
    fn name(&self, namespace: &str, name: &str) -> String;
    fn namespace(&self, _nd: &NamespaceDiff, _out: &mut Out) -> Result<(), DdlError> {
        Ok(())
    }
    fn table(&self, t: &TableChange<'_>, out: &mut Out) -> Result<(), DdlError>;
    /// Whether views reading this changed table must be dropped and recreated around its
    /// change (its columns change, or it is rebuilt or renamed).
    fn disturbs_views(&self, t: &TableChange<'_>) -> bool {
        t.diff.renamed_from.is_some()
            || (t.diff.parts.iter())
                .any(|p| p.kind == PartKind::Column && p.change != Change::Added)
    }
    fn drop_view(&self, ns: &str, view: &View) -> String;
    fn create_view(&self, ns: &str, view: &View) -> String;
    fn other(
        &self,
        nd: &NamespaceDiff,
        o: &ObjectDiff,
        na: &Namespace,
        nb: &Namespace,
        out: &mut Out,
    ) -> Result<(), DdlError>;
}

/// The statements, in A's dialect, that take A to B, given `diff = diff(a, b)` (or
/// `diff_with_renames`). Empty when the diff is empty.
pub fn ddl(diff: &SchemaDiff, a: &Schema, b: &Schema) -> Result<Vec<String>, DdlError> {
    if a.kind != b.kind {
        return Err(DdlError::KindMismatch {
            a: a.kind,
            b: b.kind,
        });
    }
    match a.kind {
        DatabaseKind::Postgres => walk(&postgres::Postgres, diff, a, b),
        DatabaseKind::Mysql => walk(&mysql::Mysql, diff, a, b),
        DatabaseKind::Sqlite => walk(&sqlite::Sqlite, diff, a, b),
    }
}

/// Both directions at once, for "Generate migration": (up, down).
pub fn up_down(
    a: &Schema,
    b: &Schema,
    hints: &crate::schema::diff::RenameHints,
) -> Result<(Vec<String>, Vec<String>), DdlError> {
    use crate::schema::diff::diff_with_renames;
    let up = ddl(&diff_with_renames(a, b, hints), a, b)?;
    let down = ddl(&diff_with_renames(b, a, &hints.reversed()), b, a)?;
    Ok((up, down))
}

fn walk(
    d: &dyn Dialect,
    diff: &SchemaDiff,
    a: &Schema,
    b: &Schema,
) -> Result<Vec<String>, DdlError> {
    let mut out = Out::default();
    let empty = Namespace::default();
    for nd in &diff.namespaces {
        let na = namespace(a, nd.name_in_a(), nd.change != Change::Added, 'A')?.unwrap_or(&empty);
        let nb = namespace(b, &nd.name, nd.change != Change::Removed, 'B')?.unwrap_or(&empty);
        d.namespace(nd, &mut out)?;
        let mut tables = Vec::new();
        for o in nd.objects.iter().filter(|o| o.kind == ObjectKind::Table) {
            let ta = side(&na.tables, o.name_in_a(), o.change != Change::Added, 'A', o)?;
            let tb = side(&nb.tables, &o.name, o.change != Change::Removed, 'B', o)?;
            tables.push(TableChange {
                diff: o,
                ns_a: &na.name,
                ns_b: &nb.name,
                a: ta,
                b: tb,
            });
        }
        // Tables that reference others are dropped first.
        tables.sort_by_key(|t| t.diff.change != Change::Removed);
        let removed = tables
            .iter()
            .filter(|t| t.diff.change == Change::Removed)
            .count();
        order_drops(&mut tables[..removed]);
        for t in &tables {
            d.table(t, &mut out)?;
        }
        views(d, nd, na, nb, &tables, &mut out);
        for o in nd
            .objects
            .iter()
            .filter(|o| !matches!(o.kind, ObjectKind::Table | ObjectKind::View))
        {
            d.other(nd, o, na, nb, &mut out)?;
        }
    }
    Ok(out.finish())
}

fn namespace<'s>(
    s: &'s Schema,
    name: &str,
    expected: bool,
    side: char,
) -> Result<Option<&'s Namespace>, DdlError> {
    match (s.namespaces.get(name), expected) {
        (Some(n), _) => Ok(Some(n)),
        (None, false) => Ok(None),
        (None, true) if s.kind != DatabaseKind::Postgres && s.namespaces.len() == 1 => {
            Ok(s.namespaces.values().next())
        }
        (None, true) => Err(DdlError::NotInSchema {
            object: format!("namespace {name}"),
            side,
        }),
    }
}

fn side<'s, T>(
    map: &'s std::collections::BTreeMap<String, T>,
    name: &str,
    expected: bool,
    side: char,
    o: &ObjectDiff,
) -> Result<Option<&'s T>, DdlError> {
    match (map.get(name), expected) {
        (Some(x), true) => Ok(Some(x)),
        (_, false) => Ok(None),
        (None, true) => Err(DdlError::NotInSchema {
            object: format!("{} {name}", o.kind.label()),
            side,
        }),
    }
}

/// Removed tables that reference another removed table go before it.
fn order_drops(tables: &mut [TableChange<'_>]) {
    let refs = |t: &TableChange<'_>, other: &str| {
        (t.in_a().foreign_keys.values())
            .any(|fk| fk.referenced_table == other && t.in_a().name != other)
    };
    let n = tables.len();
    for _ in 0..n {
        let mut moved = false;
        for i in 0..n {
            for j in (i + 1)..n {
                if refs(&tables[j], &tables[i].in_a().name)
                    && !refs(&tables[i], &tables[j].in_a().name)
                {
                    tables.swap(i, j);
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// Whether `text` mentions `name` as a whole word (any case).
pub(crate) fn mentions(text: &str, name: &str) -> bool {
    let (text, name) = (text.to_lowercase(), name.to_lowercase());
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut from = 0;
    while let Some(pos) = text[from..].find(&name) {
        let start = from + pos;
        let end = start + name.len();
        let before = text[..start].chars().next_back().is_some_and(word);
        let after = text[end..].chars().next().is_some_and(word);
        if !before && !after {
            return true;
        }
        from = start + name.len().max(1);
    }
    false
}

/// Drop the views that change, go away, or read a table or view that does, and create the
/// ones B has among them; dependents are dropped first and created last.
fn views(
    d: &dyn Dialect,
    nd: &NamespaceDiff,
    na: &Namespace,
    nb: &Namespace,
    tables: &[TableChange<'_>],
    out: &mut Out,
) {
    let mut disturbed: Vec<String> = (tables.iter())
        .filter(|t| {
            t.diff.change == Change::Removed
                || (t.diff.change == Change::Changed && d.disturbs_views(t))
        })
        .map(|t| t.in_a().name.clone())
        .collect();
    let mut redo: Vec<&str> = (nd.objects.iter())
        .filter(|o| o.kind == ObjectKind::View && o.change != Change::Added)
        .map(|o| o.name.as_str())
        .collect();
    disturbed.extend(redo.iter().map(|s| s.to_string()));
    loop {
        let more: Vec<&str> = (na.views.values())
            .filter(|v| !redo.contains(&v.name.as_str()))
            .filter(|v| disturbed.iter().any(|t| mentions(&v.definition, t)))
            .map(|v| v.name.as_str())
            .collect();
        if more.is_empty() {
            break;
        }
        disturbed.extend(more.iter().map(|s| s.to_string()));
        redo.extend(more);
    }
    let drops: Vec<&View> = redo.iter().filter_map(|n| na.views.get(*n)).collect();
    for v in dependency_order(drops).into_iter().rev() {
        out.push(Phase::DropViews, d.drop_view(&na.name, v));
    }
    let mut creates: Vec<&View> = redo.iter().filter_map(|n| nb.views.get(*n)).collect();
    creates.extend(
        (nd.objects.iter())
            .filter(|o| o.kind == ObjectKind::View && o.change == Change::Added)
            .filter_map(|o| nb.views.get(&o.name)),
    );
    for v in dependency_order(creates) {
        out.push(Phase::CreateViews, d.create_view(&nb.name, v));
    }
}

/// Views ordered so that a view comes after the views it reads.
fn dependency_order(mut views: Vec<&View>) -> Vec<&View> {
    views.sort_by(|x, y| x.name.cmp(&y.name));
    let mut done: Vec<&View> = Vec::with_capacity(views.len());
    while !views.is_empty() {
        let ready = (0..views.len()).find(|&i| {
            let v = views[i];
            !views
                .iter()
                .any(|w| w.name != v.name && mentions(&v.definition, &w.name))
        });
        done.push(views.remove(ready.unwrap_or(0)));
    }
    done
}

/// A view's query without a trailing `;`.
pub(crate) fn view_query(v: &View) -> &str {
    v.definition.trim().trim_end_matches(';').trim_end()
}

/// A string literal with `'` doubled (PostgreSQL, SQLite).
pub(crate) fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// An identifier quoted with `q`, the quote doubled inside.
pub(crate) fn quote_with(name: &str, q: char) -> String {
    let doubled: String = [q, q].iter().collect();
    format!("{q}{}{q}", name.replace(q, &doubled))
}

/// The lines inside an added table's `CREATE TABLE (…)`: B's columns as `column` writes them,
/// then the primary key, unique and check constraints the diff adds, as `constraint` writes
/// them (indexes, foreign keys and triggers are statements of their own).
pub(crate) fn create_table_lines(
    t: &TableChange<'_>,
    column: impl Fn(&Column) -> String,
    constraint: impl Fn(&PartDiff) -> Option<String>,
) -> Vec<String> {
    let mut lines: Vec<String> = t.in_b().columns.iter().map(column).collect();
    let in_body = |p: &&PartDiff| {
        matches!(
            p.kind,
            PartKind::PrimaryKey | PartKind::Unique | PartKind::Check
        )
    };
    lines.extend(t.diff.parts.iter().filter(in_body).filter_map(constraint));
    lines
}

/// An index's key parts, comma-separated: columns quoted, expressions wrapped in parentheses
/// when `wrap`, each followed by ` DESC` when descending. (MySQL's prefix lengths are written
/// by its own DDL.)
pub(crate) fn index_parts(d: &dyn Dialect, parts: &[IndexPart], wrap: bool) -> String {
    let desc = |descending: bool| if descending { " DESC" } else { "" };
    (parts.iter())
        .map(|p| match p {
            IndexPart::Column {
                name, descending, ..
            } => format!("{}{}", d.ident(name), desc(*descending)),
            IndexPart::Expression {
                expression,
                descending,
            } if wrap => format!("({expression}){}", desc(*descending)),
            IndexPart::Expression {
                expression,
                descending,
            } => format!("{expression}{}", desc(*descending)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list of quoted identifiers.
pub(crate) fn ident_list(d: &dyn Dialect, names: &[String]) -> String {
    names
        .iter()
        .map(|n| d.ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}
