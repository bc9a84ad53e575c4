//! What the app decided at start: which project it opened and where its data folder is.
//! Resolved once in `setup`; commands read it and never hold a lock across an await.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use strata_project::connections::{ConnectionManager, KeychainOpener};
use strata_project::StoreError;

use strata_core::driver::SqliteFile;
use tauri::Manager as _;

/// The project folder to open instead of the demo project (also read by the `strata` CLI).
pub const PROJECT_ENV: &str = "STRATA_PROJECT";

#[derive(Debug)]
pub struct AppState {
    /// The project the window shows.
    pub project_root: PathBuf,
    /// Strata's data folder (`STRATA_DATA_DIR` or the OS data folder).
    pub data_dir: PathBuf,
    /// The demo project's embedded SQLite database, opened (and created) on first use.
    pub demo_database: tokio::sync::OnceCell<SqliteFile>,
    /// Where `connections.json` lives (`STRATA_CONFIG_DIR` or the OS config folder).
    pub config_dir: PathBuf,
    /// The saved connections, or why their file could not be read (it is kept as it is
    /// until the user sets it aside). Locked only to clone or replace the `Arc`.
    connections: RwLock<Result<Arc<ConnectionManager>, Arc<StoreError>>>,
    /// Opens the password store, for each (re)opening of the connections.
    keychain: SharedOpener,
    /// One lazy pool per saved connection, by id.
    pub pools: crate::pools::PoolRegistry,
    /// The runs going now, by the key their caller chose, for `cancel_run`.
    pub runs: crate::runs::RunRegistry,
}

impl AppState {
    pub fn resolve(app: &tauri::AppHandle) -> Result<Self, Box<dyn std::error::Error>> {
        let data_dir = match strata_project::paths::data_dir() {
            Some(dir) => dir,
            None => app.path().app_data_dir()?,
        };
        let config_dir = match strata_project::paths::config_dir() {
            Some(dir) => dir,
            None => app.path().app_config_dir()?,
        };
        let resources = app.path().resource_dir().ok().map(|dir| dir.join("demo"));
        let root = project_root(std::env::var_os(PROJECT_ENV).map(PathBuf::from), resources);
        Ok(Self::new(root, data_dir, config_dir, os_keychain()))
    }

    /// The state for `project_root` with Strata's data in `data_dir` and its saved connections
    /// in `config_dir`, their passwords in the store `keychain` opens (the OS keychain in the
    /// app; an in-memory store in tests). Nothing is connected or created here.
    pub fn new(
        project_root: PathBuf,
        data_dir: PathBuf,
        config_dir: PathBuf,
        keychain: KeychainOpener,
    ) -> Self {
        let keychain = SharedOpener(Arc::new(keychain));
        let connections = RwLock::new(open_connections(&config_dir, &keychain));
        Self {
            project_root,
            data_dir,
            demo_database: tokio::sync::OnceCell::new(),
            config_dir,
            connections,
            keychain,
            pools: crate::pools::PoolRegistry::default(),
            runs: crate::runs::RunRegistry::default(),
        }
    }

    /// The connection manager; the store's error when its file is unreadable.
    pub fn connections(&self) -> Result<Arc<ConnectionManager>, Arc<StoreError>> {
        self.connections
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Read the connections file again (after it was set aside or repaired).
    pub fn reopen_connections(&self) -> Result<Arc<ConnectionManager>, Arc<StoreError>> {
        let opened = open_connections(&self.config_dir, &self.keychain);
        *self
            .connections
            .write()
            .unwrap_or_else(PoisonError::into_inner) = opened.clone();
        opened
    }
}

/// Development builds keep their passwords apart from the installed app's.
pub const BUILD_KIND: &str = if cfg!(debug_assertions) {
    "debug"
} else {
    "release"
};

/// The OS keychain, opened on first use (and again after a failure).
fn os_keychain() -> KeychainOpener {
    Box::new(|| {
        Box::pin(async {
            let store = strata_project::credentials::KeyringStore::open(
                strata_project::connections::KEYCHAIN_TIMEOUT,
            )
            .await?;
            let store: Arc<dyn strata_project::credentials::CredentialStore> = Arc::new(store);
            Ok(store)
        })
    })
}

/// A keychain opener shared by every opening of the connections file.
struct SharedOpener(Arc<KeychainOpener>);

impl std::fmt::Debug for SharedOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeychainOpener")
    }
}

fn open_connections(
    config_dir: &Path,
    keychain: &SharedOpener,
) -> Result<Arc<ConnectionManager>, Arc<StoreError>> {
    let keychain = keychain.0.clone();
    let opener: KeychainOpener = Box::new(move || keychain());
    ConnectionManager::open(config_dir, BUILD_KIND, opener)
        .map(Arc::new)
        .map_err(|e| {
            tracing::error!(error = %e, "the connections file is unreadable; it is kept as it is");
            Arc::new(e)
        })
}

/// The demo project next to the sources this binary was built from (a checkout running the
/// app in development), when it still exists.
fn source_tree_demo() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    (cfg!(debug_assertions) && root.join(strata_project::project::SETTINGS_FILE).is_file())
        .then(|| root.to_owned())
}

/// Which project to open: `$STRATA_PROJECT`, else the checkout's demo project for development
/// builds (so edits to `migrations/` show at once), else the copy bundled with the app.
fn project_root(from_env: Option<PathBuf>, bundled: Option<PathBuf>) -> PathBuf {
    from_env
        .filter(|p| !p.as_os_str().is_empty())
        .or_else(source_tree_demo)
        .or(bundled)
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_wins_then_checkout_then_bundle() {
        let env = PathBuf::from("/projects/shop");
        let bundled = PathBuf::from("/usr/lib/Strata/demo");
        assert_eq!(project_root(Some(env.clone()), Some(bundled.clone())), env);
        // Tests are debug builds inside the checkout: the checkout's demo comes next.
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        assert_eq!(
            project_root(Some(PathBuf::new()), Some(bundled.clone())),
            checkout
        );
        assert_eq!(project_root(None, Some(bundled)), checkout);
    }
}
