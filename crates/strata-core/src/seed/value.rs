//! One cell of a seed row, as the engine binds it: a value has a single text form, so the
//! same row prints, checksums and compares alike on every database.

use serde::Serialize;

/// A cell value. Decimals, dates and timestamps travel as text the database converts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Value {
    /// The text form (`None` for NULL): what preview shows and what PostgreSQL's COPY reads.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Bool(b) => Some(if *b { "true" } else { "false" }.to_owned()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Text(s) => Some(s.clone()),
        }
    }

    /// A value from a YAML or JSON scalar; `None` for a list or a mapping.
    pub(crate) fn from_yaml(v: &serde_yaml::Value) -> Option<Value> {
        Some(match v {
            serde_yaml::Value::Null => Value::Null,
            serde_yaml::Value::Bool(b) => Value::Bool(*b),
            serde_yaml::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(f)) => Value::Float(f),
                _ => return None,
            },
            serde_yaml::Value::String(s) => Value::Text(s.clone()),
            serde_yaml::Value::Tagged(t) => return Value::from_yaml(&t.value),
            _ => return None,
        })
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian), after H. Hinnant.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD` as days since the epoch, or `None` when it is not a valid date.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    let days = days_from_civil(y, m, d);
    (civil_from_days(days) == (y, m, d)).then_some(days)
}

/// `YYYY-MM-DD HH:MM:SS` (or a bare date, at midnight) as seconds since the epoch.
pub(crate) fn parse_timestamp(s: &str) -> Option<i64> {
    if s.len() == 10 {
        return parse_date(s).map(|d| d * 86_400);
    }
    let (date, time) = s.split_once([' ', 'T'])?;
    let days = parse_date(date)?;
    let mut parts = time.split(':');
    let mut next = |max: i64| -> Option<i64> {
        let p = parts.next()?;
        let v: i64 = (p.len() == 2).then(|| p.parse().ok())??;
        (v <= max).then_some(v)
    };
    let (h, m, sec) = (next(23)?, next(59)?, next(59)?);
    if parts.next().is_some() {
        return None;
    }
    Some(days * 86_400 + h * 3600 + m * 60 + sec)
}

pub(crate) fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

pub(crate) fn format_timestamp(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    format!(
        "{} {:02}:{:02}:{:02}",
        format_date(days),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_reject_impossible_days() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(
            parse_date("2024-02-29").map(format_date).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(
            parse_timestamp("2024-03-01 12:30:05")
                .map(format_timestamp)
                .as_deref(),
            Some("2024-03-01 12:30:05")
        );
        assert_eq!(parse_timestamp("2024-03-01 24:00:00"), None);
        assert_eq!(
            parse_timestamp("2024-03-01"),
            Some(parse_date("2024-03-01").unwrap() * 86_400)
        );
    }
}
