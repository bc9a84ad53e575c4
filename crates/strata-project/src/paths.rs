//! Where Strata keeps its own files. `STRATA_DATA_DIR` and `STRATA_CONFIG_DIR` override the OS
//! defaults so tests and portable installs never touch a user's real data.

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

/// Environment variable that replaces the OS config folder.
pub const CONFIG_DIR_ENV: &str = "STRATA_CONFIG_DIR";

/// The folder for Strata's settings and saved connections: `$STRATA_CONFIG_DIR`, else the OS
/// config folder (`~/.config/strata` on Linux, `~/Library/Application Support/dev.strata.Strata`
/// on macOS, `%APPDATA%\strata\Strata\config` on Windows). `None` only when the OS reports no
/// home.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "strata", "Strata").map(|d| d.config_dir().to_owned())
}

/// Environment variable that replaces the OS cache folder.
pub const CACHE_DIR_ENV: &str = "STRATA_CACHE_DIR";

/// The folder for what Strata can always rebuild (the read cache of migrations folders):
/// `$STRATA_CACHE_DIR`, else the OS cache folder (`~/.cache/strata` on Linux,
/// `~/Library/Caches/dev.strata.Strata` on macOS, `%LOCALAPPDATA%\strata\Strata\cache` on
/// Windows). Deleting it loses nothing. `None` only when the OS reports no home.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "strata", "Strata").map(|d| d.cache_dir().to_owned())
}

/// The embedded SQLite database the app opens the demo project against.
pub fn demo_database(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("demo").join("demo.sqlite3")
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECT: &str = "STRATA_TEST_EXPECTED_CONFIG_DIR";
    const THIS_TEST: &str = "paths::tests::the_config_dir_follows_its_environment_variable";

    /// The checks run in child processes, so this process's environment never changes under
    /// other tests.
    #[test]
    fn the_config_dir_follows_its_environment_variable() {
        if let Some(expected) = std::env::var_os(EXPECT) {
            assert_eq!(config_dir().unwrap(), PathBuf::from(expected));
            return;
        }
        let os_default = directories::ProjectDirs::from("dev", "strata", "Strata")
            .unwrap()
            .config_dir()
            .to_owned();
        for (value, expected) in [
            (
                "/srv/strata config/ü",
                PathBuf::from("/srv/strata config/ü"),
            ),
            ("", os_default), // set but empty: as if unset
        ] {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", THIS_TEST, "--test-threads=1"])
                .env(CONFIG_DIR_ENV, value)
                .env(EXPECT, &expected)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{value:?}: {stdout}");
            assert!(
                stdout.contains("1 passed"),
                "the child ran no test: {stdout}"
            );
        }
    }
}
