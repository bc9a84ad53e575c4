//! The engine reaches the real PostgreSQL and MariaDB servers CI provides, reads their
//! versions, and reports a wrong target with a clear, password-free message.

use std::time::Duration;

use strata_core::{driver::probe, DatabaseKind};
use strata_system_tests::servers::{server_url, unreachable, ScratchDatabase};

async fn probe_scratch(kind: DatabaseKind) -> (String, String) {
    let db = ScratchDatabase::create(kind).await;
    let info = probe(&db.url, Duration::from_secs(10))
        .await
        .unwrap_or_else(|e| panic!("{}", unreachable(kind, &e)));
    assert_eq!(info.kind, kind);
    (info.server_version, db.name.clone())
}

#[tokio::test]
async fn postgres_server_version() {
    let (version, _) = probe_scratch(DatabaseKind::Postgres).await;
    let major: u32 = version.split('.').next().unwrap().parse().unwrap();
    assert!(major >= 12, "PostgreSQL {version}");
}

#[tokio::test]
async fn mariadb_server_version() {
    let (version, _) = probe_scratch(DatabaseKind::Mysql).await;
    assert!(
        version.contains("MariaDB") || version.starts_with('8'),
        "server version {version}"
    );
}

#[tokio::test]
async fn wrong_password_is_reported_without_it() {
    for kind in [DatabaseKind::Postgres, DatabaseKind::Mysql] {
        let mut url = url::Url::parse(&server_url(kind)).unwrap();
        url.set_username("strata_no_such_user").unwrap();
        url.set_password(Some("hunter2-not-a-password")).unwrap();
        let err = probe(url.as_str(), Duration::from_secs(10))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            !err.contains("hunter2"),
            "{kind}: the password leaked: {err}"
        );
        assert!(err.contains("strata_no_such_user:***@"), "{kind}: {err}");
    }
}

#[tokio::test]
async fn missing_database_is_named() {
    let mut url = url::Url::parse(&server_url(DatabaseKind::Postgres)).unwrap();
    url.set_path("/strata_no_such_database");
    let err = probe(url.as_str(), Duration::from_secs(10))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"strata_no_such_database\" does not exist"),
        "{err}"
    );
}
