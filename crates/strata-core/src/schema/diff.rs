//! The structured difference of two schema models: `diff(a, b)` is pure, lists exactly what
//! differs (nothing for equal models), and names every entry as it is called in B (with the name
//! it had in A when a rename hint matched it), so the DDL that takes A to B can be read off it.

use serde::Serialize;

use crate::dialect::DatabaseKind;
use crate::schema::model::Schema;

mod compare;
mod objects;
mod rename;
#[cfg(test)]
mod rename_tests;
#[cfg(test)]
pub(crate) mod tests;

pub use rename::{ColumnRename, RenameError, RenameHints, TableRename};

/// How an entry of the diff changes from A to B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Change {
    /// Only in B.
    Added,
    /// Only in A.
    Removed,
    /// In both, with differences (listed below the entry).
    Changed,
}

impl Change {
    /// The sign the object tree shows beside its text label.
    pub fn sign(self) -> char {
        match self {
            Self::Added => '+',
            Self::Removed => '−',
            Self::Changed => '~',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed => "changed",
        }
    }
}

/// What takes schema A to schema B, as a tree: namespaces, objects, parts, attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SchemaDiff {
    pub kind: DatabaseKind,
    /// Namespaces that are added, removed, or hold a change, by name.
    pub namespaces: Vec<NamespaceDiff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NamespaceDiff {
    /// The name in B (in A when removed).
    pub name: String,
    /// The name in A when it differs: on MySQL/MariaDB and SQLite the one namespace of each
    /// side is the connected database, compared whatever it is called.
    pub name_in_a: Option<String>,
    pub change: Change,
    /// Objects that are added, removed or changed, by kind and then name.
    pub objects: Vec<ObjectDiff>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ObjectKind {
    Enum,
    Sequence,
    Table,
    View,
    Routine,
}

impl ObjectKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Enum => "enum type",
            Self::Sequence => "sequence",
            Self::Table => "table",
            Self::View => "view",
            Self::Routine => "routine",
        }
    }
}

/// A table, view, sequence, enum type or routine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ObjectDiff {
    pub kind: ObjectKind,
    /// The name in B (in A when removed).
    pub name: String,
    /// The name in A, when a rename hint matched this object.
    pub renamed_from: Option<String>,
    pub change: Change,
    /// The object's own attributes that changed (comment, definition, values, …).
    pub attributes: Vec<AttributeDiff>,
    /// Its parts (columns, keys, indexes, …) that are added, removed or changed. An added or
    /// removed table lists all its parts as added or removed.
    pub parts: Vec<PartDiff>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PartKind {
    Column,
    PrimaryKey,
    Unique,
    Index,
    ForeignKey,
    Check,
    Trigger,
}

impl PartKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Column => "column",
            Self::PrimaryKey => "primary key",
            Self::Unique => "unique constraint",
            Self::Index => "index",
            Self::ForeignKey => "foreign key",
            Self::Check => "check constraint",
            Self::Trigger => "trigger",
        }
    }
}

/// A column, key, index, constraint or trigger of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PartDiff {
    pub kind: PartKind,
    /// The name in B (in A when removed); a primary key without a name is `PRIMARY KEY`.
    pub name: String,
    /// The name in A, when a rename hint matched this column.
    pub renamed_from: Option<String>,
    pub change: Change,
    /// For `Changed`: the attributes that differ.
    pub attributes: Vec<AttributeDiff>,
}

/// One attribute of an object or part whose value differs, shown as text. `None` is "none"
/// (no default, no comment, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AttributeDiff {
    pub attribute: Attribute,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Attribute {
    DataType,
    Nullable,
    Default,
    Generated,
    Identity,
    Collation,
    Comment,
    ColumnOrder,
    ConstraintName,
    Columns,
    Parts,
    Unique,
    Method,
    Predicate,
    ReferencedTable,
    ReferencedColumns,
    OnDelete,
    OnUpdate,
    Expression,
    Definition,
    Materialized,
    Values,
    Start,
    Increment,
    MinValue,
    MaxValue,
    Cache,
    Cycle,
    RoutineKind,
}

impl Attribute {
    pub fn label(self) -> &'static str {
        match self {
            Self::DataType => "type",
            Self::Nullable => "nullable",
            Self::Default => "default",
            Self::Generated => "generated as",
            Self::Identity => "identity",
            Self::Collation => "collation",
            Self::Comment => "comment",
            Self::ColumnOrder => "column order",
            Self::ConstraintName => "constraint name",
            Self::Columns => "columns",
            Self::Parts => "key parts",
            Self::Unique => "unique",
            Self::Method => "index method",
            Self::Predicate => "partial index predicate",
            Self::ReferencedTable => "references table",
            Self::ReferencedColumns => "references columns",
            Self::OnDelete => "on delete",
            Self::OnUpdate => "on update",
            Self::Expression => "expression",
            Self::Definition => "definition",
            Self::Materialized => "materialized",
            Self::Values => "values",
            Self::Start => "start",
            Self::Increment => "increment",
            Self::MinValue => "minimum",
            Self::MaxValue => "maximum",
            Self::Cache => "cache",
            Self::Cycle => "cycle",
            Self::RoutineKind => "routine kind",
        }
    }
}

/// How many entries a diff holds, for a one-line summary ("3 added, 1 removed, 2 changed").
/// Namespaces, objects and parts are counted; attributes are details of a changed entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

impl DiffSummary {
    fn count(&mut self, change: Change) {
        match change {
            Change::Added => self.added += 1,
            Change::Removed => self.removed += 1,
            Change::Changed => self.changed += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.added + self.removed + self.changed
    }
}

impl std::fmt::Display for DiffSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.total() == 0 {
            return f.write_str("no differences");
        }
        write!(
            f,
            "{} added, {} removed, {} changed",
            self.added, self.removed, self.changed
        )
    }
}

impl SchemaDiff {
    /// Whether A and B are the same schema.
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty()
    }

    pub fn summary(&self) -> DiffSummary {
        let mut s = DiffSummary::default();
        for ns in &self.namespaces {
            if ns.change != Change::Changed {
                s.count(ns.change);
            }
            for object in &ns.objects {
                s.count(object.change);
                for part in &object.parts {
                    s.count(part.change);
                }
            }
        }
        s
    }

    /// One line per entry, indented by depth, with its sign and text label: the object tree as
    /// plain text (CLI output, test failure messages).
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let renamed = |from: &Option<String>| match from {
            Some(old) => format!(" (renamed from {old})"),
            None => String::new(),
        };
        let attrs = |out: &mut String, list: &[AttributeDiff], depth: usize| {
            for a in list {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
                let _ = writeln!(
                    out,
                    "{:depth$}~ {}: {} → {}",
                    "",
                    a.attribute.label(),
                    show(&a.from),
                    show(&a.to),
                    depth = depth * 2
                );
            }
        };
        for ns in &self.namespaces {
            let _ = writeln!(
                out,
                "{} namespace {} ({})",
                ns.change.sign(),
                ns.name,
                ns.change.label()
            );
            for o in &ns.objects {
                let _ = writeln!(
                    out,
                    "  {} {} {}{} ({})",
                    o.change.sign(),
                    o.kind.label(),
                    o.name,
                    renamed(&o.renamed_from),
                    o.change.label()
                );
                attrs(&mut out, &o.attributes, 2);
                for p in &o.parts {
                    let _ = writeln!(
                        out,
                        "    {} {} {}{} ({})",
                        p.change.sign(),
                        p.kind.label(),
                        p.name,
                        renamed(&p.renamed_from),
                        p.change.label()
                    );
                    attrs(&mut out, &p.attributes, 3);
                }
            }
        }
        out
    }
}

impl ObjectDiff {
    /// The name this object has in A.
    pub fn name_in_a(&self) -> &str {
        self.renamed_from.as_deref().unwrap_or(&self.name)
    }

    pub fn attribute(&self, attribute: Attribute) -> Option<&AttributeDiff> {
        self.attributes.iter().find(|a| a.attribute == attribute)
    }
}

impl PartDiff {
    /// The name this part has in A.
    pub fn name_in_a(&self) -> &str {
        self.renamed_from.as_deref().unwrap_or(&self.name)
    }

    pub fn changes(&self, attribute: Attribute) -> bool {
        self.attributes.iter().any(|a| a.attribute == attribute)
    }
}

impl NamespaceDiff {
    /// The name this namespace has in A.
    pub fn name_in_a(&self) -> &str {
        self.name_in_a.as_deref().unwrap_or(&self.name)
    }
}

/// What takes A to B, with renames reported as drop and add.
pub fn diff(a: &Schema, b: &Schema) -> SchemaDiff {
    compare::diff(a, b, &RenameHints::default())
}

/// What takes A to B, where the hints name tables and columns of A that B has under a new name
/// (from `-- strata:rename` directives or `ALTER TABLE … RENAME` in a migration's text). A hint
/// whose old name is not in A or whose new name is not in B does not apply.
pub fn diff_with_renames(a: &Schema, b: &Schema, hints: &RenameHints) -> SchemaDiff {
    compare::diff(a, b, hints)
}
