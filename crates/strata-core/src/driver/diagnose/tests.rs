//! The connection test's step bookkeeping, and the checks that need no server: SQLite files,
//! unreadable URLs, unresolvable hosts and closed ports.

use std::time::Duration;

use super::*;

const T: Duration = Duration::from_secs(5);

fn outcomes(d: &Diagnosis) -> Vec<(StepKind, Outcome)> {
    d.steps.iter().map(|s| (s.step, s.outcome)).collect()
}

#[tokio::test]
async fn a_url_strata_does_not_know_fails_the_first_step() {
    let d = diagnose("oracle://scott:tiger@h/db", T).await;
    assert!(!d.ok);
    assert_eq!(d.kind, None);
    assert_eq!(d.failure().unwrap().code, ProblemCode::BadUrl);
    assert!(!serde_json::to_string(&d).unwrap().contains("tiger"));
}

#[tokio::test]
async fn unresolvable_host_fails_resolve_and_skips_the_rest() {
    let d = diagnose("postgres://u:hunter22@no-such-host.invalid:5432/db", T).await;
    assert_eq!(
        outcomes(&d),
        [
            (StepKind::Resolve, Outcome::Failed),
            (StepKind::Tcp, Outcome::Skipped),
            (StepKind::Tls, Outcome::Skipped),
            (StepKind::Authenticate, Outcome::Skipped),
            (StepKind::ServerVersion, Outcome::Skipped),
            (StepKind::Latency, Outcome::Skipped),
        ]
    );
    let p = d.failure().unwrap();
    assert_eq!(p.code, ProblemCode::HostNotFound);
    assert!(
        p.explanation.contains("no-such-host.invalid"),
        "{}",
        p.explanation
    );
    assert!(p.raw.is_some());
    assert!(d.step(StepKind::Tcp).unwrap().detail.contains("resolve"));
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("hunter22"), "{json}");
    assert!(json.contains("\"durationMs\""), "{json}");
}

#[tokio::test]
async fn a_closed_port_says_nothing_listens() {
    // Bind then drop: the port is free and nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = diagnose(&format!("mysql://root@127.0.0.1:{port}/x"), T).await;
    assert_eq!(d.step(StepKind::Resolve).unwrap().outcome, Outcome::Ok);
    let tcp = d.step(StepKind::Tcp).unwrap();
    assert_eq!(tcp.outcome, Outcome::Failed);
    let p = d.failure().unwrap();
    assert_eq!(p.code, ProblemCode::NothingListening);
    assert!(
        p.explanation.contains(&port.to_string()),
        "{}",
        p.explanation
    );
}

#[tokio::test]
async fn a_silent_server_times_out_in_the_tls_step() {
    // Accepts TCP, never says a word: what a MySQL client sees on a PostgreSQL port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(sock);
    });
    let d = diagnose(
        &format!("mysql://root@127.0.0.1:{port}/x"),
        Duration::from_millis(300),
    )
    .await;
    hold.abort();
    let tls = d.step(StepKind::Tls).unwrap();
    assert_eq!(tls.outcome, Outcome::Failed, "{d:#?}");
    assert_eq!(d.failure().unwrap().code, ProblemCode::TimedOut);
    assert!(d.failure().unwrap().action.contains("PostgreSQL"));
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_file_steps() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.sqlite3");
    let url = format!("sqlite:{}", path.display());

    let missing = diagnose(&url, T).await;
    assert_eq!(missing.failure().unwrap().code, ProblemCode::FileMissing);
    assert_eq!(
        missing.step(StepKind::Open).unwrap().outcome,
        Outcome::Skipped
    );

    crate::driver::ensure_sqlite_file(&path).await.unwrap();
    let d = diagnose(&url, T).await;
    assert!(d.ok, "{d:#?}");
    assert_eq!(d.step(StepKind::Tls).unwrap().outcome, Outcome::Skipped);
    assert!(d.step(StepKind::File).unwrap().detail.contains("writable"));
    assert!(d
        .step(StepKind::ServerVersion)
        .unwrap()
        .detail
        .starts_with("SQLite 3."));
    assert!(d.latency_ms.is_some());

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all").unwrap();
    let d = diagnose(&format!("sqlite:{}", text.display()), T).await;
    assert_eq!(d.failure().unwrap().code, ProblemCode::NotADatabaseFile);

    let d = diagnose(&format!("sqlite:{}", dir.path().display()), T).await;
    assert_eq!(d.failure().unwrap().code, ProblemCode::NotADatabaseFile);

    let memory = diagnose("sqlite::memory:", T).await;
    assert!(memory.ok, "{memory:#?}");
}

#[test]
fn the_password_is_scrubbed_from_every_text() {
    let problem =
        Problem::new(ProblemCode::Other, "s3cret! here", "and s3cret%21").raw("raw s3cret!");
    let mut d = Diagnosis {
        kind: None,
        target: "x".into(),
        steps: vec![Step {
            step: StepKind::Tcp,
            outcome: Outcome::Failed,
            duration_ms: 0.0,
            detail: "s3cret!".into(),
            problem: Some(problem),
        }],
        ok: false,
        latency_ms: None,
        total_ms: 0.0,
    };
    scrub(&mut d, "s3cret!");
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("s3cret"), "{json}");
}
