//! The connection manager a host (the desktop app, a CLI) keeps for the life of the process:
//! the saved profiles, their passwords (OS keychain or session memory) and the session's
//! unlocks. A profile and its password are saved together or not at all: the password goes
//! first, so a keychain failure leaves the profile file untouched, and a failed profile write
//! takes a new password back out. Passwords only ever enter here; nothing here returns one
//! except [`ConnectionManager::resolve`], which hands the driver its URL as a [`Secret`].

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use strata_core::DatabaseKind;

use crate::credentials::{
    with_timeout, CredentialError, CredentialKey, CredentialStore, MemoryStore,
};
use crate::profile::{ConnectionProfile, FieldError, PasswordMode};
use crate::protection::{Lock, ProtectionError, SessionUnlocks};
use crate::secret::Secret;
use crate::store::{ProfileGroup, ProfileStore, StoreError};
use crate::transfer::{self, ImportReport, TransferError};

/// How long a keychain call may take before the user is told it did not answer.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the OS keychain; called again after a failure, so a keychain the user starts later
/// is found without restarting the app.
pub type KeychainOpener = Box<
    dyn Fn() -> Pin<
            Box<dyn Future<Output = Result<Arc<dyn CredentialStore>, CredentialError>> + Send>,
        > + Send
        + Sync,
>;

/// What the form sends about the password when a connection is saved.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PasswordInput {
    /// Leave the stored password as it is (an edit that does not touch it).
    Keep,
    /// A password typed into the form.
    Set { value: Secret },
    /// The password of a pasted connection URL, taken out of it here.
    FromUrl { url: Secret },
}

/// Why a connection operation failed. No text quotes a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the password of \"{connection}\" could not be saved in the OS keychain, so the connection was not saved: {source}")]
    KeychainSave {
        connection: String,
        #[source]
        source: CredentialError,
    },
    #[error("the password of \"{connection}\" could not be read from the OS keychain: {source}")]
    KeychainRead {
        connection: String,
        #[source]
        source: CredentialError,
    },
    #[error("the password of \"{connection}\" could not be removed from the OS keychain, so the connection was kept: {source}")]
    KeychainDelete {
        connection: String,
        #[source]
        source: CredentialError,
    },
    #[error("\"{connection}\" asks for its password each session: enter it to connect.")]
    PasswordNeeded { connection: String },
    #[error("\"{connection}\" keeps its password in the OS keychain, but there is none saved: edit the connection and enter the password.")]
    PasswordMissing { connection: String },
    #[error("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid { errors: Vec<FieldError> },
    #[error(transparent)]
    Protection(#[from] ProtectionError),
    #[error(transparent)]
    Transfer(#[from] TransferError),
}

impl ConnectionsError {
    /// The form fields a rejection belongs to, for the UI to mark.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid { errors } | Self::Store(StoreError::Invalid { errors }) => errors,
            _ => &[],
        }
    }
}

/// One row of the connection list: the profile (never a password) and what the session knows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRow {
    pub profile: ConnectionProfile,
    /// The connection's URL without its password, for the list and logs.
    pub display_url: String,
    /// Traffic may cross the network unencrypted (TLS off or only preferred, to a remote host).
    pub plaintext: bool,
    /// Read-only protection is on and the user has not unlocked it in this session.
    pub locked: bool,
    /// An "ask each time" password is known for this session.
    pub password_in_session: bool,
    /// The last test of this connection in this session.
    pub last_test: Option<LastTest>,
}

/// The file beside `connections.json` that keeps each connection's last test result (no
/// secrets: versions, latency, a one-line problem). Losing it loses nothing that matters.
pub const TESTS_FILE: &str = "connection-tests.json";

/// What the last connection test found, for the list row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LastTest {
    pub ok: bool,
    /// When it ran, UTC, RFC 3339.
    pub tested_at: String,
    pub latency_ms: Option<f64>,
    /// What the server said it is, e.g. `PostgreSQL 15.19`.
    pub server_version: Option<String>,
    /// The failure in one line, when it failed.
    pub problem: Option<String>,
    /// The newest migration Strata's history records in that database, when it has one.
    pub migration_version: Option<String>,
    /// Another tool's history found there instead (`sqlx`, `flyway`…).
    pub other_tool: Option<String>,
}

impl LastTest {
    /// The row summary of a test, with what the database's history says when it was read.
    pub fn from_diagnosis(
        diagnosis: &strata_core::driver::diagnose::Diagnosis,
        history: Option<&strata_core::engine::HistorySnapshot>,
    ) -> Self {
        use strata_core::driver::diagnose::{Outcome, StepKind};
        let server_version = diagnosis
            .step(StepKind::ServerVersion)
            .filter(|s| s.outcome != Outcome::Failed)
            .map(|s| s.detail.clone());
        let migration_version = history.and_then(|h| {
            h.history
                .iter()
                .filter(|m| m.state == strata_core::history::AppliedState::Applied)
                .map(|m| m.version.clone())
                .next_back()
        });
        Self {
            ok: diagnosis.ok,
            tested_at: strata_core::clock::now_iso(),
            latency_ms: diagnosis.latency_ms,
            server_version,
            problem: diagnosis.failure().map(|p| p.explanation.clone()),
            migration_version,
            other_tool: history
                .and_then(|h| h.foreign.as_ref())
                .map(|f| f.tool.to_string()),
        }
    }
}

/// A section of the list: a group, a project folder's connections, or the rest.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSection {
    pub name: Option<String>,
    pub project_dir: Option<String>,
    pub connections: Vec<ConnectionRow>,
}

/// The saved connections and their secrets, for one process.
pub struct ConnectionManager {
    store: Mutex<ProfileStore>,
    keychain: tokio::sync::OnceCell<Arc<dyn CredentialStore>>,
    open_keychain: KeychainOpener,
    session: Arc<MemoryStore>,
    unlocks: SessionUnlocks,
    build_kind: String,
    last_tests: Mutex<HashMap<String, LastTest>>,
    tests_path: std::path::PathBuf,
}

impl std::fmt::Debug for ConnectionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionManager")
            .field("build_kind", &self.build_kind)
            .finish_non_exhaustive()
    }
}

impl ConnectionManager {
    /// Open the profiles in `config_dir`. `build_kind` keeps the passwords of development and
    /// release builds apart (see [`CredentialKey::for_connection`]).
    pub fn open(
        config_dir: &Path,
        build_kind: impl Into<String>,
        open_keychain: KeychainOpener,
    ) -> Result<Self, StoreError> {
        Ok(Self {
            store: Mutex::new(ProfileStore::open(config_dir)?),
            keychain: tokio::sync::OnceCell::new(),
            open_keychain,
            session: Arc::new(MemoryStore::new()),
            unlocks: SessionUnlocks::new(),
            build_kind: build_kind.into(),
            last_tests: Mutex::new(read_tests(&config_dir.join(TESTS_FILE))),
            tests_path: config_dir.join(TESTS_FILE),
        })
    }

    fn store(&self) -> MutexGuard<'_, ProfileStore> {
        // Every store change is all-or-nothing, so a panic elsewhere cannot leave it half-done.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn key(&self, id: &str) -> CredentialKey {
        CredentialKey::for_connection(&self.build_kind, id)
    }

    /// The build kind the keychain keys of this process carry (see [`CredentialKey::for_connection`]).
    pub(crate) fn build_kind(&self) -> &str {
        &self.build_kind
    }

    pub(crate) async fn keychain(&self) -> Result<Arc<dyn CredentialStore>, CredentialError> {
        self.keychain
            .get_or_try_init(|| (self.open_keychain)())
            .await
            .cloned()
    }

    /// The saved connection `id`.
    pub fn get(&self, id: &str) -> Result<ConnectionProfile, ConnectionsError> {
        self.store()
            .get(id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound { id: id.to_owned() }.into())
    }

    /// The list as the Connections screen shows it, grouped.
    pub fn sections(&self) -> Vec<ConnectionSection> {
        let groups: Vec<ProfileGroup> = self.store().grouped();
        groups
            .into_iter()
            .map(|g| ConnectionSection {
                name: g.name,
                project_dir: g.project_dir.map(|d| d.display().to_string()),
                connections: g.profiles.into_iter().map(|p| self.row(p)).collect(),
            })
            .collect()
    }

    fn row(&self, profile: ConnectionProfile) -> ConnectionRow {
        let password_in_session = profile.password == PasswordMode::AskEachTime
            && matches!(self.session.get(&self.key(&profile.id)), Ok(Some(_)));
        ConnectionRow {
            display_url: crate::url::display_url(&profile),
            plaintext: profile.is_plaintext(),
            locked: profile.protection.read_only
                && self.unlocks.lock_state(&profile.id) == Lock::Locked,
            password_in_session,
            last_test: self
                .last_tests
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&profile.id)
                .cloned(),
            profile,
        }
    }

    /// Remember the result of testing connection `id` for its row; the updated row.
    pub fn record_test(&self, id: &str, test: LastTest) -> Result<ConnectionRow, ConnectionsError> {
        let profile = self.get(id)?;
        let mut tests = self
            .last_tests
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        tests.insert(id.to_owned(), test);
        self.write_tests(&tests);
        drop(tests);
        Ok(self.row(profile))
    }

    /// Keep the last tests for the next start; a failure only costs the rows' test badges.
    fn write_tests(&self, tests: &HashMap<String, LastTest>) {
        let written = serde_json::to_vec_pretty(tests)
            .map_err(std::io::Error::from)
            .and_then(|bytes| crate::store::write_atomically(&self.tests_path, &bytes));
        if let Err(e) = written {
            tracing::warn!(path = %self.tests_path.display(), error = %e, "could not keep the last test results");
        }
    }

    /// Save `profile` (new when its id is unknown) with its password. Returns its row.
    pub async fn save(
        &self,
        profile: ConnectionProfile,
        password: PasswordInput,
    ) -> Result<ConnectionRow, ConnectionsError> {
        let existing = self.store().get(&profile.id).cloned();
        {
            let store = self.store();
            let others: Vec<ConnectionProfile> = store
                .list()
                .iter()
                .filter(|p| p.id != profile.id)
                .cloned()
                .collect();
            profile
                .validate(&others)
                .map_err(|errors| ConnectionsError::Invalid { errors })?;
        }
        create_sqlite_file(&profile).await?;
        let new_password = match password {
            PasswordInput::Keep => None,
            PasswordInput::Set { value } => Some(value),
            PasswordInput::FromUrl { url } => {
                crate::url::parse_url(url.expose())
                    .map_err(|errors| ConnectionsError::Invalid { errors })?
                    .1
            }
        };
        let key = self.key(&profile.id);
        let name = profile.name.clone();
        // The password first: if the keychain refuses, nothing changed.
        let stored_new = match (profile.password, new_password) {
            (PasswordMode::Keychain, Some(secret)) => {
                let keychain =
                    self.keychain()
                        .await
                        .map_err(|source| ConnectionsError::KeychainSave {
                            connection: name.clone(),
                            source,
                        })?;
                let k = key.clone();
                with_timeout(keychain, KEYCHAIN_TIMEOUT, move |s| s.set(&k, &secret))
                    .await
                    .map_err(|source| ConnectionsError::KeychainSave {
                        connection: name.clone(),
                        source,
                    })?;
                true
            }
            (PasswordMode::AskEachTime, Some(secret)) => {
                self.session.set(&key, &secret).map_err(|source| {
                    ConnectionsError::KeychainSave {
                        connection: name.clone(),
                        source,
                    }
                })?;
                false
            }
            _ => false,
        };
        let written = {
            let mut store = self.store();
            if existing.is_some() {
                store.update(profile.clone()).map(|_| ())
            } else {
                store.add(profile.clone()).map(|_| ())
            }
        };
        if let Err(e) = written {
            if stored_new && existing.is_none() {
                // A new connection that was not saved must not leave its password behind.
                let _ = self.forget_keychain_password(&profile.id).await;
            }
            return Err(e.into());
        }
        // A password the connection no longer keeps in the keychain leaves it.
        if let Some(old) = existing {
            if old.password == PasswordMode::Keychain && profile.password != PasswordMode::Keychain
            {
                if let Err(e) = self.forget_keychain_password(&profile.id).await {
                    tracing::warn!(connection = %profile.id, error = %e, "old keychain password left behind");
                }
            }
        }
        if profile.password != PasswordMode::AskEachTime {
            let _ = self.session.delete(&key);
        }
        Ok(self.row(profile))
    }

    async fn forget_keychain_password(&self, id: &str) -> Result<bool, CredentialError> {
        let keychain = self.keychain().await?;
        let key = self.key(id);
        with_timeout(keychain, KEYCHAIN_TIMEOUT, move |s| s.delete(&key)).await
    }

    /// Save a copy of `id` ("X (copy)") with a copy of its keychain password.
    pub async fn duplicate(&self, id: &str) -> Result<ConnectionRow, ConnectionsError> {
        let original = self.get(id)?;
        let password = match original.password {
            PasswordMode::Keychain => self.stored_password(&original).await?,
            PasswordMode::AskEachTime => self.session.get(&self.key(id)).ok().flatten(),
            PasswordMode::None => None,
        };
        let copy_id = self.store().duplicate(id)?;
        let copy = self.get(&copy_id)?;
        if let Some(secret) = password {
            let key = self.key(&copy_id);
            let copied = match copy.password {
                PasswordMode::Keychain => match self.keychain().await {
                    Ok(keychain) => {
                        with_timeout(keychain, KEYCHAIN_TIMEOUT, move |s| s.set(&key, &secret))
                            .await
                    }
                    Err(e) => Err(e),
                },
                _ => self.session.set(&key, &secret),
            };
            if let Err(source) = copied {
                // No copy without its password: take the copy back out.
                let _ = self.store().remove(&copy_id);
                return Err(ConnectionsError::KeychainSave {
                    connection: copy.name,
                    source,
                });
            }
        }
        Ok(self.row(copy))
    }

    /// Delete `id` and its password. The keychain entry goes first: a keychain that refuses
    /// keeps the connection, so no password is left behind without a way to reach it.
    pub async fn delete(&self, id: &str) -> Result<(), ConnectionsError> {
        let profile = self.get(id)?;
        if profile.password == PasswordMode::Keychain {
            self.forget_keychain_password(id).await.map_err(|source| {
                ConnectionsError::KeychainDelete {
                    connection: profile.name.clone(),
                    source,
                }
            })?;
        }
        self.store().remove(id)?;
        let _ = self.session.delete(&self.key(id));
        let mut tests = self
            .last_tests
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if tests.remove(id).is_some() {
            self.write_tests(&tests);
        }
        self.unlocks.lock(id);
        Ok(())
    }

    async fn stored_password(
        &self,
        profile: &ConnectionProfile,
    ) -> Result<Option<Secret>, ConnectionsError> {
        let read_err = |source| ConnectionsError::KeychainRead {
            connection: profile.name.clone(),
            source,
        };
        let keychain = self.keychain().await.map_err(read_err)?;
        let key = self.key(&profile.id);
        with_timeout(keychain, KEYCHAIN_TIMEOUT, move |s| s.get(&key))
            .await
            .map_err(read_err)
    }

    /// Remember the password of an "ask each time" connection until the process ends.
    pub fn provide_session_password(
        &self,
        id: &str,
        password: Secret,
    ) -> Result<(), ConnectionsError> {
        let profile = self.get(id)?;
        self.session
            .set(&self.key(id), &password)
            .map_err(|source| ConnectionsError::KeychainSave {
                connection: profile.name,
                source,
            })
    }

    /// The profile and the URL the driver connects with, password included.
    pub async fn resolve(&self, id: &str) -> Result<(ConnectionProfile, Secret), ConnectionsError> {
        let profile = self.get(id)?;
        let password = self.password_for(&profile).await?;
        let url = crate::url::to_url(&profile, password.as_ref());
        Ok((profile, url))
    }

    /// The password `profile` connects with, from where its mode keeps it.
    async fn password_for(
        &self,
        profile: &ConnectionProfile,
    ) -> Result<Option<Secret>, ConnectionsError> {
        if profile.engine == DatabaseKind::Sqlite {
            return Ok(None);
        }
        match profile.password {
            PasswordMode::None => Ok(None),
            PasswordMode::AskEachTime => self
                .session
                .get(&self.key(&profile.id))
                .ok()
                .flatten()
                .map(Some)
                .ok_or_else(|| ConnectionsError::PasswordNeeded {
                    connection: profile.name.clone(),
                }),
            PasswordMode::Keychain => {
                self.stored_password(profile)
                    .await?
                    .map(Some)
                    .ok_or_else(|| ConnectionsError::PasswordMissing {
                        connection: profile.name.clone(),
                    })
            }
        }
    }

    /// A profile typed into the form but not saved, with the URL to test it: the form's
    /// password, else (for an edit) the saved one.
    pub async fn resolve_draft(
        &self,
        profile: ConnectionProfile,
        password: PasswordInput,
    ) -> Result<(ConnectionProfile, Secret), ConnectionsError> {
        let password = match password {
            PasswordInput::Set { value } => Some(value),
            PasswordInput::FromUrl { url } => {
                crate::url::parse_url(url.expose())
                    .map_err(|errors| ConnectionsError::Invalid { errors })?
                    .1
            }
            PasswordInput::Keep => {
                let saved = self.store().get(&profile.id).cloned();
                match saved {
                    Some(saved) => self.password_for(&saved).await?,
                    None => None,
                }
            }
        };
        let url = crate::url::to_url(&profile, password.as_ref());
        Ok((profile, url))
    }

    /// Unlock a read-only connection for this session.
    pub fn unlock(&self, id: &str) -> Result<ConnectionRow, ConnectionsError> {
        let profile = self.get(id)?;
        self.unlocks.unlock(id);
        Ok(self.row(profile))
    }

    /// Lock a connection again.
    pub fn lock(&self, id: &str) -> Result<ConnectionRow, ConnectionsError> {
        let profile = self.get(id)?;
        self.unlocks.lock(id);
        Ok(self.row(profile))
    }

    /// The backend's guard before any write to connection `id`: read-only until unlocked,
    /// and the typed database name where the connection asks for it.
    pub fn check_write(
        &self,
        id: &str,
        typed_confirmation: Option<&str>,
    ) -> Result<ConnectionProfile, ConnectionsError> {
        let profile = self.get(id)?;
        self.unlocks.check(&profile, typed_confirmation)?;
        Ok(profile)
    }

    /// Write every saved connection, without passwords, to `path`.
    pub fn export(&self, path: &Path) -> Result<u32, ConnectionsError> {
        let profiles = self.store().list().to_vec();
        transfer::export(path, &profiles)?;
        Ok(u32::try_from(profiles.len()).unwrap_or(u32::MAX))
    }

    /// Import an export file; imported connections ask for their passwords.
    pub fn import(&self, path: &Path) -> Result<ImportReport, ConnectionsError> {
        Ok(transfer::import(path, &mut self.store())?)
    }

    /// Attach a project folder to a group (`None` detaches it).
    pub fn set_group_project(
        &self,
        group: &str,
        project_dir: Option<std::path::PathBuf>,
    ) -> Result<(), ConnectionsError> {
        Ok(self.store().set_group_project(group, project_dir)?)
    }
}

/// A SQLite connection to a file that does not exist yet starts a new database there (the
/// form's "New file…"): the file is created, empty, when the connection is saved. Validation
/// has already checked that its folder exists.
async fn create_sqlite_file(profile: &ConnectionProfile) -> Result<(), ConnectionsError> {
    let Some(path) = profile.sqlite_path.as_deref() else {
        return Ok(());
    };
    if profile.engine != DatabaseKind::Sqlite || path.exists() {
        return Ok(());
    }
    strata_core::driver::ensure_sqlite_file(path)
        .await
        .map(drop)
        .map_err(|e| ConnectionsError::Invalid {
            errors: vec![FieldError::new(
                "sqlitePath",
                format!("the new database file could not be created: {e}"),
            )],
        })
}

/// The last tests kept by an earlier run; an unreadable file is an empty one (it holds only
/// what the next test finds again).
fn read_tests(path: &Path) -> HashMap<String, LastTest> {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "connections_tests.rs"]
mod tests;
