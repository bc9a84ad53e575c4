//! Where connection passwords live: the [`CredentialStore`] trait, the OS keychain behind it
//! (`KeyringStore`, feature `keyring`) and an in-memory store for "ask each time" sessions
//! and tests ([`MemoryStore`]). A store never puts a secret into an error text or a log.
//!
//! Store calls block (the OS keychain talks D-Bus, XPC or Win32 and may wait for an unlock
//! prompt): async callers go through [`with_timeout`], which runs the call on tokio's blocking
//! pool and gives up after a deadline, so a missing or stuck keychain never freezes the UI.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::secret::Secret;

/// The keychain service of release builds; other build kinds get a suffix, see
/// [`CredentialKey::for_connection`].
pub const APP_SERVICE: &str = "dev.strata.Strata";

/// Where one secret is kept: the keychain's service and account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialKey {
    pub service: String,
    pub account: String,
}

impl CredentialKey {
    pub fn new(service: impl Into<String>, account: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            account: account.into(),
        }
    }

    /// The key of a connection's password, keyed by app, build kind and connection id:
    /// service `dev.strata.Strata` for `"release"`, `dev.strata.Strata-dev` for `"debug"`,
    /// `dev.strata.Strata-<kind>` for any other kind; account = the connection id. So a
    /// development build never reads or overwrites the passwords of the installed app.
    pub fn for_connection(build_kind: &str, connection_id: &str) -> Self {
        let service = match build_kind {
            "release" => APP_SERVICE.to_owned(),
            "debug" => format!("{APP_SERVICE}-dev"),
            other => format!("{APP_SERVICE}-{other}"),
        };
        Self::new(service, connection_id)
    }
}

/// Why a secret could not be stored or read. The texts are meant for the user and never
/// contain the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    #[error("no OS keychain is available: {reason}. On Linux start a Secret Service such as gnome-keyring; Strata can ask for the password each time instead.")]
    Unavailable { reason: String },
    #[error("the OS keychain is locked or access was refused. Unlock it (on Linux, the login keyring) and try again; Strata can ask for the password each time instead.")]
    Locked,
    #[error("the OS keychain did not answer within {seconds} s; it may be waiting for an unlock prompt. Try again; Strata can ask for the password each time instead.")]
    TimedOut { seconds: u64 },
    #[error("the OS keychain failed: {message}")]
    Backend { message: String },
}

/// A place to keep secrets, one per [`CredentialKey`]. Calls may block: from async code use
/// [`with_timeout`].
pub trait CredentialStore: Send + Sync {
    /// Store `secret` under `key`, replacing any previous one.
    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), CredentialError>;
    /// The secret under `key`; `None` when there is none.
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, CredentialError>;
    /// Remove the secret under `key`; whether there was one.
    fn delete(&self, key: &CredentialKey) -> Result<bool, CredentialError>;
}

/// Run `f` against `store` on tokio's blocking pool; give up with
/// [`CredentialError::TimedOut`] after `timeout`. Needs a tokio runtime with time enabled. On
/// timeout the blocking call is abandoned, not cancelled: it finishes (or stays stuck) on its
/// own blocking-pool thread, and dropping the runtime waits for it, so a host that must quit
/// promptly uses `Runtime::shutdown_timeout` or exits the process.
///
/// ```no_run
/// # async fn demo(store: std::sync::Arc<dyn strata_project::credentials::CredentialStore>) {
/// use strata_project::credentials::{with_timeout, CredentialKey};
/// let key = CredentialKey::for_connection("release", "c1");
/// let password = with_timeout(store, std::time::Duration::from_secs(10), move |s| s.get(&key)).await;
/// # }
/// ```
pub async fn with_timeout<T, F>(
    store: Arc<dyn CredentialStore>,
    timeout: Duration,
    f: F,
) -> Result<T, CredentialError>
where
    T: Send + 'static,
    F: FnOnce(&dyn CredentialStore) -> Result<T, CredentialError> + Send + 'static,
{
    blocking_with_timeout(timeout, move || f(store.as_ref())).await
}

async fn blocking_with_timeout<T, F>(timeout: Duration, f: F) -> Result<T, CredentialError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, CredentialError> + Send + 'static,
{
    match tokio::time::timeout(timeout, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(result)) => result,
        // The panic payload is not shown: it could quote anything the call held.
        Ok(Err(_join_error)) => Err(CredentialError::Backend {
            message: "the keychain call stopped unexpectedly".to_owned(),
        }),
        Err(_elapsed) => Err(CredentialError::TimedOut {
            seconds: timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0),
        }),
    }
}

/// Secrets kept in memory for the life of the process: the "ask for the password each time,
/// remember it for this session" mode, and tests.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<CredentialKey, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn secrets(&self) -> std::sync::MutexGuard<'_, HashMap<CredentialKey, Secret>> {
        // A panic while holding the lock cannot leave the map half-updated.
        self.secrets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.secrets().len())
            .finish()
    }
}

impl CredentialStore for MemoryStore {
    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), CredentialError> {
        self.secrets().insert(key.clone(), secret.clone());
        Ok(())
    }

    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, CredentialError> {
        Ok(self.secrets().get(key).cloned())
    }

    fn delete(&self, key: &CredentialKey) -> Result<bool, CredentialError> {
        Ok(self.secrets().remove(key).is_some())
    }
}

#[cfg(feature = "keyring")]
pub use keyring_store::KeyringStore;

#[cfg(feature = "keyring")]
mod keyring_store;

#[cfg(test)]
mod tests {
    use super::*;

    fn key(account: &str) -> CredentialKey {
        CredentialKey::for_connection("debug", account)
    }

    /// The contract every store keeps; run against each implementation a test can reach.
    pub(crate) fn check_contract(store: &dyn CredentialStore) {
        let a = key("contract-a");
        let b = key("contract-b");
        assert!(store.get(&a).unwrap().is_none(), "a new key has no secret");
        assert!(!store.delete(&a).unwrap(), "deleting nothing reports false");

        store.set(&a, &Secret::new("first")).unwrap();
        assert_eq!(store.get(&a).unwrap().unwrap().expose(), "first");
        assert!(
            store.get(&b).unwrap().is_none(),
            "keys do not share secrets"
        );

        store.set(&a, &Secret::new("second")).unwrap();
        assert_eq!(store.get(&a).unwrap().unwrap().expose(), "second");

        let release = CredentialKey::for_connection("release", "contract-a");
        assert!(
            store.get(&release).unwrap().is_none(),
            "build kinds are separate"
        );

        assert!(store.delete(&a).unwrap());
        assert!(store.get(&a).unwrap().is_none());
        assert!(!store.delete(&a).unwrap());
    }

    #[test]
    fn memory_store_keeps_the_contract() {
        check_contract(&MemoryStore::new());
    }

    #[test]
    fn memory_store_debug_shows_no_secret() {
        let store = MemoryStore::new();
        store.set(&key("c1"), &Secret::new("pa55word")).unwrap();
        let shown = format!("{store:?}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(shown.contains("entries: 1"), "{shown}");
    }

    #[test]
    fn keys_name_app_build_and_connection() {
        let release = CredentialKey::for_connection("release", "conn-1");
        assert_eq!(release, CredentialKey::new("dev.strata.Strata", "conn-1"));
        let debug = CredentialKey::for_connection("debug", "conn-1");
        assert_eq!(debug, CredentialKey::new("dev.strata.Strata-dev", "conn-1"));
        let e2e = CredentialKey::for_connection("e2e", "conn-2");
        assert_eq!(e2e, CredentialKey::new("dev.strata.Strata-e2e", "conn-2"));
    }

    #[test]
    fn unavailable_says_what_to_do() {
        let text = CredentialError::Unavailable {
            reason: "no session bus".into(),
        }
        .to_string();
        assert!(
            text.starts_with("no OS keychain is available: no session bus."),
            "{text}"
        );
        assert!(text.contains("gnome-keyring"), "{text}");
        assert!(text.contains("ask for the password each time"), "{text}");
    }

    /// A store whose every call takes `delay`.
    struct SlowStore {
        delay: Duration,
        inner: MemoryStore,
    }

    impl CredentialStore for SlowStore {
        fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), CredentialError> {
            std::thread::sleep(self.delay);
            self.inner.set(key, secret)
        }
        fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, CredentialError> {
            std::thread::sleep(self.delay);
            self.inner.get(key)
        }
        fn delete(&self, key: &CredentialKey) -> Result<bool, CredentialError> {
            std::thread::sleep(self.delay);
            self.inner.delete(key)
        }
    }

    #[tokio::test]
    async fn with_timeout_returns_the_result_in_time() {
        let store: Arc<dyn CredentialStore> = Arc::new(MemoryStore::new());
        let k = key("c1");
        let k2 = k.clone();
        with_timeout(store.clone(), Duration::from_secs(5), move |s| {
            s.set(&k2, &Secret::new("pw"))
        })
        .await
        .unwrap();
        let got = with_timeout(store, Duration::from_secs(5), move |s| s.get(&k))
            .await
            .unwrap();
        assert_eq!(got.unwrap().expose(), "pw");
    }

    #[tokio::test]
    async fn with_timeout_gives_up_on_a_stuck_store() {
        let store: Arc<dyn CredentialStore> = Arc::new(SlowStore {
            delay: Duration::from_millis(1500),
            inner: MemoryStore::new(),
        });
        let started = std::time::Instant::now();
        let k = key("c1");
        let err = with_timeout(store, Duration::from_millis(200), move |s| s.get(&k))
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "waited for the stuck call"
        );
        assert!(
            matches!(err, CredentialError::TimedOut { seconds: 1 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("within 1 s"), "{err}");
    }

    #[tokio::test]
    async fn with_timeout_reports_a_panic_without_its_payload() {
        let store: Arc<dyn CredentialStore> = Arc::new(MemoryStore::new());
        let err = with_timeout(store, Duration::from_secs(5), |_| -> Result<(), _> {
            panic!("leaked-pw")
        })
        .await
        .unwrap_err();
        assert!(matches!(err, CredentialError::Backend { .. }), "{err:?}");
        assert!(!err.to_string().contains("leaked-pw"), "{err}");
    }

    #[cfg(feature = "keyring")]
    mod keyring {
        use keyring_core::mock;

        use super::super::keyring_store::to_credential_error;
        use super::*;

        fn mock_store() -> KeyringStore {
            KeyringStore::from_core(mock::Store::new().unwrap())
        }

        #[test]
        fn keyring_store_keeps_the_contract_on_the_mock() {
            check_contract(&mock_store());
        }

        #[test]
        fn keyring_errors_never_quote_the_secret() {
            let secret = b"s3cr3t-bytes".to_vec();
            let errors = [
                keyring_core::Error::BadEncoding(secret.clone()),
                keyring_core::Error::BadDataFormat(secret.clone(), "bad".into()),
            ];
            for error in errors {
                let err = to_credential_error(error);
                for shown in [err.to_string(), format!("{err:?}")] {
                    assert!(!shown.contains("s3cr3t"), "{shown}");
                    assert!(!shown.contains("115, 51, 99"), "{shown}"); // the bytes, as a list
                }
            }
        }

        #[test]
        fn keyring_errors_map_to_what_the_ui_can_say() {
            let locked = keyring_core::Error::NoStorageAccess("locked".into());
            assert!(matches!(
                to_credential_error(locked),
                CredentialError::Locked
            ));
            let gone = keyring_core::Error::PlatformFailure(
                "org.freedesktop.DBus.Error.ServiceUnknown: The name is not activatable".into(),
            );
            assert!(matches!(
                to_credential_error(gone),
                CredentialError::Unavailable { .. }
            ));
            let other = keyring_core::Error::PlatformFailure("disk full".into());
            let err = to_credential_error(other);
            assert!(matches!(err, CredentialError::Backend { .. }), "{err:?}");
            assert!(err.to_string().contains("disk full"), "{err}");
        }

        #[test]
        fn a_failing_keychain_call_is_an_error_not_a_missing_secret() {
            let store = mock_store();
            let k = key("c1");
            store.set(&k, &Secret::new("pw")).unwrap();
            let entry = store.entry(&k).unwrap();
            let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
            cred.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
            // The mock store hands out one credential per key, so the store's next call fails.
            let err = store.get(&k).unwrap_err();
            assert!(matches!(err, CredentialError::Locked), "{err:?}");
            cred.set_error(keyring_core::Error::PlatformFailure("bus gone".into()));
            let err = store.delete(&k).unwrap_err();
            assert!(matches!(err, CredentialError::Backend { .. }), "{err:?}");
            assert_eq!(
                store.get(&k).unwrap().unwrap().expose(),
                "pw",
                "the secret is intact"
            );
        }
    }
}
