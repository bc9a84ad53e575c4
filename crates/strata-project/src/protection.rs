//! The backend's guard before any write to a database (apply, roll back, seed, repair,
//! baseline): a read-only connection refuses until the user unlocks it for the session, and a
//! "type the database name" connection refuses unless the exact name was typed. Every command
//! calls [`check_apply_allowed`] (or [`SessionUnlocks::check`]); the UI's dialog is a
//! courtesy, not the check.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::environment::EnvironmentTier;
use crate::profile::ConnectionProfile;

/// The guards on a connection. Production starts with both on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Protection {
    /// Every write is refused until the user unlocks the connection for the session.
    pub read_only: bool,
    /// Applying anything requires typing the database name.
    pub confirm_by_name: bool,
}

impl Protection {
    /// The protection a new connection of `tier` starts with.
    pub fn for_tier(tier: EnvironmentTier) -> Self {
        let on = tier.protected_by_default();
        Self {
            read_only: on,
            confirm_by_name: on,
        }
    }

    pub fn is_on(self) -> bool {
        self.read_only || self.confirm_by_name
    }
}

/// Why a write was refused. The texts name the connection and the database (neither is
/// secret: the user has to type the database name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtectionError {
    #[error("\"{connection}\" is read-only. Unlock it for this session to apply changes; nothing was applied.")]
    ReadOnly { connection: String },
    #[error("\"{connection}\" needs a typed confirmation: type the database name \"{expected}\" to apply; nothing was applied.")]
    ConfirmationRequired {
        connection: String,
        expected: String,
    },
    #[error("the typed name does not match the database name \"{expected}\" of \"{connection}\" (the match is exact and case-sensitive); nothing was applied.")]
    ConfirmationMismatch {
        connection: String,
        expected: String,
    },
    #[error("\"{connection}\" has no database name to confirm with; edit the connection; nothing was applied.")]
    NothingToConfirm { connection: String },
}

/// Whether the user unlocked a read-only connection for this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Locked,
    Unlocked,
}

/// May a write run against `profile`, with the connection still locked? See
/// [`check_apply_allowed_with`].
pub fn check_apply_allowed(
    profile: &ConnectionProfile,
    typed_confirmation: Option<&str>,
) -> Result<(), ProtectionError> {
    check_apply_allowed_with(profile, Lock::Locked, typed_confirmation)
}

/// May a write run against `profile`? A read-only profile needs `Lock::Unlocked`; a
/// confirm-by-name profile needs `typed_confirmation` equal to
/// [`ConnectionProfile::confirmation_name`] exactly (no trimming, case-sensitive). A profile
/// with neither guard is always allowed, whatever its tier: the tier only sets the defaults.
pub fn check_apply_allowed_with(
    profile: &ConnectionProfile,
    lock: Lock,
    typed_confirmation: Option<&str>,
) -> Result<(), ProtectionError> {
    let connection = || profile.name.clone();
    if profile.protection.read_only && lock == Lock::Locked {
        return Err(ProtectionError::ReadOnly {
            connection: connection(),
        });
    }
    if !profile.protection.confirm_by_name {
        return Ok(());
    }
    let expected = profile.confirmation_name();
    if expected.is_empty() {
        return Err(ProtectionError::NothingToConfirm {
            connection: connection(),
        });
    }
    match typed_confirmation {
        Some(typed) if typed == expected => Ok(()),
        None | Some("") => Err(ProtectionError::ConfirmationRequired {
            connection: connection(),
            expected,
        }),
        Some(_) => Err(ProtectionError::ConfirmationMismatch {
            connection: connection(),
            expected,
        }),
    }
}

/// The connections the user unlocked in this session, by id. Kept in memory only: every
/// start of the app begins locked.
#[derive(Debug, Default)]
pub struct SessionUnlocks {
    ids: Mutex<HashSet<String>>,
}

impl SessionUnlocks {
    pub fn new() -> Self {
        Self::default()
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // A set of strings cannot be left half-updated by a panic.
        self.ids.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn unlock(&self, id: &str) {
        self.ids().insert(id.to_owned());
    }

    /// Lock connection `id` again; whether it was unlocked.
    pub fn lock(&self, id: &str) -> bool {
        self.ids().remove(id)
    }

    pub fn lock_state(&self, id: &str) -> Lock {
        if self.ids().contains(id) {
            Lock::Unlocked
        } else {
            Lock::Locked
        }
    }

    /// [`check_apply_allowed_with`] with this session's lock state for `profile`.
    pub fn check(
        &self,
        profile: &ConnectionProfile,
        typed_confirmation: Option<&str>,
    ) -> Result<(), ProtectionError> {
        check_apply_allowed_with(profile, self.lock_state(&profile.id), typed_confirmation)
    }
}

#[cfg(test)]
#[path = "protection_tests.rs"]
mod tests;
