//! Pasted URLs to profiles and back: every parameter, percent-decoding, IPv6, the password's
//! way out into a `Secret`, hostile values that must come back exactly, and the SQLite URLs
//! the real driver opens.

use std::path::Path;

use super::*;

fn parse(input: &str) -> (ConnectionProfile, Option<Secret>) {
    parse_url(input).unwrap_or_else(|e| panic!("{input}: {e:?}"))
}

fn parse_err(input: &str) -> Vec<FieldError> {
    match parse_url(input) {
        Ok((p, _)) => panic!("{input} parsed: {p:?}"),
        Err(errors) => errors,
    }
}

fn fields(errors: &[FieldError]) -> Vec<&'static str> {
    errors.iter().map(|e| e.field).collect()
}

#[test]
fn a_full_postgres_url_fills_every_field() {
    let (p, secret) = parse(
        " postgres://app:s3cr%40t@db.example.com:6432/shop?sslmode=verify-ca&sslrootcert=/etc/ca.pem\
         &sslcert=/etc/client.crt&sslkey=/etc/client.key&options=-c%20search_path%3Dshop\
         &application_name=strata&target_session_attrs=read-write\n",
    );
    assert_eq!(secret.unwrap().expose(), "s3cr@t");
    assert_eq!(p.engine, DatabaseKind::Postgres);
    assert_eq!(
        (p.user.as_str(), p.host.as_str()),
        ("app", "db.example.com")
    );
    assert_eq!((p.port, p.database.as_str()), (Some(6432), "shop"));
    assert_eq!(p.tls.mode, TlsMode::VerifyCa);
    assert_eq!(p.tls.ca_file.as_deref(), Some(Path::new("/etc/ca.pem")));
    assert_eq!(
        p.tls.client_cert.as_deref(),
        Some(Path::new("/etc/client.crt"))
    );
    assert_eq!(
        p.tls.client_key.as_deref(),
        Some(Path::new("/etc/client.key"))
    );
    assert_eq!(
        p.options,
        [
            ("options".to_owned(), "-c search_path=shop".to_owned()),
            ("application_name".to_owned(), "strata".to_owned()),
            ("target_session_attrs".to_owned(), "read-write".to_owned()),
        ]
    );
    assert_eq!(p.password, PasswordMode::Keychain);
    assert_eq!(p.name, "shop on db.example.com");
    assert_eq!(p.tier, EnvironmentTier::Development);
    let saved = serde_json::to_string(&p).unwrap();
    assert!(
        !saved.contains("s3cr"),
        "the password reached the profile: {saved}"
    );
}

#[test]
fn every_scheme_spelling_selects_its_engine() {
    for (url, engine) in [
        ("postgres://h/d", DatabaseKind::Postgres),
        ("postgresql://h/d", DatabaseKind::Postgres),
        ("PostgreSQL://h/d", DatabaseKind::Postgres),
        ("mysql://h/d", DatabaseKind::Mysql),
        ("mariadb://h/d", DatabaseKind::Mysql),
        ("sqlite:d.db", DatabaseKind::Sqlite),
    ] {
        assert_eq!(parse(url).0.engine, engine, "{url}");
    }
}

#[test]
fn postgres_and_mysql_tls_modes() {
    for (value, mode) in [
        ("disable", TlsMode::Disable),
        ("allow", TlsMode::Prefer),
        ("prefer", TlsMode::Prefer),
        ("require", TlsMode::Require),
        ("verify-ca", TlsMode::VerifyCa),
        ("verify-full", TlsMode::VerifyFull),
    ] {
        let (p, _) = parse(&format!("postgres://h/d?sslmode={value}"));
        assert_eq!(p.tls.mode, mode, "{value}");
    }
    for (value, mode) in [
        ("DISABLED", TlsMode::Disable),
        ("PREFERRED", TlsMode::Prefer),
        ("REQUIRED", TlsMode::Require),
        ("VERIFY_CA", TlsMode::VerifyCa),
        ("VERIFY_IDENTITY", TlsMode::VerifyFull),
        ("verify_identity", TlsMode::VerifyFull),
    ] {
        let (p, _) = parse(&format!("mysql://h/d?ssl-mode={value}&ssl-ca=ca.pem"));
        assert_eq!(p.tls.mode, mode, "{value}");
        assert_eq!(p.tls.ca_file.as_deref(), Some(Path::new("ca.pem")));
        assert!(p.options.is_empty(), "{:?}", p.options);
    }
    let errors = parse_err("postgres://h/d?sslmode=sometimes");
    assert_eq!(fields(&errors), ["tls.mode"]);
    assert!(errors[0]
        .message
        .starts_with("unknown TLS mode \"sometimes\""));
}

#[test]
fn without_a_tls_mode_remote_urls_verify_and_local_ones_prefer() {
    let (remote, _) = parse("postgres://u@db.example.com/d");
    assert_eq!(remote.tls.mode, TlsMode::VerifyFull);
    assert!(!remote.is_plaintext());
    let (local, _) = parse("mysql://root@127.0.0.1/d");
    assert_eq!(local.tls.mode, TlsMode::Prefer);
    assert!(local.is_plaintext(), "the list shows the marker");
    let (explicit, _) = parse("postgres://u@db.example.com/d?sslmode=disable");
    assert!(explicit.is_plaintext());
    // libpq's "the system's CAs" is a verifying mode with no CA file.
    let (system, _) = parse("postgres://h/d?sslrootcert=system&sslmode=verify-ca");
    assert_eq!(
        (system.tls.mode, system.tls.ca_file),
        (TlsMode::VerifyCa, None)
    );
}

#[test]
fn ipv6_hosts_and_unix_sockets() {
    let (p, _) = parse("postgres://u@[2001:db8::1]:5433/d");
    assert_eq!((p.host.as_str(), p.port), ("2001:db8::1", Some(5433)));
    p.validate(&[]).unwrap();
    assert_eq!(
        display_url(&p),
        "postgres://u@[2001:db8::1]:5433/d?sslmode=verify-full"
    );
    let (p, _) = parse("postgresql:///shop?host=/var/run/postgresql&user=me&port=5999");
    assert_eq!(p.host, "/var/run/postgresql");
    assert_eq!((p.user.as_str(), p.port), ("me", Some(5999)));
    assert_eq!(p.tls.mode, TlsMode::Prefer);
    p.validate(&[]).unwrap();
    let (back, _) = parse(to_url(&p, None).expose());
    assert_eq!(back.host, "/var/run/postgresql");
}

#[test]
fn percent_encoded_parts_are_decoded() {
    let (p, secret) =
        parse("mysql://a%40b%3Ac:p%40ss%3Aw%2Frd%3F%23%25@h/my%20db%2F%C3%BC?charset=utf8mb4");
    assert_eq!(p.user, "a@b:c");
    assert_eq!(secret.unwrap().expose(), "p@ss:w/rd?#%");
    assert_eq!(p.database, "my db/ü");
    assert_eq!(p.options, [("charset".to_owned(), "utf8mb4".to_owned())]);
}

#[test]
fn a_password_parameter_goes_to_the_secret_not_the_options() {
    let (p, secret) = parse("postgres://u@h/d?password=from%20query&sslmode=require");
    assert_eq!(secret.unwrap().expose(), "from query");
    assert!(p.options.is_empty());
    let (p, secret) = parse("mysql://u:@h/d");
    assert!(secret.is_none(), "an empty password is no password");
    assert_eq!(p.password, PasswordMode::None);
    let errors = parse_err("postgres://u@h/d?sslpassword=k3y");
    assert_eq!(fields(&errors), ["tls.clientKey"]);
    assert!(!errors[0].message.contains("k3y"));
}

#[test]
fn bad_urls_name_their_field_and_never_quote_a_password() {
    let cases = [
        ("http://example.com/", "url"),
        ("hunter2", "url"),
        ("pass:hunter2", "url"),
        ("postgres:hunter2", "url"),
        ("postgres://u:hunter2@h:70000/d", "port"),
        ("postgres://u:hunter2@h/d?port=abc", "port"),
        ("postgres://u:hunter2@[::g]/d", "host"),
        ("postgres://u:hunter2@a b/d", "host"),
        ("postgres://u:hunter2%FF@h/d", "password"),
        ("mysql://u:hunter2@h/d?ssl-mode=hunter2ish", "tls.mode"),
        ("sqlite:x.db?password=hunter2", "url"),
    ];
    for (input, field) in cases {
        let errors = parse_err(input);
        assert_eq!(fields(&errors), [field], "{input}");
        for e in &errors {
            let shown = format!("{e} {e:?}");
            assert!(
                !shown.contains("hunter2 ") && !shown.contains("hunter2@"),
                "{input}: {shown}"
            );
            assert!(!shown.contains("\"hunter2\""), "{input}: {shown}");
        }
    }
    let unknown = parse_err("redis://h/0");
    assert_eq!(
        unknown[0].message,
        "unknown URL scheme: use postgres://, postgresql://, mysql://, mariadb:// or sqlite:"
    );
}

#[test]
fn sqlite_urls_as_sqlx_reads_them() {
    for (url, path) in [
        ("sqlite:shop.sqlite3", "shop.sqlite3"),
        ("sqlite://shop.sqlite3", "shop.sqlite3"),
        ("sqlite:///srv/data/shop.sqlite3", "/srv/data/shop.sqlite3"),
        (
            "sqlite:/srv/my%20data/a%3Fb%23c.db",
            "/srv/my data/a?b#c.db",
        ),
        ("sqlite::memory:", ":memory:"),
    ] {
        let (p, secret) = parse(url);
        assert_eq!(p.sqlite_path.as_deref(), Some(Path::new(path)), "{url}");
        assert!(secret.is_none());
        assert_eq!(p.tls.mode, TlsMode::Disable);
    }
    let (p, _) = parse("sqlite:data/shop.sqlite3?mode=rwc&cache=shared");
    assert_eq!(p.name, "shop.sqlite3");
    assert_eq!(p.options.len(), 2);
    assert_eq!(
        to_url(&p, None).expose(),
        "sqlite:data/shop.sqlite3?mode=rwc&cache=shared"
    );
    assert_eq!(parse("sqlite:").0.sqlite_path, None);
}

#[test]
fn urls_for_the_driver() {
    let (p, secret) = parse("postgresql://app:pw@db.example.com:5432/shop");
    assert_eq!(
        to_url(&p, secret.as_ref()).expose(),
        "postgres://app:pw@db.example.com:5432/shop?sslmode=verify-full"
    );
    let (p, _) = parse("mariadb://root@localhost/app?ssl-mode=required");
    assert_eq!(
        to_url(&p, Some(&Secret::new("a b/c"))).expose(),
        "mysql://root:a%20b%2Fc@localhost/app?ssl-mode=REQUIRED"
    );
    // A password without a user still reaches the driver.
    let mut p = p;
    p.user.clear();
    assert_eq!(
        to_url(&p, Some(&Secret::new("pw"))).expose(),
        "mysql://:pw@localhost/app?ssl-mode=REQUIRED"
    );
}

#[test]
fn the_driver_url_is_a_secret_and_the_display_url_has_no_password() {
    let (mut p, secret) = parse("postgres://app:hunter2@h/d");
    let url = to_url(&p, secret.as_ref());
    assert_eq!(format!("{url:?} {url}"), "*** ***");
    assert!(!display_url(&p).contains("hunter2"));
    assert_eq!(display_url(&p), "postgres://app@h/d?sslmode=verify-full");
    assert_eq!(
        strata_core::driver::redact_url(url.expose()),
        "postgres://app:***@h/d?sslmode=verify-full",
        "the engine's redaction finds the password where to_url put it"
    );
    // A password-like parameter slipped into a hand-edited file is masked in display.
    p.options.push(("PASSWORD".into(), "hunter2".into()));
    let shown = display_url(&p);
    assert!(
        !shown.contains("hunter2") && shown.ends_with("PASSWORD=***"),
        "{shown}"
    );
}

/// Values chosen to break naive URL building.
fn hostile() -> Vec<String> {
    vec![
        "plain".into(),
        "quo\"te's `x`".into(),
        "at@colon:slash/back\\slash".into(),
        "q?h#p%25%&=+;,[]{}<>|^~".into(),
        " leading and trailing ".into(),
        "ünïcødé 数据库 🚀 \u{202e}rtl".into(),
        "tab\there\nnewline".into(),
        "x".repeat(1000),
        "é/@:?#".repeat(200),
    ]
}

/// The parts of a profile a URL carries.
fn url_fields(p: &ConnectionProfile) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        p.engine,
        &p.host,
        p.port,
        &p.user,
        &p.database,
        &p.sqlite_path,
        &p.tls,
        &p.options,
    )
}

#[test]
fn hostile_values_round_trip_exactly_through_a_server_url() {
    for engine in [DatabaseKind::Postgres, DatabaseKind::Mysql] {
        for value in hostile() {
            let mut p = ConnectionProfile::new("x", engine, EnvironmentTier::Production);
            p.host = "db.example.com".into();
            p.port = Some(65535);
            p.user = value.clone();
            p.database = value.clone();
            p.tls.ca_file = Some(PathBuf::from(format!("/certs/{value}")));
            p.options = vec![
                (format!("k{value}"), value.clone()),
                ("e".into(), String::new()),
            ];
            let password = Secret::new(value.clone());
            let url = to_url(&p, Some(&password));
            let (back, secret) = parse(url.expose());
            assert_eq!(url_fields(&back), url_fields(&p), "{engine:?} {value:?}");
            assert_eq!(secret.unwrap().expose(), value, "{engine:?}");
            let (shown, _) = parse(&display_url(&p));
            assert_eq!(url_fields(&shown), url_fields(&p));
        }
    }
}

#[test]
fn hostile_hosts_and_ipv6_round_trip() {
    for host in [
        "::1",
        "2001:db8::7",
        "10.0.0.1",
        "db_1.example",
        "a b\"c'd@e",
    ] {
        let mut p = ConnectionProfile::new("x", DatabaseKind::Postgres, EnvironmentTier::Testing);
        p.host = host.into();
        p.database = "d".into();
        let (back, _) = parse(to_url(&p, None).expose());
        assert_eq!(back.host, host);
    }
}

#[test]
fn hostile_sqlite_paths_round_trip() {
    for value in hostile() {
        for path in [
            value.replace(['\n', '\t'], "_"),
            format!("/abs/{value}"),
            format!("//server/share/{value}"),
            format!("sqlite:{value}"),
            format!("C:\\Users\\{value}.db"),
        ] {
            let mut p = ConnectionProfile::new("x", DatabaseKind::Sqlite, EnvironmentTier::Testing);
            p.sqlite_path = Some(PathBuf::from(&path));
            p.options = vec![("mode".into(), "rwc".into())];
            let (back, _) = parse(to_url(&p, None).expose());
            assert_eq!(back.sqlite_path, p.sqlite_path, "{path:?}");
            assert_eq!(back.options, p.options);
        }
    }
}

/// The real SQLite driver opens the file `to_url` names, however hostile its name.
#[tokio::test]
async fn the_sqlite_driver_opens_the_file_the_url_names() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "plain.db",
        "sp ace?q#h%25.db",
        "ünï 🚀'\".db",
        "colon:sqlite:x.db",
    ] {
        let path = dir.path().join(name);
        strata_core::driver::ensure_sqlite_file(&path)
            .await
            .unwrap();
        let mut p = ConnectionProfile::new("x", DatabaseKind::Sqlite, EnvironmentTier::Testing);
        p.sqlite_path = Some(path.clone());
        let url = to_url(&p, None);
        let info = strata_core::driver::probe(url.expose(), std::time::Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(info.kind, DatabaseKind::Sqlite);
        // Opening a different (missing) file would fail: sqlx does not create it here.
        let mut wrong = p.clone();
        wrong.sqlite_path = Some(dir.path().join(format!("{name}.missing")));
        assert!(strata_core::driver::probe(
            to_url(&wrong, None).expose(),
            std::time::Duration::from_secs(10)
        )
        .await
        .is_err());
    }
}
