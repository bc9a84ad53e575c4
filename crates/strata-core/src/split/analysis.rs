//! Risk analysis of a statement before it runs: keyword patterns over the lexer's significant
//! tokens, so nothing inside a comment, a string or a dollar-quoted body ever matches.
//!
//! The findings are warnings for a person (each `Display`s as a sentence) plus what the executor
//! needs: [`Finding::CannotRunInTransaction`] means the migration must run outside a transaction.

use serde::Serialize;

use super::lexer::{significant, Token, TokenKind};
use super::{Chunk, Split};
use crate::dialect::DatabaseKind;

mod alter;
mod rules;

/// Something to know about a statement before running it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum Finding {
    /// The server refuses to run this inside a transaction block (or it misbehaves there): the
    /// migration must run without a transaction. `reason` is the sentence to show.
    CannotRunInTransaction { reason: String },
    /// The file controls transactions itself (`BEGIN`, `START TRANSACTION`, `COMMIT`,
    /// `ROLLBACK`, `END`, `SAVEPOINT`, …): `statement` is the command.
    TransactionControl { statement: String },
    /// MySQL/MariaDB commit implicitly before and after this statement (DDL and a few others),
    /// so it cannot be rolled back.
    ImplicitCommit { statement: String },
    /// Data is lost: a dropped table, schema, database, column or partition, or every row of a
    /// table deleted or overwritten.
    DropsData { what: String },
    /// The whole table is rewritten (or copied), which takes long on a big table.
    RewritesTable { why: String },
    /// A lock blocks reads or writes of a table for as long as a scan or build takes.
    LocksTable { why: String },
    /// Foreign key (or other) checks are switched off: data that breaks them gets in.
    DisablesChecks { setting: String },
    /// SQLite ignores this pragma inside a transaction, and migrations run in one by default.
    PragmaIgnoredInTransaction { pragma: String },
}

impl Finding {
    /// A stable machine-readable name for the kind of finding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CannotRunInTransaction { .. } => "cannot-run-in-transaction",
            Self::TransactionControl { .. } => "transaction-control",
            Self::ImplicitCommit { .. } => "implicit-commit",
            Self::DropsData { .. } => "drops-data",
            Self::RewritesTable { .. } => "rewrites-table",
            Self::LocksTable { .. } => "locks-table",
            Self::DisablesChecks { .. } => "disables-checks",
            Self::PragmaIgnoredInTransaction { .. } => "pragma-ignored-in-transaction",
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CannotRunInTransaction { reason } => f.write_str(reason),
            Self::TransactionControl { statement } => write!(
                f,
                "{statement}: the migration controls its own transaction, but Strata already \
                 runs each migration in a transaction unless it is marked no-transaction"
            ),
            Self::ImplicitCommit { statement } => write!(
                f,
                "{statement} commits implicitly on MySQL/MariaDB: it cannot be rolled back"
            ),
            Self::DropsData { what } => write!(f, "Drops data: {what}"),
            Self::RewritesTable { why } => write!(f, "Rewrites the table: {why}"),
            Self::LocksTable { why } => write!(f, "Locks the table: {why}"),
            Self::DisablesChecks { setting } => write!(
                f,
                "Disables checks: {setting}; rows that break a constraint are accepted until \
                 the checks are back on"
            ),
            Self::PragmaIgnoredInTransaction { pragma } => write!(
                f,
                "PRAGMA {pragma} has no effect inside a transaction, and this migration runs in \
                 one unless it is marked no-transaction"
            ),
        }
    }
}

/// The findings for one chunk of `sql` (a statement from [`super::split`] with the same
/// dialect). A MySQL whole-text chunk is analysed statement by statement; routine bodies are
/// never analysed, as creating a routine does not run it. Never panics.
pub fn analyze(sql: &str, chunk: &Chunk, dialect: DatabaseKind) -> Vec<Finding> {
    let text = chunk.exec_text(sql);
    let toks: Vec<Token> = significant(text, dialect).collect();
    let mut out = Vec::new();
    if dialect == DatabaseKind::Mysql {
        for segment in mysql_statements(text, &toks) {
            rules::statement(text, segment, dialect, &mut out);
        }
    } else {
        rules::statement(text, &toks, dialect, &mut out);
    }
    out
}

/// Every finding of a split file, with the index of its chunk in `split.chunks`.
pub fn analyze_split(sql: &str, split: &Split, dialect: DatabaseKind) -> Vec<(usize, Finding)> {
    split
        .chunks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == super::ChunkKind::Statement)
        .flat_map(|(i, c)| analyze(sql, c, dialect).into_iter().map(move |f| (i, f)))
        .collect()
}

/// The top-level statements of a MySQL text, cut at `;` outside compound `BEGIN … END`
/// blocks (`CASE … END [CASE]` counted; `END IF/LOOP/WHILE/REPEAT/FOR` close nothing counted).
fn mysql_statements<'t>(sql: &str, toks: &'t [Token]) -> Vec<&'t [Token]> {
    const UNCOUNTED: &[&str] = &["IF", "LOOP", "WHILE", "REPEAT", "FOR"];
    let mut out = Vec::new();
    let (mut start, mut depth, mut i) = (0, 0u32, 0);
    while i < toks.len() {
        let t = toks[i];
        let next = toks.get(i + 1);
        if t.is_word(sql, "BEGIN") {
            let transaction =
                i == start && next.is_none_or(|n| n.is_punct(sql, b';') || n.is_word(sql, "WORK"));
            if !transaction {
                depth += 1;
            }
        } else if t.is_word(sql, "CASE") {
            depth += 1;
        } else if t.is_word(sql, "END") {
            let uncounted = next.is_some_and(|n| UNCOUNTED.iter().any(|k| n.is_word(sql, k)));
            if !uncounted {
                depth = depth.saturating_sub(1);
            }
            if next.is_some_and(|n| n.is_word(sql, "CASE")) {
                i += 1;
            }
        } else if depth == 0 && t.is_punct(sql, b';') {
            out.push(&toks[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

/// Index-based access to one statement's significant tokens.
struct Stmt<'a> {
    sql: &'a str,
    toks: &'a [Token],
}

impl<'a> Stmt<'a> {
    fn is(&self, i: usize, kw: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_word(self.sql, kw))
    }

    fn is_any(&self, i: usize, kws: &[&str]) -> bool {
        kws.iter().any(|k| self.is(i, k))
    }

    fn punct(&self, i: usize, c: u8) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_punct(self.sql, c))
    }

    fn upper(&self, i: usize) -> String {
        match self.toks.get(i) {
            Some(t) if t.kind == TokenKind::Word => t.text(self.sql).to_ascii_uppercase(),
            _ => String::new(),
        }
    }

    /// Index of the first `kw` at or after `from`, outside parentheses.
    fn find_top(&self, from: usize, kw: &str) -> Option<usize> {
        let mut depth = 0i32;
        for i in from..self.toks.len() {
            if self.punct(i, b'(') {
                depth += 1;
            } else if self.punct(i, b')') {
                depth -= 1;
            } else if depth <= 0 && self.is(i, kw) {
                return Some(i);
            }
        }
        None
    }

    /// Skip `IF EXISTS` / `IF NOT EXISTS` at `i`.
    fn skip_if_exists(&self, mut i: usize) -> usize {
        if self.is(i, "IF") {
            i += 1;
            if self.is(i, "NOT") {
                i += 1;
            }
            if self.is(i, "EXISTS") {
                i += 1;
            }
        }
        i
    }

    /// A possibly qualified name at `i` (`s.t`, `"s"."t"`), and the index after it.
    fn name(&self, mut i: usize) -> (String, usize) {
        let atom = |i: usize| {
            self.toks
                .get(i)
                .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
                .map(|t| t.text(self.sql))
        };
        let mut name = String::new();
        while let Some(a) = atom(i) {
            name.push_str(a);
            i += 1;
            if self.punct(i, b'.') && atom(i + 1).is_some() {
                name.push('.');
                i += 1;
            } else {
                break;
            }
        }
        (name, i)
    }

    /// Comma-separated names from `i` (`DROP TABLE a, b`).
    fn names(&self, mut i: usize) -> String {
        let mut all = Vec::new();
        loop {
            let (name, next) = self.name(i);
            if name.is_empty() {
                break;
            }
            all.push(name);
            if !self.punct(next, b',') {
                break;
            }
            i = next + 1;
        }
        all.join(", ")
    }

    /// The token ranges between top-level commas, from `from` on.
    fn clauses(&self, from: usize) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let (mut depth, mut start) = (0i32, from);
        for i in from..self.toks.len() {
            if self.punct(i, b'(') {
                depth += 1;
            } else if self.punct(i, b')') {
                depth -= 1;
            } else if depth <= 0 && self.punct(i, b',') {
                out.push(start..i);
                start = i + 1;
            }
        }
        if start < self.toks.len() {
            out.push(start..self.toks.len());
        }
        out
    }
}
