//! Where Strata keeps its own files. `STRATA_DATA_DIR` overrides the OS default so tests and
//! portable installs never touch a user's real data.

use std::path::PathBuf;

/// Environment variable that replaces the OS data folder.
pub const DATA_DIR_ENV: &str = "STRATA_DATA_DIR";

/// The folder for Strata's data: `$STRATA_DATA_DIR`, else the OS data folder
/// (`~/.local/share/strata` on Linux, `~/Library/Application Support/dev.strata.Strata` on
/// macOS, `%APPDATA%\strata\Strata\data` on Windows). `None` only when the OS reports no home.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "strata", "Strata").map(|d| d.data_dir().to_owned())
}

/// The embedded SQLite database the app opens the demo project against.
pub fn demo_database(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("demo").join("demo.sqlite3")
}
