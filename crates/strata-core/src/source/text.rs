//! [`SqlText`]: a migration part's SQL, read as a `&str`, that may be a slice of a buffer many
//! parts share (the folder's read cache holds every cached file's text in one), so that reading
//! thousands of cached migrations copies none of their text.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// A part's SQL text. Cloning it is cheap (a shared buffer and a range), and it reads as a
/// `&str` wherever one is expected.
#[derive(Clone)]
pub struct SqlText {
    buf: Arc<String>,
    range: Range<usize>,
}

impl SqlText {
    /// `range` of `buf`, or `None` when it is out of bounds or cuts a character.
    pub(crate) fn slice(buf: &Arc<String>, range: Range<usize>) -> Option<Self> {
        buf.get(range.clone())?;
        Some(SqlText {
            buf: Arc::clone(buf),
            range,
        })
    }

    pub fn as_str(&self) -> &str {
        // Checked when made: in bounds, on character boundaries.
        &self.buf[self.range.clone()]
    }
}

impl Default for SqlText {
    fn default() -> Self {
        SqlText::from(String::new())
    }
}

impl From<String> for SqlText {
    fn from(text: String) -> Self {
        let range = 0..text.len();
        SqlText {
            buf: Arc::new(text),
            range,
        }
    }
}

impl From<&str> for SqlText {
    fn from(text: &str) -> Self {
        SqlText::from(text.to_owned())
    }
}

impl From<SqlText> for String {
    fn from(text: SqlText) -> Self {
        text.as_str().to_owned()
    }
}

impl Deref for SqlText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SqlText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for SqlText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SqlText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SqlText {}

impl PartialEq<str> for SqlText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SqlText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SqlText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<SqlText> for String {
    fn eq(&self, other: &SqlText) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SqlText> for &str {
    fn eq(&self, other: &SqlText) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Debug for SqlText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SqlText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for SqlText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_reads_as_its_part_of_the_buffer() {
        let buf = Arc::new("créer; drop".to_owned());
        let a = SqlText::slice(&buf, 0..7).unwrap();
        assert_eq!(a, "créer;");
        assert_eq!(a, SqlText::from("créer;"));
        assert_eq!(format!("{a:?}"), "\"créer;\"");
        // Out of bounds, or through the middle of `é`: refused.
        assert!(SqlText::slice(&buf, 5..40).is_none());
        assert!(SqlText::slice(&buf, 0..3).is_none());
    }
}
