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
