//! What SQLite keeps only in the CREATE text it stores (CHECK constraints, column collations,
//! AUTOINCREMENT, generated expressions, constraint names, index expressions and predicates,
//! a view's query), read with a small tokenizer that never panics: quoted names, strings and
//! comments are single tokens, so a keyword inside them is never mistaken for syntax.

/// One token: its kind and byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A bare word: keyword, name or number.
    Word,
    /// `"…"`, `` `…` `` or `[…]`.
    Quoted,
    /// `'…'` (or `x'…'` as a word followed by a string).
    Str,
    Open,
    Close,
    Comma,
    /// Any other character.
    Other,
}

/// The significant tokens of `sql` (whitespace and comments dropped).
fn tokens(sql: &str) -> Vec<Tok> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Index just past the closing `close` (doubled closes are escapes), or the end.
    let quoted_end = |from: usize, close: u8, doubled: bool| {
        let mut j = from + 1;
        while j < b.len() {
            if b[j] == close {
                if doubled && b.get(j + 1) == Some(&close) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j += 1;
        }
        b.len()
    };
    while i < b.len() {
        let c = b[i];
        let (kind, end) = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'\'' => (Kind::Str, quoted_end(i, b'\'', true)),
            b'"' => (Kind::Quoted, quoted_end(i, b'"', true)),
            b'`' => (Kind::Quoted, quoted_end(i, b'`', true)),
            b'[' => (Kind::Quoted, quoted_end(i, b']', false)),
            b'(' => (Kind::Open, i + 1),
            b')' => (Kind::Close, i + 1),
            b',' => (Kind::Comma, i + 1),
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                let mut j = i + 1;
                while j < b.len()
                    && (b[j].is_ascii_alphanumeric()
                        || b[j] == b'_'
                        || b[j] == b'$'
                        || b[j] >= 0x80)
                {
                    j += 1;
                }
                (Kind::Word, j)
            }
            _ => {
                // One whole character (never split a multi-byte one).
                let len = sql[i..].chars().next().map_or(1, char::len_utf8);
                (Kind::Other, i + len)
            }
        };
        out.push(Tok {
            kind,
            start: i,
            end,
        });
        i = end;
    }
    out
}

/// A token stream over one text.
struct Cursor<'a> {
    sql: &'a str,
    toks: Vec<Tok>,
}

impl<'a> Cursor<'a> {
    fn new(sql: &'a str) -> Self {
        Self {
            sql,
            toks: tokens(sql),
        }
    }

    fn text(&self, t: Tok) -> &'a str {
        self.sql.get(t.start..t.end).unwrap_or("")
    }

    fn is_word(&self, i: usize, kw: &str) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == Kind::Word && self.text(*t).eq_ignore_ascii_case(kw))
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    /// The name a word or quoted token spells, unquoted.
    fn name(&self, i: usize) -> Option<String> {
        let t = *self.toks.get(i)?;
        let s = self.text(t);
        match t.kind {
            Kind::Word => Some(s.to_owned()),
            Kind::Quoted | Kind::Str if s.len() >= 2 => {
                let (open, inner) = (s.as_bytes()[0], &s[1..s.len() - 1]);
                Some(match open {
                    b'"' => inner.replace("\"\"", "\""),
                    b'`' => inner.replace("``", "`"),
                    b'\'' => inner.replace("''", "'"),
                    _ => inner.to_owned(),
                })
            }
            _ => None,
        }
    }

    /// Index of the `)` matching the `(` at `open` (or the last token).
    fn matching(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t.kind {
                Kind::Open => depth += 1,
                Kind::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        self.toks.len().saturating_sub(1)
    }

    /// The source text from token `from` to token `to`, both included.
    fn span(&self, from: usize, to: usize) -> String {
        match (self.toks.get(from), self.toks.get(to)) {
            (Some(a), Some(b)) if a.start <= b.end => {
                self.sql.get(a.start..b.end).unwrap_or("").trim().to_owned()
            }
            _ => String::new(),
        }
    }

    /// The text inside the parentheses opening at `open`, and the index of the closing one.
    fn inside(&self, open: usize) -> (String, usize) {
        let close = self.matching(open);
        (self.span(open + 1, close.saturating_sub(1)), close)
    }

    /// Top-level comma-separated items between `open` and its matching `)`: token ranges.
    fn items(&self, open: usize) -> Vec<(usize, usize)> {
        let close = self.matching(open);
        let mut items = Vec::new();
        let (mut depth, mut start) = (0usize, open + 1);
        for i in open + 1..close {
            match self.toks[i].kind {
                Kind::Open => depth += 1,
                Kind::Close => depth = depth.saturating_sub(1),
                Kind::Comma if depth == 0 => {
                    if start < i {
                        items.push((start, i - 1));
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
        if start < close {
            items.push((start, close - 1));
        }
        items
    }

    /// The names listed in the parentheses opening at `open`.
    fn name_list(&self, open: usize) -> Vec<String> {
        (self.items(open).into_iter())
            .filter_map(|(a, _)| self.name(a))
            .collect()
    }

    fn first_open_from(&self, from: usize) -> Option<usize> {
        (from..self.toks.len()).find(|&i| self.toks[i].kind == Kind::Open)
    }
}

/// One column definition's extras.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ColumnText {
    pub name: String,
    /// `COLLATE x`, lower-cased; `binary` (the default) is left out.
    pub collation: Option<String>,
    pub autoincrement: bool,
    /// `GENERATED ALWAYS AS (expr) [STORED|VIRTUAL]`: the expression and whether STORED.
    pub generated: Option<(String, bool)>,
}

/// A constraint found in the text: its name when one was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named<T> {
    pub name: Option<String>,
    pub value: T,
}

/// What a CREATE TABLE text says beyond what the pragmas report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct TableText {
    pub columns: Vec<ColumnText>,
    /// CHECK expressions, column and table level, in text order.
    pub checks: Vec<Named<String>>,
    /// UNIQUE column lists, to find the names written for them.
    pub uniques: Vec<Named<Vec<String>>>,
    /// Foreign keys' own column lists, to find the names written for them.
    pub foreign_keys: Vec<Named<Vec<String>>>,
}

/// Read a stored `CREATE TABLE` text.
pub(super) fn parse_table(sql: &str) -> TableText {
    let c = Cursor::new(sql);
    let mut out = TableText::default();
    let Some(open) = c.first_open_from(0) else {
        return out;
    };
    for (from, to) in c.items(open) {
        let table_level = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|kw| c.is_word(from, kw));
        if table_level {
            constraints(&c, from, to, None, &mut out);
        } else {
            let Some(name) = c.name(from) else { continue };
            let mut column = ColumnText {
                name: name.clone(),
                ..ColumnText::default()
            };
            column_extras(&c, from + 1, to, &mut column);
            out.columns.push(column);
            constraints(&c, from + 1, to, Some(&name), &mut out);
        }
    }
    out
}

fn column_extras(c: &Cursor, from: usize, to: usize, column: &mut ColumnText) {
    let mut i = from;
    while i <= to {
        if c.kind(i) == Some(Kind::Open) {
            i = c.matching(i) + 1;
            continue;
        }
        if c.is_word(i, "COLLATE") {
            column.collation = c
                .name(i + 1)
                .map(|n| n.to_ascii_lowercase())
                .filter(|n| n != "binary");
        } else if c.is_word(i, "AUTOINCREMENT") {
            column.autoincrement = true;
        } else if c.is_word(i, "AS") && c.kind(i + 1) == Some(Kind::Open) {
            let (expression, close) = c.inside(i + 1);
            let stored = c.is_word(close + 1, "STORED");
            column.generated = Some((expression, stored));
            i = close + 1;
            continue;
        }
        i += 1;
    }
}

/// The constraints between tokens `from` and `to`; `column` names the column for a
/// column-level one.
fn constraints(c: &Cursor, from: usize, to: usize, column: Option<&str>, out: &mut TableText) {
    let mut name: Option<String> = None;
    let mut i = from;
    while i <= to {
        if c.kind(i) == Some(Kind::Open) {
            i = c.matching(i) + 1;
            continue;
        }
        if c.is_word(i, "CONSTRAINT") {
            name = c.name(i + 1);
            i += 2;
            continue;
        }
        if c.is_word(i, "CHECK") && c.kind(i + 1) == Some(Kind::Open) {
            let (expression, close) = c.inside(i + 1);
            out.checks.push(Named {
                name: name.take(),
                value: expression,
            });
            i = close + 1;
            continue;
        }
        if c.is_word(i, "UNIQUE") {
            let columns = match (column, c.kind(i + 1)) {
                (None, Some(Kind::Open)) => c.name_list(i + 1),
                (Some(col), _) => vec![col.to_owned()],
                (None, _) => Vec::new(),
            };
            out.uniques.push(Named {
                name: name.take(),
                value: columns,
            });
        } else if c.is_word(i, "FOREIGN") && c.is_word(i + 1, "KEY") {
            let columns = match c.kind(i + 2) {
                Some(Kind::Open) => c.name_list(i + 2),
                _ => Vec::new(),
            };
            out.foreign_keys.push(Named {
                name: name.take(),
                value: columns,
            });
            // Skip to REFERENCES so it is not counted a second time.
            while i <= to && !c.is_word(i, "REFERENCES") {
                i += 1;
            }
        } else if c.is_word(i, "REFERENCES") {
            if let Some(col) = column {
                out.foreign_keys.push(Named {
                    name: name.take(),
                    value: vec![col.to_owned()],
                });
            }
        } else if c.is_word(i, "PRIMARY") || c.is_word(i, "NOT") || c.is_word(i, "DEFAULT") {
            name = None;
        }
        i += 1;
    }
}

/// One key part of a stored `CREATE INDEX` text, with ASC/DESC and COLLATE left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IndexText {
    pub parts: Vec<String>,
    /// The WHERE clause of a partial index, without `WHERE`.
    pub predicate: Option<String>,
}

/// Read a stored `CREATE INDEX` text.
pub(super) fn parse_index(sql: &str) -> IndexText {
    let c = Cursor::new(sql);
    let on = (0..c.toks.len()).find(|&i| c.is_word(i, "ON")).unwrap_or(0);
    let Some(open) = c.first_open_from(on) else {
        return IndexText {
            parts: Vec::new(),
            predicate: None,
        };
    };
    let parts = (c.items(open).into_iter())
        .map(|(from, mut to)| {
            if c.is_word(to, "ASC") || c.is_word(to, "DESC") {
                to = to.saturating_sub(1);
            }
            if to >= 1 && c.is_word(to - 1, "COLLATE") {
                to = to.saturating_sub(2);
            }
            c.span(from, to)
        })
        .collect();
    let close = c.matching(open);
    let predicate = c
        .is_word(close + 1, "WHERE")
        .then(|| c.span(close + 2, c.toks.len().saturating_sub(1)))
        .map(|p| p.trim_end_matches(';').trim().to_owned())
        .filter(|p| !p.is_empty());
    IndexText { parts, predicate }
}

/// The query of a stored `CREATE VIEW` text: everything after its top-level `AS`.
pub(super) fn view_query(sql: &str) -> String {
    let c = Cursor::new(sql);
    let mut depth = 0usize;
    for (i, t) in c.toks.iter().enumerate() {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            _ if depth == 0 && c.is_word(i, "AS") => {
                return sql.get(t.end..).unwrap_or("").trim().to_owned();
            }
            _ => {}
        }
    }
    sql.trim().to_owned()
}

#[cfg(test)]
#[path = "sqlite_text_tests.rs"]
mod tests;
