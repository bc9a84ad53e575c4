//! SQLite splitting: a `;` ends a statement, except inside the `BEGIN … END` body of a
//! `CREATE TRIGGER`, where `BEGIN`/`CASE` … `END` nesting is counted.

use super::engine::{self, Rules};
use super::lexer::{create_kind, Token, TokenKind};
use super::Split;
use crate::dialect::DatabaseKind;

#[derive(Default)]
struct SqliteRules {
    /// Whether the statement is `CREATE [TEMP] TRIGGER`; decided at its first BEGIN/CASE/END.
    trigger: Option<bool>,
    depth: u32,
}

impl Rules for SqliteRules {
    fn token(&mut self, sql: &str, tok: Token, prev: Option<Token>, head: &[Token]) {
        // `NEW.end` is a column, not a keyword.
        if tok.kind != TokenKind::Word || prev.is_some_and(|p| p.is_punct(sql, b'.')) {
            return;
        }
        let opens = tok.is_word(sql, "BEGIN") || tok.is_word(sql, "CASE");
        let closes = tok.is_word(sql, "END");
        if !opens && !closes {
            return;
        }
        let trigger = *self.trigger.get_or_insert_with(|| {
            create_kind(sql, head).is_some_and(|k| k.eq_ignore_ascii_case("TRIGGER"))
        });
        if !trigger {
            return;
        }
        if opens {
            self.depth += 1;
        } else {
            self.depth = self.depth.saturating_sub(1);
        }
    }

    fn semicolon_ends(&self) -> bool {
        self.depth == 0
    }

    fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Split a SQLite migration.
pub(super) fn split(sql: &str) -> Split {
    let out = engine::run(sql, DatabaseKind::Sqlite, &mut SqliteRules::default());
    Split {
        chunks: out.chunks,
        whole_text: false,
    }
}
