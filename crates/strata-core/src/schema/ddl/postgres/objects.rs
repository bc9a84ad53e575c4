//! PostgreSQL enum types and sequences: values that are only added go in place (`ADD VALUE`);
//! an enum that loses or reorders a value is rebuilt (old type renamed away, new one created,
//! its columns cast through text, old type dropped), so a row holding a dropped value makes the
//! cast fail instead of losing the value.

use super::super::{string_literal, DdlError, Out, Phase};
use super::Postgres;
use crate::schema::ddl::Dialect as _;
use crate::schema::diff::{Change, NamespaceDiff, ObjectDiff, ObjectKind};
use crate::schema::model::{EnumType, Namespace, Sequence};

impl Postgres {
    pub(super) fn enum_type(
        &self,
        nd: &NamespaceDiff,
        a: Option<&EnumType>,
        b: Option<&EnumType>,
        na: &Namespace,
        nb: &Namespace,
        out: &mut Out,
    ) -> Result<(), DdlError> {
        let (ns_a, ns_b) = (na.name.as_str(), nb.name.as_str());
        let values = |e: &EnumType| {
            e.values
                .iter()
                .map(|v| string_literal(v))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (a, b) {
            (None, Some(b)) => out.push(
                Phase::CreateTypes,
                format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    self.name(ns_b, &b.name),
                    values(b)
                ),
            ),
            (Some(a), None) => out.push(
                Phase::DropTypes,
                format!("DROP TYPE {}", self.name(ns_a, &a.name)),
            ),
            (Some(a), Some(b)) => {
                // Only insertions keep the old values in their order; each new value goes
                // before the next old one (or after the last).
                let mut rest = a.values.iter().peekable();
                let mut adds = Vec::new();
                for (i, v) in b.values.iter().enumerate() {
                    if rest.peek() == Some(&v) {
                        rest.next();
                        continue;
                    }
                    if a.values.contains(v) {
                        break;
                    }
                    let place = match (rest.peek(), i.checked_sub(1).map(|j| &b.values[j])) {
                        (Some(next), _) => format!(" BEFORE {}", string_literal(next)),
                        (None, Some(prev)) => format!(" AFTER {}", string_literal(prev)),
                        (None, None) => String::new(),
                    };
                    adds.push(format!(
                        "ALTER TYPE {} ADD VALUE {}{place}",
                        self.name(ns_b, &b.name),
                        string_literal(v)
                    ));
                }
                if rest.next().is_some() || adds.len() + a.values.len() != b.values.len() {
                    self.rebuild_enum(nd, a, b, na, nb, out);
                    return Ok(());
                }
                for s in adds {
                    out.push(Phase::CreateTypes, s);
                }
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// Rebuild enum `a` as `b`: each column of a table A and B share whose type is the enum is
    /// cast to the new type through text (its default dropped around the cast).
    fn rebuild_enum(
        &self,
        nd: &NamespaceDiff,
        a: &EnumType,
        b: &EnumType,
        na: &Namespace,
        nb: &Namespace,
        out: &mut Out,
    ) {
        let q = self.name(&nb.name, &b.name);
        let old = format!("{}__strata_old", a.name);
        let spellings = [
            b.name.to_lowercase(),
            format!("{}.{}", nb.name, b.name).to_lowercase(),
            q.to_lowercase(),
        ];
        let ph = Phase::CreateTypes;
        out.push(
            ph,
            format!(
                "ALTER TYPE {} RENAME TO {}",
                self.name(&na.name, &a.name),
                self.ident(&old)
            ),
        );
        let values: Vec<String> = b.values.iter().map(|v| string_literal(v)).collect();
        out.push(
            ph,
            format!("CREATE TYPE {q} AS ENUM ({})", values.join(", ")),
        );
        let added = |table: &str| {
            (nd.objects.iter()).any(|o| {
                o.kind == ObjectKind::Table && o.name == table && o.change == Change::Added
            })
        };
        for t in nb.tables.values().filter(|t| !added(&t.name)) {
            let tq = self.name(&nb.name, &t.name);
            let uses =
                |c: &&crate::schema::model::Column| spellings.contains(&c.data_type.to_lowercase());
            for c in t.columns.iter().filter(uses) {
                let col = format!("ALTER TABLE {tq} ALTER COLUMN {}", self.ident(&c.name));
                out.push(ph, format!("{col} DROP DEFAULT"));
                out.push(
                    ph,
                    format!("{col} TYPE {q} USING {}::text::{q}", self.ident(&c.name)),
                );
                if let Some(d) = &c.default {
                    out.push(ph, format!("{col} SET DEFAULT {d}"));
                }
            }
        }
        out.push(ph, format!("DROP TYPE {}", self.name(&nb.name, &old)));
    }

    pub(super) fn sequence(
        &self,
        o: &ObjectDiff,
        a: Option<&Sequence>,
        b: Option<&Sequence>,
        ns_a: &str,
        ns_b: &str,
        out: &mut Out,
    ) {
        let opts = |s: &Sequence| {
            format!(
                "AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}",
                s.data_type,
                s.increment,
                s.min_value,
                s.max_value,
                s.start,
                s.cache,
                if s.cycle { "CYCLE" } else { "NO CYCLE" }
            )
        };
        match (a, b, o.change) {
            (_, Some(b), Change::Added) => out.push(
                Phase::CreateTypes,
                format!("CREATE SEQUENCE {} {}", self.name(ns_b, &b.name), opts(b)),
            ),
            (Some(a), _, Change::Removed) => out.push(
                Phase::DropTypes,
                format!("DROP SEQUENCE {}", self.name(ns_a, &a.name)),
            ),
            (_, Some(b), _) => out.push(
                Phase::CreateTypes,
                format!("ALTER SEQUENCE {} {}", self.name(ns_b, &b.name), opts(b)),
            ),
            _ => {}
        }
    }
}
