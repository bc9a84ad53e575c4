//! Strata's engine: it reads migration sources and talks to databases. It never learns that it
//! runs inside a GUI; the desktop app and the `strata` CLI are two hosts of the same code.

pub mod admin;
pub mod adopt;
pub mod checksum;
pub mod clock;
pub mod dialect;
pub mod driver;
pub mod engine;
pub mod executor;
pub mod history;
pub mod lock;
pub mod plan;
mod replace;
pub mod schema;
pub mod seed;
pub mod source;
pub mod split;

pub use dialect::{DatabaseKind, EngineSupport};
pub use driver::{ConnectError, ServerInfo};
pub use source::{Layout, Migration, MigrationKind, MigrationSet, SourceError, Version};

/// The engine's version, reported by the app's About line and `strata --version`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
