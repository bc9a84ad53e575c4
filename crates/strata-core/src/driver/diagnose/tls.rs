//! The TLS step: on the connection the TCP step opened, ask the server for TLS the way its
//! protocol does (PostgreSQL's SSLRequest, MySQL's greeting flag and SSL request packet), then
//! do the handshake with rustls and report the protocol and what became of the certificate.
//! The socket is closed afterwards; no user name or password is ever sent on it.

use std::io::{self, Write as _};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, ProtocolVersion};

use super::target::{Target, TlsMode};
use super::verify::{self, Recorder};
use super::wire::{self, MyHello, PgAnswer};
use super::{explain, Problem, ProblemCode, StepResult};
use crate::dialect::DatabaseKind;

/// What the TLS step learnt that later steps use to explain their own failures.
#[derive(Debug, Clone, Default)]
pub(super) struct Facts {
    /// Whether the server offers TLS, when the step found out.
    pub offered: Option<bool>,
}

pub(super) async fn check(
    target: &Target,
    stream: tokio::net::TcpStream,
    timeout: Duration,
) -> (StepResult, Facts) {
    let prepared = stream.into_std().and_then(|s| {
        s.set_nonblocking(false)?;
        s.set_read_timeout(Some(timeout))?;
        s.set_write_timeout(Some(timeout))?;
        Ok(s)
    });
    let sock = match prepared {
        Ok(s) => s,
        Err(e) => {
            return (
                failed("socket error", explain::io_problem(target, &e, timeout)),
                Facts::default(),
            )
        }
    };
    let owned = target.clone();
    match tokio::task::spawn_blocking(move || run(&owned, sock, timeout)).await {
        Ok(done) => done,
        Err(e) => (
            failed(
                "the check stopped",
                Problem::new(
                    ProblemCode::Other,
                    "The TLS check stopped unexpectedly.",
                    "Try again.",
                )
                .raw(e),
            ),
            Facts::default(),
        ),
    }
}

fn failed(detail: impl Into<String>, problem: Problem) -> StepResult {
    StepResult::Failed(detail.into(), problem)
}

fn run(target: &Target, mut sock: TcpStream, timeout: Duration) -> (StepResult, Facts) {
    let mode = target.tls.mode;
    let mut facts = Facts::default();
    let offered = match negotiate(target, &mut sock, timeout) {
        Ok(offered) => offered,
        Err(result) => return (result, facts),
    };
    facts.offered = offered;
    let Some(offered) = offered else {
        // PostgreSQL with TLS disabled: nothing was asked.
        return (StepResult::Skipped(disabled_detail(None)), facts);
    };
    if mode == TlsMode::Disable {
        return (StepResult::Skipped(disabled_detail(Some(offered))), facts);
    }
    if !offered {
        let result = if mode == TlsMode::Prefer {
            StepResult::Warning(
                "plaintext: the server offers no TLS".to_owned(),
                Problem::new(
                    ProblemCode::PlaintextFallback,
                    "The server offers no TLS, so with prefer the password and every query travel unencrypted.",
                    "Turn TLS on at the server, or set the TLS mode to disable to say plaintext is intended (on a trusted network only).",
                ),
            )
        } else {
            failed(
                "the server offers no TLS",
                Problem::new(
                    ProblemCode::NoTlsOffered,
                    format!("The server offers no TLS, and the TLS mode {} requires it.", mode.as_str()),
                    "Turn TLS on at the server (PostgreSQL: ssl = on; MySQL/MariaDB: ssl-cert and ssl-key), or on a trusted network choose prefer or disable.",
                ),
            )
        };
        return (result, facts);
    }
    (handshake(target, sock), facts)
}

fn disabled_detail(offered: Option<bool>) -> String {
    let base = "TLS mode disable: the password and queries travel unencrypted";
    match offered {
        Some(true) => format!("{base} (the server offers TLS)"),
        Some(false) => format!("{base} (the server offers no TLS)"),
        None => base.to_owned(),
    }
}

/// Ask for TLS: `Ok(Some(offered))`, or `Ok(None)` when nothing was asked (PostgreSQL in
/// disable mode, where asking would change nothing).
fn negotiate(
    target: &Target,
    sock: &mut TcpStream,
    timeout: Duration,
) -> Result<Option<bool>, StepResult> {
    let io_failed = |e: io::Error, doing: &str| {
        failed(
            format!("no answer while {doing}"),
            explain::io_problem(target, &e, timeout),
        )
    };
    match target.kind {
        DatabaseKind::Postgres => {
            if target.tls.mode == TlsMode::Disable {
                return Ok(None);
            }
            match wire::pg_negotiate(sock) {
                Ok(PgAnswer::Tls) => Ok(Some(true)),
                Ok(PgAnswer::NoTls) => Ok(Some(false)),
                Ok(PgAnswer::Error) => Err(failed(
                    "the server answered the TLS request with an error",
                    Problem::new(
                        ProblemCode::ServerRefused,
                        "The server answered the TLS request with an error: it is very old or not a PostgreSQL server.",
                        "Check the host and port; Strata needs PostgreSQL 12 or later.",
                    ),
                )),
                Ok(PgAnswer::Unexpected(byte)) => Err(failed(
                    format!("unexpected answer 0x{byte:02x}"),
                    explain::not_this_server(target),
                )),
                Err(e) => Err(io_failed(e, "asking for TLS")),
            }
        }
        _ => {
            let payload = wire::read_packet(sock)
                .map_err(|e| io_failed(e, "waiting for the server's greeting"))?;
            match wire::parse_hello(&payload) {
                MyHello::Greeting(greeting) => {
                    let offered = greeting.offers_tls();
                    if offered && target.tls.mode != TlsMode::Disable {
                        sock.write_all(&wire::my_ssl_request())
                            .map_err(|e| io_failed(e, "asking for TLS"))?;
                    }
                    Ok(Some(offered))
                }
                MyHello::Error { code, message } => Err(failed(
                    format!("the server refused the connection (error {code})"),
                    explain::greeting_error(code).raw(format!("{message} (error {code})")),
                )),
                MyHello::Unexpected => Err(failed(
                    "not a MySQL greeting",
                    explain::not_this_server(target),
                )),
            }
        }
    }
}

fn handshake(target: &Target, mut sock: TcpStream) -> StepResult {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let recorder = match Recorder::new(target, provider.clone()) {
        Ok(r) => Arc::new(r),
        Err(p) => return failed("the TLS settings cannot be used", p),
    };
    let identity = match verify::client_identity(target) {
        Ok(identity) => identity,
        Err(p) => return failed("the client certificate cannot be used", p),
    };
    let builder =
        match ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions() {
            Ok(b) => b
                .dangerous()
                .with_custom_certificate_verifier(recorder.clone()),
            Err(e) => {
                return failed(
                    "no TLS versions",
                    Problem::new(
                        ProblemCode::TlsFailed,
                        "TLS cannot be set up.",
                        "Report this to Strata's maintainers.",
                    )
                    .raw(e),
                )
            }
        };
    let config = match identity {
        None => builder.with_no_client_auth(),
        Some((chain, key)) => match builder.with_client_auth_cert(chain, key) {
            Ok(c) => c,
            Err(e) => {
                return failed(
                    "the client certificate cannot be used",
                    Problem::new(
                        ProblemCode::ClientCertificateUnusable,
                        "The client certificate and key do not fit together or are not supported.",
                        "Choose the key that belongs to the client certificate (RSA, ECDSA or Ed25519, PEM, no passphrase).",
                    )
                    .raw(e),
                )
            }
        },
    };
    let name = match ServerName::try_from(target.host.clone()) {
        Ok(n) => n,
        Err(e) => {
            return failed(
                "the host name cannot be checked",
                Problem::new(
                    ProblemCode::BadUrl,
                    format!(
                        "\"{}\" is not a host name a certificate can hold.",
                        target.host
                    ),
                    "Check the host name.",
                )
                .raw(e),
            )
        }
    };
    let mut conn = match ClientConnection::new(Arc::new(config), name) {
        Ok(c) => c,
        Err(e) => {
            return failed(
                "TLS cannot start",
                Problem::new(
                    ProblemCode::TlsFailed,
                    "TLS cannot start.",
                    "Check the TLS settings.",
                )
                .raw(e),
            )
        }
    };
    let outcome = conn.complete_io(&mut sock);
    let verdict = recorder.verdict();
    if let Err(e) = outcome {
        // A certificate the mode refused: the recorder knows exactly why.
        if let Some(err) = verdict.as_ref().and_then(|v| v.error.as_ref()) {
            if conn.is_handshaking() && refused_by_mode(target.tls.mode, err) {
                return failed(
                    "certificate rejected",
                    verify::certificate_problem(target, err),
                );
            }
        }
        return failed("handshake failed", explain::handshake_problem(target, &e));
    }
    let protocol = match conn.protocol_version() {
        Some(ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
        Some(ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "TLS".to_owned(),
    };
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    let detail = format!("{protocol}, {}", verify::describe(target, verdict.as_ref()));
    StepResult::Ok(detail)
}

fn refused_by_mode(mode: TlsMode, err: &rustls::Error) -> bool {
    match mode {
        TlsMode::VerifyFull => true,
        TlsMode::VerifyCa => !verify::is_name_error(err),
        _ => false,
    }
}
