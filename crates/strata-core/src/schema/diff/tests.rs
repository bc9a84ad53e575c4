//! Unit tests of the diff: known pairs of models give the expected entries, and nothing else.

use super::*;
use crate::schema::model::*;

pub(crate) fn col(name: &str, data_type: &str) -> Column {
    Column {
        name: name.into(),
        data_type: data_type.into(),
        nullable: true,
        ..Column::default()
    }
}

pub(crate) fn table(name: &str, columns: Vec<Column>) -> Table {
    Table {
        name: name.into(),
        columns,
        ..Table::default()
    }
}

pub(crate) fn schema(kind: DatabaseKind, ns: &str, tables: Vec<Table>) -> Schema {
    let mut s = Schema::new(kind);
    let mut n = Namespace {
        name: ns.into(),
        ..Namespace::default()
    };
    for t in tables {
        n.tables.insert(t.name.clone(), t);
    }
    s.namespaces.insert(ns.into(), n);
    s
}

pub(crate) fn users() -> Table {
    let mut t = table("users", vec![col("id", "integer"), col("email", "text")]);
    t.columns[0].nullable = false;
    t.primary_key = Some(PrimaryKey {
        name: Some("users_pkey".into()),
        columns: vec!["id".into()],
    });
    t
}

pub(crate) fn pg(tables: Vec<Table>) -> Schema {
    schema(DatabaseKind::Postgres, "public", tables)
}

/// (object, part, change, attributes) rows of a diff, for compact expectations.
pub(crate) fn rows(d: &SchemaDiff) -> Vec<String> {
    let mut out = Vec::new();
    for ns in &d.namespaces {
        for o in &ns.objects {
            let attrs: Vec<_> = o
                .attributes
                .iter()
                .map(|a| format!("{:?}", a.attribute))
                .collect();
            out.push(
                format!("{} {:?} {}", o.name, o.change, attrs.join(","))
                    .trim_end()
                    .to_owned(),
            );
            for p in &o.parts {
                let attrs: Vec<_> = p
                    .attributes
                    .iter()
                    .map(|a| format!("{:?}", a.attribute))
                    .collect();
                out.push(
                    format!(
                        "{}.{} {:?} {:?} {}",
                        o.name,
                        p.name,
                        p.kind,
                        p.change,
                        attrs.join(",")
                    )
                    .trim_end()
                    .to_owned(),
                );
            }
        }
    }
    out
}

#[test]
fn equal_models_have_an_empty_diff() {
    let d = diff(&pg(vec![users()]), &pg(vec![users()]));
    assert!(d.is_empty(), "{}", d.to_text());
    assert_eq!(d.summary().total(), 0);
    assert_eq!(d.summary().to_string(), "no differences");
}

#[test]
fn column_changes_are_listed_by_attribute() {
    let a = pg(vec![users()]);
    let mut t = users();
    t.columns[1].data_type = "character varying(200)".into();
    t.columns[1].nullable = false;
    t.columns[1].default = Some("''::text".into());
    t.columns.push(col("age", "integer"));
    let b = pg(vec![t]);
    let d = diff(&a, &b);
    assert_eq!(
        rows(&d),
        [
            "users Changed",
            "users.email Column Changed DataType,Nullable,Default",
            "users.age Column Added",
        ]
    );
    let email = &d.namespaces[0].objects[0].parts[0];
    assert_eq!(email.attributes[0].from.as_deref(), Some("text"));
    assert_eq!(
        email.attributes[0].to.as_deref(),
        Some("character varying(200)")
    );
    assert_eq!(email.attributes[2].from, None);
    assert_eq!(d.summary().to_string(), "1 added, 0 removed, 2 changed");
    // The reverse direction removes the column and undoes each attribute.
    let back = diff(&b, &a);
    assert_eq!(
        rows(&back),
        [
            "users Changed",
            "users.email Column Changed DataType,Nullable,Default",
            "users.age Column Removed",
        ]
    );
}

#[test]
fn an_added_table_lists_its_parts_and_a_removed_one_too() {
    let a = pg(vec![]);
    let mut t = users();
    t.indexes.insert(
        "users_email_idx".into(),
        Index {
            name: "users_email_idx".into(),
            parts: vec![IndexPart::Expression {
                expression: "lower(email)".into(),
                descending: false,
            }],
            unique: true,
            method: Some("btree".into()),
            predicate: None,
        },
    );
    let b = pg(vec![t]);
    assert_eq!(
        rows(&diff(&a, &b)),
        [
            "users Added",
            "users.id Column Added",
            "users.email Column Added",
            "users.users_pkey PrimaryKey Added",
            "users.users_email_idx Index Added",
        ]
    );
    let back = diff(&b, &a);
    assert_eq!(back.namespaces[0].objects[0].change, Change::Removed);
    assert_eq!(back.summary().removed, 5);
}

#[test]
fn index_predicate_and_foreign_key_actions_are_attributes() {
    let mut a_orders = table(
        "orders",
        vec![col("id", "integer"), col("user_id", "integer")],
    );
    a_orders.foreign_keys.insert(
        "orders_user_fk".into(),
        ForeignKey {
            name: "orders_user_fk".into(),
            named: true,
            columns: vec!["user_id".into()],
            referenced_namespace: None,
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()],
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
        },
    );
    a_orders.indexes.insert(
        "open_orders".into(),
        Index {
            name: "open_orders".into(),
            parts: vec![IndexPart::Column {
                name: "user_id".into(),
                descending: false,
                length: None,
            }],
            unique: false,
            method: Some("btree".into()),
            predicate: Some("(id > 0)".into()),
        },
    );
    let mut b_orders = a_orders.clone();
    b_orders
        .foreign_keys
        .get_mut("orders_user_fk")
        .unwrap()
        .on_delete = FkAction::Cascade;
    let ix = b_orders.indexes.get_mut("open_orders").unwrap();
    ix.predicate = None;
    ix.method = Some("hash".into());
    let d = diff(&pg(vec![users(), a_orders]), &pg(vec![users(), b_orders]));
    assert_eq!(
        rows(&d),
        [
            "orders Changed",
            "orders.open_orders Index Changed Method,Predicate",
            "orders.orders_user_fk ForeignKey Changed OnDelete",
        ]
    );
    let fk = &d.namespaces[0].objects[0].parts[1].attributes[0];
    assert_eq!(
        (fk.from.as_deref(), fk.to.as_deref()),
        (Some("no action"), Some("cascade"))
    );
}

#[test]
fn views_enums_sequences_and_routines_compare_by_content() {
    let mut a = pg(vec![]);
    let ns = a.namespaces.get_mut("public").unwrap();
    ns.enums.insert(
        "mood".into(),
        EnumType {
            name: "mood".into(),
            values: vec!["sad".into(), "ok".into()],
        },
    );
    ns.views.insert(
        "v".into(),
        View {
            name: "v".into(),
            definition: "SELECT 1".into(),
            materialized: false,
        },
    );
    ns.sequences.insert(
        "s".into(),
        Sequence {
            name: "s".into(),
            data_type: "bigint".into(),
            start: 1,
            increment: 1,
            min_value: 1,
            max_value: i64::MAX,
            cache: 1,
            cycle: false,
        },
    );
    let def = "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql";
    ns.routines.insert(
        "f()".into(),
        Routine {
            name: "f".into(),
            kind: RoutineKind::Function,
            arguments: String::new(),
            definition: def.into(),
            definition_hash: definition_hash(def),
        },
    );
    let mut b = a.clone();
    let nb = b.namespaces.get_mut("public").unwrap();
    nb.enums
        .get_mut("mood")
        .unwrap()
        .values
        .push("happy".into());
    let s = nb.sequences.get_mut("s").unwrap();
    (s.increment, s.cache) = (10, 20);
    nb.views.get_mut("v").unwrap().definition = "SELECT 2".into();
    assert_eq!(
        rows(&diff(&a, &b)),
        [
            "mood Changed Values",
            "s Changed Increment,Cache",
            "v Changed Definition"
        ]
    );
    let d = diff(&a, &b);
    let values = &d.namespaces[0].objects[0].attributes[0];
    assert_eq!(values.to.as_deref(), Some("'sad', 'ok', 'happy'"));
}

#[test]
fn mysql_databases_of_different_names_are_compared_as_one() {
    let a = schema(
        DatabaseKind::Mysql,
        "app_dev",
        vec![table("t", vec![col("a", "int")])],
    );
    let b = schema(
        DatabaseKind::Mysql,
        "app_prod",
        vec![table("t", vec![col("a", "bigint")])],
    );
    let d = diff(&a, &b);
    assert_eq!(rows(&d), ["t Changed", "t.a Column Changed DataType"]);
    assert_eq!(d.namespaces[0].name, "app_prod");
    assert_eq!(d.namespaces[0].name_in_a(), "app_dev");
    // PostgreSQL schemas of different names are different namespaces.
    let a = schema(DatabaseKind::Postgres, "one", vec![]);
    let b = schema(DatabaseKind::Postgres, "two", vec![]);
    let changes: Vec<_> = diff(&a, &b)
        .namespaces
        .iter()
        .map(|n| (n.name.clone(), n.change))
        .collect();
    assert_eq!(
        changes,
        [
            ("one".into(), Change::Removed),
            ("two".into(), Change::Added)
        ]
    );
}

#[test]
fn a_column_added_in_the_middle_changes_the_column_order() {
    let a = pg(vec![table("t", vec![col("a", "int"), col("c", "int")])]);
    let b = pg(vec![table(
        "t",
        vec![col("a", "int"), col("b", "int"), col("c", "int")],
    )]);
    let d = diff(&a, &b);
    assert_eq!(rows(&d), ["t Changed ColumnOrder", "t.b Column Added"]);
    let order = &d.namespaces[0].objects[0].attributes[0];
    assert_eq!(order.from.as_deref(), Some("a, c, b"));
    assert_eq!(order.to.as_deref(), Some("a, b, c"));
    // Appending or dropping keeps the order.
    let c = pg(vec![table("t", vec![col("c", "int")])]);
    assert_eq!(rows(&diff(&a, &c)), ["t Changed", "t.a Column Removed"]);
}

#[test]
fn the_diff_serialises_as_a_camel_case_tree() {
    let mut t = users();
    t.columns[1].nullable = false;
    let d = diff(&pg(vec![users()]), &pg(vec![t]));
    let json = serde_json::to_value(&d).unwrap();
    let part = &json["namespaces"][0]["objects"][0]["parts"][0];
    assert_eq!(part["kind"], "column");
    assert_eq!(part["change"], "changed");
    assert_eq!(part["attributes"][0]["attribute"], "nullable");
    assert_eq!(part["attributes"][0]["from"], "yes");
    assert_eq!(part["attributes"][0]["to"], "no");
    assert!(
        d.to_text().contains("~ nullable: yes → no"),
        "{}",
        d.to_text()
    );
}

/// A synthetic model: `tables` tables of 10 columns, 2 indexes and 1 foreign key each.
pub(crate) fn synthetic(tables: usize, variant: usize) -> Schema {
    let mut list = Vec::with_capacity(tables);
    for i in 0..tables {
        let mut cols: Vec<Column> = (0..10).map(|c| col(&format!("c{c}"), "integer")).collect();
        if variant > 0 && i % 10 == 0 {
            cols[3].data_type = "bigint".into();
            cols.push(col("extra", "text"));
        }
        let mut t = table(&format!("t{i:04}"), cols);
        t.primary_key = Some(PrimaryKey {
            name: Some(format!("t{i:04}_pkey")),
            columns: vec!["c0".into()],
        });
        for k in 1..=2 {
            let name = format!("t{i:04}_ix{k}");
            let part = IndexPart::Column {
                name: format!("c{k}"),
                descending: false,
                length: None,
            };
            t.indexes.insert(
                name.clone(),
                Index {
                    name,
                    parts: vec![part],
                    unique: false,
                    method: Some("btree".into()),
                    predicate: None,
                },
            );
        }
        let fk = format!("t{i:04}_fk");
        t.foreign_keys.insert(
            fk.clone(),
            ForeignKey {
                name: fk,
                named: true,
                columns: vec!["c9".into()],
                referenced_namespace: None,
                referenced_table: format!("t{:04}", (i + 1) % tables),
                referenced_columns: vec!["c0".into()],
                on_delete: FkAction::Cascade,
                on_update: FkAction::NoAction,
            },
        );
        list.push(t);
    }
    pg(list)
}

#[test]
fn diff_of_two_1000_table_models_is_fast() {
    let (a, b) = (synthetic(1000, 0), synthetic(1000, 1));
    let started = std::time::Instant::now();
    let d = diff(&a, &b);
    let elapsed = started.elapsed();
    assert_eq!(d.namespaces[0].objects.len(), 100);
    assert_eq!(d.summary().to_string(), "100 added, 0 removed, 200 changed");
    let limit_ms = if cfg!(debug_assertions) { 1000 } else { 100 };
    eprintln!(
        "diff of two 1,000-table models: {:.2} ms",
        elapsed.as_secs_f64() * 1e3
    );
    assert!(
        elapsed.as_millis() < limit_ms,
        "took {elapsed:?}, limit {limit_ms} ms"
    );
}
