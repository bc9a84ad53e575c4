//! The TLS test servers and certificates `scripts/services.sh` creates: a PostgreSQL cluster
//! on 5433 that refuses plaintext (pg_hba `hostssl` only) and a MariaDB on 3307 with
//! `require_secure_transport`, both serving a certificate for DNS:localhost only, signed by a
//! throwaway CA. Environment variables override the defaults; a missing file or server fails
//! the test with the way to create it, never skips it.

use std::path::PathBuf;

use strata_core::DatabaseKind;

pub const TLS_DIR_ENV: &str = "STRATA_TEST_TLS_DIR";
pub const POSTGRES_TLS_ENV: &str = "STRATA_TEST_POSTGRES_TLS_URL";
pub const MYSQL_TLS_ENV: &str = "STRATA_TEST_MYSQL_TLS_URL";

pub const DEFAULT_TLS_DIR: &str = "/var/lib/strata-test-tls";
pub const DEFAULT_POSTGRES_TLS_URL: &str = "postgres://postgres@localhost:5433/postgres";
pub const DEFAULT_MYSQL_TLS_URL: &str = "mysql://root@localhost:3307/";

/// A user that logs in with a password on both TLS servers.
pub const PASSWORD_USER: &str = "strata_pw";
pub const PASSWORD: &str = "strata-test-pw";
/// A user that logs in with the client certificate (its common name).
pub const CERT_USER: &str = "strata_cert";

const START: &str = "run scripts/services.sh (as root, or with sudo), which creates the certificates and starts the TLS servers on 5433 and 3307";

/// The folder holding `ca.pem`, `other-ca.pem`, `server.pem`, `client.pem` and `client.key`.
pub fn tls_dir() -> PathBuf {
    let dir = std::env::var_os(TLS_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_TLS_DIR));
    assert!(
        dir.join("ca.pem").is_file(),
        "no test CA at {}: {START} (or set {TLS_DIR_ENV})",
        dir.display()
    );
    dir
}

/// The CA that signed the servers' certificate.
pub fn ca_file() -> PathBuf {
    tls_dir().join("ca.pem")
}

/// A CA that signed nothing the servers present.
pub fn other_ca_file() -> PathBuf {
    tls_dir().join("other-ca.pem")
}

/// The client certificate (CN=strata_cert) and its key, signed by [`ca_file`].
pub fn client_cert() -> PathBuf {
    tls_dir().join("client.pem")
}

pub fn client_key() -> PathBuf {
    tls_dir().join("client.key")
}

/// The TLS server's base URL for `kind` (no TLS parameters).
pub fn server_url(kind: DatabaseKind) -> String {
    let (var, default) = match kind {
        DatabaseKind::Postgres => (POSTGRES_TLS_ENV, DEFAULT_POSTGRES_TLS_URL),
        DatabaseKind::Mysql => (MYSQL_TLS_ENV, DEFAULT_MYSQL_TLS_URL),
        DatabaseKind::Sqlite => panic!("SQLite has no TLS server"),
    };
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// What to do when a TLS server does not answer.
pub fn start_hint() -> &'static str {
    START
}

/// A URL for the TLS server of `kind`, edited by the builder's methods.
#[derive(Debug, Clone)]
pub struct TlsUrl {
    kind: DatabaseKind,
    url: url::Url,
}

impl TlsUrl {
    pub fn new(kind: DatabaseKind) -> Self {
        let url = url::Url::parse(&server_url(kind)).expect("the TLS server URL is a URL");
        Self { kind, url }
    }

    pub fn host(mut self, host: &str) -> Self {
        self.url.set_host(Some(host)).expect("a valid host");
        self
    }

    pub fn port(mut self, port: u16) -> Self {
        self.url
            .set_port(Some(port))
            .expect("a server URL has a port");
        self
    }

    pub fn user(mut self, user: &str, password: Option<&str>) -> Self {
        self.url
            .set_username(user)
            .expect("a server URL has a user");
        self.url
            .set_password(password)
            .expect("a server URL has a password");
        self
    }

    pub fn database(mut self, db: &str) -> Self {
        self.url.set_path(&format!("/{db}"));
        self
    }

    /// The TLS mode in PostgreSQL's words (`verify-full`), written as the engine's driver
    /// reads it, with an optional CA file.
    pub fn mode(mut self, mode: &str, ca: Option<PathBuf>) -> Self {
        let postgres = self.kind == DatabaseKind::Postgres;
        let value = match (postgres, mode) {
            (true, m) => m.to_owned(),
            (false, "disable") => "DISABLED".to_owned(),
            (false, "prefer") => "PREFERRED".to_owned(),
            (false, "require") => "REQUIRED".to_owned(),
            (false, "verify-ca") => "VERIFY_CA".to_owned(),
            (false, "verify-full") => "VERIFY_IDENTITY".to_owned(),
            (false, other) => panic!("unknown TLS mode {other}"),
        };
        let mut q = self.url.query_pairs_mut();
        q.append_pair(if postgres { "sslmode" } else { "ssl-mode" }, &value);
        if let Some(ca) = ca {
            q.append_pair(
                if postgres { "sslrootcert" } else { "ssl-ca" },
                &ca.to_string_lossy(),
            );
        }
        drop(q);
        self
    }

    /// Present the test client certificate.
    pub fn client_certificate(mut self) -> Self {
        let postgres = self.kind == DatabaseKind::Postgres;
        self.url
            .query_pairs_mut()
            .append_pair(
                if postgres { "sslcert" } else { "ssl-cert" },
                &client_cert().to_string_lossy(),
            )
            .append_pair(
                if postgres { "sslkey" } else { "ssl-key" },
                &client_key().to_string_lossy(),
            );
        self
    }

    pub fn build(self) -> String {
        self.url.to_string()
    }
}
