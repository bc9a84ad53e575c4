//! The connection a [`super::Session`] talks through, own or lent by a pool, and the one
//! macro that runs dialect code on whichever it is: every history query names its connection
//! through [`on_conn!`], so a pooled read shares the owned session's code and SQL.

/// A session's connection: its own (`Session::connect`), or one lent by a [`super::pool::DbPool`]
/// for reads (`Session::from_pool`). The migration lock and runs only ever use their own.
pub(crate) enum Conn {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgConnection),
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqliteConnection),
    #[cfg(feature = "postgres")]
    PostgresPooled(sqlx::pool::PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MysqlPooled(sqlx::pool::PoolConnection<sqlx::MySql>),
    #[cfg(feature = "sqlite")]
    SqlitePooled(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

/// Run `$body` with `$c` bound to the concrete connection (`&mut PgConnection`…, a pooled one
/// too), and pick the dialect's SQL constant `$name` into `$sql` when given. `$conn` is a
/// `&mut Conn`.
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            $crate::driver::session::Conn::Postgres($c) => $body,
            #[cfg(feature = "mysql")]
            $crate::driver::session::Conn::Mysql($c) => $body,
            #[cfg(feature = "sqlite")]
            $crate::driver::session::Conn::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            $crate::driver::session::Conn::PostgresPooled(pooled) => {
                let $c: &mut sqlx::PgConnection = pooled;
                $body
            }
            #[cfg(feature = "mysql")]
            $crate::driver::session::Conn::MysqlPooled(pooled) => {
                let $c: &mut sqlx::MySqlConnection = pooled;
                $body
            }
            #[cfg(feature = "sqlite")]
            $crate::driver::session::Conn::SqlitePooled(pooled) => {
                let $c: &mut sqlx::SqliteConnection = pooled;
                $body
            }
        }
    };
    ($conn:expr, $c:ident, $sql:ident = $name:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            $crate::driver::session::Conn::Postgres($c) => {
                let $sql = $crate::driver::postgres::$name;
                $body
            }
            #[cfg(feature = "mysql")]
            $crate::driver::session::Conn::Mysql($c) => {
                let $sql = $crate::driver::mysql::$name;
                $body
            }
            #[cfg(feature = "sqlite")]
            $crate::driver::session::Conn::Sqlite($c) => {
                let $sql = $crate::driver::sqlite::$name;
                $body
            }
            #[cfg(feature = "postgres")]
            $crate::driver::session::Conn::PostgresPooled(pooled) => {
                let $c: &mut sqlx::PgConnection = pooled;
                let $sql = $crate::driver::postgres::$name;
                $body
            }
            #[cfg(feature = "mysql")]
            $crate::driver::session::Conn::MysqlPooled(pooled) => {
                let $c: &mut sqlx::MySqlConnection = pooled;
                let $sql = $crate::driver::mysql::$name;
                $body
            }
            #[cfg(feature = "sqlite")]
            $crate::driver::session::Conn::SqlitePooled(pooled) => {
                let $c: &mut sqlx::SqliteConnection = pooled;
                let $sql = $crate::driver::sqlite::$name;
                $body
            }
        }
    };
}
/// Shared with the other `Session` files (`foreign.rs`).
pub(crate) use on_conn;
