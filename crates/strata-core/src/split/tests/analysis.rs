use super::*;
use DatabaseKind::{Mysql, Postgres, Sqlite};

/// The finding codes of the single statement in `sql`.
fn codes(sql: &str, d: DatabaseKind) -> Vec<&'static str> {
    findings(sql, d).iter().map(Finding::code).collect()
}

fn findings(sql: &str, d: DatabaseKind) -> Vec<Finding> {
    let split = checked(sql, d);
    let mut stmts = split.statements();
    let chunk = stmts.next().expect("a statement");
    assert!(stmts.next().is_none(), "one statement expected in {sql}");
    analyze(sql, chunk, d)
}

const CANNOT: &str = "cannot-run-in-transaction";
const TXN: &str = "transaction-control";
const IMPLICIT: &str = "implicit-commit";
const DROPS: &str = "drops-data";
const REWRITES: &str = "rewrites-table";
const LOCKS: &str = "locks-table";
const CHECKS: &str = "disables-checks";
const PRAGMA: &str = "pragma-ignored-in-transaction";

#[test]
fn each_finding_on_positive_and_negative_examples() {
    let cases: &[(DatabaseKind, &str, &[&str])] = &[
        // Cannot run in a transaction.
        (Postgres, "CREATE INDEX CONCURRENTLY i ON t (a)", &[CANNOT]),
        (
            Postgres,
            "create unique index concurrently if not exists i on t (a)",
            &[CANNOT],
        ),
        (Postgres, "-- CREATE INDEX CONCURRENTLY\nSELECT 1", &[]),
        (
            Postgres,
            "SELECT 'CREATE INDEX CONCURRENTLY x ON y (z)'",
            &[],
        ),
        (Postgres, "DROP INDEX CONCURRENTLY IF EXISTS i", &[CANNOT]),
        (Postgres, "DROP INDEX i", &[]),
        (
            Postgres,
            "REINDEX (VERBOSE) INDEX CONCURRENTLY i",
            &[CANNOT],
        ),
        (Postgres, "REINDEX DATABASE shop", &[CANNOT]),
        (Postgres, "REINDEX TABLE t", &[LOCKS]),
        (Postgres, "VACUUM ANALYZE t", &[CANNOT]),
        (Postgres, "SELECT 'VACUUM'", &[]),
        (Postgres, "VACUUM (FULL, ANALYZE) t", &[CANNOT, REWRITES]),
        (Postgres, "CREATE DATABASE shop", &[CANNOT]),
        (
            Postgres,
            "CREATE TABLESPACE fast LOCATION '/ssd'",
            &[CANNOT],
        ),
        (Postgres, "DROP TABLESPACE fast", &[CANNOT]),
        (Postgres, "ALTER SYSTEM SET work_mem = '64MB'", &[CANNOT]),
        (
            Postgres,
            "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p",
            &[CANNOT],
        ),
        (
            Postgres,
            "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok'",
            &[CANNOT],
        ),
        (
            Postgres,
            "ALTER TYPE mood RENAME VALUE 'meh' TO 'fine'",
            &[],
        ),
        (Postgres, "CLUSTER", &[CANNOT]),
        (Sqlite, "VACUUM", &[CANNOT]),
        (Sqlite, "/* VACUUM */ SELECT 1", &[]),
        (Mysql, "CREATE INDEX i ON t (a)", &[IMPLICIT]),
        // Transaction control.
        (Postgres, "BEGIN", &[TXN]),
        (
            Postgres,
            "begin transaction isolation level serializable",
            &[TXN],
        ),
        (Postgres, "COMMIT", &[TXN]),
        (Postgres, "END", &[TXN]),
        (Postgres, "SAVEPOINT a", &[TXN]),
        (Postgres, "ROLLBACK TO SAVEPOINT a", &[TXN]),
        (Mysql, "START TRANSACTION", &[TXN]),
        (Mysql, "START SLAVE", &[]),
        (Sqlite, "END TRANSACTION", &[TXN]),
        (Sqlite, "SELECT 'COMMIT'", &[]),
        (Postgres, "DO $$ BEGIN COMMIT; END $$", &[]),
        // Implicit commit on MySQL only.
        (Mysql, "ALTER TABLE t ADD COLUMN b int", &[IMPLICIT]),
        (Mysql, "RENAME TABLE a TO b", &[IMPLICIT]),
        (Mysql, "CREATE TEMPORARY TABLE tmp (a int)", &[]),
        (Mysql, "INSERT INTO t VALUES (1)", &[]),
        (Postgres, "ALTER TABLE t ADD COLUMN b int", &[]),
        (Sqlite, "CREATE TABLE t (a int)", &[]),
        // Drops data.
        (
            Postgres,
            "DROP TABLE IF EXISTS a, public.b CASCADE",
            &[DROPS],
        ),
        (Postgres, "DROP SCHEMA app CASCADE", &[DROPS]),
        (Postgres, "DROP DATABASE shop", &[DROPS, CANNOT]),
        (Postgres, "DROP VIEW v", &[]),
        (Postgres, "ALTER TABLE t DROP COLUMN IF EXISTS c", &[DROPS]),
        (Postgres, "ALTER TABLE t DROP c, ADD d int", &[DROPS]),
        (Postgres, "ALTER TABLE t DROP CONSTRAINT c", &[]),
        (Postgres, "ALTER TABLE t ALTER COLUMN c DROP DEFAULT", &[]),
        (Postgres, "ALTER TABLE t ALTER COLUMN c DROP NOT NULL", &[]),
        (Sqlite, "ALTER TABLE \"users\" DROP COLUMN phone", &[DROPS]),
        (Mysql, "ALTER TABLE t DROP INDEX i", &[IMPLICIT]),
        (
            Mysql,
            "ALTER TABLE t DROP PARTITION p2019",
            &[IMPLICIT, DROPS],
        ),
        (Postgres, "TRUNCATE TABLE a, b", &[DROPS]),
        (Mysql, "TRUNCATE t", &[DROPS, IMPLICIT]),
        (Postgres, "DELETE FROM t", &[DROPS]),
        (Postgres, "DELETE FROM t WHERE id = 1", &[]),
        (
            Postgres,
            "DELETE FROM t USING (SELECT 1 WHERE true) s",
            &[DROPS],
        ),
        (Sqlite, "UPDATE t SET a = 1", &[DROPS]),
        (
            Sqlite,
            "UPDATE t SET a = (SELECT b FROM u WHERE u.id = 1) WHERE a IS NULL",
            &[],
        ),
        (Sqlite, "SELECT * FROM t -- DELETE FROM t", &[]),
        (Mysql, "DROP TEMPORARY TABLE tmp", &[]),
        // Rewrites the table.
        (
            Postgres,
            "ALTER TABLE t ALTER COLUMN a TYPE bigint",
            &[REWRITES],
        ),
        (
            Postgres,
            "ALTER TABLE t ALTER a SET DATA TYPE text",
            &[REWRITES],
        ),
        (
            Postgres,
            "ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid()",
            &[REWRITES],
        ),
        (
            Postgres,
            "ALTER TABLE t ADD COLUMN n bigserial",
            &[REWRITES],
        ),
        (
            Postgres,
            "ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now()",
            &[],
        ),
        (
            Postgres,
            "ALTER TABLE t ADD COLUMN note text DEFAULT 'random()'",
            &[],
        ),
        (Postgres, "CLUSTER t USING t_pkey", &[REWRITES]),
        (Postgres, "VACUUM FULL t", &[CANNOT, REWRITES]),
        (
            Mysql,
            "ALTER TABLE t MODIFY COLUMN a bigint",
            &[IMPLICIT, REWRITES],
        ),
        (
            Mysql,
            "ALTER TABLE t ADD COLUMN b int, ALGORITHM=INSTANT",
            &[IMPLICIT],
        ),
        (
            Mysql,
            "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4",
            &[IMPLICIT, REWRITES],
        ),
        // Locks the table.
        (Postgres, "CREATE INDEX i ON t (a)", &[LOCKS]),
        (
            Postgres,
            "ALTER TABLE o ADD CONSTRAINT o_u FOREIGN KEY (u) REFERENCES u (id)",
            &[LOCKS],
        ),
        (
            Postgres,
            "ALTER TABLE o ADD CONSTRAINT o_u FOREIGN KEY (u) REFERENCES u (id) NOT VALID",
            &[],
        ),
        (Postgres, "ALTER TABLE o VALIDATE CONSTRAINT o_u", &[]),
        (Postgres, "ALTER TABLE o ADD CHECK (a > 0)", &[LOCKS]),
        (
            Postgres,
            "ALTER TABLE o ALTER COLUMN a SET NOT NULL",
            &[LOCKS],
        ),
        (Postgres, "ALTER TABLE o ADD PRIMARY KEY (id)", &[LOCKS]),
        (
            Postgres,
            "ALTER TABLE o ADD CONSTRAINT o_pk PRIMARY KEY USING INDEX o_idx",
            &[],
        ),
        (Sqlite, "CREATE INDEX i ON t (a)", &[]),
        // Disables checks.
        (Mysql, "SET FOREIGN_KEY_CHECKS=0", &[CHECKS]),
        (Mysql, "SET foreign_key_checks = OFF", &[CHECKS]),
        (Mysql, "SET @@session.foreign_key_checks := 0", &[CHECKS]),
        (
            Mysql,
            "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */",
            &[CHECKS],
        ),
        (Mysql, "SET FOREIGN_KEY_CHECKS=1", &[]),
        (Mysql, "SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS", &[]),
        (Mysql, "SELECT 'SET FOREIGN_KEY_CHECKS=0'", &[]),
        (
            Postgres,
            "SET session_replication_role = replica",
            &[CHECKS],
        ),
        (Postgres, "SET session_replication_role TO 'origin'", &[]),
        (Postgres, "ALTER TABLE t DISABLE TRIGGER ALL", &[CHECKS]),
        (Sqlite, "PRAGMA foreign_keys = OFF", &[CHECKS, PRAGMA]),
        (Sqlite, "PRAGMA main.foreign_keys=0", &[CHECKS, PRAGMA]),
        // Pragmas that do nothing in a transaction.
        (Sqlite, "PRAGMA foreign_keys = ON", &[PRAGMA]),
        (Sqlite, "PRAGMA journal_mode = WAL", &[PRAGMA]),
        (Sqlite, "PRAGMA foreign_keys", &[]),
        (Sqlite, "PRAGMA legacy_alter_table = OFF", &[]),
        (Sqlite, "-- PRAGMA foreign_keys = OFF\nSELECT 1", &[]),
        // Routine bodies are not run when the routine is created.
        (
            Postgres,
            "CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM t; END",
            &[],
        ),
        (
            Sqlite,
            "CREATE TRIGGER tr AFTER INSERT ON a BEGIN DELETE FROM b; END",
            &[],
        ),
    ];
    for (d, sql, want) in cases {
        let mut got = codes(sql, *d);
        let mut want = want.to_vec();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{d:?}: {sql}");
    }
}

#[test]
fn findings_read_as_sentences() {
    let f = findings("CREATE INDEX CONCURRENTLY i ON t (a)", Postgres);
    assert_eq!(
        f[0].to_string(),
        "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
    );
    let f = findings("ALTER TYPE mood ADD VALUE 'meh'", Postgres);
    assert!(
        f[0].to_string().contains("before PostgreSQL 12"),
        "{}",
        f[0]
    );
    assert!(f[0]
        .to_string()
        .contains("cannot be used until the transaction commits"));
    let f = findings("DROP TABLE \"users\"", Sqlite);
    assert_eq!(f[0].to_string(), "Drops data: table \"users\"");
    let f = findings("ALTER TABLE users DROP COLUMN phone", Postgres);
    assert_eq!(f[0].to_string(), "Drops data: column phone of users");
    let f = findings("DELETE FROM orders", Mysql);
    assert_eq!(
        f[0].to_string(),
        "Drops data: every row of orders (DELETE without WHERE)"
    );
    let f = findings("CREATE TABLE a (x int)", Mysql);
    assert_eq!(
        f[0].to_string(),
        "CREATE TABLE commits implicitly on MySQL/MariaDB: it cannot be rolled back"
    );
    let f = findings("CREATE INDEX i ON orders (a)", Postgres);
    assert_eq!(
        f[0].to_string(),
        "Locks the table: CREATE INDEX i without CONCURRENTLY blocks writes to orders until the index is built"
    );
    let f = findings(
        "CREATE UNIQUE INDEX IF NOT EXISTS s.j ON ONLY orders (b)",
        Postgres,
    );
    assert!(
        f[0].to_string().contains("CREATE INDEX s.j without"),
        "{}",
        f[0]
    );
    let f = findings("CREATE INDEX ON orders (c)", Postgres);
    assert!(
        f[0].to_string().contains("CREATE INDEX without"),
        "{}",
        f[0]
    );
    let f = findings("rollback to savepoint a", Postgres);
    assert!(f[0]
        .to_string()
        .starts_with("ROLLBACK TO SAVEPOINT: the migration controls"));
    let f = findings("BEGIN ISOLATION LEVEL SERIALIZABLE", Postgres);
    assert!(f[0].to_string().starts_with("BEGIN: "), "{}", f[0]);
    let f = findings("VACUUM (FULL, VERBOSE) public.events", Postgres);
    assert_eq!(
        f[1].to_string(),
        "Rewrites the table: VACUUM FULL rewrites public.events under an ACCESS EXCLUSIVE lock"
    );
    let f = findings("VACUUM FULL", Postgres);
    assert!(
        f[1].to_string().contains("every table of the database"),
        "{}",
        f[1]
    );
    let f = findings("SET FOREIGN_KEY_CHECKS = 0", Mysql);
    assert!(f[0]
        .to_string()
        .starts_with("Disables checks: SET FOREIGN_KEY_CHECKS = 0"));
}

#[test]
fn a_whole_mysql_file_is_analysed_statement_by_statement() {
    let sql = "SET FOREIGN_KEY_CHECKS=0;\nDROP PROCEDURE IF EXISTS p;\nCREATE PROCEDURE p()\nBEGIN\n  DELETE FROM t;\n  CASE WHEN 1 THEN SELECT 1; ELSE BEGIN END; END CASE;\n  IF 1 THEN TRUNCATE t; END IF;\nEND;\nDELETE FROM u;\nCOMMIT;";
    let split = checked(sql, Mysql);
    assert!(split.whole_text);
    let got: Vec<String> = analyze_split(sql, &split, Mysql)
        .iter()
        .map(|(i, f)| format!("{i} {f}"))
        .collect();
    assert_eq!(
        got,
        [
            "0 Disables checks: SET FOREIGN_KEY_CHECKS = 0; rows that break a constraint are accepted until the checks are back on",
            "0 DROP PROCEDURE commits implicitly on MySQL/MariaDB: it cannot be rolled back",
            "0 CREATE PROCEDURE commits implicitly on MySQL/MariaDB: it cannot be rolled back",
            "0 Drops data: every row of u (DELETE without WHERE)",
            "0 COMMIT: the migration controls its own transaction, but Strata already runs each migration in a transaction unless it is marked no-transaction",
        ]
    );
}

#[test]
fn analysis_of_chunks_from_another_text_does_not_panic() {
    let split = checked("SELECT 1; DELETE FROM t", Postgres);
    for d in DatabaseKind::ALL {
        for c in &split.chunks {
            let _ = analyze("", c, d);
            let _ = analyze("é", c, d);
        }
    }
}
