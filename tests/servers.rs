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

/// Run `sql`, a CREATE or DROP DATABASE of a scratch database whose name the test made itself
/// (`strata_test_<pid>_<nanos>`): no outside text reaches it, hence `AssertSqlSafe`.
async fn admin_execute(kind: DatabaseKind, admin_url: &str, sql: &str) -> Result<(), sqlx::Error> {
    use sqlx::{Connection as _, Executor as _};
    let sql = sqlx::AssertSqlSafe(sql);
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

// The `strata` command and throwaway projects, for the tests that drive the real binary.

/// The `strata` binary of this workspace, built (or brought up to date) once per test process
/// with `cargo build -p strata-cli`, so a test never runs a stale binary against fresh engine
/// code. Fails with the command to run when it cannot be built.
pub fn strata_bin() -> std::path::PathBuf {
    static BUILT: std::sync::OnceLock<Result<std::path::PathBuf, String>> =
        std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let bin = crate::target_dir().join("debug/strata");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let started = std::time::Instant::now();
            let out = std::process::Command::new(&cargo)
                .args(["build", "--quiet", "-p", "strata-cli"])
                .current_dir(crate::repo_root())
                .output();
            match out {
                Ok(out) if out.status.success() && bin.is_file() => {
                    eprintln!(
                        "strata CLI ready at {} (cargo build -p strata-cli took {:.1} s)",
                        bin.display(),
                        started.elapsed().as_secs_f64()
                    );
                    Ok(bin)
                }
                Ok(out) => Err(format!(
                    "`cargo build -p strata-cli` failed ({}), so there is no strata binary to test at {}:\n{}",
                    out.status,
                    bin.display(),
                    String::from_utf8_lossy(&out.stderr)
                )),
                Err(e) => Err(format!(
                    "cannot run {} to build the strata binary: {e}. Build it first: cargo build -p strata-cli",
                    std::path::Path::new(&cargo).display()
                )),
            }
        })
        .clone()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What one `strata` invocation did.
#[derive(Debug, Clone)]
pub struct CliRun {
    /// The command line, for messages.
    pub command: String,
    /// `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: std::time::Duration,
}

impl CliRun {
    /// Everything it printed, labelled, for assertion messages.
    pub fn output(&self) -> String {
        format!(
            "$ {}\nexit code: {:?} after {:.2} s\n--- stdout\n{}--- stderr\n{}",
            self.command,
            self.code,
            self.elapsed.as_secs_f64(),
            self.stdout,
            self.stderr
        )
    }

    /// Panic, showing the output, unless it exited 0.
    pub fn success(self) -> Self {
        assert_eq!(self.code, Some(0), "strata failed:\n{}", self.output());
        self
    }

    /// stdout as JSON (for `--json`).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "strata did not print JSON on stdout ({e}):\n{}",
                self.output()
            )
        })
    }
}

/// A Strata project in a temporary folder: an empty `strata.toml` and a `migrations/` folder
/// that tests fill, edit and empty. Deleted with the value.
pub struct TempProject {
    dir: tempfile::TempDir,
}

impl Default for TempProject {
    fn default() -> Self {
        Self::new()
    }
}

impl TempProject {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary project folder");
        std::fs::write(dir.path().join("strata.toml"), "").unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        Self { dir }
    }

    pub fn root(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn migrations_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("migrations")
    }

    /// The path of `<version>_<name>.<part>.sql` (`part` is `up` or `down`).
    pub fn file(&self, version: &str, name: &str, part: &str) -> std::path::PathBuf {
        self.migrations_dir()
            .join(format!("{version}_{name}.{part}.sql"))
    }

    /// Write (or overwrite) a migration's up part and, when given, its down part.
    pub fn write(&self, version: &str, name: &str, up: &str, down: Option<&str>) {
        std::fs::write(self.file(version, name, "up"), up).unwrap();
        if let Some(down) = down {
            std::fs::write(self.file(version, name, "down"), down).unwrap();
        }
    }

    /// Delete a migration's files (those that exist).
    pub fn remove(&self, version: &str, name: &str) {
        for part in ["up", "down"] {
            let path = self.file(version, name, part);
            if path.exists() {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }

    /// The migrations as the engine reads them.
    pub fn migrations(&self) -> strata_core::MigrationSet {
        strata_core::source::read_dir(&self.migrations_dir(), None)
            .unwrap_or_else(|e| panic!("reading {}: {e}", self.migrations_dir().display()))
    }

    /// Run `strata -p <this project> <args…>` to completion.
    pub fn strata(&self, args: &[&str]) -> CliRun {
        run_strata(self.root(), args)
    }
}

/// Run `strata -p <project> <args…>` to completion (no `DATABASE_URL` or `STRATA_PROJECT`
/// from the environment leaks in).
pub fn run_strata(project: &std::path::Path, args: &[&str]) -> CliRun {
    let started = std::time::Instant::now();
    let out = strata_command(project, args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", strata_bin().display()));
    CliRun {
        command: format!("strata -p {} {}", project.display(), args.join(" ")),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// The `strata -p <project> <args…>` command, not yet started.
pub fn strata_command(project: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(strata_bin());
    cmd.arg("-p")
        .arg(project)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("STRATA_PROJECT")
        .env_remove("STRATA_LOG")
        .stdin(std::process::Stdio::null());
    cmd
}

impl TempProject {
    /// Write (or overwrite) any file of the migrations folder, e.g. `V1__users.sql` in
    /// Flyway's layout; subfolders are created.
    pub fn write_file(&self, name: &str, text: impl AsRef<[u8]>) {
        let path = self.migrations_dir().join(name);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Delete a file of the migrations folder.
    pub fn remove_file(&self, name: &str) {
        std::fs::remove_file(self.migrations_dir().join(name)).unwrap();
    }
}

// The engine in-process, and small reads and writes of a test database: the setup the engine
// test files share.

const CONNECT: std::time::Duration = std::time::Duration::from_secs(15);

/// `engine::run` towards `target` with default options, no progress, no lock waiting.
pub async fn run_to(
    url: &str,
    set: &strata_core::MigrationSet,
    target: strata_core::plan::Target<strata_core::Version>,
) -> Result<strata_core::engine::RunReport, strata_core::engine::EngineError> {
    let options = strata_core::engine::RunOptions::new(target);
    strata_core::engine::run(url, set, &options, |_| {}, |_| {}).await
}

/// `engine::run` to the latest migration.
pub async fn up(
    url: &str,
    set: &strata_core::MigrationSet,
) -> Result<strata_core::engine::RunReport, strata_core::engine::EngineError> {
    run_to(url, set, strata_core::plan::Target::Latest).await
}

/// Every migration's state, as `(version, state)` in status order.
pub async fn states(
    url: &str,
    set: &strata_core::MigrationSet,
) -> Vec<(String, strata_core::plan::MigrationState)> {
    let report = strata_core::engine::status(url, set, CONNECT)
        .await
        .unwrap_or_else(|e| panic!("status of {url}: {e}"));
    (report.entries.into_iter())
        .map(|e| (e.version, e.state))
        .collect()
}

/// `(version, state)` pairs as [`states`] returns them.
pub fn expect_states(
    pairs: &[(&str, strata_core::plan::MigrationState)],
) -> Vec<(String, strata_core::plan::MigrationState)> {
    (pairs.iter()).map(|(v, s)| ((*v).to_owned(), *s)).collect()
}

/// Run each statement on its own (a test's setup or sabotage), panicking with the one that
/// failed.
pub async fn exec(url: &str, statements: &[&str]) {
    let mut s = strata_core::driver::Session::connect(url, CONNECT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for sql in statements {
        (s.execute(sql).await).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    s.close().await;
}

/// Whether a table (or view) exists: selecting from it works.
pub async fn has_table(url: &str, table: &str) -> bool {
    let mut s = strata_core::driver::Session::connect(url, CONNECT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ok = s.execute(&format!("SELECT * FROM {table}")).await.is_ok();
    s.close().await;
    ok
}

/// One `#[tokio::test]` per engine (`sqlite`, `postgres`, `mariadb`) in a module `$name`,
/// each running `$body(kind)`, so that each engine passes or fails on its own.
#[macro_export]
macro_rules! per_engine {
    ($name:ident, $body:ident) => {
        mod $name {
            use strata_core::DatabaseKind;
            #[tokio::test]
            async fn sqlite() {
                super::$body(DatabaseKind::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$body(DatabaseKind::Postgres).await
            }
            #[tokio::test]
            async fn mariadb() {
                super::$body(DatabaseKind::Mysql).await
            }
        }
    };
}
