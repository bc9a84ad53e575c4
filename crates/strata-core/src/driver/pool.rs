//! A small, lazy, bounded connection pool per database: creating one opens nothing, it never
//! holds more than [`MAX_CONNECTIONS`], and no wait on it (for a connection, a connect, a read)
//! outlasts the timeout it was built with. Pools serve reads (status, a connection test);
//! the migration lock and runs keep their own dedicated connection (`Session::connect`).

use std::str::FromStr as _;
use std::time::Duration;

use super::session::Conn;
use super::{ConnectError, Session};
use crate::dialect::DatabaseKind;

/// At most this many connections per pool: enough for a status and a schema read at once,
/// never a flood on a production server.
pub const MAX_CONNECTIONS: u32 = 4;
/// A connection idle this long is closed (the pool keeps none open for its own sake).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// A lazily connecting pool to one database. Cloning shares the pool.
#[derive(Debug, Clone)]
pub struct DbPool {
    inner: Inner,
    /// The URL with its password redacted, for messages.
    target: String,
    /// The bound on each wait: a connection from the pool, a connect, a read through it.
    timeout: Duration,
    /// The server's TCP address (not for SQLite or a Unix socket): knocked on before the
    /// first connection, because sqlx retries a refused connect until the timeout, and a
    /// server that is down should say so at once, not after seconds of a blank column.
    address: Option<(String, u16)>,
}

#[derive(Debug, Clone)]
enum Inner {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlPool),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
}

/// Run `$body` with `$p` bound to the concrete sqlx pool.
macro_rules! on_pool {
    ($inner:expr, $p:ident => $body:expr) => {
        match $inner {
            #[cfg(feature = "postgres")]
            Inner::Postgres($p) => $body,
            #[cfg(feature = "mysql")]
            Inner::Mysql($p) => $body,
            #[cfg(feature = "sqlite")]
            Inner::Sqlite($p) => $body,
        }
    };
}

fn options<DB: sqlx::Database>(timeout: Duration) -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .min_connections(0)
        .acquire_timeout(timeout)
        .idle_timeout(IDLE_TIMEOUT)
}

impl DbPool {
    /// A pool to `url` that connects on first use, not now: no socket is opened and no file
    /// is touched here. `timeout` bounds every later wait on it. A SQLite file is never
    /// created by a pool (reading a database that does not exist is an error, not a new file).
    /// Needs a Tokio runtime (the pool's reaper closes idle connections).
    pub fn lazy(url: &str, timeout: Duration) -> Result<Self, ConnectError> {
        let target = super::redact_url(url);
        let kind = DatabaseKind::from_url(url).ok_or_else(|| ConnectError::UnknownScheme {
            target: target.clone(),
        })?;
        let bad_url = |source| ConnectError::Connect {
            kind,
            target: target.clone(),
            source,
        };
        let inner = match kind {
            #[cfg(feature = "postgres")]
            DatabaseKind::Postgres => {
                let name = format!(
                    "strata {} pid {} (pool)",
                    crate::clock::actor(),
                    std::process::id()
                );
                let opts = sqlx::postgres::PgConnectOptions::from_str(url)
                    .map_err(bad_url)?
                    .application_name(&name);
                Inner::Postgres(options(timeout).connect_lazy_with(opts))
            }
            #[cfg(feature = "mysql")]
            DatabaseKind::Mysql => {
                let opts = sqlx::mysql::MySqlConnectOptions::from_str(url).map_err(bad_url)?;
                Inner::Mysql(options(timeout).connect_lazy_with(opts))
            }
            #[cfg(feature = "sqlite")]
            DatabaseKind::Sqlite => {
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(bad_url)?
                    .create_if_missing(false)
                    .busy_timeout(timeout);
                Inner::Sqlite(options(timeout).connect_lazy_with(opts))
            }
            #[allow(unreachable_patterns)]
            other => {
                return Err(ConnectError::NotCompiledIn {
                    kind: other,
                    feature: match other {
                        DatabaseKind::Postgres => "postgres",
                        DatabaseKind::Mysql => "mysql",
                        DatabaseKind::Sqlite => "sqlite",
                    },
                })
            }
        };
        Ok(Self {
            inner,
            target,
            timeout,
            address: tcp_address(url, kind),
        })
    }

    pub fn kind(&self) -> DatabaseKind {
        match self.inner {
            #[cfg(feature = "postgres")]
            Inner::Postgres(_) => DatabaseKind::Postgres,
            #[cfg(feature = "mysql")]
            Inner::Mysql(_) => DatabaseKind::Mysql,
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(_) => DatabaseKind::Sqlite,
        }
    }

    /// The database, password redacted.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The bound on each wait on this pool.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Connections open now (in use or idle).
    pub fn size(&self) -> u32 {
        on_pool!(&self.inner, p => p.size())
    }

    pub fn is_closed(&self) -> bool {
        on_pool!(&self.inner, p => p.is_closed())
    }

    /// Close the pool: no new connection is lent, idle ones close now, lent ones when given
    /// back. Every clone sees it closed.
    pub async fn close(&self) {
        on_pool!(&self.inner, p => p.close().await)
    }

    /// A session over a connection from the pool (connecting one if none is idle), within the
    /// pool's timeout. For reads: [`Session::close`] gives the connection back.
    pub(crate) async fn session(&self) -> Result<Session, ConnectError> {
        let kind = self.kind();
        let connect_err = |source| ConnectError::Connect {
            kind,
            target: self.target.clone(),
            source,
        };
        let timed_out = || ConnectError::Timeout {
            kind,
            target: self.target.clone(),
            seconds: self.timeout.as_secs(),
        };
        let acquiring = async {
            Ok::<Conn, sqlx::Error>(match &self.inner {
                #[cfg(feature = "postgres")]
                Inner::Postgres(p) => Conn::PostgresPooled(p.acquire().await?),
                #[cfg(feature = "mysql")]
                Inner::Mysql(p) => Conn::MysqlPooled(p.acquire().await?),
                #[cfg(feature = "sqlite")]
                Inner::Sqlite(p) => Conn::SqlitePooled(p.acquire().await?),
            })
        };
        if let (0, Some((host, port))) = (self.size(), &self.address) {
            let knock = tokio::net::TcpStream::connect((host.as_str(), *port));
            match tokio::time::timeout(self.timeout, knock).await {
                Err(_) => return Err(timed_out()),
                Ok(Err(e)) => return Err(connect_err(sqlx::Error::Io(e))),
                Ok(Ok(_stream)) => {}
            }
        }
        // sqlx bounds the wait with the pool's acquire timeout too; this bound is the one the
        // caller asked for whatever sqlx does inside.
        let conn = match tokio::time::timeout(self.timeout, acquiring).await {
            Err(_) | Ok(Err(sqlx::Error::PoolTimedOut)) => return Err(timed_out()),
            Ok(Err(e)) => return Err(connect_err(e)),
            Ok(Ok(conn)) => conn,
        };
        Ok(Session::lent(conn, kind, self.target.clone()))
    }
}

/// Host and port of a server URL, with each engine's default port; `None` for SQLite and for
/// a Unix socket (`host=/run/postgresql`, `socket=`), where there is no TCP to knock on.
fn tcp_address(url: &str, kind: DatabaseKind) -> Option<(String, u16)> {
    let default_port = match kind {
        DatabaseKind::Postgres => 5432,
        DatabaseKind::Mysql => 3306,
        DatabaseKind::Sqlite => return None,
    };
    let parsed = url::Url::parse(url).ok()?;
    if parsed
        .query_pairs()
        .any(|(k, v)| (k == "host" && v.starts_with('/')) || k == "socket")
    {
        return None;
    }
    let host = parsed.host_str().filter(|h| !h.is_empty())?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    Some((host, parsed.port().unwrap_or(default_port)))
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pool_opens_nothing_until_used_and_never_creates_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.sqlite3");
        let pool = DbPool::lazy(
            &format!("sqlite:{}", path.display()),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(pool.size(), 0);
        let err = pool.session().await.err().expect("no such file");
        assert!(matches!(err, ConnectError::Connect { .. }), "{err}");
        assert!(!path.exists(), "a pool must not create a SQLite file");
        pool.close().await;
        assert!(pool.is_closed());
    }

    #[tokio::test]
    async fn lent_connections_come_back_and_stay_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        std::fs::File::create(&path).unwrap();
        let pool = DbPool::lazy(
            &format!("sqlite:{}", path.display()),
            Duration::from_millis(500),
        )
        .unwrap();
        let mut held = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            held.push(pool.session().await.unwrap());
        }
        assert_eq!(pool.size(), MAX_CONNECTIONS);
        // A fifth waits for the timeout and says so.
        let started = std::time::Instant::now();
        let err = pool.session().await.err().expect("the pool is full");
        assert!(matches!(err, ConnectError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(2));
        for s in held {
            s.close().await;
        }
        // Given back, not closed: the next session reuses one.
        assert_eq!(pool.size(), MAX_CONNECTIONS);
        let mut s = pool.session().await.unwrap();
        assert_eq!(s.scalar_i64("SELECT 41 + 1").await.unwrap(), 42);
        s.close().await;
        pool.close().await;
        assert!(pool.is_closed());
    }
}
