//! Creating a migration: a fresh version (the UTC time `YYYYMMDDHHMMSS`, or one more than the
//! newest version when the clock is behind) and an up/down file pair created without ever
//! overwriting a file; when the second file cannot be created, the first is removed again.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::{read_dir, Layout, SourceError, Version};

/// The files `new_migration` created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewMigration {
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub version: Version,
    pub name: String,
    pub up_path: PathBuf,
    pub down_path: PathBuf,
}

const UP_TEXT: &str = "-- The SQL that applies this migration goes here.\n";
const DOWN_TEXT: &str = "-- The SQL that undoes the up part goes here.\n";

/// Create `<version>_<name>.up.sql` and `.down.sql` in `dir`, in `layout` (detected when
/// `None`). `name` is normalised to lowercase snake_case ASCII (`Add users!` →
/// `add_users`). Strata's, sqlx's and golang-migrate's layouts are supported.
pub fn new_migration(
    dir: &Path,
    layout: Option<Layout>,
    name: &str,
    now: SystemTime,
) -> Result<NewMigration, SourceError> {
    let set = read_dir(dir, layout)?;
    if !matches!(
        set.layout,
        Layout::Strata | Layout::Sqlx | Layout::GolangMigrate
    ) {
        return Err(SourceError::NewNotSupported { layout: set.layout });
    }
    let normalized = normalize_name(name).ok_or_else(|| SourceError::BadName {
        name: name.to_owned(),
    })?;
    let newest = set
        .migrations
        .iter()
        .filter_map(|m| m.version.key().first().copied())
        .max();
    let stamp = utc_stamp(now);
    let number = match newest {
        Some(newest) if newest >= stamp => newest + 1,
        _ => stamp,
    };
    let version = Version::number(&number.to_string()).expect("digits");
    let stem = format!("{version}_{normalized}");
    let up_path = dir.join(format!("{stem}.up.sql"));
    let down_path = dir.join(format!("{stem}.down.sql"));
    create_pair(&up_path, &down_path)?;
    Ok(NewMigration {
        version,
        name: normalized,
        up_path,
        down_path,
    })
}

/// Create both files or neither; never overwrite an existing file.
fn create_pair(up_path: &Path, down_path: &Path) -> Result<(), SourceError> {
    create_new(up_path, UP_TEXT)?;
    if let Err(e) = create_new(down_path, DOWN_TEXT) {
        let _ = std::fs::remove_file(up_path);
        return Err(e);
    }
    Ok(())
}

fn create_new(path: &Path, text: &str) -> Result<(), SourceError> {
    let err = |source| SourceError::CreateFile {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(err)?;
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(err(e));
    }
    Ok(())
}

/// Lowercase snake_case ASCII: letters and digits kept, a word break (space, punctuation,
/// `camelCase`) becomes one `_`. `None` when nothing is left.
pub(crate) fn normalize_name(name: &str) -> Option<String> {
    let mut out = String::new();
    let mut pending_break = false;
    let mut prev_lower_or_digit = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower_or_digit {
                pending_break = true;
            }
            if pending_break && !out.is_empty() {
                out.push('_');
            }
            pending_break = false;
            out.push(c.to_ascii_lowercase());
            prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            pending_break = true;
            prev_lower_or_digit = false;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `now` in UTC as the number `YYYYMMDDHHMMSS`.
pub(crate) fn utc_stamp(now: SystemTime) -> u128 {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = crate::clock::civil_from_days(days as i64);
    let hms = u128::from(rem / 3600 * 10_000 + rem % 3600 / 60 * 100 + rem % 60);
    (y as u128 * 10_000 + u128::from(m) * 100 + u128::from(d)) * 1_000_000 + hms
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_stamps() {
        let at = |secs| utc_stamp(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), 19700101000000);
        assert_eq!(at(951_782_400), 20000229000000);
        assert_eq!(at(1_705_314_600), 20240115103000);
        assert_eq!(at(4_102_444_799), 20991231235959);
        assert_eq!(at(1_709_251_199), 20240229235959);
        assert_eq!(
            utc_stamp(UNIX_EPOCH - Duration::from_secs(5)),
            19700101000000
        );
    }

    #[test]
    fn a_pair_is_created_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (up, down) = (
            dir.path().join("1_a.up.sql"),
            dir.path().join("1_a.down.sql"),
        );
        std::fs::write(&down, "keep me").unwrap();
        let err = create_pair(&up, &down).unwrap_err().to_string();
        assert!(
            err.contains("1_a.down.sql") && err.contains("Nothing was written"),
            "{err}"
        );
        assert!(!up.exists(), "the up file is removed again");
        assert_eq!(std::fs::read_to_string(&down).unwrap(), "keep me");

        std::fs::write(&up, "mine").unwrap();
        std::fs::remove_file(&down).unwrap();
        assert!(create_pair(&up, &down).is_err());
        assert_eq!(std::fs::read_to_string(&up).unwrap(), "mine");
        assert!(!down.exists());

        std::fs::remove_file(&up).unwrap();
        create_pair(&up, &down).unwrap();
        assert_eq!(std::fs::read_to_string(&up).unwrap(), UP_TEXT);
        assert_eq!(std::fs::read_to_string(&down).unwrap(), DOWN_TEXT);
    }

    #[test]
    fn names_become_snake_case() {
        let cases = [
            ("create users", "create_users"),
            ("Add phone to Users!", "add_phone_to_users"),
            ("  add--index__on  orders ", "add_index_on_orders"),
            ("AddUserEmail", "add_user_email"),
            ("v2 API keys", "v2_api_keys"),
            ("HTTPLog", "httplog"),
            ("café crème", "caf_cr_me"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_name(input).as_deref(), Some(want), "{input:?}");
        }
        for empty in ["", "   ", "!!!", "éè"] {
            assert_eq!(normalize_name(empty), None, "{empty:?}");
        }
    }
}
