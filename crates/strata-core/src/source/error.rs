//! Everything that can be wrong with a migrations folder, each error naming the file (and the
//! line where one applies) and saying what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

use super::Layout;

/// What can be wrong with a migrations folder, or with creating a migration in one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error("cannot read the migrations folder {}: {source}. Check that it exists and that you may read it.", dir.display())]
    ReadDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}. Check that you may read it.", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {reason}. Rename it to {} ({layout} layout).", path.display(), layout.file_hint())]
    BadFileName {
        path: PathBuf,
        layout: Layout,
        reason: String,
    },
    #[error("{}: folders inside the migrations folder are not read in the {layout} layout. Move its files up one level, or remove it; Diesel's layout (one folder per migration) and Flyway's (nested folders) are set with `layout` under [project] in strata.toml.", path.display())]
    UnexpectedFolder { path: PathBuf, layout: Layout },
    #[error("version {version} is used twice: {} and {}. Give one of them a new version.", first.display(), second.display())]
    DuplicateVersion {
        version: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: a down part without its up part. Add {} or remove this file.", path.display(), expected_up.display())]
    DownWithoutUp { path: PathBuf, expected_up: PathBuf },
    #[error("{} is empty: write the migration's SQL or delete the file. (An up part that holds only comments is accepted as a deliberate no-op.)", path.display())]
    EmptyUp { path: PathBuf },
    #[error("{} mixes migration layouts: {}. Set `layout = \"…\"` under [project] in strata.toml to the one this folder uses (the other files are then reported), or move the files that do not belong out of the folder.", dir.display(), Examples(dir, examples))]
    MixedLayouts {
        dir: PathBuf,
        /// One example file or folder of each layout found, in [`Layout::ALL`] order.
        examples: Vec<(Layout, PathBuf)>,
    },
    #[error("{}:{line}: the byte 0x{byte:02X} at offset {offset} is not valid UTF-8. Strata reads migrations as UTF-8: save the file as UTF-8 (for example `iconv -f WINDOWS-1252 -t UTF-8`).", path.display())]
    InvalidUtf8 {
        path: PathBuf,
        /// The 1-based line of the first bad byte.
        line: u32,
        /// The 0-based byte offset of the first bad byte in the file.
        offset: usize,
        byte: u8,
    },
    #[error("{}: the file is UTF-16 (it starts with a UTF-16 byte-order mark). Strata reads migrations as UTF-8: save the file as UTF-8.", path.display())]
    Utf16 { path: PathBuf },
    #[error("{}:{line}: unknown directive `-- strata:{word}`. Strata knows `-- strata:no-transaction`, `-- strata:description <text>`, `-- strata:author <name>` and `-- strata:requires <version>`: fix the spelling, or drop `strata:` to make it a plain comment.", path.display())]
    UnknownDirective {
        path: PathBuf,
        line: u32,
        word: String,
    },
    #[error("{}:{line}: {problem}", path.display())]
    BadDirective {
        path: PathBuf,
        line: u32,
        /// What is wrong and how to fix it.
        problem: String,
    },
    #[error("{}:{line}: `-- strata:requires {required}` names a version that is not in the migrations folder. Correct the version, add that migration, or remove the directive.", path.display())]
    MissingRequirement {
        path: PathBuf,
        line: u32,
        required: String,
    },
    #[error("{}:{line}: `-- strata:requires {required}` names a migration that is applied after this one (or this one itself). A migration can only require earlier versions: give this migration a later version or remove the directive.", path.display())]
    RequirementOrder {
        path: PathBuf,
        line: u32,
        required: String,
    },
    #[error("{}{}: {problem}", path.display(), Line(*line))]
    Invalid {
        path: PathBuf,
        line: Option<u32>,
        /// What is wrong and how to fix it.
        problem: String,
    },
    #[error("creating a migration is not supported in the {layout} layout yet. Create the files by hand (or with that tool), then Strata reads them.")]
    NewNotSupported { layout: Layout },
    #[error("'{name}' is not usable as a migration name: it has no ASCII letters or digits. Use a few words such as `create users`.")]
    BadName { name: String },
    #[error("cannot create {}: {source}. Nothing was written; check the folder and try again.", path.display())]
    CreateFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `:line`, or nothing.
struct Line(Option<u32>);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(line) => write!(f, ":{line}"),
            None => Ok(()),
        }
    }
}

/// `strata (e.g. 1_a.up.sql), flyway (e.g. V2__b.sql)`, paths relative to the folder.
struct Examples<'a>(&'a Path, &'a [(Layout, PathBuf)]);

impl fmt::Display for Examples<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (layout, path)) in self.1.iter().enumerate() {
            let shown = path.strip_prefix(self.0).unwrap_or(path);
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{layout} (e.g. {})", shown.display())?;
        }
        Ok(())
    }
}
