//! Reading a migrations folder: every `.sql` file is accounted for. A file Strata cannot place
//! is an error naming that file, never a silent skip.
//!
//! This reads Strata's own layout, `<version>_<name>.up.sql` with an optional
//! `<version>_<name>.down.sql`, where the version is digits (a UTC timestamp
//! `YYYYMMDDHHMMSS` from `strata new`, or a plain integer). Migrations sort by numeric version.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// One migration found on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Migration {
    /// The version as written in the file name (digits, leading zeros kept).
    pub version: String,
    /// The name part of the file name, e.g. `create_users`.
    pub name: String,
    pub up_path: PathBuf,
    /// The down part; absent when the migration cannot be rolled back.
    pub down_path: Option<PathBuf>,
}

impl Migration {
    /// The version as a number, for ordering. File names guarantee at most 20 digits.
    pub fn version_number(&self) -> u128 {
        self.version.parse().expect("versions are validated digits")
    }

    /// Whether the migration can be rolled back (it has a down part).
    pub fn is_reversible(&self) -> bool {
        self.down_path.is_some()
    }
}

/// The migrations of one folder, in apply order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MigrationSet {
    pub dir: PathBuf,
    pub migrations: Vec<Migration>,
}

/// What can be wrong with a migrations folder.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error("cannot read the migrations folder {}: {source}. Check that it exists and that you may read it.", dir.display())]
    ReadDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {reason}. Rename it to <version>_<name>.up.sql or <version>_<name>.down.sql, for example 20240115103000_create_users.up.sql.", path.display())]
    BadFileName { path: PathBuf, reason: String },
    #[error("version {version} is used twice: {} and {}. Give one of them a new version.", first.display(), second.display())]
    DuplicateVersion {
        version: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: a down part without its up part. Add {} or remove this file.", path.display(), expected_up.display())]
    DownWithoutUp { path: PathBuf, expected_up: PathBuf },
    #[error("{}: folders inside the migrations folder are not read yet. Move its files up one level in Strata's layout.", path.display())]
    UnexpectedFolder { path: PathBuf },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Up,
    Down,
}

/// Split a file name into (version, name, part), or say what is wrong with it.
fn parse_file_name(file_name: &str) -> Result<(String, String, Part), String> {
    let (stem, part) = if let Some(stem) = file_name.strip_suffix(".up.sql") {
        (stem, Part::Up)
    } else if let Some(stem) = file_name.strip_suffix(".down.sql") {
        (stem, Part::Down)
    } else {
        return Err("the name does not end in .up.sql or .down.sql".into());
    };
    let (version, name) = stem
        .split_once('_')
        .ok_or_else(|| "the name has no '_' between the version and the name".to_string())?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the version '{version}' is not made of digits"));
    }
    if version.len() > 20 {
        return Err(format!("the version '{version}' has more than 20 digits"));
    }
    if name.is_empty() {
        return Err("the name after the version is empty".into());
    }
    Ok((version.to_owned(), name.to_owned(), part))
}

/// Read the migrations in `dir`. Hidden files and files that are not `.sql` are not migrations
/// and are left alone (a README beside the migrations is common); every `.sql` file must fit.
pub fn read_dir(dir: &Path) -> Result<MigrationSet, SourceError> {
    let read_err = |source| SourceError::ReadDir {
        dir: dir.to_owned(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    entries.sort_by_key(|e| e.file_name());

    // version -> (name, up, down)
    let mut found: BTreeMap<u128, (String, String, Option<PathBuf>, Option<PathBuf>)> =
        BTreeMap::new();
    for entry in entries {
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        let file_type = entry.file_type().map_err(read_err)?;
        if file_type.is_dir() {
            return Err(SourceError::UnexpectedFolder { path });
        }
        if !file_name.to_ascii_lowercase().ends_with(".sql") {
            continue;
        }
        let (version, name, part) =
            parse_file_name(&file_name).map_err(|reason| SourceError::BadFileName {
                path: path.clone(),
                reason,
            })?;
        let number: u128 = version.parse().expect("validated digits");
        let slot = found
            .entry(number)
            .or_insert_with(|| (version.clone(), name.clone(), None, None));
        if slot.0 != version || slot.1 != name {
            let first = slot
                .2
                .as_ref()
                .or(slot.3.as_ref())
                .expect("slot holds a file");
            return Err(SourceError::DuplicateVersion {
                version,
                first: first.clone(),
                second: path,
            });
        }
        match part {
            Part::Up => slot.2 = Some(path),
            Part::Down => slot.3 = Some(path),
        }
    }

    let migrations = found
        .into_values()
        .map(|(version, name, up, down)| match up {
            Some(up_path) => Ok(Migration {
                version,
                name,
                up_path,
                down_path: down,
            }),
            None => {
                let path = down.expect("a slot holds at least one file");
                let expected_up = path.with_file_name(format!("{version}_{name}.up.sql"));
                Err(SourceError::DownWithoutUp { path, expected_up })
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(MigrationSet {
        dir: dir.to_owned(),
        migrations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(dir.path().join(f), "select 1;\n").unwrap();
        }
        dir
    }

    fn versions(set: &MigrationSet) -> Vec<(&str, &str, bool)> {
        set.migrations
            .iter()
            .map(|m| (m.version.as_str(), m.name.as_str(), m.is_reversible()))
            .collect()
    }

    #[test]
    fn file_names() {
        let ok = [
            ("1_init.up.sql", ("1", "init", Part::Up)),
            (
                "20240115103000_create_users.down.sql",
                ("20240115103000", "create_users", Part::Down),
            ),
            (
                "002_add_phone_to_users.up.sql",
                ("002", "add_phone_to_users", Part::Up),
            ),
        ];
        for (input, (v, n, p)) in ok {
            assert_eq!(
                parse_file_name(input),
                Ok((v.into(), n.into(), p)),
                "{input}"
            );
        }
        let bad = [
            ("init.up.sql", "no '_'"),
            ("v1_init.up.sql", "not made of digits"),
            ("_init.up.sql", "not made of digits"),
            ("1_.up.sql", "empty"),
            ("1_init.sql", "does not end in"),
            ("123456789012345678901_x.up.sql", "more than 20 digits"),
        ];
        for (input, why) in bad {
            let err = parse_file_name(input).unwrap_err();
            assert!(err.contains(why), "{input}: {err}");
        }
    }

    #[test]
    fn reads_pairs_in_numeric_order() {
        let dir = folder(&[
            "10_ten.up.sql",
            "10_ten.down.sql",
            "9_nine.up.sql",
            "0100_hundred.up.sql",
            "README.md",
            ".hidden.sql",
        ]);
        let set = read_dir(dir.path()).unwrap();
        assert_eq!(
            versions(&set),
            [
                ("9", "nine", false),
                ("10", "ten", true),
                ("0100", "hundred", false)
            ]
        );
    }

    #[test]
    fn every_sql_file_must_fit() {
        let dir = folder(&["1_a.up.sql", "notes.sql"]);
        let err = read_dir(dir.path()).unwrap_err();
        assert!(matches!(err, SourceError::BadFileName { .. }), "{err}");
        assert!(err.to_string().contains("notes.sql"), "{err}");
    }

    #[test]
    fn duplicate_versions_are_named() {
        for files in [
            &["1_a.up.sql", "1_b.up.sql"][..],
            &["1_a.up.sql", "01_a.up.sql"][..],
            &["1_a.up.sql", "1_b.down.sql"][..],
        ] {
            let dir = folder(files);
            let err = read_dir(dir.path()).unwrap_err();
            assert!(
                matches!(err, SourceError::DuplicateVersion { .. }),
                "{files:?}: {err}"
            );
        }
    }

    #[test]
    fn down_without_up_is_an_error() {
        let dir = folder(&["1_a.up.sql", "2_b.down.sql"]);
        let err = read_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains("2_b.up.sql"), "{err}");
    }

    #[test]
    fn missing_folder_is_named() {
        let err = read_dir(Path::new("/no/such/strata/folder")).unwrap_err();
        assert!(err.to_string().contains("/no/such/strata/folder"), "{err}");
    }
}
