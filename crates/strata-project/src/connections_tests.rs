//! The connection manager: a profile and its password are saved, copied and deleted together,
//! a keychain that refuses changes nothing, and protection is checked here, not in the UI.

use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::environment::EnvironmentTier;

/// A keychain the test can switch off, to see what the manager does when it refuses.
#[derive(Default)]
struct TestKeychain {
    inner: MemoryStore,
    refuse: AtomicBool,
}

impl CredentialStore for TestKeychain {
    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), CredentialError> {
        self.check()?;
        self.inner.set(key, secret)
    }
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, CredentialError> {
        self.check()?;
        self.inner.get(key)
    }
    fn delete(&self, key: &CredentialKey) -> Result<bool, CredentialError> {
        self.check()?;
        self.inner.delete(key)
    }
}

impl TestKeychain {
    fn check(&self) -> Result<(), CredentialError> {
        if self.refuse.load(Ordering::SeqCst) {
            Err(CredentialError::Locked)
        } else {
            Ok(())
        }
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    keychain: Arc<TestKeychain>,
    manager: ConnectionManager,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Arc::new(TestKeychain::default());
    let opened = keychain.clone();
    let manager = ConnectionManager::open(
        dir.path(),
        "test",
        Box::new(move || {
            let store: Arc<dyn CredentialStore> = opened.clone();
            Box::pin(async move { Ok(store) })
        }),
    )
    .unwrap();
    Fixture {
        dir,
        keychain,
        manager,
    }
}

fn postgres(name: &str, tier: EnvironmentTier) -> ConnectionProfile {
    let mut p = ConnectionProfile::new(name, DatabaseKind::Postgres, tier);
    p.host = "db.example.com".into();
    p.database = "shop".into();
    p.user = "app".into();
    p
}

fn set(pw: &str) -> PasswordInput {
    PasswordInput::Set {
        value: Secret::new(pw),
    }
}

impl Fixture {
    fn stored(&self, id: &str) -> Option<String> {
        self.keychain
            .inner
            .get(&CredentialKey::for_connection("test", id))
            .unwrap()
            .map(|s| s.expose().to_owned())
    }

    fn file_text(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(crate::store::FILE_NAME)).unwrap_or_default()
    }
}

#[tokio::test]
async fn the_password_goes_to_the_keychain_and_never_into_the_file_or_the_row() {
    let f = fixture();
    let p = postgres("Shop", EnvironmentTier::Development);
    let row = f.manager.save(p.clone(), set("s3cret-pw")).await.unwrap();
    assert_eq!(f.stored(&p.id).as_deref(), Some("s3cret-pw"));
    assert!(!f.file_text().contains("s3cret-pw"));
    assert!(!serde_json::to_string(&row).unwrap().contains("s3cret-pw"));
    assert!(!row.display_url.contains("s3cret-pw"));
    let (_, url) = f.manager.resolve(&p.id).await.unwrap();
    assert!(url.expose().contains("s3cret-pw"));
}

#[tokio::test]
async fn a_pasted_url_gives_its_password_to_the_keychain() {
    let f = fixture();
    let url = "postgres://app:from%40url@db.example.com:5433/shop?sslmode=verify-full";
    let (mut p, _) = crate::url::parse_url(url).unwrap();
    p.name = "Pasted".into();
    f.manager
        .save(
            p.clone(),
            PasswordInput::FromUrl {
                url: Secret::new(url),
            },
        )
        .await
        .unwrap();
    assert_eq!(f.stored(&p.id).as_deref(), Some("from@url"));
    assert!(!f.file_text().contains("from@url"));
}

#[tokio::test]
async fn a_keychain_that_refuses_leaves_nothing_saved() {
    let f = fixture();
    f.keychain.refuse.store(true, Ordering::SeqCst);
    let p = postgres("Shop", EnvironmentTier::Development);
    let err = f.manager.save(p.clone(), set("pw")).await.unwrap_err();
    assert!(
        matches!(err, ConnectionsError::KeychainSave { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("ask for the password each time"),
        "{err}"
    );
    assert!(f.manager.get(&p.id).is_err());
    assert!(f
        .manager
        .sections()
        .iter()
        .all(|s| s.connections.is_empty()));
}

#[tokio::test]
async fn ask_each_time_keeps_the_password_in_memory_only() {
    let f = fixture();
    let mut p = postgres("Shop", EnvironmentTier::Development);
    p.password = PasswordMode::AskEachTime;
    f.manager
        .save(p.clone(), PasswordInput::Keep)
        .await
        .unwrap();
    let err = f.manager.resolve(&p.id).await.unwrap_err();
    assert!(
        matches!(err, ConnectionsError::PasswordNeeded { .. }),
        "{err}"
    );
    f.manager
        .provide_session_password(&p.id, Secret::new("typed"))
        .unwrap();
    let (_, url) = f.manager.resolve(&p.id).await.unwrap();
    assert!(url.expose().contains("typed"));
    assert_eq!(f.stored(&p.id), None);
    assert!(f.manager.sections()[0].connections[0].password_in_session);
}

#[tokio::test]
async fn switching_away_from_the_keychain_removes_the_saved_password() {
    let f = fixture();
    let mut p = postgres("Shop", EnvironmentTier::Development);
    f.manager.save(p.clone(), set("pw")).await.unwrap();
    p.password = PasswordMode::None;
    f.manager
        .save(p.clone(), PasswordInput::Keep)
        .await
        .unwrap();
    assert_eq!(f.stored(&p.id), None);
}

#[tokio::test]
async fn duplicate_copies_the_password_and_delete_removes_it() {
    let f = fixture();
    let p = postgres("Shop", EnvironmentTier::Development);
    f.manager.save(p.clone(), set("pw")).await.unwrap();
    let copy = f.manager.duplicate(&p.id).await.unwrap();
    assert_eq!(copy.profile.name, "Shop (copy)");
    assert_eq!(f.stored(&copy.profile.id).as_deref(), Some("pw"));

    f.manager.delete(&p.id).await.unwrap();
    assert_eq!(f.stored(&p.id), None);
    assert!(f.manager.get(&p.id).is_err());
    assert_eq!(f.stored(&copy.profile.id).as_deref(), Some("pw"));
}

#[tokio::test]
async fn a_keychain_that_refuses_to_delete_keeps_the_connection() {
    let f = fixture();
    let p = postgres("Shop", EnvironmentTier::Development);
    f.manager.save(p.clone(), set("pw")).await.unwrap();
    f.keychain.refuse.store(true, Ordering::SeqCst);
    let err = f.manager.delete(&p.id).await.unwrap_err();
    assert!(
        matches!(err, ConnectionsError::KeychainDelete { .. }),
        "{err}"
    );
    assert!(f.manager.get(&p.id).is_ok());
}

#[tokio::test]
async fn production_is_locked_until_unlocked_and_needs_the_typed_name() {
    let f = fixture();
    let p = postgres("Live", EnvironmentTier::Production);
    let row = f.manager.save(p.clone(), set("pw")).await.unwrap();
    assert!(row.locked);
    let err = f.manager.check_write(&p.id, Some("shop")).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    assert!(!f.manager.unlock(&p.id).unwrap().locked);
    let err = f.manager.check_write(&p.id, None).unwrap_err();
    assert!(err.to_string().contains("type the database name"), "{err}");
    let err = f.manager.check_write(&p.id, Some("Shop")).unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    f.manager.check_write(&p.id, Some("shop")).unwrap();
    assert!(f.manager.lock(&p.id).unwrap().locked);
    assert!(f.manager.check_write(&p.id, Some("shop")).is_err());
}

#[tokio::test]
async fn invalid_profiles_name_their_fields_and_store_nothing() {
    let f = fixture();
    let mut p = postgres("", EnvironmentTier::Development);
    p.host = String::new();
    let err = f.manager.save(p.clone(), set("pw")).await.unwrap_err();
    let fields: Vec<&str> = err.field_errors().iter().map(|e| e.field).collect();
    assert!(
        fields.contains(&"name") && fields.contains(&"host"),
        "{fields:?}"
    );
    assert_eq!(f.stored(&p.id), None);
}

#[tokio::test]
async fn a_draft_is_tested_with_the_saved_password_when_the_form_keeps_it() {
    let f = fixture();
    let p = postgres("Shop", EnvironmentTier::Development);
    f.manager.save(p.clone(), set("saved-pw")).await.unwrap();
    let mut edited = p.clone();
    edited.port = Some(6543);
    let (_, url) = f
        .manager
        .resolve_draft(edited.clone(), PasswordInput::Keep)
        .await
        .unwrap();
    assert!(url.expose().contains("saved-pw") && url.expose().contains("6543"));
    let (_, url) = f
        .manager
        .resolve_draft(edited, set("new-pw"))
        .await
        .unwrap();
    assert!(url.expose().contains("new-pw"));
}

#[tokio::test]
async fn export_never_holds_a_password_and_import_brings_the_connections_back() {
    let f = fixture();
    let p = postgres("Shop", EnvironmentTier::Staging);
    f.manager
        .save(p.clone(), set("never-exported"))
        .await
        .unwrap();
    let out = f.dir.path().join("export.json");
    assert_eq!(f.manager.export(&out).unwrap(), 1);
    assert!(!std::fs::read_to_string(&out)
        .unwrap()
        .contains("never-exported"));

    let g = fixture();
    let report = g.manager.import(&out).unwrap();
    assert_eq!(report.imported.len(), 1);
    let id = &report.imported[0].id;
    let err = g.manager.resolve(id).await.unwrap_err();
    assert!(
        matches!(err, ConnectionsError::PasswordMissing { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn the_last_test_is_kept_for_the_next_start_and_leaves_with_the_connection() {
    let f = fixture();
    let p = postgres("Shop", EnvironmentTier::Development);
    f.manager.save(p.clone(), set("pw")).await.unwrap();
    let test = LastTest {
        ok: true,
        tested_at: "2026-11-25T10:00:00Z".into(),
        latency_ms: Some(0.4),
        server_version: Some("PostgreSQL 15.19".into()),
        problem: None,
        migration_version: Some("20261101000000".into()),
        other_tool: None,
    };
    let row = f.manager.record_test(&p.id, test.clone()).unwrap();
    assert_eq!(row.last_test.as_ref(), Some(&test));

    let reopened = ConnectionManager::open(
        f.dir.path(),
        "test",
        Box::new(|| Box::pin(async { Err(CredentialError::Locked) })),
    )
    .unwrap();
    let rows = &reopened.sections()[0].connections;
    assert_eq!(rows[0].last_test.as_ref(), Some(&test));

    f.manager.delete(&p.id).await.unwrap();
    let text = std::fs::read_to_string(f.dir.path().join(TESTS_FILE)).unwrap();
    assert!(!text.contains(&p.id), "{text}");
}

#[tokio::test]
async fn a_sqlite_connection_to_a_new_file_creates_the_database_on_save() {
    let f = fixture();
    let path = f.dir.path().join("fresh.sqlite3");
    let mut p = ConnectionProfile::new("Fresh", DatabaseKind::Sqlite, EnvironmentTier::Development);
    p.sqlite_path = Some(path.clone());
    assert!(!path.exists());
    f.manager
        .save(p.clone(), PasswordInput::Keep)
        .await
        .unwrap();
    assert!(path.is_file(), "the new database file was not created");
    let (_, url) = f.manager.resolve(&p.id).await.unwrap();
    let info = strata_core::driver::probe(url.expose(), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(info.kind, DatabaseKind::Sqlite);

    // A folder that does not exist is refused at the field, and nothing is created.
    let mut q = ConnectionProfile::new(
        "Nowhere",
        DatabaseKind::Sqlite,
        EnvironmentTier::Development,
    );
    q.sqlite_path = Some(f.dir.path().join("missing-folder/x.sqlite3"));
    let err = f.manager.save(q, PasswordInput::Keep).await.unwrap_err();
    assert!(
        err.field_errors().iter().any(|e| e.field == "sqlitePath"),
        "{err}"
    );
}
