//! The steps that go through the real driver with the full URL (its own TLS, then login):
//! authenticate, server version, latency. This is the connection migrations will use, so a
//! pass here means the app can connect. Oldest supported servers: PostgreSQL 12, MySQL 8.0,
//! MariaDB 10.5 (the oldest releases still maintained when this was written); older ones
//! fail the version step, since Strata's SQL is not tested on them.

use std::time::{Duration, Instant};

use super::target::Target;
use super::tls::Facts;
use super::{explain, Problem, ProblemCode, StepKind, StepResult, Steps, LATENCY_ROUND_TRIPS};
use crate::dialect::DatabaseKind;

enum Live {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgConnection),
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlConnection),
    /// Keeps the matches below valid in a build with neither server driver.
    #[cfg(not(any(feature = "postgres", feature = "mysql")))]
    _None(std::convert::Infallible),
}

async fn open(kind: DatabaseKind, url: &str) -> Option<Result<Live, sqlx::Error>> {
    #[allow(unused_imports)]
    use sqlx::Connection as _;
    let _ = url; // unused in a build without server drivers
    match kind {
        #[cfg(feature = "postgres")]
        DatabaseKind::Postgres => Some(sqlx::PgConnection::connect(url).await.map(Live::Postgres)),
        #[cfg(feature = "mysql")]
        DatabaseKind::Mysql => Some(sqlx::MySqlConnection::connect(url).await.map(Live::Mysql)),
        _ => None,
    }
}

impl Live {
    async fn scalar(&mut self, sql: &'static str) -> Result<String, sqlx::Error> {
        let _ = sql; // unused in a build without server drivers
        match self {
            #[cfg(feature = "postgres")]
            Live::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            #[cfg(feature = "mysql")]
            Live::Mysql(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            #[cfg(not(any(feature = "postgres", feature = "mysql")))]
            Live::_None(never) => match *never {},
        }
    }

    async fn ping(&mut self) -> Result<(), sqlx::Error> {
        match self {
            #[cfg(feature = "postgres")]
            Live::Postgres(c) => sqlx::query("SELECT 1").execute(c).await.map(drop),
            #[cfg(feature = "mysql")]
            Live::Mysql(c) => sqlx::query("SELECT 1").execute(c).await.map(drop),
            #[cfg(not(any(feature = "postgres", feature = "mysql")))]
            Live::_None(never) => match *never {},
        }
    }

    async fn close(self) {
        #[allow(unused_imports)]
        use sqlx::Connection as _;
        let _ = match self {
            #[cfg(feature = "postgres")]
            Live::Postgres(c) => c.close().await,
            #[cfg(feature = "mysql")]
            Live::Mysql(c) => c.close().await,
            #[cfg(not(any(feature = "postgres", feature = "mysql")))]
            Live::_None(never) => match never {},
        };
    }
}

/// Authenticate, read the version, time round trips. Returns the median round trip.
pub(super) async fn check(
    target: &Target,
    url: &str,
    timeout: Duration,
    facts: &Facts,
    steps: &mut Steps,
) -> Option<f64> {
    let later = [StepKind::ServerVersion, StepKind::Latency];
    if !steps.can_run() {
        for step in std::iter::once(StepKind::Authenticate).chain(later) {
            steps.skip_after_failure(step);
        }
        return None;
    }
    let t = Instant::now();
    let mut conn = match tokio::time::timeout(timeout, open(target.kind, url)).await {
        Ok(Some(Ok(conn))) => {
            steps.push(
                StepKind::Authenticate,
                t,
                StepResult::Ok(format!("logged in as {}", target.user)),
            );
            conn
        }
        Ok(Some(Err(e))) => {
            let problem = explain::sqlx_problem(target, &e, facts.offered);
            steps.push(
                StepKind::Authenticate,
                t,
                StepResult::Failed("login failed".to_owned(), problem),
            );
            later.into_iter().for_each(|s| steps.skip_after_failure(s));
            return None;
        }
        Ok(None) => {
            steps.push(
                StepKind::Authenticate,
                t,
                super::not_compiled_in(target.kind),
            );
            later.into_iter().for_each(|s| steps.skip_after_failure(s));
            return None;
        }
        Err(_) => {
            let problem = explain::timed_out(
                "logging in",
                timeout,
                "The server accepted the connection but did not finish the login: it may be overloaded, or waiting on a slow authentication service.",
            );
            steps.push(
                StepKind::Authenticate,
                t,
                StepResult::Failed("no answer".to_owned(), problem),
            );
            later.into_iter().for_each(|s| steps.skip_after_failure(s));
            return None;
        }
    };

    let t = Instant::now();
    let sql = match target.kind {
        DatabaseKind::Postgres => "SHOW server_version",
        _ => "SELECT VERSION()",
    };
    let result = match tokio::time::timeout(timeout, conn.scalar(sql)).await {
        Ok(Ok(version)) => version_result(target.kind, &version),
        Ok(Err(e)) => StepResult::Failed(
            "the version query failed".to_owned(),
            explain::sqlx_problem(target, &e, facts.offered),
        ),
        Err(_) => StepResult::Failed(
            "no answer".to_owned(),
            explain::timed_out(
                "reading the version",
                timeout,
                "The server is slow to answer; try again.",
            ),
        ),
    };
    steps.push(StepKind::ServerVersion, t, result);

    let t = Instant::now();
    let latency = tokio::time::timeout(timeout, round_trips(&mut conn)).await;
    let median = match latency {
        Ok(Ok(times)) => {
            let (median, min, max) = summarize(&times);
            let detail = format!(
                "median {median:.2} ms over {} round trips (min {min:.2}, max {max:.2})",
                times.len()
            );
            steps.push(StepKind::Latency, t, StepResult::Ok(detail));
            Some(median)
        }
        Ok(Err(e)) => {
            steps.push(
                StepKind::Latency,
                t,
                StepResult::Failed(
                    "SELECT 1 failed".to_owned(),
                    explain::sqlx_problem(target, &e, facts.offered),
                ),
            );
            None
        }
        Err(_) => {
            steps.push(
                StepKind::Latency,
                t,
                StepResult::Failed(
                    "no answer".to_owned(),
                    explain::timed_out(
                        "timing round trips",
                        timeout,
                        "The server is slow to answer; try again.",
                    ),
                ),
            );
            None
        }
    };
    conn.close().await;
    median
}

async fn round_trips(conn: &mut Live) -> Result<Vec<f64>, sqlx::Error> {
    let mut times = Vec::with_capacity(LATENCY_ROUND_TRIPS);
    for _ in 0..LATENCY_ROUND_TRIPS {
        let t = Instant::now();
        conn.ping().await?;
        times.push(super::ms(t.elapsed()));
    }
    Ok(times)
}

/// Median, minimum and maximum of a non-empty list.
pub(super) fn summarize(times: &[f64]) -> (f64, f64, f64) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (median, sorted[0], sorted[n - 1])
}

/// The version step's result: the server's name and version, or "too old".
pub(super) fn version_result(kind: DatabaseKind, version: &str) -> StepResult {
    let product = match kind {
        DatabaseKind::Postgres => "PostgreSQL",
        _ if version.to_ascii_lowercase().contains("mariadb") => "MariaDB",
        _ => "MySQL",
    };
    let detail = format!("{product} {version}");
    let minimum = match product {
        "PostgreSQL" => (12, 0),
        "MariaDB" => (10, 5),
        _ => (8, 0),
    };
    match major_minor(version) {
        Some(found) if found < minimum => StepResult::Failed(
            detail,
            Problem::new(
                ProblemCode::ServerTooOld,
                format!("{product} {}.{} is older than Strata supports ({product} {}.{} or later).", found.0, found.1, minimum.0, minimum.1),
                "Upgrade the server. Older servers lack SQL Strata relies on and no longer get security fixes.",
            ),
        ),
        _ => StepResult::Ok(detail),
    }
}

/// `15.19 (Debian …)` → (15, 19); `10.11.19-MariaDB` → (10, 11); `5.5.5-10.4.1-MariaDB` → (10, 4).
fn major_minor(version: &str) -> Option<(u32, u32)> {
    // MariaDB behind the MySQL 5.5 compatibility prefix.
    let version = version.strip_prefix("5.5.5-").unwrap_or(version);
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(kind: DatabaseKind, v: &str) -> Option<ProblemCode> {
        match version_result(kind, v) {
            StepResult::Failed(_, p) => Some(p.code),
            _ => None,
        }
    }

    #[test]
    fn too_old_servers_are_named() {
        use DatabaseKind::{Mysql, Postgres};
        let old = Some(ProblemCode::ServerTooOld);
        for (kind, version, want) in [
            (Postgres, "15.19 (Debian 15.19-0+deb12u1)", None),
            (Postgres, "12.0", None),
            (Postgres, "11.22", old),
            (Postgres, "9.6.24", old),
            (Mysql, "8.0.36", None),
            (Mysql, "5.7.44-log", old),
            (Mysql, "10.11.19-MariaDB-0+deb12u1", None),
            (Mysql, "10.5.0-MariaDB", None),
            (Mysql, "10.4.34-MariaDB", old),
            (Mysql, "5.5.5-10.3.39-MariaDB", old),
        ] {
            assert_eq!(outcome(kind, version), want, "{version}");
        }
        let StepResult::Failed(detail, p) = version_result(Postgres, "11.22") else {
            panic!("11 is too old")
        };
        assert_eq!(detail, "PostgreSQL 11.22");
        assert!(
            p.explanation.contains("PostgreSQL 12.0 or later"),
            "{}",
            p.explanation
        );
    }

    #[test]
    fn median_of_odd_and_even_lists() {
        assert_eq!(summarize(&[3.0, 1.0, 2.0]), (2.0, 1.0, 3.0));
        assert_eq!(summarize(&[4.0, 1.0, 2.0, 3.0]), (2.5, 1.0, 4.0));
    }
}
