//! Namespace-level objects other than tables (enum types, sequences, views, routines): each
//! is compared whole, attribute by attribute, and left out of the diff when equal.

use super::compare::{change_of, yes_no, Attrs};
use super::{Attribute, AttributeDiff, Change, ObjectDiff, ObjectKind};
use crate::schema::model::{EnumType, Routine, Sequence, View};

pub(super) fn object(
    kind: ObjectKind,
    name: &str,
    change: Change,
    attributes: Vec<AttributeDiff>,
) -> ObjectDiff {
    ObjectDiff {
        kind,
        name: name.to_owned(),
        renamed_from: None,
        change,
        attributes,
        parts: Vec::new(),
    }
}

pub(super) fn enum_type(a: Option<&EnumType>, b: Option<&EnumType>) -> Option<ObjectDiff> {
    let change = change_of(a, b);
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (a, b) {
        let list = |v: &Vec<String>| {
            Some(
                v.iter()
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        at.add(Attribute::Values, &x.values, &y.values, list);
        if at.0.is_empty() {
            return None;
        }
    }
    Some(object(ObjectKind::Enum, &b.or(a)?.name, change, at.0))
}

pub(super) fn sequence(a: Option<&Sequence>, b: Option<&Sequence>) -> Option<ObjectDiff> {
    let change = change_of(a, b);
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (a, b) {
        at.value(Attribute::DataType, &x.data_type, &y.data_type);
        at.value(Attribute::Start, x.start, y.start);
        at.value(Attribute::Increment, x.increment, y.increment);
        at.value(Attribute::MinValue, x.min_value, y.min_value);
        at.value(Attribute::MaxValue, x.max_value, y.max_value);
        at.value(Attribute::Cache, x.cache, y.cache);
        at.add(Attribute::Cycle, x.cycle, y.cycle, yes_no);
        if at.0.is_empty() {
            return None;
        }
    }
    Some(object(ObjectKind::Sequence, &b.or(a)?.name, change, at.0))
}

pub(super) fn view(a: Option<&View>, b: Option<&View>) -> Option<ObjectDiff> {
    let change = change_of(a, b);
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (a, b) {
        at.value(Attribute::Definition, &x.definition, &y.definition);
        at.add(
            Attribute::Materialized,
            x.materialized,
            y.materialized,
            yes_no,
        );
        if at.0.is_empty() {
            return None;
        }
    }
    Some(object(ObjectKind::View, &b.or(a)?.name, change, at.0))
}

pub(super) fn routine(key: &str, a: Option<&Routine>, b: Option<&Routine>) -> Option<ObjectDiff> {
    let change = change_of(a, b);
    let mut at = Attrs::new();
    if let (Some(x), Some(y)) = (a, b) {
        at.add(Attribute::RoutineKind, x.kind, y.kind, |k| {
            Some(format!("{k:?}").to_lowercase())
        });
        if x.definition_hash != y.definition_hash || x.definition != y.definition {
            at.value(Attribute::Definition, &x.definition, &y.definition);
        }
        if at.0.is_empty() {
            return None;
        }
    }
    Some(object(ObjectKind::Routine, key, change, at.0))
}
