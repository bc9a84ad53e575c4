//! Every TLS mode, for both server engines, in the exact spelling sqlx reads (its keys are
//! case-sensitive: `sslmode`/`sslrootcert`/`sslcert`/`sslkey`, `ssl-mode`/`ssl-ca`/`ssl-cert`/
//! `ssl-key`; MySQL's modes upper-case). The TLS system tests connect through these URLs.

use super::*;

#[test]
fn every_mode_reaches_the_driver_in_its_spelling() {
    let modes = [
        (TlsMode::Disable, "disable", "DISABLED"),
        (TlsMode::Prefer, "prefer", "PREFERRED"),
        (TlsMode::Require, "require", "REQUIRED"),
        (TlsMode::VerifyCa, "verify-ca", "VERIFY_CA"),
        (TlsMode::VerifyFull, "verify-full", "VERIFY_IDENTITY"),
    ];
    for (engine, keys) in [
        (
            DatabaseKind::Postgres,
            ["sslmode", "sslrootcert", "sslcert", "sslkey"],
        ),
        (
            DatabaseKind::Mysql,
            ["ssl-mode", "ssl-ca", "ssl-cert", "ssl-key"],
        ),
    ] {
        for (mode, pg, my) in modes {
            let mut p = ConnectionProfile::new("t", engine, EnvironmentTier::Development);
            p.host = "db.example.com".into();
            p.tls.mode = mode;
            p.tls.ca_file = Some("/certs/my ca.pem".into());
            p.tls.client_cert = Some("/certs/client.pem".into());
            p.tls.client_key = Some("/certs/client.key".into());
            let url = to_url(&p, None);
            let parsed = Url::parse(url.expose()).unwrap();
            let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
            let want_mode = if engine == DatabaseKind::Postgres {
                pg
            } else {
                my
            };
            let want: Vec<(String, String)> = keys
                .iter()
                .zip([
                    want_mode,
                    "/certs/my ca.pem",
                    "/certs/client.pem",
                    "/certs/client.key",
                ])
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(pairs, want, "{engine:?} {mode:?}");
            let (back, _) = parse_url(url.expose()).unwrap();
            assert_eq!(back.tls, p.tls, "{engine:?} {mode:?} round trip");
        }
    }
    let sqlite = ConnectionProfile::new("s", DatabaseKind::Sqlite, EnvironmentTier::Development);
    assert!(!to_url(&sqlite, None).expose().contains("ssl"));
}
