//! The step-by-step connection test against real TLS servers (PostgreSQL on 5433, MariaDB on
//! 3307, from scripts/services.sh): certificate verified, wrong host name (and verify-ca,
//! which does not check it), unknown CA, unverified `require`, plaintext refused, wrong
//! password, unknown database, nothing listening, unresolvable host, client certificates; and
//! the real driver connection through the URL a profile builds, which is what migrations use.

use std::time::Duration;

use strata_core::driver::diagnose::{diagnose, Diagnosis, Outcome, ProblemCode, StepKind};
use strata_core::DatabaseKind::{self, Mysql, Postgres};
use strata_system_tests::tls::{self, TlsUrl};

const T: Duration = Duration::from_secs(10);

/// Diagnose `url`; fail with the way to start the servers when nothing answered at all.
async fn run(url: &str) -> Diagnosis {
    let d = diagnose(url, T).await;
    if let Some(p) = d.failure() {
        let local = url.contains("localhost") || url.contains("127.0.0.1");
        let expected_down = url.contains(":1/") || url.contains(".invalid");
        assert!(
            !(local && !expected_down && p.code == ProblemCode::NothingListening),
            "the TLS test server is not running ({}): {}",
            p.explanation,
            tls::start_hint()
        );
    }
    d
}

fn outcome(d: &Diagnosis, step: StepKind) -> Outcome {
    d.step(step)
        .unwrap_or_else(|| panic!("no {step:?} step: {d:#?}"))
        .outcome
}

fn detail(d: &Diagnosis, step: StepKind) -> &str {
    &d.step(step).unwrap().detail
}

fn failure_code(d: &Diagnosis) -> ProblemCode {
    d.failure()
        .unwrap_or_else(|| panic!("expected a failure: {d:#?}"))
        .code
}

fn version_prefix(kind: DatabaseKind) -> &'static str {
    match kind {
        Postgres => "PostgreSQL 15",
        _ => "MariaDB 10.",
    }
}

async fn verify_full_with_the_right_ca(kind: DatabaseKind) {
    let url = TlsUrl::new(kind)
        .mode("verify-full", Some(tls::ca_file()))
        .build();
    let d = run(&url).await;
    assert!(d.ok, "{d:#?}");
    let tls_detail = detail(&d, StepKind::Tls);
    assert!(tls_detail.starts_with("TLSv1."), "{tls_detail}");
    let ca = tls::ca_file();
    let want = format!(
        "certificate verified for localhost by the CA in {}",
        ca.display()
    );
    assert!(tls_detail.contains(&want), "{tls_detail}");
    assert!(
        detail(&d, StepKind::ServerVersion).starts_with(version_prefix(kind)),
        "{d:#?}"
    );
    assert_eq!(outcome(&d, StepKind::Authenticate), Outcome::Ok);
    let median = d.latency_ms.expect("a latency");
    assert!(median > 0.0 && median < 1000.0, "{median}");
    assert!(detail(&d, StepKind::Latency).contains("over 5 round trips"));
    for step in [StepKind::Tcp, StepKind::Tls, StepKind::Authenticate] {
        assert!(
            d.step(step).unwrap().duration_ms > 0.0,
            "{step:?} not timed"
        );
    }
    assert_eq!(
        detail(&d, StepKind::Tcp),
        "127.0.0.1:".to_owned() + &url_port(&url)
    );
}

fn url_port(url: &str) -> String {
    url::Url::parse(url).unwrap().port().unwrap().to_string()
}

async fn verify_full_by_ip_is_the_wrong_host_name(kind: DatabaseKind) {
    let url = TlsUrl::new(kind)
        .host("127.0.0.1")
        .mode("verify-full", Some(tls::ca_file()))
        .build();
    let d = run(&url).await;
    assert_eq!(outcome(&d, StepKind::Tls), Outcome::Failed, "{d:#?}");
    assert_eq!(failure_code(&d), ProblemCode::WrongHostName);
    let p = d.failure().unwrap();
    assert!(
        p.explanation.contains("it names localhost, not 127.0.0.1"),
        "{}",
        p.explanation
    );
    assert!(p.action.contains("verify-ca"), "{}", p.action);
    assert!(
        p.raw
            .as_deref()
            .unwrap_or("")
            .contains("not valid for name"),
        "{p:?}"
    );
    assert_eq!(outcome(&d, StepKind::Authenticate), Outcome::Skipped);
}

/// verify-ca checks the chain, not the host name: through 127.0.0.1, which the certificate does
/// not name, both Strata's TLS step and the driver's own handshake (what migrations use)
/// connect, encrypted, where verify-full is refused. sqlx before 0.9 checked the name anyway
/// with rustls 0.23.24 and later (launchbadge/sqlx#3793). The CA is still checked: verify-ca
/// with a CA that signed nothing here fails in both.
async fn verify_ca_by_ip_ignores_the_host_name_not_the_ca(kind: DatabaseKind) {
    use strata_core::driver::{probe, Session};

    let by_ip = |mode: &str, ca| {
        TlsUrl::new(kind)
            .host("127.0.0.1")
            .mode(mode, Some(ca))
            .build()
    };
    let url = by_ip("verify-ca", tls::ca_file());
    let d = run(&url).await;
    assert!(d.ok, "{d:#?}");
    assert_eq!(outcome(&d, StepKind::Tls), Outcome::Ok, "{d:#?}");
    assert!(
        detail(&d, StepKind::Tls).contains("host name not checked"),
        "{d:#?}"
    );
    assert_eq!(outcome(&d, StepKind::Authenticate), Outcome::Ok, "{d:#?}");

    let info = probe(&url, T)
        .await
        .expect("verify-ca connects through a host name the certificate does not hold");
    assert!(info.server_version.starts_with(server_version_prefix(kind)));
    let mut session = Session::connect(&url, T)
        .await
        .expect("a verify-ca session through 127.0.0.1");
    assert_eq!(
        session.scalar_i64(tls_in_use(kind)).await.unwrap(),
        1,
        "the session is not encrypted"
    );
    session.close().await;

    let err = probe(&by_ip("verify-full", tls::ca_file()), T)
        .await
        .expect_err("verify-full must check the host name");
    assert!(err.to_string().contains("not valid for name"), "{err}");

    let other = by_ip("verify-ca", tls::other_ca_file());
    let d = run(&other).await;
    assert_eq!(failure_code(&d), ProblemCode::UnknownCa, "{d:#?}");
    let err = probe(&other, T)
        .await
        .expect_err("verify-ca must still check the CA");
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
}

/// `SELECT` 1 when the session's connection is encrypted, 0 when not.
fn tls_in_use(kind: DatabaseKind) -> &'static str {
    match kind {
        Postgres => "SELECT CASE WHEN ssl THEN 1::int8 ELSE 0::int8 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        _ => "SELECT CASE WHEN VARIABLE_VALUE LIKE 'TLS%' THEN 1 ELSE 0 END FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_version'",
    }
}

/// What `probe` reads as the server's version.
fn server_version_prefix(kind: DatabaseKind) -> &'static str {
    if kind == Postgres {
        "15."
    } else {
        "10."
    }
}

async fn an_unknown_ca_is_explained(kind: DatabaseKind) {
    let other = tls::other_ca_file();
    let url = TlsUrl::new(kind)
        .mode("verify-full", Some(other.clone()))
        .build();
    let d = run(&url).await;
    assert_eq!(outcome(&d, StepKind::Tls), Outcome::Failed, "{d:#?}");
    assert_eq!(failure_code(&d), ProblemCode::UnknownCa);
    let p = d.failure().unwrap();
    assert!(
        p.explanation.contains(&other.display().to_string()),
        "{}",
        p.explanation
    );

    // require accepts it, encrypted but unverified, and says what verification would find.
    let url = TlsUrl::new(kind).mode("require", Some(other)).build();
    let d = run(&url).await;
    assert!(d.ok, "{d:#?}");
    let tls_detail = detail(&d, StepKind::Tls);
    assert!(
        tls_detail.contains("certificate not verified (require"),
        "{tls_detail}"
    );
    assert!(tls_detail.contains("unknown CA"), "{tls_detail}");
}

async fn plaintext_is_refused_with_a_plain_explanation(kind: DatabaseKind) {
    let url = TlsUrl::new(kind).mode("disable", None).build();
    let d = run(&url).await;
    assert_eq!(outcome(&d, StepKind::Tls), Outcome::Skipped);
    assert!(detail(&d, StepKind::Tls).contains("unencrypted"), "{d:#?}");
    assert_eq!(
        outcome(&d, StepKind::Authenticate),
        Outcome::Failed,
        "{d:#?}"
    );
    assert_eq!(failure_code(&d), ProblemCode::PlaintextRefused, "{d:#?}");
    let p = d.failure().unwrap();
    assert!(p.action.contains("require"), "{}", p.action);
    assert!(p.raw.is_some());
}

async fn a_wrong_password_is_named(kind: DatabaseKind) {
    let url = TlsUrl::new(kind)
        .user(tls::PASSWORD_USER, Some("not-the-password"))
        .mode("verify-full", Some(tls::ca_file()))
        .build();
    let d = run(&url).await;
    assert_eq!(failure_code(&d), ProblemCode::WrongPassword, "{d:#?}");
    assert_eq!(outcome(&d, StepKind::Tls), Outcome::Ok);
    let p = d.failure().unwrap();
    assert!(
        p.explanation.contains(tls::PASSWORD_USER),
        "{}",
        p.explanation
    );
    let json = serde_json::to_string(&d).unwrap();
    assert!(
        !json.contains("not-the-password"),
        "the password leaked: {json}"
    );

    let url = TlsUrl::new(kind)
        .user(tls::PASSWORD_USER, Some(tls::PASSWORD))
        .mode("verify-full", Some(tls::ca_file()))
        .build();
    let d = run(&url).await;
    assert!(d.ok, "{d:#?}");
    assert!(!serde_json::to_string(&d).unwrap().contains(tls::PASSWORD));
}

async fn an_unknown_database_does_not_exist(kind: DatabaseKind) {
    let url = TlsUrl::new(kind)
        .database("no_such_db_strata")
        .mode("verify-full", Some(tls::ca_file()))
        .build();
    let d = run(&url).await;
    assert_eq!(
        failure_code(&d),
        ProblemCode::DatabaseDoesNotExist,
        "{d:#?}"
    );
    let p = d.failure().unwrap();
    assert!(
        p.explanation
            .contains("\"no_such_db_strata\" does not exist"),
        "{}",
        p.explanation
    );
}

async fn nothing_listening_and_no_such_host(kind: DatabaseKind) {
    let url = TlsUrl::new(kind).port(1).mode("verify-full", None).build();
    let d = run(&url).await;
    assert_eq!(outcome(&d, StepKind::Resolve), Outcome::Ok);
    assert_eq!(outcome(&d, StepKind::Tcp), Outcome::Failed);
    assert_eq!(failure_code(&d), ProblemCode::NothingListening);
    assert!(d
        .failure()
        .unwrap()
        .explanation
        .contains("Nothing is listening on 127.0.0.1:1"));

    let url = TlsUrl::new(kind)
        .host("no-such-host.invalid")
        .mode("verify-full", None)
        .build();
    let d = run(&url).await;
    assert_eq!(outcome(&d, StepKind::Resolve), Outcome::Failed);
    assert_eq!(failure_code(&d), ProblemCode::HostNotFound);
    assert_eq!(outcome(&d, StepKind::Tls), Outcome::Skipped);
}

async fn a_client_certificate_logs_in(kind: DatabaseKind) {
    let url = TlsUrl::new(kind)
        .user(tls::CERT_USER, None)
        .mode("verify-full", Some(tls::ca_file()))
        .client_certificate()
        .build();
    let d = run(&url).await;
    assert!(d.ok, "{d:#?}");
    assert!(detail(&d, StepKind::Authenticate).contains(tls::CERT_USER));

    let without = TlsUrl::new(kind)
        .user(tls::CERT_USER, None)
        .mode("verify-full", Some(tls::ca_file()))
        .build();
    let d = run(&without).await;
    assert_eq!(
        outcome(&d, StepKind::Authenticate),
        Outcome::Failed,
        "{d:#?}"
    );
    let want = match kind {
        Postgres => ProblemCode::ClientCertificateRejected,
        _ => ProblemCode::AccessDenied,
    };
    assert_eq!(failure_code(&d), want, "{d:#?}");
}

macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::Postgres).await })*
        }
        mod mariadb {
            $(#[tokio::test] async fn $name() { super::$name(super::Mysql).await })*
        }
    };
}

both_engines!(
    verify_full_with_the_right_ca,
    verify_full_by_ip_is_the_wrong_host_name,
    verify_ca_by_ip_ignores_the_host_name_not_the_ca,
    an_unknown_ca_is_explained,
    plaintext_is_refused_with_a_plain_explanation,
    a_wrong_password_is_named,
    an_unknown_database_does_not_exist,
    nothing_listening_and_no_such_host,
    a_client_certificate_logs_in,
    the_driver_connects_through_the_profile_url,
);

/// The plain servers (5432/3306): the Debian PostgreSQL offers TLS with its snakeoil
/// certificate, the MariaDB offers none, so `prefer` falls back to plaintext and says so.
#[tokio::test]
async fn prefer_against_a_server_without_tls_is_flagged() {
    let base = strata_system_tests::servers::server_url(Mysql);
    let sep = if base.contains('?') { '&' } else { '?' };
    let d = run(&format!("{base}{sep}ssl-mode=PREFERRED")).await;
    assert!(d.ok, "{d:#?}");
    assert_eq!(outcome(&d, StepKind::Tls), Outcome::Warning, "{d:#?}");
    let tls_step = d.step(StepKind::Tls).unwrap();
    assert_eq!(tls_step.detail, "plaintext: the server offers no TLS");
    assert_eq!(
        tls_step.problem.as_ref().unwrap().code,
        ProblemCode::PlaintextFallback
    );

    let d = run(&format!("{base}{sep}ssl-mode=REQUIRED")).await;
    assert_eq!(failure_code(&d), ProblemCode::NoTlsOffered, "{d:#?}");
}

/// What migrations use: `to_url` from a profile with verify-full and the CA file, through
/// `probe` and a `Session`. The wrong CA must fail there too, or sqlx would not be verifying.
async fn the_driver_connects_through_the_profile_url(kind: DatabaseKind) {
    use strata_core::driver::{probe, Session};
    use strata_project::{ConnectionProfile, EnvironmentTier, TlsMode};

    let base = url::Url::parse(&tls::server_url(kind)).unwrap();
    let mut profile = ConnectionProfile::new("tls", kind, EnvironmentTier::Development);
    profile.host = base.host_str().unwrap().to_owned();
    profile.port = base.port();
    profile.user = tls::PASSWORD_USER.to_owned();
    profile.database = base.path().trim_start_matches('/').to_owned();
    profile.tls.mode = TlsMode::VerifyFull;
    profile.tls.ca_file = Some(tls::ca_file());
    let password = strata_project::secret::Secret::new(tls::PASSWORD);
    let url = strata_project::url::to_url(&profile, Some(&password));

    let info = probe(url.expose(), T)
        .await
        .expect("verify-full with the CA connects");
    assert!(info.server_version.starts_with(server_version_prefix(kind)));
    let mut session = Session::connect(url.expose(), T)
        .await
        .expect("a session over TLS");
    assert_eq!(
        session.scalar_i64(tls_in_use(kind)).await.unwrap(),
        1,
        "the session is not encrypted"
    );
    session.close().await;
    let d = run(url.expose()).await;
    assert!(d.ok, "{d:#?}");

    profile.tls.ca_file = Some(tls::other_ca_file());
    let wrong = strata_project::url::to_url(&profile, Some(&password));
    let err = probe(wrong.expose(), T)
        .await
        .expect_err("the wrong CA must be refused");
    let text = err.to_string();
    assert!(!text.contains(tls::PASSWORD), "{text}");
}
