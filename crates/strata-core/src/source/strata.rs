//! Strata's own layout, `<version>_<name>.up.sql` + optional `<version>_<name>.down.sql` with a
//! numeric version (a UTC timestamp `YYYYMMDDHHMMSS` from `strata new`, or an integer), ordered
//! by number. The same file-name reader serves sqlx's and golang-migrate's layouts.

use std::path::Path;

use super::files;
use super::pairs::{Pairs, Side, Slot};
use super::{Draft, FileCache, Layout, Loaded, SourceError, Version};

pub(super) fn read(dir: &Path, cache: &FileCache) -> Result<Vec<Draft>, SourceError> {
    read_pairs(dir, Layout::Strata, cache)
}

/// Read a folder of `<version>_<name>` files in Strata's, sqlx's or golang-migrate's layout.
pub(super) fn read_pairs(
    dir: &Path,
    layout: Layout,
    cache: &FileCache,
) -> Result<Vec<Draft>, SourceError> {
    let mut pairs = Pairs::new(true);
    for entry in files::list(dir)? {
        if entry.is_dir {
            return Err(SourceError::UnexpectedFolder {
                path: entry.path,
                layout,
            });
        }
        if !files::is_sql(&entry.name) {
            continue;
        }
        let (version, name, side) =
            parse_name(&entry.name, layout).map_err(|reason| SourceError::BadFileName {
                path: entry.path.clone(),
                layout,
                reason,
            })?;
        pairs.add(version, &name, side, entry.path)?;
    }
    let slots: Vec<Slot> = pairs.into_slots().collect();
    // Errors come out in file order, as when read one by one; each part's checksum is
    // computed by the thread that read it.
    let read = |slot: &Slot| -> Result<(Loaded, Option<Loaded>), SourceError> {
        let Some(up_path) = &slot.up else {
            let path = slot.down.clone().expect("a slot holds a file");
            let expected_up = path.with_file_name(format!("{}_{}.up.sql", slot.version, slot.name));
            return Err(SourceError::DownWithoutUp { path, expected_up });
        };
        let up = Loaded::file(up_path, cache)?;
        let down = (slot.down.as_deref())
            .map(|p| Loaded::file(p, cache))
            .transpose()?;
        Ok((up, down))
    };
    let loaded = files::map_parallel(&slots, read);
    let mut drafts = Vec::with_capacity(slots.len());
    for (slot, parts) in slots.into_iter().zip(loaded) {
        let (up, down) = parts?;
        // Named only where it is missing (the note saying what would make it reversible).
        let expected_down = (!slot.single && down.is_none())
            .then(|| format!("{}_{}.down.sql", slot.version, slot.name));
        drafts.push(Draft::new(slot.version, slot.name, up, down, expected_down));
    }
    Ok(drafts)
}

/// Split a file name into (version, name, part), or say what is wrong with it.
pub(super) fn parse_name(
    file_name: &str,
    layout: Layout,
) -> Result<(Version, String, Side), String> {
    let (stem, side) = if let Some(stem) = file_name.strip_suffix(".up.sql") {
        (stem, Side::Up)
    } else if let Some(stem) = file_name.strip_suffix(".down.sql") {
        (stem, Side::Down)
    } else if layout == Layout::Sqlx && file_name.ends_with(".sql") {
        (&file_name[..file_name.len() - 4], Side::Single)
    } else if layout == Layout::Sqlx {
        return Err("the name does not end in .sql".into());
    } else {
        return Err("the name does not end in .up.sql or .down.sql".into());
    };
    let (version, name) = stem
        .split_once('_')
        .ok_or_else(|| "the name has no '_' between the version and the name".to_string())?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the version '{version}' is not made of digits"));
    }
    // Each tool's own limit: Strata's timestamps and integers, golang-migrate's uint64,
    // sqlx's i64.
    let fits = match layout {
        Layout::Sqlx => version.parse::<i64>().is_ok(),
        Layout::GolangMigrate => version.parse::<u64>().is_ok(),
        _ => version.len() <= 20,
    };
    if !fits {
        return Err(match layout {
            Layout::Sqlx => format!("the version '{version}' is too large for sqlx (a 64-bit signed integer)"),
            Layout::GolangMigrate => format!("the version '{version}' is too large for golang-migrate (a 64-bit unsigned integer)"),
            _ => format!("the version '{version}' has more than 20 digits"),
        });
    }
    if name.is_empty() && layout == Layout::Strata {
        return Err("the name after the version is empty".into());
    }
    let version = Version::number(version)?;
    Ok((version, name.to_owned(), side))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let ok = [
            ("1_init.up.sql", ("1", "init", Side::Up)),
            (
                "20240115103000_create_users.down.sql",
                ("20240115103000", "create_users", Side::Down),
            ),
            (
                "002_add_phone_to_users.up.sql",
                ("002", "add_phone_to_users", Side::Up),
            ),
            (
                "3_name with spaces.up.sql",
                ("3", "name with spaces", Side::Up),
            ),
        ];
        for (input, (v, n, p)) in ok {
            let (version, name, side) = parse_name(input, Layout::Strata).unwrap();
            assert_eq!(
                (version.as_str(), name.as_str(), side),
                (v, n, p),
                "{input}"
            );
        }
        let bad = [
            ("init.up.sql", "no '_'"),
            ("v1_init.up.sql", "not made of digits"),
            ("_init.up.sql", "not made of digits"),
            ("1_.up.sql", "empty"),
            ("1_init.sql", "does not end in .up.sql or .down.sql"),
            ("123456789012345678901_x.up.sql", "more than 20 digits"),
        ];
        for (input, why) in bad {
            let err = parse_name(input, Layout::Strata).unwrap_err();
            assert!(err.contains(why), "{input}: {err}");
        }
    }

    #[test]
    fn each_tool_keeps_its_own_limits() {
        let (_, name, side) = parse_name("1_init.sql", Layout::Sqlx).unwrap();
        assert_eq!((name.as_str(), side), ("init", Side::Single));
        parse_name("1_.up.sql", Layout::GolangMigrate).unwrap();
        parse_name("18446744073709551615_max.up.sql", Layout::GolangMigrate).unwrap();
        let e = parse_name("18446744073709551616_x.up.sql", Layout::GolangMigrate).unwrap_err();
        assert!(e.contains("too large for golang-migrate"), "{e}");
        let e = parse_name("9223372036854775808_x.sql", Layout::Sqlx).unwrap_err();
        assert!(e.contains("too large for sqlx"), "{e}");
        let e = parse_name("1_x.txt.bak", Layout::Sqlx).unwrap_err();
        assert!(e.contains("does not end in .sql"), "{e}");
        let e = parse_name("1_init.sql", Layout::GolangMigrate).unwrap_err();
        assert!(e.contains("does not end in .up.sql"), "{e}");
    }
}
