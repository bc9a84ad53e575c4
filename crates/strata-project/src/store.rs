//! The saved connections: one versioned JSON file in the config folder, replaced atomically
//! (temporary file, fsync, rename, fsync folder), so a crash leaves the old file or the new
//! one, never half of either. A file this Strata cannot read (corrupt, newer format, changed by
//! someone else since it was read) is reported and never overwritten.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::profile::{name_key, ConnectionProfile, FieldError, NAME_MAX_CHARS};

/// The file in the config folder.
pub const FILE_NAME: &str = "connections.json";
/// The format this Strata reads and writes. Any new field bumps it.
pub const FORMAT: u64 = 1;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot save {}: {source}. The previous file is unchanged.", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is damaged at line {line}, column {column}: {message}. Strata left it as it is and saves no connections until it is repaired or set aside.", path.display())]
    Corrupt {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("{} was written by a newer Strata (format {found}; this one reads format {FORMAT}). Upgrade Strata; the file was left as it is.", path.display())]
    NewerFormat { path: PathBuf, found: u64 },
    #[error("{} was changed by another program since Strata read it; nothing was saved. Reload the connections and try again.", path.display())]
    ChangedOnDisk { path: PathBuf },
    #[error("there is no saved connection with id {id}")]
    NotFound { id: String },
    #[error("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid { errors: Vec<FieldError> },
}

/// A named group of connections and the project folder attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupSettings {
    pub name: String,
    #[serde(default)]
    pub project_dir: Option<PathBuf>,
}

/// One section of the connection list: a named group, the connections of one project folder
/// that have no group, or (both `None`) the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProfileGroup {
    pub name: Option<String>,
    pub project_dir: Option<PathBuf>,
    pub profiles: Vec<ConnectionProfile>,
}

#[derive(Deserialize)]
struct Header {
    format: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct File {
    format: u64,
    #[serde(default)]
    groups: Vec<GroupSettings>,
    profiles: Vec<ConnectionProfile>,
}

/// The saved connections, as read from `connections.json`. Every change is validated and
/// saved before it shows in memory: a failed save leaves both the file and the store as they
/// were.
#[derive(Debug)]
pub struct ProfileStore {
    path: PathBuf,
    file: File,
    /// The file's bytes as last read or written (`None`: no file), to notice other writers.
    on_disk: Option<Vec<u8>>,
}

impl ProfileStore {
    /// Read `dir/connections.json`; no file is an empty store (the folder and file are made on
    /// the first save).
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(FILE_NAME);
        let on_disk = read_if_exists(&path).map_err(|source| StoreError::Read {
            path: path.clone(),
            source,
        })?;
        let file = match &on_disk {
            Some(bytes) => parse(&path, bytes)?,
            None => File {
                format: FORMAT,
                groups: Vec::new(),
                profiles: Vec::new(),
            },
        };
        Ok(Self {
            path,
            file,
            on_disk,
        })
    }

    /// Rename an unreadable `dir/connections.json` to `connections.json.unreadable-<n>` (its
    /// bytes untouched) so a fresh store can start; the new path, for the user to inspect.
    pub fn set_aside_unreadable(dir: &Path) -> Result<PathBuf, StoreError> {
        let path = dir.join(FILE_NAME);
        let write_err = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        let aside = (1u32..)
            .map(|n| dir.join(format!("{FILE_NAME}.unreadable-{n}")))
            .find(|p| !p.exists())
            .expect("a free name exists");
        std::fs::rename(&path, &aside).map_err(write_err)?;
        sync_dir(dir).map_err(write_err)?;
        Ok(aside)
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every connection, in saved order.
    pub fn list(&self) -> &[ConnectionProfile] {
        &self.file.profiles
    }

    pub fn groups(&self) -> &[GroupSettings] {
        &self.file.groups
    }

    pub fn get(&self, id: &str) -> Option<&ConnectionProfile> {
        self.file.profiles.iter().find(|p| p.id == id)
    }

    /// The project folder of a connection: its own, else its group's.
    pub fn project_dir_of<'a>(&'a self, profile: &'a ConnectionProfile) -> Option<&'a Path> {
        profile.project_dir.as_deref().or_else(|| {
            let group = profile.group.as_deref()?;
            self.group(group)?.project_dir.as_deref()
        })
    }

    fn group(&self, name: &str) -> Option<&GroupSettings> {
        self.file.groups.iter().find(|g| g.name == name)
    }

    /// The list as the Connections screen shows it: named groups by name, then connections
    /// grouped by project folder, then the rest; inside each, development to production, then
    /// by name.
    pub fn grouped(&self) -> Vec<ProfileGroup> {
        let mut sections: Vec<ProfileGroup> = Vec::new();
        for profile in &self.file.profiles {
            let (name, dir) = match &profile.group {
                Some(g) => (
                    Some(g.clone()),
                    self.group(g).and_then(|s| s.project_dir.clone()),
                ),
                None => (None, profile.project_dir.clone()),
            };
            match sections
                .iter_mut()
                .find(|s| s.name == name && (name.is_some() || s.project_dir == dir))
            {
                Some(section) => section.profiles.push(profile.clone()),
                None => sections.push(ProfileGroup {
                    name,
                    project_dir: dir,
                    profiles: vec![profile.clone()],
                }),
            }
        }
        for section in &mut sections {
            section
                .profiles
                .sort_by_cached_key(|p| (p.tier as u8, name_key(&p.name)));
        }
        sections.sort_by_cached_key(|s| match (&s.name, &s.project_dir) {
            (Some(name), _) => (0, name_key(name), PathBuf::new()),
            (None, Some(dir)) => (1, String::new(), dir.clone()),
            (None, None) => (2, String::new(), PathBuf::new()),
        });
        sections
    }

    /// Save a new connection; its id.
    pub fn add(&mut self, profile: ConnectionProfile) -> Result<String, StoreError> {
        let id = profile.id.clone();
        self.add_many(vec![profile])?;
        Ok(id)
    }

    /// Save several new connections in one write: all or none.
    pub fn add_many(&mut self, profiles: Vec<ConnectionProfile>) -> Result<(), StoreError> {
        let mut next = self.file.profiles.clone();
        for profile in profiles {
            if next.iter().any(|p| p.id == profile.id) {
                return Err(invalid("id", "a saved connection already has this id"));
            }
            validate(&profile, &next)?;
            next.push(profile);
        }
        self.commit(next, self.file.groups.clone())
    }

    /// Replace the saved connection with the same id; the version it replaced (so the caller
    /// can tell whether the password mode changed).
    pub fn update(&mut self, profile: ConnectionProfile) -> Result<ConnectionProfile, StoreError> {
        let index = self.index_of(&profile.id)?;
        validate(&profile, &self.file.profiles)?;
        let mut next = self.file.profiles.clone();
        let old = std::mem::replace(&mut next[index], profile);
        self.commit(next, self.file.groups.clone())?;
        Ok(old)
    }

    /// Save a copy of connection `id` named "X (copy)" (or "X (copy 2)"…); the copy's id. The
    /// copy has no password yet: a keychain password is the caller's to copy to the new id.
    pub fn duplicate(&mut self, id: &str) -> Result<String, StoreError> {
        let index = self.index_of(id)?;
        let mut copy = self.file.profiles[index].clone();
        copy.id = crate::profile::new_id();
        copy.name = unique_name(&copy.name, "copy", &self.file.profiles);
        self.add(copy)
    }

    /// Delete connection `id`; the removed profile, so the caller can delete its keychain
    /// password.
    pub fn remove(&mut self, id: &str) -> Result<ConnectionProfile, StoreError> {
        let index = self.index_of(id)?;
        let mut next = self.file.profiles.clone();
        let removed = next.remove(index);
        self.commit(next, self.file.groups.clone())?;
        Ok(removed)
    }

    /// Attach a project folder to group `name` (`None` detaches it).
    pub fn set_group_project(
        &mut self,
        name: &str,
        project_dir: Option<PathBuf>,
    ) -> Result<(), StoreError> {
        if name.trim().is_empty() || name.chars().count() > NAME_MAX_CHARS {
            return Err(invalid(
                "group",
                "enter a group name of at most 200 characters",
            ));
        }
        if let Some(dir) = project_dir.as_deref().filter(|d| !d.is_dir()) {
            let message = format!("the folder {} does not exist", dir.display());
            return Err(invalid("projectDir", message));
        }
        let mut groups = self.file.groups.clone();
        groups.retain(|g| g.name != name);
        if let Some(project_dir) = project_dir {
            groups.push(GroupSettings {
                name: name.to_owned(),
                project_dir: Some(project_dir),
            });
        }
        self.commit(self.file.profiles.clone(), groups)
    }

    /// Write the store as it is (after a failed save, to retry).
    pub fn save(&mut self) -> Result<(), StoreError> {
        self.commit(self.file.profiles.clone(), self.file.groups.clone())
    }

    fn index_of(&self, id: &str) -> Result<usize, StoreError> {
        self.file
            .profiles
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| StoreError::NotFound { id: id.to_owned() })
    }

    /// Write `profiles` and `groups`, then make them the store's state.
    fn commit(
        &mut self,
        profiles: Vec<ConnectionProfile>,
        groups: Vec<GroupSettings>,
    ) -> Result<(), StoreError> {
        let current = read_if_exists(&self.path).map_err(|source| StoreError::Read {
            path: self.path.clone(),
            source,
        })?;
        if current != self.on_disk {
            let path = self.path.clone();
            return Err(StoreError::ChangedOnDisk { path });
        }
        let file = File {
            format: FORMAT,
            groups,
            profiles,
        };
        let write_err = |source| StoreError::Write {
            path: self.path.clone(),
            source,
        };
        // Fails only on a path that is not Unicode, which validation refuses.
        let mut bytes = serde_json::to_vec_pretty(&file).map_err(|e| write_err(e.into()))?;
        bytes.push(b'\n');
        write_atomically(&self.path, &bytes).map_err(write_err)?;
        self.file = file;
        self.on_disk = Some(bytes);
        Ok(())
    }
}

/// The file's bytes; `None` when there is no file.
fn read_if_exists(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        errors: vec![FieldError::new(field, message)],
    }
}

fn validate(profile: &ConnectionProfile, others: &[ConnectionProfile]) -> Result<(), StoreError> {
    profile
        .validate(others)
        .map_err(|errors| StoreError::Invalid { errors })
}

/// `base` itself when free (with `label` empty), else `base (label)`, `base (label 2)`… or
/// `base (2)`, `base (3)`…: the first name no profile in `taken` has, within the length limit.
pub(crate) fn unique_name(base: &str, label: &str, taken: &[ConnectionProfile]) -> String {
    let taken: std::collections::HashSet<String> =
        taken.iter().map(|p| name_key(&p.name)).collect();
    let mut n = 1u32;
    loop {
        let suffix = match (label.is_empty(), n) {
            (true, 1) => String::new(),
            (true, n) => format!(" ({n})"),
            (false, 1) => format!(" ({label})"),
            (false, n) => format!(" ({label} {n})"),
        };
        let candidate = if suffix.is_empty() {
            base.to_owned()
        } else {
            let keep = NAME_MAX_CHARS.saturating_sub(suffix.chars().count());
            let base: String = base.trim_end().chars().take(keep).collect();
            format!("{}{suffix}", base.trim_end())
        };
        if !taken.contains(&name_key(&candidate)) {
            return candidate;
        }
        n += 1;
    }
}

fn parse(path: &Path, bytes: &[u8]) -> Result<File, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt {
        path: path.to_owned(),
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.column()).unwrap_or(u32::MAX),
        message: strip_position(&e),
    };
    // A byte-order mark, as some Windows editors write: not damage.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let header: Header = serde_json::from_slice(bytes).map_err(corrupt)?;
    if header.format > FORMAT {
        return Err(StoreError::NewerFormat {
            path: path.to_owned(),
            found: header.format,
        });
    }
    if header.format == 0 {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            line: 1,
            column: 1,
            message: "format 0 is not a format Strata ever wrote".into(),
        });
    }
    let file: File = serde_json::from_slice(bytes).map_err(corrupt)?;
    let mut seen = std::collections::HashSet::new();
    for profile in &file.profiles {
        if !seen.insert(profile.id.as_str()) {
            let (line, column) = position_of_last(bytes, &profile.id);
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                line,
                column,
                message: format!("two connections have the id {}", profile.id),
            });
        }
    }
    Ok(file)
}

/// serde_json's message without its trailing " at line L column C" (the error says it) and
/// without the values it quotes (see [`without_quoted_values`]).
fn strip_position(error: &serde_json::Error) -> String {
    let text = without_quoted_values(&error.to_string());
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// A serde message with the values it would quote from a hand-edited file replaced by `***`:
/// a password typed where a number goes (`invalid type: string "…"`) or as the password mode
/// (`unknown variant `…`, expected one of `keychain`…`) must not come back in an error text.
/// Field names and the expected values stay.
pub(crate) fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("string \"") {
        let open = at + "string \"".len();
        out.push_str(&rest[..open]);
        let mut escaped = false;
        let close = rest[open..]
            .char_indices()
            .find(|&(_, c)| match (escaped, c) {
                (true, _) => {
                    escaped = false;
                    false
                }
                (false, '\\') => {
                    escaped = true;
                    false
                }
                (false, c) => c == '"',
            })
            .map_or(rest.len(), |(i, _)| open + i);
        out.push_str("***");
        rest = &rest[close..];
    }
    out.push_str(rest);
    const VARIANT: &str = "unknown variant `";
    if out.contains("`keychain`") {
        if let Some(at) = out.find(VARIANT) {
            let open = at + VARIANT.len();
            if let Some(len) = out[open..].find("`, expected") {
                out.replace_range(open..open + len, "***");
            }
        }
    }
    out
}

/// Line and column (1-based) of the last `"needle"` in `bytes`.
fn position_of_last(bytes: &[u8], needle: &str) -> (u32, u32) {
    let text = String::from_utf8_lossy(bytes);
    let Some(at) = text.rfind(&format!("\"{needle}\"")) else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (clamp(line), clamp(column))
}

/// Replace `path` with `bytes` so that a crash at any point leaves either the old or the new
/// file: write a temporary file in the same folder, fsync it, rename it over `path`, fsync the
/// folder. The file is readable by its owner only (it names hosts and users).
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let unique = &crate::profile::new_id()[..12];
    let tmp = dir.join(format!(".{}.{unique}.tmp", name.unwrap_or_default()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Make a rename in `dir` durable. Windows cannot open a folder for this; its rename
/// (MoveFileEx) is the durable step there.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
