//! CSV rows of a dataset: the header names the columns, an empty field is NULL, and every other
//! field is text the database converts. Read twice: once on load to validate, then streamed.

use std::collections::HashMap;
use std::path::Path;

use super::dataset::{Cell, Lookup, Row};
use super::error::{Location, SeedError};
use super::value::Value;

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, SeedError> {
    let file = std::fs::File::open(path).map_err(|source| SeedError::Read {
        path: path.into(),
        source,
    })?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file))
}

fn syntax(path: &Path, dataset: &str, e: &csv::Error) -> SeedError {
    let line = e.position().map(|p| p.line() as usize);
    SeedError::Syntax {
        at: Location::file(path).dataset(dataset).line(line),
        message: e.to_string(),
    }
}

/// Validate a dataset's CSV: a header, the same number of fields on every record, no repeated
/// key. Returns the columns, the number of records and the bytes (for the checksum).
pub(crate) fn scan(
    path: &Path,
    dataset: &str,
    key: &[String],
    lookups: &[Lookup],
) -> Result<(Vec<String>, u64, Vec<u8>), SeedError> {
    let bytes = std::fs::read(path).map_err(|source| SeedError::Read {
        path: path.into(),
        source,
    })?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let columns: Vec<String> = r
        .headers()
        .map_err(|e| syntax(path, dataset, &e))?
        .iter()
        .map(str::to_owned)
        .collect();
    let table_col = |c: &str| {
        lookups
            .iter()
            .find(|l| l.alias == c)
            .map_or(c.to_owned(), |l| l.column.clone())
    };
    let key_idx: Vec<usize> = key
        .iter()
        .filter_map(|k| columns.iter().position(|c| table_col(c) == *k))
        .collect();
    let mut seen: HashMap<Vec<String>, u64> = HashMap::new();
    let mut rows = 0u64;
    for record in r.records() {
        let record = record.map_err(|e| syntax(path, dataset, &e))?;
        rows += 1;
        if key_idx.len() == key.len() {
            let k: Vec<String> = key_idx
                .iter()
                .map(|i| record.get(*i).unwrap_or_default().to_owned())
                .collect();
            if let Some(first) = seen.insert(k.clone(), rows) {
                let line = record.position().map(|p| p.line() as usize);
                return Err(SeedError::DuplicateKey {
                    at: Location::file(path).dataset(dataset).line(line).row(rows),
                    key: k.join(", "),
                    first_row: first,
                });
            }
        }
    }
    Ok((columns, rows, bytes))
}

/// The CSV's records as rows, streamed.
pub(crate) fn rows(
    path: &Path,
    dataset: &str,
) -> Result<impl Iterator<Item = Result<Row, SeedError>>, SeedError> {
    let mut r = reader(path)?;
    let path = path.to_owned();
    let dataset = dataset.to_owned();
    let _ = r.headers().map_err(|e| syntax(&path, &dataset, &e))?;
    let mut number = 0u64;
    Ok(r.into_records().map(move |rec| {
        let rec = rec.map_err(|e| syntax(&path, &dataset, &e))?;
        number += 1;
        Ok(Row {
            number,
            line: rec.position().map(|p| p.line() as usize),
            cells: rec
                .iter()
                .map(|f| {
                    Cell::Value(if f.is_empty() {
                        Value::Null
                    } else {
                        Value::Text(f.to_owned())
                    })
                })
                .collect(),
        })
    }))
}
