//! The database servers system tests run against. `STRATA_TEST_POSTGRES_URL` and
//! `STRATA_TEST_MYSQL_URL` name them (`make test` sets both to the local servers). A test that
//! needs a server and cannot reach it fails with the way to start it; it never skips.

use strata_core::DatabaseKind;

pub const POSTGRES_ENV: &str = "STRATA_TEST_POSTGRES_URL";
pub const MYSQL_ENV: &str = "STRATA_TEST_MYSQL_URL";

/// The server URL for `kind`, or a failure that says how to provide one.
pub fn server_url(kind: DatabaseKind) -> String {
    let (var, example, start) = match kind {
        DatabaseKind::Postgres => (
            POSTGRES_ENV,
            "postgres://postgres@127.0.0.1:5432/test",
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
        ),
        DatabaseKind::Mysql => (
            MYSQL_ENV,
            "mysql://root@127.0.0.1:3306/test",
            "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
        ),
        DatabaseKind::Sqlite => panic!("SQLite needs no server"),
    };
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "{var} is not set. Run the tests with `make test`, which starts the local servers, or set {var}={example} and start the server: {start}"
        ),
    }
}

/// Say how to start a server that did not answer.
pub fn unreachable(kind: DatabaseKind, err: &dyn std::fmt::Display) -> String {
    let start = match kind {
        DatabaseKind::Postgres => {
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        }
        DatabaseKind::Mysql => {
            "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
        }
        DatabaseKind::Sqlite => "",
    };
    format!(
        "{kind} is not reachable: {err}. Start it ({start}) or run `make test`, which starts it."
    )
}

/// A database created for one test and dropped when the value is dropped.
pub struct ScratchDatabase {
    pub kind: DatabaseKind,
    pub name: String,
    /// URL of the scratch database.
    pub url: String,
    admin_url: String,
}

fn with_database(url: &str, db: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("server URLs are valid URLs");
    parsed.set_path(&format!("/{db}"));
    parsed.to_string()
}

async fn admin_execute(kind: DatabaseKind, admin_url: &str, sql: &str) -> Result<(), sqlx::Error> {
    use sqlx::{Connection as _, Executor as _};
    match kind {
        DatabaseKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(admin_url).await?;
            c.execute(sql).await?;
            c.close().await
        }
        DatabaseKind::Mysql => {
            let mut c = sqlx::MySqlConnection::connect(admin_url).await?;
            c.execute(sql).await?;
            c.close().await
        }
        DatabaseKind::Sqlite => unreachable!("SQLite scratch databases are files"),
    }
}

impl ScratchDatabase {
    /// Create a uniquely named database on the server for `kind`.
    pub async fn create(kind: DatabaseKind) -> Self {
        let admin_url = server_url(kind);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("strata_test_{}_{nanos}", std::process::id());
        admin_execute(kind, &admin_url, &format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("{}", unreachable(kind, &e)));
        let url = with_database(&admin_url, &name);
        Self {
            kind,
            name,
            url,
            admin_url,
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (kind, admin_url) = (self.kind, self.admin_url.clone());
        let sql = match kind {
            DatabaseKind::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            _ => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        // Drop may run inside a runtime: use a thread with its own.
        let result = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(admin_execute(kind, &admin_url, &sql))
        })
        .join();
        if !matches!(result, Ok(Ok(()))) && !std::thread::panicking() {
            panic!("could not drop the scratch database {}", self.name);
        }
    }
}

/// A database of each engine for one test: a scratch database on PostgreSQL and MariaDB, a
/// fresh file for SQLite. Dropped (or deleted) with the value.
pub enum TestTarget {
    Server(ScratchDatabase),
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
}

impl TestTarget {
    pub async fn create(kind: DatabaseKind) -> Self {
        match kind {
            DatabaseKind::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite:{}", dir.path().join("test.sqlite3").display());
                Self::Sqlite { _dir: dir, url }
            }
            _ => Self::Server(ScratchDatabase::create(kind).await),
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Server(db) => &db.url,
            Self::Sqlite { url, .. } => url,
        }
    }
}

/// Every engine, in the order tests run them.
pub const ALL_KINDS: [DatabaseKind; 3] = [
    DatabaseKind::Sqlite,
    DatabaseKind::Postgres,
    DatabaseKind::Mysql,
];
