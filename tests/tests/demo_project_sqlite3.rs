//! The demo project's migrations (`migrations/` at the repository root), proven with the plain
//! `sqlite3` shell against a temporary database file: every migration rolls back to exactly the
//! schema it started from, the final schema enforces its keys and checks, the data migration and
//! the table rebuilds keep the data, and a full rollback leaves an empty database.
//!
//! Each step is one `sqlite3` invocation that starts with `PRAGMA foreign_keys=ON`, as an
//! application connects, and runs a migration inside `BEGIN; … COMMIT;` as Strata does by
//! default. The round trip also runs with foreign keys off, and without the transaction.
//! Without `sqlite3` these tests fail with the command that installs it; they never skip.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use strata_core::source::read_dir;
use strata_core::Migration;
use strata_system_tests::repo_root;
use tempfile::TempDir;

/// The schema as SQLite stores it. Only the order is fixed; nothing is normalised.
const SCHEMA: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name;";

/// Rows per table, to prove that no migration loses any.
const COUNTS: &str = "SELECT (SELECT count(*) FROM users) AS users, \
    (SELECT count(*) FROM user_roles) AS user_roles, \
    (SELECT count(*) FROM role_permissions) AS role_permissions, \
    (SELECT count(*) FROM categories) AS categories, \
    (SELECT count(*) FROM products) AS products, \
    (SELECT count(*) FROM orders) AS orders, \
    (SELECT count(*) FROM order_items) AS order_items;";

/// A small shop, written against the schema as it stands before `add_full_name_to_users`
/// (prices still REAL): the data migration and the rebuilds after it must keep all of it.
const SAMPLE_DATA: &str = "
INSERT INTO users (id, email, first_name, last_name, phone) VALUES
    (1, 'ada@example.com', 'Ada', 'Lovelace', '+44 20 7946 0001'),
    (2, 'grace@example.com', 'Grace', 'Hopper', NULL),
    (3, 'alan@example.com', 'Alan', 'Turing', NULL);
INSERT INTO roles (id, name, description) VALUES (1, 'admin', 'Back office'), (2, 'customer', NULL);
INSERT INTO permissions (id, code) VALUES (1, 'orders.refund'), (2, 'products.edit');
INSERT INTO role_permissions (role_id, permission_id) VALUES (1, 1), (1, 2);
INSERT INTO user_roles (user_id, role_id) VALUES (1, 1), (2, 2), (3, 2);
INSERT INTO categories (id, parent_id, name, slug) VALUES
    (1, NULL, 'Apparel', 'apparel'), (2, 1, 'T-shirts', 't-shirts'), (3, NULL, 'Stationery', 'stationery');
INSERT INTO products (id, category_id, sku, name, price, stock) VALUES
    (1, 2, 'TEE-001', 'Logo T-shirt', 19.99, 120),
    (2, 3, 'STK-001', 'Sticker', 0.29, 1000),
    (3, 1, 'HOOD-001', 'Hoodie', 49.5, 0);
INSERT INTO orders (id, user_id, status, placed_at) VALUES
    (1, 2, 'paid', '2024-03-01 10:15:00'), (2, 3, 'pending', NULL);
INSERT INTO order_items (id, order_id, product_id, quantity, unit_price) VALUES
    (1, 1, 1, 2, 19.99), (2, 1, 2, 10, 0.29), (3, 2, 3, 1, 49.5);
";

/// How each sqlite3 invocation connects and runs a migration. `App` is how an application
/// runs migrations: foreign keys enforced, one transaction per migration.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    App,
    ForeignKeysOff,
    Autocommit,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Direction {
    Up,
    Down,
}

fn migrations() -> Vec<Migration> {
    let dir = repo_root().join("migrations");
    read_dir(&dir, None)
        .unwrap_or_else(|e| panic!("reading the demo migrations: {e}"))
        .migrations
}

/// How messages name a migration: its file name stem.
fn label(m: &Migration) -> String {
    format!("{}_{}", m.version, m.name)
}

fn index_of(migrations: &[Migration], name: &str) -> usize {
    migrations
        .iter()
        .position(|m| m.name == name)
        .unwrap_or_else(|| panic!("the demo project has no migration named {name}"))
}

/// Fails (never skips) when the sqlite3 shell is missing or too old for DROP COLUMN.
fn require_sqlite3() {
    let out = match Command::new("sqlite3").arg("-version").output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "these tests drive the sqlite3 command-line shell, which is not installed. \
             Install it: apt-get install sqlite3 (Debian/Ubuntu; brew install sqlite on macOS)"
        ),
        Err(e) => panic!("cannot run sqlite3 -version: {e}"),
    };
    let version = String::from_utf8_lossy(&out.stdout);
    let number = version.split_whitespace().next().unwrap_or_default();
    let parts: Vec<u32> = number.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    assert!(
        parts >= vec![3, 35],
        "sqlite3 {version} is too old: the migrations use DROP COLUMN (3.35+). \
         Install a newer one: apt-get install sqlite3"
    );
}

/// A temporary database file, driven through the sqlite3 shell.
struct Db {
    dir: TempDir,
    mode: Mode,
}

impl Db {
    fn new(mode: Mode) -> Db {
        require_sqlite3();
        let dir = tempfile::tempdir().expect("a temporary folder for the database");
        Db { dir, mode }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("demo.sqlite3")
    }

    /// Runs `script` in one sqlite3 invocation with `.bail on`: stdout if it succeeded
    /// (exit 0, nothing on stderr), else the exit status and stderr.
    fn try_run(&self, script: &str, json: bool) -> Result<String, String> {
        let mut child = Command::new("sqlite3")
            .args(json.then_some("-json"))
            .arg(self.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sqlite3 starts");
        let fk = match self.mode {
            Mode::ForeignKeysOff => "OFF",
            Mode::App | Mode::Autocommit => "ON",
        };
        let input = format!(".bail on\nPRAGMA foreign_keys={fk};\n{script}\n");
        // The scripts are small, so writing all of stdin first cannot deadlock on the pipes.
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input.as_bytes())
            .expect("sqlite3 reads its script");
        let out = child.wait_with_output().expect("sqlite3 finishes");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() && stderr.trim().is_empty() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!("sqlite3 {}: {}", out.status, stderr.trim()))
        }
    }

    fn run(&self, what: &str, script: &str) -> String {
        self.try_run(script, false)
            .unwrap_or_else(|e| panic!("{what} ({:?}): {e}", self.mode))
    }

    /// The shell's JSON output for a query. It prints REAL values with 20 significant digits,
    /// so equal text means equal doubles (the default list mode rounds to 15).
    fn json_text(&self, query: &str) -> String {
        self.try_run(query, true)
            .unwrap_or_else(|e| panic!("query {query}: {e}"))
    }

    /// The rows of a query, as JSON objects.
    fn rows(&self, query: &str) -> Value {
        let out = self.json_text(query);
        if out.trim().is_empty() {
            return json!([]);
        }
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("query {query}: {e}: {out}"))
    }

    /// The single value a query returns, as the shell prints it.
    fn scalar(&self, query: &str) -> String {
        self.run(query, query).trim_end().to_owned()
    }

    /// Runs a statement that must be refused with an error containing `error`.
    fn refuses(&self, statement: &str, error: &str) {
        match self.try_run(statement, false) {
            Ok(_) => panic!("the database accepted {statement}"),
            Err(e) => assert!(
                e.contains(error),
                "{statement}: expected `{error}`, got: {e}"
            ),
        }
    }

    fn schema(&self) -> Vec<Value> {
        self.rows(SCHEMA).as_array().cloned().unwrap_or_default()
    }

    /// Applies one part of a migration; `.read` makes sqlite3 report lines of the file itself.
    fn apply(&self, m: &Migration, direction: Direction) {
        let path = match (direction, &m.down_path) {
            (Direction::Up, _) => &m.up_path,
            (Direction::Down, Some(down)) => down,
            (Direction::Down, None) => panic!("{} has no down part", label(m)),
        };
        let read = format!(".read \"{}\"", path.display());
        let script = if self.mode != Mode::Autocommit {
            format!("BEGIN;\n{read}\nCOMMIT;")
        } else {
            read
        };
        if let Err(e) = self.try_run(&script, false) {
            let (label, mode, path) = (label(m), self.mode, path.display());
            panic!("{direction:?} {label} failed ({mode:?}) in {path}: {e}");
        }
    }

    fn apply_all(&self, migrations: &[Migration]) {
        for m in migrations {
            self.apply(m, Direction::Up);
        }
    }
}

#[test]
fn migrations_are_many_reversible_ordered_and_described() {
    let migrations = migrations();
    assert!(
        migrations.len() >= 12,
        "the demo project should show at least 12 migrations, found {}",
        migrations.len()
    );
    for pair in migrations.windows(2) {
        let (a, b) = (label(&pair[0]), label(&pair[1]));
        let increasing = pair[0].version < pair[1].version;
        assert!(increasing, "versions must strictly increase: {a} then {b}");
    }
    for m in &migrations {
        let label = label(m);
        let timestamp = m.version.as_str().len() == 14 && m.version.as_str().starts_with("20");
        assert!(
            timestamp,
            "{label}: the version is a UTC timestamp YYYYMMDDHHMMSS"
        );
        assert!(m.is_reversible(), "{label} has no down part");
        for path in [&m.up_path, m.down_path.as_ref().unwrap()] {
            let text = std::fs::read_to_string(path).expect("a readable migration file");
            let head: Vec<&str> = text.lines().take(2).collect();
            assert!(
                head.len() == 2
                    && head[0].starts_with("-- strata:description ")
                    && head[1].starts_with("-- strata:author "),
                "{} must start with `-- strata:description …` then `-- strata:author …`",
                path.display()
            );
        }
    }
}

/// Fails with only the schema entries that differ, not two whole schemas.
fn assert_same_schema(got: &[Value], want: &[Value], context: &str) {
    let unexpected: Vec<&Value> = got.iter().filter(|e| !want.contains(e)).collect();
    let missing: Vec<&Value> = want.iter().filter(|e| !got.contains(e)).collect();
    assert!(
        got == want,
        "{context}\nunexpected entries: {unexpected:#?}\nmissing entries: {missing:#?}"
    );
}

/// For each migration in order: up, down (the schema must be exactly as before), up again.
fn round_trip_each_migration(mode: Mode) {
    let db = Db::new(mode);
    for m in &migrations() {
        let label = label(m);
        let before = db.schema();
        db.apply(m, Direction::Up);
        let after = db.schema();
        assert_ne!(after, before, "{label}: the up part changes nothing");
        db.apply(m, Direction::Down);
        let context = format!("{label} ({mode:?}): the down part does not restore the schema");
        assert_same_schema(&db.schema(), &before, &context);
        db.apply(m, Direction::Up);
        let context = format!("{label} ({mode:?}): re-applied after its rollback, it differs");
        assert_same_schema(&db.schema(), &after, &context);
    }
}

#[test]
fn each_migration_rolls_back_exactly_with_foreign_keys_on() {
    round_trip_each_migration(Mode::App);
}

#[test]
fn each_migration_rolls_back_exactly_with_foreign_keys_off() {
    round_trip_each_migration(Mode::ForeignKeysOff);
}

#[test]
fn each_migration_rolls_back_exactly_outside_a_transaction() {
    round_trip_each_migration(Mode::Autocommit);
}

#[test]
fn final_schema_has_the_tables_indexes_and_enforced_constraints() {
    let db = Db::new(Mode::App);
    db.apply_all(&migrations());

    let objects = db.scalar(
        "SELECT group_concat(type || ' ' || name, ', ') FROM (SELECT type, name \
         FROM sqlite_schema WHERE type <> 'index' ORDER BY type, name)",
    );
    let expected =
        "table app_settings, table audit_log, table categories, table order_items, table orders, \
        table permissions, table products, table role_permissions, table roles, \
        table user_roles, table users, trigger trg_orders_status_audit, view order_summaries";
    assert_eq!(
        objects, expected,
        "the tables, triggers and views after all migrations"
    );

    let index =
        "SELECT group_concat(name, ', ') FROM pragma_index_info('idx_orders_user_id_created_at')";
    assert_eq!(
        db.scalar(index),
        "user_id, created_at",
        "the composite index on orders"
    );
    let plan = db.run(
        "query plan",
        "EXPLAIN QUERY PLAN SELECT * FROM orders WHERE user_id = 1 ORDER BY created_at DESC;",
    );
    assert!(
        plan.contains("USING INDEX idx_orders_user_id_created_at") && !plan.contains("TEMP B-TREE"),
        "a user's order history should read the composite index in order:\n{plan}"
    );

    db.run(
        "a minimal shop",
        "INSERT INTO users (id, email, first_name, last_name, full_name) VALUES (1, 'ada@example.com', 'Ada', 'Lovelace', 'Ada Lovelace');
         INSERT INTO products (id, sku, name, price_cents, stock) VALUES (1, 'TEE-001', 'Logo T-shirt', 1999, 5);
         INSERT INTO orders (id, user_id) VALUES (1, 1);
         INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (1, 1, 2, 1999);",
    );
    let refused = [
        ("INSERT INTO products (sku, name, price_cents) VALUES ('NEG-1', 'Voucher', -100)", "CHECK constraint failed: products_price_not_negative"),
        ("UPDATE products SET stock = -1 WHERE id = 1", "CHECK constraint failed: products_stock_not_negative"),
        ("UPDATE order_items SET quantity = 0", "CHECK constraint failed: order_items_quantity_positive"),
        ("UPDATE order_items SET unit_price_cents = -1", "CHECK constraint failed: order_items_unit_price_not_negative"),
        ("UPDATE orders SET status = 'lost'", "CHECK constraint failed: status IN"),
        ("INSERT INTO users (email, first_name, last_name) VALUES ('ADA@example.com', 'A', 'L')", "UNIQUE constraint failed: users.email"),
        ("INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (1, 999, 1, 100)", "FOREIGN KEY constraint failed"),
        ("INSERT INTO orders (user_id) VALUES (999)", "FOREIGN KEY constraint failed"),
        ("DELETE FROM products WHERE id = 1", "FOREIGN KEY constraint failed"),
        ("DELETE FROM users WHERE id = 1", "FOREIGN KEY constraint failed"),
    ];
    for (statement, error) in refused {
        db.refuses(statement, error);
    }

    db.run("delete an order", "DELETE FROM orders WHERE id = 1;");
    let lines = db.scalar("SELECT count(*) FROM order_items");
    assert_eq!(lines, "0", "deleting an order deletes its lines (CASCADE)");
}

#[test]
fn data_survives_the_data_migration_and_the_table_rebuilds() {
    let db = Db::new(Mode::App);
    let all = migrations();
    let full_name = index_of(&all, "add_full_name_to_users");
    let checks = index_of(&all, "add_price_stock_quantity_checks");
    let cents = index_of(&all, "store_prices_in_cents");
    assert!(
        full_name < checks && checks < cents,
        "migrations out of order"
    );

    db.apply_all(&all[..full_name]);
    db.run("inserting the sample shop", SAMPLE_DATA);
    let counts = db.rows(COUNTS);
    let no_rows_lost =
        |by: &Migration| assert_eq!(db.rows(COUNTS), counts, "rows lost by {}", label(by));

    db.apply(&all[full_name], Direction::Up);
    no_rows_lost(&all[full_name]);
    assert_eq!(
        db.scalar(
            "SELECT group_concat(full_name, ', ') FROM (SELECT full_name FROM users ORDER BY id)"
        ),
        "Ada Lovelace, Grace Hopper, Alan Turing",
        "{}: full_name = first_name || ' ' || last_name",
        label(&all[full_name])
    );

    // Includes the CHECK constraint rebuild of products and order_items.
    for m in &all[full_name + 1..cents] {
        db.apply(m, Direction::Up);
        no_rows_lost(m);
    }
    let money = "SELECT id, sku, price, stock FROM products ORDER BY id; \
                 SELECT id, product_id, quantity, unit_price FROM order_items ORDER BY id;";
    let prices = db.json_text(money);

    db.apply(&all[cents], Direction::Up);
    no_rows_lost(&all[cents]);
    // 19.99 * 100 is 1998.9999999999998 in REAL arithmetic: a bare CAST would give 1998.
    for (column, table) in [
        ("price_cents", "products"),
        ("unit_price_cents", "order_items"),
    ] {
        assert_eq!(
            db.scalar(&format!(
                "SELECT group_concat(cents, ' ') FROM (SELECT {column} || ':' || \
                 typeof({column}) AS cents FROM {table} ORDER BY id)"
            )),
            "1999:integer 29:integer 4950:integer",
            "{}: {table}.{column} holds exact integer cents",
            label(&all[cents])
        );
    }
    let orphans = db.rows("PRAGMA foreign_key_check");
    assert_eq!(
        orphans,
        json!([]),
        "dangling foreign keys after the rebuild"
    );

    db.apply(&all[cents], Direction::Down);
    no_rows_lost(&all[cents]);
    let rolled_back = label(&all[cents]);
    assert_eq!(
        db.json_text(money),
        prices,
        "{rolled_back} down: not the same REAL prices"
    );

    for m in &all[cents..] {
        db.apply(m, Direction::Up);
        no_rows_lost(m);
    }
    let summaries = "SELECT group_concat(s, '; ') FROM (SELECT customer_name || ', ' || \
        line_count || ' lines, ' || item_count || ' items, ' || total_cents || ' cents' AS s \
        FROM order_summaries ORDER BY order_id)";
    assert_eq!(
        db.scalar(summaries),
        "Grace Hopper, 2 lines, 12 items, 4288 cents; Alan Turing, 1 lines, 1 items, 4950 cents",
        "the order_summaries view"
    );
    let ship = "UPDATE orders SET status = 'shipped' WHERE id = 1;";
    db.run("shipping order 1", ship);
    assert_eq!(
        db.rows("SELECT table_name, row_id, action, old_values, new_values FROM audit_log"),
        json!([{
            "table_name": "orders", "row_id": 1, "action": "update",
            "old_values": "{\"status\":\"paid\"}", "new_values": "{\"status\":\"shipped\"}",
        }]),
        "a status change is written to the audit log"
    );
    let integrity = db.rows("PRAGMA integrity_check");
    assert_eq!(integrity, json!([{ "integrity_check": "ok" }]));
}

#[test]
fn full_rollback_leaves_an_empty_database_and_everything_reapplies() {
    let db = Db::new(Mode::App);
    let all = migrations();
    let full_name = index_of(&all, "add_full_name_to_users");
    db.apply_all(&all[..full_name]);
    db.run("inserting the sample shop", SAMPLE_DATA);
    db.apply_all(&all[full_name..]);
    let full_schema = db.schema();

    // With the shop's rows in place and foreign keys on: children must go before parents.
    for m in all.iter().rev() {
        db.apply(m, Direction::Down);
    }
    let context = "after a full rollback, no table, index, view, trigger or sqlite_sequence";
    assert_same_schema(&db.schema(), &[], context);

    db.apply_all(&all);
    let context = "re-applying everything after a full rollback gives a different schema";
    assert_same_schema(&db.schema(), &full_schema, context);
}
