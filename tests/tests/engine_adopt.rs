//! Adopting databases other tools migrated, on SQLite, PostgreSQL and MariaDB: databases
//! migrated by the real sqlx-cli and dbmate, and history tables of golang-migrate, Flyway,
//! Diesel and refinery built by hand with those tools' own DDL. Strata applies nothing there,
//! `strata status` names the tool and its versions, and `strata adopt` imports them without
//! touching the other tool's table.
//!
//! The real tools must be installed (these tests fail, never skip, without them):
//!   cargo install sqlx-cli --version 0.9.0 --no-default-features --features rustls,postgres,sqlite,mysql --locked
//!   npm install --prefix target/tools/dbmate --no-audit --no-fund dbmate@2.36.0

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use strata_core::admin::{AdminError, AdminOptions};
use strata_core::adopt::{self, ForeignTool};
use strata_core::driver::Session;
use strata_core::engine::{self, EngineError, RunOptions};
use strata_core::plan::{MigrationState, Target};
use strata_core::{DatabaseKind, MigrationSet};
use strata_system_tests::catalog::scalar;
use strata_system_tests::servers::{exec, run_strata, states, TestTarget, ALL_KINDS};
use strata_system_tests::{repo_root, target_dir};

const T: Duration = Duration::from_secs(10);

/// A copy of `tests/fixtures/adopt/<tool>` (a project: strata.toml and migrations/).
fn fixture(tool: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let dest = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &dest);
            } else {
                std::fs::copy(entry.path(), dest).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(
        &repo_root().join("tests/fixtures/adopt").join(tool),
        dir.path(),
    );
    dir
}

fn migrations(project: &Path) -> MigrationSet {
    let project = strata_project::Project::open(project).unwrap();
    project.migrations().unwrap()
}

/// A migration tool's binary, or a failure saying how to install it.
fn tool(name: &str, candidates: &[PathBuf], install: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(candidates.iter().cloned())
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{name} is not installed, and this test adopts a database that the real {name} migrated. Install it: {install}")
        })
}

fn sqlx_cli() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let candidates: Vec<PathBuf> = cargo_home.into_iter().map(|c| c.join("bin/sqlx")).collect();
    tool(
        "sqlx",
        &candidates,
        "cargo install sqlx-cli --version 0.9.0 --no-default-features --features rustls,postgres,sqlite,mysql --locked",
    )
}

fn dbmate() -> PathBuf {
    tool(
        "dbmate",
        &[target_dir().join("tools/dbmate/node_modules/.bin/dbmate")],
        "npm install --prefix target/tools/dbmate --no-audit --no-fund dbmate@2.36.0 (run from the repository root)",
    )
}

/// Run a tool to success; its stdout.
fn run(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(
        out.status.success(),
        "{} {} failed:\n{}{}",
        program.display(),
        args.join(" "),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn run_options(allow_out_of_order: bool) -> RunOptions {
    let mut options = RunOptions::new(Target::Latest);
    options.allow_out_of_order = allow_out_of_order;
    options
}

/// What a user sees and does on a database another tool migrated: `status` names the tool and
/// its versions, `up` applies nothing, `strata adopt` imports exactly `recorded`, and the
/// migrations in `pending` are still to apply.
async fn adopt_like_a_user(
    kind: DatabaseKind,
    url: &str,
    project: &Path,
    tool: ForeignTool,
    recorded: &[&str],
    pending: &[&str],
) {
    let set = migrations(project);
    let report = engine::status(url, &set, T).await.unwrap();
    let foreign = (report.foreign.as_ref()).unwrap_or_else(|| panic!("{kind}: {report:?}"));
    assert_eq!(foreign.tool, tool, "{kind}");
    let listed: Vec<&str> = foreign
        .versions
        .iter()
        .map(|e| e.version.as_str())
        .collect();
    let all_pending = report
        .entries
        .iter()
        .all(|e| e.state == MigrationState::Pending);
    assert!(all_pending, "{kind}: {report:?}");

    let out = run_strata(project, &["status", "--url", url]).success();
    let says = format!(
        "this database is managed by {tool}: {tool}'s {}",
        foreign.table
    );
    assert!(
        out.stdout.contains(&says) && out.stdout.contains("`strata adopt`"),
        "{kind}: {}",
        out.output()
    );
    let err = engine::run(url, &set, &run_options(false), |_| {}, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, EngineError::ManagedByAnotherTool { .. }),
        "{kind}: {err}"
    );
    let out = run_strata(project, &["up", "--url", url]);
    assert_eq!(out.code, Some(3), "{kind}: refused: {}", out.output());
    assert!(
        out.stderr.contains("Strata applies nothing here"),
        "{kind}: {}",
        out.output()
    );

    let out = run_strata(project, &["adopt", "--url", url]).success();
    assert!(
        out.stdout
            .contains(&format!("adopted {tool}'s {}", foreign.table)),
        "{kind}: {}",
        out.output()
    );
    let imported: Vec<String> = (states(url, &set).await.into_iter())
        .filter(|(_, s)| *s == MigrationState::Applied)
        .map(|(v, _)| v)
        .collect();
    assert_eq!(imported, recorded, "{kind}: {tool} recorded {listed:?}");
    let sql = "SELECT COUNT(*) FROM strata_events WHERE kind = 'adopt' AND outcome = 'ok'";
    assert_eq!(scalar(url, sql).await, recorded.len() as i64, "{kind}");
    let report = engine::status(url, &set, T).await.unwrap();
    assert!(
        report.foreign.is_none(),
        "{kind}: adopted, Strata's history rules"
    );

    let err = adopt::adopt(url, &set, &AdminOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AdminError::HistoryNotEmpty { .. }),
        "{kind}: {err}"
    );

    // Strata goes on from there. (A Flyway repeatable sorts after every versioned migration,
    // so the planner calls a newer versioned one out of order.)
    let run = engine::run(url, &set, &run_options(true), |_| {}, |_| {})
        .await
        .unwrap();
    let ran: Vec<&str> = run.steps.iter().map(|s| s.version.as_str()).collect();
    assert_eq!(ran, pending, "{kind}");
}

/// dbmate's URL for a test target: PostgreSQL needs TLS off explicitly.
fn dbmate_url(kind: DatabaseKind, url: &str) -> String {
    match kind {
        DatabaseKind::Postgres => format!("{url}?sslmode=disable"),
        _ => url.to_owned(),
    }
}

#[tokio::test]
async fn a_database_migrated_by_sqlx_cli_is_adopted() {
    let sqlx = sqlx_cli();
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let project = fixture("sqlx");
        let dir = project.path().join("migrations");
        let source = dir.to_str().unwrap();
        let url = target.url();
        let tool_url = match kind {
            DatabaseKind::Sqlite => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let info = || {
            run(
                &sqlx,
                &[
                    "migrate",
                    "info",
                    "--source",
                    source,
                    "--database-url",
                    &tool_url,
                ],
            )
        };
        run(
            &sqlx,
            &[
                "migrate",
                "run",
                "--source",
                source,
                "--database-url",
                &tool_url,
            ],
        );
        let before = info();
        assert!(before.contains("2/installed"), "{kind}: {before}");
        std::fs::write(
            dir.join("3_create_adopt_c.sql"),
            "CREATE TABLE adopt_c (id INTEGER PRIMARY KEY)\n",
        )
        .unwrap();
        let seen_by_sqlx = info();
        adopt_like_a_user(
            kind,
            url,
            project.path(),
            ForeignTool::Sqlx,
            &["1", "2"],
            &["3"],
        )
        .await;
        assert!(seen_by_sqlx.contains("3/pending"), "{kind}: {seen_by_sqlx}");
        assert_eq!(
            info(),
            seen_by_sqlx,
            "{kind}: sqlx's history must be as sqlx left it (Strata applied 3, sqlx never heard)"
        );
    }
}

#[tokio::test]
async fn a_database_migrated_by_dbmate_is_adopted() {
    let dbmate = dbmate();
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let project = fixture("dbmate");
        let dir = project.path().join("migrations");
        let url = target.url();
        let tool_url = dbmate_url(kind, url);
        let args = |command: &'static str| {
            let dir = dir.to_str().unwrap().to_owned();
            vec![
                "--url".to_owned(),
                tool_url.clone(),
                "--migrations-dir".to_owned(),
                dir,
                "--no-dump-schema".to_owned(),
                command.to_owned(),
            ]
        };
        let dbmate_run = |command| {
            let args = args(command);
            run(
                &dbmate,
                &args.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        };
        dbmate_run("up");
        std::fs::write(
            dir.join("20240103000000_create_adopt_c.sql"),
            "-- migrate:up\nCREATE TABLE adopt_c (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE adopt_c;\n",
        )
        .unwrap();
        let before = dbmate_run("status");
        assert!(
            before.contains("Applied: 2") && before.contains("Pending: 1"),
            "{kind}: {before}"
        );
        adopt_like_a_user(
            kind,
            url,
            project.path(),
            ForeignTool::Dbmate,
            &["20240101000000", "20240102000000"],
            &["20240103000000"],
        )
        .await;
        assert_eq!(
            dbmate_run("status"),
            before,
            "{kind}: dbmate's history must be as dbmate left it"
        );
    }
}

/// The history tables as each tool creates them, per dialect.
fn history_ddl(tool: &str, kind: DatabaseKind) -> Vec<&'static str> {
    use DatabaseKind::*;
    match (tool, kind) {
        ("golang-migrate", Sqlite) => vec![
            "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool)",
            "CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version)",
        ],
        ("golang-migrate", _) => vec!["CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)"],
        ("flyway", Postgres) => vec![
            r#"CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL)"#,
            r#"ALTER TABLE "flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank")"#,
            r#"CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success")"#,
        ],
        ("flyway", Mysql) => vec![
            "CREATE TABLE `flyway_schema_history` (`installed_rank` INT NOT NULL, `version` VARCHAR(50), `description` VARCHAR(200) NOT NULL, `type` VARCHAR(20) NOT NULL, `script` VARCHAR(1000) NOT NULL, `checksum` INT, `installed_by` VARCHAR(100) NOT NULL, `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, `execution_time` INT NOT NULL, `success` BOOL NOT NULL, CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
            "CREATE INDEX `flyway_schema_history_s_idx` ON `flyway_schema_history` (`success`)",
        ],
        ("flyway", Sqlite) => vec![
            r#"CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), "execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL)"#,
            r#"CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success")"#,
        ],
        ("diesel", _) => vec!["CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"],
        ("refinery", _) => vec!["CREATE TABLE IF NOT EXISTS refinery_schema_history(version INT4 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255))"],
        ("dbmate", _) => vec!["CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) primary key)"],
        ("sqlx", Mysql) => vec!["CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)"],
        other => panic!("no DDL for {other:?}"),
    }
}

fn flyway_row(
    rank: u32,
    version: Option<&str>,
    description: &str,
    script: &str,
    success: bool,
) -> String {
    let version = version.map_or("NULL".to_owned(), |v| format!("'{v}'"));
    format!("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ({rank}, {version}, '{description}', 'SQL', '{script}', 1234567, 'flyway', 12, {success})")
}

/// A database where `tool` applied the files `applied` (run here by hand) and recorded `rows`.
async fn hand_built(
    kind: DatabaseKind,
    tool: &str,
    applied: &[&str],
    rows: &[String],
) -> (TestTarget, tempfile::TempDir) {
    let target = TestTarget::create(kind).await;
    let project = fixture(tool);
    let mut statements: Vec<String> = history_ddl(tool, kind)
        .into_iter()
        .map(str::to_owned)
        .collect();
    for file in applied {
        let set = migrations(project.path());
        let m = (set.migrations.iter())
            .find(|m| m.up_path.ends_with(file) || m.up_path.parent().unwrap().ends_with(file));
        let m = m.unwrap_or_else(|| panic!("{file} is not in the {tool} fixture"));
        statements.push(m.up.sql.to_string());
    }
    statements.extend(rows.iter().cloned());
    let refs: Vec<&str> = statements.iter().map(String::as_str).collect();
    exec(target.url(), &refs).await;
    (target, project)
}

#[tokio::test]
async fn golang_migrate_flyway_diesel_and_refinery_histories_are_adopted() {
    for kind in ALL_KINDS {
        let (target, project) = hand_built(
            kind,
            "golang-migrate",
            &["1_create_adopt_a.up.sql", "2_create_adopt_b.up.sql"],
            &["INSERT INTO schema_migrations (version, dirty) VALUES (2, false)".to_owned()],
        )
        .await;
        adopt_like_a_user(
            kind,
            target.url(),
            project.path(),
            ForeignTool::GolangMigrate,
            &["1", "2"],
            &["3"],
        )
        .await;

        let (target, project) = hand_built(
            kind,
            "flyway",
            &[
                "V1__create_adopt_a.sql",
                "V1.1__create_adopt_b.sql",
                "R__tidy_adopt_a.sql",
            ],
            &[
                flyway_row(
                    1,
                    Some("1"),
                    "create adopt a",
                    "V1__create_adopt_a.sql",
                    true,
                ),
                flyway_row(
                    2,
                    Some("1.1"),
                    "create adopt b",
                    "V1.1__create_adopt_b.sql",
                    true,
                ),
                flyway_row(3, None, "tidy adopt a", "R__tidy_adopt_a.sql", true),
            ],
        )
        .await;
        adopt_like_a_user(
            kind,
            target.url(),
            project.path(),
            ForeignTool::Flyway,
            &["1", "1.1", "R__tidy_adopt_a"],
            &["2"],
        )
        .await;

        let (target, project) = hand_built(
            kind,
            "diesel",
            &["2024-01-01-000000_create_adopt_a"],
            &[
                "INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000')"
                    .to_owned(),
            ],
        )
        .await;
        adopt_like_a_user(
            kind,
            target.url(),
            project.path(),
            ForeignTool::Diesel,
            &["20240101000000"],
            &["20240102000000"],
        )
        .await;

        let (target, project) = hand_built(
            kind,
            "refinery",
            &["V1__create_adopt_a.sql"],
            &["INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (1, 'create_adopt_a', '2024-01-01T00:00:00+00:00', '9305823651873947823')".to_owned()],
        )
        .await;
        adopt_like_a_user(
            kind,
            target.url(),
            project.path(),
            ForeignTool::Refinery,
            &["1"],
            &["2"],
        )
        .await;
    }
}

/// Adopting refuses, changing nothing on either side, and says what to do.
async fn refused(url: &str, project: &Path, needles: &[&str]) {
    let set = migrations(project);
    let err = adopt::adopt(url, &set, &AdminOptions::default())
        .await
        .unwrap_err()
        .to_string();
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in: {err}");
    }
    assert!(err.contains("nothing was imported"), "{err}");
    let mut s = Session::connect(url, T).await.unwrap();
    assert!(s.read_history().await.unwrap().is_empty());
    s.close().await;
}

#[tokio::test]
async fn a_failed_or_dirty_foreign_history_is_refused_with_what_to_do() {
    // golang-migrate on SQLite, its current version dirty.
    let (target, project) = hand_built(
        DatabaseKind::Sqlite,
        "golang-migrate",
        &["1_create_adopt_a.up.sql"],
        &["INSERT INTO schema_migrations (version, dirty) VALUES (2, true)".to_owned()],
    )
    .await;
    let report = engine::status(target.url(), &migrations(project.path()), T)
        .await
        .unwrap();
    assert!(report.foreign.unwrap().to_string().contains("2 (dirty)"));
    refused(
        target.url(),
        project.path(),
        &[
            "golang-migrate's schema_migrations records 2 as dirty",
            "migrate force 2",
        ],
    )
    .await;
    assert_eq!(
        scalar(
            target.url(),
            "SELECT COUNT(*) FROM schema_migrations WHERE dirty"
        )
        .await,
        1
    );

    // Flyway on PostgreSQL, version 1.1 failed.
    let (target, project) = hand_built(
        DatabaseKind::Postgres,
        "flyway",
        &["V1__create_adopt_a.sql"],
        &[
            flyway_row(
                1,
                Some("1"),
                "create adopt a",
                "V1__create_adopt_a.sql",
                true,
            ),
            flyway_row(
                2,
                Some("1.1"),
                "create adopt b",
                "V1.1__create_adopt_b.sql",
                false,
            ),
        ],
    )
    .await;
    refused(
        target.url(),
        project.path(),
        &[
            "Flyway's flyway_schema_history records 1.1 as failed",
            "flyway repair",
        ],
    )
    .await;

    // sqlx on MariaDB, version 2 recorded with success = false.
    let (target, project) = hand_built(
        DatabaseKind::Mysql,
        "sqlx",
        &["1_create_adopt_a.sql"],
        &[
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (1, 'create adopt a', TRUE, X'00', 5)".to_owned(),
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (2, 'create adopt b', FALSE, X'00', -1)".to_owned(),
        ],
    )
    .await;
    refused(
        target.url(),
        project.path(),
        &[
            "sqlx's _sqlx_migrations records 2 as failed",
            "success = true",
        ],
    )
    .await;
}

#[tokio::test]
async fn versions_without_files_are_named_and_nothing_is_imported() {
    let (target, project) = hand_built(
        DatabaseKind::Postgres,
        "dbmate",
        &["20240101000000_create_adopt_a.sql"],
        &["INSERT INTO schema_migrations (version) VALUES ('20240101000000'), ('20240105000000'), ('20240106000000')".to_owned()],
    )
    .await;
    refused(
        target.url(),
        project.path(),
        &["records 20240105000000, 20240106000000 that the migrations folder"],
    )
    .await;
    assert_eq!(
        scalar(target.url(), "SELECT COUNT(*) FROM schema_migrations").await,
        3
    );
}

#[tokio::test]
async fn an_empty_foreign_history_does_not_stop_strata() {
    // golang-migrate after `migrate down` to nothing: its table is there, without rows.
    let (target, project) = hand_built(DatabaseKind::Mysql, "golang-migrate", &[], &[]).await;
    let set = migrations(project.path());
    let report = engine::status(target.url(), &set, T).await.unwrap();
    assert!(report.foreign.is_none(), "{report:?}");
    let run = engine::run(target.url(), &set, &run_options(false), |_| {}, |_| {})
        .await
        .unwrap();
    assert_eq!(run.steps.len(), 3);
    let err = adopt::adopt(target.url(), &set, &AdminOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, AdminError::HistoryNotEmpty { .. }), "{err}");
}
