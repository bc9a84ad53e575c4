//! The real `strata` binary, run as a pipeline would run it: exit codes, text, JSON and errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn strata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .env_remove("STRATA_PROJECT")
        .env_remove("DATABASE_URL")
        .output()
        .expect("running strata")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn engines_lists_the_three_databases() {
    let out = strata(&["engines"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for name in ["PostgreSQL", "MySQL / MariaDB", "SQLite"] {
        assert!(text.contains(name), "{text}");
    }
}

#[test]
fn list_shows_the_demo_migrations_in_order() {
    let root = demo_project();
    let out = strata(&["--project", root.to_str().unwrap(), "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.len() >= 12, "{} migrations", list.len());
    assert_eq!(list[0]["name"], "create_users");
    let versions: Vec<u64> = list
        .iter()
        .map(|m| m["version"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");

    let text = stdout(&strata(&["-p", root.to_str().unwrap(), "list"]));
    assert!(
        text.starts_with(&format!("Strata demo shop: {} migrations in ", list.len())),
        "{text}"
    );
}

#[test]
fn a_folder_without_strata_toml_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = strata(&["-p", dir.path().to_str().unwrap(), "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a Strata project: it has no strata.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_migration_file_name_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("strata.toml"), "").unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    std::fs::write(
        dir.path().join("migrations/add users.sql"),
        "create table users(id int);",
    )
    .unwrap();
    let out = strata(&["-p", dir.path().to_str().unwrap(), "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("add users.sql") && err.contains("Rename it"),
        "{err}"
    );
}

#[test]
fn new_creates_a_migration_that_list_then_shows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("strata.toml"),
        "[project]\nname = \"Shop\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    let root = dir.path().to_str().unwrap();
    let out = strata(&["-p", root, "new", "Add phone to users", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = created["version"].as_str().unwrap().to_owned();
    assert_eq!(version.len(), 14, "a UTC timestamp: {version}");
    assert_eq!(created["name"], "add_phone_to_users");
    for key in ["upPath", "downPath"] {
        let path = created[key].as_str().unwrap();
        assert!(Path::new(path).is_file(), "{path}");
    }

    let out = strata(&["-p", root, "new", "second"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("created "), "{}", stdout(&out));

    let out = strata(&["-p", root, "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Shop: 2 migrations in ") && text.contains("(strata layout)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{version}  add_phone_to_users\n")),
        "{text}"
    );
    // The new parts hold only a comment: each is a no-op until written, and list says so.
    assert_eq!(
        stderr(&out).matches("note: ").count(),
        4,
        "{}",
        stderr(&out)
    );

    let out = strata(&["-p", root, "new", "???"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not usable as a migration name"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn list_reads_the_layout_set_in_strata_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("strata.toml"),
        "[project]\nlayout = \"flyway\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    for (name, sql) in [
        ("V1.10__c.sql", "select 3;"),
        ("V1.2__b.sql", "select 2;"),
        ("V1__a.sql", "select 1;"),
        ("R__views.sql", "select 4;"),
    ] {
        std::fs::write(dir.path().join("migrations").join(name), sql).unwrap();
    }
    let out = strata(&["-p", dir.path().to_str().unwrap(), "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let versions: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1", "1.2", "1.10", "R__views"]);
    assert_eq!(list[3]["kind"], "repeatable");
    assert_eq!(list[0]["checksum"].as_str().unwrap().len(), 64);
}

#[test]
fn ping_reports_sqlite_and_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite:{}", dir.path().join("nope.sqlite3").display());
    let out = strata(&["ping", &missing]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot connect to SQLite"),
        "{}",
        stderr(&out)
    );

    let out = strata(&["ping", "sqlite::memory:", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["kind"], "sqlite");
}

#[test]
fn ping_postgres_hides_the_password() {
    let url = std::env::var("STRATA_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!("STRATA_TEST_POSTGRES_URL is not set: run `make test`, or set it to postgres://postgres@127.0.0.1:5432/test")
    });
    let out = strata(&["ping", &url]);
    assert!(
        out.status.success(),
        "PostgreSQL at {url}: {}",
        stderr(&out)
    );
    assert!(stdout(&out).starts_with("PostgreSQL "), "{}", stdout(&out));

    let mut wrong = url::Url::parse(&url).unwrap();
    wrong.set_username("strata_nobody").unwrap();
    wrong.set_password(Some("topsecret")).unwrap();
    let out = strata(&["ping", wrong.as_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        !err.contains("topsecret") && err.contains("strata_nobody:***@"),
        "{err}"
    );
}
