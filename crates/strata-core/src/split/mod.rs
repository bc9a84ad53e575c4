//! Statement splitting per dialect: the chunks of a split always concatenate to the input
//! exactly, for any input, and splitting never panics.
//!
//! A migration file is cut into [`Chunk`]s. Each [`ChunkKind::Statement`] chunk holds one
//! statement to send to the server (its [`Chunk::exec`] range), together with the comments and
//! blank lines before it and the rest of its last line. Whatever follows the last statement is a
//! [`ChunkKind::Trivia`] chunk; MySQL `DELIMITER` lines are [`ChunkKind::Delimiter`] chunks.
//!
//! **The exec text never includes the statement's terminator** (`;` or the active MySQL
//! delimiter), on every dialect. No server needs it: PostgreSQL, MySQL/MariaDB and SQLite all
//! accept a single statement without one, and a `;` inside a body (`BEGIN … END`, dollar quotes)
//! is part of the statement and kept. Leaving it out also makes the text shown per statement and
//! the text sent identical on all three engines. The one exception is a MySQL file sent whole
//! ([`Split::whole_text`]): its exec text keeps the `;` between its statements (the server
//! splits them) and drops only the last one.
//!
//! Rules per dialect live in `postgres.rs`, `mysql.rs` and `sqlite.rs`, the shared loop in
//! `engine.rs`, the lexer in `lexer.rs`; the risk analysis of a statement in [`analysis`].

use std::ops::Range;

use crate::dialect::DatabaseKind;

pub mod analysis;
mod engine;
mod lexer;
mod mysql;
mod postgres;
mod sqlite;

#[cfg(test)]
mod tests;

pub use analysis::{analyze, analyze_split, Finding};

/// A migration file cut into chunks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// In input order; their `range`s partition the input exactly.
    pub chunks: Vec<Chunk>,
    /// MySQL: the file holds a stored routine, trigger or event with `BEGIN … END` and no
    /// `DELIMITER` line, so it is sent whole as one multi-statement text (the server parses
    /// compound statements itself, a client-side split would cut the body apart). Then a single
    /// `Statement` chunk covers the whole input.
    pub whole_text: bool,
}

/// One piece of a migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Byte range in the input. The chunks' ranges partition the input exactly, in order.
    pub range: Range<usize>,
    /// The part to send to the server, inside `range`: from the statement's first token to its
    /// last one, without leading comments or the terminator. Empty (at `range.start`) for a
    /// `Trivia` chunk; the `DELIMITER` command itself for a `Delimiter` chunk.
    pub exec: Range<usize>,
    pub kind: ChunkKind,
    /// 1-based line of `exec.start` in the input (lines end at `\n`).
    pub line: u32,
    /// 1-based column of `exec.start`, counted in characters.
    pub column: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkKind {
    /// A statement to send.
    Statement,
    /// Nothing to send: whitespace, comments, or an empty statement (a lone `;`).
    Trivia,
    /// A MySQL client-side `DELIMITER` line: changes how the rest of the file is split, and is
    /// never sent.
    Delimiter,
}

impl Chunk {
    /// The text to send (see [`Chunk::exec`]); empty if `sql` is not the split input.
    pub fn exec_text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.exec.clone()).unwrap_or("")
    }

    /// The whole chunk, leading comments and terminator included.
    pub fn text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.range.clone()).unwrap_or("")
    }
}

impl Split {
    /// The chunks to send, in order.
    pub fn statements(&self) -> impl Iterator<Item = &Chunk> {
        self.chunks
            .iter()
            .filter(|c| c.kind == ChunkKind::Statement)
    }
}

/// Cut `sql` into statements the way the dialect's own client would (psql, the mysql client,
/// the sqlite3 shell). Never panics; see the module documentation for the guarantees.
pub fn split(sql: &str, dialect: DatabaseKind) -> Split {
    match dialect {
        DatabaseKind::Postgres => postgres::split(sql),
        DatabaseKind::Mysql => mysql::split(sql),
        DatabaseKind::Sqlite => sqlite::split(sql),
    }
}

/// Map a 0-based character offset inside a statement's exec text (PostgreSQL's error `position`
/// minus one) to the 1-based line and column in the input. Offsets past the end of the exec
/// text map to its end; a chunk that does not belong to `sql` maps to its own start.
pub fn locate(sql: &str, chunk: &Chunk, offset_in_exec: usize) -> (u32, u32) {
    let Some(exec) = sql.get(chunk.exec.clone()) else {
        return (chunk.line, chunk.column);
    };
    let (mut line, mut column) = (chunk.line, chunk.column);
    for c in exec.chars().take(offset_in_exec) {
        if c == '\n' {
            line = line.saturating_add(1);
            column = 1;
        } else {
            column = column.saturating_add(1);
        }
    }
    (line, column)
}
