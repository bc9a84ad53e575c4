//! The splitting loop shared by all dialects: it turns the lexer's tokens into chunks whose
//! ranges partition the input exactly; the dialect only says when a `;` ends a statement.

use std::ops::Range;

use super::lexer::{Lexer, Token, TokenKind};
use super::{Chunk, ChunkKind};
use crate::dialect::DatabaseKind;

/// How many of a statement's first significant tokens the rules can look back on.
pub(super) const HEAD: usize = 16;

/// What a dialect adds to the plain "`;` ends a statement" rule.
pub(super) trait Rules {
    /// A significant token of the current statement (already appended to `head` if it fit).
    /// `prev` is the significant token before it in the statement.
    fn token(&mut self, sql: &str, tok: Token, prev: Option<Token>, head: &[Token]);
    /// Whether a `;` seen now ends the statement (not inside a body or parentheses).
    fn semicolon_ends(&self) -> bool;
    /// The statement ended; forget it.
    fn reset(&mut self);
}

/// Tracks the 1-based line and character column of increasing byte offsets in O(input).
struct Cursor {
    byte: usize,
    line: u32,
    column: u32,
}

impl Cursor {
    fn at(&mut self, sql: &str, pos: usize) -> (u32, u32) {
        if pos < self.byte {
            *self = Cursor {
                byte: 0,
                line: 1,
                column: 1,
            };
        }
        let end = pos.min(sql.len());
        for &b in &sql.as_bytes()[self.byte.min(end)..end] {
            if b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column = self.column.saturating_add(1);
            }
        }
        self.byte = end;
        (self.line, self.column)
    }
}

pub(super) struct Output {
    pub chunks: Vec<Chunk>,
    /// A MySQL `DELIMITER` line was seen.
    pub saw_delimiter_line: bool,
}

struct Engine<'a> {
    sql: &'a str,
    chunks: Vec<Chunk>,
    cursor: Cursor,
    /// Where the chunk being built starts (the previous chunk's end).
    chunk_start: usize,
    exec_start: Option<usize>,
    last_sig_end: usize,
    head: [Token; HEAD],
    head_len: usize,
    prev: Option<Token>,
    /// A statement whose terminator was seen; it still takes the rest of its line if that holds
    /// only whitespace and comments. Its `range.end` is the terminator's end.
    pending: Option<Chunk>,
    /// The active MySQL delimiter when it is not `;`.
    delimiter: Option<String>,
    saw_delimiter_line: bool,
}

impl<'a> Engine<'a> {
    fn push(&mut self, end: usize, exec: Range<usize>, kind: ChunkKind) -> Chunk {
        let (line, column) = self.cursor.at(self.sql, exec.start);
        Chunk {
            range: self.chunk_start..end,
            exec,
            kind,
            line,
            column,
        }
    }

    fn start_next(&mut self, end: usize, rules: &mut impl Rules) {
        self.chunk_start = end;
        self.exec_start = None;
        self.head_len = 0;
        self.prev = None;
        rules.reset();
    }

    /// The statement ends with a terminator that ends at `term_end`; its text ends at `exec_end`.
    fn terminate(&mut self, exec_end: usize, term_end: usize, rules: &mut impl Rules) {
        let chunk = match self.exec_start {
            Some(s) => self.push(term_end, s..exec_end.max(s), ChunkKind::Statement),
            None => self.push(
                term_end,
                self.chunk_start..self.chunk_start,
                ChunkKind::Trivia,
            ),
        };
        self.pending = Some(chunk);
        self.start_next(term_end, rules);
    }

    fn close_pending(&mut self, end: usize) {
        if let Some(mut chunk) = self.pending.take() {
            chunk.range.end = end.max(chunk.range.end);
            self.chunk_start = chunk.range.end;
            self.chunks.push(chunk);
        }
    }

    fn significant(&mut self, tok: Token, rules: &mut impl Rules) {
        self.exec_start.get_or_insert(tok.start);
        self.last_sig_end = tok.end;
        if matches!(
            tok.kind,
            TokenKind::ExecCommentOpen | TokenKind::ExecCommentClose
        ) {
            return;
        }
        if self.head_len < HEAD {
            self.head[self.head_len] = tok;
            self.head_len += 1;
        }
        rules.token(self.sql, tok, self.prev, &self.head[..self.head_len]);
        self.prev = Some(tok);
    }

    /// A MySQL `DELIMITER x` line starting with `tok`: records it and returns where the next
    /// line starts, or None if `tok` is just a word.
    fn delimiter_line(&mut self, tok: Token) -> Option<usize> {
        let bytes = self.sql.as_bytes();
        if !matches!(
            bytes.get(tok.end),
            None | Some(b' ' | b'\t' | b'\r' | b'\n')
        ) {
            return None;
        }
        let line_end = bytes[tok.end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| tok.end + i + 1);
        let value_start = tok.end
            + bytes[tok.end..line_end]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
        let value_len = bytes[value_start..line_end]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace())
            .count();
        let value_end = value_start + value_len;
        let mut value = &self.sql[value_start..value_end];
        for q in ['\'', '"', '`'] {
            if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
                value = &value[1..value.len() - 1];
            }
        }
        if value == ";" {
            self.delimiter = None;
        } else if !value.is_empty() {
            self.delimiter = Some(value.to_owned());
        }
        let exec = tok.start..value_end.max(tok.end);
        let chunk = self.push(line_end, exec, ChunkKind::Delimiter);
        self.chunks.push(chunk);
        self.chunk_start = line_end;
        self.saw_delimiter_line = true;
        Some(line_end)
    }

    fn finish(mut self) -> Output {
        let len = self.sql.len();
        if self.pending.is_some() {
            self.close_pending(len);
        } else if let Some(s) = self.exec_start {
            let chunk = self.push(len, s..self.last_sig_end.max(s), ChunkKind::Statement);
            self.chunks.push(chunk);
        } else if self.chunk_start < len {
            let chunk = self.push(len, self.chunk_start..self.chunk_start, ChunkKind::Trivia);
            self.chunks.push(chunk);
        }
        Output {
            chunks: self.chunks,
            saw_delimiter_line: self.saw_delimiter_line,
        }
    }
}

/// Where the custom delimiter `delim` starts inside `tok`, if it does (it may run on past it).
fn find_delimiter(sql: &str, tok: Token, delim: &str) -> Option<usize> {
    let bytes = sql.as_bytes();
    let first = *delim.as_bytes().first()?;
    (tok.start..tok.end).find(|&j| bytes[j] == first && bytes[j..].starts_with(delim.as_bytes()))
}

pub(super) fn run(sql: &str, dialect: DatabaseKind, rules: &mut impl Rules) -> Output {
    let placeholder = Token {
        kind: TokenKind::Whitespace,
        start: 0,
        end: 0,
    };
    let mut e = Engine {
        sql,
        chunks: Vec::new(),
        cursor: Cursor {
            byte: 0,
            line: 1,
            column: 1,
        },
        chunk_start: 0,
        exec_start: None,
        last_sig_end: 0,
        head: [placeholder; HEAD],
        head_len: 0,
        prev: None,
        pending: None,
        delimiter: None,
        saw_delimiter_line: false,
    };
    let mut lexer = Lexer::new(sql, dialect);
    // Only whitespace since the last line break (a DELIMITER command must start its line).
    let mut line_clean = true;
    while let Some(tok) = lexer.next() {
        let text = tok.text(sql);
        if e.pending.is_some() {
            match tok.kind {
                TokenKind::Whitespace => {
                    if let Some(nl) = text.find('\n') {
                        e.close_pending(tok.start + nl + 1);
                    }
                }
                TokenKind::LineComment => {}
                TokenKind::BlockComment if !text.contains('\n') => {}
                // More on the same line: it starts the next chunk, from right after the
                // terminator.
                _ => e.close_pending(0),
            }
        }
        match tok.kind {
            TokenKind::Whitespace => {
                line_clean |= text.contains('\n');
                continue;
            }
            TokenKind::LineComment | TokenKind::BlockComment => {
                line_clean = false;
                continue;
            }
            _ => {}
        }
        let at_line_start = std::mem::replace(&mut line_clean, false);
        if dialect == DatabaseKind::Mysql
            && at_line_start
            && e.exec_start.is_none()
            && tok.is_word(sql, "DELIMITER")
        {
            if let Some(next) = e.delimiter_line(tok) {
                lexer.set_pos(next);
                line_clean = true;
                continue;
            }
        }
        if let Some(delim) = e.delimiter.as_deref() {
            let found = match tok.kind {
                TokenKind::Word | TokenKind::Punct => find_delimiter(sql, tok, delim),
                _ => None,
            };
            let delim_len = delim.len();
            if let Some(j) = found {
                let exec_end = if j > tok.start {
                    e.exec_start.get_or_insert(tok.start);
                    j
                } else {
                    e.last_sig_end
                };
                let term_end = j + delim_len;
                e.terminate(exec_end, term_end, rules);
                lexer.set_pos(term_end);
                continue;
            }
        } else if tok.is_punct(sql, b';') && rules.semicolon_ends() {
            let exec_end = e.last_sig_end;
            e.terminate(exec_end, tok.end, rules);
            continue;
        }
        e.significant(tok, rules);
    }
    e.finish()
}
