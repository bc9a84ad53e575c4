//! `schema_bench`: times Strata's schema introspection of a PostgreSQL database of N tables
//! (10 columns, 2 indexes and 1 foreign key each) against `pg_dump --schema-only` of the same
//! database in the same run, and prints both and their ratio. The database is created for the
//! run and dropped at the end. Not part of CI.
//!
//! ```sh
//! cargo run --release -p strata-system-tests --bin schema_bench -- --tables 1000 --reps 5
//! ```

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection as _;

const HELP: &str = "schema_bench: Strata's introspection vs pg_dump --schema-only

  --tables N      tables to create (1000)
  --reps R        timed runs of each, after one warm-up; the median is reported (5)
  --postgres URL  any database on the server (STRATA_BENCH_POSTGRES_URL,
                  postgres://postgres@127.0.0.1:5432/test); a bench database is created beside it
  --existing URL  time against this database as it is (nothing created or dropped; the
                  table, index and foreign key counts are not checked)";

struct Args {
    tables: usize,
    reps: usize,
    server: String,
    existing: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        tables: 1000,
        reps: 5,
        server: std::env::var("STRATA_BENCH_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
        existing: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--tables" => a.tables = value()?.parse().map_err(|e| format!("--tables: {e}"))?,
            "--reps" => a.reps = value()?.parse().map_err(|e| format!("--reps: {e}"))?,
            "--postgres" => a.server = value()?,
            "--existing" => a.existing = Some(value()?),
            "-h" | "--help" => return Err(HELP.into()),
            other => return Err(format!("unknown argument {other}\n\n{HELP}")),
        }
    }
    if a.tables == 0 || a.reps == 0 {
        return Err("--tables and --reps must be at least 1".into());
    }
    Ok(a)
}

/// Table `i`: an id, a reference to table `i - 1` (table 0 to itself), 8 more columns, an
/// index on one column and one on two.
fn table_ddl(i: usize) -> String {
    let parent = i.saturating_sub(1);
    format!(
        "CREATE TABLE t{i} (id bigint PRIMARY KEY, parent_id bigint REFERENCES t{parent} (id) ON DELETE CASCADE, \
         name text NOT NULL, email varchar(200), status text NOT NULL DEFAULT 'new', amount numeric(12,2), \
         quantity integer NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now(), note text, flag boolean);\n\
         CREATE INDEX t{i}_name_idx ON t{i} (name);\n\
         CREATE INDEX t{i}_status_created_idx ON t{i} (status, created_at);\n"
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn admin(server: &str, sql: String) -> Result<(), String> {
    let mut c = sqlx::PgConnection::connect(server).await.map_err(|e| {
        format!(
            "connecting to {}: {e}",
            strata_core::driver::redact_url(server)
        )
    })?;
    let done = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut c)
        .await;
    let _ = c.close().await;
    done.map(drop).map_err(|e| e.to_string())
}

async fn run(a: &Args, db: &str, url: &str) -> Result<(), String> {
    create_tables(a, db, url).await?;
    time(a, url, true).await
}

async fn create_tables(a: &Args, db: &str, url: &str) -> Result<(), String> {
    let started = Instant::now();
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    for chunk in (0..a.tables).collect::<Vec<_>>().chunks(100) {
        let text: String = chunk.iter().map(|&i| table_ddl(i)).collect();
        let text = format!("BEGIN;\n{text}COMMIT;");
        sqlx::raw_sql(sqlx::AssertSqlSafe(text))
            .execute(&mut c)
            .await
            .map_err(|e| format!("creating the tables: {e}"))?;
    }
    sqlx::raw_sql("ANALYZE")
        .execute(&mut c)
        .await
        .map_err(|e| e.to_string())?;
    let _ = c.close().await;
    eprintln!(
        "created {db}: {} tables in {:.1} s",
        a.tables,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Time both sides; `check` compares what introspection found with what was created.
async fn time(a: &Args, url: &str, check: bool) -> Result<(), String> {
    let introspect = || async {
        let t = Instant::now();
        let schema = strata_core::schema::introspect::introspect_url(url)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((t.elapsed(), schema))
    };
    let dump = || {
        let t = Instant::now();
        let status = Command::new("pg_dump")
            .args(["--schema-only", "--no-owner", "-d", url])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run pg_dump: {e}"))?;
        if !status.success() {
            return Err(format!("pg_dump failed: {status}"));
        }
        Ok::<_, String>(t.elapsed())
    };
    // Warm-up (catalog caches, the binaries in the page cache), and a check of what is read.
    let (_, schema) = introspect().await?;
    let found = schema.table_count();
    let indexes: usize = (schema.namespaces.values())
        .flat_map(|n| n.tables.values())
        .map(|t| t.indexes.len())
        .sum();
    let fks: usize = (schema.namespaces.values())
        .flat_map(|n| n.tables.values())
        .map(|t| t.foreign_keys.len())
        .sum();
    if check && (found, indexes, fks) != (a.tables, 2 * a.tables, a.tables) {
        return Err(format!(
            "introspection found {found} tables, {indexes} indexes, {fks} foreign keys; expected {}, {}, {}",
            a.tables,
            2 * a.tables,
            a.tables
        ));
    }
    dump()?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for rep in 0..a.reps {
        // Alternate the order so machine noise hits both sides.
        if rep % 2 == 0 {
            ours.push(introspect().await?.0);
            theirs.push(dump()?);
        } else {
            theirs.push(dump()?);
            ours.push(introspect().await?.0);
        }
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!(
        "{found} tables, {indexes} indexes, {fks} foreign keys, median of {} runs:",
        a.reps
    );
    println!("  strata introspect_url     {:>9.1} ms", ms(ours));
    println!("  pg_dump --schema-only     {:>9.1} ms", ms(theirs));
    println!(
        "  ratio strata / pg_dump    {:>9.2}  ({})",
        ours.as_secs_f64() / theirs.as_secs_f64(),
        if ours < theirs {
            "faster than pg_dump"
        } else {
            "slower than pg_dump"
        }
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(url) = &a.existing {
        return match time(&a, url, false).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let db = format!("strata_bench_schema_{}", std::process::id());
    let mut url = match url::Url::parse(&a.server) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("--postgres: {e}");
            return ExitCode::from(2);
        }
    };
    url.set_path(&format!("/{db}"));
    if let Err(e) = admin(&a.server, format!("CREATE DATABASE {db}")).await {
        eprintln!("cannot create the bench database: {e}");
        return ExitCode::FAILURE;
    }
    let outcome = run(&a, &db, url.as_str()).await;
    let dropped = admin(
        &a.server,
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
    )
    .await;
    if let Err(e) = dropped {
        eprintln!("could not drop {db}: {e}; drop it by hand");
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
