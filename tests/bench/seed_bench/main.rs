//! `seed_bench`: times `strata_core::seed::apply` inserting N generated rows (id, name, unique
//! email, created_at, an integer, a numeric) into one table, against the native bulk path of
//! each database on the same rows in the same run: `psql \copy` from a CSV file, MariaDB's
//! `LOAD DATA LOCAL INFILE` through the `mariadb` client, and `sqlite3 .import` (one
//! transaction). Reports seconds, the ratio and this process's peak RSS (VmHWM), which holds
//! the whole strata run. Not part of CI.
//!
//! ```sh
//! cargo run --release -p strata-system-tests --bin seed_bench -- --rows 1000000
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use strata_core::seed::{self, ApplyOptions, Environment, Mode, NoSecrets, Seeds};
use strata_core::DatabaseKind;

const HELP: &str = "seed_bench: strata's seeding vs the native bulk load, N generated rows

  --rows N         rows (1000000)
  --reps N         repetitions per engine, strata and native alternating who goes first (3);
                   the ratio is the median of each repetition's strata / native
  --engines LIST   postgres,mysql,sqlite (all three)
  --postgres URL   server, no database (STRATA_BENCH_POSTGRES_URL, postgres://postgres@127.0.0.1:5432)
  --mysql URL      server, no database (STRATA_BENCH_MYSQL_URL, mysql://root@127.0.0.1:3306)";

const DATASET: &str = "table: bench_users
key: id
environments: [development]
generate:
  count: 1000
  columns:
    id: sequence
    name: full_name
    email: email
    created_at: {timestamp: ['2020-01-01 00:00:00', '2024-12-31 23:59:59']}
    score: {int: [0, 1000000]}
    balance: {decimal: {range: [0, 100000], scale: 2}}
";

fn ddl(kind: DatabaseKind) -> &'static str {
    match kind {
        DatabaseKind::Postgres => "CREATE TABLE bench_users (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, created_at TIMESTAMP NOT NULL, score INTEGER NOT NULL, balance NUMERIC(12,2) NOT NULL)",
        DatabaseKind::Mysql => "CREATE TABLE bench_users (id BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE, created_at DATETIME NOT NULL, score INT NOT NULL, balance DECIMAL(12,2) NOT NULL) DEFAULT CHARSET = utf8mb4",
        DatabaseKind::Sqlite => "CREATE TABLE bench_users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, score INTEGER NOT NULL, balance NUMERIC NOT NULL)",
    }
}

fn sh(mut c: Command) -> Result<String, String> {
    let out = c.output().map_err(|e| format!("{c:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{c:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A client session on `db` (`psql`, `mariadb` or `sqlite3`) running `sql`.
fn client(kind: DatabaseKind, server: &url::Url, db: &str, sql: &str) -> Command {
    match kind {
        DatabaseKind::Postgres => {
            let mut u = server.clone();
            u.set_path(&format!("/{db}"));
            let mut c = Command::new("psql");
            c.args(["-v", "ON_ERROR_STOP=1", "-q", u.as_str(), "-c", sql]);
            c
        }
        DatabaseKind::Mysql => {
            let mut c = Command::new("mariadb");
            c.args([
                "--local-infile=1",
                "-h",
                server.host_str().unwrap_or("127.0.0.1"),
                "-P",
                &server.port().unwrap_or(3306).to_string(),
                "-u",
                server.username(),
            ]);
            if let Some(p) = server.password() {
                c.arg(format!("-p{p}"));
            }
            if !db.is_empty() {
                c.arg(db);
            }
            c.args(["-e", sql]);
            c
        }
        DatabaseKind::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.arg(db);
            for part in sql.split('\n') {
                c.arg(part);
            }
            c
        }
    }
}

fn vm_hwm_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

struct Bench {
    kind: DatabaseKind,
    server: url::Url,
    work: PathBuf,
    rows: u64,
}

impl Bench {
    fn db_name(&self, side: &str) -> String {
        match self.kind {
            DatabaseKind::Sqlite => self
                .work
                .join(format!("{side}.sqlite3"))
                .display()
                .to_string(),
            _ => format!("strata_seed_bench_{side}_{}", std::process::id()),
        }
    }

    fn create(&self, side: &str) -> Result<String, String> {
        let db = self.db_name(side);
        match self.kind {
            DatabaseKind::Postgres => {
                let admin = |sql: String| sh(client(self.kind, &self.server, "postgres", &sql));
                admin(format!("DROP DATABASE IF EXISTS {db}"))?;
                admin(format!("CREATE DATABASE {db}"))?
            }
            DatabaseKind::Mysql => sh(client(
                self.kind,
                &self.server,
                "",
                &format!("DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}"),
            ))?,
            DatabaseKind::Sqlite => {
                let _ = std::fs::remove_file(&db);
                String::new()
            }
        };
        sh(client(self.kind, &self.server, &db, ddl(self.kind)))?;
        Ok(db)
    }

    fn drop(&self, db: &str) {
        let _ = match self.kind {
            DatabaseKind::Postgres => sh(client(
                self.kind,
                &self.server,
                "postgres",
                &format!("DROP DATABASE IF EXISTS {db}"),
            )),
            DatabaseKind::Mysql => sh(client(
                self.kind,
                &self.server,
                "",
                &format!("DROP DATABASE IF EXISTS {db}"),
            )),
            DatabaseKind::Sqlite => std::fs::remove_file(db)
                .map(|_| String::new())
                .map_err(|e| e.to_string()),
        };
    }

    fn url(&self, db: &str) -> String {
        match self.kind {
            DatabaseKind::Sqlite => format!("sqlite:{db}"),
            _ => {
                let mut u = self.server.clone();
                u.set_path(&format!("/{db}"));
                u.to_string()
            }
        }
    }

    fn count(&self, db: &str) -> Result<u64, String> {
        let out = sh(match self.kind {
            DatabaseKind::Postgres => client(
                self.kind,
                &self.server,
                db,
                "SELECT COUNT(*) FROM bench_users",
            )
            .args(["-t", "-A"])
            .to_owned_cmd(),
            DatabaseKind::Mysql => client(
                self.kind,
                &self.server,
                db,
                "SELECT COUNT(*) FROM bench_users",
            )
            .arg("-N")
            .to_owned_cmd(),
            DatabaseKind::Sqlite => client(
                self.kind,
                &self.server,
                db,
                "SELECT COUNT(*) FROM bench_users",
            ),
        })?;
        out.trim()
            .parse()
            .map_err(|e| format!("count {out:?}: {e}"))
    }

    /// strata: seconds for the whole apply (connect, stage, merge, record).
    async fn strata(&self, seeds: &Seeds) -> Result<f64, String> {
        let db = self.create("strata")?;
        let mut o = ApplyOptions::new(Environment::Development, Mode::Upsert);
        o.gen.seed = 1;
        o.gen.counts.insert("bench_users".into(), self.rows);
        let started = Instant::now();
        let r = seed::apply(&self.url(&db), seeds, &o, &NoSecrets, |_| {})
            .await
            .map_err(|e| e.to_string())?;
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(r.datasets[0].inserted, self.rows);
        assert_eq!(self.count(&db)?, self.rows);
        self.drop(&db);
        Ok(secs)
    }

    /// The native bulk load of the same rows from a CSV file written beforehand (not timed).
    fn native(&self, csv: &Path) -> Result<f64, String> {
        let db = self.create("native")?;
        let file = csv.display();
        let cmd = match self.kind {
            DatabaseKind::Postgres => client(self.kind, &self.server, &db, &format!("\\copy bench_users FROM '{file}' WITH (FORMAT csv)")),
            DatabaseKind::Mysql => client(self.kind, &self.server, &db, &format!("LOAD DATA LOCAL INFILE '{file}' INTO TABLE bench_users FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\n'")),
            DatabaseKind::Sqlite => client(self.kind, &self.server, &db, &format!(".import --csv {file} bench_users")),
        };
        let started = Instant::now();
        sh(cmd)?;
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(
            self.count(&db)?,
            self.rows,
            "{}: the native load",
            self.kind
        );
        self.drop(&db);
        Ok(secs)
    }
}

trait Owned {
    fn to_owned_cmd(&mut self) -> Command;
}

impl Owned for Command {
    fn to_owned_cmd(&mut self) -> Command {
        let mut c = Command::new(self.get_program());
        c.args(self.get_args());
        c
    }
}

/// The rows strata generates, as CSV, for the native side.
fn write_csv(seeds: &Seeds, rows: u64, path: &Path) -> Result<(), String> {
    let d = seeds.get("bench_users").expect("the bench dataset");
    let gen = seed::GenOptions {
        seed: 1,
        counts: [("bench_users".to_owned(), rows)].into(),
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| e.to_string())?);
    for row in seeds.rows(d, &gen).map_err(|e| e.to_string())? {
        let row = row.map_err(|e| e.to_string())?;
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| match c {
                seed::Cell::Value(v) => {
                    let t = v.to_text().unwrap_or_default();
                    if t.contains([',', '"', '\n']) {
                        format!("\"{}\"", t.replace('"', "\"\""))
                    } else {
                        t
                    }
                }
                _ => unreachable!("no passwords in the bench"),
            })
            .collect();
        writeln!(out, "{}", cells.join(",")).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
    let mut rows = 1_000_000u64;
    let mut reps = 3usize;
    let mut engines = vec![
        DatabaseKind::Postgres,
        DatabaseKind::Mysql,
        DatabaseKind::Sqlite,
    ];
    let mut pg = env(
        "STRATA_BENCH_POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432",
    );
    let mut my = env("STRATA_BENCH_MYSQL_URL", "mysql://root@127.0.0.1:3306");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_default();
        match a.as_str() {
            "--rows" => rows = val().parse().unwrap_or(rows),
            "--reps" => reps = val().parse().unwrap_or(reps).max(1),
            "--engines" => {
                engines = val()
                    .split(',')
                    .filter_map(|e| match e {
                        "postgres" => Some(DatabaseKind::Postgres),
                        "mysql" | "mariadb" => Some(DatabaseKind::Mysql),
                        "sqlite" => Some(DatabaseKind::Sqlite),
                        _ => None,
                    })
                    .collect()
            }
            "--postgres" => pg = val(),
            "--mysql" => my = val(),
            _ => {
                eprintln!("{HELP}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let work = tempfile::tempdir().expect("a work folder");
    std::fs::create_dir(work.path().join("seeds")).unwrap();
    std::fs::write(work.path().join("seeds/bench_users.yaml"), DATASET).unwrap();
    let seeds = Seeds::load(&work.path().join("seeds")).expect("the bench dataset loads");
    let csv = work.path().join("bench_users.csv");
    let started = Instant::now();
    write_csv(&seeds, rows, &csv).expect("the CSV for the native side");
    println!(
        "generating the rows as CSV (the native side's file): {:.2} s",
        started.elapsed().as_secs_f64()
    );
    println!("{rows} rows, {reps} repetitions; engine, strata s, native s (medians), ratio (median, range), peak RSS MB of the process");
    let mut failed = false;
    for kind in engines {
        let server = url::Url::parse(match kind {
            DatabaseKind::Postgres => &pg,
            _ => &my,
        })
        .expect("server URL");
        let b = Bench {
            kind,
            server,
            work: work.path().to_owned(),
            rows,
        };
        let result = async {
            let mut runs = Vec::with_capacity(reps);
            for rep in 0..reps {
                // Alternate who goes first, so a noisy moment hits both sides.
                let (s, n) = if rep % 2 == 0 {
                    let s = b.strata(&seeds).await?;
                    (s, b.native(&csv)?)
                } else {
                    let n = b.native(&csv)?;
                    (b.strata(&seeds).await?, n)
                };
                println!(
                    "  {} rep {}: strata {s:.2} s, native {n:.2} s, {:.2}x",
                    kind.display_name(),
                    rep + 1,
                    s / n
                );
                runs.push((s, n));
            }
            Ok::<_, String>((runs, vm_hwm_mb()))
        }
        .await;
        match result {
            Ok((runs, rss)) => {
                let median = |mut v: Vec<f64>| {
                    v.sort_by(f64::total_cmp);
                    v[v.len() / 2]
                };
                let ratios: Vec<f64> = runs.iter().map(|(s, n)| s / n).collect();
                let (lo, hi) = (
                    ratios.iter().copied().fold(f64::INFINITY, f64::min),
                    ratios.iter().copied().fold(0.0, f64::max),
                );
                println!(
                    "{:<10} {:>8.2} {:>8.2} {:>6.2}x ({lo:.2}-{hi:.2}) {rss:>8.1}",
                    kind.display_name(),
                    median(runs.iter().map(|r| r.0).collect()),
                    median(runs.iter().map(|r| r.1).collect()),
                    median(ratios),
                );
            }
            Err(e) => {
                eprintln!("{kind}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
