//! `strata schema …` through the real binary: `show` prints the object tree, `preview` the
//! pending migrations' diff, `drift` exits 0 when clean and 6 when a hand edit is found,
//! `compare` exits 6 and prints the SQL that makes B like A, `generate` writes that pair and
//! B then compares equal, `test-rollback` exits 6 naming a forgotten index, and databases of
//! different engines are an error (exit 1).

use strata_core::DatabaseKind;
use strata_system_tests::repo_root;
use strata_system_tests::servers::{exec, run_strata, TempProject, TestTarget};

const CREATE_CUSTOMERS: &str =
    "CREATE TABLE customers (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(200) NOT NULL);\n";

fn project() -> TempProject {
    let p = TempProject::new();
    p.write(
        "20240101000000",
        "customers",
        CREATE_CUSTOMERS,
        Some("DROP TABLE customers;\n"),
    );
    p
}

#[tokio::test]
async fn show_preview_and_drift() {
    let p = project();
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let url = target.url();
    p.strata(&["up", "--url", url]).success();
    p.write(
        "20240102000000",
        "orders",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL);\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n",
        Some("DROP TABLE orders;\n"),
    );

    let show = p.strata(&["schema", "show", "--url", url]).success();
    assert!(
        show.stdout.contains("table customers") && show.stdout.contains("column email"),
        "{}",
        show.output()
    );
    let json = p
        .strata(&["--json", "schema", "show", "--url", url])
        .success()
        .json();
    assert!(
        json["namespaces"]["main"]["tables"]["customers"].is_object(),
        "{json}"
    );

    let preview = p.strata(&["schema", "preview", "--url", url]).success();
    assert!(
        preview.stdout.contains("1 pending migration")
            && preview.stdout.contains("orders")
            && preview.stdout.contains("orders_customer_idx"),
        "{}",
        preview.output()
    );
    p.remove("20240102000000", "orders");

    let clean = p.strata(&["schema", "drift", "--url", url]);
    assert_eq!(clean.code, Some(0), "{}", clean.output());
    assert!(clean.stdout.contains("No drift"), "{}", clean.output());

    exec(
        url,
        &["ALTER TABLE customers ADD COLUMN nickname VARCHAR(40)"],
    )
    .await;
    let drifted = p.strata(&["schema", "drift", "--url", url]);
    assert_eq!(drifted.code, Some(6), "drift exits 6: {}", drifted.output());
    assert!(drifted.stdout.contains("nickname"), "{}", drifted.output());
    let json = p.strata(&["--json", "schema", "drift", "--url", url]);
    assert_eq!(json.code, Some(6));
    assert_eq!(
        json.json()["replayed"],
        serde_json::json!(["20240101000000"])
    );
    assert!(!json.json()["diff"]["namespaces"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn compare_then_generate_makes_b_like_a() {
    let kind = DatabaseKind::Postgres;
    let (a, b) = (
        TestTarget::create(kind).await,
        TestTarget::create(kind).await,
    );
    exec(
        a.url(),
        &[
            "CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, phone text)",
            "CREATE INDEX customers_email_idx ON customers (email)",
        ],
    )
    .await;
    exec(
        b.url(),
        &["CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL)"],
    )
    .await;
    let p = TempProject::new();

    let cmp = p.strata(&["schema", "compare", "--url", a.url(), "--with", b.url()]);
    assert_eq!(cmp.code, Some(6), "they differ: {}", cmp.output());
    assert!(
        cmp.stdout.contains("phone") && cmp.stdout.contains("CREATE INDEX \"customers_email_idx\""),
        "the diff and the SQL that makes B like A: {}",
        cmp.output()
    );

    let gen = p
        .strata(&[
            "schema",
            "generate",
            "match A",
            "--url",
            a.url(),
            "--with",
            b.url(),
        ])
        .success();
    let created: Vec<&str> = (gen.stdout.lines())
        .filter_map(|l| l.strip_prefix("created "))
        .collect();
    assert_eq!(created.len(), 2, "{}", gen.output());
    assert!(created[0].ends_with("_match_a.up.sql"), "{}", gen.output());
    let up = std::fs::read_to_string(created[0]).unwrap();
    assert!(up.contains("customers_email_idx"), "{up}");

    p.strata(&["up", "--url", b.url()]).success();
    let same = p.strata(&["schema", "compare", "--url", a.url(), "--with", b.url()]);
    assert_eq!(same.code, Some(0), "B is like A now: {}", same.output());
    assert!(same.stdout.contains("same schema"), "{}", same.output());

    let nothing = p.strata(&[
        "schema",
        "generate",
        "again",
        "--url",
        a.url(),
        "--with",
        b.url(),
    ]);
    assert_eq!(nothing.code, Some(1), "{}", nothing.output());
    assert!(
        nothing.stderr.contains("nothing to generate"),
        "{}",
        nothing.output()
    );
    assert_eq!(p.migrations().migrations.len(), 1, "no file was written");
}

#[tokio::test]
async fn different_engines_are_an_error() {
    let pg = TestTarget::create(DatabaseKind::Postgres).await;
    let lite = TestTarget::create(DatabaseKind::Sqlite).await;
    let p = TempProject::new();
    let run = p.strata(&["schema", "compare", "--url", pg.url(), "--with", lite.url()]);
    assert_eq!(run.code, Some(1), "{}", run.output());
    assert!(run.stderr.contains("same engine"), "{}", run.output());
}

#[tokio::test]
async fn test_rollback_names_a_forgotten_index() {
    let fixtures = repo_root().join("tests/fixtures/schema_projects/sqlite");
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let url = target.url();

    let clean = run_strata(
        &fixtures.join("clean"),
        &["schema", "test-rollback", "--url", url],
    );
    assert_eq!(clean.code, Some(0), "{}", clean.output());
    assert!(
        clean.stdout.contains("3 migration(s) tested, 0 did not"),
        "{}",
        clean.output()
    );

    let bad = fixtures.join("forgotten_index");
    for args in [
        &["schema", "test-rollback", "--url", url][..],
        &[
            "schema",
            "test-rollback",
            "--url",
            url,
            "--version",
            "20240102000000",
        ][..],
    ] {
        let run = run_strata(&bad, args);
        assert_eq!(run.code, Some(6), "{}", run.output());
        assert!(
            run.stdout
                .contains("FAILED 20240102000000  add_phone_and_email_index")
                && run.stdout.contains("customers_email_idx"),
            "{}",
            run.output()
        );
    }
    let json = run_strata(&bad, &["--json", "schema", "test-rollback", "--url", url]);
    assert_eq!(json.code, Some(6));
    assert_eq!(json.json()["stoppedAfter"], "20240102000000");
}

#[tokio::test]
async fn compare_at_a_version_names_what_came_after_it() {
    let p = project();
    p.write(
        "20240102000000",
        "orders",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL);\n",
        Some("DROP TABLE orders;\n"),
    );
    let target = TestTarget::create(DatabaseKind::Sqlite).await;
    let url = target.url();
    p.strata(&["up", "--url", url]).success();

    let older = p.strata(&[
        "schema",
        "compare",
        "--url",
        url,
        "--at-version",
        "20240101000000",
    ]);
    assert_eq!(older.code, Some(6), "they differ: {}", older.output());
    assert!(
        older
            .stdout
            .contains("B: schema at 20240101000000 (customers)")
            && older.stdout.contains("orders")
            && older.stdout.contains("CREATE TABLE \"orders\""),
        "the version, the table that came after it and the SQL that adds it: {}",
        older.output()
    );
    let json = p.strata(&[
        "--json",
        "schema",
        "compare",
        "--url",
        url,
        "--at-version",
        "20240101000000",
    ]);
    assert_eq!(json.code, Some(6), "{}", json.output());
    assert_eq!(
        json.json()["targetB"],
        "schema at 20240101000000 (customers)"
    );

    let latest = p.strata(&[
        "schema",
        "compare",
        "--url",
        url,
        "--at-version",
        "20240102000000",
    ]);
    assert_eq!(latest.code, Some(0), "{}", latest.output());
    assert!(latest.stdout.contains("same schema"), "{}", latest.output());

    let unknown = p.strata(&["schema", "compare", "--url", url, "--at-version", "1999"]);
    assert_eq!(unknown.code, Some(1), "{}", unknown.output());
    assert!(
        unknown.stderr.contains("no migration 1999"),
        "{}",
        unknown.output()
    );
    let both = p.strata(&[
        "schema",
        "compare",
        "--url",
        url,
        "--with",
        url,
        "--at-version",
        "20240101000000",
    ]);
    assert_eq!(
        both.code,
        Some(2),
        "--with and --at-version exclude each other: {}",
        both.output()
    );
    let neither = p.strata(&["schema", "compare", "--url", url]);
    assert_eq!(neither.code, Some(2), "{}", neither.output());
}
