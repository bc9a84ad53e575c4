//! Loading, validation, planning and generation of datasets, on folders written by each test.

use super::*;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn load(files: &[(&str, &str)]) -> Result<Seeds, SeedError> {
    let dir = folder(files);
    Seeds::load(dir.path())
}

fn err(files: &[(&str, &str)]) -> String {
    load(files)
        .expect_err("the folder must be refused")
        .to_string()
}

const ROLES: &str = "table: roles\nkey: name\nowned: true\nenvironments: [development, production]\nrows:\n  - {name: admin, description: Administrators}\n  - {name: user, description: Users}\n";

#[test]
fn an_unknown_key_is_refused_with_its_line() {
    let e = err(&[(
        "roles.yaml",
        "table: roles\nkey: name\nrowz:\n  - {name: a}\n",
    )]);
    assert!(
        e.contains("roles.yaml:3") && e.contains("unknown field `rowz`"),
        "{e}"
    );
}

#[test]
fn an_unknown_generator_names_the_column_and_the_known_ones() {
    let e = err(&[(
        "people.yaml",
        "table: people\nkey: email\ngenerate:\n  count: 3\n  columns:\n    email: emial\n",
    )]);
    assert!(
        e.contains("people.yaml:6")
            && e.contains("column email")
            && e.contains("unknown generator 'emial'")
            && e.contains("first_name"),
        "{e}"
    );
}

#[test]
fn a_lookup_to_a_missing_dataset_is_refused() {
    let e = err(&[("user_roles.yaml", "table: user_roles\nkey: [role_id]\nlookups:\n  role: {column: role_id, dataset: rolez, by: name}\nrows:\n  - {role: admin}\n")]);
    assert!(
        e.contains("dataset user_roles") && e.contains("column role") && e.contains("'rolez'"),
        "{e}"
    );
}

#[test]
fn a_dependency_cycle_is_spelled_out() {
    let e = err(&[
        (
            "a.yaml",
            "table: a\nkey: x\ndepends_on: [b]\nrows: [{x: 1}]\n",
        ),
        (
            "b.yaml",
            "table: b\nkey: x\ndepends_on: [c]\nrows: [{x: 1}]\n",
        ),
        (
            "c.yaml",
            "table: c\nkey: x\ndepends_on: [a]\nrows: [{x: 1}]\n",
        ),
    ]);
    assert!(e.contains("a -> b -> c -> a"), "{e}");
}

#[test]
fn duplicate_keys_in_literal_rows_name_both_rows_and_the_line() {
    let e = err(&[("roles.yaml", "table: roles\nkey: name\nrows:\n  - name: admin\n    description: x\n  - name: user\n  - name: admin\n")]);
    // Rows must name the same columns: the second row lacks description.
    assert!(e.contains("row 2") && e.contains("description"), "{e}");
    let e = err(&[(
        "roles.yaml",
        "table: roles\nkey: name\nrows:\n  - name: admin\n  - name: user\n  - name: admin\n",
    )]);
    assert!(
        e.contains("roles.yaml:6")
            && e.contains("row 3")
            && e.contains("key (admin) repeats row 1"),
        "{e}"
    );
}

#[test]
fn a_plaintext_password_in_a_production_dataset_is_refused() {
    let users = "table: users\nkey: email\nenvironments: [production]\ncolumns:\n  password_hash: {password: true}\nrows:\n  - {email: a@example.com, password_hash: {secret: admin_password}}\n  - {email: b@example.com, password_hash: hunter2}\n";
    let e = err(&[("users.yaml", users)]);
    assert!(
        e.contains("users.yaml:8")
            && e.contains("row 2")
            && e.contains("column password_hash")
            && e.contains("plaintext password"),
        "{e}"
    );
    assert!(
        !e.contains("hunter2"),
        "the error must not repeat the password: {e}"
    );
    // The same dataset for development only is fine, and so are secrets and generated ones in production.
    load(&[(
        "users.yaml",
        &users.replace("[production]", "[development]"),
    )])
    .unwrap();
    load(&[("users.yaml", &users.replace("hunter2", "{generate: true}"))]).unwrap();
}

#[test]
fn a_csv_dataset_reads_its_rows_and_refuses_a_repeated_key_with_its_line() {
    let dir = folder(&[
        (
            "products.yaml",
            "table: products\nkey: sku\ncsv: products.csv\n",
        ),
        (
            "products.csv",
            "sku,name,price_cents\nA-1,Lamp,1999\nA-2,,500\n",
        ),
    ]);
    let seeds = Seeds::load(dir.path()).unwrap();
    let d = seeds.get("products").unwrap();
    assert_eq!(d.columns, ["sku", "name", "price_cents"]);
    let rows: Vec<Row> = seeds
        .rows(d, &GenOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[1].cells[1],
        Cell::Value(Value::Null),
        "an empty field is NULL"
    );
    assert_eq!(rows[1].line, Some(3));
    let e = err(&[
        (
            "products.yaml",
            "table: products\nkey: sku\ncsv: products.csv\n",
        ),
        ("products.csv", "sku,name\nA-1,Lamp\nA-2,Desk\nA-1,Chair\n"),
    ]);
    assert!(
        e.contains("products.csv:4") && e.contains("row 3") && e.contains("repeats row 1"),
        "{e}"
    );
    let e = err(&[("stray.csv", "a\n1\n")]);
    assert!(
        e.contains("stray.csv") && e.contains("not the source of any dataset"),
        "{e}"
    );
}

#[test]
fn an_unknown_file_type_is_not_skipped() {
    let e = err(&[("roles.yml.bak", "x")]);
    assert!(e.contains("not a dataset file"), "{e}");
}

#[test]
fn sql_datasets_read_their_directives() {
    let seeds = load(&[("fixups.sql", "-- strata:table products\n-- strata:environments staging\n-- strata:depends_on\nUPDATE products SET stock = 0;\n")]).unwrap();
    let d = seeds.get("fixups").unwrap();
    assert_eq!(
        (d.table.as_str(), d.environments.as_slice()),
        ("products", &[Environment::Staging][..])
    );
    let e = err(&[("fixups.sql", "-- strata:tabel products\nSELECT 1;\n")]);
    assert!(
        e.contains("fixups.sql:1") && e.contains("unknown directive"),
        "{e}"
    );
}

const PEOPLE: &str = "table: people\nkey: email\ngenerate:\n  count: 50\n  columns:\n    email: email\n    name: full_name\n    age: {int: [18, 90]}\n    joined: {timestamp: ['2024-01-01 00:00:00', '2024-12-31 23:59:59']}\n    id: uuid\n";

fn generated(text: &str, seed: u64) -> Vec<Row> {
    let seeds = load(&[("people.yaml", text)]).unwrap();
    let d = seeds.get("people").unwrap();
    let opts = GenOptions {
        seed,
        ..GenOptions::default()
    };
    seeds
        .rows(d, &opts)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_same_seed_gives_the_same_rows_and_a_new_column_reshuffles_nothing() {
    let a = generated(PEOPLE, 7);
    assert_eq!(a.len(), 50);
    assert_eq!(a, generated(PEOPLE, 7));
    assert_ne!(a, generated(PEOPLE, 8));
    let more = PEOPLE.replace("    id: uuid\n", "    id: uuid\n    phone: phone\n");
    let b = generated(&more, 7);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.cells[..], y.cells[..5]);
    }
}

#[test]
fn generated_values_are_pinned_across_releases() {
    // The first row for seed 1: if this changes, every user's seeded database changes.
    let row = &generated(PEOPLE, 1)[0];
    let texts: Vec<String> = row
        .cells
        .iter()
        .map(|c| match c {
            Cell::Value(v) => v.to_text().unwrap(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(texts, PINNED_ROW);
}

const PINNED_ROW: [&str; 5] = [
    "dara.usman.1@example.com",
    "Lara Weber",
    "25",
    "2024-07-27 08:18:39",
    "0906120a-92fb-4ad7-81d2-1b5a313262c0",
];

#[test]
fn refs_copy_values_of_the_referenced_dataset() {
    let seeds = load(&[
        ("roles.yaml", ROLES),
        ("staff.yaml", "table: staff\nkey: n\nenvironments: [development]\nlookups:\n  role: {column: role_id, dataset: roles, by: name}\ngenerate:\n  count: 20\n  columns:\n    n: sequence\n    role: {ref: {dataset: roles, column: name, pick: cycle}}\n"),
    ])
    .unwrap();
    let names: Vec<&str> = seeds.datasets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["roles", "staff"],
        "the lookup and the ref make staff need roles"
    );
    let staff = seeds.get("staff").unwrap();
    assert_eq!(staff.lookups[0].table, "roles");
    let rows: Vec<Row> = seeds
        .rows(staff, &GenOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0].cells[1], Cell::Value(Value::Text("admin".into())));
    assert_eq!(rows[1].cells[1], Cell::Value(Value::Text("user".into())));
    assert_eq!(rows[2].cells[1], Cell::Value(Value::Text("admin".into())));
}

#[test]
fn a_plan_takes_the_environment_and_brings_dependencies() {
    let seeds = load(&[
        ("roles.yaml", ROLES),
        ("users.yaml", "table: users\nkey: email\nenvironments: [development]\ndepends_on: [roles]\nrows: [{email: a@example.com}]\n"),
        ("settings.yaml", "table: app_settings\nkey: key\nenvironments: [staging]\nrows: [{key: a, value: b}]\n"),
    ])
    .unwrap();
    let names = |p: Vec<&Dataset>| p.into_iter().map(|d| d.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(seeds.plan(Environment::Development, &[]).unwrap()),
        ["roles", "users"]
    );
    assert_eq!(
        names(seeds.plan(Environment::Production, &[]).unwrap()),
        ["roles"]
    );
    assert_eq!(
        names(
            seeds
                .plan(Environment::Development, &["users".into()])
                .unwrap()
        ),
        ["roles", "users"]
    );
    let e = seeds
        .plan(Environment::Production, &["users".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("not production"), "{e}");
    let e = seeds
        .plan(Environment::Staging, &["nope".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("no dataset is named 'nope'"), "{e}");
}

#[test]
fn the_demo_seeds_load_in_dependency_order() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    let seeds = Seeds::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let pos = |n: &str| {
        seeds
            .datasets
            .iter()
            .position(|d| d.name == n)
            .unwrap_or_else(|| panic!("no dataset {n}"))
    };
    for (before, after) in [
        ("roles", "role_permissions"),
        ("permissions", "role_permissions"),
        ("users", "user_roles"),
        ("categories", "products"),
        ("products", "sample_order_items"),
        ("sample_orders", "sample_order_items"),
        ("users", "sample_orders"),
    ] {
        assert!(pos(before) < pos(after), "{before} before {after}");
    }
    let names = |env| {
        seeds
            .plan(env, &[])
            .unwrap()
            .into_iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
    };
    let production = names(Environment::Production);
    assert!(
        production.contains(&"production_admin")
            && !production.contains(&"users")
            && !production.contains(&"sample_orders"),
        "{production:?}"
    );
    assert!(names(Environment::Testing).contains(&"qa_customers"));
    assert!(!names(Environment::Development).contains(&"qa_customers"));
    // Every generated dataset streams its rows.
    let opts = GenOptions {
        seed: 42,
        ..GenOptions::default()
    };
    let items: Vec<Row> = seeds
        .rows(seeds.get("sample_order_items").unwrap(), &opts)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(items.len(), 400);
}

#[test]
fn preview_shows_generated_values_lookups_and_no_plaintext_password() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    let seeds = Seeds::load(&dir).unwrap();
    let gen = GenOptions {
        seed: 42,
        counts: [("sample_orders".to_owned(), 7)].into(),
    };
    let tables = preview::preview(
        &seeds,
        Environment::Development,
        &["sample_orders".into()],
        &gen,
        3,
    )
    .unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.dataset.as_str()).collect();
    assert_eq!(
        names,
        ["users", "sample_orders"],
        "the dataset and what it needs"
    );
    let users = &tables[0];
    let pw = users
        .columns
        .iter()
        .position(|c| c == "password_hash")
        .unwrap();
    assert!(
        users
            .rows
            .iter()
            .all(|r| r[pw].as_deref() == Some(preview::PASSWORD_PLACEHOLDER)),
        "{:?}",
        users.rows
    );
    let orders = &tables[1];
    assert_eq!(orders.total, 7, "--count replaces the dataset's count");
    assert_eq!(orders.rows.len(), 3);
    assert_eq!(orders.columns[1], "user_id (users.email)");
    assert_eq!(orders.rows[0][0].as_deref(), Some("1001"));
    assert!(
        orders.rows[0][1]
            .as_deref()
            .is_some_and(|e| e.ends_with("@example.com")),
        "{:?}",
        orders.rows[0]
    );
    // The same form gives the same preview.
    assert_eq!(
        tables,
        preview::preview(
            &seeds,
            Environment::Development,
            &["sample_orders".into()],
            &gen,
            3
        )
        .unwrap()
    );
}
