//! Property tests: whatever the input, splitting and analysis never panic and the chunks
//! partition the input exactly.

use proptest::prelude::*;

use super::*;

/// Pieces that exercise every lexer and splitter state, glued together at random.
const FRAGMENTS: &[&str] = &[
    "'",
    "''",
    "\"",
    "`",
    "\\",
    "E'",
    "e'",
    "$$",
    "$a$",
    "$ab$",
    "$1",
    "$",
    "/*",
    "*/",
    "/*!40101 ",
    "/*M!100100 ",
    "--",
    "-- ",
    "#",
    ";",
    ";;",
    "//",
    "(",
    ")",
    "[",
    "]",
    "BEGIN",
    "begin ",
    "END",
    "END IF",
    "END CASE",
    "CASE",
    "ATOMIC",
    "NOT ATOMIC",
    "CREATE ",
    "TRIGGER ",
    "FUNCTION ",
    "PROCEDURE ",
    "OR REPLACE ",
    "TEMP ",
    "DEFINER=`a`@`b` ",
    "DELIMITER //",
    "DELIMITER ;",
    "DELIMITER $$",
    "delimiter ;;\n",
    "DELIMITER",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "é",
    "🦀",
    "日本",
    "\u{0}",
    "SELECT 1",
    "x",
    ".",
    ":",
    "@",
    "=",
    "0",
    "OFF",
    "VACUUM",
    "CONCURRENTLY",
    "INDEX ",
    "ON ",
    "t",
    "DROP TABLE ",
    "ALTER TABLE t ",
    "ADD ",
    "DROP ",
    "COLUMN ",
    "ALTER TYPE x ADD VALUE ",
    "SET FOREIGN_KEY_CHECKS=",
    "PRAGMA foreign_keys=",
    "DELETE FROM t",
    "UPDATE t SET a=1",
    "WHERE",
    "REINDEX (",
    "DEFAULT random()",
    ",",
    "CONSTRAINT c ",
    "FOREIGN KEY ",
    "TYPE ",
    "SET ",
    "NOT NULL",
    "TRUNCATE ",
    "CLUSTER",
];

/// No regression files: a failing case is shrunk and printed; add it to a unit test.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn sqlish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|v| v.concat())
}

/// Split and analyse `sql` in every dialect, checking the invariants.
fn check_everything(sql: &str) {
    for d in DatabaseKind::ALL {
        let split = split(sql, d);
        assert_invariants(sql, &split);
        for chunk in &split.chunks {
            let _ = analyze(sql, chunk, d);
            let n = chunk.exec_text(sql).chars().count();
            for offset in [0, n / 2, n, n + 5] {
                let (line, column) = locate(sql, chunk, offset);
                assert!(line >= chunk.line && column >= 1);
            }
        }
        let _ = analyze_split(sql, &split, d);
    }
}

/// A statement every dialect reads the same way, ending in `;`, with `;` and quotes of the
/// other kinds inside its literals.
fn simple_statement() -> impl Strategy<Value = String> {
    let text = "[^'\\\\]{0,12}";
    let ident = "[a-z][a-z0-9_]{0,8}";
    prop_oneof![
        (ident, text).prop_map(|(t, s)| format!("INSERT INTO {t} VALUES ('{s}');")),
        (ident, text).prop_map(|(t, s)| format!("UPDATE {t} SET a = 'it''s {s}' WHERE b = 1;")),
        ident.prop_map(|t| format!("CREATE TABLE {t} (\n  a int,\n  b text DEFAULT 'x;y'\n);")),
        ident.prop_map(|t| format!("SELECT \"{t};\" FROM {t}\n;")),
        Just("BEGIN;".to_owned()),
        Just("COMMIT;".to_owned()),
    ]
}

/// What may stand between statements in every dialect.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ \t\n]{0,3}",
        "[^\n\r]{0,10}".prop_map(|c| format!("\n-- {c}\n")),
        "[^*/]{0,10}".prop_map(|c| format!("/* {c} */")),
        Just("\r\n".to_owned()),
    ]
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_strings(sql in any::<String>()) {
        check_everything(&sql);
    }

    #[test]
    fn arbitrary_bytes_as_lossy_text(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_everything(&String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(config(4000))]

    #[test]
    fn sql_like_fragments(sql in sqlish()) {
        check_everything(&sql);
    }
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn n_simple_statements_make_n_statements(
        parts in prop::collection::vec((separator(), simple_statement()), 0..12),
        tail in separator(),
    ) {
        let mut sql: String = parts.iter().map(|(sep, stmt)| format!("{sep}{stmt}")).collect();
        sql.push_str(&tail);
        for d in DatabaseKind::ALL {
            let split = split(&sql, d);
            assert_invariants(&sql, &split);
            prop_assert!(!split.whole_text);
            let got: Vec<&str> = split.statements().map(|c| c.exec_text(&sql)).collect();
            let want: Vec<&str> = parts.iter().map(|(_, s)| s.trim_end_matches(';').trim_end()).collect();
            prop_assert_eq!(got, want, "{:?}", d);
        }
    }
}
