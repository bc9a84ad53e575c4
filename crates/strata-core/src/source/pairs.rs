//! Up and down files meet by version: a version has at most one up file and one down file, and
//! a second file claiming a taken place is a duplicate-version error naming both files.

use std::collections::btree_map::{BTreeMap, Entry};
use std::path::PathBuf;

use super::{SourceError, Version};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Up,
    Down,
    /// A one-file migration that has no down part by design (sqlx's `<v>_<name>.sql`).
    Single,
}

/// The files found for one version.
#[derive(Debug)]
pub(crate) struct Slot {
    /// The version as the first file wrote it.
    pub version: Version,
    pub name: String,
    pub up: Option<PathBuf>,
    pub single: bool,
    pub down: Option<PathBuf>,
}

/// Files grouped by version.
pub(crate) struct Pairs {
    slots: BTreeMap<Version, Slot>,
    strict: bool,
}

impl Pairs {
    /// `strict`: the up and down files must spell version and name alike (`1_a.up.sql` pairs
    /// with `1_a.down.sql`, never with `01_a.down.sql` or `1_b.down.sql`). Flyway pairs an undo
    /// with its migration by version alone.
    pub fn new(strict: bool) -> Self {
        Self {
            slots: BTreeMap::new(),
            strict,
        }
    }

    pub fn add(
        &mut self,
        version: Version,
        name: &str,
        side: Side,
        path: PathBuf,
    ) -> Result<(), SourceError> {
        let slot = match self.slots.entry(version.clone()) {
            Entry::Vacant(e) => e.insert(Slot {
                version: version.clone(),
                name: name.to_owned(),
                up: None,
                single: false,
                down: None,
            }),
            Entry::Occupied(e) => {
                let slot = e.into_mut();
                let taken = match side {
                    Side::Up => slot.up.is_some(),
                    Side::Down => slot.down.is_some() || slot.single,
                    Side::Single => slot.up.is_some() || slot.down.is_some(),
                };
                let differs =
                    self.strict && (slot.version.as_str() != version.as_str() || slot.name != name);
                if taken || differs {
                    let first = slot
                        .up
                        .as_ref()
                        .or(slot.down.as_ref())
                        .expect("a slot holds a file");
                    return Err(SourceError::DuplicateVersion {
                        version: version.to_string(),
                        first: first.clone(),
                        second: path,
                    });
                }
                slot
            }
        };
        if side != Side::Down {
            // The up file names the migration (Flyway's undo may spell it differently).
            slot.version = version;
            slot.name = name.to_owned();
        }
        match side {
            Side::Up => slot.up = Some(path),
            Side::Single => {
                slot.up = Some(path);
                slot.single = true;
            }
            Side::Down => slot.down = Some(path),
        }
        Ok(())
    }

    pub fn into_slots(self) -> impl Iterator<Item = Slot> {
        self.slots.into_values()
    }
}
