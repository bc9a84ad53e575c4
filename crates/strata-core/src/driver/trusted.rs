//! The engine's one door for SQL text built at run time to reach sqlx. sqlx (0.9 on) takes a
//! `&'static str` as is and asks every other text to be marked [`sqlx::AssertSqlSafe`];
//! [`trusted`] is that mark, so the reason is written once, here, not at every call.
//!
//! Why the engine's run-time SQL is the "assert safe" case: the text is either a migration,
//! seed or query the user wrote in their own project files and asked Strata to run exactly as
//! written (Strata is their migration tool, not a gate between them and their database), or
//! Strata's own statement from `driver::{postgres, mysql, sqlite}` in which every value (a
//! version, a name, a run id, a history row) is either bound as a parameter or written through
//! the dialect's literal function (`session::Literals`: `sqlite::quote`, `mysql::hex_literal`,
//! `postgres::dollar_quote` with a tag the text does not hold), and numbers (connection ids)
//! are formatted as numbers.

use sqlx::{AssertSqlSafe, SqlSafeStr};

/// Mark SQL text the engine runs but did not have at compile time (see the module comment):
/// `&str` (sqlx copies it) or `String` (moved, no copy).
pub(crate) fn trusted<T>(sql: T) -> AssertSqlSafe<T>
where
    AssertSqlSafe<T>: SqlSafeStr,
{
    AssertSqlSafe(sql)
}
