//! The seeding connection: one dedicated connection per run, its own dialect's quoting, and
//! the few ways seeding talks to it (statements, counts, text rows, bound batches, COPY). Every
//! identifier is quoted here and every value is bound or sent as COPY data, never spliced.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::{Connection as _, Row as _};

use super::value::Value;
use crate::dialect::DatabaseKind;
use crate::driver::{redact_url, trusted, ConnectError};

pub(crate) enum SeedConn {
    #[cfg(feature = "postgres")]
    Pg(sqlx::PgConnection),
    #[cfg(feature = "mysql")]
    My(sqlx::MySqlConnection),
    #[cfg(feature = "sqlite")]
    Lite(sqlx::SqliteConnection),
}

macro_rules! on {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            SeedConn::Pg($c) => $body,
            #[cfg(feature = "mysql")]
            SeedConn::My($c) => $body,
            #[cfg(feature = "sqlite")]
            SeedConn::Lite($c) => $body,
        }
    };
}

/// Bind `$v` (a `&Value`) to the query `$q`.
macro_rules! bind_value {
    ($q:expr, $v:expr) => {
        match $v {
            Value::Null => $q.bind(None::<String>),
            Value::Bool(b) => $q.bind(*b),
            Value::Int(i) => $q.bind(*i),
            Value::Float(f) => $q.bind(*f),
            Value::Text(s) => $q.bind(s.as_str()),
        }
    };
}

impl SeedConn {
    pub(crate) async fn connect(
        url: &str,
        timeout: Duration,
    ) -> Result<(Self, DatabaseKind), ConnectError> {
        let target = redact_url(url);
        let kind = DatabaseKind::from_url(url).ok_or_else(|| ConnectError::UnknownScheme {
            target: target.clone(),
        })?;
        let connecting = async {
            Ok::<_, sqlx::Error>(match kind {
                #[cfg(feature = "postgres")]
                DatabaseKind::Postgres => SeedConn::Pg(sqlx::PgConnection::connect(url).await?),
                #[cfg(feature = "mysql")]
                DatabaseKind::Mysql => SeedConn::My(sqlx::MySqlConnection::connect(url).await?),
                #[cfg(feature = "sqlite")]
                DatabaseKind::Sqlite => {
                    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(60))
                        // A dataset is one transaction: with the default 2 MB page cache a
                        // large one spills pages to the file (and its journal) long before
                        // COMMIT. 64 MB keeps a million-row table and its indexes in memory.
                        .pragma("cache_size", "-65536");
                    SeedConn::Lite(sqlx::SqliteConnection::connect_with(&opts).await?)
                }
                #[allow(unreachable_patterns)]
                _ => return Err(sqlx::Error::Configuration("driver not compiled in".into())),
            })
        };
        let conn = tokio::time::timeout(timeout, connecting)
            .await
            .map_err(|_| ConnectError::Timeout {
                kind,
                target: target.clone(),
                seconds: timeout.as_secs(),
            })?
            .map_err(|source| ConnectError::Connect {
                kind,
                target,
                source,
            })?;
        Ok((conn, kind))
    }

    pub(crate) async fn close(self) {
        let _ = on!(self, c => c.close().await);
    }

    /// Run one statement (text protocol); the rows it affected.
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        on!(self, c => Ok(sqlx::raw_sql(trusted(sql)).execute(&mut *c).await?.rows_affected()))
    }

    /// Run one statement with bound values; the rows it affected.
    pub(crate) async fn execute_bound(
        &mut self,
        sql: &str,
        values: &[Value],
    ) -> Result<u64, sqlx::Error> {
        on!(self, c => {
            let mut q = sqlx::query(trusted(sql));
            for v in values {
                q = bind_value!(q, v);
            }
            Ok(q.execute(&mut *c).await?.rows_affected())
        })
    }

    /// The first column of the first row as a 64-bit integer (COUNT, MIN; NULL is `None`).
    pub(crate) async fn scalar_i64(&mut self, sql: &str) -> Result<Option<i64>, sqlx::Error> {
        on!(self, c => {
            let row = sqlx::query(trusted(sql)).fetch_one(&mut *c).await?;
            row.try_get::<Option<i64>, _>(0)
        })
    }

    /// Every row of a query whose columns are all text (or NULL), with text binds.
    pub(crate) async fn text_rows(
        &mut self,
        sql: &str,
        binds: &[&str],
    ) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        on!(self, c => {
            let mut q = sqlx::query(trusted(sql));
            for b in binds {
                q = q.bind(*b);
            }
            let rows = q.fetch_all(&mut *c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let mut v = Vec::with_capacity(r.len());
                for i in 0..r.len() {
                    v.push(r.try_get::<Option<String>, _>(i)?);
                }
                out.push(v);
            }
            Ok(out)
        })
    }

    /// PostgreSQL: `COPY … FROM STDIN` (text format) with `data` as the rows.
    #[cfg(feature = "postgres")]
    pub(crate) async fn copy_in(
        &mut self,
        statement: &str,
        data: &[u8],
    ) -> Result<u64, sqlx::Error> {
        match self {
            SeedConn::Pg(c) => {
                let mut copy = c.copy_in_raw(statement).await?;
                if let Err(e) = copy.send(data).await {
                    let _ = copy.abort("strata: sending the rows failed").await;
                    return Err(e);
                }
                copy.finish().await
            }
            #[allow(unreachable_patterns)]
            _ => Err(sqlx::Error::Configuration("COPY is PostgreSQL's".into())),
        }
    }
}

/// An identifier quoted for `kind` (a `schema.table` name is quoted part by part).
pub(crate) fn ident(kind: DatabaseKind, name: &str) -> String {
    name.split('.')
        .map(|part| match kind {
            DatabaseKind::Mysql => format!("`{}`", part.replace('`', "``")),
            _ => format!("\"{}\"", part.replace('"', "\"\"")),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// `value` as a SQL text literal for `kind` (for names passed to catalog queries).
pub(crate) fn text_cast(kind: DatabaseKind, expr: &str) -> String {
    match kind {
        DatabaseKind::Postgres => format!("({expr})::text"),
        DatabaseKind::Mysql => format!("CAST({expr} AS CHAR)"),
        DatabaseKind::Sqlite => format!("CAST({expr} AS TEXT)"),
    }
}

/// A bind placeholder for parameter `n` (1-based).
pub(crate) fn param(kind: DatabaseKind, n: usize) -> String {
    match kind {
        DatabaseKind::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

/// `a` and `b` differ, NULL-safely.
pub(crate) fn differs(kind: DatabaseKind, a: &str, b: &str) -> String {
    match kind {
        DatabaseKind::Postgres => format!("{a} IS DISTINCT FROM {b}"),
        DatabaseKind::Mysql => format!("NOT ({a} <=> {b})"),
        DatabaseKind::Sqlite => format!("{a} IS NOT {b}"),
    }
}

/// One row of PostgreSQL COPY text format: tab-separated, `\N` for NULL, escapes for `\`,
/// tab, newline and carriage return.
pub(crate) fn copy_line(out: &mut Vec<u8>, values: impl IntoIterator<Item = Value>) {
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match v {
            Value::Null => out.extend_from_slice(b"\\N"),
            Value::Bool(b) => out.push(if b { b't' } else { b'f' }),
            Value::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
            Value::Float(f) => out.extend_from_slice(f.to_string().as_bytes()),
            Value::Text(s) => {
                for &b in s.as_bytes() {
                    match b {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        _ => out.push(b),
                    }
                }
            }
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_copy_text_cannot_break_out() {
        assert_eq!(ident(DatabaseKind::Postgres, "we\"ird"), "\"we\"\"ird\"");
        assert_eq!(ident(DatabaseKind::Mysql, "a`b"), "`a``b`");
        assert_eq!(
            ident(DatabaseKind::Sqlite, "main.users"),
            "\"main\".\"users\""
        );
        let mut out = Vec::new();
        copy_line(
            &mut out,
            [
                Value::Text("a\tb\\c\nd".into()),
                Value::Null,
                Value::Bool(true),
                Value::Int(-3),
            ],
        );
        assert_eq!(out, b"a\\tb\\\\c\\nd\t\\N\tt\t-3\n");
    }
}
