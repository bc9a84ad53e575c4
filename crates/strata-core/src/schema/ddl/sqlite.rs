//! SQLite DDL: what `ALTER TABLE` allows (rename, rename column, add a plain column) is done in
//! place; every other table change is SQLite's documented rebuild (create `new_X` as B has it,
//! copy the common columns, drop X, rename, recreate its indexes and triggers, check foreign
//! keys), so the rows survive and the result is the table B has, in B's column order.

use super::{quote_with, string_literal, view_query, DdlError, Dialect, Out, Phase, TableChange};
use crate::dialect::DatabaseKind;
use crate::schema::diff::{Attribute, Change, NamespaceDiff, ObjectDiff, ObjectKind, PartKind};
use crate::schema::model::{Column, Identity, Namespace, Table, View};

pub(crate) struct Sqlite;

const FOREIGN_KEYS_OFF: &str = "-- Rebuilding a table: SQLite ignores PRAGMA foreign_keys inside a transaction, so run this migration with -- strata:no-transaction, or tables that reference a rebuilt one may lose rows to ON DELETE CASCADE.\nPRAGMA foreign_keys = OFF";

/// A default as SQLite's catalog keeps it (`0`, `'x'`, `CURRENT_TIMESTAMP`, `datetime('now')`),
/// written so CREATE TABLE accepts it: anything but a literal goes in parentheses.
fn default_sql(d: &str) -> String {
    if is_literal(d) || is_current(d) || (d.starts_with('(') && d.ends_with(')')) {
        d.to_owned()
    } else {
        format!("({d})")
    }
}

fn is_current(d: &str) -> bool {
    ["current_time", "current_date", "current_timestamp"].contains(&d.to_ascii_lowercase().as_str())
}

/// A number, string, blob, NULL, TRUE or FALSE literal: what `ADD COLUMN` accepts as default.
fn is_literal(d: &str) -> bool {
    let d = d.trim();
    let lower = d.to_ascii_lowercase();
    let number = d.trim_start_matches(['+', '-']);
    (d.starts_with('\'') && d.ends_with('\'') && d.len() >= 2)
        || ((lower.starts_with("x'")) && d.ends_with('\''))
        || ["null", "true", "false"].contains(&lower.as_str())
        || (!number.is_empty() && number.parse::<f64>().is_ok())
}

impl Sqlite {
    fn column_def(&self, c: &Column, inline_pk: bool) -> String {
        let mut s = self.ident(&c.name);
        if !c.data_type.is_empty() {
            s.push(' ');
            s.push_str(&c.data_type);
        }
        if inline_pk {
            s.push_str(" PRIMARY KEY AUTOINCREMENT");
        }
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
        if let Some(d) = &c.default {
            s.push_str(&format!(" DEFAULT {}", default_sql(d)));
        }
        if let Some(coll) = &c.collation {
            s.push_str(&format!(" COLLATE {}", self.ident(coll)));
        }
        if let Some(g) = &c.generated {
            let kind = if g.stored { "STORED" } else { "VIRTUAL" };
            s.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", g.expression));
        }
        s
    }

    fn list(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.ident(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// CREATE TABLE for `t` under the name `name`, with every constraint inline.
    fn create_sql(&self, name: &str, t: &Table) -> String {
        let autoinc = t
            .primary_key
            .as_ref()
            .filter(|pk| pk.columns.len() == 1)
            .and_then(|pk| {
                let c = t.column(&pk.columns[0])?;
                (c.identity == Some(Identity::AutoIncrement)).then_some(c.name.as_str())
            });
        let mut lines: Vec<String> = (t.columns.iter())
            .map(|c| self.column_def(c, Some(c.name.as_str()) == autoinc))
            .collect();
        let named = |is_named: bool, n: &str| {
            if is_named {
                format!("CONSTRAINT {} ", self.ident(n))
            } else {
                String::new()
            }
        };
        if let (Some(pk), None) = (&t.primary_key, autoinc) {
            let n = pk
                .name
                .as_deref()
                .map(|n| format!("CONSTRAINT {} ", self.ident(n)))
                .unwrap_or_default();
            lines.push(format!("{n}PRIMARY KEY ({})", self.list(&pk.columns)));
        }
        for u in t.uniques.values() {
            lines.push(format!(
                "{}UNIQUE ({})",
                named(u.named, &u.name),
                self.list(&u.columns)
            ));
        }
        for c in t.checks.values() {
            lines.push(format!(
                "{}CHECK ({})",
                named(c.named, &c.name),
                c.expression
            ));
        }
        for fk in t.foreign_keys.values() {
            lines.push(format!(
                "{}FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
                named(fk.named, &fk.name),
                self.list(&fk.columns),
                self.ident(&fk.referenced_table),
                self.list(&fk.referenced_columns),
                fk.on_delete.sql(),
                fk.on_update.sql()
            ));
        }
        format!(
            "CREATE TABLE {} (\n  {}\n)",
            self.ident(name),
            lines.join(",\n  ")
        )
    }

    fn index_sql(&self, table: &str, ix: &crate::schema::model::Index) -> String {
        // SQLite keeps an expression's text as written: no parentheses added.
        let mut s = format!(
            "CREATE {}INDEX {} ON {} ({})",
            if ix.unique { "UNIQUE " } else { "" },
            self.ident(&ix.name),
            self.ident(table),
            super::index_parts(self, &ix.parts, false)
        );
        if let Some(p) = &ix.predicate {
            s.push_str(&format!(" WHERE {p}"));
        }
        s
    }

    /// Whether `ALTER TABLE … ADD COLUMN` can add `c` to B's table `t`.
    fn can_add(t: &Table, c: &Column) -> bool {
        let in_key = t
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.contains(&c.name))
            || t.uniques.values().any(|u| u.columns.contains(&c.name))
            || t.foreign_keys
                .values()
                .any(|fk| fk.columns.contains(&c.name));
        let default_ok = match (&c.generated, &c.default) {
            (Some(_), d) => d.is_none(),
            (None, None) => c.nullable,
            (None, Some(d)) => is_literal(d) && (c.nullable || !d.eq_ignore_ascii_case("null")),
        };
        let generated_ok = c.generated.as_ref().is_none_or(|g| !g.stored);
        !in_key && generated_ok && default_ok
    }

    /// Whether the table's change needs the rebuild (anything but renames, plain added
    /// columns, indexes and triggers).
    fn needs_rebuild(t: &TableChange<'_>) -> bool {
        let b = t.in_b();
        t.diff.attribute(Attribute::ColumnOrder).is_some()
            || t.diff.parts.iter().any(|p| match p.kind {
                PartKind::Column => match p.change {
                    Change::Added => b.column(&p.name).is_none_or(|c| !Self::can_add(b, c)),
                    Change::Changed => !p.attributes.is_empty(),
                    Change::Removed => true,
                },
                PartKind::Index | PartKind::Trigger => false,
                _ => true,
            })
    }

    fn rebuild(&self, t: &TableChange<'_>, out: &mut Out) {
        let (a, b) = (t.in_a(), t.in_b());
        let q = self.ident(&b.name);
        let temp = format!("new_{}", b.name);
        out.push(Phase::Prologue, FOREIGN_KEYS_OFF);
        out.push(Phase::AlterColumns, self.create_sql(&temp, b));
        // A renamed column is already renamed when the rows are copied: look it up in A by
        // its old name, copy it by its new one.
        let name_in_a = |name: &str| {
            (t.diff.parts.iter())
                .find(|p| p.kind == PartKind::Column && p.name == name)
                .map_or(name.to_owned(), |p| p.name_in_a().to_owned())
        };
        let common: Vec<String> = (b.columns.iter())
            .filter(|c| c.generated.is_none())
            .filter(|c| (a.column(&name_in_a(&c.name))).is_some_and(|ca| ca.generated.is_none()))
            .map(|c| self.ident(&c.name))
            .collect();
        if !common.is_empty() {
            let cols = common.join(", ");
            out.push(
                Phase::AlterColumns,
                format!(
                    "INSERT INTO {} ({cols}) SELECT {cols} FROM {q}",
                    self.ident(&temp)
                ),
            );
        }
        out.push(Phase::AlterColumns, format!("DROP TABLE {q}"));
        out.push(
            Phase::AlterColumns,
            format!("ALTER TABLE {} RENAME TO {q}", self.ident(&temp)),
        );
        for ix in b.indexes.values() {
            out.push(Phase::CreateConstraints, self.index_sql(&b.name, ix));
        }
        for tr in b.triggers.values() {
            out.push(Phase::CreateTriggers, tr.definition.clone());
        }
        out.push(
            Phase::Epilogue,
            format!("PRAGMA foreign_key_check({})", string_literal(&b.name)),
        );
        out.push(Phase::Epilogue, "PRAGMA foreign_keys = ON");
    }
}

impl Dialect for Sqlite {
    fn ident(&self, name: &str) -> String {
        quote_with(name, '"')
    }

    fn name(&self, _namespace: &str, name: &str) -> String {
        self.ident(name)
    }

    fn disturbs_views(&self, t: &TableChange<'_>) -> bool {
        t.diff.renamed_from.is_some() || Self::needs_rebuild(t)
    }

    fn table(&self, t: &TableChange<'_>, out: &mut Out) -> Result<(), DdlError> {
        let old_q = self.ident(&t.in_a().name);
        match t.diff.change {
            Change::Added => {
                let b = t.in_b();
                out.push(Phase::CreateTables, self.create_sql(&b.name, b));
                for ix in b.indexes.values() {
                    out.push(Phase::CreateConstraints, self.index_sql(&b.name, ix));
                }
                for tr in b.triggers.values() {
                    out.push(Phase::CreateTriggers, tr.definition.clone());
                }
                return Ok(());
            }
            Change::Removed => {
                out.push(Phase::DropTables, format!("DROP TABLE {old_q}"));
                return Ok(());
            }
            Change::Changed => {}
        }
        let b = t.in_b();
        let q = self.ident(&b.name);
        if t.diff.renamed_from.is_some() {
            out.push(Phase::Renames, format!("ALTER TABLE {old_q} RENAME TO {q}"));
        }
        for p in t
            .diff
            .parts
            .iter()
            .filter(|p| p.kind == PartKind::Column && p.renamed_from.is_some())
        {
            out.push(
                Phase::Renames,
                format!(
                    "ALTER TABLE {q} RENAME COLUMN {} TO {}",
                    self.ident(p.name_in_a()),
                    self.ident(&p.name)
                ),
            );
        }
        let rebuild = Self::needs_rebuild(t);
        if rebuild {
            // Dropping the table drops its indexes and triggers; B's are recreated after.
            self.rebuild(t, out);
            return Ok(());
        }
        for p in &t.diff.parts {
            let (drop, add) = (p.change != Change::Added, p.change != Change::Removed);
            match p.kind {
                PartKind::Column if p.change == Change::Added => {
                    let c = t.column_in_b(&p.name)?;
                    out.push(
                        Phase::AlterColumns,
                        format!("ALTER TABLE {q} ADD COLUMN {}", self.column_def(c, false)),
                    );
                }
                PartKind::Index => {
                    if drop {
                        out.push(
                            Phase::DropConstraints,
                            format!("DROP INDEX {}", self.ident(p.name_in_a())),
                        );
                    }
                    if let (true, Some(ix)) = (add, b.indexes.get(&p.name)) {
                        out.push(Phase::CreateConstraints, self.index_sql(&b.name, ix));
                    }
                }
                PartKind::Trigger => {
                    if drop {
                        out.push(
                            Phase::DropTriggers,
                            format!("DROP TRIGGER {}", self.ident(p.name_in_a())),
                        );
                    }
                    if let (true, Some(tr)) = (add, b.triggers.get(&p.name)) {
                        out.push(Phase::CreateTriggers, tr.definition.clone());
                    }
                }
                _ => {}
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
        _na: &Namespace,
        _nb: &Namespace,
        _out: &mut Out,
    ) -> Result<(), DdlError> {
        match o.kind {
            ObjectKind::Table | ObjectKind::View => Ok(()),
            _ => Err(DdlError::Unsupported {
                dialect: DatabaseKind::Sqlite,
                object: format!("{} {}.{}", o.kind.label(), nd.name, o.name),
                what: "hold this kind of object",
                hint: "SQLite has no enum types, sequences or stored routines; the schema model of a SQLite database should not list one.".into(),
            }),
        }
    }
}
