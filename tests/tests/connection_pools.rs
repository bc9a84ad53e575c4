//! Connection pools against the real servers: a history read through a pool gives exactly
//! what a read over a connection of its own gives (Strata's history, another tool's), on
//! SQLite, PostgreSQL and MariaDB; and a server that does not answer costs the pool's timeout,
//! never a hang.

use std::time::{Duration, Instant};

use strata_core::driver::pool::MAX_CONNECTIONS;
use strata_core::driver::{ConnectError, DbPool};
use strata_core::engine::{self, EngineError};
use strata_system_tests::servers::{exec, TempProject, TestTarget, ALL_KINDS};

const T: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_pooled_read_matches_a_direct_read_after_strata_up() {
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        let p = TempProject::new();
        p.write(
            "1",
            "users",
            "CREATE TABLE users (id INT PRIMARY KEY);",
            None,
        );
        p.write(
            "2",
            "orders",
            "CREATE TABLE orders (id INT PRIMARY KEY);\nCREATE TABLE order_lines (id INT PRIMARY KEY);",
            Some("DROP TABLE order_lines;\nDROP TABLE orders;"),
        );
        p.strata(&["up", "--url", url]).success();

        let direct = engine::snapshot(url, T).await.unwrap();
        let pool = DbPool::lazy(url, T).unwrap();
        assert_eq!(pool.size(), 0, "{kind}: a new pool connected");
        let pooled = engine::snapshot_pooled(&pool).await.unwrap();
        assert_eq!(pooled, direct, "{kind}");
        let versions: Vec<&str> = pooled.history.iter().map(|m| m.version.as_str()).collect();
        assert_eq!(versions, ["1", "2"], "{kind}");
        // Connections go back (sqlx returns them from a task of its own, so a read right
        // after another may open a second one) and the pool stays within its bound.
        for _ in 0..12 {
            let again = engine::snapshot_pooled(&pool).await.unwrap();
            assert_eq!(again, direct, "{kind}");
        }
        let size = pool.size();
        assert!((1..=MAX_CONNECTIONS).contains(&size), "{kind}: {size}");
        pool.close().await;
        assert!(pool.is_closed());
        let err = engine::snapshot_pooled(&pool).await.unwrap_err();
        assert!(matches!(err, EngineError::Connect(_)), "{kind}: {err}");
    }
}

#[tokio::test]
async fn a_pooled_read_finds_another_tools_history_like_a_direct_read() {
    for kind in ALL_KINDS {
        let target = TestTarget::create(kind).await;
        let url = target.url();
        exec(
            url,
            &[
                "CREATE TABLE refinery_schema_history (version INT PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255))",
                "INSERT INTO refinery_schema_history VALUES (1, 'initial', '2024-01-01T00:00:00Z', '1'), (2, 'second', '2024-01-02T00:00:00Z', '2')",
            ],
        )
        .await;
        let direct = engine::snapshot(url, T).await.unwrap();
        let pool = DbPool::lazy(url, T).unwrap();
        let pooled = engine::snapshot_pooled(&pool).await.unwrap();
        assert_eq!(pooled, direct, "{kind}");
        let foreign = pooled.foreign.expect("refinery's history is found");
        assert_eq!(foreign.versions.len(), 2, "{kind}: {foreign:?}");
        pool.close().await;
    }
}

/// A server that accepts the connection and then says nothing: the client waits for its
/// greeting (MariaDB) or its answer to the startup message (PostgreSQL) for ever.
fn silent_server() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

#[tokio::test]
async fn a_silent_server_costs_the_pool_timeout_not_a_hang() {
    let bound = Duration::from_secs(2);
    let (_listener, port) = silent_server();
    for url in [
        format!("postgres://app:pw-never-shown@127.0.0.1:{port}/app?sslmode=disable"),
        format!("mysql://app:pw-never-shown@127.0.0.1:{port}/app?ssl-mode=disabled"),
    ] {
        let pool = DbPool::lazy(&url, bound).unwrap();
        let started = Instant::now();
        let err = engine::snapshot_pooled(&pool).await.unwrap_err();
        let elapsed = started.elapsed();
        println!("{url}: gave up after {elapsed:?}");
        assert!(
            matches!(err, EngineError::Connect(ConnectError::Timeout { .. })),
            "{url}: {err}"
        );
        assert!(elapsed >= bound - Duration::from_millis(100), "{elapsed:?}");
        assert!(elapsed < bound + Duration::from_secs(2), "{elapsed:?}");
        let text = err.to_string();
        assert!(!text.contains("pw-never-shown"), "{text}");
        pool.close().await;
    }
}

#[tokio::test]
async fn an_unreachable_server_fails_within_the_bound() {
    let bound = Duration::from_secs(3);
    // Nothing listens on a port just released; 10.255.255.1 is routed nowhere (packets are
    // dropped, or the network says at once that it is unreachable).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for url in [
        format!("postgres://postgres@127.0.0.1:{closed}/test"),
        format!("mysql://root@127.0.0.1:{closed}/test"),
        "postgres://postgres@10.255.255.1:5432/test?sslmode=disable".to_owned(),
    ] {
        let pool = DbPool::lazy(&url, bound).unwrap();
        let started = Instant::now();
        let err = engine::snapshot_pooled(&pool).await.unwrap_err();
        let elapsed = started.elapsed();
        println!("{url}: failed after {elapsed:?}: {err}");
        assert!(matches!(err, EngineError::Connect(_)), "{url}: {err}");
        assert!(
            elapsed < bound + Duration::from_secs(2),
            "{url}: {elapsed:?}"
        );
        pool.close().await;
    }
}

#[tokio::test]
async fn a_server_that_refuses_says_so_at_once_not_after_the_bound() {
    // sqlx retries a refused connect until its timeout; the pool knocks first, so a database
    // that is down shows as down within a moment (the timeline's column, a test's row).
    let bound = Duration::from_secs(10);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for url in [
        format!("postgres://postgres:pw-never-shown@127.0.0.1:{closed}/test"),
        format!("mysql://root:pw-never-shown@127.0.0.1:{closed}/test"),
    ] {
        let pool = DbPool::lazy(&url, bound).unwrap();
        let started = Instant::now();
        let err = engine::snapshot_pooled(&pool).await.unwrap_err();
        let elapsed = started.elapsed();
        println!("{url}: refused after {elapsed:?}: {err}");
        assert!(
            elapsed < Duration::from_secs(1),
            "{url}: a refused connect took {elapsed:?}"
        );
        let text = err.to_string();
        assert!(text.to_lowercase().contains("refused"), "{url}: {text}");
        assert!(!text.contains("pw-never-shown"), "{text}");
        pool.close().await;
    }
}
