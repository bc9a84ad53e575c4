//! The statement splitter and its analysis on real-looking files: the demo project's
//! migrations and a corpus of PostgreSQL, MySQL and SQLite files under fixtures/split/.

use std::path::{Path, PathBuf};
use std::time::Instant;

use strata_core::split::{analyze, split, ChunkKind, Split};
use strata_core::DatabaseKind;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap()
}

/// The chunks reassemble to the file exactly, in order, and each exec lies inside its chunk.
fn assert_reassembles(sql: &str, split: &Split, file: &str) {
    let mut at = 0;
    for c in &split.chunks {
        assert_eq!(c.range.start, at, "{file}: gap or overlap at byte {at}");
        assert!(
            c.exec.start >= c.range.start && c.exec.end <= c.range.end,
            "{file}: {c:?}"
        );
        at = c.range.end;
    }
    let joined: String = split.chunks.iter().map(|c| c.text(sql)).collect();
    assert!(
        joined == sql,
        "{file}: the chunks do not reassemble to the file"
    );
}

/// Statements per file of the demo project (SQLite).
const DEMO: &[(&str, usize)] = &[
    ("20240115103000_create_users.down.sql", 1),
    ("20240115103000_create_users.up.sql", 1),
    ("20240116091500_create_roles_and_permissions.down.sql", 4),
    ("20240116091500_create_roles_and_permissions.up.sql", 6),
    ("20240122140000_add_phone_to_users.down.sql", 1),
    ("20240122140000_add_phone_to_users.up.sql", 1),
    ("20240129100000_create_categories.down.sql", 2),
    ("20240129100000_create_categories.up.sql", 1),
    ("20240129101500_create_products.down.sql", 1),
    ("20240129101500_create_products.up.sql", 1),
    ("20240205093000_create_orders.down.sql", 1),
    ("20240205093000_create_orders.up.sql", 1),
    ("20240205094500_create_order_items.down.sql", 1),
    ("20240205094500_create_order_items.up.sql", 1),
    ("20240212110000_add_order_and_catalogue_indexes.down.sql", 5),
    ("20240212110000_add_order_and_catalogue_indexes.up.sql", 5),
    ("20240220150000_add_full_name_to_users.down.sql", 1),
    ("20240220150000_add_full_name_to_users.up.sql", 2),
    (
        "20240304120000_add_price_stock_quantity_checks.down.sql",
        11,
    ),
    ("20240304120000_add_price_stock_quantity_checks.up.sql", 11),
    ("20240318160000_store_prices_in_cents.down.sql", 11),
    ("20240318160000_store_prices_in_cents.up.sql", 11),
    ("20240402100000_create_audit_log.down.sql", 2),
    ("20240402100000_create_audit_log.up.sql", 3),
    ("20240415090000_add_soft_delete_to_products.down.sql", 2),
    ("20240415090000_add_soft_delete_to_products.up.sql", 2),
    ("20240502110000_create_order_summaries_view.down.sql", 1),
    ("20240502110000_create_order_summaries_view.up.sql", 1),
    ("20240610090000_create_app_settings.down.sql", 1),
    ("20240610090000_create_app_settings.up.sql", 1),
];

#[test]
fn demo_migrations_split_into_their_statements() {
    let dir = manifest_dir().join("../../migrations");
    let files = sql_files(&dir);
    assert!(!files.is_empty(), "no migrations in {}", dir.display());
    for path in &files {
        let file = name(path);
        let Some(&(_, want)) = DEMO.iter().find(|(n, _)| *n == file) else {
            panic!("{file} is new: add its statement count to DEMO in this test");
        };
        let sql = read(path);
        let split = split(&sql, DatabaseKind::Sqlite);
        assert_reassembles(&sql, &split, file);
        assert_eq!(split.statements().count(), want, "{file}");
        for stmt in split.statements() {
            let findings = analyze(&sql, stmt, DatabaseKind::Sqlite);
            // The demo runs every migration in a transaction: nothing may need otherwise.
            assert!(
                findings.iter().all(|f| !matches!(
                    f.code(),
                    "cannot-run-in-transaction" | "transaction-control"
                )),
                "{file}: {findings:?}"
            );
        }
    }
    assert_eq!(
        files.len(),
        DEMO.len(),
        "a migration listed in DEMO is missing"
    );
}

#[test]
fn demo_trigger_body_stays_one_statement() {
    let path = manifest_dir().join("../../migrations/20240402100000_create_audit_log.up.sql");
    let sql = read(&path);
    let split = split(&sql, DatabaseKind::Sqlite);
    let trigger = split.statements().last().unwrap();
    let text = trigger.exec_text(&sql);
    assert!(
        text.starts_with("CREATE TRIGGER trg_orders_status_audit"),
        "{text}"
    );
    assert!(
        text.contains("json_object('status', NEW.status));\nEND"),
        "{text}"
    );
    assert!(text.ends_with("END"));
    assert_eq!(trigger.column, 1);
    assert_eq!(
        &sql.lines().nth(trigger.line as usize - 1).unwrap()[..14],
        "CREATE TRIGGER"
    );
}

/// Statements, whether the file is sent whole, and the findings as (statement index, code).
type Expectation = (&'static str, usize, bool, &'static [(usize, &'static str)]);

const CANNOT: &str = "cannot-run-in-transaction";
const TXN: &str = "transaction-control";
const IMPLICIT: &str = "implicit-commit";
const DROPS: &str = "drops-data";
const REWRITES: &str = "rewrites-table";
const LOCKS: &str = "locks-table";
const CHECKS: &str = "disables-checks";
const PRAGMA: &str = "pragma-ignored-in-transaction";

const CORPUS: &[Expectation] = &[
    ("pg_001_accounts_plpgsql.sql", 11, false, &[]),
    (
        "pg_002_own_transaction.sql",
        8,
        false,
        &[
            (0, TXN),
            (2, REWRITES),
            (4, TXN),
            (5, DROPS),
            (6, TXN),
            (7, TXN),
        ],
    ),
    (
        "pg_003_concurrent_indexes.sql",
        5,
        false,
        &[(0, CANNOT), (1, CANNOT), (2, CANNOT), (3, LOCKS)],
    ),
    (
        "pg_004_enum_atomic_and_friends.sql",
        5,
        false,
        &[(0, CANNOT)],
    ),
    (
        "pg_005_risky_changes.sql",
        9,
        false,
        &[
            (0, REWRITES),
            (1, LOCKS),
            (1, LOCKS),
            (4, DROPS),
            (5, DROPS),
            (6, DROPS),
            (7, DROPS),
            (8, CANNOT),
            (8, REWRITES),
        ],
    ),
    (
        "mysql_001_delimiter_procedures.sql",
        5,
        false,
        &[(0, IMPLICIT), (1, IMPLICIT), (2, IMPLICIT), (3, IMPLICIT)],
    ),
    (
        "mysql_002_routine_without_delimiter.sql",
        1,
        true,
        &[(0, IMPLICIT), (0, IMPLICIT), (0, IMPLICIT)],
    ),
    (
        "mysql_003_foreign_key_checks.sql",
        7,
        false,
        &[
            (1, CHECKS),
            (2, IMPLICIT),
            (2, DROPS),
            (3, IMPLICIT),
            (5, IMPLICIT),
            (5, REWRITES),
        ],
    ),
    (
        "mysql_004_mysqldump.sql",
        17,
        false,
        &[
            (2, CHECKS),
            (3, CHECKS),
            (4, IMPLICIT),
            (4, DROPS),
            (6, IMPLICIT),
            (7, IMPLICIT),
            (8, IMPLICIT),
            (10, IMPLICIT),
            (13, IMPLICIT),
        ],
    ),
    (
        "sqlite_001_rebuild_with_triggers.sql",
        10,
        false,
        &[
            (0, CHECKS),
            (0, PRAGMA),
            (1, TXN),
            (4, DROPS),
            (8, TXN),
            (9, PRAGMA),
        ],
    ),
    (
        "sqlite_002_maintenance.sql",
        4,
        false,
        &[(1, DROPS), (2, PRAGMA), (3, CANNOT)],
    ),
];

fn dialect_of(file: &str) -> DatabaseKind {
    match file.split('_').next() {
        Some("pg") => DatabaseKind::Postgres,
        Some("mysql") => DatabaseKind::Mysql,
        Some("sqlite") => DatabaseKind::Sqlite,
        _ => panic!("{file}: name it pg_…, mysql_… or sqlite_…"),
    }
}

#[test]
fn corpus_files_split_and_analyse_as_expected() {
    let dir = manifest_dir().join("tests/fixtures/split");
    let files = sql_files(&dir);
    assert_eq!(
        files.len(),
        CORPUS.len(),
        "every fixture needs an expectation"
    );
    for path in &files {
        let file = name(path);
        let Some(&(_, statements, whole, findings)) = CORPUS.iter().find(|e| e.0 == file) else {
            panic!("{file} has no expectation in CORPUS");
        };
        let d = dialect_of(file);
        let sql = read(path);
        let split = split(&sql, d);
        assert_reassembles(&sql, &split, file);
        assert_eq!(split.statements().count(), statements, "{file}");
        assert_eq!(split.whole_text, whole, "{file}");
        let mut got: Vec<(usize, &str)> = split
            .statements()
            .enumerate()
            .flat_map(|(i, c)| analyze(&sql, c, d).into_iter().map(move |f| (i, f.code())))
            .collect();
        let mut want = findings.to_vec();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn mysql_delimiter_lines_are_not_sent() {
    let sql = read(&manifest_dir().join("tests/fixtures/split/mysql_001_delimiter_procedures.sql"));
    let split = split(&sql, DatabaseKind::Mysql);
    let delimiters: Vec<&str> = split
        .chunks
        .iter()
        .filter(|c| c.kind == ChunkKind::Delimiter)
        .map(|c| c.exec_text(&sql))
        .collect();
    assert_eq!(delimiters, ["DELIMITER $$", "DELIMITER ;"]);
    for stmt in split.statements() {
        let text = stmt.exec_text(&sql);
        assert!(
            !text.contains("$$") && !text.contains("DELIMITER"),
            "{text}"
        );
    }
}

/// About 1 MB of PL/pgSQL migrations: every fixture of PostgreSQL, over and over.
fn big_postgres_file() -> (String, usize) {
    let dir = manifest_dir().join("tests/fixtures/split");
    let mut unit = String::new();
    let mut per_unit = 0;
    for (file, statements, ..) in CORPUS.iter().filter(|e| e.0.starts_with("pg_")) {
        unit.push_str(&read(&dir.join(file)));
        // The file without a final `;` would merge with the next copy.
        unit.push_str(";\n");
        per_unit += statements;
    }
    let copies = (1 << 20) / unit.len() + 1;
    (unit.repeat(copies), per_unit * copies)
}

#[test]
fn a_megabyte_of_plpgsql_splits_into_every_statement() {
    let (sql, statements) = big_postgres_file();
    let split = split(&sql, DatabaseKind::Postgres);
    assert_reassembles(&sql, &split, "big file");
    assert_eq!(split.statements().count(), statements);
}

/// `cargo test -p strata-core --release --test split_corpus -- --ignored --nocapture`
#[test]
#[ignore = "a measurement: run it in release mode"]
fn split_throughput() {
    let (sql, _) = big_postgres_file();
    let mb = sql.len() as f64 / (1 << 20) as f64;
    for d in DatabaseKind::ALL {
        let runs = 20;
        let start = Instant::now();
        let mut chunks = 0;
        for _ in 0..runs {
            chunks += split(&sql, d).chunks.len();
        }
        let secs = start.elapsed().as_secs_f64() / runs as f64;
        println!(
            "{d:?}: {mb:.2} MB in {:.2} ms = {:.0} MB/s ({} chunks)",
            secs * 1e3,
            mb / secs,
            chunks / runs
        );
    }
}
