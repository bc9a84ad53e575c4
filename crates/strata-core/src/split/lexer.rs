//! A forgiving SQL lexer: every byte of the input belongs to exactly one token, tokens are never
//! empty and always end on a char boundary, whatever the input (unterminated strings, comments
//! and dollar quotes run to the end of the input).

use crate::dialect::DatabaseKind;

/// What a token is; enough to tell trivia, literals and the words the splitter looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// ASCII whitespace.
    Whitespace,
    /// `-- …` (and `# …` on MySQL) up to, not including, the end of the line.
    LineComment,
    /// `/* … */`, nested on PostgreSQL.
    BlockComment,
    /// `'…'`, `E'…'` (PostgreSQL), `"…"` (MySQL).
    String,
    /// `"…"` (PostgreSQL, SQLite), `` `…` `` (MySQL, SQLite), `[…]` (SQLite).
    QuotedIdent,
    /// `$$…$$` or `$tag$…$tag$` (PostgreSQL).
    DollarQuoted,
    /// Keywords, identifiers, numbers: `[A-Za-z0-9_$]` and every non-ASCII character.
    Word,
    /// The opening `/*!12345` or `/*M!123456` of a MySQL/MariaDB executable comment.
    ExecCommentOpen,
    /// The `*/` closing a MySQL executable comment.
    ExecCommentClose,
    /// Any other single ASCII character.
    Punct,
}

impl TokenKind {
    /// Whitespace and comments: nothing a server executes.
    pub(crate) fn is_trivia(self) -> bool {
        matches!(
            self,
            Self::Whitespace | Self::LineComment | Self::BlockComment
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub(crate) fn text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.start..self.end).unwrap_or("")
    }

    /// Whether this is the word `kw` (ASCII case-insensitive).
    pub(crate) fn is_word(&self, sql: &str, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text(sql).eq_ignore_ascii_case(kw)
    }

    pub(crate) fn is_punct(&self, sql: &str, c: u8) -> bool {
        self.kind == TokenKind::Punct && sql.as_bytes().get(self.start) == Some(&c)
    }
}

pub(crate) struct Lexer<'a> {
    sql: &'a str,
    bytes: &'a [u8],
    pos: usize,
    dialect: DatabaseKind,
    in_exec_comment: bool,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_tag_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(sql: &'a str, dialect: DatabaseKind) -> Self {
        Self {
            sql,
            bytes: sql.as_bytes(),
            pos: 0,
            dialect,
            in_exec_comment: false,
        }
    }

    /// Continue lexing at `pos` (after a MySQL `DELIMITER` line, or right after a custom
    /// delimiter, which may end inside the token just returned). Ignored unless `pos` is a char
    /// boundary of the input.
    pub(crate) fn set_pos(&mut self, pos: usize) {
        if self.sql.is_char_boundary(pos) {
            self.pos = pos;
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// Index just past the first `needle` at or after `from`, or the end of the input.
    fn past(&self, from: usize, needle: &str) -> usize {
        match self.sql.get(from..).and_then(|rest| rest.find(needle)) {
            Some(i) => from + i + needle.len(),
            None => self.bytes.len(),
        }
    }

    fn line_end(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |i| from + i)
    }

    /// A quoted run starting at `start` (the opening quote): `''`-style doubling always ends
    /// nothing; with `backslash`, `\` escapes the next byte.
    fn quoted(&self, start: usize, quote: u8, backslash: bool) -> usize {
        let mut i = start + 1;
        while i < self.bytes.len() {
            let b = self.bytes[i];
            if backslash && b == b'\\' {
                i += 2;
            } else if b == quote {
                if self.at(i + 1) == quote {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i += 1;
            }
        }
        self.bytes.len()
    }

    fn block_comment(&self, start: usize) -> usize {
        if self.dialect != DatabaseKind::Postgres {
            return self.past(start + 2, "*/");
        }
        let mut depth = 1usize;
        let mut i = start + 2;
        while i < self.bytes.len() {
            match (self.bytes[i], self.at(i + 1)) {
                (b'/', b'*') => {
                    depth += 1;
                    i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return i;
                    }
                }
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    /// `$tag$` at `start`: the end of the whole dollar-quoted string, or None if this `$` does
    /// not open one (`$1`, a lone `$`).
    fn dollar_quote(&self, start: usize) -> Option<usize> {
        let mut i = start + 1;
        if self.at(i).is_ascii_digit() {
            return None;
        }
        while i < self.bytes.len() && is_tag_byte(self.bytes[i]) {
            i += 1;
        }
        if self.at(i) != b'$' {
            return None;
        }
        let tag = &self.sql[start..=i];
        Some(self.past(i + 1, tag))
    }

    /// MySQL `/*!12345` or MariaDB `/*M!123456`: the end of the opener, if `start` has one.
    fn exec_comment_open(&self, start: usize) -> Option<usize> {
        let mut i = start + 2;
        if self.at(i) == b'M' && self.at(i + 1) == b'!' {
            i += 2;
        } else if self.at(i) == b'!' {
            i += 1;
        } else {
            return None;
        }
        while self.at(i).is_ascii_digit() {
            i += 1;
        }
        Some(i)
    }

    fn lex(&mut self, start: usize) -> (TokenKind, usize) {
        use DatabaseKind::{Mysql, Postgres, Sqlite};
        let b = self.bytes[start];
        let next = self.at(start + 1);
        let d = self.dialect;
        match b {
            _ if is_space(b) => {
                let mut i = start + 1;
                while i < self.bytes.len() && is_space(self.bytes[i]) {
                    i += 1;
                }
                (TokenKind::Whitespace, i)
            }
            // MySQL wants whitespace or a control character after `--`.
            b'-' if next == b'-' && (d != Mysql || self.at(start + 2) <= b' ') => {
                (TokenKind::LineComment, self.line_end(start))
            }
            b'#' if d == Mysql => (TokenKind::LineComment, self.line_end(start)),
            b'/' if next == b'*' => {
                if d == Mysql && !self.in_exec_comment {
                    if let Some(end) = self.exec_comment_open(start) {
                        self.in_exec_comment = true;
                        return (TokenKind::ExecCommentOpen, end);
                    }
                }
                (TokenKind::BlockComment, self.block_comment(start))
            }
            b'*' if next == b'/' && self.in_exec_comment => {
                self.in_exec_comment = false;
                (TokenKind::ExecCommentClose, start + 2)
            }
            b'\'' => (TokenKind::String, self.quoted(start, b'\'', d == Mysql)),
            b'"' if d == Mysql => (TokenKind::String, self.quoted(start, b'"', true)),
            b'"' => (TokenKind::QuotedIdent, self.quoted(start, b'"', false)),
            b'`' if d != Postgres => (TokenKind::QuotedIdent, self.quoted(start, b'`', false)),
            b'[' if d == Sqlite => (TokenKind::QuotedIdent, self.past(start + 1, "]")),
            b'$' if d == Postgres => match self.dollar_quote(start) {
                Some(end) => (TokenKind::DollarQuoted, end),
                None => (TokenKind::Punct, start + 1),
            },
            // `$` continues a word everywhere, but starts one only where it is not a quote.
            _ if is_word_byte(b) => {
                let mut i = start + 1;
                while i < self.bytes.len() && is_word_byte(self.bytes[i]) {
                    i += 1;
                }
                if d == Postgres && i == start + 1 && (b | 0x20) == b'e' && self.at(i) == b'\'' {
                    return (TokenKind::String, self.quoted(i, b'\'', true));
                }
                (TokenKind::Word, i)
            }
            _ => (TokenKind::Punct, start + 1),
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let start = self.pos;
        if start >= self.bytes.len() {
            return None;
        }
        let (kind, end) = self.lex(start);
        // Defensive: a token always advances and ends on a char boundary.
        let mut end = end.clamp(start + 1, self.bytes.len());
        while !self.sql.is_char_boundary(end) {
            end += 1;
        }
        self.pos = end;
        Some(Token { kind, start, end })
    }
}

/// The significant tokens of `sql`: no whitespace, comments or executable-comment markers.
pub(crate) fn significant(sql: &str, dialect: DatabaseKind) -> impl Iterator<Item = Token> + '_ {
    Lexer::new(sql, dialect).filter(|t| {
        !t.kind.is_trivia()
            && !matches!(
                t.kind,
                TokenKind::ExecCommentOpen | TokenKind::ExecCommentClose
            )
    })
}

/// The kind of object a `CREATE` statement creates (`TABLE`, `FUNCTION`, `TRIGGER`, …), past
/// modifiers such as `OR REPLACE`, `TEMP`, `UNIQUE` and a MySQL `DEFINER = user@host`. `head`
/// is the statement's first significant tokens.
pub(crate) fn create_kind<'s>(sql: &'s str, head: &[Token]) -> Option<&'s str> {
    const MODIFIERS: &[&str] = &[
        "OR",
        "REPLACE",
        "TEMP",
        "TEMPORARY",
        "UNIQUE",
        "AGGREGATE",
        "CONSTRAINT",
        "RECURSIVE",
        "UNLOGGED",
        "GLOBAL",
        "LOCAL",
        "NONEDITIONABLE",
    ];
    let (first, rest) = head.split_first()?;
    if !first.is_word(sql, "CREATE") {
        return None;
    }
    let mut i = 0;
    while let Some(t) = rest.get(i) {
        if t.is_word(sql, "DEFINER") {
            // DEFINER = atom [()] [@ atom]
            i += 2;
            i += 1;
            if rest.get(i).is_some_and(|t| t.is_punct(sql, b'(')) {
                i += 2;
            }
            if rest.get(i).is_some_and(|t| t.is_punct(sql, b'@')) {
                i += 2;
            }
            continue;
        }
        if t.kind != TokenKind::Word {
            return None;
        }
        let text = t.text(sql);
        if !MODIFIERS.iter().any(|m| text.eq_ignore_ascii_case(m)) {
            return Some(text);
        }
        i += 1;
    }
    None
}
