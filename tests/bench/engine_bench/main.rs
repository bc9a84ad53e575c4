//! `engine_bench`: times the `strata` binary on N generated reversible migrations, as whole
//! processes, against the native client running the same SQL in one session with one
//! transaction per migration (`psql`, `mariadb`, `sqlite3`: the denominator of every ratio) and
//! against sqlx-cli when it is installed. The runs of one repetition alternate their order so
//! machine noise hits every side. Not part of CI; see the README's "Benchmark" section.
//!
//! ```sh
//! cargo build --release -p strata-cli
//! cargo run --release -p strata-system-tests --bin engine_bench -- --n 1000 --reps 3
//! ```

mod generate;
mod tools;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use strata_core::DatabaseKind;
use tools::{Op, Servers, Target, Tool};

const HELP: &str = "engine_bench: strata vs the native client and sqlx-cli, as whole processes

  --n N                migrations per run (1000)
  --reps R             repetitions; the order of the contenders rotates (3)
  --engines LIST       postgres,mysql,sqlite (all three)
  --strata PATH        the strata binary (target/release/strata)
  --baseline PATH      another strata binary to time in the same run (e.g. before a change)
  --sqlx PATH          sqlx-cli (default: `sqlx` on PATH or in ~/.cargo/bin); --no-sqlx skips it
  --no-single-tx       skip `strata up/down --single-transaction` (PostgreSQL, SQLite)
  --status-n M         also time status and no-op up with M applied (5000; 0 skips)
  --quick K            status and no-op up are timed K times per run, median (5)
  --postgres URL       server, no database (STRATA_BENCH_POSTGRES_URL, postgres://postgres@127.0.0.1:5432)
  --mysql URL          server, no database (STRATA_BENCH_MYSQL_URL, mysql://root@127.0.0.1:3306)
  --workdir DIR        write the generated projects and logs here and keep them (default: a
                       temporary folder, removed at the end)";

struct Args {
    n: usize,
    reps: usize,
    engines: Vec<DatabaseKind>,
    strata: PathBuf,
    baseline: Option<PathBuf>,
    sqlx: Option<PathBuf>,
    single_tx: bool,
    status_n: usize,
    quick: usize,
    workdir: Option<PathBuf>,
    servers: Servers,
}

fn parse_args() -> Result<Args, String> {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
    let mut a = Args {
        n: 1000,
        reps: 3,
        engines: vec![
            DatabaseKind::Postgres,
            DatabaseKind::Mysql,
            DatabaseKind::Sqlite,
        ],
        strata: strata_system_tests::target_dir().join("release/strata"),
        baseline: None,
        sqlx: tools::find_program("sqlx"),
        single_tx: true,
        status_n: 5000,
        quick: 5,
        workdir: None,
        servers: Servers {
            postgres: url::Url::parse(&env(
                "STRATA_BENCH_POSTGRES_URL",
                "postgres://postgres@127.0.0.1:5432",
            ))
            .map_err(|e| format!("--postgres: {e}"))?,
            mysql: url::Url::parse(&env(
                "STRATA_BENCH_MYSQL_URL",
                "mysql://root@127.0.0.1:3306",
            ))
            .map_err(|e| format!("--mysql: {e}"))?,
            scratch: std::env::temp_dir(),
        },
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{v}: {e}"));
        match flag.as_str() {
            "--n" => a.n = number(value()?)?,
            "--reps" => a.reps = number(value()?)?.max(1),
            "--status-n" => a.status_n = number(value()?)?,
            "--quick" => a.quick = number(value()?)?.max(1),
            "--strata" => a.strata = value()?.into(),
            "--baseline" => a.baseline = Some(value()?.into()),
            "--sqlx" => a.sqlx = Some(value()?.into()),
            "--no-sqlx" => a.sqlx = None,
            "--workdir" => a.workdir = Some(value()?.into()),
            "--no-single-tx" => a.single_tx = false,
            "--postgres" => {
                a.servers.postgres = url::Url::parse(&value()?).map_err(|e| e.to_string())?
            }
            "--mysql" => a.servers.mysql = url::Url::parse(&value()?).map_err(|e| e.to_string())?,
            "--engines" => {
                a.engines = value()?
                    .split(',')
                    .map(|e| match e.trim() {
                        "postgres" | "pg" => Ok(DatabaseKind::Postgres),
                        "mysql" | "mariadb" => Ok(DatabaseKind::Mysql),
                        "sqlite" => Ok(DatabaseKind::Sqlite),
                        other => Err(format!("unknown engine {other}")),
                    })
                    .collect::<Result<_, _>>()?
            }
            "-h" | "--help" => return Err(HELP.into()),
            other => return Err(format!("unknown argument {other}\n\n{HELP}")),
        }
    }
    if !a.strata.is_file() {
        return Err(format!(
            "{} not found: build it first with `cargo build --release -p strata-cli`, or pass --strata",
            a.strata.display()
        ));
    }
    Ok(a)
}

/// One side of the comparison.
struct Contender {
    name: String,
    tool: Tool,
    engines: Vec<DatabaseKind>,
}

fn contenders(a: &Args) -> Vec<Contender> {
    let all = a.engines.clone();
    let mut list = vec![
        Contender {
            name: "native".into(),
            tool: Tool::Native,
            engines: all.clone(),
        },
        Contender {
            name: "strata".into(),
            tool: Tool::Strata {
                bin: a.strata.clone(),
                extra: vec![],
            },
            engines: all.clone(),
        },
    ];
    if a.single_tx {
        list.push(Contender {
            name: "strata 1-tx".into(),
            tool: Tool::Strata {
                bin: a.strata.clone(),
                extra: vec!["--single-transaction".into()],
            },
            engines: all
                .iter()
                .copied()
                .filter(|k| *k != DatabaseKind::Mysql)
                .collect(),
        });
    }
    if let Some(bin) = &a.baseline {
        list.push(Contender {
            name: "baseline".into(),
            tool: Tool::Strata {
                bin: bin.clone(),
                extra: vec![],
            },
            engines: all.clone(),
        });
    }
    if let Some(bin) = &a.sqlx {
        list.push(Contender {
            name: "sqlx-cli".into(),
            tool: Tool::Sqlx { bin: bin.clone() },
            engines: all,
        });
    }
    list
}

/// Seconds per (contender, operation), one entry per repetition (`None`: failed).
type Times = BTreeMap<(String, Op), Vec<Option<f64>>>;

/// Failures per (contender, operation): how many, and the first one's message.
type Notes = BTreeMap<(String, Op), (usize, String)>;

/// The line of a failure that says what went wrong (`error: …`), shortened.
fn reason(failure: &str) -> String {
    let text = failure
        .split(" | ")
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(failure);
    let short: String = text.chars().take(240).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Time `op` once for `c`; the error names the contender and shows the tail of its output.
fn time_op(
    c: &Contender,
    op: Op,
    w: &generate::Workload,
    t: &Target,
    log_dir: &std::path::Path,
) -> Option<Result<f64, String>> {
    let (cmd, stdin) = c.tool.command(op, w, t)?;
    let log = log_dir.join(format!("{}-{:?}.log", slug(&c.name), op));
    Some(
        tools::timed(cmd, stdin.as_deref(), &log)
            .map_err(|e| format!("{} {}: {e}", c.name, op.label())),
    )
}

/// One whole run of a contender on a fresh database: up, status and no-op up (K times
/// each, interleaved), down; each checked against the database afterwards.
fn run_one(
    a: &Args,
    c: &Contender,
    kind: DatabaseKind,
    w: &generate::Workload,
    rep: usize,
    times: &mut Times,
    notes: &mut Notes,
) -> Result<(), String> {
    let t = Target::create(&a.servers, kind, &format!("{}_{rep}", slug(&c.name)))?;
    let mut note = |op: Op, failure: &str| {
        let n = notes
            .entry((c.name.clone(), op))
            .or_insert_with(|| (0, reason(failure)));
        n.0 += 1;
    };
    let log_dir = w.project.join("logs");
    std::fs::create_dir_all(&log_dir).map_err(|e| e.to_string())?;
    let mut record = |op: Op, secs: Option<f64>| {
        let v = times.entry((c.name.clone(), op)).or_default();
        v.resize(rep, None);
        v.push(secs);
    };
    let result = (|| {
        let up = time_op(c, Op::Up, w, &t, &log_dir)
            .expect("every tool applies")
            .inspect_err(|e| note(Op::Up, e))?;
        record(Op::Up, Some(up));
        let last = generate::table(w.n);
        let rows = t.query(&format!("SELECT COUNT(*) FROM {last}"))?;
        if rows != "10" {
            return Err(format!(
                "{}: {last} holds {rows} rows after up, not 10",
                c.name
            ));
        }
        let (mut status, mut noop) = (Vec::new(), Vec::new());
        for _ in 0..a.quick {
            if let Some(s) = time_op(c, Op::Status, w, &t, &log_dir) {
                status.push(s?);
            }
            if let Some(s) = time_op(c, Op::NoopUp, w, &t, &log_dir) {
                noop.push(s?);
            }
        }
        if c.tool.has_status() {
            record(Op::Status, median(status));
            record(Op::NoopUp, median(noop));
        }
        let down = time_op(c, Op::Down, w, &t, &log_dir)
            .expect("every tool rolls back")
            .inspect_err(|e| note(Op::Down, e))?;
        record(Op::Down, Some(down));
        let left = t.query(&tables_left(kind))?;
        if left != "0" {
            return Err(format!("{}: {left} bench tables left after down", c.name));
        }
        Ok(())
    })();
    t.drop();
    result
}

fn tables_left(kind: DatabaseKind) -> String {
    match kind {
        DatabaseKind::Postgres => {
            "SELECT COUNT(*) FROM pg_tables WHERE tablename LIKE 'bench%'".into()
        }
        DatabaseKind::Mysql => "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'bench%'".into(),
        DatabaseKind::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 'bench%'".into()
        }
    }
}

fn engine_name(kind: DatabaseKind) -> &'static str {
    match kind {
        DatabaseKind::Postgres => "PostgreSQL",
        DatabaseKind::Mysql => "MariaDB/MySQL",
        DatabaseKind::Sqlite => "SQLite",
    }
}

fn shown(op: Op, secs: f64) -> String {
    match op {
        Op::Up | Op::Down => format!("{secs:.2} s"),
        _ => format!("{:.1} ms", secs * 1000.0),
    }
}

/// The table for one engine: medians, and for up and down the ratio to the native run of the
/// same repetition (median of the repetitions, with their range).
fn table(
    kind: DatabaseKind,
    n: usize,
    reps: usize,
    names: &[String],
    times: &Times,
    notes: &Notes,
) -> String {
    let mut out = format!(
        "\n{} — N = {n}, {reps} repetition(s); ratio = time / native time of the same repetition\n",
        engine_name(kind)
    );
    out.push_str(&format!("{:<22}", "operation"));
    for name in names {
        out.push_str(&format!("{name:>26}"));
    }
    out.push('\n');
    for op in [Op::Up, Op::Down, Op::Status, Op::NoopUp] {
        let native = times.get(&("native".to_owned(), op));
        let mut line = format!("{:<22}", op.label());
        for name in names {
            let Some(runs) = times.get(&(name.clone(), op)) else {
                line.push_str(&format!("{:>26}", "—"));
                continue;
            };
            let ok: Vec<f64> = runs.iter().flatten().copied().collect();
            let Some(m) = median(ok.clone()) else {
                line.push_str(&format!("{:>26}", "failed"));
                continue;
            };
            let mut cell = shown(op, m);
            if let (Some(native), true) = (native, name != "native") {
                let ratios: Vec<f64> = runs
                    .iter()
                    .zip(native)
                    .filter_map(|(x, n)| Some((*x)? / (*n)?))
                    .collect();
                if let Some(r) = median(ratios.clone()) {
                    let lo = ratios.iter().copied().fold(f64::MAX, f64::min);
                    let hi = ratios.iter().copied().fold(f64::MIN, f64::max);
                    cell = format!("{cell} {r:.2}× ({lo:.2}–{hi:.2})");
                }
            }
            line.push_str(&format!("{cell:>26}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    for ((name, op), (count, why)) in notes {
        if names.contains(name) {
            out.push_str(&format!(
                "note: {name}, {}: failed in {count} of {reps}: {why}\n",
                op.label()
            ));
        }
    }
    out
}

/// Status and no-op up with `m` applied: each contender applies once (timed, shown), then
/// they take turns, `quick` rounds.
fn status_at_scale(
    a: &Args,
    kind: DatabaseKind,
    m: usize,
    work: &std::path::Path,
    list: &[&Contender],
) -> Result<String, String> {
    let w = generate::write(work, kind, m).map_err(|e| e.to_string())?;
    let log_dir = w.project.join("logs");
    std::fs::create_dir_all(&log_dir).map_err(|e| e.to_string())?;
    let mut targets = Vec::new();
    let mut out = format!(
        "\n{} — status and no-op up with {m} applied (median of {} runs)\n",
        engine_name(kind),
        a.quick
    );
    for c in list {
        let t = Target::create(&a.servers, kind, &format!("{}_scale", slug(&c.name)))?;
        match time_op(c, Op::Up, &w, &t, &log_dir).expect("every tool applies") {
            Ok(up) => {
                out.push_str(&format!("{:<14} up from empty {up:.2} s\n", c.name));
                targets.push((c, t));
            }
            Err(e) => {
                out.push_str(&format!("{:<14} {e}\n", c.name));
                t.drop();
            }
        }
    }
    let mut samples: BTreeMap<(String, Op), Vec<f64>> = BTreeMap::new();
    for _ in 0..a.quick {
        for (c, t) in &targets {
            for op in [Op::Status, Op::NoopUp] {
                if let Some(Ok(s)) = time_op(c, op, &w, t, &log_dir) {
                    samples.entry((c.name.clone(), op)).or_default().push(s);
                }
            }
        }
    }
    for (c, t) in targets {
        for op in [Op::Status, Op::NoopUp] {
            let m = median(samples.remove(&(c.name.clone(), op)).unwrap_or_default());
            let text = m.map_or("failed".into(), |s| shown(op, s));
            out.push_str(&format!("{:<14} {:<22} {text}\n", c.name, op.label()));
        }
        t.drop();
    }
    let _ = std::fs::remove_dir_all(&w.project);
    Ok(out)
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let temp = match &a.workdir {
        Some(dir) => std::fs::create_dir_all(dir).map(|()| None),
        None => tempfile::Builder::new()
            .prefix("strata-bench-")
            .tempdir()
            .map(Some),
    };
    let temp = match temp {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot make a scratch folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let work: PathBuf = match (&temp, &a.workdir) {
        (Some(t), _) => t.path().to_owned(),
        (None, Some(dir)) => dir.clone(),
        (None, None) => unreachable!("a folder was made or given"),
    };
    let list = contenders(&a);
    if a.sqlx.is_none() {
        eprintln!("sqlx-cli not found (cargo install sqlx-cli --no-default-features --features rustls,postgres,sqlite,mysql): timed without it");
    }
    let mut report = String::new();
    let mut failed = false;
    for &kind in &a.engines {
        let w = match generate::write(&work, kind, a.n) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("cannot write the workload: {e}");
                return ExitCode::FAILURE;
            }
        };
        let here: Vec<&Contender> = list.iter().filter(|c| c.engines.contains(&kind)).collect();
        let mut times = Times::new();
        let mut notes = Notes::new();
        for rep in 0..a.reps {
            // Rotate the order every repetition so no contender always runs first.
            let k = rep % here.len();
            let order: Vec<&&Contender> = here[k..].iter().chain(&here[..k]).collect();
            for c in order {
                eprintln!("{} rep {}: {}", engine_name(kind), rep + 1, c.name);
                if let Err(e) = run_one(&a, c, kind, &w, rep, &mut times, &mut notes) {
                    eprintln!("  failed: {e}");
                    // The native client and the default run must work; another contender's
                    // failure (e.g. a single transaction out of lock slots) is a result.
                    failed |= matches!(c.tool, Tool::Native) || c.name == "strata";
                }
            }
        }
        let names: Vec<String> = here.iter().map(|c| c.name.clone()).collect();
        let t = table(kind, a.n, a.reps, &names, &times, &notes);
        eprintln!("{t}");
        report.push_str(&t);
        if a.status_n > 0 {
            let scale: Vec<&Contender> = here
                .iter()
                .copied()
                .filter(|c| !matches!(c.tool, Tool::Native) && c.name != "strata 1-tx")
                .collect();
            match status_at_scale(&a, kind, a.status_n, &work, &scale) {
                Ok(t) => {
                    eprintln!("{t}");
                    report.push_str(&t);
                }
                Err(e) => {
                    eprintln!("status at {}: {e}", a.status_n);
                    failed = true;
                }
            }
        }
    }
    println!("{report}");
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
