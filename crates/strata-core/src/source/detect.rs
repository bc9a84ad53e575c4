//! Which layout a folder uses, judged from its file names (and, to tell dbmate from sqlx,
//! whether a file has a `-- migrate:up` line): exactly one layout, or an error listing an
//! example of each when a folder mixes them. An empty folder is in Strata's layout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::files::{self, Entry};
use super::{dbmate, directives, Layout, SourceError};

enum Evidence {
    Layout(Layout),
    /// An empty or comment-only `<version>_<name>.sql`: sqlx's or dbmate's.
    SingleNoOp,
}

impl Layout {
    /// Detect the layout of the migrations folder `dir`.
    ///
    /// `<digits>_<name>.up.sql` / `.down.sql` pairs are Strata's layout (sqlx and
    /// golang-migrate read them the same way); a folder with any one-file
    /// `<digits>_<name>.sql` is sqlx's, or dbmate's when the file has a `-- migrate:up` line;
    /// `V…__`, `U…__`, `R__` files are Flyway's; folders holding `up.sql` are Diesel's.
    /// golang-migrate is never detected (its files are Strata's); set it in `strata.toml`.
    pub fn detect(dir: &Path) -> Result<Layout, SourceError> {
        let mut found: BTreeMap<Layout, PathBuf> = BTreeMap::new();
        let mut no_op = None;
        for entry in files::list(dir)? {
            match classify(&entry)? {
                Some(Evidence::Layout(layout)) => {
                    found.entry(layout).or_insert(entry.path);
                }
                Some(Evidence::SingleNoOp) => {
                    no_op.get_or_insert(entry.path);
                }
                None => {}
            }
        }
        if let Some(path) = no_op {
            if !found.contains_key(&Layout::Dbmate) {
                found.entry(Layout::Sqlx).or_insert(path);
            }
        }
        if found.contains_key(&Layout::Sqlx) {
            // sqlx reads reversible pairs too.
            found.remove(&Layout::Strata);
        }
        let mut layouts = found.into_iter();
        match (layouts.next(), layouts.len()) {
            (None, _) => Ok(Layout::Strata),
            (Some((layout, _)), 0) => Ok(layout),
            (Some(first), _) => Err(SourceError::MixedLayouts {
                dir: dir.to_owned(),
                examples: std::iter::once(first).chain(layouts).collect(),
            }),
        }
    }
}

fn classify(entry: &Entry) -> Result<Option<Evidence>, SourceError> {
    let name = entry.name.as_str();
    if entry.is_dir {
        let inside = files::list(&entry.path)?;
        if inside
            .iter()
            .any(|e| matches!(e.name.as_str(), "up.sql" | "down.sql" | "metadata.toml"))
        {
            return Ok(Some(Evidence::Layout(Layout::Diesel)));
        }
        for e in &inside {
            if let Some(Evidence::Layout(Layout::Flyway)) = classify(e)? {
                return Ok(Some(Evidence::Layout(Layout::Flyway)));
            }
        }
        return Ok(None);
    }
    if !files::is_sql(name) {
        return Ok(None);
    }
    let bytes = name.as_bytes();
    let flyway = name.starts_with("R__")
        || (matches!(bytes[0], b'V' | b'U')
            && bytes.get(1).is_some_and(u8::is_ascii_digit)
            && name.contains("__"));
    if flyway {
        return Ok(Some(Evidence::Layout(Layout::Flyway)));
    }
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Ok(None);
    }
    if bytes[digits] == b'_' && (name.ends_with(".up.sql") || name.ends_with(".down.sql")) {
        return Ok(Some(Evidence::Layout(Layout::Strata)));
    }
    // A one-file migration: dbmate's blocks, or sqlx's plain SQL.
    let text = match std::fs::read(&entry.path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(source) => {
            return Err(SourceError::ReadFile {
                path: entry.path.clone(),
                source,
            })
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if files::lines(text).any(|(_, _, line)| dbmate::marker(line).is_some()) {
        return Ok(Some(Evidence::Layout(Layout::Dbmate)));
    }
    let has_sql = directives::read(&entry.path, text, 1)
        .map(|d| d.first_sql_line.is_some())
        .unwrap_or(true);
    // Only a name sqlx reads is evidence of sqlx; any other is left to the layout's reader
    // to report.
    if bytes[digits] != b'_' {
        return Ok(None);
    }
    Ok(Some(if has_sql {
        Evidence::Layout(Layout::Sqlx)
    } else {
        Evidence::SingleNoOp
    }))
}
