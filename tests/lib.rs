//! Shared helpers for Strata's system tests. A test that needs a database server finds it here,
//! and fails with instructions when the server is missing; nothing skips silently.

use std::path::PathBuf;

/// The repository root (the demo project lives there: `migrations/`, `seeds/`, `strata.toml`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

pub mod catalog;
pub mod desktop;
pub mod webdriver;

/// Cargo's target folder (where build outputs and test artifacts go).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

pub mod servers;

pub mod timeline_fixtures;

pub mod tls;
