//! Strata projects and the things a user keeps between runs: where projects live, their
//! settings, and the app's data folder. Shared by the desktop app and the `strata` CLI.

pub mod environment;
pub mod paths;
pub mod project;

pub use environment::EnvironmentTier;
pub use project::{Project, ProjectError, ProjectSettings};
pub mod credentials;
pub mod secret;
