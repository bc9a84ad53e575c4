//! Schema introspection of whole projects applied by the engine: the demo project on SQLite
//! (`migrations/`), its PostgreSQL and MariaDB versions (`tests/fixtures/projects/demo-*`) and
//! the PostgreSQL and MariaDB project fixtures read as their migrations build them, with none of the engine's `strata_*` tables; a missing SQLite file stays missing.

mod schema_introspect_support;

use schema_introspect_support::{
    assert_no_bookkeeping, column_part, introspect, only_namespace, table,
};
use strata_core::schema::introspect::introspect_url;
use strata_core::schema::model::{FkAction, ForeignKey, Identity, Namespace, Schema, Table};
use strata_core::DatabaseKind;
use strata_system_tests::servers::{up, TestTarget};

/// The demo project (`migrations/`), applied by the engine to a fresh SQLite file.
#[tokio::test]
async fn sqlite_demo_project() {
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let set =
        strata_core::source::read_dir(&strata_system_tests::repo_root().join("migrations"), None)
            .expect("the demo migrations read");
    up(target.url(), &set)
        .await
        .expect("the demo project applies");
    let schema = introspect(target.url()).await;
    assert_eq!(schema, introspect(target.url()).await);
    let ns = only_namespace(&schema);
    assert_demo_shape(ns);
    // What only SQLite has: derived names for unnamed constraints, collations from the text.
    let users = table(ns, "users");
    assert_eq!(
        users.column("full_name").unwrap().default.as_deref(),
        Some("''")
    );
    assert_eq!(
        users.column("email").unwrap().collation.as_deref(),
        Some("nocase")
    );
    assert!(users.uniques.contains_key("unique(email)"));
    assert!(users.checks.contains_key("check(is_active IN (0, 1))"));

    let user_roles = table(ns, "user_roles");
    assert_eq!(
        user_roles.primary_key.as_ref().unwrap().columns,
        ["user_id", "role_id"]
    );
    assert_eq!(
        user_roles.foreign_keys["fk(user_id)->users(id)"].on_delete,
        FkAction::Cascade
    );
    assert!(user_roles.indexes.contains_key("idx_user_roles_role_id"));

    let products = table(ns, "products");
    assert_eq!(
        products.foreign_keys["fk(category_id)->categories(id)"].on_delete,
        FkAction::SetNull
    );
    assert_eq!(
        products.checks["products_price_not_negative"].expression,
        "price_cents >= 0"
    );
    let live = &products.indexes["idx_products_live_category_id"];
    assert_eq!(live.predicate.as_deref(), Some("deleted_at IS NULL"));
    assert_eq!(live.parts, [column_part("category_id", false, None)]);

    let items = table(ns, "order_items");
    assert_eq!(
        items.uniques["unique(order_id,product_id)"].columns,
        ["order_id", "product_id"]
    );
    assert_eq!(
        items.foreign_keys["fk(product_id)->products(id)"].on_delete,
        FkAction::Restrict
    );
    assert_eq!(
        table(ns, "categories").foreign_keys["fk(parent_id)->categories(id)"].on_delete,
        FkAction::Restrict
    );
    let orders = table(ns, "orders");
    assert_eq!(
        orders.indexes["idx_orders_user_id_created_at"].parts,
        [
            column_part("user_id", false, None),
            column_part("created_at", false, None)
        ]
    );
    assert!(orders.triggers.contains_key("trg_orders_status_audit"));
    assert!(ns.views["order_summaries"].definition.starts_with("SELECT"));
}

/// A missing SQLite file is an error naming it, never a new empty file.
#[tokio::test]
async fn a_missing_sqlite_file_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.sqlite3");
    let err = introspect_url(&format!("sqlite:{}", path.display()))
        .await
        .expect_err("no such file");
    assert!(err.to_string().contains("missing.sqlite3"), "{err}");
    assert!(!path.exists());
}

/// A project applied by the engine to a fresh database: introspected twice alike, with none
/// of the engine's `strata_*` tables.
async fn project_schema(kind: DatabaseKind, dir: &str) -> (TestTarget, Schema) {
    let root = strata_system_tests::repo_root()
        .join("tests/fixtures/projects")
        .join(dir)
        .join("migrations");
    let set = strata_core::source::read_dir(&root, None)
        .unwrap_or_else(|e| panic!("reading {}: {e}", root.display()));
    let target = TestTarget::create(kind).await;
    up(target.url(), &set).await.expect("the project applies");
    let schema = introspect(target.url()).await;
    assert_eq!(schema, introspect(target.url()).await);
    for ns in schema.namespaces.values() {
        assert_no_bookkeeping(ns);
    }
    (target, schema)
}

#[tokio::test]
async fn postgres_project_fixture() {
    let (_db, schema) = project_schema(DatabaseKind::Postgres, "postgres").await;
    let public = &schema.namespaces["public"];
    for name in ["accounts", "projects", "tasks", "task_audit"] {
        assert!(
            public.tables.contains_key(name),
            "{name}: {:?}",
            public.tables.keys()
        );
    }
    assert_eq!(
        public.enums["account_status"].values,
        ["active", "suspended", "closed"]
    );
    let accounts = table(public, "accounts");
    assert_eq!(
        accounts.column("id").unwrap().identity,
        Some(Identity::Always)
    );
    assert!(accounts.triggers.contains_key("accounts_touch_updated_at"));
    let projects = table(public, "projects");
    assert_eq!(
        projects.column("id").unwrap().identity,
        Some(Identity::Serial)
    );
    assert_eq!(
        projects.uniques["projects_account_slug_key"].columns,
        ["account_id", "slug"]
    );
    let fk = projects
        .foreign_keys
        .values()
        .find(|fk| fk.referenced_table == "accounts")
        .expect("projects references accounts");
    assert_eq!(
        (fk.columns.clone(), fk.on_delete),
        (vec!["account_id".into()], FkAction::Cascade)
    );
    let tasks = table(public, "tasks");
    let id = tasks.column("id").unwrap();
    assert_eq!(
        (id.data_type.as_str(), id.identity),
        ("bigint", Some(Identity::Serial))
    );
    assert_eq!(tasks.column("labels").unwrap().data_type, "text[]");
    assert_eq!(
        tasks.indexes["tasks_labels_idx"].method.as_deref(),
        Some("gin")
    );
    assert_eq!(
        tasks.indexes["tasks_open_by_project_idx"]
            .predicate
            .as_deref(),
        Some("(NOT done)")
    );
    assert!(public.routines.contains_key("touch_updated_at()"));
}

#[tokio::test]
async fn mariadb_project_fixture() {
    let (_db, schema) = project_schema(DatabaseKind::Mysql, "mysql").await;
    let ns = only_namespace(&schema);
    for name in ["customers", "products", "orders", "order_lines"] {
        assert!(
            ns.tables.contains_key(name),
            "{name}: {:?}",
            ns.tables.keys()
        );
    }
    let customers = table(ns, "customers");
    let id = customers.column("id").unwrap();
    assert_eq!(
        (id.data_type.as_str(), id.identity),
        ("bigint unsigned", Some(Identity::AutoIncrement))
    );
    assert_eq!(customers.uniques["customers_email_uq"].columns, ["email"]);
    assert_eq!(
        table(ns, "products").indexes["products_name_idx"].parts,
        [column_part("name", false, Some(50))]
    );
    let lines = table(ns, "order_lines");
    assert_eq!(
        lines.primary_key.as_ref().unwrap().columns,
        ["order_id", "line_no"]
    );
    assert_eq!(
        lines.foreign_keys["order_lines_order_fk"].on_delete,
        FkAction::Cascade
    );
    assert_eq!(
        lines.foreign_keys["order_lines_product_fk"].on_delete,
        FkAction::Restrict
    );
    assert!(lines.triggers.contains_key("order_lines_take_stock"));
    assert!(ns.views.contains_key("customer_totals"));
    assert!(
        ns.routines
            .keys()
            .any(|k| k.starts_with("recalc_order_total(")),
        "{:?}",
        ns.routines.keys()
    );
}

/// The foreign key of `table` on `columns` that references `referenced`.
fn fk_to<'t>(table: &'t Table, columns: &[&str], referenced: &str) -> &'t ForeignKey {
    (table.foreign_keys.values())
        .find(|fk| fk.columns == columns && fk.referenced_table == referenced)
        .unwrap_or_else(|| {
            panic!(
                "{}: no foreign key ({}) -> {referenced}: {:?}",
                table.name,
                columns.join(", "),
                table.foreign_keys.keys()
            )
        })
}

/// What the demo project builds in every dialect: its tables (no `strata_*`), the users
/// columns in order, the foreign keys with their actions, the orders indexes, the checks, the
/// audit trigger and the summaries view.
fn assert_demo_shape(ns: &Namespace) {
    assert_eq!(
        ns.tables.keys().collect::<Vec<_>>(),
        [
            "app_settings",
            "audit_log",
            "categories",
            "order_items",
            "orders",
            "permissions",
            "products",
            "role_permissions",
            "roles",
            "user_roles",
            "users"
        ]
    );
    let users = table(ns, "users");
    let columns: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        [
            "id",
            "email",
            "first_name",
            "last_name",
            "password_hash",
            "is_active",
            "created_at",
            "updated_at",
            "phone",
            "full_name"
        ]
    );
    // As the catalog renders it: `''` (SQLite, MariaDB), `''::text` (PostgreSQL).
    let full_name = users.column("full_name").unwrap();
    assert!(
        full_name
            .default
            .as_deref()
            .is_some_and(|d| d.starts_with("''")),
        "{full_name:?}"
    );
    assert!(!full_name.nullable);
    let user_roles = table(ns, "user_roles");
    assert_eq!(
        user_roles.primary_key.as_ref().unwrap().columns,
        ["user_id", "role_id"]
    );
    assert_eq!(
        fk_to(user_roles, &["user_id"], "users").on_delete,
        FkAction::Cascade
    );
    assert_eq!(
        fk_to(user_roles, &["role_id"], "roles").on_delete,
        FkAction::Cascade
    );
    let products = table(ns, "products");
    assert_eq!(
        fk_to(products, &["category_id"], "categories").on_delete,
        FkAction::SetNull
    );
    assert!(products.column("price_cents").is_some() && products.column("price").is_none());
    assert!(products.checks["products_price_not_negative"]
        .expression
        .contains("price_cents"));
    let categories = table(ns, "categories");
    assert_eq!(
        fk_to(categories, &["parent_id"], "categories").on_delete,
        FkAction::Restrict
    );
    let items = table(ns, "order_items");
    assert_eq!(
        fk_to(items, &["order_id"], "orders").on_delete,
        FkAction::Cascade
    );
    assert_eq!(
        fk_to(items, &["product_id"], "products").on_delete,
        FkAction::Restrict
    );
    let orders = table(ns, "orders");
    assert_eq!(
        fk_to(orders, &["user_id"], "users").on_delete,
        FkAction::Restrict
    );
    assert_eq!(
        orders.indexes["idx_orders_user_id_created_at"].parts,
        [
            column_part("user_id", false, None),
            column_part("created_at", false, None)
        ]
    );
    assert!(orders.indexes.contains_key("idx_orders_status_created_at"));
    assert!(orders.triggers.contains_key("trg_orders_status_audit"));
    assert!(products
        .indexes
        .contains_key("idx_products_live_category_id"));
    assert!(ns.views.contains_key("order_summaries"));
}

#[tokio::test]
async fn postgres_demo_project() {
    let (_db, schema) = project_schema(DatabaseKind::Postgres, "demo-postgres").await;
    let public = &schema.namespaces["public"];
    assert_demo_shape(public);
    let live = &table(public, "products").indexes["idx_products_live_category_id"];
    assert_eq!(live.predicate.as_deref(), Some("(deleted_at IS NULL)"));
    assert_eq!(
        table(public, "products")
            .column("price_cents")
            .unwrap()
            .data_type,
        "integer"
    );
    assert!(public.routines.contains_key("orders_status_audit()"));
}

#[tokio::test]
async fn mariadb_demo_project() {
    let (_db, schema) = project_schema(DatabaseKind::Mysql, "demo-mysql").await;
    let ns = only_namespace(&schema);
    assert_demo_shape(ns);
    let products = table(ns, "products");
    assert_eq!(products.column("price_cents").unwrap().data_type, "int");
    assert_eq!(
        products.indexes["idx_products_live_category_id"].parts,
        [
            column_part("category_id", false, None),
            column_part("deleted_at", false, None)
        ]
    );
}

/// A server that does not answer: the error names the database, never its password.
#[tokio::test]
async fn an_unreachable_server_is_named_without_its_password() {
    let err = introspect_url("postgres://admin:s3cret@127.0.0.1:1/app")
        .await
        .expect_err("nothing listens on port 1");
    let text = err.to_string();
    assert!(text.contains("127.0.0.1:1/app"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}
