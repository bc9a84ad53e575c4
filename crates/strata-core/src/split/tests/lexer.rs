//! The lexer on each kind of token.

use crate::dialect::DatabaseKind;
use crate::split::lexer::*;

fn kinds(sql: &str, d: DatabaseKind) -> Vec<(TokenKind, &str)> {
    Lexer::new(sql, d).map(|t| (t.kind, t.text(sql))).collect()
}

#[test]
fn postgres_literals() {
    use TokenKind::*;
    let d = DatabaseKind::Postgres;
    assert_eq!(kinds("E'a\\'b'", d), [(String, "E'a\\'b'")]);
    assert_eq!(kinds("'a\\'", d), [(String, "'a\\'")]);
    assert_eq!(kinds("$a$ $$ ; $a$", d), [(DollarQuoted, "$a$ $$ ; $a$")]);
    assert_eq!(kinds("$1", d), [(Punct, "$"), (Word, "1")]);
    assert_eq!(kinds("a$b", d), [(Word, "a$b")]);
    assert_eq!(kinds("/* /* */ x */", d), [(BlockComment, "/* /* */ x */")]);
    assert_eq!(kinds("\"a\"\"b\"", d), [(QuotedIdent, "\"a\"\"b\"")]);
    assert_eq!(
        kinds("--x\n", d),
        [(LineComment, "--x"), (Whitespace, "\n")]
    );
}

#[test]
fn mysql_literals() {
    use TokenKind::*;
    let d = DatabaseKind::Mysql;
    assert_eq!(kinds("'a\\'b'", d), [(String, "'a\\'b'")]);
    assert_eq!(kinds("\"a;b\"", d), [(String, "\"a;b\"")]);
    assert_eq!(kinds("`a``b`", d), [(QuotedIdent, "`a``b`")]);
    assert_eq!(kinds("# c", d), [(LineComment, "# c")]);
    assert_eq!(kinds("--1", d), [(Punct, "-"), (Punct, "-"), (Word, "1")]);
    assert_eq!(kinds("/* /* */", d), [(BlockComment, "/* /* */")]);
    assert_eq!(
        kinds("/*!40101 SET x */", d),
        [
            (ExecCommentOpen, "/*!40101"),
            (Whitespace, " "),
            (Word, "SET"),
            (Whitespace, " "),
            (Word, "x"),
            (Whitespace, " "),
            (ExecCommentClose, "*/"),
        ]
    );
}

#[test]
fn sqlite_identifiers() {
    use TokenKind::*;
    let d = DatabaseKind::Sqlite;
    assert_eq!(kinds("[a;b]", d), [(QuotedIdent, "[a;b]")]);
    assert_eq!(kinds("'a\\'", d), [(String, "'a\\'")]);
}

#[test]
fn create_kinds() {
    let cases = [
        ("CREATE TABLE t", Some("TABLE")),
        ("create or replace function f", Some("function")),
        ("CREATE TEMP TRIGGER x", Some("TRIGGER")),
        ("CREATE UNIQUE INDEX i", Some("INDEX")),
        (
            "CREATE DEFINER=`root`@`localhost` PROCEDURE p",
            Some("PROCEDURE"),
        ),
        ("CREATE DEFINER = CURRENT_USER() TRIGGER t", Some("TRIGGER")),
        ("CREATE DEFINER='a'@'%' EVENT e", Some("EVENT")),
        ("SELECT 1", None),
    ];
    for (sql, want) in cases {
        let head: Vec<Token> = significant(sql, DatabaseKind::Mysql).collect();
        assert_eq!(create_kind(sql, &head), want, "{sql}");
    }
}
