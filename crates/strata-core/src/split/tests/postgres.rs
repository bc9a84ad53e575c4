use super::*;

const PG: DatabaseKind = DatabaseKind::Postgres;

#[test]
fn table() {
    let cases: &[(&str, &[&str])] = &[
        // Semicolons in comments and strings.
        ("SELECT 1; -- a;b\nSELECT 2;", &["SELECT 1", "SELECT 2"]),
        ("SELECT 'a;b'; SELECT 'it''s;';", &["SELECT 'a;b'", "SELECT 'it''s;'"]),
        ("SELECT 'a\\'; SELECT 2;", &["SELECT 'a\\'", "SELECT 2"]),
        // E'' strings: backslash escapes.
        ("SELECT E'\\''; SELECT 2;", &["SELECT E'\\''", "SELECT 2"]),
        ("SELECT e'a\\';b'; SELECT 2;", &["SELECT e'a\\';b'", "SELECT 2"]),
        ("SELECT E'\\\\'; SELECT 2;", &["SELECT E'\\\\'", "SELECT 2"]),
        // `E` ending another word is not a prefix.
        ("SELECT type'a;'; SELECT 2;", &["SELECT type'a;'", "SELECT 2"]),
        // Dollar quotes.
        ("DO $$ BEGIN PERFORM 1; END $$; SELECT 2;", &["DO $$ BEGIN PERFORM 1; END $$", "SELECT 2"]),
        (
            "CREATE FUNCTION f() RETURNS text AS $fn$ SELECT $$;$$; $fn$ LANGUAGE sql; SELECT 2;",
            &["CREATE FUNCTION f() RETURNS text AS $fn$ SELECT $$;$$; $fn$ LANGUAGE sql", "SELECT 2"],
        ),
        ("SELECT $1; SELECT $2::int;", &["SELECT $1", "SELECT $2::int"]),
        ("SELECT a$b; SELECT 2;", &["SELECT a$b", "SELECT 2"]),
        ("SELECT $a$ $b$ ; $a$; SELECT 2;", &["SELECT $a$ $b$ ; $a$", "SELECT 2"]),
        // Nested block comments.
        ("/* a /* b; */ c; */ SELECT 1; SELECT 2;", &["SELECT 1", "SELECT 2"]),
        // Quoted identifiers.
        ("SELECT \"a;\"\"b\" FROM t; SELECT 2", &["SELECT \"a;\"\"b\" FROM t", "SELECT 2"]),
        // Parentheses: CREATE RULE with several actions, as psql does it.
        (
            "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1;",
            &["CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 1"],
        ),
        // BEGIN ATOMIC bodies, with CASE … END inside.
        (
            "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; SELECT 3; END; SELECT 4;",
            &["CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; SELECT 3; END", "SELECT 4"],
        ),
        (
            "CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END; CALL p();",
            &["CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END", "CALL p()"],
        ),
        // Transaction control is ordinary statements.
        ("BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;", &["BEGIN", "CREATE TABLE a (x int)", "COMMIT"]),
        ("BEGIN; SELECT CASE WHEN true THEN 1 END; END;", &["BEGIN", "SELECT CASE WHEN true THEN 1 END", "END"]),
        // Unterminated things run to the end.
        ("SELECT 1; SELECT 'abc; SELECT 3;", &["SELECT 1", "SELECT 'abc; SELECT 3;"]),
        ("SELECT 1; SELECT $x$ abc; SELECT 3;", &["SELECT 1", "SELECT $x$ abc; SELECT 3;"]),
        ("SELECT 1; /* /* */ SELECT 3;", &["SELECT 1"]),
    ];
    for (sql, want) in cases {
        assert_eq!(&execs(sql, PG), want, "{sql}");
    }
}

#[test]
fn plpgsql_function_with_dollar_quotes_and_a_trigger() {
    let sql = r#"
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- not the end of the statement;
    NEW.updated_at := now();
    IF NEW.note IS NULL THEN
        NEW.note := E'none\'s;';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
"#;
    let got = execs(sql, PG);
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got[1].starts_with("CREATE OR REPLACE FUNCTION") && got[1].ends_with("END;\n$$"));
    assert!(got[2].ends_with("set_updated_at()"));
}

#[test]
fn issue_examples() {
    // A file with its own BEGIN/COMMIT, CREATE INDEX CONCURRENTLY, a last statement without `;`.
    let sql = "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);\nVACUUM ANALYZE t";
    assert_eq!(
        execs(sql, PG),
        [
            "BEGIN",
            "ALTER TYPE mood ADD VALUE 'meh'",
            "COMMIT",
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            "VACUUM ANALYZE t"
        ]
    );
}
