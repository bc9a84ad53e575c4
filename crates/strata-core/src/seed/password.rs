//! Password columns: a plaintext from a dataset, the host's keychain or a fresh random one is
//! hashed with argon2id (PHC string, random salt) before it reaches a row; the plaintext never
//! reaches the database, a log or an error.

use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::Argon2;

/// Where passwords that are not in the files come from: the app and the CLI read them from
/// the OS keychain (strata-core has no keyring). `None` when there is no such secret.
pub trait SecretSource: Send + Sync {
    fn secret(&self, name: &str) -> Option<String>;
}

/// No secrets at all: a dataset that names one fails with the secret's name.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSecrets;

impl SecretSource for NoSecrets {
    fn secret(&self, _name: &str) -> Option<String> {
        None
    }
}

/// Secrets from a fixed list, e.g. `strata seed run --secret admin_password` prompting once.
#[derive(Default)]
pub struct SecretMap(pub std::collections::BTreeMap<String, String>);

impl SecretSource for SecretMap {
    fn secret(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

impl std::fmt::Debug for SecretMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// The argon2id PHC hash of `plaintext` with a random salt.
pub fn hash(plaintext: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(plaintext.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

/// Whether `hash` (a PHC string) is the hash of `plaintext`; false for anything unparsable.
pub fn verify(plaintext: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(plaintext.as_bytes(), &h)
            .is_ok()
    })
}

/// A random password of 20 letters and digits from the OS's randomness.
pub(crate) fn generate() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    (0..20)
        .map(|_| ALPHABET[(OsRng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = super::hash("correct horse");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(super::verify("correct horse", &h));
        assert!(!super::verify("wrong horse", &h));
        assert!(!super::verify("correct horse", "not a hash"));
        assert_ne!(super::generate(), super::generate());
    }
}
