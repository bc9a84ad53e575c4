//! Generated cells: each generator turns a column's draws for one row into a value, so a
//! generated dataset is a pure function of (seed value, dataset, column, row) and streams.

use super::rng::Draws;
use super::value::{format_date, format_timestamp, Value};
use super::words::{
    CITIES, COMPANY_SUFFIXES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, STREETS, WORDS,
};

/// How a `ref` generator picks the referenced row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A random row.
    Random,
    /// Row `n mod count`: successive rows take successive referenced rows.
    Cycle,
}

/// A column's generator, as written in a dataset's `generate.columns`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Generator {
    /// `start + step * (row / repeat)`.
    Sequence {
        start: i64,
        step: i64,
        repeat: u64,
    },
    /// One of `values`; with weights, `cumulative[i]` is the sum of the first i+1 weights.
    Choice {
        values: Vec<Value>,
        cumulative: Option<Vec<u64>>,
    },
    FirstName,
    LastName,
    FullName,
    /// Unique within the dataset: the row number is part of the address.
    Email,
    Phone,
    Address,
    Company,
    Word,
    /// Between `min` and `max` words, the first capitalised, ending with a full stop.
    Sentence {
        min: u32,
        max: u32,
    },
    Int {
        min: i64,
        max: i64,
    },
    Float {
        min: f64,
        max: f64,
    },
    /// A decimal with `scale` digits after the point; bounds are in units of 10^-scale.
    Decimal {
        min: i64,
        max: i64,
        scale: u32,
    },
    /// Days since the epoch, inclusive.
    Date {
        min: i64,
        max: i64,
    },
    /// Seconds since the epoch, inclusive.
    Timestamp {
        min: i64,
        max: i64,
    },
    /// True with probability `ratio`.
    Bool {
        ratio: f64,
    },
    /// A version 4 UUID from the seeded stream (deterministic, unlike the OS's).
    Uuid,
    /// The `column` value of a row of another dataset.
    Ref {
        dataset: String,
        column: String,
        pick: Pick,
    },
    /// The same value on every row.
    Const(Value),
}

impl Generator {
    /// The generator names a dataset may use, for "unknown generator" errors.
    pub const NAMES: &'static [&'static str] = &[
        "sequence",
        "choice",
        "first_name",
        "last_name",
        "full_name",
        "email",
        "phone",
        "address",
        "company",
        "word",
        "sentence",
        "int",
        "float",
        "decimal",
        "date",
        "timestamp",
        "bool",
        "uuid",
        "ref",
        "const",
    ];

    /// The value of row `row` (0-based). `Ref` is resolved by the caller, which knows the
    /// other datasets; here it yields the referenced row index as an integer.
    pub(crate) fn cell(&self, row: u64, d: &mut Draws<'_>) -> Value {
        match self {
            Generator::Sequence {
                start,
                step,
                repeat,
            } => Value::Int(start.wrapping_add(step.wrapping_mul((row / repeat) as i64))),
            Generator::Choice { values, cumulative } => match cumulative {
                None => d.pick(values).clone(),
                Some(cum) => {
                    let total = *cum.last().expect("weights are checked non-empty");
                    let x = d.below(total);
                    let i = cum.partition_point(|&c| c <= x);
                    values[i].clone()
                }
            },
            Generator::FirstName => Value::Text((*d.pick(FIRST_NAMES)).to_owned()),
            Generator::LastName => Value::Text((*d.pick(LAST_NAMES)).to_owned()),
            Generator::FullName => {
                Value::Text(format!("{} {}", d.pick(FIRST_NAMES), d.pick(LAST_NAMES)))
            }
            Generator::Email => {
                let (f, l, dom) = (
                    d.pick(FIRST_NAMES),
                    d.pick(LAST_NAMES),
                    d.pick(EMAIL_DOMAINS),
                );
                Value::Text(format!(
                    "{}.{}.{}@{dom}",
                    f.to_ascii_lowercase(),
                    l.to_ascii_lowercase(),
                    row + 1
                ))
            }
            Generator::Phone => Value::Text(format!(
                "+1-555-{:03}-{:04}",
                d.below(1000),
                d.below(10_000)
            )),
            Generator::Address => Value::Text(format!(
                "{} {}, {} {:05}",
                1 + d.below(999),
                d.pick(STREETS),
                d.pick(CITIES),
                d.below(100_000)
            )),
            Generator::Company => {
                let w = d.pick(WORDS);
                let mut name = capitalise(w);
                name.push(' ');
                let suffix: &&str = d.pick(COMPANY_SUFFIXES);
                name.push_str(suffix);
                Value::Text(name)
            }
            Generator::Word => Value::Text((*d.pick(WORDS)).to_owned()),
            Generator::Sentence { min, max } => {
                let n = d.int_in(i64::from(*min), i64::from(*max));
                let mut s = String::new();
                for i in 0..n {
                    let w = d.pick(WORDS);
                    if i == 0 {
                        s.push_str(&capitalise(w));
                    } else {
                        s.push(' ');
                        s.push_str(w);
                    }
                }
                s.push('.');
                Value::Text(s)
            }
            Generator::Int { min, max } => Value::Int(d.int_in(*min, *max)),
            Generator::Float { min, max } => Value::Float(min + (max - min) * d.unit()),
            Generator::Decimal { min, max, scale } => {
                Value::Text(format_decimal(d.int_in(*min, *max), *scale))
            }
            Generator::Date { min, max } => Value::Text(format_date(d.int_in(*min, *max))),
            Generator::Timestamp { min, max } => {
                Value::Text(format_timestamp(d.int_in(*min, *max)))
            }
            Generator::Bool { ratio } => Value::Bool(d.unit() < *ratio),
            Generator::Uuid => {
                let mut b = [0u8; 16];
                d.fill(&mut b);
                b[6] = (b[6] & 0x0f) | 0x40;
                b[8] = (b[8] & 0x3f) | 0x80;
                let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
                Value::Text(format!(
                    "{}-{}-{}-{}-{}",
                    &h[0..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..32]
                ))
            }
            Generator::Ref { .. } => unreachable!("references are resolved by the row stream"),
            Generator::Const(v) => v.clone(),
        }
    }

    /// For `Ref`: the referenced row index for row `row` of a dataset referencing `count` rows.
    pub(crate) fn ref_row(pick: Pick, row: u64, count: u64, d: &mut Draws<'_>) -> u64 {
        match pick {
            Pick::Random => d.below(count),
            Pick::Cycle => row % count,
        }
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `units` · 10^-scale as text, e.g. (1999, 2) → `19.99`, (-5, 2) → `-0.05`.
pub(crate) fn format_decimal(units: i64, scale: u32) -> String {
    if scale == 0 {
        return units.to_string();
    }
    let p = 10u64.pow(scale);
    let a = units.unsigned_abs();
    let sign = if units < 0 { "-" } else { "" };
    format!("{sign}{}.{:0w$}", a / p, a % p, w = scale as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::rng::ColumnRng;

    fn cells(g: &Generator, n: u64) -> Vec<Value> {
        let mut rng = ColumnRng::new(1, "d", "c");
        (0..n).map(|r| g.cell(r, &mut rng.row(r))).collect()
    }

    #[test]
    fn decimals_print_exactly() {
        assert_eq!(format_decimal(1999, 2), "19.99");
        assert_eq!(format_decimal(-5, 2), "-0.05");
        assert_eq!(format_decimal(7, 0), "7");
    }

    #[test]
    fn sequences_repeat_and_step() {
        let g = Generator::Sequence {
            start: 10,
            step: 5,
            repeat: 2,
        };
        assert_eq!(
            cells(&g, 4),
            vec![
                Value::Int(10),
                Value::Int(10),
                Value::Int(15),
                Value::Int(15)
            ]
        );
    }

    #[test]
    fn emails_are_unique_and_uuids_are_version_4() {
        let emails = cells(&Generator::Email, 5000);
        let set: std::collections::HashSet<_> = emails.iter().map(|v| v.to_text()).collect();
        assert_eq!(set.len(), 5000);
        for v in cells(&Generator::Uuid, 50) {
            let s = v.to_text().unwrap();
            assert_eq!(s.len(), 36);
            assert_eq!(&s[14..15], "4", "{s}");
            assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "{s}");
        }
    }

    #[test]
    fn weighted_choices_follow_their_weights() {
        let g = Generator::Choice {
            values: vec![Value::Text("a".into()), Value::Text("b".into())],
            cumulative: Some(vec![9, 10]),
        };
        let a = cells(&g, 10_000)
            .iter()
            .filter(|v| **v == Value::Text("a".into()))
            .count();
        assert!((8_600..9_400).contains(&a), "{a} of 10000 for weight 0.9");
    }

    #[test]
    fn bool_ratio_zero_and_one_are_absolute() {
        assert!(cells(&Generator::Bool { ratio: 0.0 }, 500)
            .iter()
            .all(|v| *v == Value::Bool(false)));
        assert!(cells(&Generator::Bool { ratio: 1.0 }, 500)
            .iter()
            .all(|v| *v == Value::Bool(true)));
    }
}
