//! What a server URL asks for, read the way sqlx reads it (host, port, user, database, TLS
//! mode and files), so the connection test checks what the real connection will do. The
//! password is read only so it can be scrubbed from the result.

use std::path::PathBuf;

use serde::Serialize;

use super::{Problem, ProblemCode};
use crate::dialect::DatabaseKind;

/// libpq's `sslmode` / MySQL's `ssl-mode`, in PostgreSQL's words, as the driver reads a URL.
/// (Not exported to TypeScript: profiles carry strata-project's own `TlsMode`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl TlsMode {
    /// PostgreSQL (`verify-full`) or MySQL (`VERIFY_IDENTITY`) spelling; `allow` reads as
    /// `prefer`, as sqlx does.
    pub fn parse(value: &str) -> Option<Self> {
        Some(
            match value.trim().to_ascii_lowercase().replace('_', "-").as_str() {
                "disable" | "disabled" => Self::Disable,
                "allow" | "prefer" | "preferred" => Self::Prefer,
                "require" | "required" => Self::Require,
                "verify-ca" => Self::VerifyCa,
                "verify-full" | "verify-identity" => Self::VerifyFull,
                _ => return None,
            },
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TlsRequest {
    pub mode: TlsMode,
    pub ca_file: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub kind: DatabaseKind,
    pub host: String,
    pub port: u16,
    /// A Unix socket path (PostgreSQL `host=/run/postgresql`, MySQL `socket=`): no network.
    pub socket: Option<String>,
    pub user: String,
    pub database: String,
    pub tls: TlsRequest,
}

impl Target {
    pub fn parse(kind: DatabaseKind, raw: &str) -> Result<Self, Problem> {
        let bad = |what: String| {
            Problem::new(
                ProblemCode::BadUrl,
                format!("The connection URL cannot be read: {what}."),
                "Check the URL's form: scheme://user@host:port/database?parameters.",
            )
        };
        let url = url::Url::parse(raw).map_err(|e| bad(e.to_string()))?;
        let postgres = kind == DatabaseKind::Postgres;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let mut host = url
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
            .unwrap_or_default();
        let mut port = url.port();
        let mut user = decode(url.username());
        let mut database = decode(url.path().trim_start_matches('/'));
        let mut socket = None;
        // sqlx's defaults: PostgreSQL and MySQL both try TLS and fall back to plaintext.
        let mut tls = TlsRequest {
            mode: TlsMode::Prefer,
            ca_file: None,
            client_cert: None,
            client_key: None,
        };
        for (key, value) in url.query_pairs() {
            let value = value.into_owned();
            match key.to_ascii_lowercase().as_str() {
                "sslmode" | "ssl-mode" => {
                    tls.mode = TlsMode::parse(&value)
                        .ok_or_else(|| bad(format!("unknown TLS mode \"{value}\"")))?;
                }
                "sslrootcert" | "ssl-root-cert" | "ssl-ca" | "sslca" => {
                    tls.ca_file = Some(value.into())
                }
                "sslcert" | "ssl-cert" => tls.client_cert = Some(value.into()),
                "sslkey" | "ssl-key" => tls.client_key = Some(value.into()),
                "host" if postgres && value.starts_with('/') => socket = Some(value),
                "host" if postgres => host = value,
                "socket" if !postgres => socket = Some(value),
                "port" if postgres => {
                    port = Some(
                        value
                            .parse()
                            .map_err(|_| bad(format!("port \"{value}\"")))?,
                    )
                }
                "user" if postgres => user = value,
                "dbname" if postgres => database = value,
                _ => {}
            }
        }
        if host.is_empty() && socket.is_none() {
            host = "localhost".to_owned();
        }
        let port = port.unwrap_or(match kind {
            DatabaseKind::Postgres => 5432,
            _ => 3306,
        });
        if user.is_empty() {
            user = match kind {
                DatabaseKind::Postgres => "postgres",
                _ => "root",
            }
            .to_owned();
        }
        Ok(Self {
            kind,
            host,
            port,
            socket,
            user,
            database,
            tls,
        })
    }

    /// Whether the host is written as an IP address (no name to match a certificate against).
    pub fn host_is_ip(&self) -> bool {
        self.host.parse::<std::net::IpAddr>().is_ok()
    }
}

/// The password a URL carries, decoded, if any (from the user-info or a `password=` parameter).
pub(super) fn password(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw).ok()?;
    let from_query = url
        .query_pairs()
        .find(|(k, _)| k.eq_ignore_ascii_case("password"))
        .map(|(_, v)| v.into_owned());
    let from_userinfo = url.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    from_query.or(from_userinfo).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_sqlx_reads() {
        let t = Target::parse(
            DatabaseKind::Postgres,
            "postgres://app:pw@db.example.com:6432/shop?sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=c.pem&sslkey=k.pem",
        )
        .unwrap();
        assert_eq!(
            (
                t.host.as_str(),
                t.port,
                t.user.as_str(),
                t.database.as_str()
            ),
            ("db.example.com", 6432, "app", "shop")
        );
        assert_eq!(t.tls.mode, TlsMode::VerifyFull);
        assert_eq!(t.tls.ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(t.tls.client_key, Some(PathBuf::from("k.pem")));

        let m = Target::parse(
            DatabaseKind::Mysql,
            "mysql://root@[::1]/?ssl-mode=VERIFY_IDENTITY&ssl-ca=ca.pem",
        )
        .unwrap();
        assert_eq!((m.host.as_str(), m.port), ("::1", 3306));
        assert!(m.host_is_ip());
        assert_eq!(m.tls.mode, TlsMode::VerifyFull);

        let d = Target::parse(DatabaseKind::Mysql, "mysql://h/d").unwrap();
        assert_eq!((d.tls.mode, d.user.as_str()), (TlsMode::Prefer, "root"));

        let s =
            Target::parse(DatabaseKind::Postgres, "postgres:///d?host=/run/postgresql").unwrap();
        assert_eq!(s.socket.as_deref(), Some("/run/postgresql"));
    }

    #[test]
    fn every_mode_spelling_reads() {
        for (raw, want) in [
            ("disable", TlsMode::Disable),
            ("DISABLED", TlsMode::Disable),
            ("allow", TlsMode::Prefer),
            ("PREFERRED", TlsMode::Prefer),
            ("require", TlsMode::Require),
            ("VERIFY_CA", TlsMode::VerifyCa),
            ("verify-full", TlsMode::VerifyFull),
            ("VERIFY_IDENTITY", TlsMode::VerifyFull),
        ] {
            assert_eq!(TlsMode::parse(raw), Some(want), "{raw}");
        }
        let err =
            Target::parse(DatabaseKind::Postgres, "postgres://h/d?sslmode=sometimes").unwrap_err();
        assert_eq!(err.code, ProblemCode::BadUrl);
    }

    #[test]
    fn password_is_found_for_scrubbing() {
        assert_eq!(
            password("postgres://u:s%40cret@h/d").as_deref(),
            Some("s@cret")
        );
        assert_eq!(password("mysql://u@h/d?password=q").as_deref(), Some("q"));
        assert_eq!(password("postgres://u@h/d"), None);
    }
}
