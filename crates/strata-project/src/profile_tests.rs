//! Profile defaults, the plaintext marker, and every validation rule with the field it names.

use super::*;

fn remote(name: &str) -> ConnectionProfile {
    let mut p = ConnectionProfile::new(name, DatabaseKind::Postgres, EnvironmentTier::Staging);
    p.host = "db.example.com".into();
    p.database = "shop".into();
    p.user = "app".into();
    p
}

fn sqlite(path: &Path) -> ConnectionProfile {
    let mut p = ConnectionProfile::new("local", DatabaseKind::Sqlite, EnvironmentTier::Development);
    p.sqlite_path = Some(path.to_owned());
    p
}

/// The fields `validate` rejects, in order.
fn fields(profile: &ConnectionProfile, others: &[ConnectionProfile]) -> Vec<&'static str> {
    match profile.validate(others) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(|e| e.field).collect(),
    }
}

fn message(profile: &ConnectionProfile, field: &str) -> String {
    let errors = profile.validate(&[]).unwrap_err();
    errors
        .iter()
        .find(|e| e.field == field)
        .unwrap_or_else(|| panic!("no error on {field}: {errors:?}"))
        .message
        .clone()
}

#[test]
fn a_new_connection_starts_safe() {
    let p = ConnectionProfile::new("prod", DatabaseKind::Postgres, EnvironmentTier::Production);
    assert_eq!(p.tls.mode, TlsMode::VerifyFull);
    assert!(!p.is_plaintext());
    assert_eq!(
        p.protection,
        Protection {
            read_only: true,
            confirm_by_name: true
        }
    );
    assert_eq!(p.password, PasswordMode::Keychain);
    let dev = ConnectionProfile::new("dev", DatabaseKind::Mysql, EnvironmentTier::Development);
    assert_eq!(dev.tls.mode, TlsMode::VerifyFull);
    assert!(!dev.protection.is_on());
    let lite = ConnectionProfile::new("lite", DatabaseKind::Sqlite, EnvironmentTier::Testing);
    assert_eq!(lite.password, PasswordMode::None);
    assert!(
        !lite.is_plaintext(),
        "a local file is not network plaintext"
    );
}

#[test]
fn remote_hosts_default_to_verifying_and_local_ones_to_prefer() {
    use DatabaseKind::*;
    for host in ["db.example.com", "10.0.0.5", "2001:db8::1", ""] {
        assert_eq!(
            default_tls_mode(Postgres, host),
            TlsMode::VerifyFull,
            "{host}"
        );
        assert_eq!(default_tls_mode(Mysql, host), TlsMode::VerifyFull, "{host}");
    }
    for host in [
        "localhost",
        "LOCALHOST",
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "[::1]",
        "/var/run/postgresql",
    ] {
        assert_eq!(default_tls_mode(Postgres, host), TlsMode::Prefer, "{host}");
    }
    assert_eq!(default_tls_mode(Sqlite, "x"), TlsMode::Disable);
}

#[test]
fn the_plaintext_marker_shows_every_mode_that_can_go_unencrypted() {
    let mut p = remote("x");
    for (mode, plaintext) in [
        (TlsMode::Disable, true),
        (TlsMode::Prefer, true),
        (TlsMode::Require, false),
        (TlsMode::VerifyCa, false),
        (TlsMode::VerifyFull, false),
    ] {
        p.tls.mode = mode;
        assert_eq!(p.is_plaintext(), plaintext, "{mode:?}");
        p.engine = DatabaseKind::Mysql;
        assert_eq!(p.is_plaintext(), plaintext, "{mode:?} on MySQL");
        p.engine = DatabaseKind::Postgres;
    }
    assert!(TlsMode::VerifyCa.verifies_server() && !TlsMode::Require.verifies_server());
}

#[test]
fn ids_are_128_random_bits_in_hex() {
    let a = new_id();
    let b = new_id();
    assert_eq!(a.len(), 32);
    assert!(a
        .bytes()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_ne!(a, b);
}

#[test]
fn a_complete_profile_is_valid() {
    remote("Shop staging").validate(&[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    sqlite(&dir.path().join("new.sqlite3"))
        .validate(&[])
        .unwrap();
    sqlite(Path::new("relative.sqlite3")).validate(&[]).unwrap();
}

#[test]
fn hostile_names_are_valid_names() {
    for name in [
        "O'Brien \"prod\"",
        "Ünïcødé – 数据库 🚀",
        "'; DROP TABLE connections; --",
        "<script>alert(1)</script>",
        &"x".repeat(NAME_MAX_CHARS),
    ] {
        remote(name).validate(&[]).unwrap();
    }
}

#[test]
fn names_are_required_bounded_single_line_and_unique() {
    assert_eq!(fields(&remote(""), &[]), ["name"]);
    assert_eq!(fields(&remote("   "), &[]), ["name"]);
    assert_eq!(fields(&remote("a\nb"), &[]), ["name"]);
    let long = remote(&"é".repeat(NAME_MAX_CHARS + 1));
    assert!(message(&long, "name").contains("at most 200 characters (this one has 201)"));

    let existing = remote("Shop Prod");
    let clash = remote("  shop prod ");
    assert_eq!(fields(&clash, std::slice::from_ref(&existing)), ["name"]);
    let err = clash.validate(std::slice::from_ref(&existing)).unwrap_err();
    assert_eq!(
        err[0].message,
        "another connection is already named \"Shop Prod\""
    );
    // Editing a connection does not clash with itself.
    let mut renamed = existing.clone();
    renamed.name = "SHOP PROD".into();
    renamed.validate(std::slice::from_ref(&existing)).unwrap();
}

#[test]
fn hosts_must_be_host_names_or_addresses() {
    for good in [
        "db",
        "db-1.internal.example.com",
        "10.1.2.3",
        "::1",
        "2001:db8::7",
        "[::1]",
        "my_host",
    ] {
        let mut p = remote("x");
        p.host = good.into();
        p.validate(&[]).unwrap_or_else(|e| panic!("{good}: {e:?}"));
    }
    for bad in [
        "",
        "  ",
        "db host",
        "db\"x",
        "user@db",
        "db/x",
        "-db",
        "a..b",
        "2001:db8::zz",
        "db:5432",
    ] {
        let mut p = remote("x");
        p.host = bad.into();
        assert_eq!(fields(&p, &[]), ["host"], "{bad:?}");
    }
    let mut p = remote("x");
    p.host = "bücher.example".into();
    assert!(message(&p, "host").contains("xn--"));
    p.host = "a".repeat(HOST_MAX_CHARS + 1);
    assert!(message(&p, "host").contains("at most 253"));
    p.host = String::new();
    assert_eq!(message(&p, "host"), "enter a host name or IP address");
    // A Unix socket folder is a PostgreSQL host, not a MySQL one.
    p.host = "/var/run/postgresql".into();
    p.validate(&[]).unwrap();
    p.engine = DatabaseKind::Mysql;
    assert_eq!(fields(&p, &[]), ["host"]);
}

#[test]
fn ports_and_databases() {
    let mut p = remote("x");
    p.port = Some(0);
    assert_eq!(
        message(&p, "port"),
        "the port must be a number from 1 to 65535"
    );
    p.port = Some(65535);
    p.validate(&[]).unwrap();
    p.database.clear();
    assert_eq!(fields(&p, &[]), ["database"]);
    p.database = "..".into();
    assert_eq!(fields(&p, &[]), ["database"]);
}

#[test]
fn sqlite_files_need_an_existing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope").join("db.sqlite3");
    let err = message(&sqlite(&missing), "sqlitePath");
    assert!(
        err.contains("does not exist") && err.contains("nope"),
        "{err}"
    );
    assert!(message(&sqlite(dir.path()), "sqlitePath").contains("is a folder"));
    assert!(message(&sqlite(Path::new(":memory:")), "sqlitePath").contains("in-memory"));
    let mut p = sqlite(Path::new(""));
    assert_eq!(fields(&p, &[]), ["sqlitePath"]);
    p.sqlite_path = None;
    assert_eq!(message(&p, "sqlitePath"), "choose the database file");
}

#[test]
fn certificate_files_must_be_readable() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "-----BEGIN CERTIFICATE-----").unwrap();
    let mut p = remote("x");
    p.tls.ca_file = Some(ca.clone());
    p.validate(&[]).unwrap();

    p.tls.ca_file = Some(dir.path().join("missing.pem"));
    let err = message(&p, "tls.caFile");
    assert!(
        err.starts_with("cannot read ") && err.contains("missing.pem"),
        "{err}"
    );
    p.tls.ca_file = Some(dir.path().to_owned());
    assert!(message(&p, "tls.caFile").contains("is a folder"));
    p.tls.ca_file = None;

    p.tls.client_cert = Some(ca.clone());
    assert_eq!(fields(&p, &[]), ["tls.clientKey"]);
    assert_eq!(
        message(&p, "tls.clientKey"),
        "a client certificate needs its key file"
    );
    p.tls.client_key = Some(dir.path().join("gone.key"));
    assert_eq!(fields(&p, &[]), ["tls.clientKey"]);
    p.tls.client_key = Some(ca);
    p.validate(&[]).unwrap();
    p.tls.client_cert = None;
    assert_eq!(fields(&p, &[]), ["tls.clientCert"]);
}

#[test]
fn options_never_hold_passwords_or_fields_of_the_form() {
    let mut p = remote("x");
    p.options = vec![
        ("application_name".into(), "strata \"x\"".into()),
        ("options".into(), "-c search_path=shop".into()),
    ];
    p.validate(&[]).unwrap();
    for key in ["password", "PassWord", "sslpassword"] {
        p.options = vec![(key.into(), "hunter2".into())];
        let err = message(&p, "options");
        assert!(
            err.contains("keychain") && !err.contains("hunter2"),
            "{err}"
        );
    }
    p.options = vec![("sslmode".into(), "disable".into())];
    assert!(message(&p, "options").contains("TLS mode field"));
    p.options = vec![(String::new(), "x".into())];
    assert_eq!(fields(&p, &[]), ["options"]);
}

#[test]
fn colour_group_and_project_folder() {
    let mut p = remote("x");
    for good in ["#d93025", "#ABCDEF", "#000000"] {
        p.colour = Some(good.into());
        p.validate(&[]).unwrap();
    }
    for bad in ["d93025", "#d9302", "#d930255", "#gggggg", "red", ""] {
        p.colour = Some(bad.into());
        assert_eq!(fields(&p, &[]), ["colour"], "{bad:?}");
    }
    p.colour = None;
    p.group = Some(" ".into());
    assert_eq!(fields(&p, &[]), ["group"]);
    p.group = Some("Shop \"main\" ⚙".into());
    p.validate(&[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    p.project_dir = Some(dir.path().to_owned());
    p.validate(&[]).unwrap();
    p.project_dir = Some(dir.path().join("gone"));
    assert!(message(&p, "projectDir").contains("does not exist"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut p = remote("");
    p.host = "bad host".into();
    p.port = Some(0);
    p.colour = Some("red".into());
    assert_eq!(fields(&p, &[]), ["name", "host", "port", "colour"]);
}

#[test]
fn the_json_shape_is_camel_case_and_round_trips() {
    let mut p = remote("O'Brien \"prod\" 🚀");
    p.tls.mode = TlsMode::VerifyCa;
    p.tls.ca_file = Some(PathBuf::from("/etc/ssl/ca.pem"));
    p.password = PasswordMode::AskEachTime;
    p.sqlite_path = None;
    p.project_dir = Some(PathBuf::from("/home/me/shop"));
    p.options = vec![("options".into(), "-c x=1".into())];
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["tls"]["mode"], "verify-ca");
    assert_eq!(json["tls"]["caFile"], "/etc/ssl/ca.pem");
    assert_eq!(json["password"], "askEachTime");
    assert_eq!(json["projectDir"], "/home/me/shop");
    assert_eq!(json["protection"]["confirmByName"], false);
    assert_eq!(json["engine"], "postgres");
    assert_eq!(json["tier"], "staging");
    assert_eq!(json["options"][0][1], "-c x=1");
    let back: ConnectionProfile = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, p);

    let mut typo = json;
    typo["hots"] = "x".into();
    let err = serde_json::from_value::<ConnectionProfile>(typo).unwrap_err();
    assert!(err.to_string().contains("unknown field `hots`"), "{err}");
}

#[test]
fn the_confirmation_name_is_the_database_or_the_sqlite_file() {
    assert_eq!(remote("x").confirmation_name(), "shop");
    let p = sqlite(Path::new("/data/Shop.sqlite3"));
    assert_eq!(p.confirmation_name(), "Shop.sqlite3");
}

#[cfg(unix)]
#[test]
fn paths_that_are_not_unicode_are_refused_before_they_reach_the_file() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join(std::ffi::OsStr::from_bytes(b"ca-\xff.pem"));
    std::fs::write(&raw, "x").unwrap();
    let mut p = remote("x");
    p.tls.ca_file = Some(raw.clone());
    assert!(message(&p, "tls.caFile").contains("valid Unicode"));
    p.tls.ca_file = None;
    p.project_dir = Some(dir.path().join(std::ffi::OsStr::from_bytes(b"\xfe")));
    assert_eq!(fields(&p, &[]), ["projectDir"]);
    assert!(message(&sqlite(&raw), "sqlitePath").contains("valid Unicode"));
}

#[test]
fn unix_sockets_carry_no_network_plaintext() {
    let mut p = remote("x");
    p.host = "/var/run/postgresql".into();
    p.tls.mode = TlsMode::Prefer;
    assert!(!p.is_plaintext());
    p.host = "localhost".into();
    assert!(p.is_plaintext(), "loopback TCP still shows the marker");
}
