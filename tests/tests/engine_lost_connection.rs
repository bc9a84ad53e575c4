//! A run whose connection the server closes mid-migration (`pg_terminate_backend` of its
//! backend, `KILL <id>` on MariaDB, from another session): the error names the target, the
//! statement (k of n, file and line) and the migration, says what is known of the state
//! (PostgreSQL: the server rolled the migration's transaction back; MariaDB: the statements
//! before k committed and the journal records them) and what to do; the history agrees.

use std::time::{Duration, Instant};

use strata_core::driver::redact_url;
use strata_core::history::AppliedState;
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{history, scalar};
use strata_system_tests::servers::{exec, up, TempProject, TestTarget};

const SLEEP: &str = "20";

fn project(kind: DatabaseKind) -> TempProject {
    let sleep = match kind {
        DatabaseKind::Postgres => format!("SELECT pg_sleep({SLEEP})"),
        _ => format!("SELECT SLEEP({SLEEP})"),
    };
    let p = TempProject::new();
    p.write(
        "1",
        "base",
        "CREATE TABLE lc_base (id INTEGER PRIMARY KEY);\n",
        Some("DROP TABLE lc_base;\n"),
    );
    p.write(
        "2",
        "slow",
        &format!("CREATE TABLE lc_a (id INTEGER PRIMARY KEY);\n{sleep};\nCREATE TABLE lc_b (id INTEGER PRIMARY KEY);\n"),
        Some("DROP TABLE IF EXISTS lc_b;\nDROP TABLE lc_a;\n"),
    );
    p
}

/// The server id of the connection running 2's sleep, once it runs.
async fn sleeper(kind: DatabaseKind, url: &str) -> Option<i64> {
    let sql = match kind {
        DatabaseKind::Postgres => format!("SELECT coalesce(max(pid), 0)::bigint FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep({SLEEP})%'"),
        _ => format!("SELECT CAST(COALESCE(MAX(ID), 0) AS SIGNED) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE '%SLEEP({SLEEP})%'"),
    };
    Some(scalar(url, &sql).await).filter(|id| *id != 0)
}

async fn lost_connection(kind: DatabaseKind) {
    let p = project(kind);
    let target = TestTarget::create(kind).await;
    let url = target.url().to_owned();
    let set = p.migrations();
    // The run and, beside it on the same task (a run is not `Send`), the session that closes
    // its connection once 2's sleep runs.
    let close = async {
        let started = Instant::now();
        let id = loop {
            if let Some(id) = sleeper(kind, &url).await {
                break id;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{kind}: 2's sleep did not start within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let close = match kind {
            DatabaseKind::Postgres => format!("SELECT pg_terminate_backend({id})"),
            _ => format!("KILL {id}"),
        };
        exec(&url, &[&close]).await;
        Instant::now()
    };
    let run = tokio::time::timeout(Duration::from_secs(40), up(&url, &set));
    let (result, closed_at) = tokio::join!(run, close);
    let result = result
        .unwrap_or_else(|_| panic!("{kind}: the run did not end after its connection closed"));
    assert!(
        closed_at.elapsed() < Duration::from_secs(10),
        "{kind}: the run took {:?} to notice its connection was gone",
        closed_at.elapsed()
    );
    let err = result.expect_err("the run lost its connection");
    let text = err.to_string();
    let file = p.file("2", "slow", "up");
    let head = format!(
        "the connection to {} was lost while applying 2 (slow), at statement 2 of 3 ({}:2)",
        redact_url(&url),
        file.display()
    );
    assert!(
        text.starts_with(&head),
        "{kind}: should start with\n{head}\ngot\n{text}"
    );
    assert!(
        text.contains("check that the server is up and reachable")
            && text.contains("`strata status`"),
        "{kind}: the error should say what to do: {text}"
    );
    let two = (history(&url).await.into_iter()).find(|a| a.version == "2");
    let has = |table: &str| {
        let sql = match kind {
            DatabaseKind::Postgres => format!("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{table}'"),
            _ => format!("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}'"),
        };
        let url = url.clone();
        async move { scalar(&url, &sql).await == 1 }
    };
    match kind {
        DatabaseKind::Postgres => {
            assert!(
                text.contains("the server rolled back the migration's transaction")
                    && text.contains("none of its statements took effect"),
                "{kind}: {text}"
            );
            assert!(two.is_none(), "{kind}: 2 has a history row: {two:?}");
            assert!(!has("lc_a").await, "{kind}: lc_a outlived the rollback");
        }
        _ => {
            assert!(
                text.contains("statement 1 had committed")
                    && text.contains("the history's journal records")
                    && text.contains("`strata resolve 2 --resume | --mark-resolved | --roll-back`"),
                "{kind}: {text}"
            );
            let two = two.unwrap_or_else(|| panic!("{kind}: no history row for 2"));
            assert_eq!(
                (two.state, two.statements_committed, two.statements_total),
                (AppliedState::Partial, 1, 3),
                "{kind}"
            );
            assert!(has("lc_a").await && !has("lc_b").await, "{kind}");
        }
    }
    println!("{kind}: {text}");
}

#[tokio::test]
async fn a_lost_connection_says_where_and_what_is_known_postgres() {
    lost_connection(DatabaseKind::Postgres).await
}

#[tokio::test]
async fn a_lost_connection_says_where_and_what_is_known_mariadb() {
    lost_connection(DatabaseKind::Mysql).await
}
