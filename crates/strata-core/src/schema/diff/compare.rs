//! The comparison itself: walks both models by name and keeps only what differs. Equal tables
//! are skipped by one equality test, so a diff of two large, mostly equal models stays cheap.

use std::collections::BTreeMap;

use super::objects::{enum_type, routine, sequence, view};
use super::rename::{self, RenameHints, Renamed};
use super::{
    Attribute, AttributeDiff, Change, NamespaceDiff, ObjectDiff, ObjectKind, PartDiff, PartKind,
    SchemaDiff,
};
use crate::dialect::DatabaseKind;
use crate::schema::model::{
    Column, ForeignKey, Identity, Index, IndexPart, Namespace, Schema, Table,
};

/// Pairs of namespaces (A's, B's) to compare. On MySQL/MariaDB and SQLite each side's one
/// namespace is the connected database, paired whatever its name.
pub(super) fn pair_namespaces<'a>(
    a: &'a Schema,
    b: &'a Schema,
) -> Vec<(Option<&'a Namespace>, Option<&'a Namespace>)> {
    if a.kind != DatabaseKind::Postgres && a.namespaces.len() == 1 && b.namespaces.len() == 1 {
        let (na, nb) = (a.namespaces.values().next(), b.namespaces.values().next());
        return vec![(na, nb)];
    }
    let mut pairs: Vec<_> = (a.namespaces.iter())
        .map(|(k, n)| (Some(n), b.namespaces.get(k)))
        .collect();
    pairs.extend(
        (b.namespaces.iter())
            .filter(|(k, _)| !a.namespaces.contains_key(*k))
            .map(|(_, n)| (None, Some(n))),
    );
    pairs
}

pub(super) fn diff(a: &Schema, b: &Schema, hints: &RenameHints) -> SchemaDiff {
    let renamed;
    let (a, log) = if hints.is_empty() {
        (a, Renamed::default())
    } else {
        let pairs = pair_namespaces(a, b);
        let b_table = |ns: &str, table: &str| {
            (pairs.iter())
                .find(|(na, _)| na.is_some_and(|n| n.name == ns))
                .and_then(|(_, nb)| nb.and_then(|n| n.tables.get(table)))
        };
        let (copy, log) = rename::apply(a, hints, &b_table);
        renamed = copy;
        (&renamed, log)
    };
    let mut namespaces = Vec::new();
    for (na, nb) in pair_namespaces(a, b) {
        if let Some(d) = namespace(na, nb, &log) {
            namespaces.push(d);
        }
    }
    namespaces.sort_by(|x, y| x.name.cmp(&y.name));
    SchemaDiff {
        kind: b.kind,
        namespaces,
    }
}

fn namespace(a: Option<&Namespace>, b: Option<&Namespace>, log: &Renamed) -> Option<NamespaceDiff> {
    let empty = Namespace::default();
    let (change, na, nb) = match (a, b) {
        (Some(a), Some(b)) => (Change::Changed, a, b),
        (Some(a), None) => (Change::Removed, a, &empty),
        (None, Some(b)) => (Change::Added, &empty, b),
        (None, None) => return None,
    };
    let ns_a = na.name.clone();
    let mut objects = Vec::new();
    keyed(&na.enums, &nb.enums, |_, x, y| {
        objects.extend(enum_type(x, y))
    });
    keyed(&na.sequences, &nb.sequences, |_, x, y| {
        objects.extend(sequence(x, y))
    });
    keyed(&na.tables, &nb.tables, |name, x, y| {
        let name = name.to_owned();
        let from = log.tables.get(&(ns_a.clone(), name.clone())).cloned();
        objects.extend(table(x, y, from, |col| {
            log.columns
                .get(&(ns_a.clone(), name.clone(), col.to_owned()))
                .cloned()
        }));
    });
    keyed(&na.views, &nb.views, |_, x, y| objects.extend(view(x, y)));
    // Routines are keyed by `name(argument types)`, which is also their name in the diff.
    keyed(&na.routines, &nb.routines, |key, x, y| {
        objects.extend(routine(key, x, y))
    });
    if objects.is_empty() && change == Change::Changed {
        return None;
    }
    objects.sort_by(|x, y| (x.kind, &x.name).cmp(&(y.kind, &y.name)));
    let name = b.or(a).map(|n| n.name.clone()).unwrap_or_default();
    let name_in_a = a.filter(|x| x.name != name).map(|x| x.name.clone());
    Some(NamespaceDiff {
        name,
        name_in_a,
        change,
        objects,
    })
}

/// Call `f` with each key and its value in A and in B, for keys in either.
fn keyed<'a, T>(
    a: &'a BTreeMap<String, T>,
    b: &'a BTreeMap<String, T>,
    mut f: impl FnMut(&'a str, Option<&'a T>, Option<&'a T>),
) {
    for (k, x) in a {
        f(k, Some(x), b.get(k));
    }
    for (k, y) in b {
        if !a.contains_key(k) {
            f(k, None, Some(y));
        }
    }
}

pub(super) fn change_of<T>(a: Option<&T>, b: Option<&T>) -> Change {
    match (a, b) {
        (Some(_), Some(_)) => Change::Changed,
        (Some(_), None) => Change::Removed,
        _ => Change::Added,
    }
}

pub(super) struct Attrs(pub(super) Vec<AttributeDiff>);

impl Attrs {
    pub(super) fn new() -> Self {
        Self(Vec::new())
    }

    pub(super) fn add<T: PartialEq>(
        &mut self,
        attribute: Attribute,
        a: T,
        b: T,
        show: impl Fn(T) -> Option<String>,
    ) {
        if a != b {
            self.0.push(AttributeDiff {
                attribute,
                from: show(a),
                to: show(b),
            });
        }
    }

    pub(super) fn text(&mut self, attribute: Attribute, a: &Option<String>, b: &Option<String>) {
        self.add(attribute, a, b, Clone::clone);
    }

    pub(super) fn value<T: PartialEq + ToString>(&mut self, attribute: Attribute, a: T, b: T) {
        self.add(attribute, a, b, |v| Some(v.to_string()));
    }
}

pub(super) fn yes_no(v: bool) -> Option<String> {
    Some(if v { "yes" } else { "no" }.to_owned())
}

fn table(
    a: Option<&Table>,
    b: Option<&Table>,
    renamed_from: Option<String>,
    column_origin: impl Fn(&str) -> Option<String>,
) -> Option<ObjectDiff> {
    let columns_renamed =
        a.is_some_and(|a| a.columns.iter().any(|c| column_origin(&c.name).is_some()));
    if a == b && renamed_from.is_none() && !columns_renamed {
        return None;
    }
    let change = change_of(a, b);
    let empty = Table::default();
    let (x, y) = (a.unwrap_or(&empty), b.unwrap_or(&empty));
    let mut at = Attrs::new();
    let mut parts = Vec::new();
    if change == Change::Changed {
        at.text(Attribute::Comment, &x.comment, &y.comment);
        let order = column_order(x, y);
        at.add(Attribute::ColumnOrder, order.0, order.1, |v: Vec<&str>| {
            Some(v.join(", "))
        });
    }
    // Columns: A's order, then B's new ones.
    for c in &x.columns {
        let origin = column_origin(&c.name);
        match column(Some(c), y.column(&c.name)) {
            Some(mut p) => {
                p.renamed_from = origin;
                parts.push(p);
            }
            None if origin.is_some() => parts.push(PartDiff {
                kind: PartKind::Column,
                name: c.name.clone(),
                renamed_from: origin,
                change: Change::Changed,
                attributes: Vec::new(),
            }),
            None => {}
        }
    }
    for c in y.columns.iter().filter(|c| x.column(&c.name).is_none()) {
        parts.extend(column(None, Some(c)));
    }
    if let Some(d) = primary_key(x, y) {
        parts.push(d);
    }
    keyed(&x.uniques, &y.uniques, |_, u, v| {
        let mut at = Attrs::new();
        if let (Some(u), Some(v)) = (u, v) {
            at.value(
                Attribute::Columns,
                u.columns.join(", "),
                v.columns.join(", "),
            );
        }
        parts.extend(part(
            PartKind::Unique,
            u.map(|u| &u.name),
            v.map(|v| &v.name),
            at,
        ));
    });
    keyed(&x.indexes, &y.indexes, |_, u, v| {
        parts.extend(index(u, v));
    });
    keyed(&x.foreign_keys, &y.foreign_keys, |_, u, v| {
        parts.extend(foreign_key(u, v));
    });
    keyed(&x.checks, &y.checks, |_, u, v| {
        let mut at = Attrs::new();
        if let (Some(u), Some(v)) = (u, v) {
            at.value(Attribute::Expression, &u.expression, &v.expression);
        }
        parts.extend(part(
            PartKind::Check,
            u.map(|u| &u.name),
            v.map(|v| &v.name),
            at,
        ));
    });
    keyed(&x.triggers, &y.triggers, |_, u, v| {
        let mut at = Attrs::new();
        if let (Some(u), Some(v)) = (u, v) {
            if u.definition_hash != v.definition_hash || u.definition != v.definition {
                at.value(Attribute::Definition, &u.definition, &v.definition);
            }
        }
        parts.extend(part(
            PartKind::Trigger,
            u.map(|u| &u.name),
            v.map(|v| &v.name),
            at,
        ));
    });
    if change == Change::Changed && parts.is_empty() && at.0.is_empty() && renamed_from.is_none() {
        return None;
    }
    Some(ObjectDiff {
        kind: ObjectKind::Table,
        name: b.map_or_else(|| x.name.clone(), |b| b.name.clone()),
        renamed_from,
        change,
        attributes: at.0,
        parts,
    })
}

/// The column order A has after its columns are altered in place and B's new ones appended,
/// against B's order; equal when no column needs to move.
fn column_order<'a>(a: &'a Table, b: &'a Table) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut kept: Vec<&str> = (a.columns.iter())
        .filter(|c| b.column(&c.name).is_some())
        .map(|c| c.name.as_str())
        .collect();
    kept.extend(
        (b.columns.iter())
            .filter(|c| a.column(&c.name).is_none())
            .map(|c| c.name.as_str()),
    );
    let want = b.columns.iter().map(|c| c.name.as_str()).collect();
    (kept, want)
}

fn part(kind: PartKind, a: Option<&String>, b: Option<&String>, at: Attrs) -> Option<PartDiff> {
    let change = change_of(a, b);
    if change == Change::Changed && at.0.is_empty() {
        return None;
    }
    Some(PartDiff {
        kind,
        name: b.or(a)?.clone(),
        renamed_from: None,
        change,
        attributes: at.0,
    })
}

fn identity(i: Option<Identity>) -> Option<String> {
    i.map(|i| {
        match i {
            Identity::Always => "generated always as identity",
            Identity::ByDefault => "generated by default as identity",
            Identity::Serial => "serial",
            Identity::AutoIncrement => "auto increment",
        }
        .to_owned()
    })
}

fn column(a: Option<&Column>, b: Option<&Column>) -> Option<PartDiff> {
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (a, b) {
        if x == y {
            return None;
        }
        at.value(Attribute::DataType, &x.data_type, &y.data_type);
        at.add(Attribute::Nullable, x.nullable, y.nullable, yes_no);
        at.text(Attribute::Default, &x.default, &y.default);
        let generated = |g: Option<&crate::schema::model::Generated>| {
            g.map(|g| {
                format!(
                    "({}) {}",
                    g.expression,
                    if g.stored { "stored" } else { "virtual" }
                )
            })
        };
        at.add(
            Attribute::Generated,
            x.generated.as_ref(),
            y.generated.as_ref(),
            generated,
        );
        at.add(Attribute::Identity, x.identity, y.identity, identity);
        at.text(Attribute::Collation, &x.collation, &y.collation);
        at.text(Attribute::Comment, &x.comment, &y.comment);
        at.text(Attribute::OnUpdate, &x.on_update, &y.on_update);
    }
    part(PartKind::Column, a.map(|c| &c.name), b.map(|c| &c.name), at)
}

fn primary_key(a: &Table, b: &Table) -> Option<PartDiff> {
    let (x, y) = (a.primary_key.as_ref(), b.primary_key.as_ref());
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (x, y) {
        at.text(Attribute::ConstraintName, &x.name, &y.name);
        at.value(
            Attribute::Columns,
            x.columns.join(", "),
            y.columns.join(", "),
        );
    }
    let label = |pk: Option<&crate::schema::model::PrimaryKey>| {
        pk.map(|pk| pk.name.clone().unwrap_or_else(|| "PRIMARY KEY".to_owned()))
    };
    part(
        PartKind::PrimaryKey,
        label(x).as_ref(),
        label(y).as_ref(),
        at,
    )
}

/// An index's key parts as text: `lower(email), name DESC, title(10)`.
pub(crate) fn index_parts(parts: &[IndexPart]) -> String {
    let one = |p: &IndexPart| match p {
        IndexPart::Column {
            name,
            descending,
            length,
        } => {
            let len = length.map(|l| format!("({l})")).unwrap_or_default();
            format!("{name}{len}{}", if *descending { " DESC" } else { "" })
        }
        IndexPart::Expression {
            expression,
            descending,
        } => format!("({expression}){}", if *descending { " DESC" } else { "" }),
    };
    parts.iter().map(one).collect::<Vec<_>>().join(", ")
}

fn index(a: Option<&Index>, b: Option<&Index>) -> Option<PartDiff> {
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (a, b) {
        at.add(Attribute::Parts, &x.parts, &y.parts, |p| {
            Some(index_parts(p))
        });
        at.add(Attribute::Unique, x.unique, y.unique, yes_no);
        at.text(Attribute::Method, &x.method, &y.method);
        at.text(Attribute::Predicate, &x.predicate, &y.predicate);
    }
    part(PartKind::Index, a.map(|i| &i.name), b.map(|i| &i.name), at)
}

fn foreign_key(a: Option<&ForeignKey>, b: Option<&ForeignKey>) -> Option<PartDiff> {
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (a, b) {
        let target = |fk: &ForeignKey| match &fk.referenced_namespace {
            Some(ns) => format!("{ns}.{}", fk.referenced_table),
            None => fk.referenced_table.clone(),
        };
        at.value(
            Attribute::Columns,
            x.columns.join(", "),
            y.columns.join(", "),
        );
        at.value(Attribute::ReferencedTable, target(x), target(y));
        at.value(
            Attribute::ReferencedColumns,
            x.referenced_columns.join(", "),
            y.referenced_columns.join(", "),
        );
        let action = |v: crate::schema::model::FkAction| Some(v.sql().to_lowercase());
        at.add(Attribute::OnDelete, x.on_delete, y.on_delete, action);
        at.add(Attribute::OnUpdate, x.on_update, y.on_update, action);
    }
    part(
        PartKind::ForeignKey,
        a.map(|f| &f.name),
        b.map(|f| &f.name),
        at,
    )
}
