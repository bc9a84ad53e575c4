//! The engine's reads for the timeline against real SQLite, PostgreSQL and MariaDB, each in a
//! fresh database: the event log newest first with outcomes, durations and errors; one history
//! row with the SQL stored at apply time (whatever the files say now); who holds the migration
//! lock while another session holds it; and a database without Strata history reads as empty
//! without a table (or a SQLite file) being created. Each read is checked from a URL and
//! through a pool.

use std::time::Duration;

use strata_core::driver::DbPool;
use strata_core::engine::{self, EngineError};
use strata_core::history::{AppliedState, EventKind, Outcome};
use strata_core::lock::MigrationLock;
use strata_core::plan::Target;
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{events as logged_events, history, scalar, Catalog};
use strata_system_tests::per_engine;
use strata_system_tests::servers::{
    exec, has_table, run_to, server_url, up, TempProject, TestTarget,
};

const T: Duration = Duration::from_secs(15);

/// A statement that takes at least 300 ms (SQLite has no sleep: `None`).
fn sleep(kind: DatabaseKind) -> Option<&'static str> {
    match kind {
        DatabaseKind::Postgres => Some("SELECT pg_sleep(0.3)"),
        DatabaseKind::Mysql => Some("DO SLEEP(0.3)"),
        DatabaseKind::Sqlite => None,
    }
}

/// Three migrations in the demo's style (tables, an index, a column), each with its down part.
fn demo_style(project: &TempProject, kind: DatabaseKind) {
    project.write(
        "1",
        "create_users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL);\n",
        Some("DROP TABLE users;\n"),
    );
    project.write(
        "2",
        "create_posts",
        "-- Posts belong to users.\nCREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title VARCHAR(200));\nCREATE INDEX posts_user_id ON posts (user_id);\n",
        Some("DROP TABLE posts;\n"),
    );
    let slow = sleep(kind).map(|s| format!("{s};\n")).unwrap_or_default();
    project.write(
        "3",
        "add_user_name",
        &format!("ALTER TABLE users ADD COLUMN name VARCHAR(100);\n{slow}"),
        Some("ALTER TABLE users DROP COLUMN name;\n"),
    );
}

fn short(e: &strata_core::history::Event) -> String {
    format!(
        "{} {} {}",
        e.kind.as_str(),
        e.version.as_deref().unwrap_or("-"),
        e.outcome.as_str()
    )
}

/// The event log, the history row and the lock holder, each from a URL and through a pool.
async fn reads_after_runs(kind: DatabaseKind) {
    let project = TempProject::new();
    demo_style(&project, kind);
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let set = project.migrations();

    // Two runs: 1 and 2, then 3.
    let to_2 = engine::parse_version(&set, "2").unwrap();
    run_to(url, &set, Target::UpTo(to_2))
        .await
        .unwrap_or_else(|e| panic!("{kind}: applying 1 and 2: {e}"));
    up(url, &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: applying 3: {e}"));

    let events = engine::events(url, T, 100)
        .await
        .unwrap_or_else(|e| panic!("{kind}: events: {e}"));
    let got: Vec<String> = events.iter().map(short).collect();
    assert_eq!(
        got,
        ["apply 3 ok", "apply 2 ok", "apply 1 ok"],
        "{kind}: the event log, newest first"
    );
    // The same rows the database holds, in the reverse of the order they were written.
    let mut written: Vec<(String, String)> = (logged_events(url).await.into_iter())
        .map(|e| (e.short(), e.run_id))
        .collect();
    written.reverse();
    let read: Vec<(String, String)> = (events.iter())
        .map(|e| (short(e), e.run_id.clone()))
        .collect();
    assert_eq!(read, written, "{kind}: events against strata_events");
    assert_ne!(
        events[0].run_id, events[1].run_id,
        "{kind}: 3 was applied by a run of its own"
    );
    assert_eq!(
        events[1].run_id, events[2].run_id,
        "{kind}: 1 and 2 share a run"
    );
    let rows = history(url).await;
    for e in &events {
        let v = e.version.as_deref().unwrap();
        let row = rows.iter().find(|r| r.version == v).unwrap();
        assert_eq!(e.kind, EventKind::Apply, "{kind}: {v}");
        assert_eq!(e.outcome, Outcome::Ok, "{kind}: {v}");
        assert_eq!(e.name.as_deref(), Some(row.name.as_str()), "{kind}: {v}");
        assert_eq!((&e.error, &e.detail), (&None, &None), "{kind}: {v}");
        assert!(e.actor.contains('@'), "{kind}: {v} actor {:?}", e.actor);
        assert!(
            e.at.len() == 24 && e.at.ends_with('Z') && e.at >= row.applied_at,
            "{kind}: {v} at {:?} (applied at {:?})",
            e.at,
            row.applied_at
        );
        // MySQL times a step on the server, once for the row and once for the event.
        assert!(
            (e.duration_ms - row.execution_ms).abs() <= i64::from(kind == DatabaseKind::Mysql),
            "{kind}: {v} event duration {} ms, history {} ms",
            e.duration_ms,
            row.execution_ms
        );
    }
    if sleep(kind).is_some() {
        assert!(
            events[0].duration_ms >= 290,
            "{kind}: 3 sleeps 300 ms but its event says {} ms",
            events[0].duration_ms
        );
    }

    // The limit.
    let two = engine::events(url, T, 2).await.unwrap();
    assert_eq!(
        two.iter().map(short).collect::<Vec<_>>(),
        ["apply 3 ok", "apply 2 ok"],
        "{kind}: events limited to 2"
    );
    assert!(engine::events(url, T, 0).await.unwrap().is_empty());

    // The stored SQL stays what was applied when the files change.
    let up_2 = std::fs::read_to_string(project.file("2", "create_posts", "up")).unwrap();
    let down_2 = std::fs::read_to_string(project.file("2", "create_posts", "down")).unwrap();
    project.write(
        "2",
        "create_posts",
        "CREATE TABLE posts_edited (id INTEGER);\n",
        Some("DROP TABLE posts_edited;\n"),
    );
    let row = engine::applied_migration(url, T, "2")
        .await
        .unwrap_or_else(|e| panic!("{kind}: applied_migration: {e}"))
        .unwrap_or_else(|| panic!("{kind}: 2 is applied but has no row"));
    assert_eq!(row.up_sql, up_2, "{kind}: the stored up SQL of 2");
    assert_eq!(
        row.down_sql.as_deref(),
        Some(down_2.as_str()),
        "{kind}: the stored down SQL of 2"
    );
    assert_eq!(
        (
            row.name.as_str(),
            row.state,
            row.statements_total,
            row.statements_committed
        ),
        ("create_posts", AppliedState::Applied, 2, 2),
        "{kind}: the history row of 2"
    );
    let listed = rows.iter().find(|r| r.version == "2").unwrap();
    assert_eq!(
        &row, listed,
        "{kind}: the row read alone and with the history"
    );
    assert_eq!(engine::applied_migration(url, T, "4").await.unwrap(), None);

    // The lock: free, then held by another session, then free again.
    assert_eq!(
        engine::lock_holder(url, T).await.unwrap(),
        None,
        "{kind}: nobody holds the lock"
    );
    let lock = MigrationLock::acquire(url, T, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{kind}: taking the lock: {e}"));
    let holder = engine::lock_holder(url, T)
        .await
        .unwrap_or_else(|e| panic!("{kind}: lock_holder: {e}"))
        .unwrap_or_else(|| panic!("{kind}: the lock is held, but no holder was read"));
    let pid = std::process::id();
    match kind {
        DatabaseKind::Sqlite => {
            assert_eq!(holder.server_id, pid.to_string(), "{kind}: {holder}");
            assert!(
                holder.who.ends_with(&format!("pid {pid}")),
                "{kind}: {holder}"
            );
            assert_eq!(holder.host, strata_core::clock::host(), "{kind}: {holder}");
        }
        DatabaseKind::Postgres => {
            assert!(
                holder.who.ends_with(&format!("pid {pid}")),
                "{kind}: {holder}"
            );
            let sql = format!(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = {}",
                holder.server_id
            );
            assert_eq!(
                scalar(url, &sql).await,
                1,
                "{kind}: {holder} holds no advisory lock"
            );
        }
        DatabaseKind::Mysql => {
            let TestTarget::Server(db) = &target else {
                unreachable!()
            };
            let sql = format!(
                "SELECT CAST(IS_USED_LOCK('strata_migrate:{}') AS SIGNED)",
                db.name
            );
            let owner = scalar(url, &sql).await;
            assert_eq!(holder.server_id, owner.to_string(), "{kind}: {holder}");
        }
    }
    let pool = DbPool::lazy(url, T).unwrap();
    assert_eq!(
        engine::lock_holder_pooled(&pool).await.unwrap().as_ref(),
        Some(&holder),
        "{kind}: the holder read through a pool"
    );
    lock.release().await;
    assert_eq!(
        engine::lock_holder_pooled(&pool).await.unwrap(),
        None,
        "{kind}: released"
    );

    // Through the pool, the same answers.
    assert_eq!(
        engine::events_pooled(&pool, 100).await.unwrap(),
        events,
        "{kind}: events through a pool"
    );
    assert_eq!(
        engine::applied_migration_pooled(&pool, "2").await.unwrap(),
        Some(row),
        "{kind}: the row of 2 through a pool"
    );
    pool.close().await;
}

per_engine!(reads_after_runs_answer, reads_after_runs);

/// A failed run's event: outcome failed, and the server's error.
async fn failed_run_event(kind: DatabaseKind) {
    let project = TempProject::new();
    demo_style(&project, kind);
    project.write(
        "4",
        "broken",
        "INSERT INTO missing_reads_table (id) VALUES (1);\n",
        Some("SELECT 1;\n"),
    );
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let set = project.migrations();
    let err = up(url, &set)
        .await
        .err()
        .unwrap_or_else(|| panic!("{kind}: 4 inserts into a missing table, yet the run passed"));
    assert!(matches!(err, EngineError::Run(_)), "{kind}: {err:?}");
    let events = engine::events(url, T, 10).await.unwrap();
    assert_eq!(
        events.iter().map(short).collect::<Vec<_>>(),
        ["apply 4 failed", "apply 3 ok", "apply 2 ok", "apply 1 ok"],
        "{kind}: the event log after a failed run"
    );
    let failed = &events[0];
    let error = failed.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("missing_reads_table"),
        "{kind}: the failed event's error names the statement's problem: {error:?}"
    );
    assert_eq!(failed.run_id, events[1].run_id, "{kind}: one run");
    assert_eq!(engine::applied_migration(url, T, "4").await.unwrap(), None);
}

per_engine!(a_failed_run_reads_as_failed, failed_run_event);

/// Every Strata table, none of which a read may create.
const STRATA_TABLES: [&str; 4] = [
    "strata_meta",
    "strata_migrations",
    "strata_events",
    "strata_lock",
];

async fn assert_reads_empty(kind: DatabaseKind, url: &str, what: &str) {
    assert_eq!(
        engine::events(url, T, 10).await.unwrap(),
        [],
        "{kind}: {what}"
    );
    assert_eq!(
        engine::applied_migration(url, T, "1").await.unwrap(),
        None,
        "{kind}: {what}"
    );
    assert_eq!(
        engine::lock_holder(url, T).await.unwrap(),
        None,
        "{kind}: {what}"
    );
    let pool = DbPool::lazy(url, T).unwrap();
    assert_eq!(
        engine::events_pooled(&pool, 10).await.unwrap(),
        [],
        "{kind}: {what}"
    );
    let row = engine::applied_migration_pooled(&pool, "1").await.unwrap();
    assert_eq!(row, None, "{kind}: {what}");
    assert_eq!(
        engine::lock_holder_pooled(&pool).await.unwrap(),
        None,
        "{kind}: {what}"
    );
    pool.close().await;
}

/// A database without Strata history reads as empty, and reading creates nothing.
async fn fresh_database(kind: DatabaseKind) {
    let target = TestTarget::create(kind).await;
    let url = target.url();
    if kind == DatabaseKind::Sqlite {
        // No file yet: no history, and no file is created by reading.
        let path = url.strip_prefix("sqlite:").unwrap();
        for read in 0..3 {
            let missing = match read {
                0 => engine::events(url, T, 10).await.map(|e| e.is_empty()),
                1 => engine::applied_migration(url, T, "1")
                    .await
                    .map(|r| r.is_none()),
                _ => engine::lock_holder(url, T).await.map(|h| h.is_none()),
            };
            assert!(
                matches!(missing, Ok(true)),
                "{kind}: read {read} of a missing file: {missing:?}"
            );
            assert!(
                !std::path::Path::new(path).exists(),
                "{kind}: read {read} created {path}"
            );
        }
        exec(url, &[]).await; // an empty file
    }
    let catalog = Catalog::of(url).await;
    assert_reads_empty(kind, url, "a fresh database").await;
    catalog.assert_same(&Catalog::of(url).await, "reads of a fresh database");
    for table in STRATA_TABLES {
        assert!(
            !has_table(url, table).await,
            "{kind}: a read created {table}"
        );
    }

    // A user table of the same shape elsewhere does not count: still no history.
    exec(url, &["CREATE TABLE not_strata (id INTEGER)"]).await;
    assert_reads_empty(kind, url, "a database with a table of its own").await;
    for table in STRATA_TABLES {
        assert!(
            !has_table(url, table).await,
            "{kind}: a read created {table}"
        );
    }
}

per_engine!(a_fresh_database_reads_empty, fresh_database);

/// Errors name the database with its password hidden.
async fn errors_are_redacted(kind: DatabaseKind) {
    let mut bad = url::Url::parse(&server_url(kind)).unwrap();
    bad.set_password(Some("s3cret-pw")).unwrap();
    bad.set_path("/strata_no_such_database_for_reads");
    let bad = bad.to_string();
    let errors = [
        engine::events(&bad, T, 10)
            .await
            .err()
            .map(|e| e.to_string()),
        engine::applied_migration(&bad, T, "1")
            .await
            .err()
            .map(|e| e.to_string()),
        engine::lock_holder(&bad, T)
            .await
            .err()
            .map(|e| e.to_string()),
    ];
    for text in errors {
        let text = text.unwrap_or_else(|| panic!("{kind}: a read of a missing database passed"));
        assert!(
            !text.contains("s3cret-pw") && text.contains("***"),
            "{kind}: the error shows the password or no target: {text}"
        );
    }
}

#[tokio::test]
async fn errors_are_redacted_on_postgres() {
    errors_are_redacted(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn errors_are_redacted_on_mariadb() {
    errors_are_redacted(DatabaseKind::Mysql).await
}

/// SQLite: a lock row whose process is gone on this host is stale, and not a holder; a row of
/// another host is, as taking the lock would judge them.
#[tokio::test]
async fn a_stale_sqlite_lock_row_has_no_holder() {
    let kind = DatabaseKind::Sqlite;
    let target = TestTarget::create(kind).await;
    let url = target.url();
    let create = "CREATE TABLE strata_lock (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, proc_start TEXT, host TEXT NOT NULL, who TEXT NOT NULL, since TEXT NOT NULL, run_id TEXT NOT NULL)";
    let host = strata_core::clock::host().replace('\'', "''");
    // Above Linux's highest pid: no such process.
    let gone = format!("INSERT INTO strata_lock VALUES (1, 999999999, NULL, '{host}', 'strata gone@here pid 999999999', '2024-01-01T00:00:00.000Z', 'old-run')");
    exec(url, &[create, &gone]).await;
    assert_eq!(
        engine::lock_holder(url, T).await.unwrap(),
        None,
        "{kind}: a lock row of a process that is gone"
    );
    let elsewhere = "UPDATE strata_lock SET host = 'another-host.example', who = 'strata ci@another-host.example pid 999999999'";
    exec(url, &[elsewhere]).await;
    let holder = engine::lock_holder(url, T).await.unwrap();
    assert_eq!(
        holder.map(|h| (h.server_id, h.host)),
        Some(("999999999".to_owned(), "another-host.example".to_owned())),
        "{kind}: a lock row of another host names its holder"
    );
}
