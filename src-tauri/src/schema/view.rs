//! A schema model as the Schema screen shows it: every object with its attributes, its parts
//! and the DDL that creates it alone, and the DDL of the whole schema. Pure: no I/O.

use std::collections::BTreeMap;

use strata_core::schema::ddl::ddl;
use strata_core::schema::diff::{diff, Change, NamespaceDiff, ObjectKind, PartKind, SchemaDiff};
use strata_core::schema::model::{Column, Index, IndexPart, Namespace, Table};
use strata_core::schema::Schema;

use crate::commands::schema::{
    DiffCounts, SchemaAttribute, SchemaNamespace, SchemaObject, SchemaPart, SchemaView,
};
use crate::error::{IpcError, IpcErrorCode};

/// `schema` as the screen's tree, with its DDL.
pub fn view(schema: &Schema) -> Result<SchemaView, IpcError> {
    let mut namespaces = Vec::new();
    for (name, ns) in &schema.namespaces {
        let mut objects = Vec::new();
        for e in ns.enums.values() {
            let attrs = vec![attr("values", e.values.join(", "))];
            let mut only = Namespace::default();
            only.enums.insert(e.name.clone(), e.clone());
            objects.push(object(
                schema,
                name,
                ObjectKind::Enum,
                &e.name,
                attrs,
                vec![],
                only,
            )?);
        }
        for s in ns.sequences.values() {
            let attrs = vec![
                attr("type", &s.data_type),
                attr("start", s.start),
                attr("increment", s.increment),
                attr("min value", s.min_value),
                attr("max value", s.max_value),
                attr("cache", s.cache),
                attr("cycle", yes_no(s.cycle)),
            ];
            let mut only = Namespace::default();
            only.sequences.insert(s.name.clone(), s.clone());
            objects.push(object(
                schema,
                name,
                ObjectKind::Sequence,
                &s.name,
                attrs,
                vec![],
                only,
            )?);
        }
        for t in ns.tables.values() {
            let mut attrs = vec![attr("columns", t.columns.len())];
            if let Some(c) = &t.comment {
                attrs.push(attr("comment", c));
            }
            let mut only = Namespace::default();
            only.tables.insert(t.name.clone(), t.clone());
            let parts = table_parts(t);
            objects.push(object(
                schema,
                name,
                ObjectKind::Table,
                &t.name,
                attrs,
                parts,
                only,
            )?);
        }
        for v in ns.views.values() {
            let attrs = vec![
                attr("materialized", yes_no(v.materialized)),
                attr("definition", &v.definition),
            ];
            let mut only = Namespace::default();
            only.views.insert(v.name.clone(), v.clone());
            objects.push(object(
                schema,
                name,
                ObjectKind::View,
                &v.name,
                attrs,
                vec![],
                only,
            )?);
        }
        for r in ns.routines.values() {
            let attrs = vec![
                attr("kind", format!("{:?}", r.kind).to_lowercase()),
                attr("arguments", &r.arguments),
                attr("definition hash", &r.definition_hash),
            ];
            let mut only = Namespace::default();
            only.routines.insert(r.name.clone(), r.clone());
            objects.push(object(
                schema,
                name,
                ObjectKind::Routine,
                &r.name,
                attrs,
                vec![],
                only,
            )?);
        }
        namespaces.push(SchemaNamespace {
            name: name.clone(),
            objects,
        });
    }
    Ok(SchemaView {
        engine: schema.kind,
        namespaces,
        table_count: u32::try_from(schema.table_count()).unwrap_or(u32::MAX),
        ddl: whole_ddl(schema)?,
    })
}

/// The statements that create `schema` in an empty database whose namespaces exist.
pub fn whole_ddl(schema: &Schema) -> Result<String, IpcError> {
    let mut empty = Schema::new(schema.kind);
    for name in schema.namespaces.keys() {
        let ns = Namespace {
            name: name.clone(),
            ..Namespace::default()
        };
        empty.namespaces.insert(name.clone(), ns);
    }
    let statements = ddl(&diff(&empty, schema), &empty, schema).map_err(ddl_error)?;
    Ok(script(&statements))
}

/// Statements as one script: each ends with `;`, a blank line between them.
pub fn script(statements: &[String]) -> String {
    let mut out = String::new();
    for s in statements {
        let s = s.trim_end();
        out.push_str(s);
        if !s.ends_with(';') {
            out.push(';');
        }
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

pub fn ddl_error(e: strata_core::schema::ddl::DdlError) -> IpcError {
    IpcError::new(
        IpcErrorCode::InvalidInput,
        format!("Strata cannot write the SQL for this schema: {e}"),
    )
}

/// The entries of `diff` by change, counted as the tree shows them.
pub fn counts(diff: &SchemaDiff) -> DiffCounts {
    let mut c = DiffCounts::default();
    let mut count = |change: Change| match change {
        Change::Added => c.added += 1,
        Change::Removed => c.removed += 1,
        Change::Changed => c.changed += 1,
    };
    for ns in &diff.namespaces {
        let NamespaceDiff { change, .. } = ns;
        if *change != Change::Changed {
            count(*change);
        }
        for o in &ns.objects {
            count(o.change);
            for p in &o.parts {
                count(p.change);
            }
        }
    }
    c
}

fn object(
    schema: &Schema,
    namespace: &str,
    kind: ObjectKind,
    name: &str,
    attributes: Vec<SchemaAttribute>,
    parts: Vec<SchemaPart>,
    mut only: Namespace,
) -> Result<SchemaObject, IpcError> {
    only.name = namespace.to_owned();
    let mut alone = Schema::new(schema.kind);
    alone.namespaces = BTreeMap::from([(namespace.to_owned(), only)]);
    Ok(SchemaObject {
        kind,
        name: name.to_owned(),
        attributes,
        parts,
        ddl: whole_ddl(&alone)?,
    })
}

fn table_parts(t: &Table) -> Vec<SchemaPart> {
    let mut parts: Vec<SchemaPart> = t.columns.iter().map(column).collect();
    if let Some(pk) = &t.primary_key {
        let name = pk.name.clone().unwrap_or_else(|| "PRIMARY KEY".to_owned());
        let cols = pk.columns.join(", ");
        parts.push(part(
            PartKind::PrimaryKey,
            name,
            format!("({cols})"),
            vec![],
        ));
    }
    for u in t.uniques.values() {
        let cols = u.columns.join(", ");
        parts.push(part(
            PartKind::Unique,
            u.name.clone(),
            format!("({cols})"),
            vec![],
        ));
    }
    for i in t.indexes.values() {
        parts.push(index(i));
    }
    for f in t.foreign_keys.values() {
        let target = match &f.referenced_namespace {
            Some(ns) => format!("{ns}.{}", f.referenced_table),
            None => f.referenced_table.clone(),
        };
        let summary = format!(
            "({}) → {target}({})",
            f.columns.join(", "),
            f.referenced_columns.join(", ")
        );
        let attrs = vec![
            attr("on delete", f.on_delete.sql()),
            attr("on update", f.on_update.sql()),
        ];
        parts.push(part(PartKind::ForeignKey, f.name.clone(), summary, attrs));
    }
    for c in t.checks.values() {
        let summary = format!("CHECK ({})", c.expression);
        parts.push(part(PartKind::Check, c.name.clone(), summary, vec![]));
    }
    for tr in t.triggers.values() {
        let attrs = vec![attr("definition", &tr.definition)];
        let summary = first_line(&tr.definition);
        parts.push(part(PartKind::Trigger, tr.name.clone(), summary, attrs));
    }
    parts
}

fn column(c: &Column) -> SchemaPart {
    let mut summary = c.data_type.clone();
    let mut attrs = vec![
        attr("type", &c.data_type),
        attr("nullable", yes_no(c.nullable)),
    ];
    if !c.nullable {
        summary.push_str(" not null");
    }
    if let Some(d) = &c.default {
        summary.push_str(&format!(" default {d}"));
        attrs.push(attr("default", d));
    }
    if let Some(g) = &c.generated {
        let how = if g.stored { "stored" } else { "virtual" };
        attrs.push(attr("generated as", format!("{} ({how})", g.expression)));
    }
    if let Some(i) = &c.identity {
        attrs.push(attr("identity", format!("{i:?}")));
    }
    if let Some(coll) = &c.collation {
        attrs.push(attr("collation", coll));
    }
    if let Some(comment) = &c.comment {
        attrs.push(attr("comment", comment));
    }
    part(PartKind::Column, c.name.clone(), summary, attrs)
}

fn index(i: &Index) -> SchemaPart {
    let cols: Vec<String> = (i.parts.iter())
        .map(|p| match p {
            IndexPart::Column {
                name, descending, ..
            } => format!("{name}{}", if *descending { " DESC" } else { "" }),
            IndexPart::Expression {
                expression,
                descending,
            } => format!("({expression}){}", if *descending { " DESC" } else { "" }),
        })
        .collect();
    let mut summary = format!("({})", cols.join(", "));
    if i.unique {
        summary.push_str(" unique");
    }
    let mut attrs = vec![attr("unique", yes_no(i.unique))];
    if let Some(m) = &i.method {
        attrs.push(attr("method", m));
    }
    if let Some(p) = &i.predicate {
        summary.push_str(&format!(" where {p}"));
        attrs.push(attr("where", p));
    }
    part(PartKind::Index, i.name.clone(), summary, attrs)
}

fn part(
    kind: PartKind,
    name: String,
    summary: String,
    attributes: Vec<SchemaAttribute>,
) -> SchemaPart {
    SchemaPart {
        kind,
        name,
        summary,
        attributes,
    }
}

fn attr(label: &str, value: impl ToString) -> SchemaAttribute {
    SchemaAttribute {
        label: label.to_owned(),
        value: value.to_string(),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use strata_core::schema::model::Sequence;
    use strata_core::DatabaseKind;

    use super::*;

    /// A MariaDB sequence shows like a PostgreSQL one: its options, and the DDL that creates it.
    #[test]
    fn a_mariadb_sequence_shows_its_options_and_ddl() {
        let mut schema = Schema::new(DatabaseKind::Mysql);
        let mut ns = Namespace {
            name: "app".into(),
            ..Namespace::default()
        };
        let seq = Sequence {
            name: "order_no".into(),
            data_type: "bigint".into(),
            start: 100,
            increment: 5,
            min_value: 1,
            max_value: 100_000,
            cache: 20,
            cycle: true,
        };
        ns.sequences.insert(seq.name.clone(), seq);
        schema.namespaces.insert("app".into(), ns);
        let shown = view(&schema).unwrap_or_else(|e| panic!("{e:?}"));
        let object = &shown.namespaces[0].objects[0];
        assert_eq!(
            (object.kind, object.name.as_str()),
            (ObjectKind::Sequence, "order_no")
        );
        let attrs: Vec<String> = (object.attributes.iter())
            .map(|a| format!("{}={}", a.label, a.value))
            .collect();
        assert_eq!(
            attrs,
            [
                "type=bigint",
                "start=100",
                "increment=5",
                "min value=1",
                "max value=100000",
                "cache=20",
                "cycle=yes"
            ]
        );
        let create = "CREATE SEQUENCE `order_no` START WITH 100 MINVALUE 1 MAXVALUE 100000 INCREMENT BY 5 CACHE 20 CYCLE;\n";
        assert_eq!(object.ddl, create);
        assert_eq!(shown.ddl, create);
    }
}
