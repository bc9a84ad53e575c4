//! Moving connections between machines. An export file holds profiles and never a password
//! (profiles have no password field, and password-like URL parameters are dropped); an import
//! adds what it can under fresh ids, renames name clashes to "name (2)", and reports every
//! profile it could not take with the reasons, field by field.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::profile::{new_id, ConnectionProfile, FieldError};
use crate::store::{
    unique_name, without_quoted_values, write_atomically, ProfileStore, StoreError,
};
use crate::url::{param_role, ParamRole};

/// The export format this Strata writes and reads.
pub const EXPORT_FORMAT: u64 = 1;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a valid connections export: line {line}, column {column}: {message}", path.display())]
    Unreadable {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("{} is not a Strata connections export (it has no \"strataConnections\" version)", path.display())]
    NotAnExport { path: PathBuf },
    #[error("{} was exported by a newer Strata (version {found}; this one reads version {EXPORT_FORMAT}). Upgrade Strata to import it.", path.display())]
    NewerFormat { path: PathBuf, found: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: Vec<ImportedProfile>,
    pub rejected: Vec<RejectedProfile>,
}

/// A connection the import saved. `name` differs from `original_name` when it was renamed to
/// avoid a clash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImportedProfile {
    pub id: String,
    pub name: String,
    pub original_name: String,
}

/// A connection the import left out: its position in the file (from 0), its name when the
/// file gave one, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RejectedProfile {
    pub index: u32,
    pub name: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportOut<'a> {
    strata_connections: u64,
    profiles: &'a [ConnectionProfile],
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImportHeader {
    strata_connections: Option<u64>,
}

#[derive(Deserialize)]
struct ImportIn {
    profiles: Vec<serde_json::Value>,
}

/// Write `profiles` to `path` (atomically) as `{"strataConnections": 1, "profiles": [...]}`.
pub fn export(path: &Path, profiles: &[ConnectionProfile]) -> Result<(), TransferError> {
    let cleaned: Vec<ConnectionProfile> = profiles
        .iter()
        .cloned()
        .map(|mut p| {
            // Never in a validated profile; a hand-edited file could still hold one.
            p.options
                .retain(|(key, _)| param_role(p.engine, key) != ParamRole::Secret);
            p
        })
        .collect();
    let out = ExportOut {
        strata_connections: EXPORT_FORMAT,
        profiles: &cleaned,
    };
    let write_err = |source| TransferError::Write {
        path: path.to_owned(),
        source,
    };
    // Fails only on a path that is not Unicode, which validation refuses.
    let mut bytes = serde_json::to_vec_pretty(&out).map_err(|e| write_err(e.into()))?;
    bytes.push(b'\n');
    write_atomically(path, &bytes).map_err(write_err)
}

/// Import the export file at `path` into `store`: each valid profile is saved with a fresh
/// id (and a new name when its name is taken), all in one write; each invalid one is
/// reported. Passwords are not part of an export: imported connections ask for theirs.
pub fn import(path: &Path, store: &mut ProfileStore) -> Result<ImportReport, TransferError> {
    let bytes = std::fs::read(path).map_err(|source| TransferError::Read {
        path: path.to_owned(),
        source,
    })?;
    let unreadable = |e: serde_json::Error| TransferError::Unreadable {
        path: path.to_owned(),
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        column: u32::try_from(e.column()).unwrap_or(u32::MAX),
        message: without_quoted_values(&e.to_string()),
    };
    let header: ImportHeader = serde_json::from_slice(&bytes).map_err(unreadable)?;
    match header.strata_connections {
        None => return Err(TransferError::NotAnExport { path: path.into() }),
        Some(found) if found > EXPORT_FORMAT => {
            return Err(TransferError::NewerFormat {
                path: path.into(),
                found,
            })
        }
        Some(_) => {}
    }
    let file: ImportIn = serde_json::from_slice(&bytes).map_err(unreadable)?;

    let mut known = store.list().to_vec();
    let mut accepted = Vec::new();
    let mut report = ImportReport {
        imported: Vec::new(),
        rejected: Vec::new(),
    };
    for (index, value) in file.profiles.into_iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let name = value
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_owned);
        let reject = |errors| RejectedProfile {
            index,
            name: name.clone(),
            errors,
        };
        let mut profile: ConnectionProfile = match serde_json::from_value(value) {
            Ok(p) => p,
            Err(e) => {
                let message = format!(
                    "not a connection Strata can read: {}",
                    without_quoted_values(&e.to_string())
                );
                report
                    .rejected
                    .push(reject(vec![FieldError::new("profile", message)]));
                continue;
            }
        };
        let original_name = profile.name.clone();
        profile.id = new_id();
        profile.name = unique_name(&profile.name, "", &known);
        match profile.validate(&known) {
            Ok(()) => {
                report.imported.push(ImportedProfile {
                    id: profile.id.clone(),
                    name: profile.name.clone(),
                    original_name,
                });
                known.push(profile.clone());
                accepted.push(profile);
            }
            Err(errors) => report.rejected.push(reject(errors)),
        }
    }
    if !accepted.is_empty() {
        store.add_many(accepted)?;
    }
    Ok(report)
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
