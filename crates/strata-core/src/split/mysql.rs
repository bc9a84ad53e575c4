//! MySQL/MariaDB splitting, as the mysql client does it: a statement ends at the active
//! delimiter (`;` unless a `DELIMITER` line changed it). A file whose stored routine, trigger or
//! event has a `BEGIN … END` body but no `DELIMITER` line cannot be cut at its `;`: it is kept
//! whole ([`Split::whole_text`]) and sent as one multi-statement text.

use super::engine::{self, Rules};
use super::lexer::{create_kind, Token, TokenKind};
use super::{Chunk, ChunkKind, Split};
use crate::dialect::DatabaseKind;

/// Objects whose body may be a compound `BEGIN … END` statement.
const ROUTINES: &[&str] = &["PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE"];

#[derive(Default)]
struct MysqlRules {
    /// Whether the statement creates a routine; decided at its first `BEGIN`.
    routine: Option<bool>,
    /// Some statement of the file is (or creates a routine with) a compound statement.
    compound_seen: bool,
}

impl Rules for MysqlRules {
    fn token(&mut self, sql: &str, tok: Token, _prev: Option<Token>, head: &[Token]) {
        if tok.kind != TokenKind::Word {
            return;
        }
        let n = head.len();
        // MariaDB's anonymous block: `BEGIN NOT ATOMIC … END`, `label: BEGIN …`.
        if n == 2 && head[0].is_word(sql, "BEGIN") && tok.is_word(sql, "NOT") {
            self.compound_seen = true;
        }
        if !tok.is_word(sql, "BEGIN") {
            return;
        }
        if n == 3 && head[1].is_punct(sql, b':') {
            self.compound_seen = true;
        }
        let routine = *self.routine.get_or_insert_with(|| {
            create_kind(sql, head)
                .is_some_and(|k| ROUTINES.iter().any(|r| k.eq_ignore_ascii_case(r)))
        });
        self.compound_seen |= routine;
    }

    fn semicolon_ends(&self) -> bool {
        true
    }

    fn reset(&mut self) {
        self.routine = None;
    }
}

/// Split a MySQL/MariaDB migration.
pub(super) fn split(sql: &str) -> Split {
    let mut rules = MysqlRules::default();
    let out = engine::run(sql, DatabaseKind::Mysql, &mut rules);
    if !rules.compound_seen || out.saw_delimiter_line {
        return Split {
            chunks: out.chunks,
            whole_text: false,
        };
    }
    let is_statement = |c: &&Chunk| c.kind == ChunkKind::Statement;
    let (Some(first), Some(last)) = (
        out.chunks.iter().find(is_statement),
        out.chunks.iter().rfind(is_statement),
    ) else {
        return Split {
            chunks: out.chunks,
            whole_text: false,
        };
    };
    let end = last.exec.end;
    Split {
        chunks: vec![Chunk {
            range: 0..sql.len(),
            exec: first.exec.start..end,
            kind: ChunkKind::Statement,
            line: first.line,
            column: first.column,
        }],
        whole_text: true,
    }
}
