//! Other migration tools' history tables, read and never written: which of the tables kept by
//! sqlx, dbmate, golang-migrate, Flyway, Diesel and refinery exist in the target, and their
//! rows, per dialect. Only the SQL and the reading live here; what the rows mean is decided in
//! `crate::adopt`.

use sqlx::Row as _;

use super::session::{on_conn, HistoryError, Session};
use crate::dialect::DatabaseKind;

/// A history table another tool keeps. dbmate and golang-migrate share `schema_migrations`
/// (golang-migrate's has a `dirty` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ForeignTable {
    Sqlx,
    SchemaMigrations,
    Flyway,
    Diesel,
    Refinery,
}

impl ForeignTable {
    /// In the order a database holding several is reported.
    pub(crate) const ALL: [ForeignTable; 5] = [
        Self::Sqlx,
        Self::SchemaMigrations,
        Self::Flyway,
        Self::Diesel,
        Self::Refinery,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sqlx => "_sqlx_migrations",
            Self::SchemaMigrations => "schema_migrations",
            Self::Flyway => "flyway_schema_history",
            Self::Diesel => "__diesel_schema_migrations",
            Self::Refinery => "refinery_schema_history",
        }
    }
}

/// One row of a foreign history table, in the tool's order. `kind` is Flyway's `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ForeignRow {
    pub version: Option<String>,
    pub description: Option<String>,
    /// sqlx and Flyway `success`, golang-migrate `NOT dirty`; always true for the others.
    pub ok: bool,
    pub kind: Option<String>,
}

/// One dialect's queries. Every row query returns (version text, description text, ok
/// 0/1 as a 64-bit integer, kind text), so one reader serves every tool.
struct Queries {
    tables: &'static str,
    dirty_column: &'static str,
    sqlx: &'static str,
    dbmate: &'static str,
    golang_migrate: &'static str,
    flyway: &'static str,
    diesel: &'static str,
    refinery: &'static str,
}

/// The tables' names as an SQL list, for `IN`.
macro_rules! names {
    () => {
        "('_sqlx_migrations', 'schema_migrations', 'flyway_schema_history', '__diesel_schema_migrations', 'refinery_schema_history')"
    };
}

const POSTGRES: Queries = Queries {
    tables: concat!("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ", names!()),
    dirty_column: "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'dirty'",
    sqlx: "SELECT version::text, description::text, (CASE WHEN success THEN 1 ELSE 0 END)::bigint, NULL::text FROM _sqlx_migrations ORDER BY version",
    dbmate: "SELECT version::text, NULL::text, 1::bigint, NULL::text FROM schema_migrations ORDER BY version",
    golang_migrate: "SELECT version::text, NULL::text, (CASE WHEN dirty THEN 0 ELSE 1 END)::bigint, NULL::text FROM schema_migrations ORDER BY version",
    flyway: "SELECT version::text, description::text, (CASE WHEN success THEN 1 ELSE 0 END)::bigint, type::text FROM flyway_schema_history ORDER BY installed_rank",
    diesel: "SELECT version::text, NULL::text, 1::bigint, NULL::text FROM __diesel_schema_migrations ORDER BY version",
    refinery: "SELECT version::text, name::text, 1::bigint, NULL::text FROM refinery_schema_history ORDER BY version",
};

// Everything is cast, so each column reads as one type whatever the tool declared (sqlx's
// version is a BIGINT; Flyway's table uses utf8mb4_bin, which sqlx 0.8 handed over as bytes).
const MYSQL: Queries = Queries {
    tables: concat!("SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ", names!()),
    dirty_column: "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'schema_migrations' AND column_name = 'dirty'",
    sqlx: "SELECT CAST(version AS CHAR), CAST(description AS CHAR), CAST(success AS SIGNED), CAST(NULL AS CHAR) FROM _sqlx_migrations ORDER BY version",
    dbmate: "SELECT CAST(version AS CHAR), CAST(NULL AS CHAR), CAST(1 AS SIGNED), CAST(NULL AS CHAR) FROM schema_migrations ORDER BY version",
    golang_migrate: "SELECT CAST(version AS CHAR), CAST(NULL AS CHAR), CAST(CASE WHEN dirty THEN 0 ELSE 1 END AS SIGNED), CAST(NULL AS CHAR) FROM schema_migrations ORDER BY version",
    flyway: "SELECT CAST(version AS CHAR), CAST(description AS CHAR), CAST(success AS SIGNED), CAST(type AS CHAR) FROM flyway_schema_history ORDER BY installed_rank",
    diesel: "SELECT CAST(version AS CHAR), CAST(NULL AS CHAR), CAST(1 AS SIGNED), CAST(NULL AS CHAR) FROM __diesel_schema_migrations ORDER BY version",
    refinery: "SELECT CAST(version AS CHAR), CAST(name AS CHAR), CAST(1 AS SIGNED), CAST(NULL AS CHAR) FROM refinery_schema_history ORDER BY version",
};

const SQLITE: Queries = Queries {
    tables: concat!("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ", names!()),
    dirty_column: "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'dirty'",
    sqlx: "SELECT CAST(version AS TEXT), CAST(description AS TEXT), CAST(success AS INTEGER), NULL FROM _sqlx_migrations ORDER BY version",
    dbmate: "SELECT CAST(version AS TEXT), NULL, 1, NULL FROM schema_migrations ORDER BY version",
    golang_migrate: "SELECT CAST(version AS TEXT), NULL, CASE WHEN dirty THEN 0 ELSE 1 END, NULL FROM schema_migrations ORDER BY version",
    flyway: "SELECT CAST(version AS TEXT), CAST(description AS TEXT), CAST(success AS INTEGER), CAST(type AS TEXT) FROM flyway_schema_history ORDER BY installed_rank",
    diesel: "SELECT CAST(version AS TEXT), NULL, 1, NULL FROM __diesel_schema_migrations ORDER BY version",
    refinery: "SELECT CAST(version AS TEXT), CAST(name AS TEXT), 1, NULL FROM refinery_schema_history ORDER BY version",
};

fn queries(kind: DatabaseKind) -> &'static Queries {
    match kind {
        DatabaseKind::Postgres => &POSTGRES,
        DatabaseKind::Mysql => &MYSQL,
        DatabaseKind::Sqlite => &SQLITE,
    }
}

impl Session {
    fn foreign_err(&self, action: &'static str) -> impl FnOnce(sqlx::Error) -> HistoryError {
        let target = self.target.clone();
        move |source| HistoryError::Sql {
            action,
            target,
            source,
        }
    }

    /// The foreign history tables present in the connection's schema (database), in
    /// [`ForeignTable::ALL`] order. Reading never creates anything.
    pub(crate) async fn foreign_tables(&mut self) -> Result<Vec<ForeignTable>, HistoryError> {
        let q = queries(self.kind).tables;
        let err = self.foreign_err("looking for other tools' history tables");
        let names: Vec<String> =
            on_conn!(&mut self.conn, c => sqlx::query_scalar(q).fetch_all(&mut *c).await)
                .map_err(err)?;
        Ok(ForeignTable::ALL
            .into_iter()
            .filter(|t| names.iter().any(|n| n == t.name()))
            .collect())
    }

    /// Whether `schema_migrations` has golang-migrate's `dirty` column (dbmate's has not).
    pub(crate) async fn schema_migrations_is_golang_migrate(
        &mut self,
    ) -> Result<bool, HistoryError> {
        let q = queries(self.kind).dirty_column;
        let err = self.foreign_err("reading the columns of schema_migrations");
        let n: i64 = on_conn!(&mut self.conn, c => sqlx::query_scalar(q).fetch_one(&mut *c).await)
            .map_err(err)?;
        Ok(n > 0)
    }

    /// Every row of `table`, in the tool's own order. For `schema_migrations`,
    /// `golang_migrate` picks golang-migrate's reading (with `dirty`) over dbmate's.
    pub(crate) async fn foreign_rows(
        &mut self,
        table: ForeignTable,
        golang_migrate: bool,
    ) -> Result<Vec<ForeignRow>, HistoryError> {
        let all = queries(self.kind);
        let q = match table {
            ForeignTable::Sqlx => all.sqlx,
            ForeignTable::SchemaMigrations if golang_migrate => all.golang_migrate,
            ForeignTable::SchemaMigrations => all.dbmate,
            ForeignTable::Flyway => all.flyway,
            ForeignTable::Diesel => all.diesel,
            ForeignTable::Refinery => all.refinery,
        };
        let err = self.foreign_err(match table {
            ForeignTable::Sqlx => "reading sqlx's _sqlx_migrations",
            ForeignTable::SchemaMigrations => "reading schema_migrations",
            ForeignTable::Flyway => "reading Flyway's flyway_schema_history",
            ForeignTable::Diesel => "reading Diesel's __diesel_schema_migrations",
            ForeignTable::Refinery => "reading refinery's refinery_schema_history",
        });
        on_conn!(&mut self.conn, c => {
            let rows = sqlx::query(q).fetch_all(&mut *c).await;
            rows.and_then(|rows| {
                rows.iter()
                    .map(|r| {
                        Ok(ForeignRow {
                            version: r.try_get(0)?,
                            description: r.try_get(1)?,
                            ok: r.try_get::<i64, _>(2)? != 0,
                            kind: r.try_get(3)?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        })
        .map_err(err)
    }
}
