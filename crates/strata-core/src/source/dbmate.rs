//! dbmate's layout: one `<version>_<name>.sql` per migration holding a `-- migrate:up` block
//! and optionally a `-- migrate:down` block, each of which may say `transaction:false`. Ordered
//! by file name as dbmate does; each block keeps the file line it starts on, so errors in it
//! point at the right line of the shared file.

use std::collections::HashMap;
use std::path::Path;

use super::{directives, files, Draft, FileCache, Layout, Loaded, SourceError, Version};

pub(super) fn read(dir: &Path, cache: &FileCache) -> Result<Vec<Draft>, SourceError> {
    let mut seen: HashMap<String, std::path::PathBuf> = HashMap::new();
    let mut drafts = Vec::new();
    for entry in files::list(dir)? {
        if entry.is_dir {
            return Err(SourceError::UnexpectedFolder {
                path: entry.path,
                layout: Layout::Dbmate,
            });
        }
        if !files::is_sql(&entry.name) {
            continue;
        }
        let bad = |reason: &str| SourceError::BadFileName {
            path: entry.path.clone(),
            layout: Layout::Dbmate,
            reason: reason.to_owned(),
        };
        let digits = entry.name.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad("the name does not start with the version (digits)"));
        }
        let Some(stem) = entry.name.strip_suffix(".sql") else {
            return Err(bad("the name does not end in .sql (lowercase)"));
        };
        let raw = &entry.name[..digits];
        // dbmate sorts by file name: the byte after the digits takes part in the order.
        let tail = entry.name.as_bytes()[digits];
        let version = Version::text(raw, Some(tail)).map_err(|e| bad(&e))?;
        if let Some(first) = seen.insert(raw.to_owned(), entry.path.clone()) {
            return Err(SourceError::DuplicateVersion {
                version: raw.to_owned(),
                first,
                second: entry.path,
            });
        }
        let name = stem[digits..].strip_prefix('_').unwrap_or(&stem[digits..]);
        drafts.push(read_file(&entry.path, version, name, cache)?);
    }
    Ok(drafts)
}

/// A `-- migrate:up` or `-- migrate:down` line.
struct Marker<'a> {
    up: bool,
    line: u32,
    start: usize,
    options: &'a str,
}

/// Whether `line` is a block marker: `(is up, the options after it)`.
pub(super) fn marker(line: &str) -> Option<(bool, &str)> {
    let rest = line
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix("migrate:")?;
    let (up, rest) = match (rest.strip_prefix("up"), rest.strip_prefix("down")) {
        (Some(rest), _) => (true, rest),
        (_, Some(rest)) => (false, rest),
        _ => return None,
    };
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some((up, rest.trim()))
}

fn read_file(
    path: &Path,
    version: Version,
    name: &str,
    cache: &FileCache,
) -> Result<Draft, SourceError> {
    let (text, _) = cache.read(path)?;
    let invalid = |line: u32, problem: &str| SourceError::Invalid {
        path: path.to_owned(),
        line: Some(line),
        problem: problem.to_owned(),
    };
    let mut up: Option<Marker> = None;
    let mut down: Option<Marker> = None;
    for (line, start, content) in files::lines(&text) {
        let Some((is_up, options)) = marker(content) else {
            continue;
        };
        let m = Marker {
            up: is_up,
            line,
            start,
            options,
        };
        let slot = if is_up { &mut up } else { &mut down };
        if slot.is_some() {
            return Err(invalid(line, &format!(
                "a second `-- migrate:{}` line. A dbmate migration holds one up block and one down block: move the rest into a new migration.",
                if is_up { "up" } else { "down" }
            )));
        }
        *slot = Some(m);
    }
    let expected_down = Some(format!(
        "a `-- migrate:down` block to {}",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    let Some(up) = up else {
        if let Some(down) = down {
            return Err(invalid(down.line, "`-- migrate:down` without a `-- migrate:up` line. Add `-- migrate:up` above the statements that apply the migration."));
        }
        let directives = directives::read(path, &text, 1)?;
        if let Some(line) = directives.first_sql_line {
            return Err(invalid(line, "SQL without a `-- migrate:up` line above it, and dbmate runs only what follows that line. Add `-- migrate:up` above the statements that apply the migration (and `-- migrate:down` above those that undo it)."));
        }
        // Empty or only comments: a valid no-op, noted when the draft is finished.
        let up = Loaded::new(path, text, 1, directives);
        return Ok(Draft::new(
            version,
            name.to_owned(),
            up,
            None,
            expected_down,
        ));
    };
    if let Some(down) = &down {
        if down.start < up.start {
            return Err(invalid(
                down.line,
                "`-- migrate:down` comes before `-- migrate:up`. Put the up block first.",
            ));
        }
    }
    if let Some(line) = directives::read(path, &text[..up.start], 1)?.first_sql_line {
        return Err(invalid(line, "SQL before `-- migrate:up`, which dbmate does not run. Move it below `-- migrate:up`, or remove it."));
    }
    let up_end = down.as_ref().map_or(text.len(), |d| d.start);
    // The up part's directives may sit above `-- migrate:up` too: read from the file's start.
    let up_directives = directives::read(path, &text[..up_end], 1)?;
    let up_part = Loaded::new(
        path,
        text[up.start..up_end].to_owned(),
        up.line,
        up_directives,
    )
    .no_transaction(options_say_no_transaction(path, &up)?);
    let down_part = match &down {
        Some(d) => {
            let sql = text[d.start..].to_owned();
            let directives = directives::read(path, &sql, d.line)?;
            Some(
                Loaded::new(path, sql, d.line, directives)
                    .no_transaction(options_say_no_transaction(path, d)?),
            )
        }
        None => None,
    };
    Ok(Draft::new(
        version,
        name.to_owned(),
        up_part,
        down_part,
        expected_down,
    ))
}

/// dbmate's block options: `transaction:false` (or `true`); anything else is a typo.
fn options_say_no_transaction(path: &Path, m: &Marker) -> Result<bool, SourceError> {
    let mut no_transaction = false;
    for option in m.options.split_whitespace() {
        match option {
            "transaction:false" => no_transaction = true,
            "transaction:true" => no_transaction = false,
            other => {
                return Err(SourceError::Invalid {
                    path: path.to_owned(),
                    line: Some(m.line),
                    problem: format!(
                        "unknown dbmate option `{other}` on `-- migrate:{}`. dbmate knows `transaction:false`: fix the spelling or remove it.",
                        if m.up { "up" } else { "down" }
                    ),
                })
            }
        }
    }
    Ok(no_transaction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marker("-- migrate:up"), Some((true, "")));
        assert_eq!(
            marker("--migrate:down  transaction:false "),
            Some((false, "transaction:false"))
        );
        assert_eq!(marker("-- migrate:upgrade"), None);
        assert_eq!(marker(" -- migrate:up"), None);
        assert_eq!(marker("-- migrate: up"), None);
    }
}
