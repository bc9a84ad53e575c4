//! Saved Seeds forms ("profiles"): `[seeds.profiles.<name>]` tables in a project's
//! `strata.toml`, read with the project's settings and written with `toml_edit`, so the user's
//! comments, order and formatting survive; a write replaces the whole file at once (a temporary
//! file renamed over it), and the result is checked to parse before it replaces anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use strata_core::seed::{Environment, Mode, Seeds, Source};

use crate::project::{parse_settings, SETTINGS_FILE};

/// The longest profile name accepted.
pub const MAX_NAME: usize = 64;

/// `[seeds]` in `strata.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SeedsSection {
    /// Saved forms by name, in name order.
    #[serde(default)]
    pub profiles: BTreeMap<String, SeedProfile>,
}

/// One saved form. Every field may be left out: the form's defaults (development, every
/// dataset of the environment, upsert, seed 1, the datasets' own counts) fill the gaps, and a
/// host's explicit choices override what the profile says.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SeedProfile {
    pub environment: Option<Environment>,
    /// Datasets to apply (with what they need); empty means every dataset of the environment.
    #[serde(default)]
    pub datasets: Vec<String>,
    pub mode: Option<Mode>,
    pub seed: Option<u64>,
    /// Rows of generated datasets, by dataset name.
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedProfileError {
    #[error("a profile needs a name: type one, e.g. demo-small")]
    EmptyName,
    #[error("the profile name \"{name}\" is too long ({len} characters): use at most {MAX_NAME}")]
    NameTooLong { name: String, len: usize },
    #[error("the profile name \"{name}\" is not valid: use lowercase letters, digits, '-' and '_', starting with a letter or digit (e.g. demo-small)")]
    BadName { name: String },
    #[error("a profile named \"{name}\" already exists: choose another name, or replace it")]
    Exists { name: String },
    #[error("the profile name \"{name}\" is too close to the existing profile \"{existing}\" (they differ only in case, '-' or '_'): choose a clearly different name, or replace \"{existing}\"")]
    TooClose { name: String, existing: String },
    #[error("the project has no seed profile \"{name}\" (it has: {known}); pick one of those")]
    NotFound { name: String, known: String },
    #[error("profile \"{profile}\": {message}")]
    Invalid { profile: String, message: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}. Correct the file, then save the profile again; nothing was written.", path.display())]
    Settings { path: PathBuf, message: String },
    #[error("cannot write {}: {source}; the file is as it was", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Check a new profile's name: not empty, short, `[a-z0-9][a-z0-9_-]*`.
pub fn check_name(name: &str) -> Result<(), SeedProfileError> {
    if name.trim().is_empty() {
        return Err(SeedProfileError::EmptyName);
    }
    let len = name.chars().count();
    if len > MAX_NAME {
        return Err(SeedProfileError::NameTooLong {
            name: name.to_owned(),
            len,
        });
    }
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !(first_ok && rest_ok) {
        return Err(SeedProfileError::BadName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// Two names that read alike: equal once lowercased with `_` as `-`.
fn folded(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

impl SeedProfile {
    /// Check the profile against the project's datasets: every dataset it names exists, every
    /// count names a generated dataset.
    pub fn check(&self, name: &str, seeds: &Seeds) -> Result<(), SeedProfileError> {
        let invalid = |message: String| SeedProfileError::Invalid {
            profile: name.to_owned(),
            message,
        };
        let known = || {
            (seeds.datasets.iter())
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for d in &self.datasets {
            if seeds.get(d).is_none() {
                return Err(invalid(format!(
                    "no dataset is named '{d}' (the datasets are {})",
                    known()
                )));
            }
        }
        for name in self.counts.keys() {
            match seeds.get(name).map(|d| &d.source) {
                Some(Source::Generated { .. }) => {}
                Some(_) => {
                    return Err(invalid(format!(
                        "counts.{name}: '{name}' is not a generated dataset; only generated datasets take a row count"
                    )))
                }
                None => {
                    return Err(invalid(format!(
                        "counts.{name}: no dataset is named '{name}' (the datasets are {})",
                        known()
                    )))
                }
            }
        }
        Ok(())
    }
}

/// The saved profiles of the project at `root`, in name order.
pub fn list(root: &Path) -> Result<BTreeMap<String, SeedProfile>, SeedProfileError> {
    let (path, text) = read(root)?;
    let settings = parse_settings(&text).map_err(|message| SeedProfileError::Settings {
        path: path.clone(),
        message,
    })?;
    Ok(settings.seeds.unwrap_or_default().profiles)
}

/// Profile `name` of the project at `root`.
pub fn get(root: &Path, name: &str) -> Result<SeedProfile, SeedProfileError> {
    let mut all = list(root)?;
    all.remove(name).ok_or_else(|| SeedProfileError::NotFound {
        name: name.to_owned(),
        known: if all.is_empty() {
            "none".to_owned()
        } else {
            all.keys().cloned().collect::<Vec<_>>().join(", ")
        },
    })
}

/// Write `profile` as `[seeds.profiles.<name>]` into the project's `strata.toml`. An
/// existing profile of that exact name is replaced only when `replace` is true; a name that
/// differs from an existing one only in case, `-` or `_` is refused.
pub fn save(
    root: &Path,
    name: &str,
    profile: &SeedProfile,
    replace: bool,
) -> Result<(), SeedProfileError> {
    check_name(name)?;
    let existing = list(root)?;
    if existing.contains_key(name) && !replace {
        return Err(SeedProfileError::Exists {
            name: name.to_owned(),
        });
    }
    if let Some(other) = existing
        .keys()
        .find(|k| k.as_str() != name && folded(k) == folded(name))
    {
        return Err(SeedProfileError::TooClose {
            name: name.to_owned(),
            existing: other.clone(),
        });
    }
    edit(root, |doc| {
        let profiles = profiles_table(doc);
        profiles.insert(name, toml_edit::Item::Table(to_table(profile)));
    })
}

/// Remove profile `name` from the project's `strata.toml`.
pub fn delete(root: &Path, name: &str) -> Result<(), SeedProfileError> {
    get(root, name)?;
    edit(root, |doc| {
        profiles_table(doc).remove(name);
    })
}

fn read(root: &Path) -> Result<(PathBuf, String), SeedProfileError> {
    let path = root.join(SETTINGS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| SeedProfileError::Read {
        path: path.clone(),
        source,
    })?;
    Ok((path, text))
}

/// `[seeds.profiles]`, created (as dotted parents that print no header of their own) when absent.
fn profiles_table(doc: &mut toml_edit::DocumentMut) -> &mut toml_edit::Table {
    let seeds = doc
        .entry("seeds")
        .or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        })
        .as_table_mut()
        .expect("checked to be a table by the settings parse");
    seeds
        .entry("profiles")
        .or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        })
        .as_table_mut()
        .expect("checked to be a table by the settings parse")
}

fn to_table(p: &SeedProfile) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    if let Some(env) = p.environment {
        t.insert("environment", toml_edit::value(env.as_str()));
    }
    let mut datasets = toml_edit::Array::new();
    for d in &p.datasets {
        datasets.push(d.as_str());
    }
    t.insert("datasets", toml_edit::value(datasets));
    if let Some(mode) = p.mode {
        t.insert("mode", toml_edit::value(mode.as_str()));
    }
    if let Some(seed) = p.seed {
        // TOML integers are i64; a seed above that is kept as the largest one.
        t.insert(
            "seed",
            toml_edit::value(i64::try_from(seed).unwrap_or(i64::MAX)),
        );
    }
    let mut counts = toml_edit::InlineTable::new();
    for (name, n) in &p.counts {
        counts.insert(name, i64::try_from(*n).unwrap_or(i64::MAX).into());
    }
    t.insert("counts", toml_edit::value(counts));
    t
}

/// Apply `change` to the parsed `strata.toml` and replace the file with the result, after
/// checking that the result is still valid settings.
fn edit(
    root: &Path,
    change: impl FnOnce(&mut toml_edit::DocumentMut),
) -> Result<(), SeedProfileError> {
    let (path, text) = read(root)?;
    let settings_err = |message: String| SeedProfileError::Settings {
        path: path.clone(),
        message,
    };
    // The settings parse first: it names the line of anything wrong, and it guarantees that
    // `seeds` and `seeds.profiles`, when present, are tables.
    parse_settings(&text).map_err(settings_err)?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| settings_err(e.message().to_owned()))?;
    change(&mut doc);
    let out = doc.to_string();
    parse_settings(&out)
        .map_err(|m| settings_err(format!("the edited settings would not parse ({m})")))?;
    write_atomic(&path, out.as_bytes()).map_err(|source| SeedProfileError::Write {
        path: path.clone(),
        source,
    })
}

/// Write `bytes` to a temporary file beside `path`, flush it to disk, and rename it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
#[path = "seed_profiles_tests.rs"]
mod tests;
