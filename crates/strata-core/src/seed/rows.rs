//! The rows of a dataset as a stream: literal rows, CSV records or generated rows, one at a
//! time, so a million generated rows never sit in memory. Generated rows depend only on the
//! seed value, the dataset, the column and the row number.

use std::collections::BTreeMap;

use super::dataset::{Cell, Dataset, Row, Source};
use super::error::{Location, SeedError};
use super::generate::{Generator, Pick};
use super::rng::ColumnRng;
use super::value::Value;
use super::Seeds;

/// What a run of generators depends on besides the files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenOptions {
    /// The seed value: the same value gives the same rows.
    pub seed: u64,
    /// Row counts that replace a generated dataset's `count`, by dataset name.
    pub counts: BTreeMap<String, u64>,
}

impl GenOptions {
    pub fn count(&self, d: &Dataset) -> u64 {
        match &d.source {
            Source::Generated { count, .. } => *self.counts.get(&d.name).unwrap_or(count),
            _ => d.row_count(),
        }
    }
}

pub type RowStream<'a> = Box<dyn Iterator<Item = Result<Row, SeedError>> + Send + 'a>;

/// The referenced column of another dataset, for `ref` generators.
enum Target {
    Literal(Vec<Value>),
    Generated {
        gen: Box<Generator>,
        rng: Box<ColumnRng>,
        count: u64,
    },
}

impl Seeds {
    /// The rows of `d`, in order.
    pub fn rows<'a>(
        &'a self,
        d: &'a Dataset,
        opts: &GenOptions,
    ) -> Result<RowStream<'a>, SeedError> {
        match &d.source {
            Source::Rows { rows } => Ok(Box::new(rows.iter().cloned().map(Ok))),
            Source::Csv { path, .. } => Ok(Box::new(super::csv::rows(path, &d.name)?)),
            Source::Sql { .. } => Ok(Box::new(std::iter::empty())),
            Source::Generated { generators, .. } => {
                let count = opts.count(d);
                let mut cols = Vec::with_capacity(generators.len());
                for (name, gen) in d.columns.iter().zip(generators) {
                    let rng = ColumnRng::new(opts.seed, &d.name, name);
                    let target = match gen {
                        Generator::Ref {
                            dataset, column, ..
                        } => Some(self.target(d, name, dataset, column, opts)?),
                        _ => None,
                    };
                    cols.push((gen.clone(), rng, target));
                }
                let mut n = 0u64;
                Ok(Box::new(std::iter::from_fn(move || {
                    if n >= count {
                        return None;
                    }
                    let row = n;
                    n += 1;
                    let cells = cols.iter_mut().map(|(gen, rng, target)| {
                        let mut draws = rng.row(row);
                        Cell::Value(match (gen, target) {
                            (Generator::Ref { pick, .. }, Some(t)) => {
                                t.cell(*pick, row, &mut draws)
                            }
                            (g, _) => g.cell(row, &mut draws),
                        })
                    });
                    Some(Ok(Row {
                        number: row + 1,
                        line: None,
                        cells: cells.collect(),
                    }))
                })))
            }
        }
    }

    fn target(
        &self,
        d: &Dataset,
        col: &str,
        dataset: &str,
        column: &str,
        opts: &GenOptions,
    ) -> Result<Target, SeedError> {
        let at = || Location::file(&d.file).dataset(&d.name).column(col);
        let t = self.get(dataset).ok_or_else(|| SeedError::MissingDataset {
            at: at(),
            missing: dataset.to_owned(),
        })?;
        let idx = t
            .columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| SeedError::Invalid {
                at: at(),
                message: format!(
                    "dataset '{dataset}' has no column '{column}' to refer to (it has {})",
                    t.columns.join(", ")
                ),
            })?;
        let unsupported = |what: &str| SeedError::Invalid {
            at: at(),
            message: format!(
                "a ref cannot read {what}; refer to a dataset of literal or generated rows"
            ),
        };
        let target = match &t.source {
            Source::Rows { rows } => Target::Literal(
                rows.iter()
                    .map(|r| match &r.cells[idx] {
                        Cell::Value(v) => Ok(v.clone()),
                        _ => Err(unsupported("a password")),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Source::Generated { generators, .. } => match &generators[idx] {
                Generator::Ref { .. } => return Err(unsupported("another ref")),
                g => Target::Generated {
                    gen: Box::new(g.clone()),
                    rng: Box::new(ColumnRng::new(opts.seed, &t.name, column)),
                    count: opts.count(t),
                },
            },
            Source::Csv { path, .. } => {
                let mut values = Vec::new();
                for row in super::csv::rows(path, &t.name)? {
                    match row?.cells.swap_remove(idx) {
                        Cell::Value(v) => values.push(v),
                        _ => return Err(unsupported("a password")),
                    }
                }
                Target::Literal(values)
            }
            Source::Sql { .. } => return Err(unsupported("a SQL dataset")),
        };
        let count = match &target {
            Target::Literal(v) => v.len() as u64,
            Target::Generated { count, .. } => *count,
        };
        if count == 0 {
            return Err(SeedError::Invalid {
                at: at(),
                message: format!("dataset '{dataset}' has no rows to refer to"),
            });
        }
        Ok(target)
    }
}

impl Target {
    fn cell(&mut self, pick: Pick, row: u64, draws: &mut super::rng::Draws<'_>) -> Value {
        match self {
            Target::Literal(values) => {
                values[Generator::ref_row(pick, row, values.len() as u64, draws) as usize].clone()
            }
            Target::Generated { gen, rng, count } => {
                let j = Generator::ref_row(pick, row, *count, draws);
                gen.cell(j, &mut rng.row(j))
            }
        }
    }
}
