//! Reading a column's generator from its YAML or JSON spelling: `email`, `{int: [1, 5]}`,
//! `{choice: {values: [a, b], weights: [3, 1]}}`. Anything not understood is refused with what
//! was expected; nothing falls back to a default.

use serde_yaml::Value as Y;

use super::generate::{Generator, Pick};
use super::value::{parse_date, parse_timestamp, Value};

/// The generator a column spec names, or what is wrong with it.
pub(crate) fn parse(spec: &Y) -> Result<Generator, String> {
    let (name, args) = match spec {
        Y::String(s) => (s.as_str(), None),
        Y::Mapping(m) if m.len() == 1 => {
            let (k, v) = m.iter().next().expect("one entry");
            let k = k
                .as_str()
                .ok_or("a generator name must be text, e.g. `email` or `{int: [1, 10]}`")?;
            (k, Some(v))
        }
        _ => {
            return Err(
                "expected a generator: a name such as `email`, or one name with its settings, such as `{int: [1, 10]}`".into(),
            )
        }
    };
    let no_args = |g: Generator| match args {
        None | Some(Y::Null) => Ok(g),
        Some(_) => Err(format!("generator '{name}' takes no settings")),
    };
    match name {
        "first_name" => no_args(Generator::FirstName),
        "last_name" => no_args(Generator::LastName),
        "full_name" => no_args(Generator::FullName),
        "email" => no_args(Generator::Email),
        "phone" => no_args(Generator::Phone),
        "address" => no_args(Generator::Address),
        "company" => no_args(Generator::Company),
        "word" => no_args(Generator::Word),
        "uuid" => no_args(Generator::Uuid),
        "sentence" => match args {
            None | Some(Y::Null) => Ok(Generator::Sentence { min: 4, max: 10 }),
            Some(a) => {
                let (min, max) = pair(a, "sentence", |v| {
                    int(v).and_then(|i| u32::try_from(i).ok())
                })?;
                if min == 0 || min > max {
                    return Err(format!(
                        "sentence needs 1 <= min <= max words, got [{min}, {max}]"
                    ));
                }
                Ok(Generator::Sentence { min, max })
            }
        },
        "sequence" => {
            let mut g = (1i64, 1i64, 1u64);
            if let Some(a) = args.filter(|a| !a.is_null()) {
                let m = a
                    .as_mapping()
                    .ok_or("sequence takes {start, step, repeat}")?;
                for (k, v) in m {
                    let bad = || {
                        format!(
                            "sequence: '{}' must be an integer",
                            k.as_str().unwrap_or("?")
                        )
                    };
                    match k.as_str() {
                        Some("start") => g.0 = int(v).ok_or_else(bad)?,
                        Some("step") => g.1 = int(v).ok_or_else(bad)?,
                        Some("repeat") => {
                            g.2 = int(v)
                                .and_then(|i| u64::try_from(i).ok())
                                .filter(|r| *r > 0)
                                .ok_or("sequence: 'repeat' must be a positive integer")?
                        }
                        _ => {
                            return Err(format!(
                                "sequence has no setting {k:?}; it takes start, step and repeat"
                            ))
                        }
                    }
                }
            }
            Ok(Generator::Sequence {
                start: g.0,
                step: g.1,
                repeat: g.2,
            })
        }
        "choice" => choice(args.ok_or("choice needs a list of values")?),
        "int" => {
            let (min, max) = pair(args.ok_or("int needs [min, max]")?, "int", int)?;
            ordered(min, max, "int")?;
            Ok(Generator::Int { min, max })
        }
        "float" => {
            let (min, max) = pair(args.ok_or("float needs [min, max]")?, "float", Y::as_f64)?;
            if !(min.is_finite() && max.is_finite() && min <= max) {
                return Err(format!(
                    "float needs finite bounds with min <= max, got [{min}, {max}]"
                ));
            }
            Ok(Generator::Float { min, max })
        }
        "decimal" => decimal(args.ok_or("decimal needs {range: [min, max], scale: digits}")?),
        "date" => {
            let (min, max) = pair(args.ok_or("date needs [from, to]")?, "date", |v| {
                v.as_str().and_then(parse_date)
            })
            .map_err(|e| format!("{e} (dates are YYYY-MM-DD)"))?;
            ordered(min, max, "date")?;
            Ok(Generator::Date { min, max })
        }
        "timestamp" => {
            let (min, max) = pair(
                args.ok_or("timestamp needs [from, to]")?,
                "timestamp",
                |v| v.as_str().and_then(parse_timestamp),
            )
            .map_err(|e| format!("{e} (timestamps are 'YYYY-MM-DD HH:MM:SS')"))?;
            ordered(min, max, "timestamp")?;
            Ok(Generator::Timestamp { min, max })
        }
        "bool" => {
            let ratio = match args {
                None | Some(Y::Null) => 0.5,
                Some(v) => v
                    .as_f64()
                    .ok_or("bool takes the ratio of true values, 0 to 1")?,
            };
            if !(0.0..=1.0).contains(&ratio) {
                return Err(format!("bool ratio must be between 0 and 1, got {ratio}"));
            }
            Ok(Generator::Bool { ratio })
        }
        "ref" => reference(args.ok_or("ref needs {dataset, column}")?),
        "const" => {
            let v = args
                .and_then(Value::from_yaml)
                .ok_or("const needs one value")?;
            Ok(Generator::Const(v))
        }
        other => Err(format!(
            "unknown generator '{other}'. Known generators: {}",
            Generator::NAMES.join(", ")
        )),
    }
}

fn int(v: &Y) -> Option<i64> {
    v.as_i64()
}

fn pair<T>(v: &Y, name: &str, f: impl Fn(&Y) -> Option<T>) -> Result<(T, T), String> {
    match v.as_sequence().map(Vec::as_slice) {
        Some([a, b]) => match (f(a), f(b)) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(format!("{name}: the bounds [min, max] have the wrong type")),
        },
        _ => Err(format!("{name} needs two bounds: [min, max]")),
    }
}

fn ordered<T: PartialOrd + std::fmt::Debug>(min: T, max: T, name: &str) -> Result<(), String> {
    if min > max {
        return Err(format!("{name}: min {min:?} is above max {max:?}"));
    }
    Ok(())
}

fn choice(a: &Y) -> Result<Generator, String> {
    let scalars = |list: &Y| -> Result<Vec<Value>, String> {
        let seq = list
            .as_sequence()
            .filter(|s| !s.is_empty())
            .ok_or("choice needs a non-empty list of values")?;
        seq.iter()
            .map(|v| {
                Value::from_yaml(v).ok_or_else(|| {
                    "choice values must be plain values, not lists or mappings".to_owned()
                })
            })
            .collect()
    };
    if a.is_sequence() {
        return Ok(Generator::Choice {
            values: scalars(a)?,
            cumulative: None,
        });
    }
    let m = a
        .as_mapping()
        .ok_or("choice takes a list, or {values: [...], weights: [...]}")?;
    let mut values = None;
    let mut weights = None;
    for (k, v) in m {
        match k.as_str() {
            Some("values") => values = Some(scalars(v)?),
            Some("weights") => {
                let w: Option<Vec<u64>> = v
                    .as_sequence()
                    .map(|s| s.iter().map(Y::as_u64).collect())
                    .unwrap_or(None);
                weights = Some(w.ok_or("choice weights must be a list of whole numbers")?);
            }
            _ => {
                return Err(format!(
                    "choice has no setting {k:?}; it takes values and weights"
                ))
            }
        }
    }
    let values = values.ok_or("choice needs values")?;
    let cumulative = match weights {
        None => None,
        Some(w) if w.len() != values.len() => {
            return Err(format!(
                "choice has {} values but {} weights",
                values.len(),
                w.len()
            ))
        }
        Some(w) => {
            let cum: Vec<u64> = w
                .iter()
                .scan(0u64, |s, x| {
                    *s = s.saturating_add(*x);
                    Some(*s)
                })
                .collect();
            if cum.last() == Some(&0) {
                return Err("choice weights add up to 0".into());
            }
            Some(cum)
        }
    };
    Ok(Generator::Choice { values, cumulative })
}

fn decimal(a: &Y) -> Result<Generator, String> {
    let m = a
        .as_mapping()
        .ok_or("decimal takes {range: [min, max], scale: digits}")?;
    let mut range = None;
    let mut scale = 2u32;
    for (k, v) in m {
        match k.as_str() {
            Some("range") => range = Some(v),
            Some("scale") => {
                scale = v
                    .as_u64()
                    .filter(|s| *s <= 12)
                    .ok_or("decimal scale must be 0 to 12")? as u32
            }
            _ => {
                return Err(format!(
                    "decimal has no setting {k:?}; it takes range and scale"
                ))
            }
        }
    }
    let p = 10f64.powi(scale as i32);
    let (min, max) = pair(
        range.ok_or("decimal needs range: [min, max]")?,
        "decimal",
        |v| v.as_f64().map(|f| (f * p).round() as i64),
    )?;
    ordered(min, max, "decimal")?;
    Ok(Generator::Decimal { min, max, scale })
}

fn reference(a: &Y) -> Result<Generator, String> {
    let m = a.as_mapping().ok_or("ref takes {dataset, column, pick}")?;
    let (mut dataset, mut column, mut pick) = (None, None, Pick::Random);
    for (k, v) in m {
        let text = || {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("ref: {k:?} must be text"))
        };
        match k.as_str() {
            Some("dataset") => dataset = Some(text()?),
            Some("column") => column = Some(text()?),
            Some("pick") => {
                pick = match v.as_str() {
                    Some("random") => Pick::Random,
                    Some("cycle") => Pick::Cycle,
                    _ => return Err("ref: pick is `random` or `cycle`".into()),
                }
            }
            _ => {
                return Err(format!(
                    "ref has no setting {k:?}; it takes dataset, column and pick"
                ))
            }
        }
    }
    Ok(Generator::Ref {
        dataset: dataset.ok_or("ref needs the dataset it refers to")?,
        column: column.ok_or("ref needs the column of that dataset to copy")?,
        pick,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Generator, String> {
        parse(&serde_yaml::from_str(s).unwrap())
    }

    #[test]
    fn names_and_settings_parse() {
        assert_eq!(p("email"), Ok(Generator::Email));
        assert_eq!(p("{int: [1, 5]}"), Ok(Generator::Int { min: 1, max: 5 }));
        assert_eq!(
            p("{decimal: {range: [0.5, 10], scale: 2}}"),
            Ok(Generator::Decimal {
                min: 50,
                max: 1000,
                scale: 2
            })
        );
        assert_eq!(
            p("{sequence: {start: 100, repeat: 2}}"),
            Ok(Generator::Sequence {
                start: 100,
                step: 1,
                repeat: 2
            })
        );
        assert!(
            matches!(p("{choice: {values: [a, b], weights: [3, 1]}}"), Ok(Generator::Choice { cumulative: Some(c), .. }) if c == vec![3, 4])
        );
        assert!(matches!(
            p("{ref: {dataset: users, column: email, pick: cycle}}"),
            Ok(Generator::Ref {
                pick: Pick::Cycle,
                ..
            })
        ));
    }

    #[test]
    fn mistakes_are_refused_with_what_was_expected() {
        let e = p("emial").unwrap_err();
        assert!(
            e.contains("unknown generator 'emial'") && e.contains("email"),
            "{e}"
        );
        assert!(p("{int: [5, 1]}").unwrap_err().contains("above max"));
        assert!(p("{date: [2024-01-01, 2024-02-30]}")
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(p("{choice: {values: [a], weights: [1, 2]}}")
            .unwrap_err()
            .contains("1 values but 2 weights"));
        assert!(p("{bool: 1.5}").unwrap_err().contains("between 0 and 1"));
        assert!(p("{email: {domain: x}}")
            .unwrap_err()
            .contains("takes no settings"));
        assert!(p("{sequence: {begin: 1}}")
            .unwrap_err()
            .contains("no setting"));
    }
}
