//! A database's schema as sorted text, read from the engine's own catalog, so two states of a
//! database can be compared line by line: up → down → up must give back the same lines. Strata's
//! own tables (`strata_*`) are left out; the event log is read separately ([`events`]).
//!
//! - PostgreSQL (the connection's current schema): tables, columns, indexes, constraints, views,
//!   triggers, functions and procedures, sequences and enum types.
//! - MariaDB/MySQL (`DATABASE()`): tables, columns, indexes, constraints, foreign keys, checks,
//!   views, triggers and routines. The database's own name is cut out of view and routine
//!   bodies, so scratch databases compare equal.
//! - SQLite: the rows of `sqlite_schema` (without `rootpage`, which moves as pages are reused).
//!
//! Columns are listed in their logical order (PostgreSQL keeps a hole for a dropped column, so
//! its raw `ordinal_position` after DROP + ADD COLUMN differs although the schema is the same).

use std::fmt;
use std::str::FromStr as _;

use sqlx::{Connection as _, Row as _};
use strata_core::driver::Session;
use strata_core::history::AppliedMigration;
use strata_core::DatabaseKind;

/// The schema of one database, one object (or column, or index column) per line, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    pub kind: DatabaseKind,
    pub lines: Vec<String>,
}

impl Catalog {
    /// Read the schema of the database at `url`.
    pub async fn of(url: &str) -> Catalog {
        let kind = DatabaseKind::from_url(url)
            .unwrap_or_else(|| panic!("{url} is not a database URL Strata knows"));
        let mut lines = match kind {
            DatabaseKind::Postgres => postgres(url).await,
            DatabaseKind::Mysql => mysql(url).await,
            DatabaseKind::Sqlite => sqlite(url).await,
        }
        .unwrap_or_else(|e| panic!("{kind}: reading the catalog of {url} failed: {e}"));
        lines.sort();
        Catalog { kind, lines }
    }

    /// Lines of the given kind (`table`, `column`, `index`, `trigger`, …).
    pub fn of_kind(&self, what: &str) -> Vec<&str> {
        let prefix = format!("{what} | ");
        self.lines
            .iter()
            .filter(|l| l.starts_with(&prefix))
            .map(String::as_str)
            .collect()
    }

    /// Whether some line starts with `what | ` and contains `needle`.
    pub fn has(&self, what: &str, needle: &str) -> bool {
        self.of_kind(what).iter().any(|l| l.contains(needle))
    }

    /// The lines only in `self` (`-`) and only in `other` (`+`).
    pub fn diff(&self, other: &Catalog) -> String {
        let mut out = String::new();
        for l in &self.lines {
            if !other.lines.contains(l) {
                out.push_str(&format!("- {l}\n"));
            }
        }
        for l in &other.lines {
            if !self.lines.contains(l) {
                out.push_str(&format!("+ {l}\n"));
            }
        }
        out
    }

    /// Panic with `context` and the differing lines unless `actual` equals `self`.
    #[track_caller]
    pub fn assert_same(&self, actual: &Catalog, context: &str) {
        if self.lines != actual.lines {
            panic!(
                "{}: {context}: the catalog differs (- expected, + actual):\n{}",
                self.kind,
                self.diff(actual)
            );
        }
    }
}

impl fmt::Display for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            writeln!(f, "{l}")?;
        }
        Ok(())
    }
}

/// Each query returns one text column: a line of the catalog.
const POSTGRES: &[&str] = &[
    r"SELECT concat_ws(' | ', 'table', table_name, table_type)
      FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name NOT LIKE 'strata\_%'",
    r"SELECT concat_ws(' | ', 'column', table_name,
          lpad((row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position))::text, 4, '0'),
          column_name,
          data_type, coalesce(udt_name, ''), coalesce(character_maximum_length::text, ''),
          coalesce(numeric_precision::text, ''), coalesce(numeric_scale::text, ''),
          'nullable=' || is_nullable, 'default=' || coalesce(column_default, '(none)'),
          'identity=' || is_identity || coalesce(' ' || identity_generation, ''),
          coalesce('generated=' || generation_expression, ''))
      FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name NOT LIKE 'strata\_%'",
    r"SELECT concat_ws(' | ', 'index', tablename, indexname, indexdef)
      FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename NOT LIKE 'strata\_%'",
    r"SELECT concat_ws(' | ', 'constraint', coalesce(cl.relname, '(domain)'), con.conname,
          con.contype::text, pg_get_constraintdef(con.oid))
      FROM pg_constraint con LEFT JOIN pg_class cl ON cl.oid = con.conrelid
      WHERE con.connamespace = current_schema()::regnamespace
        AND coalesce(cl.relname, '') NOT LIKE 'strata\_%'",
    r"SELECT concat_ws(' | ', 'view', table_name, view_definition)
      FROM information_schema.views
      WHERE table_schema = current_schema()",
    r"SELECT concat_ws(' | ', 'matview', matviewname, definition)
      FROM pg_matviews
      WHERE schemaname = current_schema()",
    r"SELECT concat_ws(' | ', 'trigger', c.relname, t.tgname, pg_get_triggerdef(t.oid))
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace",
    r"SELECT concat_ws(' | ', 'routine', p.proname, pg_get_function_identity_arguments(p.oid),
          pg_get_functiondef(p.oid))
      FROM pg_proc p
      WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f', 'p')",
    r"SELECT concat_ws(' | ', 'sequence', sequence_name, data_type, start_value, increment)
      FROM information_schema.sequences
      WHERE sequence_schema = current_schema() AND sequence_name NOT LIKE 'strata\_%'",
    r"SELECT concat_ws(' | ', 'type', t.typname,
          string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder))
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = current_schema()::regnamespace
      GROUP BY t.typname",
];

async fn postgres(url: &str) -> Result<Vec<String>, sqlx::Error> {
    let mut c = sqlx::PgConnection::connect(url).await?;
    let mut lines = Vec::new();
    for q in POSTGRES {
        let rows: Vec<String> = sqlx::query_scalar(*q).fetch_all(&mut c).await?;
        lines.extend(rows);
    }
    c.close().await?;
    Ok(lines)
}

const MYSQL: &[&str] = &[
    r"SELECT CONCAT_WS(' | ', 'table', TABLE_NAME, TABLE_TYPE, COALESCE(ENGINE, ''),
          COALESCE(TABLE_COLLATION, ''))
      FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'strata\_%'",
    r"SELECT CONCAT_WS(' | ', 'column', TABLE_NAME, LPAD(ORDINAL_POSITION, 4, '0'), COLUMN_NAME, COLUMN_TYPE,
          CONCAT('nullable=', IS_NULLABLE), CONCAT('default=', COALESCE(COLUMN_DEFAULT, '(none)')),
          CONCAT('extra=', EXTRA), COALESCE(COLLATION_NAME, ''), CONCAT('key=', COLUMN_KEY),
          COALESCE(CONCAT('generated=', GENERATION_EXPRESSION), ''))
      FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'strata\_%'",
    r"SELECT CONCAT_WS(' | ', 'index', TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME,
          CONCAT('non_unique=', NON_UNIQUE), INDEX_TYPE, COALESCE(SUB_PART, ''),
          COALESCE(COLLATION, ''))
      FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'strata\_%'",
    r"SELECT CONCAT_WS(' | ', 'constraint', TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE)
      FROM information_schema.TABLE_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'strata\_%'",
    r"SELECT CONCAT_WS(' | ', 'key', TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION, COLUMN_NAME,
          COALESCE(REFERENCED_TABLE_NAME, ''), COALESCE(REFERENCED_COLUMN_NAME, ''))
      FROM information_schema.KEY_COLUMN_USAGE
      WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'strata\_%'",
    r"SELECT CONCAT_WS(' | ', 'foreign', TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME,
          CONCAT('on update ', UPDATE_RULE), CONCAT('on delete ', DELETE_RULE))
      FROM information_schema.REFERENTIAL_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = DATABASE()",
    r"SELECT CONCAT_WS(' | ', 'check', TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE)
      FROM information_schema.CHECK_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = DATABASE()",
    r"SELECT CONCAT_WS(' | ', 'view', TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, IS_UPDATABLE)
      FROM information_schema.VIEWS
      WHERE TABLE_SCHEMA = DATABASE()",
    r"SELECT CONCAT_WS(' | ', 'trigger', EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING,
          EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT)
      FROM information_schema.TRIGGERS
      WHERE TRIGGER_SCHEMA = DATABASE()",
    r"SELECT CONCAT_WS(' | ', 'routine', ROUTINE_TYPE, ROUTINE_NAME,
          COALESCE(DTD_IDENTIFIER, ''), ROUTINE_DEFINITION)
      FROM information_schema.ROUTINES
      WHERE ROUTINE_SCHEMA = DATABASE()",
    r"SELECT CONCAT_WS(' | ', 'parameter', SPECIFIC_NAME, ORDINAL_POSITION,
          COALESCE(PARAMETER_MODE, ''), COALESCE(PARAMETER_NAME, ''), DTD_IDENTIFIER)
      FROM information_schema.PARAMETERS
      WHERE SPECIFIC_SCHEMA = DATABASE()",
];

/// A MySQL text value, whatever character set or binary type the server chose for it.
fn mysql_text(row: &sqlx::mysql::MySqlRow) -> Result<String, sqlx::Error> {
    match row.try_get::<String, _>(0) {
        Ok(s) => Ok(s),
        Err(_) => Ok(String::from_utf8_lossy(&row.try_get::<Vec<u8>, _>(0)?).into_owned()),
    }
}

async fn mysql(url: &str) -> Result<Vec<String>, sqlx::Error> {
    let mut c = sqlx::MySqlConnection::connect(url).await?;
    let db: String = sqlx::query_scalar("SELECT CAST(DATABASE() AS CHAR)")
        .fetch_one(&mut c)
        .await?;
    let qualified = format!("`{db}`.");
    let mut lines = Vec::new();
    for q in MYSQL {
        for row in sqlx::query(*q).fetch_all(&mut c).await? {
            lines.push(mysql_text(&row)?.replace(&qualified, ""));
        }
    }
    c.close().await?;
    Ok(lines)
}

async fn sqlite(url: &str) -> Result<Vec<String>, sqlx::Error> {
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?.create_if_missing(true);
    let mut c = sqlx::SqliteConnection::connect_with(&opts).await?;
    let rows = sqlx::query(
        r"SELECT type, name, tbl_name, sql FROM sqlite_schema
          WHERE tbl_name NOT LIKE 'strata\_%' ESCAPE '\'
            AND name NOT IN ('sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4')",
    )
    .fetch_all(&mut c)
    .await?;
    let mut lines = Vec::new();
    for r in rows {
        let (kind, name, table, sql): (String, String, String, Option<String>) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
        lines.push(format!(
            "{kind} | {table} | {name} | {}",
            sql.unwrap_or_else(|| "(no sql)".into())
        ));
    }
    c.close().await?;
    Ok(lines)
}

/// One row of `strata_events`, as the tests check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub run_id: String,
    pub kind: String,
    pub version: Option<String>,
    pub outcome: String,
    pub error: Option<String>,
    pub detail: Option<String>,
    pub actor: String,
}

impl EventRow {
    /// `kind version outcome`, e.g. `apply 3 ok`.
    pub fn short(&self) -> String {
        format!(
            "{} {} {}",
            self.kind,
            self.version.as_deref().unwrap_or("-"),
            self.outcome
        )
    }
}

const EVENTS: &str =
    "SELECT run_id, kind, version, outcome, error, detail, actor FROM strata_events ORDER BY id";

macro_rules! event_rows {
    ($conn:expr) => {{
        let rows = sqlx::query(EVENTS).fetch_all(&mut $conn).await?;
        rows.iter()
            .map(|r| {
                Ok(EventRow {
                    run_id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    version: r.try_get(2)?,
                    outcome: r.try_get(3)?,
                    error: r.try_get(4)?,
                    detail: r.try_get(5)?,
                    actor: r.try_get(6)?,
                })
            })
            .collect::<Result<Vec<EventRow>, sqlx::Error>>()
    }};
}

async fn read_events(url: &str) -> Result<Vec<EventRow>, sqlx::Error> {
    match DatabaseKind::from_url(url) {
        Some(DatabaseKind::Postgres) => {
            let mut c = sqlx::PgConnection::connect(url).await?;
            event_rows!(c)
        }
        Some(DatabaseKind::Mysql) => {
            let mut c = sqlx::MySqlConnection::connect(url).await?;
            event_rows!(c)
        }
        Some(DatabaseKind::Sqlite) => {
            let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
            let mut c = sqlx::SqliteConnection::connect_with(&opts).await?;
            event_rows!(c)
        }
        None => panic!("{url} is not a database URL Strata knows"),
    }
}

/// Strata's event log (`strata_events`) in the order it was written.
pub async fn events(url: &str) -> Vec<EventRow> {
    read_events(url)
        .await
        .unwrap_or_else(|e| panic!("reading strata_events of {url} failed: {e}"))
}

const CONNECT: std::time::Duration = std::time::Duration::from_secs(15);

/// Strata's history (`strata_migrations`) as the engine reads it, in version order (numeric for
/// digit versions).
pub async fn history(url: &str) -> Vec<AppliedMigration> {
    let mut s = Session::connect(url, CONNECT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut rows = s
        .read_history()
        .await
        .unwrap_or_else(|e| panic!("reading the history of {url}: {e}"));
    s.close().await;
    rows.sort_by(|a, b| (a.version.len(), &a.version).cmp(&(b.version.len(), &b.version)));
    rows
}

/// One integer the database at `url` answers to `sql`, e.g. a `COUNT(*)`.
pub async fn scalar(url: &str, sql: &str) -> i64 {
    let mut s = Session::connect(url, CONNECT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let n = s
        .scalar_i64(sql)
        .await
        .unwrap_or_else(|e| panic!("{url}: {sql}: {e}"));
    s.close().await;
    n
}

/// The `seed` events of the database's event log, newest first, as the History screen reads them.
pub async fn seed_events(url: &str) -> Vec<strata_core::history::Event> {
    strata_core::engine::events(url, std::time::Duration::from_secs(15), 1_000)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .into_iter()
        .filter(|e| e.kind == strata_core::history::EventKind::Seed)
        .collect()
}
