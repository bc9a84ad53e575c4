//! History values as SQL literals, for the bookkeeping that shares a text with a migration's
//! own statements: nothing a value holds can end its literal early.

use crate::dialect::DatabaseKind;
use crate::driver::{mysql, postgres, sqlite};
use crate::history::{AppliedMigration, Event};

/// History values written as SQL literals of one dialect, for one text sent to the server:
/// PostgreSQL dollar quotes with a tag found in none of the text's values, SQLite quotes with
/// `''` doubled, MySQL utf8mb4 hex. Nothing in a value can end its literal early.
pub(crate) struct Literals {
    kind: DatabaseKind,
    tag: String,
}

impl Literals {
    /// `values`: every text that this batch will hold as a literal.
    pub(crate) fn new<'a>(
        kind: DatabaseKind,
        values: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Self {
        let tag = match kind {
            DatabaseKind::Postgres => postgres::dollar_tag(values),
            _ => String::new(),
        };
        Self { kind, tag }
    }

    pub(crate) fn text(&self, value: &str) -> String {
        match self.kind {
            // PostgreSQL text cannot hold NUL. Migration text holding one is refused before it
            // runs; in an event's error text it becomes U+FFFD rather than losing the event.
            DatabaseKind::Postgres if value.contains('\0') => {
                postgres::dollar_quote(&value.replace('\0', "\u{fffd}"), &self.tag)
            }
            DatabaseKind::Postgres => postgres::dollar_quote(value, &self.tag),
            DatabaseKind::Mysql => mysql::hex_literal(value),
            DatabaseKind::Sqlite => sqlite::quote(value),
        }
    }

    pub(crate) fn opt(&self, value: Option<&str>) -> String {
        value.map_or_else(|| "NULL".to_owned(), |v| self.text(v))
    }

    pub(crate) fn insert_applied(&self, m: &AppliedMigration) -> String {
        format!(
            "INSERT INTO strata_migrations (version, name, checksum, up_sql, down_sql, applied_at, applied_by, execution_ms, state, statements_total, statements_committed) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            self.text(&m.version),
            self.text(&m.name),
            self.text(&m.checksum),
            self.text(&m.up_sql),
            self.opt(m.down_sql.as_deref()),
            self.text(&m.applied_at),
            self.text(&m.applied_by),
            m.execution_ms,
            self.text(m.state.as_str()),
            m.statements_total,
            m.statements_committed,
        )
    }

    pub(crate) fn insert_event(&self, e: &Event) -> String {
        format!(
            "INSERT INTO strata_events (run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            self.text(&e.run_id),
            self.text(&e.at),
            self.text(e.kind.as_str()),
            self.opt(e.version.as_deref()),
            self.opt(e.name.as_deref()),
            self.text(e.outcome.as_str()),
            e.duration_ms,
            self.opt(e.error.as_deref()),
            self.opt(e.detail.as_deref()),
            self.text(&e.actor),
        )
    }

    pub(crate) fn delete_applied(&self, version: &str) -> String {
        format!(
            "DELETE FROM strata_migrations WHERE version = {}",
            self.text(version)
        )
    }
}
