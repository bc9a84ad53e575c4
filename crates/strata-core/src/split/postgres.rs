//! PostgreSQL splitting, as psql does it: a `;` ends a statement unless it is inside
//! parentheses or inside the `BEGIN ATOMIC … END` body of `CREATE FUNCTION/PROCEDURE`. Dollar
//! quotes, `E''` strings and nested block comments are whole tokens, so their `;` never count.

use super::engine::{self, Rules};
use super::lexer::{create_kind, Token, TokenKind};
use super::Split;
use crate::dialect::DatabaseKind;

#[derive(Default)]
struct PostgresRules {
    parens: u32,
    /// Whether the statement is `CREATE [OR REPLACE] FUNCTION|PROCEDURE`; decided at its first
    /// `BEGIN`.
    routine: Option<bool>,
    /// Depth of `BEGIN` (and `CASE` inside it) not yet closed by `END`.
    depth: u32,
}

impl Rules for PostgresRules {
    fn token(&mut self, sql: &str, tok: Token, _prev: Option<Token>, head: &[Token]) {
        match tok.kind {
            TokenKind::Punct if tok.is_punct(sql, b'(') => self.parens += 1,
            TokenKind::Punct if tok.is_punct(sql, b')') => {
                self.parens = self.parens.saturating_sub(1);
            }
            TokenKind::Word if self.parens == 0 => {
                if tok.is_word(sql, "BEGIN") {
                    let routine = *self.routine.get_or_insert_with(|| {
                        create_kind(sql, head).is_some_and(|k| {
                            k.eq_ignore_ascii_case("FUNCTION")
                                || k.eq_ignore_ascii_case("PROCEDURE")
                        })
                    });
                    if routine {
                        self.depth += 1;
                    }
                } else if self.depth > 0 && tok.is_word(sql, "CASE") {
                    self.depth += 1;
                } else if self.depth > 0 && tok.is_word(sql, "END") {
                    self.depth -= 1;
                }
            }
            _ => {}
        }
    }

    fn semicolon_ends(&self) -> bool {
        self.parens == 0 && self.depth == 0
    }

    fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Split a PostgreSQL migration.
pub(super) fn split(sql: &str) -> Split {
    let out = engine::run(sql, DatabaseKind::Postgres, &mut PostgresRules::default());
    Split {
        chunks: out.chunks,
        whole_text: false,
    }
}
