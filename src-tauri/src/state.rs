//! What the app decided at start: which project it opened and where its data folder is.
//! Resolved once in `setup`; commands read it and never hold a lock across an await.

use std::path::{Path, PathBuf};

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
}

impl AppState {
    pub fn resolve(app: &tauri::AppHandle) -> Result<Self, Box<dyn std::error::Error>> {
        let data_dir = match strata_project::paths::data_dir() {
            Some(dir) => dir,
            None => app.path().app_data_dir()?,
        };
        let resources = app.path().resource_dir().ok().map(|dir| dir.join("demo"));
        Ok(Self {
            project_root: project_root(std::env::var_os(PROJECT_ENV).map(PathBuf::from), resources),
            data_dir,
            demo_database: tokio::sync::OnceCell::new(),
        })
    }
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
