//! PostgreSQL DDL: every statement names objects schema-qualified with quoted identifiers, and
//! every column change is an ALTER COLUMN in place (type with a USING cast, NOT NULL, default,
//! identity); only a change of generation expression drops and re-adds the column.

use super::{
    create_table_lines, ident_list, index_parts, quote_with, string_literal, view_query, DdlError,
    Dialect, Out, Phase, TableChange,
};
use crate::dialect::DatabaseKind;
use crate::schema::diff::{
    Attribute, Change, NamespaceDiff, ObjectDiff, ObjectKind, PartDiff, PartKind,
};
use crate::schema::model::{ForeignKey, Index, Namespace, Table, View};

mod columns;
mod objects;

pub(crate) struct Postgres;

impl Postgres {
    fn index_def(&self, ns: &str, table: &str, ix: &Index) -> String {
        let mut s = format!(
            "CREATE {}INDEX {} ON {}",
            if ix.unique { "UNIQUE " } else { "" },
            self.ident(&ix.name),
            self.name(ns, table)
        );
        if let Some(m) = &ix.method {
            s.push_str(&format!(" USING {m}"));
        }
        s.push_str(&format!(" ({})", index_parts(self, &ix.parts, true)));
        if let Some(p) = &ix.predicate {
            s.push_str(&format!(" WHERE {p}"));
        }
        s
    }

    fn fk_def(&self, ns: &str, fk: &ForeignKey) -> String {
        let target_ns = fk.referenced_namespace.as_deref().unwrap_or(ns);
        format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            self.ident(&fk.name),
            ident_list(self, &fk.columns),
            self.name(target_ns, &fk.referenced_table),
            ident_list(self, &fk.referenced_columns),
            fk.on_delete.sql(),
            fk.on_update.sql()
        )
    }

    /// The `ADD …` body of a key or check constraint (not a foreign key).
    fn constraint_def(&self, t: &Table, p: &PartDiff) -> Option<String> {
        match p.kind {
            PartKind::PrimaryKey => t.primary_key.as_ref().map(|pk| match &pk.name {
                Some(n) => format!(
                    "CONSTRAINT {} PRIMARY KEY ({})",
                    self.ident(n),
                    ident_list(self, &pk.columns)
                ),
                None => format!("PRIMARY KEY ({})", ident_list(self, &pk.columns)),
            }),
            PartKind::Unique => (t.uniques.get(&p.name)).map(|u| {
                format!(
                    "CONSTRAINT {} UNIQUE ({})",
                    self.ident(&u.name),
                    ident_list(self, &u.columns)
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
        let q = self.name(t.ns_b, &table.name);
        let lines =
            create_table_lines(t, |c| self.column_def(c), |p| self.constraint_def(table, p));
        out.push(
            Phase::CreateTables,
            format!("CREATE TABLE {q} (\n  {}\n)", lines.join(",\n  ")),
        );
        if let Some(c) = &table.comment {
            out.push(
                Phase::CreateTables,
                format!("COMMENT ON TABLE {q} IS {}", string_literal(c)),
            );
        }
        for c in table.columns.iter().filter(|c| c.comment.is_some()) {
            let text = string_literal(c.comment.as_deref().unwrap_or_default());
            out.push(
                Phase::CreateTables,
                format!("COMMENT ON COLUMN {q}.{} IS {text}", self.ident(&c.name)),
            );
        }
        for ix in table.indexes.values() {
            out.push(
                Phase::CreateConstraints,
                self.index_def(t.ns_b, &table.name, ix),
            );
        }
        for fk in table.foreign_keys.values() {
            out.push(
                Phase::CreateForeignKeys,
                format!("ALTER TABLE {q} ADD {}", self.fk_def(t.ns_b, fk)),
            );
        }
        for tr in table.triggers.values() {
            out.push(Phase::CreateTriggers, tr.definition.clone());
        }
    }
}
impl Dialect for Postgres {
    fn ident(&self, name: &str) -> String {
        quote_with(name, '"')
    }

    fn name(&self, namespace: &str, name: &str) -> String {
        format!("{}.{}", self.ident(namespace), self.ident(name))
    }

    fn namespace(&self, nd: &NamespaceDiff, out: &mut Out) -> Result<(), DdlError> {
        match nd.change {
            Change::Added => out.push(
                Phase::CreateNamespaces,
                format!("CREATE SCHEMA {}", self.ident(&nd.name)),
            ),
            Change::Removed => out.push(
                Phase::DropNamespaces,
                format!("DROP SCHEMA {}", self.ident(&nd.name)),
            ),
            Change::Changed => {}
        }
        Ok(())
    }

    fn table(&self, t: &TableChange<'_>, out: &mut Out) -> Result<(), DdlError> {
        let old_q = self.name(t.ns_a, &t.in_a().name);
        match t.diff.change {
            Change::Added => {
                self.create_table(t, out);
                return Ok(());
            }
            Change::Removed => {
                // Its own foreign keys go first, so removed tables can reference each other.
                for fk in t.in_a().foreign_keys.values() {
                    out.push(
                        Phase::DropForeignKeys,
                        format!(
                            "ALTER TABLE {old_q} DROP CONSTRAINT {}",
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
        let q = self.name(t.ns_b, &b.name);
        if t.diff.attribute(Attribute::ColumnOrder).is_some() {
            return Err(DdlError::Unsupported {
                dialect: DatabaseKind::Postgres,
                object: format!("table {}.{}", t.ns_b, b.name),
                what: "reorder columns",
                hint: "PostgreSQL adds columns at the end only. Keep the order the database has, or rebuild the table by hand (create it anew, copy the rows, swap the names).".into(),
            });
        }
        if t.diff.renamed_from.is_some() {
            out.push(
                Phase::Renames,
                format!("ALTER TABLE {old_q} RENAME TO {}", self.ident(&b.name)),
            );
        }
        if t.diff.attribute(Attribute::Comment).is_some() {
            let text = b
                .comment
                .as_deref()
                .map_or("NULL".to_owned(), string_literal);
            out.push(
                Phase::AlterColumns,
                format!("COMMENT ON TABLE {q} IS {text}"),
            );
        }
        let mut parts: Vec<&PartDiff> = t.diff.parts.iter().collect();
        // Columns: drops, then changes, then additions.
        parts.sort_by_key(|p| {
            (
                p.kind != PartKind::Column,
                p.change != Change::Removed,
                p.change == Change::Added,
            )
        });
        for p in parts {
            let old_name = p.name_in_a();
            match p.kind {
                PartKind::Column => match p.change {
                    Change::Removed => out.push(
                        Phase::DropColumns,
                        format!("ALTER TABLE {old_q} DROP COLUMN {}", self.ident(&p.name)),
                    ),
                    Change::Added => {
                        let c = t.column_in_b(&p.name)?;
                        out.push(
                            Phase::AlterColumns,
                            format!("ALTER TABLE {q} ADD COLUMN {}", self.column_def(c)),
                        );
                        if let Some(text) = &c.comment {
                            out.push(
                                Phase::AlterColumns,
                                format!(
                                    "COMMENT ON COLUMN {q}.{} IS {}",
                                    self.ident(&c.name),
                                    string_literal(text)
                                ),
                            );
                        }
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
                        let (ca, cb) = (t.column_in_a(old_name)?, t.column_in_b(&p.name)?);
                        self.alter_column(&q, ca, cb, p, out);
                    }
                },
                PartKind::Index => {
                    if p.change != Change::Added {
                        out.push(
                            Phase::DropConstraints,
                            format!("DROP INDEX {}", self.name(t.ns_a, old_name)),
                        );
                    }
                    if let (true, Some(ix)) = (p.change != Change::Removed, b.indexes.get(&p.name))
                    {
                        out.push(
                            Phase::CreateConstraints,
                            self.index_def(t.ns_b, &b.name, ix),
                        );
                    }
                }
                PartKind::ForeignKey => {
                    if p.change != Change::Added {
                        out.push(
                            Phase::DropForeignKeys,
                            format!(
                                "ALTER TABLE {old_q} DROP CONSTRAINT {}",
                                self.ident(old_name)
                            ),
                        );
                    }
                    if let (true, Some(fk)) =
                        (p.change != Change::Removed, b.foreign_keys.get(&p.name))
                    {
                        out.push(
                            Phase::CreateForeignKeys,
                            format!("ALTER TABLE {q} ADD {}", self.fk_def(t.ns_b, fk)),
                        );
                    }
                }
                PartKind::Trigger => {
                    if p.change != Change::Added {
                        out.push(
                            Phase::DropTriggers,
                            format!("DROP TRIGGER {} ON {old_q}", self.ident(old_name)),
                        );
                    }
                    if let (true, Some(tr)) = (p.change != Change::Removed, b.triggers.get(&p.name))
                    {
                        out.push(Phase::CreateTriggers, tr.definition.clone());
                    }
                }
                PartKind::PrimaryKey | PartKind::Unique | PartKind::Check => {
                    if p.change != Change::Added {
                        let name = match p.kind {
                            PartKind::PrimaryKey => {
                                a.primary_key.as_ref().and_then(|k| k.name.clone())
                            }
                            _ => Some(old_name.to_owned()),
                        };
                        let name = name.unwrap_or_else(|| format!("{}_pkey", a.name));
                        out.push(
                            Phase::DropConstraints,
                            format!("ALTER TABLE {old_q} DROP CONSTRAINT {}", self.ident(&name)),
                        );
                    }
                    if p.change != Change::Removed {
                        if let Some(def) = self.constraint_def(b, p) {
                            out.push(
                                Phase::CreateConstraints,
                                format!("ALTER TABLE {q} ADD {def}"),
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn drop_view(&self, ns: &str, v: &View) -> String {
        let m = if v.materialized { "MATERIALIZED " } else { "" };
        format!("DROP {m}VIEW {}", self.name(ns, &v.name))
    }

    fn create_view(&self, ns: &str, v: &View) -> String {
        let m = if v.materialized { "MATERIALIZED " } else { "" };
        format!(
            "CREATE {m}VIEW {} AS\n{}",
            self.name(ns, &v.name),
            view_query(v)
        )
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
            ObjectKind::Enum => {
                let a = super::side(&na.enums, o.name_in_a(), o.change != Change::Added, 'A', o)?;
                let b = super::side(&nb.enums, &o.name, o.change != Change::Removed, 'B', o)?;
                self.enum_type(nd, a, b, na, nb, out)
            }
            ObjectKind::Sequence => {
                let a = super::side(
                    &na.sequences,
                    o.name_in_a(),
                    o.change != Change::Added,
                    'A',
                    o,
                )?;
                let b = super::side(&nb.sequences, &o.name, o.change != Change::Removed, 'B', o)?;
                self.sequence(o, a, b, &na.name, &nb.name, out);
                Ok(())
            }
            ObjectKind::Routine => {
                let ra = super::side(
                    &na.routines,
                    o.name_in_a(),
                    o.change != Change::Added,
                    'A',
                    o,
                )?;
                let rb = super::side(&nb.routines, &o.name, o.change != Change::Removed, 'B', o)?;
                let kind_changes = matches!((ra, rb), (Some(x), Some(y)) if x.kind != y.kind);
                if let (Some(r), true) = (ra, o.change == Change::Removed || kind_changes) {
                    let kind = match r.kind {
                        crate::schema::model::RoutineKind::Function => "FUNCTION",
                        crate::schema::model::RoutineKind::Procedure => "PROCEDURE",
                    };
                    out.push(
                        Phase::DropRoutines,
                        format!(
                            "DROP {kind} {}({})",
                            self.name(&na.name, &r.name),
                            r.arguments
                        ),
                    );
                }
                if let Some(r) = rb {
                    out.push(Phase::CreateRoutines, r.definition.trim().to_owned());
                }
                Ok(())
            }
            ObjectKind::Table | ObjectKind::View => Ok(()),
        }
    }
}
