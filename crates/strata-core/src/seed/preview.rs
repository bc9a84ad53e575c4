//! Preview: the first rows of each planned dataset as they will be written, computed from the
//! files alone (no database): generated values as generated, lookups as the natural key they
//! resolve, passwords as a placeholder, never as the plaintext.

use serde::Serialize;

use super::dataset::{Cell, Dataset, Environment};
use super::error::SeedError;
use super::rows::GenOptions;
use super::Seeds;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PreviewTable {
    pub dataset: String,
    pub table: String,
    pub environments: Vec<Environment>,
    pub owned: bool,
    /// Table columns; a lookup's header says what it resolves: `role_id (roles.name)`.
    pub columns: Vec<String>,
    /// All rows the dataset will write (a generated dataset's count after `--count`).
    pub total: u64,
    /// The first rows, each cell as text (`None` for NULL).
    pub rows: Vec<Vec<Option<String>>>,
}

/// The placeholder shown for a password column.
pub const PASSWORD_PLACEHOLDER: &str = "<argon2id hash>";

/// The first `n` rows of each dataset `env` and `wanted` select, in dependency order.
pub fn preview(
    seeds: &Seeds,
    env: Environment,
    wanted: &[String],
    gen: &GenOptions,
    n: usize,
) -> Result<Vec<PreviewTable>, SeedError> {
    seeds
        .plan(env, wanted)?
        .into_iter()
        .map(|d| table(seeds, d, gen, n))
        .collect()
}

fn table(
    seeds: &Seeds,
    d: &Dataset,
    gen: &GenOptions,
    n: usize,
) -> Result<PreviewTable, SeedError> {
    let columns = d
        .columns
        .iter()
        .map(|c| match d.lookups.iter().find(|l| &l.alias == c) {
            Some(l) => format!("{} ({}.{})", l.column, l.table, l.by),
            None => c.clone(),
        });
    let table_cols = d.table_columns();
    let mut rows = Vec::new();
    for row in seeds.rows(d, gen)?.take(n) {
        let row = row?;
        let cells = row
            .cells
            .iter()
            .zip(&table_cols)
            .map(|(cell, col)| match cell {
                Cell::Value(v) if d.passwords.contains(col) && v.to_text().is_some() => {
                    Some(PASSWORD_PLACEHOLDER.to_owned())
                }
                Cell::Value(v) => v.to_text(),
                Cell::Secret(name) => Some(format!("<argon2id hash of the secret {name}>")),
                Cell::GeneratePassword => {
                    Some("<argon2id hash of a generated password, shown once>".to_owned())
                }
            });
        rows.push(cells.collect());
    }
    Ok(PreviewTable {
        dataset: d.name.clone(),
        table: d.table.clone(),
        environments: d.environments.clone(),
        owned: d.owned,
        columns: columns.collect(),
        total: gen.count(d),
        rows,
    })
}
