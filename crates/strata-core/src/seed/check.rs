//! The rules one dataset must meet on its own: a key made of its columns, lookups and password
//! columns that exist, unique keys among literal rows, and no plaintext password in a
//! dataset marked for production.

use std::collections::HashMap;

use super::dataset::{Cell, Dataset, Environment, Source};
use super::error::{Location, SeedError};

pub(crate) fn dataset(d: &Dataset) -> Result<(), SeedError> {
    let at = || Location::file(&d.file).dataset(&d.name);
    let invalid = |message: String| SeedError::Invalid { at: at(), message };
    if d.is_sql() {
        return Ok(());
    }
    if d.table.trim().is_empty() {
        return Err(invalid("`table` is empty".into()));
    }
    let table_columns = d.table_columns();
    if d.key.is_empty() {
        return Err(invalid(format!("the dataset needs `key`: the column(s) that identify a row for re-runs, e.g. one of {}", table_columns.join(", "))));
    }
    for k in &d.key {
        if !table_columns.contains(k) {
            return Err(invalid(format!(
                "key column '{k}' is not among the dataset's columns ({})",
                table_columns.join(", ")
            )));
        }
    }
    for l in &d.lookups {
        if !d.columns.contains(&l.alias) {
            return Err(invalid(format!(
                "lookup '{}' is not a column of the rows; the rows must give it (e.g. `{}: <{}>`)",
                l.alias, l.alias, l.by
            )));
        }
    }
    let mut seen_cols = std::collections::HashSet::new();
    for c in &table_columns {
        if !seen_cols.insert(c) {
            return Err(SeedError::Invalid {
                at: at().column(c),
                message: format!("column '{c}' is written twice (directly and through a lookup)"),
            });
        }
    }
    for p in &d.passwords {
        if !table_columns.contains(p) {
            return Err(SeedError::Invalid {
                at: at().column(p),
                message: format!("password column '{p}' is not among the dataset's columns"),
            });
        }
    }
    let production = d.environments.contains(&Environment::Production);
    let pw_idx: Vec<usize> = (0..d.columns.len())
        .filter(|i| d.passwords.contains(&table_columns[*i]))
        .collect();
    match &d.source {
        Source::Rows { rows } => {
            let key_idx: Vec<usize> = d
                .key
                .iter()
                .map(|k| table_columns.iter().position(|c| c == k).expect("checked"))
                .collect();
            let mut seen: HashMap<String, u64> = HashMap::new();
            for row in rows {
                let here = || at().line(row.line).row(row.number);
                for (i, cell) in row.cells.iter().enumerate() {
                    let is_pw = pw_idx.contains(&i);
                    match cell {
                        Cell::Secret(_) | Cell::GeneratePassword if !is_pw => {
                            return Err(SeedError::Value { at: here().column(&d.columns[i]), message: "`secret` and `generate` are for password columns only (mark it with `columns: {NAME: {password: true}}`)".into() });
                        }
                        Cell::Value(v)
                            if is_pw && production && *v != super::value::Value::Null =>
                        {
                            return Err(SeedError::PlaintextPasswordInProduction {
                                at: here().column(&d.columns[i]),
                            });
                        }
                        _ => {}
                    }
                }
                let key: Vec<String> = key_idx
                    .iter()
                    .map(|i| match &row.cells[*i] {
                        Cell::Value(v) => v.to_text().unwrap_or_else(|| "NULL".into()),
                        _ => "?".into(),
                    })
                    .collect();
                if let Some(first) = seen.insert(key.join(", "), row.number) {
                    return Err(SeedError::DuplicateKey {
                        at: here(),
                        key: key.join(", "),
                        first_row: first,
                    });
                }
            }
        }
        Source::Csv { .. } | Source::Generated { .. } if production && !pw_idx.is_empty() => {
            return Err(SeedError::PlaintextPasswordInProduction {
                at: at().column(&d.columns[pw_idx[0]]),
            });
        }
        _ => {}
    }
    Ok(())
}
