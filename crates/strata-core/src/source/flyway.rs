//! Flyway's layout: `V<version>__<description>.sql`, its undo `U<version>__<description>.sql`,
//! repeatable `R__<description>.sql`, in this folder and its subfolders, with optional
//! `<file>.sql.conf` settings. Versions are compared part by part as numbers (`1.2` < `1.10`,
//! `1_1` = `1.1`, `1.0` = `1`); repeatables follow all versioned migrations, by description.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::files::{self, Entry};
use super::pairs::{Pairs, Side};
use super::{Draft, FileCache, Layout, Loaded, SourceError, SourceNote, Version};

/// The longest repeatable description: `R__` and it fill the history's 64-character version.
const MAX_REPEATABLE_DESCRIPTION: usize = 61;

enum Name {
    Versioned(Version, String),
    Undo(Version, String),
    Repeatable(String),
}

pub(super) fn read(dir: &Path, cache: &FileCache) -> Result<Vec<Draft>, SourceError> {
    let mut entries = Vec::new();
    collect(dir, &mut entries)?;
    // The migration file a `.sql.conf` belongs to -> the `.sql.conf`.
    let mut confs: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    let mut pairs = Pairs::new(false);
    let mut repeatables = Vec::new();
    let mut sql_files = std::collections::HashSet::new();
    for entry in entries {
        if let Some(sql) = entry
            .name
            .strip_suffix(".conf")
            .filter(|s| s.ends_with(".sql"))
        {
            confs.insert(entry.path.with_file_name(sql), entry.path);
            continue;
        }
        if !files::is_sql(&entry.name) {
            continue;
        }
        sql_files.insert(entry.path.clone());
        let name = parse_name(&entry.name).map_err(|reason| SourceError::BadFileName {
            path: entry.path.clone(),
            layout: Layout::Flyway,
            reason,
        })?;
        match name {
            Name::Versioned(v, desc) => pairs.add(v, &desc, Side::Up, entry.path)?,
            Name::Undo(v, desc) => pairs.add(v, &desc, Side::Down, entry.path)?,
            Name::Repeatable(desc) => repeatables.push((desc, entry.path)),
        }
    }
    if let Some((sql, conf)) = confs.iter().find(|(sql, _)| !sql_files.contains(*sql)) {
        return Err(SourceError::Invalid {
            path: conf.clone(),
            line: None,
            problem: format!(
                "Flyway settings for {}, which is not in the migrations folder. Rename it after its migration file, or remove it.",
                sql.file_name().unwrap_or_default().to_string_lossy()
            ),
        });
    }
    let mut drafts = Vec::new();
    for slot in pairs.into_slots() {
        let Some(up_path) = slot.up else {
            let path = slot.down.expect("a slot holds a file");
            let expected_up = path.with_file_name(format!("V{}__{}.sql", slot.version, slot.name));
            return Err(SourceError::DownWithoutUp { path, expected_up });
        };
        let up = load(&up_path, &confs, cache)?;
        let down = slot.down.map(|p| load(&p, &confs, cache)).transpose()?;
        let expected_down = format!("U{}__{}.sql", slot.version, slot.name);
        drafts.push(Draft::new(
            slot.version,
            slot.name,
            up,
            down,
            Some(expected_down),
        ));
    }
    for (desc, path) in repeatables {
        let up = load(&path, &confs, cache)?;
        drafts.push(Draft::new(Version::repeatable(&desc), desc, up, None, None));
    }
    Ok(drafts)
}

/// Every file under `dir`, subfolders included (Flyway scans them), hidden ones left out.
fn collect(dir: &Path, out: &mut Vec<Entry>) -> Result<(), SourceError> {
    for entry in files::list(dir)? {
        if entry.is_dir {
            collect(&entry.path, out)?;
        } else {
            out.push(entry);
        }
    }
    Ok(())
}

fn parse_name(file_name: &str) -> Result<Name, String> {
    let stem = file_name
        .strip_suffix(".sql")
        .ok_or("the name does not end in .sql (lowercase)")?;
    let callback = ["before", "after"].iter().any(|p| {
        stem.strip_prefix(p)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_uppercase())
    });
    if callback || stem.starts_with("createSchema") {
        return Err("the name is that of a Flyway callback (beforeMigrate.sql, afterMigrate.sql, …), which Strata does not run: move callbacks out of the migrations folder".into());
    }
    let mut chars = stem.chars();
    match chars.next() {
        Some('R') => {
            let desc = chars
                .as_str()
                .strip_prefix("__")
                .ok_or("a repeatable migration has no version: its name is R__<description>.sql")?;
            // `R__<description>` is its key in the history, a column of 64 characters.
            if desc.is_empty() {
                return Err("a repeatable migration needs a description after R__".into());
            }
            if desc.chars().count() > MAX_REPEATABLE_DESCRIPTION {
                return Err(format!("the description of a repeatable migration is its key in the history and has at most {MAX_REPEATABLE_DESCRIPTION} characters; this one has {}", desc.chars().count()));
            }
            Ok(Name::Repeatable(desc.to_owned()))
        }
        Some(prefix @ ('V' | 'U')) => {
            let (version, desc) = chars
                .as_str()
                .split_once("__")
                .ok_or("the name has no '__' between the version and the description")?;
            let version = Version::flyway(version)?;
            Ok(if prefix == 'V' {
                Name::Versioned(version, desc.to_owned())
            } else {
                Name::Undo(version, desc.to_owned())
            })
        }
        Some('v' | 'u' | 'r') => Err("Flyway's prefixes are uppercase: V, U or R".into()),
        Some('B') => Err("Flyway baseline migrations (B…) are not supported".into()),
        _ => Err("the name does not start with V (versioned), U (undo) or R (repeatable)".into()),
    }
}

/// A migration file with its `.sql.conf`, if any.
fn load(
    path: &Path,
    confs: &BTreeMap<PathBuf, PathBuf>,
    cache: &FileCache,
) -> Result<Loaded, SourceError> {
    let loaded = Loaded::file(path, cache)?;
    let Some(conf) = confs.get(path) else {
        return Ok(loaded);
    };
    let text = files::read_text(conf)?;
    let mut no_transaction = false;
    let mut notes = Vec::new();
    for (line, _, content) in files::lines(&text) {
        let content = content.trim();
        if content.is_empty() || content.starts_with('#') || content.starts_with('!') {
            continue;
        }
        let invalid = |problem: String| SourceError::Invalid {
            path: conf.clone(),
            line: Some(line),
            problem,
        };
        let Some((key, value)) = content.split_once('=') else {
            return Err(invalid(format!(
                "`{content}` is not a setting; Flyway settings are `key=value`, e.g. `executeInTransaction=false`."
            )));
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "executeInTransaction" if value.eq_ignore_ascii_case("false") => no_transaction = true,
            "executeInTransaction" if value.eq_ignore_ascii_case("true") => no_transaction = false,
            "executeInTransaction" => {
                return Err(invalid(format!(
                    "executeInTransaction is `{value}`; it must be true or false."
                )))
            }
            "encoding" if matches!(value.to_ascii_lowercase().as_str(), "utf-8" | "utf8") => {}
            "encoding" => {
                return Err(invalid(format!(
                    "encoding is `{value}`, but Strata reads migrations as UTF-8. Convert the migration to UTF-8 and set encoding=UTF-8 (or remove the line)."
                )))
            }
            other => notes.push(SourceNote {
                path: conf.clone(),
                line: Some(line),
                message: format!("the Flyway setting `{other}` is not used by Strata and is ignored."),
            }),
        }
    }
    let mut loaded = loaded.no_transaction(no_transaction);
    loaded.notes.extend(notes);
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let v = |name: &str| match parse_name(name).unwrap() {
            Name::Versioned(v, d) => format!("V {v} {d}"),
            Name::Undo(v, d) => format!("U {v} {d}"),
            Name::Repeatable(d) => format!("R {d}"),
        };
        assert_eq!(v("V1__init.sql"), "V 1 init");
        assert_eq!(v("V1.2.10__add_index.sql"), "V 1.2.10 add_index");
        assert_eq!(v("V1_1__a__b.sql"), "V 1_1 a__b");
        assert_eq!(v("U2__undo.sql"), "U 2 undo");
        assert_eq!(v("R__refresh_views.sql"), "R refresh_views");
        let longest = format!("R__{}.sql", "v".repeat(61));
        assert_eq!(v(&longest), format!("R {}", "v".repeat(61)));
        let bad = [
            ("V1_init.sql", "no '__'"),
            ("v1__init.sql", "uppercase"),
            ("R1__x.sql", "no version"),
            ("R__.sql", "needs a description"),
            (
                &format!("R__{}.sql", "v".repeat(62)),
                "at most 61 characters",
            ),
            ("Va__x.sql", "not made of digits"),
            ("V1..2__x.sql", "empty part"),
            ("B1__x.sql", "baseline"),
            ("init.sql", "does not start with V"),
            ("afterMigrate.sql", "callback"),
            ("V1__x.SQL", "lowercase"),
        ];
        for (name, why) in bad {
            let err = parse_name(name)
                .err()
                .unwrap_or_else(|| panic!("{name} parsed"));
            assert!(err.contains(why), "{name}: {err}");
        }
    }
}
