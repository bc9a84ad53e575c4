//! The schema diff's DDL takes a real database from A to B and back, on SQLite, PostgreSQL and
//! MariaDB: for each hand-made case in `tests/fixtures/schema_cases/<dialect>/NN_name/` (an
//! `a.sql` and a `b.sql`), A and B are built in scratch databases and introspected,
//! `ddl(diff(A, B))` is applied to A, and A must then introspect equal to B (`diff(A', B)` is
//! empty); the down DDL, `ddl(diff(B, A))`, applied to it must bring back A. Rename directives
//! in `b.sql` (`-- strata:rename …`) are the hints. A case may hold an `expect.txt` whose
//! `down-error: <text>` line says the down direction is refused with that text, and whose `after-up: <count query> = <n>` and
//! `after-down: …` lines check that the rows survive (renames, casts, table rebuilds).

use std::path::{Path, PathBuf};
use std::time::Duration;

use strata_core::driver::Session;
use strata_core::schema::ddl::ddl;
use strata_core::schema::diff::{diff, diff_with_renames, RenameHints};
use strata_core::schema::introspect::introspect_url;
use strata_core::schema::Schema;
use strata_core::DatabaseKind;
use strata_system_tests::per_engine;
use strata_system_tests::servers::TestTarget;

const T: Duration = Duration::from_secs(15);

fn dialect_dir(kind: DatabaseKind) -> PathBuf {
    let name = match kind {
        DatabaseKind::Postgres => "postgres",
        DatabaseKind::Mysql => "mysql",
        DatabaseKind::Sqlite => "sqlite",
    };
    strata_system_tests::repo_root()
        .join("tests/fixtures/schema_cases")
        .join(name)
}

fn cases(kind: DatabaseKind) -> Vec<PathBuf> {
    let dir = dialect_dir(kind);
    let mut list: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.join("a.sql").is_file())
        .collect();
    list.sort();
    list
}

/// Run a script statement by statement, as the dialect's client splits it.
async fn run_script(url: &str, kind: DatabaseKind, sql: &str) -> Result<(), String> {
    let mut s = Session::connect(url, T).await.map_err(|e| e.to_string())?;
    let split = strata_core::split::split(sql, kind);
    for chunk in split.statements() {
        let text = chunk.exec_text(sql);
        if let Err(e) = s.execute(text).await {
            s.close().await;
            return Err(format!("line {}: {text}\n  failed: {e}", chunk.line));
        }
    }
    s.close().await;
    Ok(())
}

/// Apply generated statements one by one (outside a transaction, as SQLite's rebuild needs).
async fn apply(url: &str, statements: &[String]) -> Result<(), String> {
    let mut s = Session::connect(url, T).await.map_err(|e| e.to_string())?;
    for sql in statements {
        if let Err(e) = s.execute(sql).await {
            s.close().await;
            return Err(format!("{sql}\n  failed: {e}"));
        }
    }
    s.close().await;
    Ok(())
}

async fn build(kind: DatabaseKind, sql: &str, what: &str) -> Result<(TestTarget, Schema), String> {
    let target = TestTarget::create(kind).await;
    run_script(target.url(), kind, sql)
        .await
        .map_err(|e| format!("building {what}: {e}"))?;
    let schema = introspect_url(target.url())
        .await
        .map_err(|e| format!("introspecting {what}: {e}"))?;
    Ok((target, schema))
}

fn script(statements: &[String]) -> String {
    statements.iter().map(|s| format!("{s};\n")).collect()
}

/// The `<prefix> <query> = <number>` lines of `expect.txt`: a count the rows must still give
/// after the DDL (a rename keeps the rows, a type change casts them).
async fn check_rows(url: &str, expect: &str, prefix: &str, ran: &[String]) -> Result<(), String> {
    for line in expect.lines() {
        let Some(rest) = line.strip_prefix(prefix) else {
            continue;
        };
        let (query, want) = (rest.rsplit_once('='))
            .ok_or_else(|| format!("expect.txt: `{line}` has no `= <number>`"))?;
        let want: i64 = (want.trim().parse()).map_err(|e| format!("expect.txt: `{line}`: {e}"))?;
        let got = count(url, query.trim()).await;
        if got != want {
            return Err(format!(
                "{prefix} `{}` gives {got}, not {want}: the DDL lost or changed rows\nscript:\n{}",
                query.trim(),
                script(ran)
            ));
        }
    }
    Ok(())
}

/// One case folder, start to end; `Err` says which step failed and shows the evidence.
async fn run_case(kind: DatabaseKind, dir: &Path) -> Result<(), String> {
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).map_err(|e| format!("{f}: {e}"));
    let (a_sql, b_sql) = (read("a.sql")?, read("b.sql")?);
    let expect = read("expect.txt").unwrap_or_default();
    run_sql_case(kind, &a_sql, &b_sql, &expect).await
}

/// One case given as A's and B's SQL and its `expect.txt` text.
async fn run_sql_case(
    kind: DatabaseKind,
    a_sql: &str,
    b_sql: &str,
    expect: &str,
) -> Result<(), String> {
    let down_error = (expect.lines())
        .find_map(|l| l.strip_prefix("down-error:"))
        .map(str::trim);
    let hints = RenameHints::from_migration(b_sql, kind).map_err(|e| e.to_string())?;

    let (a_db, a) = build(kind, a_sql, "A").await?;
    let (_b_db, b) = build(kind, b_sql, "B").await?;
    let forward = diff_with_renames(&a, &b, &hints);
    if forward.is_empty() {
        return Err("A and B introspect equal: the case tests nothing".into());
    }
    let up = ddl(&forward, &a, &b)
        .map_err(|e| format!("up DDL refused: {e}\ndiff:\n{}", forward.to_text()))?;
    apply(a_db.url(), &up)
        .await
        .map_err(|e| format!("applying the up DDL: {e}\nscript:\n{}", script(&up)))?;
    let a2 = introspect_url(a_db.url())
        .await
        .map_err(|e| e.to_string())?;
    let left = diff(&a2, &b);
    if !left.is_empty() {
        return Err(format!(
            "after the up DDL, A still differs from B:\n{}script:\n{}",
            left.to_text(),
            script(&up)
        ));
    }
    check_rows(a_db.url(), expect, "after-up:", &up).await?;

    let backward = diff_with_renames(&b, &a, &hints.reversed());
    let down = match (ddl(&backward, &b, &a), down_error) {
        (Err(e), Some(want)) if e.to_string().contains(want) => return Ok(()),
        (Err(e), _) => {
            return Err(format!(
                "down DDL refused: {e}\ndiff:\n{}",
                backward.to_text()
            ))
        }
        (Ok(down), Some(want)) => {
            return Err(format!(
                "the down DDL was expected to be refused with `{want}`, got:\n{}",
                script(&down)
            ))
        }
        (Ok(down), None) => down,
    };
    apply(a_db.url(), &down)
        .await
        .map_err(|e| format!("applying the down DDL: {e}\nscript:\n{}", script(&down)))?;
    let a3 = introspect_url(a_db.url())
        .await
        .map_err(|e| e.to_string())?;
    let left = diff(&a3, &a);
    if !left.is_empty() {
        return Err(format!(
            "after the down DDL, the database differs from A:\n{}script:\n{}",
            left.to_text(),
            script(&down)
        ));
    }
    check_rows(a_db.url(), expect, "after-down:", &down).await?;
    Ok(())
}

async fn roundtrip(kind: DatabaseKind) {
    let cases = cases(kind);
    assert!(
        cases.len() >= 30,
        "{kind}: only {} cases in {}",
        cases.len(),
        dialect_dir(kind).display()
    );
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if let Err(e) = run_case(kind, dir).await {
            failures.push(format!("--- {name}: {e}"));
        }
    }
    eprintln!(
        "{kind}: {} of {} cases round-trip",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{kind}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

per_engine!(ddl_takes_a_to_b_and_back, roundtrip);

/// MariaDB sequences (10.3+), as (name, A, B, expect.txt) cases run like the case folders:
/// added, dropped, and each option changed in place with `ALTER SEQUENCE`, on a sequence that
/// has handed out values (its next value must survive the change).
const MARIADB_SEQUENCE_CASES: [(&str, &str, &str, &str); 7] = [
    (
        "add sequence",
        "CREATE TABLE t (id INT PRIMARY KEY);",
        "CREATE TABLE t (id INT PRIMARY KEY);\nCREATE SEQUENCE s START WITH 10 INCREMENT BY 5 MINVALUE 10 MAXVALUE 1000 CACHE 50;",
        "",
    ),
    (
        "drop sequence",
        "CREATE SEQUENCE s;\nCREATE SEQUENCE `other seq` CYCLE MAXVALUE 9;",
        "CREATE SEQUENCE s;",
        "",
    ),
    (
        "change increment",
        "CREATE SEQUENCE s START WITH 1 NOCACHE;\nSELECT NEXTVAL(s);\nSELECT NEXTVAL(s);",
        "CREATE SEQUENCE s START WITH 1 INCREMENT BY 10 NOCACHE;",
        // Handed out 1 and 2; 3 comes next, then 3 + 10.
        "after-up: SELECT NEXTVAL(s) = 3\nafter-down: SELECT NEXTVAL(s) = 13",
    ),
    (
        "change cache",
        "CREATE SEQUENCE s CACHE 1000;",
        "CREATE SEQUENCE s NOCACHE;",
        "",
    ),
    (
        "change cache size",
        "CREATE SEQUENCE s CACHE 20;",
        "CREATE SEQUENCE s CACHE 500;",
        "",
    ),
    (
        "change cycle",
        "CREATE SEQUENCE s MAXVALUE 100 NOCYCLE;",
        "CREATE SEQUENCE s MAXVALUE 100 CYCLE;",
        "",
    ),
    (
        "sequence and a table whose default reads it",
        "CREATE TABLE t (id INT PRIMARY KEY);",
        "CREATE TABLE t (id INT PRIMARY KEY);\nCREATE SEQUENCE order_no START WITH 100;\n\
         CREATE TABLE orders (no BIGINT NOT NULL DEFAULT (NEXT VALUE FOR order_no) PRIMARY KEY);",
        "",
    ),
];

#[tokio::test]
async fn mariadb_sequences_take_a_to_b_and_back() {
    let mut failures = Vec::new();
    for (name, a, b, expect) in MARIADB_SEQUENCE_CASES {
        if let Err(e) = run_sql_case(DatabaseKind::Mysql, a, b, expect).await {
            failures.push(format!("--- {name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} MariaDB sequence cases failed:\n{}",
        failures.len(),
        MARIADB_SEQUENCE_CASES.len(),
        failures.join("\n")
    );
}

/// The number a one-value query returns.
async fn count(url: &str, sql: &str) -> i64 {
    let mut s = Session::connect(url, T)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let n = s
        .scalar_i64(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    s.close().await;
    n
}

/// SQLite's table rebuild keeps the rows of the rebuilt table and of the tables that reference
/// it with ON DELETE CASCADE: the generated script turns foreign keys off around the rebuild.
#[tokio::test]
async fn sqlite_rebuild_keeps_rows_of_the_table_and_of_its_children() {
    let kind = DatabaseKind::Sqlite;
    let a_sql = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n\
                 CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);\n\
                 INSERT INTO users VALUES (1, 'Ada', 'ada@example.com'), (2, 'Bob', NULL);\n\
                 INSERT INTO posts VALUES (10, 1), (11, 1), (12, 2);";
    let b_sql = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name VARCHAR(80) NOT NULL);\n\
                 CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);";
    let (a_db, a) = build(kind, a_sql, "A")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (_b_db, b) = build(kind, b_sql, "B")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let up = ddl(&diff(&a, &b), &a, &b).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        up.iter()
            .any(|s| s.starts_with("CREATE TABLE \"new_users\"")),
        "not a rebuild:\n{}",
        script(&up)
    );
    apply(a_db.url(), &up)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        count(a_db.url(), "SELECT count(*) FROM posts").await,
        3,
        "posts lost rows:\n{}",
        script(&up)
    );
    assert_eq!(
        count(
            a_db.url(),
            "SELECT count(*) FROM users WHERE name = 'Ada' AND email = 'ada@example.com'"
        )
        .await,
        1
    );
    assert_eq!(count(a_db.url(), "SELECT count(*) FROM users").await, 2);
    let after = introspect_url(a_db.url())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        diff(&after, &b).is_empty(),
        "{}",
        diff(&after, &b).to_text()
    );
}
