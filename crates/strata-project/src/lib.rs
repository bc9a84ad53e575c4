//! Strata projects and the things a user keeps between runs: where projects live, their
//! settings, saved connections and their protection, and the app's data and config folders.
//! Shared by the desktop app and the `strata` CLI.

pub mod connections;
pub mod credentials;
pub mod environment;
pub mod paths;
pub mod profile;
pub mod project;
pub mod protection;
pub mod secret;
pub mod seed_profiles;
pub mod seed_secrets;
pub mod store;
pub mod transfer;
pub mod url;

pub use environment::EnvironmentTier;
pub use profile::{ConnectionProfile, FieldError, PasswordMode, Protection, TlsMode, TlsSettings};
pub use project::{Project, ProjectError, ProjectSettings};
pub use protection::{check_apply_allowed, ProtectionError};
pub use store::{ProfileStore, StoreError};
