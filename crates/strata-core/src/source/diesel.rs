//! Diesel's layout: one folder `<version>_<name>` per migration (the name may hold spaces)
//! with `up.sql`, optionally `down.sql`, and optionally `metadata.toml` saying
//! `run_in_transaction = false`. The version is the folder name's part before the first `_`
//! with `-` removed, compared as text as Diesel does. Every folder and `.sql` file is placed
//! or is an error.

use std::path::Path;

use super::{files, Draft, FileCache, Layout, Loaded, SourceError, Version};

pub(super) fn read(dir: &Path, cache: &FileCache) -> Result<Vec<Draft>, SourceError> {
    let mut drafts = Vec::new();
    for entry in files::list(dir)? {
        let bad = |reason: String| SourceError::BadFileName {
            path: entry.path.clone(),
            layout: Layout::Diesel,
            reason,
        };
        if !entry.is_dir {
            if files::is_sql(&entry.name) {
                return Err(bad(
                    "a file directly in the migrations folder, where Diesel's layout has only folders"
                        .into(),
                ));
            }
            continue;
        }
        let (prefix, name) = entry.name.split_once('_').unwrap_or((&entry.name, ""));
        let version = Version::text(&prefix.replace('-', ""), None).map_err(|e| {
            bad(format!(
                "{e} (Diesel's version is the part of the folder name before the first '_', dashes removed)"
            ))
        })?;
        drafts.push(read_folder(&entry.path, &entry.name, version, name, cache)?);
    }
    Ok(drafts)
}

fn read_folder(
    folder: &Path,
    folder_name: &str,
    version: Version,
    name: &str,
    cache: &FileCache,
) -> Result<Draft, SourceError> {
    let (mut up, mut down, mut metadata) = (None, None, None);
    for entry in files::list(folder)? {
        if entry.is_dir {
            return Err(SourceError::Invalid {
                path: entry.path,
                line: None,
                problem: "a folder inside a Diesel migration, which holds only up.sql, down.sql and metadata.toml. Move it out of the migrations folder.".into(),
            });
        }
        match entry.name.as_str() {
            "up.sql" => up = Some(entry.path),
            "down.sql" => down = Some(entry.path),
            "metadata.toml" => metadata = Some(entry.path),
            other if files::is_sql(other) => {
                return Err(SourceError::BadFileName {
                    path: entry.path,
                    layout: Layout::Diesel,
                    reason: "a Diesel migration folder holds only up.sql and down.sql".into(),
                })
            }
            _ => {}
        }
    }
    let Some(up) = up else {
        return Err(match down {
            Some(path) => SourceError::DownWithoutUp {
                expected_up: folder.join("up.sql"),
                path,
            },
            None => SourceError::Invalid {
                path: folder.to_owned(),
                line: None,
                problem: "a folder without up.sql. In Diesel's layout every folder in the migrations folder is a migration: add up.sql (and down.sql), or move the folder out.".into(),
            },
        });
    };
    let no_transaction = match metadata {
        Some(path) => metadata_says_no_transaction(&path)?,
        None => false,
    };
    let up = Loaded::file(&up, cache)?.no_transaction(no_transaction);
    let down = down
        .map(|p| Loaded::file(&p, cache).map(|l| l.no_transaction(no_transaction)))
        .transpose()?;
    let expected_down = Some(format!("{folder_name}/down.sql"));
    Ok(Draft::new(
        version,
        name.to_owned(),
        up,
        down,
        expected_down,
    ))
}

/// `run_in_transaction = false` in `metadata.toml` (Diesel's only setting; others are kept
/// by Diesel as free-form fields and ignored here).
fn metadata_says_no_transaction(path: &Path) -> Result<bool, SourceError> {
    let text = files::read_text(path)?;
    let mut no_transaction = false;
    for (line, _, content) in files::lines(&text) {
        let content = content.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let invalid = |problem: String| SourceError::Invalid {
            path: path.to_owned(),
            line: Some(line),
            problem,
        };
        let Some((key, value)) = content.split_once('=') else {
            return Err(invalid(format!(
                "`{content}` is not a `key = value` line. Diesel's metadata.toml holds e.g. `run_in_transaction = false`."
            )));
        };
        if key.trim() == "run_in_transaction" {
            let value = value.split('#').next().unwrap_or_default().trim();
            no_transaction = match value {
                "false" => true,
                "true" => false,
                other => {
                    return Err(invalid(format!(
                        "run_in_transaction is `{other}`; it must be true or false."
                    )))
                }
            };
        }
    }
    Ok(no_transaction)
}
