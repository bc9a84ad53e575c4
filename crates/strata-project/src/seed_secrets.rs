//! The secrets seed datasets name (`password_hash: {secret: admin_password}`): kept in the OS
//! keychain beside the connection passwords, one entry per project and name (service as for
//! connections, account `seed-secret:<project id>:<name>`). A value enters once, from the
//! form, and is read only by a run in the backend; nothing here returns it over IPC, and no
//! error text quotes it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::connections::{ConnectionManager, KEYCHAIN_TIMEOUT};
use crate::credentials::{with_timeout, CredentialError, CredentialKey};
use crate::secret::Secret;

/// The keychain account prefix of seed secrets.
pub const ACCOUNT_PREFIX: &str = "seed-secret";

/// A project's id in keychain accounts: the first 16 hex digits of the SHA-256 of its
/// canonical folder, so two checkouts of one project keep their secrets apart.
pub fn project_id(root: &Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let hex = strata_core::checksum::sha256_normalized(&root.display().to_string());
    hex[..16].to_owned()
}

/// Where secret `name` of project `project_id` lives, for builds of `build_kind`.
pub fn key(build_kind: &str, project_id: &str, name: &str) -> CredentialKey {
    let service = CredentialKey::for_connection(build_kind, "").service;
    CredentialKey::new(service, format!("{ACCOUNT_PREFIX}:{project_id}:{name}"))
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedSecretError {
    #[error("\"{name}\" is not a secret name: datasets name secrets with letters, digits and '_' (e.g. admin_password)")]
    BadName { name: String },
    #[error("the secret \"{name}\" is empty: type its value")]
    Empty { name: String },
    #[error("the secret \"{name}\" could not be {action} the OS keychain: {source}")]
    Keychain {
        name: String,
        action: &'static str,
        #[source]
        source: CredentialError,
    },
}

/// Secret names are identifiers: `[A-Za-z0-9_]+`.
pub fn check_name(name: &str) -> Result<(), SeedSecretError> {
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(SeedSecretError::BadName {
            name: name.to_owned(),
        })
    }
}

/// Secrets read for one run, handed to the seed engine; they print as their names only.
#[derive(Default)]
pub struct SeedSecretValues(pub BTreeMap<String, Secret>);

impl strata_core::seed::SecretSource for SeedSecretValues {
    fn secret(&self, name: &str) -> Option<String> {
        self.0.get(name).map(|s| s.expose().to_owned())
    }
}

impl std::fmt::Debug for SeedSecretValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl ConnectionManager {
    /// Store `value` as secret `name` of project `project_id`, replacing any previous value.
    pub async fn store_seed_secret(
        &self,
        project_id: &str,
        name: &str,
        value: Secret,
    ) -> Result<(), SeedSecretError> {
        check_name(name)?;
        if value.is_empty() {
            return Err(SeedSecretError::Empty {
                name: name.to_owned(),
            });
        }
        let err = |source| SeedSecretError::Keychain {
            name: name.to_owned(),
            action: "saved in",
            source,
        };
        let keychain = self.keychain().await.map_err(err)?;
        let k = key(self.build_kind(), project_id, name);
        with_timeout(keychain, KEYCHAIN_TIMEOUT, move |s| s.set(&k, &value))
            .await
            .map_err(err)
    }

    /// Remove secret `name` of project `project_id`; whether there was one.
    pub async fn delete_seed_secret(
        &self,
        project_id: &str,
        name: &str,
    ) -> Result<bool, SeedSecretError> {
        check_name(name)?;
        let err = |source| SeedSecretError::Keychain {
            name: name.to_owned(),
            action: "removed from",
            source,
        };
        let keychain = self.keychain().await.map_err(err)?;
        let k = key(self.build_kind(), project_id, name);
        with_timeout(keychain, KEYCHAIN_TIMEOUT, move |s| s.delete(&k))
            .await
            .map_err(err)
    }

    /// The stored values of `names` for project `project_id` (a name with none is left out),
    /// read in one keychain call.
    pub async fn read_seed_secrets(
        &self,
        project_id: &str,
        names: &[String],
    ) -> Result<SeedSecretValues, SeedSecretError> {
        if names.is_empty() {
            return Ok(SeedSecretValues::default());
        }
        for n in names {
            check_name(n)?;
        }
        let err = |source| SeedSecretError::Keychain {
            name: names.join(", "),
            action: "read from",
            source,
        };
        let keychain = self.keychain().await.map_err(err)?;
        let keys: Vec<(String, CredentialKey)> = names
            .iter()
            .map(|n| (n.clone(), key(self.build_kind(), project_id, n)))
            .collect();
        let found = with_timeout(keychain, KEYCHAIN_TIMEOUT, move |s| {
            let mut out = BTreeMap::new();
            for (name, k) in &keys {
                if let Some(v) = s.get(k)? {
                    out.insert(name.clone(), v);
                }
            }
            Ok(out)
        })
        .await
        .map_err(err)?;
        Ok(SeedSecretValues(found))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::credentials::{CredentialStore, MemoryStore};

    fn manager(dir: &Path, store: Arc<MemoryStore>) -> ConnectionManager {
        ConnectionManager::open(
            dir,
            "debug",
            Box::new(move || {
                let s: Arc<dyn CredentialStore> = store.clone();
                Box::pin(async move { Ok(s) })
            }),
        )
        .unwrap()
    }

    #[test]
    fn keys_name_the_project_and_the_secret() {
        let k = key("debug", "0123456789abcdef", "admin_password");
        assert_eq!(k.service, "dev.strata.Strata-dev");
        assert_eq!(k.account, "seed-secret:0123456789abcdef:admin_password");
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        assert_eq!(project_id(&a).len(), 16);
        assert_ne!(project_id(&a), project_id(&b));
        assert_eq!(project_id(&a), project_id(&a.join("..").join("a")));
    }

    #[tokio::test]
    async fn a_secret_is_stored_read_and_removed_per_project() {
        use strata_core::seed::SecretSource as _;
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::new());
        let m = manager(dir.path(), store.clone());
        let names = vec!["admin_password".to_owned(), "other".to_owned()];
        assert!(m
            .read_seed_secrets("p1", &names)
            .await
            .unwrap()
            .0
            .is_empty());
        m.store_seed_secret("p1", "admin_password", Secret::new("s3cret-value"))
            .await
            .unwrap();
        let got = m.read_seed_secrets("p1", &names).await.unwrap();
        assert_eq!(
            got.secret("admin_password").as_deref(),
            Some("s3cret-value")
        );
        assert_eq!(got.secret("other"), None);
        assert!(!format!("{got:?}").contains("s3cret"), "{got:?}");
        // Another project does not see it; the keychain holds it under its account.
        assert!(m
            .read_seed_secrets("p2", &names)
            .await
            .unwrap()
            .0
            .is_empty());
        let k = key("debug", "p1", "admin_password");
        assert_eq!(store.get(&k).unwrap().unwrap().expose(), "s3cret-value");
        assert!(m.delete_seed_secret("p1", "admin_password").await.unwrap());
        assert!(m
            .read_seed_secrets("p1", &names)
            .await
            .unwrap()
            .0
            .is_empty());
    }

    #[tokio::test]
    async fn bad_names_and_empty_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let m = manager(dir.path(), Arc::new(MemoryStore::new()));
        let err = m
            .store_seed_secret("p1", "admin password", Secret::new("x"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("letters, digits and '_'"), "{err}");
        let err = m
            .store_seed_secret("p1", "admin_password", Secret::new(""))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the secret \"admin_password\" is empty: type its value"
        );
    }
}
