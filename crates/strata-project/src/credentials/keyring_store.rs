//! The OS keychain behind the CredentialStore trait (keyring-core with one store per OS).

use std::sync::Arc;
use std::time::Duration;

use keyring_core::{Entry, Error};

use super::{blocking_with_timeout, CredentialError, CredentialKey, CredentialStore};
use crate::secret::Secret;

/// The OS keychain: the Secret Service on Linux and the BSDs (over zbus, fails at once
/// when there is no session bus or no Secret Service), the Keychain on macOS, the
/// Credential Manager on Windows. Each `KeyringStore` owns its own connection, so after
/// the user starts a keychain, a new `KeyringStore` finds it.
pub struct KeyringStore {
    store: Arc<keyring_core::CredentialStore>,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore")
            .field("vendor", &self.store.vendor())
            .finish()
    }
}

impl KeyringStore {
    /// Connect to the OS keychain. Blocks (briefly: it fails fast when there is none);
    /// from async code use [`KeyringStore::open`].
    pub fn connect() -> Result<Self, CredentialError> {
        let store = platform_store().map_err(|e| CredentialError::Unavailable {
            reason: safe_text(&e),
        })?;
        Ok(Self { store })
    }

    /// [`KeyringStore::connect`] on tokio's blocking pool, bounded by `timeout`.
    pub async fn open(timeout: Duration) -> Result<Self, CredentialError> {
        blocking_with_timeout(timeout, Self::connect).await
    }

    #[cfg(test)]
    pub(super) fn from_core(store: Arc<keyring_core::CredentialStore>) -> Self {
        Self { store }
    }

    pub(super) fn entry(&self, key: &CredentialKey) -> Result<Entry, CredentialError> {
        self.store
            .build(&key.service, &key.account, None)
            .map_err(to_credential_error)
    }

    /// Delete every item matching `key`; how many there were.
    fn delete_all(&self, entry: &Entry) -> Result<usize, CredentialError> {
        match entry.delete_credential() {
            Ok(()) => Ok(1),
            Err(Error::NoEntry) => Ok(0),
            // Duplicates made by another program: remove them all, so the key is free.
            Err(Error::Ambiguous(items)) => {
                for item in &items {
                    match item.delete_credential() {
                        Ok(()) | Err(Error::NoEntry) => {}
                        Err(e) => return Err(to_credential_error(e)),
                    }
                }
                Ok(items.len())
            }
            Err(e) => Err(to_credential_error(e)),
        }
    }
}

impl CredentialStore for KeyringStore {
    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), CredentialError> {
        let entry = self.entry(key)?;
        match entry.set_password(secret.expose()) {
            Err(Error::Ambiguous(_)) => {
                self.delete_all(&entry)?;
                entry
                    .set_password(secret.expose())
                    .map_err(to_credential_error)
            }
            other => other.map_err(to_credential_error),
        }
    }

    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, CredentialError> {
        match self.entry(key)?.get_password() {
            Ok(password) => Ok(Some(Secret::from(password))),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(to_credential_error(e)),
        }
    }

    fn delete(&self, key: &CredentialKey) -> Result<bool, CredentialError> {
        Ok(self.delete_all(&self.entry(key)?)? > 0)
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ),
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    Err(Error::NotSupportedByStore(
        "Strata has no keychain support on this operating system".to_owned(),
    ))
}

/// A keyring error as a user-facing error. The variants that carry secret bytes
/// (`BadEncoding`, `BadDataFormat`) and variants added later are never formatted.
pub(super) fn to_credential_error(error: Error) -> CredentialError {
    match error {
        Error::NoStorageAccess(_) => CredentialError::Locked,
        Error::PlatformFailure(ref source) if no_service(&source.to_string()) => {
            CredentialError::Unavailable {
                reason: safe_text(&error),
            }
        }
        error => CredentialError::Backend {
            message: safe_text(&error),
        },
    }
}

/// The text of a keyring error that is safe to show.
fn safe_text(error: &Error) -> String {
    match error {
        Error::BadEncoding(_) => "the stored password is not valid UTF-8 text".to_owned(),
        Error::BadDataFormat(..) => "the stored secret is malformed".to_owned(),
        Error::Ambiguous(items) => format!(
            "{} keychain items match this connection; remove the extra ones in your keychain app",
            items.len()
        ),
        // The D-Bus / OS error itself, without keyring's "Platform failure: " prefix.
        Error::PlatformFailure(source) | Error::NoStorageAccess(source) => source.to_string(),
        Error::NoEntry
        | Error::BadStoreFormat(_)
        | Error::TooLong(..)
        | Error::Invalid(..)
        | Error::NoDefaultStore
        | Error::NotSupportedByStore(_) => error.to_string(),
        _ => "unexpected keychain error".to_owned(),
    }
}

/// Whether a D-Bus failure means nobody provides the Secret Service (as opposed to a
/// Secret Service that failed).
fn no_service(text: &str) -> bool {
    [
        "ServiceUnknown",
        "NameHasNoOwner",
        "was not provided by any .service files",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}
