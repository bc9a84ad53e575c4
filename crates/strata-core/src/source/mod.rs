//! Reading a migrations folder in Strata's layout or in the layout of the tool a team already
//! uses: every `.sql` file (and in Diesel's layout every folder) is placed in a migration or is
//! an error naming it; nothing is silently skipped, and migrations come out in the order their
//! own tool applies them.
//!
//! Empty input: a zero-byte or blank up part is an error ([`SourceError::EmptyUp`]); an up
//! part holding only comments, and a down part that is empty or holds only comments, are
//! valid no-ops with a note (shown by `status`, `list`, and `validate --json`).

mod cache;
mod dbmate;
mod detect;
mod diesel;
mod directives;
mod error;
mod files;
mod flyway;
mod golang_migrate;
mod new;
mod pairs;
mod sqlx;
mod strata;
mod text;
mod version;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::checksum::sha256_normalized;
use cache::FileCache;
use directives::Directives;

pub use cache::{cache_file, RACY_WINDOW};
pub use error::SourceError;
pub use new::{new_migration, NewMigration};
pub use text::SqlText;
pub use version::Version;

/// How a migrations folder is laid out: Strata's own layout or another tool's.
/// In `strata.toml`: `layout = "flyway"` under `[project]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `<version>_<name>.up.sql` + `<version>_<name>.down.sql`; version digits, numeric order.
    Strata,
    /// sqlx: `<version>_<name>.sql`, or `.up.sql` + `.down.sql`; numeric order.
    Sqlx,
    /// golang-migrate: `<version>_<title>.up.sql` + `.down.sql`; numeric order.
    GolangMigrate,
    /// dbmate: one `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` blocks;
    /// file-name order.
    Dbmate,
    /// Flyway: `V<version>__<desc>.sql`, undo `U<version>__<desc>.sql`, repeatable
    /// `R__<desc>.sql`; versions compared part by part, repeatables last.
    Flyway,
    /// Diesel: a folder `<version>_<name>/` with `up.sql`, `down.sql`, `metadata.toml`;
    /// version text order.
    Diesel,
}

impl Layout {
    pub const ALL: [Layout; 6] = [
        Layout::Strata,
        Layout::Sqlx,
        Layout::GolangMigrate,
        Layout::Dbmate,
        Layout::Flyway,
        Layout::Diesel,
    ];

    /// The name `strata.toml` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Strata => "strata",
            Layout::Sqlx => "sqlx",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Dbmate => "dbmate",
            Layout::Flyway => "flyway",
            Layout::Diesel => "diesel",
        }
    }

    /// How a migration file is named in this layout, with an example.
    pub fn file_hint(self) -> &'static str {
        match self {
            Layout::Strata => "<version>_<name>.up.sql or <version>_<name>.down.sql, for example 20240115103000_create_users.up.sql",
            Layout::Sqlx => "<version>_<name>.sql, or <version>_<name>.up.sql and .down.sql, for example 20240115103000_create_users.sql",
            Layout::GolangMigrate => "<version>_<title>.up.sql or <version>_<title>.down.sql, for example 1_create_users.up.sql",
            Layout::Dbmate => "<version>_<name>.sql, for example 20240115103000_create_users.sql",
            Layout::Flyway => "V<version>__<description>.sql (U<version>__<description>.sql for its undo, R__<description>.sql for a repeatable), for example V1.2__create_users.sql",
            Layout::Diesel => "a folder <version>_<name> holding up.sql and down.sql, for example 2024-01-15-103000_create_users/up.sql",
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a migration is applied once (versioned) or again whenever its checksum changes
/// (a Flyway repeatable, `R__…`, applied after all versioned migrations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum MigrationKind {
    Versioned,
    Repeatable,
}

/// One part (up or down) of a migration: its SQL and where it sits in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub path: PathBuf,
    /// The text as written (a leading byte-order mark removed, line endings kept).
    pub sql: SqlText,
    /// The 1-based line of `path` at which `sql` starts (dbmate's two blocks share a file).
    pub first_line: u32,
    /// Run outside a transaction: a directive in this part, or the tool's own setting
    /// (dbmate `transaction:false`, Diesel `run_in_transaction = false`, Flyway
    /// `executeInTransaction=false`).
    pub no_transaction: bool,
}

/// A non-fatal finding about a migration, e.g. a part that does nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SourceNote {
    pub path: PathBuf,
    pub line: Option<u32>,
    pub message: String,
}

impl fmt::Display for SourceNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One migration found on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Migration {
    /// The version as written (leading zeros kept; Diesel's without dashes; `R__<description>`
    /// for a repeatable, which has none).
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub version: Version,
    /// The name part of the file name, e.g. `create_users`.
    pub name: String,
    pub kind: MigrationKind,
    pub up_path: PathBuf,
    /// The down part; absent when the migration cannot be rolled back.
    pub down_path: Option<PathBuf>,
    /// `-- strata:description` of the up part.
    pub description: Option<String>,
    /// `-- strata:author` of the up part.
    pub author: Option<String>,
    /// `-- strata:requires` of the up part: versions that must be applied before this one.
    pub requires: Vec<String>,
    /// The up part runs outside a transaction.
    pub no_transaction: bool,
    /// Hex SHA-256 of the up part's text, line endings and byte-order mark normalised.
    pub checksum: String,
    pub down_checksum: Option<String>,
    pub notes: Vec<SourceNote>,
    #[serde(skip)]
    pub up: Part,
    #[serde(skip)]
    pub down: Option<Part>,
}

impl Migration {
    /// Whether the migration can be rolled back (it has a down part).
    pub fn is_reversible(&self) -> bool {
        self.down.is_some()
    }
}

/// The migrations of one folder, in apply order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MigrationSet {
    pub dir: PathBuf,
    pub layout: Layout,
    pub migrations: Vec<Migration>,
}

impl MigrationSet {
    /// All notes of all migrations, in apply order.
    pub fn notes(&self) -> impl Iterator<Item = &SourceNote> {
        self.migrations.iter().flat_map(|m| &m.notes)
    }
}

/// Read the migrations in `dir`, in `layout` or (when `None`) in the layout detected by
/// [`Layout::detect`]. Hidden files and files that are not `.sql` are not migrations and are
/// left alone (a README beside the migrations is common); every `.sql` file must fit.
pub fn read_dir(dir: &Path, layout: Option<Layout>) -> Result<MigrationSet, SourceError> {
    read_with(dir, layout, FileCache::none())
}

/// [`read_dir`] through the read cache at `cache` (see [`cache_file`]): a file whose size,
/// times, inode and device are those cached is not read again. The migrations are the same as
/// [`read_dir`]'s; the cache is written again when something changed.
pub fn read_dir_cached(
    dir: &Path,
    layout: Option<Layout>,
    cache: &Path,
) -> Result<MigrationSet, SourceError> {
    read_dir_cached_within(dir, layout, cache, RACY_WINDOW)
}

/// [`read_dir_cached`] with files changed within `window` left out of the cache.
pub fn read_dir_cached_within(
    dir: &Path,
    layout: Option<Layout>,
    cache: &Path,
    window: std::time::Duration,
) -> Result<MigrationSet, SourceError> {
    read_with(dir, layout, FileCache::open(cache, dir, window))
}

fn read_with(
    dir: &Path,
    layout: Option<Layout>,
    cache: FileCache,
) -> Result<MigrationSet, SourceError> {
    let layout = match layout {
        Some(layout) => layout,
        None => Layout::detect(dir)?,
    };
    let c = &cache;
    let mut drafts = match layout {
        Layout::Strata => strata::read(dir, c)?,
        Layout::Sqlx => sqlx::read(dir, c)?,
        Layout::GolangMigrate => golang_migrate::read(dir, c)?,
        Layout::Dbmate => dbmate::read(dir, c)?,
        Layout::Flyway => flyway::read(dir, c)?,
        Layout::Diesel => diesel::read(dir, c)?,
    };
    drafts.sort_by(|a, b| a.version.cmp(&b.version));
    if let Some(pair) = drafts.windows(2).find(|w| w[0].version == w[1].version) {
        return Err(SourceError::DuplicateVersion {
            version: pair[1].version.to_string(),
            first: pair[0].up.part.path.clone(),
            second: pair[1].up.part.path.clone(),
        });
    }
    check_requirements(layout, &drafts)?;
    let migrations = drafts
        .into_iter()
        .map(Draft::finish)
        .collect::<Result<_, _>>()?;
    cache.finish(dir);
    Ok(MigrationSet {
        dir: dir.to_owned(),
        layout,
        migrations,
    })
}

/// Every `-- strata:requires` names an earlier migration of the folder.
fn check_requirements(layout: Layout, drafts: &[Draft]) -> Result<(), SourceError> {
    for (i, draft) in drafts.iter().enumerate() {
        for (required, line) in &draft.up.directives.requires {
            let parsed = Version::parse(layout, required).ok();
            let found = drafts.iter().position(|d| {
                !d.version.is_repeatable()
                    && (d.version.as_str() == required || Some(&d.version) == parsed.as_ref())
            });
            let err = |found: bool| {
                let (path, line, required) = (draft.up.part.path.clone(), *line, required.clone());
                if found {
                    SourceError::RequirementOrder {
                        path,
                        line,
                        required,
                    }
                } else {
                    SourceError::MissingRequirement {
                        path,
                        line,
                        required,
                    }
                }
            };
            match found {
                None => return Err(err(false)),
                Some(j) if j >= i => return Err(err(true)),
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// A part as a layout read it, before the folder-wide checks.
#[derive(Debug)]
pub(crate) struct Loaded {
    part: Part,
    directives: Directives,
    notes: Vec<SourceNote>,
    /// [`sha256_normalized`] of `part.sql`, computed where the part is read (by the thread
    /// that read it, when a folder is read by several).
    checksum: String,
}

impl Loaded {
    /// Read the whole file at `path` as one part.
    pub(crate) fn file(path: &Path, cache: &FileCache) -> Result<Self, SourceError> {
        let (sql, checksum) = cache.read(path)?;
        let directives = directives::read(path, &sql, 1)?;
        Ok(Self::with_checksum(path, sql, checksum, 1, directives))
    }

    pub(crate) fn new(
        path: &Path,
        sql: impl Into<SqlText>,
        first_line: u32,
        directives: Directives,
    ) -> Self {
        let sql = sql.into();
        let checksum = sha256_normalized(&sql);
        Self::with_checksum(path, sql, checksum, first_line, directives)
    }

    fn with_checksum(
        path: &Path,
        sql: SqlText,
        checksum: String,
        first_line: u32,
        directives: Directives,
    ) -> Self {
        Self {
            checksum,
            part: Part {
                path: path.to_owned(),
                sql,
                first_line,
                no_transaction: directives.no_transaction,
            },
            directives,
            notes: Vec::new(),
        }
    }

    /// The tool's own setting says this part runs outside a transaction.
    pub(crate) fn no_transaction(mut self, no_transaction: bool) -> Self {
        self.part.no_transaction |= no_transaction;
        self
    }
}

/// A migration as a layout read it, before the folder-wide checks.
#[derive(Debug)]
pub(crate) struct Draft {
    version: Version,
    name: String,
    up: Loaded,
    down: Option<Loaded>,
    /// What would make the migration reversible, for the note when the down part is missing
    /// (e.g. `1_a.down.sql`); `None` where a down part does not exist by design (repeatables,
    /// sqlx's one-file migrations).
    expected_down: Option<String>,
}

impl Draft {
    pub(crate) fn new(
        version: Version,
        name: String,
        up: Loaded,
        down: Option<Loaded>,
        expected_down: Option<String>,
    ) -> Self {
        Self {
            version,
            name,
            up,
            down,
            expected_down,
        }
    }

    fn finish(self) -> Result<Migration, SourceError> {
        let Draft {
            version,
            name,
            up,
            down,
            expected_down,
        } = self;
        if let Some((_, line)) = down.as_ref().and_then(|d| d.directives.requires.first()) {
            return Err(SourceError::BadDirective {
                path: down.as_ref().expect("checked").part.path.clone(),
                line: *line,
                problem: "`-- strata:requires` is read from the up part only. Move it there."
                    .into(),
            });
        }
        // A zero-byte or blank up part is a mistake (a file created and never written); one
        // with only comments says it is a no-op on purpose. A down part may be either.
        if up.part.sql.trim().is_empty() {
            return Err(SourceError::EmptyUp {
                path: up.part.path.clone(),
            });
        }
        let mut notes = Vec::new();
        for (loaded, which) in [(Some(&up), "up"), (down.as_ref(), "down")] {
            let Some(loaded) = loaded else { continue };
            let part = &loaded.part;
            if loaded.directives.first_sql_line.is_none() {
                let what = if part.sql.trim().is_empty() {
                    "is empty"
                } else {
                    "holds only comments"
                };
                let effect = if which == "up" {
                    "applying it changes nothing but is recorded as applied"
                } else {
                    "rolling back changes nothing"
                };
                notes.push(SourceNote {
                    path: part.path.clone(),
                    line: Some(part.first_line),
                    message: format!(
                        "the {which} part {what}, a no-op: {effect}. Write its SQL, or keep it if that is intended."
                    ),
                });
            }
            for (line, directive) in &loaded.directives.late {
                notes.push(SourceNote {
                    path: part.path.clone(),
                    line: Some(*line),
                    message: format!(
                        "`-- {directive}` comes after the first SQL statement, so it is not read. Move it into the comments at the top of the part."
                    ),
                });
            }
            notes.extend(loaded.notes.iter().cloned());
        }
        if let (None, Some(expected)) = (&down, &expected_down) {
            notes.push(SourceNote {
                path: up.part.path.clone(),
                line: None,
                message: format!(
                    "no down part: this migration cannot be rolled back. Add {expected} to make it reversible."
                ),
            });
        }
        let kind = if version.is_repeatable() {
            MigrationKind::Repeatable
        } else {
            MigrationKind::Versioned
        };
        Ok(Migration {
            version,
            name,
            kind,
            up_path: up.part.path.clone(),
            down_path: down.as_ref().map(|d| d.part.path.clone()),
            description: up.directives.description,
            author: up.directives.author,
            requires: up.directives.requires.into_iter().map(|(v, _)| v).collect(),
            no_transaction: up.part.no_transaction,
            checksum: up.checksum,
            down_checksum: down.as_ref().map(|d| d.checksum.clone()),
            notes,
            up: up.part,
            down: down.map(|d| d.part),
        })
    }
}
