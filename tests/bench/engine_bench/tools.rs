//! The contenders as whole processes (the native client, `strata`, sqlx-cli) and the scratch
//! databases they run against: a new PostgreSQL or MariaDB database, or a new SQLite file, for
//! every run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use strata_core::DatabaseKind;

use crate::generate::Workload;

/// Where the servers are (no database in the path).
#[derive(Clone)]
pub struct Servers {
    pub postgres: url::Url,
    pub mysql: url::Url,
    pub scratch: PathBuf,
}

/// One fresh database.
pub struct Target {
    pub kind: DatabaseKind,
    /// The URL `strata` and sqlx-cli are given.
    pub url: String,
    server: Option<url::Url>,
    name: String,
    file: Option<PathBuf>,
}

/// A client command for `server` (psql or mariadb) connected to `db`.
fn client(kind: DatabaseKind, server: &url::Url, db: &str) -> Command {
    let host = server.host_str().unwrap_or("127.0.0.1").to_owned();
    let user = server.username().to_owned();
    let password = server.password().map(str::to_owned);
    match kind {
        DatabaseKind::Postgres => {
            let mut c = Command::new("psql");
            let port = server.port().unwrap_or(5432).to_string();
            c.args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                &host,
                "-p",
                &port,
            ]);
            c.args(["-U", &user, "-d", db]);
            if let Some(p) = password {
                c.env("PGPASSWORD", p);
            }
            c
        }
        DatabaseKind::Mysql => {
            let mut c = Command::new("mariadb");
            let port = server.port().unwrap_or(3306).to_string();
            c.args(["--batch", "-h", &host, "-P", &port, "-u", &user]);
            if !db.is_empty() {
                c.arg(db);
            }
            if let Some(p) = password {
                c.env("MYSQL_PWD", p);
            }
            c
        }
        DatabaseKind::Sqlite => unreachable!("SQLite has no server"),
    }
}

/// Run `cmd`; its stdout, or its stderr as the error.
fn output(mut cmd: Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "{:?} failed: {}{}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr).trim(),
            String::from_utf8_lossy(&out.stdout).trim()
        ))
    }
}

/// One statement on the server's administrative database.
fn admin(kind: DatabaseKind, server: &url::Url, sql: &str) -> Result<String, String> {
    let mut c = match kind {
        DatabaseKind::Postgres => client(kind, server, "postgres"),
        _ => client(kind, server, ""),
    };
    match kind {
        DatabaseKind::Postgres => c.args(["-c", sql]),
        _ => c.args(["-e", sql]),
    };
    output(c)
}

impl Target {
    pub fn create(servers: &Servers, kind: DatabaseKind, label: &str) -> Result<Self, String> {
        let name = format!("strata_bench_{}_{label}", std::process::id()).replace('-', "_");
        match kind {
            DatabaseKind::Sqlite => {
                let file = servers.scratch.join(format!("{name}.sqlite3"));
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                }
                // An empty file is an empty database; every contender opens it as is.
                std::fs::write(&file, b"").map_err(|e| e.to_string())?;
                Ok(Self {
                    kind,
                    url: format!("sqlite:{}", file.display()),
                    server: None,
                    name,
                    file: Some(file),
                })
            }
            _ => {
                let server = servers.server(kind).clone();
                admin(kind, &server, &format!("DROP DATABASE IF EXISTS {name}"))?;
                admin(kind, &server, &format!("CREATE DATABASE {name}"))?;
                let mut url = server.clone();
                url.set_path(&format!("/{name}"));
                Ok(Self {
                    kind,
                    url: url.to_string(),
                    server: Some(server),
                    name,
                    file: None,
                })
            }
        }
    }

    /// The native client running `script` in one session.
    pub fn native(&self, script: &Path) -> (Command, PathBuf) {
        match (&self.server, &self.file) {
            (Some(server), _) => (client(self.kind, server, &self.name), script.to_owned()),
            (None, Some(file)) => {
                let mut c = Command::new("sqlite3");
                c.arg("-bail").arg(file);
                (c, script.to_owned())
            }
            _ => unreachable!("a target is a server database or a file"),
        }
    }

    /// One value read with the native client (not timed).
    pub fn query(&self, sql: &str) -> Result<String, String> {
        let mut c = match (&self.server, &self.file) {
            (Some(server), _) => client(self.kind, server, &self.name),
            (None, Some(file)) => {
                let mut c = Command::new("sqlite3");
                c.arg(file);
                c
            }
            _ => unreachable!(),
        };
        match self.kind {
            DatabaseKind::Postgres => c.args(["-tA", "-c", sql]),
            DatabaseKind::Mysql => c.args(["-N", "-e", sql]),
            DatabaseKind::Sqlite => c.arg(sql),
        };
        output(c)
    }

    pub fn drop(self) {
        match (&self.server, &self.file) {
            (Some(server), _) => {
                let _ = admin(
                    self.kind,
                    server,
                    &format!("DROP DATABASE IF EXISTS {}", self.name),
                );
            }
            (None, Some(file)) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                }
            }
            _ => {}
        }
    }
}

impl Servers {
    fn server(&self, kind: DatabaseKind) -> &url::Url {
        match kind {
            DatabaseKind::Postgres => &self.postgres,
            _ => &self.mysql,
        }
    }
}

/// What a contender runs.
#[derive(Clone)]
pub enum Tool {
    Native,
    Strata { bin: PathBuf, extra: Vec<String> },
    Sqlx { bin: PathBuf },
}

/// The operations timed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Op {
    Up,
    Status,
    NoopUp,
    Down,
}

impl Op {
    pub fn label(self) -> &'static str {
        match self {
            Op::Up => "up from empty",
            Op::Status => "status, all applied",
            Op::NoopUp => "no-op up",
            Op::Down => "down to zero",
        }
    }
}

impl Tool {
    /// Whether the tool reports status and has a no-op `up` (the native client does not).
    pub fn has_status(&self) -> bool {
        !matches!(self, Tool::Native)
    }

    /// The command for `op`, and the file to feed on stdin; `None` when the tool has no such
    /// operation (the native client has no status).
    pub fn command(&self, op: Op, w: &Workload, t: &Target) -> Option<(Command, Option<PathBuf>)> {
        match self {
            Tool::Native => {
                let script = match op {
                    Op::Up => &w.native_up,
                    Op::Down => &w.native_down,
                    _ => return None,
                };
                let (c, stdin) = t.native(script);
                Some((c, Some(stdin)))
            }
            Tool::Strata { bin, extra } => {
                let mut c = Command::new(bin);
                c.arg("--project").arg(&w.project);
                // Each binary its own read cache: two builds (a baseline) may keep it in
                // different formats, and would otherwise replace each other's on every run.
                let own: String = (bin.to_string_lossy().chars())
                    .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
                    .collect();
                c.env("STRATA_CACHE_DIR", w.project.join("read-cache").join(own));
                match op {
                    Op::Up | Op::NoopUp => c.arg("up"),
                    Op::Status => c.arg("status"),
                    Op::Down => c.args(["down", "--all"]),
                };
                c.args(["--url", &t.url]);
                if matches!(op, Op::Up | Op::Down) {
                    c.args(extra);
                }
                Some((c, None))
            }
            Tool::Sqlx { bin } => {
                let mut c = Command::new(bin);
                c.arg("migrate");
                match op {
                    Op::Up | Op::NoopUp => c.arg("run"),
                    Op::Status => c.arg("info"),
                    Op::Down => c.args(["revert", "--target-version", "0"]),
                };
                c.arg("--source").arg(&w.migrations);
                c.args(["--database-url", &t.url]);
                Some((c, None))
            }
        }
    }
}

/// Run `cmd` as a whole process and return its wall time in seconds; its output goes to `log`.
pub fn timed(mut cmd: Command, stdin: Option<&Path>, log: &Path) -> Result<f64, String> {
    let out = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    cmd.stdout(Stdio::from(out)).stderr(Stdio::from(err));
    match stdin {
        Some(path) => cmd.stdin(std::fs::File::open(path).map_err(|e| e.to_string())?),
        None => cmd.stdin(Stdio::null()),
    };
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    let secs = started.elapsed().as_secs_f64();
    if status.success() {
        Ok(secs)
    } else {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(4).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!("exit {status}: {}", tail.join(" | ")))
    }
}

/// The first program named `name` on `PATH` or in `~/.cargo/bin`.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}
