//! Unit tests of the splitter and the analysis, one file per dialect.

use super::*;

mod analysis;
mod lexer;
mod mysql;
mod postgres;
mod props;
mod sqlite;

/// The exec texts of the statements.
fn execs(sql: &str, d: DatabaseKind) -> Vec<&str> {
    let split = checked(sql, d);
    split.statements().map(|c| c.exec_text(sql)).collect()
}

/// Split, asserting the invariants every split must keep.
fn checked(sql: &str, d: DatabaseKind) -> Split {
    let split = split(sql, d);
    assert_invariants(sql, &split);
    split
}

/// The chunks partition the input, exec lies inside range, all on char boundaries, positions
/// are right, and a statement's exec text is not empty and does not start with whitespace.
/// (Used by the property tests too.)
pub(super) fn assert_invariants(sql: &str, split: &Split) {
    let mut at = 0;
    for c in &split.chunks {
        assert_eq!(
            c.range.start, at,
            "chunks leave a gap or overlap: {split:#?}"
        );
        assert!(c.range.end > c.range.start, "empty chunk: {split:#?}");
        assert!(c.range.start <= c.exec.start && c.exec.start <= c.exec.end);
        assert!(c.exec.end <= c.range.end, "exec outside range: {c:?}");
        for p in [c.range.start, c.range.end, c.exec.start, c.exec.end] {
            assert!(
                sql.is_char_boundary(p),
                "{p} is not a char boundary in {sql:?}"
            );
        }
        let before = &sql[..c.exec.start];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() as u32 + 1;
        assert_eq!((c.line, c.column), (line, column), "position of {c:?}");
        match c.kind {
            ChunkKind::Statement => {
                let exec = c.exec_text(sql);
                // Only ASCII whitespace is trivia: like the servers' own lexers, the splitter
                // reads other characters (U+00A0 too) as part of a word.
                assert!(
                    !exec.is_empty() && !exec.starts_with(|c: char| c.is_ascii_whitespace()),
                    "{c:?}"
                );
            }
            ChunkKind::Trivia => assert!(c.exec.is_empty()),
            ChunkKind::Delimiter => assert!(c
                .exec_text(sql)
                .to_ascii_uppercase()
                .starts_with("DELIMITER")),
        }
        at = c.range.end;
    }
    assert_eq!(at, sql.len(), "chunks do not cover the input: {split:#?}");
    let joined: String = split.chunks.iter().map(|c| c.text(sql)).collect();
    assert_eq!(joined, sql);
    if split.whole_text {
        assert_eq!(split.chunks.len(), 1);
    }
}

#[test]
fn empty_input_has_no_chunks() {
    for d in DatabaseKind::ALL {
        assert_eq!(split("", d), Split::default());
    }
}

#[test]
fn only_comments_is_one_trivia_chunk() {
    for d in DatabaseKind::ALL {
        let sql = "-- nothing to do;\n/* really ; */\n\n";
        let split = checked(sql, d);
        assert_eq!(split.chunks.len(), 1, "{d:?}");
        assert_eq!(split.chunks[0].kind, ChunkKind::Trivia);
        assert_eq!(split.statements().count(), 0);
    }
}

#[test]
fn every_dialect_splits_plain_statements_the_same() {
    let sql = "CREATE TABLE a (id int);\n-- the second one; with a comment\nINSERT INTO a VALUES (1) ;  -- trailing; comment\n\n  SELECT ';' /* ; */ FROM a";
    for d in DatabaseKind::ALL {
        assert_eq!(
            execs(sql, d),
            [
                "CREATE TABLE a (id int)",
                "INSERT INTO a VALUES (1)",
                "SELECT ';' /* ; */ FROM a"
            ],
            "{d:?}"
        );
    }
}

#[test]
fn a_statement_keeps_leading_comments_and_the_rest_of_its_line() {
    let sql = "-- first\nSELECT 1; -- about it\n\n/* second */ SELECT 2; SELECT 3;\n";
    let split = checked(sql, DatabaseKind::Postgres);
    let texts: Vec<&str> = split.chunks.iter().map(|c| c.text(sql)).collect();
    assert_eq!(
        texts,
        [
            "-- first\nSELECT 1; -- about it\n",
            "\n/* second */ SELECT 2;",
            " SELECT 3;\n"
        ]
    );
    let positions: Vec<(u32, u32)> = split.chunks.iter().map(|c| (c.line, c.column)).collect();
    assert_eq!(positions, [(2, 1), (4, 14), (4, 24)]);
}

#[test]
fn trailing_comments_after_the_last_statement_are_trivia() {
    let sql = "SELECT 1;\n\n-- the end\n";
    let split = checked(sql, DatabaseKind::Sqlite);
    let kinds: Vec<ChunkKind> = split.chunks.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChunkKind::Statement, ChunkKind::Trivia]);
}

#[test]
fn last_statement_without_semicolon_and_empty_statements() {
    for d in DatabaseKind::ALL {
        assert_eq!(
            execs("SELECT 1;;\n ; SELECT 2\n", d),
            ["SELECT 1", "SELECT 2"],
            "{d:?}"
        );
        let split = checked(";", d);
        assert_eq!(split.chunks.len(), 1);
        assert_eq!(split.chunks[0].kind, ChunkKind::Trivia);
    }
}

#[test]
fn crlf_line_endings() {
    let sql = "-- a\r\nCREATE TABLE a (x int);\r\n\r\nCREATE TABLE b (\r\n  y int\r\n);\r\n";
    for d in DatabaseKind::ALL {
        let split = checked(sql, d);
        let got: Vec<(&str, u32, u32)> = split
            .statements()
            .map(|c| (c.exec_text(sql), c.line, c.column))
            .collect();
        assert_eq!(
            got,
            [
                ("CREATE TABLE a (x int)", 2, 1),
                ("CREATE TABLE b (\r\n  y int\r\n)", 4, 1)
            ],
            "{d:?}"
        );
        assert_eq!(
            split.chunks[0].text(sql),
            "-- a\r\nCREATE TABLE a (x int);\r\n"
        );
    }
}

#[test]
fn multibyte_characters() {
    let sql = "INSERT INTO t VALUES ('Zoë; ünïcödé 🦀'); /* ☃; */ INSERT INTO \"tãble\" VALUES ('日本;語');";
    for d in DatabaseKind::ALL {
        let split = checked(sql, d);
        let got: Vec<(&str, u32)> = split
            .statements()
            .map(|c| (c.exec_text(sql), c.column))
            .collect();
        assert_eq!(
            got,
            [
                ("INSERT INTO t VALUES ('Zoë; ünïcödé 🦀')", 1),
                ("INSERT INTO \"tãble\" VALUES ('日本;語')", 51)
            ],
            "{d:?}"
        );
    }
}

#[test]
fn locate_maps_an_offset_in_line_three_of_a_statement() {
    let sql = "-- header\n\nCREATE TABLE t (\n    id int,\n    naïve bogus_type\n);\n";
    let split = checked(sql, DatabaseKind::Postgres);
    let stmt = split.statements().next().unwrap();
    assert_eq!((stmt.line, stmt.column), (3, 1));
    // PostgreSQL reports `position` 1-based in characters of the text sent.
    let exec = stmt.exec_text(sql);
    let position = exec.chars().position(|c| c == 'b').unwrap() + 1;
    assert_eq!(locate(sql, stmt, position - 1), (5, 11));
    assert_eq!(locate(sql, stmt, 0), (3, 1));
    // Past the end: the end of the statement. A foreign chunk: its own start.
    assert_eq!(locate(sql, stmt, 10_000), (6, 2));
    assert_eq!(locate("short", stmt, 3), (3, 1));
}

#[test]
fn locate_on_a_statement_that_does_not_start_a_line() {
    let sql = "SELECT 1; SELECT\n  x FROM y;";
    let split = checked(sql, DatabaseKind::Mysql);
    let second = split.statements().nth(1).unwrap();
    assert_eq!((second.line, second.column), (1, 11));
    assert_eq!(locate(sql, second, 3), (1, 14));
    assert_eq!(locate(sql, second, 9), (2, 3));
}
