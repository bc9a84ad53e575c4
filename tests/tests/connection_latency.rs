//! Connecting over TLS costs the handshake, not the server's delayed ACK: the engine's
//! connections set TCP_NODELAY (crates/vendor/sqlx-core; sqlx 0.9.0 dropped it), without which
//! Nagle's algorithm holds the second of two small writes of the handshake until the server
//! acknowledges the first, 40 ms each time on Linux, so every `strata` command against a TLS
//! server started late: 90 ms on PostgreSQL (two stalls), 44 ms on MariaDB (one). Against the
//! TLS-only test servers of `scripts/services.sh`.

use std::time::{Duration, Instant};

use strata_core::driver::Session;
use strata_core::DatabaseKind::{self, Mysql, Postgres};
use strata_system_tests::tls::{self, TlsUrl};

/// Above this, a connection waited for a delayed ACK (40 ms on Linux). A local TLS connection
/// takes 2-8 ms, in a debug build too; the fastest of several is asked for, so a busy machine
/// does not fail it.
const DELAYED_ACK: Duration = Duration::from_millis(40);

async fn fastest_connect(kind: DatabaseKind) -> Duration {
    // The server's own user, without a password: a SCRAM exchange (4,096 PBKDF2 rounds, slow
    // in a debug build) would hide what is measured here.
    let url = TlsUrl::new(kind).mode("require", None).build();
    let mut fastest = Duration::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let session = Session::connect(&url, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("{kind} over TLS: {e}. {}", tls::start_hint()));
        fastest = fastest.min(started.elapsed());
        session.close().await;
    }
    fastest
}

#[tokio::test]
async fn a_tls_connection_does_not_wait_for_a_delayed_ack() {
    for kind in [Mysql, Postgres] {
        let fastest = fastest_connect(kind).await;
        assert!(
            fastest < DELAYED_ACK,
            "the fastest of 5 TLS connections to {kind} took {fastest:?}: the handshake waited for the server's delayed ACK (is TCP_NODELAY set in crates/vendor/sqlx-core's connect_tcp?)"
        );
    }
}
