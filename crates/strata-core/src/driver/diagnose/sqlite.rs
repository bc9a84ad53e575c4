//! The connection test for a SQLite file: no network, TLS or login, so those steps are skipped
//! with the reason; instead the file is checked (exists, is a folder or not, readable, writable,
//! has SQLite's header), then opened, asked its version and timed. Nothing is written: a file
//! is created only when the URL asks for it (`mode=rwc`), as the real connection would.

use std::io::Read as _;
use std::path::Path;
use std::str::FromStr as _;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};

use super::{server, Problem, ProblemCode, StepKind, StepResult, Steps, LATENCY_ROUND_TRIPS};

const HEADER: &[u8; 16] = b"SQLite format 3\0";

pub(super) async fn diagnose(url: &str, timeout: Duration, steps: &mut Steps) -> Option<f64> {
    let t = Instant::now();
    let options = match SqliteConnectOptions::from_str(url) {
        Ok(o) => o,
        Err(e) => {
            let p = Problem::new(
                ProblemCode::BadUrl,
                "The SQLite URL cannot be read.",
                "Write it as sqlite:path/to/file.sqlite3 (add ?mode=rwc to create the file).",
            )
            .raw(e);
            steps.push(
                StepKind::File,
                t,
                StepResult::Failed("bad URL".to_owned(), p),
            );
            return None;
        }
    };
    let query = url
        .split_once('?')
        .map_or("", |(_, q)| q)
        .to_ascii_lowercase();
    let memory = url.contains(":memory:") || query.contains("mode=memory");
    let creates = query.contains("mode=rwc");
    let read_only = query.contains("mode=ro");
    let file = if memory {
        StepResult::Ok("in-memory database: no file".to_owned())
    } else {
        check_file(options.get_filename(), creates, read_only)
    };
    steps.push(StepKind::File, t, file);
    for step in [
        StepKind::Resolve,
        StepKind::Tcp,
        StepKind::Tls,
        StepKind::Authenticate,
    ] {
        steps.skip(
            step,
            "SQLite is a file on this computer: no network, no TLS, no login",
        );
    }
    if !steps.can_run() {
        for step in [StepKind::Open, StepKind::ServerVersion, StepKind::Latency] {
            steps.skip_after_failure(step);
        }
        return None;
    }

    let t = Instant::now();
    let mut conn = match tokio::time::timeout(timeout, options.connect()).await {
        Ok(Ok(c)) => {
            steps.push(StepKind::Open, t, StepResult::Ok("opened".to_owned()));
            c
        }
        Ok(Err(e)) => {
            let p = Problem::new(ProblemCode::NotADatabaseFile, "SQLite cannot open the file as a database.", "Check that the file is a SQLite database and that its folder is writable (SQLite keeps its journal beside it).").raw(e);
            steps.push(
                StepKind::Open,
                t,
                StepResult::Failed("cannot open".to_owned(), p),
            );
            steps.skip_after_failure(StepKind::ServerVersion);
            steps.skip_after_failure(StepKind::Latency);
            return None;
        }
        Err(_) => {
            let p = Problem::new(
                ProblemCode::TimedOut,
                "Opening the file took too long: another program may hold a lock on it.",
                "Close other programs using the database and try again.",
            );
            steps.push(
                StepKind::Open,
                t,
                StepResult::Failed("timed out".to_owned(), p),
            );
            steps.skip_after_failure(StepKind::ServerVersion);
            steps.skip_after_failure(StepKind::Latency);
            return None;
        }
    };

    let t = Instant::now();
    let version = sqlx::query_scalar::<_, String>("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await;
    let result = match version {
        Ok(v) => StepResult::Ok(format!("SQLite {v}")),
        Err(e) => StepResult::Failed(
            "the version query failed".to_owned(),
            Problem::new(
                ProblemCode::NotADatabaseFile,
                "The file opened but does not answer as a SQLite database.",
                "Check that the file is a SQLite database.",
            )
            .raw(e),
        ),
    };
    steps.push(StepKind::ServerVersion, t, result);

    let t = Instant::now();
    let mut times = Vec::with_capacity(LATENCY_ROUND_TRIPS);
    let mut error = None;
    for _ in 0..LATENCY_ROUND_TRIPS {
        let one = Instant::now();
        if let Err(e) = sqlx::query("SELECT 1").execute(&mut conn).await {
            error = Some(e);
            break;
        }
        times.push(super::ms(one.elapsed()));
    }
    let _ = conn.close().await;
    if let Some(e) = error {
        let p = Problem::new(
            ProblemCode::Other,
            "A simple query failed.",
            "Read SQLite's message below.",
        )
        .raw(e);
        steps.push(
            StepKind::Latency,
            t,
            StepResult::Failed("SELECT 1 failed".to_owned(), p),
        );
        return None;
    }
    let (median, min, max) = server::summarize(&times);
    let detail = format!(
        "median {median:.3} ms over {} queries (min {min:.3}, max {max:.3})",
        times.len()
    );
    steps.push(StepKind::Latency, t, StepResult::Ok(detail));
    Some(median)
}

fn check_file(path: &Path, creates: bool, read_only: bool) -> StepResult {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && creates => {
            return StepResult::Ok(format!(
                "{shown} does not exist yet; it will be created (mode=rwc)"
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let p = Problem::new(
                ProblemCode::FileMissing,
                format!("The database file {shown} does not exist."),
                "Check the path. To start a new database there, add ?mode=rwc to the URL.",
            )
            .raw(e);
            return StepResult::Failed("no such file".to_owned(), p);
        }
        Err(e) => {
            let p = Problem::new(
                ProblemCode::FileNotReadable,
                format!("The database file {shown} cannot be looked at."),
                "Check the folder's permissions.",
            )
            .raw(e);
            return StepResult::Failed("not accessible".to_owned(), p);
        }
    };
    if meta.is_dir() {
        let p = Problem::new(
            ProblemCode::NotADatabaseFile,
            format!("{shown} is a folder, not a database file."),
            "Choose the database file inside it.",
        );
        return StepResult::Failed("a folder".to_owned(), p);
    }
    let mut header = Vec::with_capacity(16);
    let read = std::fs::File::open(path).and_then(|f| f.take(16).read_to_end(&mut header));
    if let Err(e) = read {
        let p = Problem::new(
            ProblemCode::FileNotReadable,
            format!("The database file {shown} cannot be read."),
            "Give your user read and write permission on the file and its folder.",
        )
        .raw(e);
        return StepResult::Failed("not readable".to_owned(), p);
    }
    // An empty file is an empty database to SQLite.
    if !header.is_empty() && header.as_slice() != HEADER {
        let p = Problem::new(
            ProblemCode::NotADatabaseFile,
            format!("{shown} is not a SQLite database: it lacks SQLite's header."),
            "Choose the database file (it starts with \"SQLite format 3\").",
        );
        return StepResult::Failed("not SQLite".to_owned(), p);
    }
    let size = format!("{:.1} KiB", meta.len() as f64 / 1024.0);
    if read_only {
        return StepResult::Ok(format!("{shown}, {size}, opened read-only (mode=ro)"));
    }
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => StepResult::Ok(format!("{shown}, {size}, readable and writable")),
        Err(e) => StepResult::Warning(
            format!("{shown}, {size}, read-only"),
            Problem::new(ProblemCode::FileReadOnly, format!("The database file {shown} can be read but not written, so migrations cannot run."), "Give your user write permission on the file and its folder, or add ?mode=ro to say read-only is intended.").raw(e),
        ),
    }
}
