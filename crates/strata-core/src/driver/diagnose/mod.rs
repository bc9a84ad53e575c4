//! A connection test, step by step: resolve, TCP, TLS, authenticate, server version, latency.
//! Every step is timed; the first failure is explained in plain words with what to do, and
//! the raw server or driver message is kept apart. Steps after a failure are skipped. The
//! password never appears in a [`Diagnosis`]: every text is scrubbed of it before returning.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dialect::DatabaseKind;

mod explain;
mod server;
#[cfg(feature = "sqlite")]
mod sqlite;
mod target;
mod tls;
mod verify;
mod wire;

pub use target::TlsMode;

use target::Target;

/// One check of the connection test, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// SQLite: the file exists and can be read and written.
    File,
    Resolve,
    Tcp,
    Tls,
    Authenticate,
    /// SQLite: the file opens as a database.
    Open,
    ServerVersion,
    Latency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Ok,
    /// It worked, but something deserves attention (e.g. `prefer` fell back to plaintext).
    Warning,
    Failed,
    /// Not run: it does not apply, or an earlier step failed. `detail` says which.
    Skipped,
}

/// What went wrong, for the UI to branch on and the tests to assert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ProblemCode {
    BadUrl,
    NotCompiledIn,
    HostNotFound,
    NothingListening,
    NoRoute,
    TimedOut,
    NotThisKindOfServer,
    ServerRefused,
    NoTlsOffered,
    PlaintextFallback,
    WrongHostName,
    UnknownCa,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateInvalid,
    CaFileUnusable,
    ClientCertificateUnusable,
    ClientCertificateRejected,
    TlsFailed,
    PlaintextRefused,
    WrongPassword,
    AccessDenied,
    DatabaseDoesNotExist,
    TooManyConnections,
    ServerTooOld,
    FileMissing,
    FileNotReadable,
    FileReadOnly,
    NotADatabaseFile,
    Other,
}

/// A failure (or warning) in plain language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub code: ProblemCode,
    /// What is wrong, e.g. "The server rejected the password for user \"app\"."
    pub explanation: String,
    /// What to do about it.
    pub action: String,
    /// The server's or driver's own message, shown one click away.
    pub raw: Option<String>,
}

impl Problem {
    fn new(code: ProblemCode, explanation: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            code,
            explanation: explanation.into(),
            action: action.into(),
            raw: None,
        }
    }

    fn raw(mut self, raw: impl std::fmt::Display) -> Self {
        self.raw = Some(raw.to_string());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub step: StepKind,
    pub outcome: Outcome,
    /// Wall time of the step in milliseconds (fractions kept: local round trips are sub-ms).
    pub duration_ms: f64,
    /// What the step found, e.g. "127.0.0.1:5433" or "TLSv1.3, certificate verified …".
    pub detail: String,
    /// Set when the outcome is `failed` or `warning`.
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    /// The engine the URL names, when it names one Strata knows.
    pub kind: Option<DatabaseKind>,
    /// The URL tested, password redacted.
    pub target: String,
    pub steps: Vec<Step>,
    /// True when no step failed (warnings allowed).
    pub ok: bool,
    /// Median round trip of the latency step, in milliseconds.
    pub latency_ms: Option<f64>,
    pub total_ms: f64,
}

impl Diagnosis {
    /// The step of that kind, if it is part of this test.
    pub fn step(&self, kind: StepKind) -> Option<&Step> {
        self.steps.iter().find(|s| s.step == kind)
    }

    /// The first failed step's problem.
    pub fn failure(&self) -> Option<&Problem> {
        self.steps
            .iter()
            .find(|s| s.outcome == Outcome::Failed)
            .and_then(|s| s.problem.as_ref())
    }
}

/// Builds the step list: times each step, and skips every step after a failure.
struct Steps {
    steps: Vec<Step>,
    failed: Option<StepKind>,
}

impl Steps {
    fn new() -> Self {
        Self {
            steps: Vec::new(),
            failed: None,
        }
    }

    fn can_run(&self) -> bool {
        self.failed.is_none()
    }

    fn push(&mut self, step: StepKind, started: Instant, result: StepResult) {
        let (outcome, detail, problem) = match result {
            StepResult::Ok(detail) => (Outcome::Ok, detail, None),
            StepResult::Warning(detail, p) => (Outcome::Warning, detail, Some(p)),
            StepResult::Failed(detail, p) => (Outcome::Failed, detail, Some(p)),
            StepResult::Skipped(detail) => (Outcome::Skipped, detail, None),
        };
        if outcome == Outcome::Failed && self.failed.is_none() {
            self.failed = Some(step);
        }
        self.steps.push(Step {
            step,
            outcome,
            duration_ms: ms(started.elapsed()),
            detail,
            problem,
        });
    }

    fn skip(&mut self, step: StepKind, why: impl Into<String>) {
        self.push(step, Instant::now(), StepResult::Skipped(why.into()));
    }

    /// Skip `step` because an earlier one failed.
    fn skip_after_failure(&mut self, step: StepKind) {
        let why = match self.failed {
            Some(failed) => format!("not run: the {} step failed", step_name(failed)),
            None => "not run".to_owned(),
        };
        self.skip(step, why);
    }
}

enum StepResult {
    Ok(String),
    Warning(String, Problem),
    Failed(String, Problem),
    Skipped(String),
}

fn step_name(step: StepKind) -> &'static str {
    match step {
        StepKind::File => "file",
        StepKind::Resolve => "resolve",
        StepKind::Tcp => "TCP connect",
        StepKind::Tls => "TLS",
        StepKind::Authenticate => "authenticate",
        StepKind::Open => "open",
        StepKind::ServerVersion => "server version",
        StepKind::Latency => "latency",
    }
}

pub(crate) fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// How many `SELECT 1` round trips the latency step times.
pub const LATENCY_ROUND_TRIPS: usize = 5;

/// Test the connection `url` names, step by step. Each network step is bounded by `timeout`.
/// Never fails: a failure is a step of the result.
pub async fn diagnose(url: &str, timeout: Duration) -> Diagnosis {
    let started = Instant::now();
    let redacted = super::redact_url(url);
    let mut steps = Steps::new();
    let kind = DatabaseKind::from_url(url);
    let mut latency_ms = None;
    let password = target::password(url);
    match kind {
        None => steps.push(
            StepKind::Resolve,
            started,
            StepResult::Failed(
                "not a database URL".to_owned(),
                Problem::new(
                    ProblemCode::BadUrl,
                    "This is not a database URL Strata understands.",
                    "Start it with postgres://, mysql:// (also for MariaDB) or sqlite:.",
                ),
            ),
        ),
        Some(DatabaseKind::Sqlite) => {
            #[cfg(feature = "sqlite")]
            {
                latency_ms = sqlite::diagnose(url, timeout, &mut steps).await;
            }
            #[cfg(not(feature = "sqlite"))]
            steps.push(
                StepKind::File,
                started,
                not_compiled_in(DatabaseKind::Sqlite),
            );
        }
        Some(kind) => match Target::parse(kind, url) {
            Ok(target) => {
                latency_ms = diagnose_server(&target, url, timeout, &mut steps).await;
            }
            Err(problem) => steps.push(
                StepKind::Resolve,
                started,
                StepResult::Failed("the URL cannot be read".to_owned(), problem),
            ),
        },
    }
    let mut diagnosis = Diagnosis {
        kind,
        target: redacted,
        ok: steps.failed.is_none(),
        steps: steps.steps,
        latency_ms,
        total_ms: ms(started.elapsed()),
    };
    if let Some(password) = password {
        scrub(&mut diagnosis, &password);
    }
    diagnosis
}

#[allow(dead_code)] // only used when a driver feature is off
fn not_compiled_in(kind: DatabaseKind) -> StepResult {
    StepResult::Failed(
        format!("no {kind} driver in this build"),
        Problem::new(
            ProblemCode::NotCompiledIn,
            format!("This build of Strata cannot talk to {kind}."),
            "Use a build with that engine's driver (strata-core's default features carry all three).",
        ),
    )
}

async fn diagnose_server(
    target: &Target,
    url: &str,
    timeout: Duration,
    steps: &mut Steps,
) -> Option<f64> {
    let mut facts = tls::Facts::default();
    if let Some(socket) = &target.socket {
        let why = format!("connects through the local socket {socket}: no network, no TLS");
        steps.skip(StepKind::Resolve, why.clone());
        steps.skip(StepKind::Tcp, why.clone());
        steps.skip(StepKind::Tls, why);
    } else {
        let addrs = resolve(target, timeout, steps).await;
        let stream = match addrs {
            Some(addrs) => connect(target, &addrs, timeout, steps).await,
            None => {
                steps.skip_after_failure(StepKind::Tcp);
                None
            }
        };
        match stream {
            Some(stream) => {
                let t = Instant::now();
                let (result, found) = tls::check(target, stream, timeout).await;
                facts = found;
                steps.push(StepKind::Tls, t, result);
            }
            None => steps.skip_after_failure(StepKind::Tls),
        }
    }
    server::check(target, url, timeout, &facts, steps).await
}

async fn resolve(target: &Target, timeout: Duration, steps: &mut Steps) -> Option<Vec<SocketAddr>> {
    let t = Instant::now();
    let lookup = tokio::time::timeout(
        timeout,
        tokio::net::lookup_host((target.host.as_str(), target.port)),
    )
    .await;
    let result: Result<(), Problem> = match lookup {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(explain::host_not_found(&target.host, &"no addresses"))
            } else {
                let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
                steps.push(
                    StepKind::Resolve,
                    t,
                    StepResult::Ok(format!("{} → {}", target.host, list.join(", "))),
                );
                return Some(addrs);
            }
        }
        Ok(Err(e)) => Err(explain::host_not_found(&target.host, &e)),
        Err(_) => Err(explain::timed_out(
            &format!("looking up {}", target.host),
            timeout,
            "The DNS server did not answer. Check the network and the DNS settings.",
        )),
    };
    if let Err(problem) = result {
        steps.push(
            StepKind::Resolve,
            t,
            StepResult::Failed(format!("{} not found", target.host), problem),
        );
    }
    None
}

/// TCP to each address in turn, as the drivers do; the first that answers wins.
async fn connect(
    target: &Target,
    addrs: &[SocketAddr],
    timeout: Duration,
    steps: &mut Steps,
) -> Option<tokio::net::TcpStream> {
    let t = Instant::now();
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                steps.push(StepKind::Tcp, t, StepResult::Ok(addr.to_string()));
                return Some(stream);
            }
            Ok(Err(e)) => last = Some(explain::tcp_error(target, *addr, &e)),
            Err(_) => {
                last = Some(explain::timed_out(
                    &format!("connecting to {addr}"),
                    timeout,
                    "A firewall may drop the packets, or the host is down. Check the host, the port and the firewall.",
                ))
            }
        }
    }
    let problem = last.expect("resolve returns at least one address");
    let detail = format!("{}:{} did not accept", target.host, target.port);
    steps.push(StepKind::Tcp, t, StepResult::Failed(detail, problem));
    None
}

/// Replace the password (and its percent-encoded form) wherever it appears.
fn scrub(d: &mut Diagnosis, password: &str) {
    let encoded: String = url::form_urlencoded::byte_serialize(password.as_bytes()).collect();
    let clean = |s: &mut String| {
        for needle in [password, encoded.as_str()] {
            if !needle.is_empty() && s.contains(needle) {
                *s = s.replace(needle, "***");
            }
        }
    };
    clean(&mut d.target);
    for step in &mut d.steps {
        clean(&mut step.detail);
        if let Some(p) = &mut step.problem {
            clean(&mut p.explanation);
            clean(&mut p.action);
            if let Some(raw) = &mut p.raw {
                clean(raw);
            }
        }
    }
}

#[cfg(test)]
mod tests;
