//! A password or other secret: it prints as `***`, cannot be serialized, is wiped from memory
//! when dropped, and is read only through [`Secret::expose`] (grep for `expose(` to find every
//! place a secret leaves its box).
//!
//! Passwords travel UI→Rust once, on save, so `Secret` is `Deserialize` but never `Serialize`:
//! it cannot go back over IPC or into a profile file by accident.

use std::fmt;

use zeroize::Zeroize;

/// The text shown instead of a secret, by both `Debug` and `Display`.
pub const REDACTED: &str = "***";

/// A secret string (a database password). `Debug` and `Display` print [`REDACTED`]; the
/// value is zeroed when the `Secret` is dropped.
#[derive(Clone, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. The single way to read it: keep the result short-lived and never log
    /// or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (a blank password field).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "hunter2-s3cr3t";

    #[test]
    fn debug_and_display_are_redacted() {
        let secret = Secret::new(VALUE);
        for shown in [
            format!("{secret:?}"),
            format!("{secret:#?}"),
            format!("{secret}"),
            format!("{secret:>40}"),
            secret.to_string(),
        ] {
            assert!(!shown.contains(VALUE), "{shown:?} leaks the secret");
            assert!(shown.contains(REDACTED), "{shown:?} is not redacted");
        }
    }

    #[test]
    fn containers_of_secrets_are_redacted() {
        #[derive(Debug)]
        #[allow(dead_code)] // read only through Debug
        struct Profile {
            user: String,
            password: Secret,
        }
        let profile = Profile {
            user: "alice".into(),
            password: Secret::new(VALUE),
        };
        let shown = format!("{profile:?} {:?}", Some(Secret::from(VALUE.to_owned())));
        assert!(!shown.contains(VALUE), "{shown} leaks the secret");
        assert!(shown.contains("alice"));
    }

    #[test]
    fn expose_returns_the_value() {
        let secret = Secret::from(VALUE);
        assert_eq!(secret.expose(), VALUE);
        assert_eq!(secret.clone().expose(), VALUE);
        assert!(!secret.is_empty());
        assert!(Secret::default().is_empty());
    }

    #[test]
    fn deserializes_from_a_plain_string() {
        #[derive(serde::Deserialize)]
        struct SaveRequest {
            password: Secret,
        }
        let request: SaveRequest = toml::from_str(&format!("password = \"{VALUE}\"")).unwrap();
        assert_eq!(request.password.expose(), VALUE);
    }
}
