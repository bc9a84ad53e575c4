//! Environment tiers. Production is the tier Strata protects: red everywhere, read-only until
//! unlocked, typed confirmation to apply.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum EnvironmentTier {
    Development,
    Testing,
    Staging,
    Production,
}

impl EnvironmentTier {
    /// Whether connections of this tier start protected (read-only until unlocked).
    pub fn protected_by_default(self) -> bool {
        matches!(self, Self::Production)
    }
}
