//! A migration's checksum changes with every real edit and with nothing else: before hashing,
//! only a leading byte-order mark is dropped and CRLF and lone CR line endings become LF, so a
//! Windows checkout does not look modified while any change to the text itself does.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// `text` with a leading byte-order mark removed and CRLF / CR line endings turned into LF.
/// Nothing else changes: not trailing spaces, not tabs, not a final newline.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The lowercase hex SHA-256 of [`normalize`]d `text`.
pub fn sha256_normalized(text: &str) -> String {
    let digest = Sha256::digest(normalize(text).as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).expect("a nibble"));
        hex.push(char::from_digit(u32::from(byte & 0xf), 16).expect("a nibble"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_do_not_count() {
        let lf = sha256_normalized("create table t (a int);\nselect 1;\n");
        assert_eq!(
            lf,
            sha256_normalized("create table t (a int);\r\nselect 1;\r\n")
        );
        assert_eq!(
            lf,
            sha256_normalized("create table t (a int);\rselect 1;\r")
        );
        assert_eq!(
            lf,
            sha256_normalized("create table t (a int);\r\nselect 1;\r")
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_count() {
        assert_eq!(
            sha256_normalized("\u{feff}select 1;\n"),
            sha256_normalized("select 1;\n")
        );
        // Only a leading one: inside the text it is content.
        assert_ne!(
            sha256_normalized("select '\u{feff}';"),
            sha256_normalized("select '';")
        );
    }

    #[test]
    fn every_real_edit_counts() {
        let base = sha256_normalized("insert into t values ('a b');\n");
        for edited in [
            "insert into t values ('ab');\n",
            "insert into t values ('a b'); \n",
            "insert into t values ('a\tb');\n",
            "insert into t values ('a b');",
            "insert into t values ('a b');\n\n",
            "INSERT into t values ('a b');\n",
        ] {
            assert_ne!(base, sha256_normalized(edited), "{edited:?}");
        }
    }

    #[test]
    fn known_digest() {
        // sha256("") and sha256("abc"), the FIPS 180-2 test vectors.
        assert_eq!(
            sha256_normalized(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_normalized("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(normalize("a\r\nb\rc\n"), "a\nb\nc\n");
    }
}
