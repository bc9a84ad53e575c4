//! A migration's version: the text as written plus an ordering key built by its layout's own
//! rule, so that sorting by key is exactly the order the original tool applies migrations in,
//! and equal keys are exactly what that tool would call the same version.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::Layout;

/// The first key part of a repeatable migration: above any versioned key (those parts have at
/// most 38 digits), so repeatables sort after every versioned migration.
const REPEATABLE: u128 = u128::MAX;

/// A version as written (`raw`) and the key it is ordered and compared by.
///
/// - Strata, sqlx, golang-migrate: the number (`0100` equals `100`).
/// - Flyway: the dotted or underscored parts as numbers, trailing zero parts ignored
///   (`1_1` equals `1.1`, `1.0` equals `1`, `1.2` < `1.10`).
/// - Diesel and dbmate compare text (digit by digit), as those tools do.
/// - A Flyway repeatable (`R__name`) sorts after every versioned migration, by description.
#[derive(Debug, Clone)]
pub struct Version {
    raw: String,
    key: Vec<u128>,
}

impl Version {
    /// The version as written, e.g. `20240115103000`, `1.2.10`, or `R__views` for a repeatable.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The ordering key (see the type's documentation).
    pub fn key(&self) -> &[u128] {
        &self.key
    }

    /// A plain number of at most 38 digits (it fits in a `u128`).
    pub(crate) fn number(raw: &str) -> Result<Self, String> {
        let n = digits_value(raw)?;
        Ok(Self {
            raw: raw.to_owned(),
            key: vec![n],
        })
    }

    /// Flyway's version: digits separated by single `.` or `_`, compared part by part as
    /// numbers, a missing part counting as zero.
    pub(crate) fn flyway(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("the version is empty".into());
        }
        let mut key = raw
            .split(['.', '_'])
            .map(|part| {
                if part.is_empty() {
                    Err(format!(
                        "the version '{raw}' has an empty part (two separators in a row, or one at an end)"
                    ))
                } else {
                    digits_value(part).map_err(|e| format!("the version '{raw}': {e}"))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        while key.last() == Some(&0) {
            key.pop();
        }
        Ok(Self {
            raw: raw.to_owned(),
            key,
        })
    }

    /// A version compared as text, digit by digit. `tail` is one more byte appended to the key:
    /// dbmate sorts by file name, so the byte after the digits decides between `1_a` and `10_b`.
    pub(crate) fn text(raw: &str, tail: Option<u8>) -> Result<Self, String> {
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("the version '{raw}' is not made of digits"));
        }
        let mut key: Vec<u128> = raw.bytes().map(u128::from).collect();
        key.extend(tail.map(u128::from));
        Ok(Self {
            raw: raw.to_owned(),
            key,
        })
    }

    /// A Flyway repeatable: no version; it sorts after all versioned migrations, by description
    /// (Flyway reads `_` in a description as a space).
    pub(crate) fn repeatable(description: &str) -> Self {
        let key = std::iter::once(REPEATABLE)
            .chain(
                description
                    .chars()
                    .map(|c| u128::from(if c == '_' { ' ' } else { c })),
            )
            .collect();
        Self {
            raw: format!("R__{description}"),
            key,
        }
    }

    /// Read a version as `layout` writes it, e.g. the argument of `-- strata:requires`.
    pub fn parse(layout: Layout, text: &str) -> Result<Self, String> {
        match layout {
            Layout::Strata | Layout::Sqlx | Layout::GolangMigrate => Self::number(text),
            Layout::Flyway => Self::flyway(text),
            Layout::Diesel => Self::text(&text.replace('-', ""), None),
            Layout::Dbmate => Self::text(text, None),
        }
    }

    /// Whether this is a Flyway repeatable's pseudo-version.
    pub(crate) fn is_repeatable(&self) -> bool {
        self.key.first() == Some(&REPEATABLE)
    }
}

/// The value of a string of ASCII digits, at most 38 of them.
fn digits_value(raw: &str) -> Result<u128, String> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the version '{raw}' is not made of digits"));
    }
    if raw.len() > 38 {
        return Err(format!("the version '{raw}' has more than 38 digits"));
    }
    Ok(raw.parse().expect("at most 38 ASCII digits fit in a u128"))
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl AsRef<str> for Version {
    fn as_ref(&self) -> &str {
        &self.raw
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(make: fn(&str) -> Result<Version, String>, input: &[&str]) -> Vec<String> {
        let mut v: Vec<Version> = input.iter().map(|s| make(s).unwrap()).collect();
        v.sort();
        v.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn numbers_compare_numerically() {
        assert_eq!(
            sorted(Version::number, &["10", "2", "1", "0100"]),
            ["1", "2", "10", "0100"]
        );
        assert_eq!(
            Version::number("01").unwrap(),
            Version::number("1").unwrap()
        );
        assert!(Version::number("1a")
            .unwrap_err()
            .contains("not made of digits"));
        assert!(Version::number(&"9".repeat(39))
            .unwrap_err()
            .contains("more than 38 digits"));
        Version::number(&"9".repeat(38)).unwrap();
    }

    #[test]
    fn flyway_versions_compare_part_by_part() {
        assert_eq!(
            sorted(Version::flyway, &["2", "1.10", "1.2", "1.1", "1_3"]),
            ["1.1", "1.2", "1_3", "1.10", "2"]
        );
        let f = |s| Version::flyway(s).unwrap();
        assert_eq!(f("1_1"), f("1.1"));
        assert_eq!(f("1.0"), f("1"));
        assert_eq!(f("1.0.0"), f("001"));
        assert_eq!(f("1.01"), f("1.1"));
        for bad in ["", "1..2", "1.", ".1", "1.a", "1-2"] {
            assert!(Version::flyway(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn text_versions_compare_as_text() {
        let t = |s| Version::text(s, None).unwrap();
        assert!(t("10") < t("2"));
        assert_ne!(t("01"), t("1"));
        // dbmate's file-name order: "10_b.sql" < "1_a.sql" because '0' < '_'.
        let a = Version::text("1", Some(b'_')).unwrap();
        let b = Version::text("10", Some(b'_')).unwrap();
        assert!(b < a);
    }

    #[test]
    fn repeatables_come_last_by_description() {
        let big = Version::flyway(&"9".repeat(38)).unwrap();
        let r1 = Version::repeatable("a_views");
        let r2 = Version::repeatable("b");
        assert!(big < r1 && r1 < r2);
        assert!(r1.is_repeatable() && !big.is_repeatable());
        assert_eq!(r1.as_str(), "R__a_views");
    }

    #[test]
    fn parse_reads_each_layouts_spelling() {
        let d = Version::parse(Layout::Diesel, "2019-01-01-000000").unwrap();
        assert_eq!(d.as_str(), "20190101000000");
        assert_eq!(
            Version::parse(Layout::Flyway, "1_1").unwrap(),
            Version::parse(Layout::Flyway, "1.1").unwrap()
        );
        assert_eq!(
            serde_json::to_string(&Version::number("0042").unwrap()).unwrap(),
            "\"0042\""
        );
    }
}
