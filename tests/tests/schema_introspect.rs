//! Schema introspection against the real servers: a fixture with every object kind per
//! dialect (`tests/fixtures/schema/<dialect>/every_kind.sql`, plus [`MARIADB_SEQUENCES`] on
//! MariaDB) reads back with the right attributes, twice alike and alike on a second fresh
//! database; Strata's tables and other tools' history tables are left out.

mod schema_introspect_support;

use schema_introspect_support::{
    apply_fixture, assert_no_bookkeeping, column_part, introspect, only_namespace,
    sequence_options, table,
};
use strata_core::schema::model::{FkAction, Identity, IndexPart, Namespace, RoutineKind, Schema};
use strata_core::DatabaseKind;
use strata_system_tests::servers::{exec, TestTarget};

/// MariaDB's sequences (10.3+), one with every option set and one with the defaults and a
/// name to quote; a table's default reads one, and using a sequence must not change what
/// introspection reads.
const MARIADB_SEQUENCES: [&str; 4] = [
    "CREATE SEQUENCE invoice_numbers START WITH 1000 INCREMENT BY 10 MINVALUE 1000 MAXVALUE 999999 CACHE 20 CYCLE",
    "CREATE SEQUENCE `plain seq`",
    "CREATE TABLE invoices (no BIGINT NOT NULL DEFAULT (NEXT VALUE FOR invoice_numbers) PRIMARY KEY)",
    "INSERT INTO invoices VALUES (DEFAULT), (DEFAULT)",
];

/// The fixture on a fresh database; introspected twice, and on a second fresh database.
async fn every_kind(kind: DatabaseKind) -> Schema {
    let extra: &[&str] = match kind {
        DatabaseKind::Mysql => &MARIADB_SEQUENCES,
        _ => &[],
    };
    let target = TestTarget::create(kind).await;
    apply_fixture(target.url(), kind, "every_kind.sql").await;
    exec(target.url(), extra).await;
    let first = introspect(target.url()).await;
    let second = introspect(target.url()).await;
    assert_eq!(first, second, "two introspections of one database differ");
    let other = TestTarget::create(kind).await;
    apply_fixture(other.url(), kind, "every_kind.sql").await;
    exec(other.url(), extra).await;
    let mut again = introspect(other.url()).await;
    if kind == DatabaseKind::Mysql {
        // The namespace is the database, whose name differs; everything in it must not.
        let ns = again.namespaces.pop_first().unwrap().1;
        let name = only_namespace(&first).name.clone();
        again
            .namespaces
            .insert(name.clone(), Namespace { name, ..ns });
    }
    assert_eq!(
        first, again,
        "the same DDL on a fresh database introspects differently"
    );
    first
}

#[tokio::test]
async fn sqlite_every_kind() {
    let schema = every_kind(DatabaseKind::Sqlite).await;
    assert_eq!(schema.kind, DatabaseKind::Sqlite);
    let ns = only_namespace(&schema);
    assert_eq!(ns.name, "main");
    assert_no_bookkeeping(ns);
    assert_eq!(
        ns.tables.keys().collect::<Vec<_>>(),
        ["customers", "orders", "products"]
    );

    let customers = table(ns, "customers");
    assert_eq!(customers.primary_key.as_ref().unwrap().columns, ["id"]);
    let id = customers.column("id").unwrap();
    assert_eq!(id.identity, Some(Identity::AutoIncrement));
    let email = customers.column("email").unwrap();
    assert_eq!(
        (
            email.data_type.as_str(),
            email.nullable,
            email.collation.as_deref()
        ),
        ("text", false, Some("nocase"))
    );
    assert_eq!(
        customers.column("status").unwrap().default.as_deref(),
        Some("'active'")
    );
    assert_eq!(
        customers.column("created_at").unwrap().default.as_deref(),
        Some("CURRENT_TIMESTAMP")
    );
    let unique = &customers.uniques["unique(email)"];
    assert_eq!(
        (unique.named, unique.columns.clone()),
        (false, vec!["email".into()])
    );
    let check = &customers.checks["check(status IN ('active', 'closed'))"];
    assert!(!check.named);
    let lower = &customers.indexes["customers_email_lower_idx"];
    assert_eq!(
        lower.parts,
        [IndexPart::Expression {
            expression: "lower(email)".into(),
            descending: false
        }]
    );
    let trigger = &customers.triggers["customers_touch"];
    assert!(trigger
        .definition
        .starts_with("CREATE TRIGGER customers_touch AFTER UPDATE ON customers"));
    assert_eq!(trigger.definition_hash.len(), 64);

    let products = table(ns, "products");
    let sku = products.column("sku").unwrap();
    assert_eq!(sku.data_type, "varchar(32)");
    let total = products
        .column("total_cents")
        .unwrap()
        .generated
        .clone()
        .unwrap();
    assert_eq!(
        (total.expression.as_str(), total.stored),
        ("price_cents * quantity", true)
    );
    let label = products.column("label").unwrap().generated.clone().unwrap();
    assert_eq!(
        (label.expression.as_str(), label.stored),
        ("upper(sku)", false)
    );
    assert!(products.uniques["products_sku_key"].named);
    assert_eq!(
        products.checks["price_positive"].expression,
        "price_cents > 0"
    );
    let sku_price = &products.indexes["products_sku_price_idx"];
    assert!(sku_price.unique);
    assert_eq!(
        sku_price.parts,
        [
            column_part("sku", false, None),
            column_part("price_cents", false, None)
        ]
    );

    let orders = table(ns, "orders");
    let fk = &orders.foreign_keys["fk(customer_id)->customers(id)"];
    assert_eq!(
        (fk.named, fk.on_delete, fk.on_update),
        (false, FkAction::Cascade, FkAction::Restrict)
    );
    let named_fk = &orders.foreign_keys["orders_product_fk"];
    assert_eq!(
        (
            named_fk.named,
            named_fk.referenced_table.as_str(),
            named_fk.on_delete
        ),
        (true, "products", FkAction::SetNull)
    );
    assert_eq!(
        orders.uniques["unique(customer_id,placed_at)"].columns,
        ["customer_id", "placed_at"]
    );
    let open = &orders.indexes["orders_open_idx"];
    assert_eq!(open.parts, [column_part("placed_at", true, None)]);
    assert_eq!(open.predicate.as_deref(), Some("placed_at IS NOT NULL"));
    // Autoindexes are the constraints they implement, never indexes of their own.
    assert!(ns
        .tables
        .values()
        .all(|t| t.indexes.keys().all(|k| !k.starts_with("sqlite_"))));

    let view = &ns.views["active_customers"];
    assert_eq!(
        view.definition,
        "SELECT id, email FROM customers WHERE status = 'active'"
    );
}

#[tokio::test]
async fn postgres_every_kind() {
    let schema = every_kind(DatabaseKind::Postgres).await;
    assert_eq!(
        schema.namespaces.keys().collect::<Vec<_>>(),
        ["billing", "public"],
        "system schemas are left out"
    );
    let public = &schema.namespaces["public"];
    assert_no_bookkeeping(public);
    assert_eq!(
        public.tables.keys().collect::<Vec<_>>(),
        ["customers", "products"]
    );

    let customers = table(public, "customers");
    assert_eq!(customers.comment.as_deref(), Some("People who buy"));
    let pk = customers.primary_key.as_ref().unwrap();
    assert_eq!(
        (pk.name.as_deref(), pk.columns.clone()),
        (Some("customers_pkey"), vec!["id".into()])
    );
    let id = customers.column("id").unwrap();
    assert_eq!(
        (id.identity, id.default.clone()),
        (Some(Identity::Always), None)
    );
    let email = customers.column("email").unwrap();
    assert_eq!(
        (email.collation.as_deref(), email.comment.as_deref()),
        (Some("C"), Some("Login"))
    );
    assert_eq!(
        customers.column("status").unwrap().default.as_deref(),
        Some("'active'::text")
    );
    assert_eq!(customers.column("feeling").unwrap().data_type, "mood");
    assert_eq!(
        customers.column("created_at").unwrap().data_type,
        "timestamp with time zone"
    );
    assert_eq!(customers.uniques["customers_email_key"].columns, ["email"]);
    assert!(customers.checks["customers_status_check"]
        .expression
        .contains("'closed'::text"));
    let open = &customers.indexes["customers_open_idx"];
    assert_eq!(open.parts, [column_part("created_at", true, None)]);
    assert_eq!(open.predicate.as_deref(), Some("(deleted_at IS NULL)"));
    assert_eq!(open.method.as_deref(), Some("btree"));
    assert_eq!(
        customers.indexes["customers_email_lower_idx"].parts,
        [IndexPart::Expression {
            expression: "lower(email)".into(),
            descending: false
        }]
    );
    assert!(customers.triggers["customers_touch"]
        .definition
        .contains("BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch()"));

    let products = table(public, "products");
    let id = products.column("id").unwrap();
    assert_eq!(
        (id.identity, id.default.clone(), id.data_type.as_str()),
        (Some(Identity::Serial), None, "integer")
    );
    assert_eq!(
        products.column("sku").unwrap().data_type,
        "character varying(32)"
    );
    assert_eq!(products.column("price").unwrap().data_type, "numeric(10,2)");
    let total = products.column("total").unwrap().generated.clone().unwrap();
    assert!(
        total.stored && total.expression.contains("price *"),
        "{total:?}"
    );
    assert!(products.indexes["products_sku_idx"].unique);
    assert_eq!(
        products.indexes["products_sku_hash_idx"].method.as_deref(),
        Some("hash")
    );
    assert_eq!(
        products.checks["price_positive"].expression,
        "(price > (0)::numeric)"
    );

    let invoices = table(&schema.namespaces["billing"], "invoices");
    assert_eq!(
        invoices.column("number").unwrap().identity,
        Some(Identity::ByDefault)
    );
    let fk = &invoices.foreign_keys["invoices_customer_fk"];
    assert_eq!(
        (
            fk.referenced_namespace.as_deref(),
            fk.referenced_table.as_str(),
            fk.on_delete,
            fk.on_update
        ),
        (
            Some("public"),
            "customers",
            FkAction::Cascade,
            FkAction::Restrict
        )
    );
    assert_eq!(
        invoices.foreign_keys["invoices_product_fk"].on_delete,
        FkAction::SetNull
    );

    assert!(!public.views["active_customers"].materialized);
    assert!(public.views["product_totals"].materialized);
    assert!(public.views["active_customers"]
        .definition
        .contains("'active'::text"));
    // Only the free-standing sequence: serial and identity sequences belong to their column.
    assert_eq!(
        public.sequences.keys().collect::<Vec<_>>(),
        ["invoice_numbers"]
    );
    let seq = &public.sequences["invoice_numbers"];
    assert_eq!(
        sequence_options(seq),
        ("bigint", 1000, 10, 1000, 999_999, 1, true)
    );
    assert_eq!(public.enums["mood"].values, ["sad", "ok", "happy"]);
    // Overloads stay apart.
    let add = &public.routines["add(a integer, b integer)"];
    assert_eq!(add.kind, RoutineKind::Function);
    assert!(add
        .definition
        .starts_with("CREATE OR REPLACE FUNCTION public.add(a integer, b integer)"));
    assert!(public.routines.contains_key("add(a numeric, b numeric)"));
    assert_ne!(
        add.definition_hash,
        public.routines["add(a numeric, b numeric)"].definition_hash
    );
    assert_eq!(
        public.routines["archive(IN days integer)"].kind,
        RoutineKind::Procedure
    );
    assert!(public.routines.contains_key("touch()"));
}

#[tokio::test]
async fn mariadb_every_kind() {
    let schema = every_kind(DatabaseKind::Mysql).await;
    let ns = only_namespace(&schema);
    assert!(ns.name.starts_with("strata_test_"), "{}", ns.name);
    assert_no_bookkeeping(ns);
    assert_eq!(
        ns.tables.keys().collect::<Vec<_>>(),
        ["customers", "invoices", "orders", "products"],
        "sequences are not tables"
    );
    assert_eq!(
        ns.sequences.keys().collect::<Vec<_>>(),
        ["invoice_numbers", "plain seq"]
    );
    let seq = &ns.sequences["invoice_numbers"];
    assert_eq!(
        sequence_options(seq),
        ("bigint", 1000, 10, 1000, 999_999, 20, true)
    );
    assert_eq!(
        sequence_options(&ns.sequences["plain seq"]),
        ("bigint", 1, 1, 1, i64::MAX - 1, 1000, false),
        "MariaDB's defaults"
    );
    assert_eq!(
        table(ns, "invoices")
            .column("no")
            .unwrap()
            .default
            .as_deref(),
        Some("nextval(`invoice_numbers`)")
    );

    let customers = table(ns, "customers");
    assert_eq!(customers.comment.as_deref(), Some("People who buy"));
    let id = customers.column("id").unwrap();
    assert_eq!(
        (id.data_type.as_str(), id.identity, id.default.clone()),
        ("int", Some(Identity::AutoIncrement), None),
        "display width dropped, auto_increment is the identity"
    );
    assert_eq!(customers.primary_key.as_ref().unwrap().columns, ["id"]);
    let email = customers.column("email").unwrap();
    assert_eq!(email.collation.as_deref(), Some("utf8mb4_bin"));
    let status = customers.column("status").unwrap();
    assert_eq!(
        (status.data_type.as_str(), status.default.as_deref()),
        ("enum('active','closed')", Some("'active'"))
    );
    assert_eq!(customers.column("deleted_at").unwrap().default, None);
    assert_eq!(customers.uniques["customers_email_key"].columns, ["email"]);
    assert!(customers.checks["status_known"]
        .expression
        .contains("`deleted_at` is not null"));
    let trigger = &customers.triggers["customers_touch"];
    assert_eq!(
        trigger.definition,
        "CREATE TRIGGER `customers_touch` BEFORE UPDATE ON `customers` FOR EACH ROW SET NEW.created_at = NOW()"
    );

    let products = table(ns, "products");
    assert_eq!(products.column("id").unwrap().data_type, "bigint unsigned");
    let total = products.column("total").unwrap().generated.clone().unwrap();
    assert_eq!(
        (total.expression.as_str(), total.stored),
        ("`price` * `quantity`", true)
    );
    assert!(
        !products
            .column("label")
            .unwrap()
            .generated
            .clone()
            .unwrap()
            .stored
    );
    assert_eq!(products.uniques["products_sku_idx"].columns, ["sku"]);
    assert_eq!(
        products.indexes["products_sku_text_idx"].method.as_deref(),
        Some("fulltext")
    );
    assert_eq!(products.checks["price_positive"].expression, "`price` > 0");

    let orders = table(ns, "orders");
    let fk = &orders.foreign_keys["orders_customer_fk"];
    assert_eq!(
        (
            fk.columns.clone(),
            fk.referenced_table.as_str(),
            fk.on_delete,
            fk.on_update
        ),
        (
            vec!["customer_id".into()],
            "customers",
            FkAction::Cascade,
            FkAction::Restrict
        )
    );
    assert_eq!(
        orders.foreign_keys["orders_product_fk"].on_delete,
        FkAction::SetNull
    );
    assert_eq!(
        orders.indexes["orders_note_prefix_idx"].parts,
        [
            column_part("note", false, Some(10)),
            column_part("customer_id", true, None)
        ]
    );

    let view = &ns.views["active_customers"];
    assert!(
        !view.definition.contains(&format!("`{}`.", ns.name)),
        "{}",
        view.definition
    );
    assert!(
        view.definition.contains("from `customers`"),
        "{}",
        view.definition
    );
    let add = &ns.routines["add_cents(int, int)"];
    assert_eq!(add.kind, RoutineKind::Function);
    assert!(
        add.definition.starts_with("CREATE FUNCTION `add_cents`"),
        "{}",
        add.definition
    );
    assert_eq!(ns.routines["archive(int)"].kind, RoutineKind::Procedure);
}
