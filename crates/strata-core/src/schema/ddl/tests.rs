//! Unit tests of the DDL per dialect: the statements for representative changes, their order,
//! and the changes a dialect refuses with a reason.

use super::*;
use crate::schema::diff::tests::{col, schema, table};
use crate::schema::diff::{diff, diff_with_renames, RenameHints};
use crate::schema::model::*;

fn sql(a: &Schema, b: &Schema) -> Vec<String> {
    ddl(&diff(a, b), a, b).unwrap_or_else(|e| panic!("{e}"))
}

fn users(kind: DatabaseKind, ns: &str) -> Table {
    let mut t = table("users", vec![col("id", "integer"), col("name", "text")]);
    t.columns[0].nullable = false;
    t.primary_key = Some(PrimaryKey {
        name: (kind == DatabaseKind::Postgres).then(|| "users_pkey".into()),
        columns: vec!["id".into()],
    });
    let _ = ns;
    t
}

fn pg(tables: Vec<Table>) -> Schema {
    schema(DatabaseKind::Postgres, "public", tables)
}

#[test]
fn equal_schemas_need_no_statement_and_kinds_must_match() {
    let a = pg(vec![users(DatabaseKind::Postgres, "public")]);
    assert!(sql(&a, &a).is_empty());
    let b = schema(DatabaseKind::Sqlite, "main", vec![]);
    let err = ddl(&diff(&a, &b), &a, &b).unwrap_err();
    assert!(matches!(err, DdlError::KindMismatch { .. }), "{err}");
}

#[test]
fn postgres_type_change_drops_and_restores_the_default_around_a_using_cast() {
    let mut t = users(DatabaseKind::Postgres, "public");
    t.columns[1].default = Some("'0'::text".into());
    let a = pg(vec![t.clone()]);
    t.columns[1].data_type = "integer".into();
    t.columns[1].default = Some("0".into());
    t.columns[1].nullable = false;
    let b = pg(vec![t]);
    assert_eq!(
        sql(&a, &b),
        [
            r#"ALTER TABLE "public"."users" ALTER COLUMN "name" DROP DEFAULT"#,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "name" TYPE integer USING "name"::integer"#,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "name" SET NOT NULL"#,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "name" SET DEFAULT 0"#,
        ]
    );
}

#[test]
fn postgres_orders_types_tables_indexes_and_foreign_keys_safely() {
    let a = pg(vec![users(DatabaseKind::Postgres, "public")]);
    let mut posts = table(
        "posts",
        vec![
            col("id", "integer"),
            col("user_id", "integer"),
            col("mood", "mood"),
        ],
    );
    posts.foreign_keys.insert(
        "posts_user_fk".into(),
        ForeignKey {
            name: "posts_user_fk".into(),
            named: true,
            columns: vec!["user_id".into()],
            referenced_namespace: None,
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()],
            on_delete: FkAction::Cascade,
            on_update: FkAction::NoAction,
        },
    );
    posts.indexes.insert(
        "posts_open".into(),
        Index {
            name: "posts_open".into(),
            parts: vec![IndexPart::Expression {
                expression: "lower(mood::text)".into(),
                descending: true,
            }],
            unique: false,
            method: Some("btree".into()),
            predicate: Some("(user_id IS NOT NULL)".into()),
        },
    );
    let mut b = pg(vec![users(DatabaseKind::Postgres, "public"), posts]);
    let ns = b.namespaces.get_mut("public").unwrap();
    ns.enums.insert(
        "mood".into(),
        EnumType {
            name: "mood".into(),
            values: vec!["sad".into(), "o'k".into()],
        },
    );
    ns.views.insert(
        "v".into(),
        View {
            name: "v".into(),
            definition: " SELECT id FROM posts;".into(),
            materialized: false,
        },
    );
    assert_eq!(
        sql(&a, &b),
        [
            r#"CREATE TYPE "public"."mood" AS ENUM ('sad', 'o''k')"#,
            "CREATE TABLE \"public\".\"posts\" (\n  \"id\" integer,\n  \"user_id\" integer,\n  \"mood\" mood\n)",
            r#"CREATE INDEX "posts_open" ON "public"."posts" USING btree ((lower(mood::text)) DESC) WHERE (user_id IS NOT NULL)"#,
            r#"ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_user_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION"#,
            "CREATE VIEW \"public\".\"v\" AS\nSELECT id FROM posts",
        ]
    );
    // Down: the view goes first, the foreign key before its table, the type after it.
    assert_eq!(
        sql(&b, &a),
        [
            r#"DROP VIEW "public"."v""#,
            r#"ALTER TABLE "public"."posts" DROP CONSTRAINT "posts_user_fk""#,
            r#"DROP TABLE "public"."posts""#,
            r#"DROP TYPE "public"."mood""#,
        ]
    );
}

#[test]
fn postgres_adds_enum_values_in_place_and_rebuilds_to_remove_one() {
    let with = |values: &[&str]| {
        let mut t = table("users", vec![col("id", "integer"), col("mood", "mood")]);
        t.columns[1].default = Some("'ok'::mood".into());
        let mut s = pg(vec![t]);
        let e = EnumType {
            name: "mood".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        s.namespaces
            .get_mut("public")
            .unwrap()
            .enums
            .insert("mood".into(), e);
        s
    };
    let (a, b) = (with(&["sad", "ok"]), with(&["sad", "meh", "ok", "happy"]));
    assert_eq!(
        sql(&a, &b),
        [
            r#"ALTER TYPE "public"."mood" ADD VALUE 'meh' BEFORE 'ok'"#,
            r#"ALTER TYPE "public"."mood" ADD VALUE 'happy' AFTER 'ok'"#,
        ]
    );
    assert_eq!(
        sql(&b, &a),
        [
            r#"ALTER TYPE "public"."mood" RENAME TO "mood__strata_old""#,
            r#"CREATE TYPE "public"."mood" AS ENUM ('sad', 'ok')"#,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "mood" DROP DEFAULT"#,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "mood" TYPE "public"."mood" USING "mood"::text::"public"."mood""#,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "mood" SET DEFAULT 'ok'::mood"#,
            r#"DROP TYPE "public"."mood__strata_old""#,
        ]
    );
}

#[test]
fn postgres_refuses_to_reorder_columns_with_a_reason() {
    let a = pg(vec![table("t", vec![col("a", "int"), col("c", "int")])]);
    let b = pg(vec![table(
        "t",
        vec![col("a", "int"), col("b", "int"), col("c", "int")],
    )]);
    let err = ddl(&diff(&a, &b), &a, &b).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("PostgreSQL cannot reorder columns (table public.t) in place."),
        "{err}"
    );
}

#[test]
fn postgres_identity_and_renames() {
    let mut t = users(DatabaseKind::Postgres, "public");
    let a = pg(vec![t.clone()]);
    t.name = "people".into();
    t.columns[1].name = "full_name".into();
    t.columns[0].identity = Some(Identity::Always);
    let b = pg(vec![t]);
    let hints = RenameHints::from_migration(
        "ALTER TABLE users RENAME TO people;\nALTER TABLE people RENAME COLUMN name TO full_name;",
        DatabaseKind::Postgres,
    )
    .unwrap();
    let (up, down) = up_down(&a, &b, &hints).unwrap();
    assert_eq!(
        up,
        [
            r#"ALTER TABLE "public"."users" RENAME TO "people""#,
            r#"ALTER TABLE "public"."people" RENAME COLUMN "name" TO "full_name""#,
            r#"ALTER TABLE "public"."people" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY"#,
        ]
    );
    assert_eq!(
        down,
        [
            r#"ALTER TABLE "public"."people" RENAME TO "users""#,
            r#"ALTER TABLE "public"."users" RENAME COLUMN "full_name" TO "name""#,
            r#"ALTER TABLE "public"."users" ALTER COLUMN "id" DROP IDENTITY"#,
        ]
    );
}

#[test]
fn identifiers_are_quoted_per_dialect() {
    let weird = |kind, ns| schema(kind, ns, vec![table("we\"ird`t", vec![col("c'ol", "int")])]);
    let empty = |kind, ns| schema(kind, ns, vec![]);
    let pg = sql(
        &empty(DatabaseKind::Postgres, "public"),
        &weird(DatabaseKind::Postgres, "public"),
    );
    assert_eq!(
        pg,
        ["CREATE TABLE \"public\".\"we\"\"ird`t\" (\n  \"c'ol\" int\n)"]
    );
    let my = sql(
        &empty(DatabaseKind::Mysql, "app"),
        &weird(DatabaseKind::Mysql, "app"),
    );
    assert_eq!(my, ["CREATE TABLE `we\"ird``t` (\n  `c'ol` int NULL\n)"]);
    let lite = sql(
        &empty(DatabaseKind::Sqlite, "main"),
        &weird(DatabaseKind::Sqlite, "main"),
    );
    assert_eq!(lite, ["CREATE TABLE \"we\"\"ird`t\" (\n  \"c'ol\" int\n)"]);
}

#[test]
fn mysql_restates_a_changed_column_whole_and_places_new_ones() {
    let my = |t: Table| schema(DatabaseKind::Mysql, "app", vec![t]);
    let mut t = users(DatabaseKind::Mysql, "app");
    t.columns[0].data_type = "int".into();
    t.columns[1].data_type = "varchar(100)".into();
    let mut fk_table = t.clone();
    fk_table.foreign_keys.insert(
        "users_self".into(),
        ForeignKey {
            name: "users_self".into(),
            named: true,
            columns: vec!["id".into()],
            referenced_namespace: None,
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()],
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
        },
    );
    let a = my(fk_table);
    t.columns[0].identity = Some(Identity::AutoIncrement);
    t.columns[1].data_type = "varchar(200)".into();
    t.columns[1].comment = Some("it's \\ here".into());
    t.columns.insert(1, col("nick", "varchar(20)"));
    let b = my(t);
    assert_eq!(
        sql(&a, &b),
        [
            "ALTER TABLE `users` DROP FOREIGN KEY `users_self`",
            "ALTER TABLE `users` MODIFY COLUMN `name` varchar(200) NULL COMMENT 'it''s \\\\ here'",
            "ALTER TABLE `users` ADD COLUMN `nick` varchar(20) NULL AFTER `id`",
            // AUTO_INCREMENT needs a key, so it comes once the keys are in place.
            "ALTER TABLE `users` MODIFY COLUMN `id` int NOT NULL AUTO_INCREMENT",
        ]
    );
}

#[test]
fn mariadb_sequences_are_created_altered_in_place_and_dropped() {
    let seq = Sequence {
        name: "order_no".into(),
        data_type: "bigint".into(),
        start: 100,
        increment: 1,
        min_value: 1,
        max_value: 999_999,
        cache: 0,
        cycle: false,
    };
    let with = |s: Option<&Sequence>| {
        let mut x = schema(DatabaseKind::Mysql, "app", vec![]);
        let ns = x.namespaces.get_mut("app").unwrap();
        ns.sequences.extend(s.map(|s| (s.name.clone(), s.clone())));
        x
    };
    let (none, a) = (with(None), with(Some(&seq)));
    let create = "CREATE SEQUENCE `order_no` START WITH 100 MINVALUE 1 MAXVALUE 999999 INCREMENT BY 1 NOCACHE NOCYCLE";
    assert_eq!(sql(&none, &a), [create]);
    assert_eq!(sql(&a, &none), ["DROP SEQUENCE `order_no`"]);
    let changed = Sequence {
        increment: 5,
        cache: 50,
        cycle: true,
        ..seq.clone()
    };
    assert_eq!(
        sql(&a, &with(Some(&changed))),
        ["ALTER SEQUENCE `order_no` START WITH 100 MINVALUE 1 MAXVALUE 999999 INCREMENT BY 5 CACHE 50 CYCLE"]
    );
    let int = Sequence {
        data_type: "int".into(),
        ..seq.clone()
    };
    assert_eq!(
        sql(&a, &with(Some(&int))),
        [
            "DROP SEQUENCE `order_no`",
            "CREATE SEQUENCE `order_no` AS int START WITH 100 MINVALUE 1 MAXVALUE 999999 INCREMENT BY 1 NOCACHE NOCYCLE"
        ],
        "ALTER SEQUENCE cannot change the type"
    );
    // A table whose default reads the sequence comes after it.
    let mut t = table("orders", vec![col("no", "bigint")]);
    t.columns[0].default = Some("nextval(`order_no`)".into());
    let mut b = with(Some(&seq));
    b.namespaces
        .get_mut("app")
        .unwrap()
        .tables
        .insert("orders".into(), t);
    let up = sql(&none, &b);
    assert_eq!(up[0], create, "{up:?}");
    assert!(up[1].starts_with("CREATE TABLE `orders`"), "{up:?}");
}

#[test]
fn sqlite_adds_a_plain_column_in_place() {
    let lite = |t: Table| schema(DatabaseKind::Sqlite, "main", vec![t]);
    let mut t = users(DatabaseKind::Sqlite, "main");
    let a = lite(t.clone());
    let mut status = col("status", "text");
    status.nullable = false;
    status.default = Some("'active'".into());
    t.columns.push(status);
    assert_eq!(
        sql(&a, &lite(t)),
        [r#"ALTER TABLE "users" ADD COLUMN "status" text NOT NULL DEFAULT 'active'"#]
    );
}

#[test]
fn sqlite_rebuilds_a_table_for_what_alter_table_cannot_do() {
    let lite = |t: Table| schema(DatabaseKind::Sqlite, "main", vec![t]);
    let mut t = users(DatabaseKind::Sqlite, "main");
    t.columns[0].data_type = "INTEGER".into();
    t.indexes.insert(
        "users_name".into(),
        Index {
            name: "users_name".into(),
            parts: vec![IndexPart::Column {
                name: "name".into(),
                descending: false,
                length: None,
            }],
            unique: false,
            method: None,
            predicate: None,
        },
    );
    let a = lite(t.clone());
    t.columns[1].nullable = false;
    let mut created = col("created", "text");
    created.default = Some("datetime('now')".into());
    t.columns.push(created);
    let statements = sql(&a, &lite(t));
    assert!(
        statements[0].ends_with("\nPRAGMA foreign_keys = OFF"),
        "{statements:#?}"
    );
    assert!(
        statements[0].contains("strata:no-transaction"),
        "{}",
        statements[0]
    );
    assert_eq!(
        statements[1..],
        [
            "CREATE TABLE \"new_users\" (\n  \"id\" INTEGER NOT NULL,\n  \"name\" text NOT NULL,\n  \"created\" text DEFAULT (datetime('now')),\n  PRIMARY KEY (\"id\")\n)",
            r#"INSERT INTO "new_users" ("id", "name") SELECT "id", "name" FROM "users""#,
            r#"DROP TABLE "users""#,
            r#"ALTER TABLE "new_users" RENAME TO "users""#,
            r#"CREATE INDEX "users_name" ON "users" ("name")"#,
            r#"PRAGMA foreign_key_check('users')"#,
            "PRAGMA foreign_keys = ON",
        ]
    );
}

#[test]
fn a_diff_that_does_not_match_the_schemas_is_an_error_not_a_skip() {
    let a = pg(vec![]);
    let b = pg(vec![users(DatabaseKind::Postgres, "public")]);
    let d = diff_with_renames(&a, &b, &RenameHints::default());
    let err = ddl(&d, &a, &a).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the diff names table users, which is not in schema B: pass `ddl` the same two schemas, in the same order, that the diff was made from"
    );
}

#[test]
fn index_parts_quote_columns_and_wrap_expressions_where_the_dialect_does() {
    let parts = [
        IndexPart::Column {
            name: "user id".into(),
            descending: true,
            length: None,
        },
        IndexPart::Expression {
            expression: "lower(name)".into(),
            descending: false,
        },
    ];
    assert_eq!(
        index_parts(&postgres::Postgres, &parts, true),
        r#""user id" DESC, (lower(name))"#
    );
    assert_eq!(
        index_parts(&sqlite::Sqlite, &parts, false),
        r#""user id" DESC, lower(name)"#
    );
}
