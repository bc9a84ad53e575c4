//! MySQL/MariaDB DDL: names are unqualified (the connected database), identifiers in
//! backticks, and a changed column is restated whole with `MODIFY COLUMN`, placed with
//! `FIRST`/`AFTER` when its position changes.

use super::{
    create_table_lines, quote_with, view_query, DdlError, Dialect, Out, Phase, TableChange,
};
use crate::dialect::DatabaseKind;
use crate::schema::diff::{
    Attribute, Change, NamespaceDiff, ObjectDiff, ObjectKind, PartDiff, PartKind,
};
use crate::schema::model::{
    Column, ForeignKey, Identity, Index, IndexPart, Namespace, RoutineKind, Sequence, Table, View,
};

pub(crate) struct Mysql;

/// A MySQL string literal: `'` doubled and `\` escaped (the default SQL mode reads backslash
/// escapes).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

impl Mysql {
    fn list(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.ident(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn column_def(&self, c: &Column) -> String {
        let mut s = format!("{} {}", self.ident(&c.name), c.data_type);
        if let Some(coll) = &c.collation {
            s.push_str(&format!(" COLLATE {coll}"));
        }
        if let Some(g) = &c.generated {
            let kind = if g.stored { "STORED" } else { "VIRTUAL" };
            s.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", g.expression));
        } else {
            s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
            if let Some(d) = &c.default {
                s.push_str(&format!(" DEFAULT {d}"));
            }
            if let Some(expr) = &c.on_update {
                s.push_str(&format!(" ON UPDATE {expr}"));
            }
            if c.identity == Some(Identity::AutoIncrement) {
                s.push_str(" AUTO_INCREMENT");
            }
        }
        if let Some(text) = &c.comment {
            s.push_str(&format!(" COMMENT {}", literal(text)));
        }
        s
    }

    /// MariaDB sequences: `ALTER SEQUENCE` restates every option in place (it keeps the
    /// sequence's next value); a change of type, which it cannot make, drops and recreates.
    fn sequence(&self, a: Option<&Sequence>, b: Option<&Sequence>, out: &mut Out) {
        let opts = |s: &Sequence| {
            format!(
                "START WITH {} MINVALUE {} MAXVALUE {} INCREMENT BY {} {} {}",
                s.start,
                s.min_value,
                s.max_value,
                s.increment,
                match s.cache {
                    0 => "NOCACHE".to_owned(),
                    n => format!("CACHE {n}"),
                },
                if s.cycle { "CYCLE" } else { "NOCYCLE" }
            )
        };
        // `AS` only when the type is not the default: servers before MariaDB 11.5 refuse it.
        let create = |s: &Sequence| match s.data_type.as_str() {
            "bigint" => format!("CREATE SEQUENCE {} {}", self.ident(&s.name), opts(s)),
            t => format!("CREATE SEQUENCE {} AS {t} {}", self.ident(&s.name), opts(s)),
        };
        let drop = |s: &Sequence| format!("DROP SEQUENCE {}", self.ident(&s.name));
        match (a, b) {
            (Some(a), Some(b)) if a.data_type == b.data_type => out.push(
                Phase::CreateTypes,
                format!("ALTER SEQUENCE {} {}", self.ident(&b.name), opts(b)),
            ),
            (a, b) => {
                if let Some(a) = a {
                    out.push(Phase::DropTypes, drop(a));
                }
                if let Some(b) = b {
                    out.push(Phase::CreateTypes, create(b));
                }
            }
        }
    }

    fn index_def(&self, table: &str, ix: &Index) -> String {
        let parts: Vec<String> = (ix.parts.iter())
            .map(|p| match p {
                IndexPart::Column {
                    name,
                    descending,
                    length,
                } => format!(
                    "{}{}{}",
                    self.ident(name),
                    length.map(|l| format!("({l})")).unwrap_or_default(),
                    if *descending { " DESC" } else { "" }
                ),
                IndexPart::Expression {
                    expression,
                    descending,
                } => {
                    format!("({expression}){}", if *descending { " DESC" } else { "" })
                }
            })
            .collect();
        let method = ix.method.as_deref().map(str::to_ascii_lowercase);
        let kind = match method.as_deref() {
            Some("fulltext") => "FULLTEXT ",
            Some("spatial") => "SPATIAL ",
            _ if ix.unique => "UNIQUE ",
            _ => "",
        };
        let using = match method.as_deref() {
            Some(m @ ("btree" | "hash")) => format!(" USING {}", m.to_uppercase()),
            _ => String::new(),
        };
        format!(
            "CREATE {kind}INDEX {} ON {} ({}){using}",
            self.ident(&ix.name),
            self.ident(table),
            parts.join(", ")
        )
    }

    fn fk_def(&self, fk: &ForeignKey) -> String {
        let target = match &fk.referenced_namespace {
            Some(ns) => format!("{}.{}", self.ident(ns), self.ident(&fk.referenced_table)),
            None => self.ident(&fk.referenced_table),
        };
        format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {target} ({}) ON DELETE {} ON UPDATE {}",
            self.ident(&fk.name),
            self.list(&fk.columns),
            self.list(&fk.referenced_columns),
            fk.on_delete.sql(),
            fk.on_update.sql()
        )
    }

    fn constraint_def(&self, t: &Table, p: &PartDiff) -> Option<String> {
        match p.kind {
            PartKind::PrimaryKey => t
                .primary_key
                .as_ref()
                .map(|pk| format!("PRIMARY KEY ({})", self.list(&pk.columns))),
            PartKind::Unique => (t.uniques.get(&p.name)).map(|u| {
                format!(
                    "CONSTRAINT {} UNIQUE ({})",
                    self.ident(&u.name),
                    self.list(&u.columns)
                )
            }),
            PartKind::Check => (t.checks.get(&p.name)).map(|c| {
                format!(
                    "CONSTRAINT {} CHECK ({})",
                    self.ident(&c.name),
                    c.expression
                )
            }),
            _ => None,
        }
    }

    fn create_table(&self, t: &TableChange<'_>, out: &mut Out) {
        let table = t.in_b();
        let q = self.ident(&table.name);
        let lines =
            create_table_lines(t, |c| self.column_def(c), |p| self.constraint_def(table, p));
        let comment = table
            .comment
            .as_deref()
            .map(|c| format!(" COMMENT={}", literal(c)))
            .unwrap_or_default();
        out.push(
            Phase::CreateTables,
            format!("CREATE TABLE {q} (\n  {}\n){comment}", lines.join(",\n  ")),
        );
        for ix in table.indexes.values() {
            out.push(Phase::CreateConstraints, self.index_def(&table.name, ix));
        }
        for fk in table.foreign_keys.values() {
            out.push(
                Phase::CreateForeignKeys,
                format!("ALTER TABLE {q} ADD {}", self.fk_def(fk)),
            );
        }
        for tr in table.triggers.values() {
            out.push(Phase::CreateTriggers, tr.definition.clone());
        }
    }

    /// ` FIRST` or ` AFTER <previous column>` for a column of B.
    fn position(&self, b: &Table, name: &str) -> String {
        let i = b.columns.iter().position(|c| c.name == name).unwrap_or(0);
        match i.checked_sub(1) {
            None => " FIRST".into(),
            Some(j) => format!(" AFTER {}", self.ident(&b.columns[j].name)),
        }
    }
}

impl Dialect for Mysql {
    fn ident(&self, name: &str) -> String {
        quote_with(name, '`')
    }

    fn name(&self, _namespace: &str, name: &str) -> String {
        self.ident(name)
    }

    fn table(&self, t: &TableChange<'_>, out: &mut Out) -> Result<(), DdlError> {
        let old_q = self.ident(&t.in_a().name);
        match t.diff.change {
            Change::Added => {
                self.create_table(t, out);
                return Ok(());
            }
            Change::Removed => {
                for fk in t.in_a().foreign_keys.values() {
                    out.push(
                        Phase::DropForeignKeys,
                        format!(
                            "ALTER TABLE {old_q} DROP FOREIGN KEY {}",
                            self.ident(&fk.name)
                        ),
                    );
                }
                out.push(Phase::DropTables, format!("DROP TABLE {old_q}"));
                return Ok(());
            }
            Change::Changed => {}
        }
        let (a, b) = (t.in_a(), t.in_b());
        let q = self.ident(&b.name);
        if t.diff.renamed_from.is_some() {
            out.push(Phase::Renames, format!("RENAME TABLE {old_q} TO {q}"));
        }
        if t.diff.attribute(Attribute::Comment).is_some() {
            let text = literal(b.comment.as_deref().unwrap_or_default());
            out.push(
                Phase::AlterColumns,
                format!("ALTER TABLE {q} COMMENT = {text}"),
            );
        }
        let mut parts: Vec<&PartDiff> = t.diff.parts.iter().collect();
        parts.sort_by_key(|p| {
            (
                p.kind != PartKind::Column,
                p.change != Change::Removed,
                p.change == Change::Added,
            )
        });
        for p in parts {
            let old_name = p.name_in_a();
            let (drop, add) = (p.change != Change::Added, p.change != Change::Removed);
            match p.kind {
                PartKind::Column => match p.change {
                    Change::Removed => out.push(
                        Phase::DropColumns,
                        format!("ALTER TABLE {old_q} DROP COLUMN {}", self.ident(&p.name)),
                    ),
                    Change::Added => {
                        let c = t.column_in_b(&p.name)?;
                        let at = self.position(b, &c.name);
                        out.push(
                            Phase::AlterColumns,
                            format!("ALTER TABLE {q} ADD COLUMN {}{at}", self.column_def(c)),
                        );
                    }
                    Change::Changed => {
                        if p.renamed_from.is_some() {
                            out.push(
                                Phase::Renames,
                                format!(
                                    "ALTER TABLE {q} RENAME COLUMN {} TO {}",
                                    self.ident(old_name),
                                    self.ident(&p.name)
                                ),
                            );
                        }
                        if !p.attributes.is_empty() {
                            let c = t.column_in_b(&p.name)?;
                            // AUTO_INCREMENT needs a key: a column gains it after the keys are
                            // added and loses it before they are dropped.
                            let auto = |c: Option<&Column>| {
                                c.is_some_and(|c| c.identity == Some(Identity::AutoIncrement))
                            };
                            let (was, is) = (auto(a.column(old_name)), auto(Some(c)));
                            let (phase, table) = match (was, is) {
                                (false, true) => (Phase::AlterKeyedColumns, &q),
                                (true, false) => (Phase::DropConstraints, &old_q),
                                _ => (Phase::AlterColumns, &q),
                            };
                            out.push(
                                phase,
                                format!("ALTER TABLE {table} MODIFY COLUMN {}", self.column_def(c)),
                            );
                        }
                    }
                },
                PartKind::Index => {
                    if drop {
                        out.push(
                            Phase::DropConstraints,
                            format!("DROP INDEX {} ON {old_q}", self.ident(old_name)),
                        );
                    }
                    if let (true, Some(ix)) = (add, b.indexes.get(&p.name)) {
                        out.push(Phase::CreateConstraints, self.index_def(&b.name, ix));
                    }
                }
                PartKind::ForeignKey => {
                    if drop {
                        out.push(
                            Phase::DropForeignKeys,
                            format!(
                                "ALTER TABLE {old_q} DROP FOREIGN KEY {}",
                                self.ident(old_name)
                            ),
                        );
                    }
                    if let (true, Some(fk)) = (add, b.foreign_keys.get(&p.name)) {
                        out.push(
                            Phase::CreateForeignKeys,
                            format!("ALTER TABLE {q} ADD {}", self.fk_def(fk)),
                        );
                    }
                }
                PartKind::Trigger => {
                    if drop {
                        out.push(
                            Phase::DropTriggers,
                            format!("DROP TRIGGER {}", self.ident(old_name)),
                        );
                    }
                    if let (true, Some(tr)) = (add, b.triggers.get(&p.name)) {
                        out.push(Phase::CreateTriggers, tr.definition.clone());
                    }
                }
                PartKind::PrimaryKey | PartKind::Unique | PartKind::Check => {
                    if drop {
                        let what = match p.kind {
                            PartKind::PrimaryKey => "PRIMARY KEY".to_owned(),
                            PartKind::Unique => format!("INDEX {}", self.ident(old_name)),
                            _ => format!("CONSTRAINT {}", self.ident(old_name)),
                        };
                        out.push(
                            Phase::DropConstraints,
                            format!("ALTER TABLE {old_q} DROP {what}"),
                        );
                    }
                    if let (true, Some(def)) = (add, self.constraint_def(b, p)) {
                        out.push(
                            Phase::CreateConstraints,
                            format!("ALTER TABLE {q} ADD {def}"),
                        );
                    }
                }
            }
        }
        // Added columns are placed by AFTER; kept columns move only when their own order changes.
        let kept = |t: &Table, other: &Table| -> Vec<String> {
            (t.columns.iter())
                .filter(|c| other.column(&c.name).is_some())
                .map(|c| c.name.clone())
                .collect()
        };
        if t.diff.attribute(Attribute::ColumnOrder).is_some() && kept(a, b) != kept(b, a) {
            let added = |name: &str| {
                (t.diff.parts.iter()).any(|p| {
                    p.kind == PartKind::Column && p.name == name && p.change == Change::Added
                })
            };
            for c in b.columns.iter().filter(|c| !added(&c.name)) {
                let at = self.position(b, &c.name);
                out.push(
                    Phase::AlterColumns,
                    format!("ALTER TABLE {q} MODIFY COLUMN {}{at}", self.column_def(c)),
                );
            }
        }
        Ok(())
    }

    fn drop_view(&self, _ns: &str, v: &View) -> String {
        format!("DROP VIEW {}", self.ident(&v.name))
    }

    fn create_view(&self, _ns: &str, v: &View) -> String {
        format!("CREATE VIEW {} AS {}", self.ident(&v.name), view_query(v))
    }

    fn other(
        &self,
        nd: &NamespaceDiff,
        o: &ObjectDiff,
        na: &Namespace,
        nb: &Namespace,
        out: &mut Out,
    ) -> Result<(), DdlError> {
        match o.kind {
            ObjectKind::Routine => {
                let keyword = |k: RoutineKind| match k {
                    RoutineKind::Function => "FUNCTION",
                    RoutineKind::Procedure => "PROCEDURE",
                };
                let ra = super::side(&na.routines, o.name_in_a(), o.change != Change::Added, 'A', o)?;
                let rb = super::side(&nb.routines, &o.name, o.change != Change::Removed, 'B', o)?;
                if let Some(r) = ra {
                    out.push(Phase::DropRoutines, format!("DROP {} {}", keyword(r.kind), self.ident(&r.name)));
                }
                if let Some(r) = rb {
                    out.push(Phase::CreateRoutines, r.definition.trim().to_owned());
                }
                Ok(())
            }
            ObjectKind::Sequence => {
                let sa = super::side(&na.sequences, o.name_in_a(), o.change != Change::Added, 'A', o)?;
                let sb = super::side(&nb.sequences, &o.name, o.change != Change::Removed, 'B', o)?;
                self.sequence(sa, sb, out);
                Ok(())
            }
            ObjectKind::Table | ObjectKind::View => Ok(()),
            ObjectKind::Enum => Err(DdlError::Unsupported {
                dialect: DatabaseKind::Mysql,
                object: format!("{} {}.{}", o.kind.label(), nd.name, o.name),
                what: "create or change this kind of object",
                hint: "Strata writes MySQL/MariaDB enums as column types; write this part of the migration by hand.".into(),
            }),
        }
    }
}
