//! Seed datasets: files under seeds/ that describe rows for one table each, generated deterministically and applied to a database in dependency order, each in one transaction.
//!
//! [`Seeds::load`] reads and validates a folder (nothing half-loaded: the folder loads whole or
//! is refused), [`Seeds::plan`] picks the datasets of an environment in dependency order, and
//! [`Seeds::rows`] streams a dataset's rows. The format is described in `seeds/README.md`.

use std::path::{Path, PathBuf};

pub mod apply;
mod check;
mod csv;
pub mod dataset;
mod db;
mod diagnose;
pub mod error;
mod format;
pub mod generate;
mod live;
mod load;
pub mod order;
pub mod password;
pub mod preview;
mod resolve;
mod rng;
pub mod rows;
mod spec;
mod stage;
mod track;
pub mod value;
mod words;

pub use apply::{
    apply, ApplyError, ApplyOptions, ApplyReport, DatasetReport, Mode, Outcome, SeedProgress,
};
pub use dataset::{Cell, Dataset, Environment, Lookup, Row, Source};
pub use error::{Location, SeedError};
pub use password::{NoSecrets, SecretMap, SecretSource};
pub use preview::{preview, PreviewTable};
pub use rows::{GenOptions, RowStream};
pub use value::Value;

/// Every dataset of a seeds folder, valid, in dependency order.
#[derive(Debug, Clone)]
pub struct Seeds {
    pub dir: PathBuf,
    /// In dependency order (ties in file-name order).
    pub datasets: Vec<Dataset>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Seeds {
    /// Read every dataset in `dir`: `*.yaml`, `*.yml`, `*.json`, `*.sql`, and the `*.csv` files
    /// those name. Markdown files and dotfiles are documentation and ignored; any other file is
    /// an error, so a misnamed dataset is never skipped silently.
    pub fn load(dir: &Path) -> Result<Self, SeedError> {
        let read_err = |source| SeedError::Read {
            path: dir.into(),
            source,
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(read_err)?;
        paths.sort();
        let mut datasets: Vec<Dataset> = Vec::new();
        let mut csvs = Vec::new();
        for path in paths {
            let file_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if file_name.starts_with('.') || path.is_dir() {
                continue;
            }
            let (stem, ext) = file_name.rsplit_once('.').unwrap_or((&file_name, ""));
            let d = match ext.to_ascii_lowercase().as_str() {
                "yaml" | "yml" => format::read_data_file(&path, stem, false)?,
                "json" => format::read_data_file(&path, stem, true)?,
                "sql" => format::read_sql_file(&path, stem)?,
                "csv" => {
                    csvs.push(path);
                    continue;
                }
                "md" => continue,
                _ => {
                    return Err(SeedError::Invalid {
                        at: Location::file(&path),
                        message: "not a dataset file: seeds/ holds .yaml, .yml, .json, .sql and .csv datasets (and .md notes)".into(),
                    })
                }
            };
            if let Some(first) = datasets.iter().find(|x| x.name == d.name) {
                return Err(SeedError::DuplicateName {
                    name: d.name,
                    first: first.file.clone(),
                    second: d.file,
                });
            }
            datasets.push(d);
        }
        for csv in csvs {
            let used = datasets
                .iter()
                .any(|d| matches!(&d.source, Source::Csv { path, .. } if same_file(path, &csv)));
            if !used {
                return Err(SeedError::OrphanCsv { path: csv });
            }
        }
        Self::from_datasets(dir.to_owned(), datasets)
    }

    /// Check the datasets against each other and put them in dependency order.
    pub fn from_datasets(dir: PathBuf, mut datasets: Vec<Dataset>) -> Result<Self, SeedError> {
        let tables: Vec<(String, String)> = datasets
            .iter()
            .map(|d| (d.name.clone(), d.table.clone()))
            .collect();
        for d in &mut datasets {
            for l in &mut d.lookups {
                if let Some(target) = &l.dataset {
                    let at = Location::file(&d.file).dataset(&d.name).column(&l.alias);
                    let (_, table) = tables.iter().find(|(n, _)| n == target).ok_or_else(|| {
                        SeedError::MissingDataset {
                            at,
                            missing: target.clone(),
                        }
                    })?;
                    l.table = table.clone();
                }
            }
        }
        let nodes: Vec<(String, Vec<String>)> = datasets
            .iter()
            .map(|d| (d.name.clone(), d.needs()))
            .collect();
        let order = order::order(&nodes).map_err(|e| match e {
            order::OrderError::Cycle(cycle) => SeedError::Cycle { cycle },
            order::OrderError::Missing { dataset, missing } => {
                let d = datasets
                    .iter()
                    .find(|d| d.name == dataset)
                    .expect("named by order");
                SeedError::MissingDataset {
                    at: Location::file(&d.file).dataset(&dataset),
                    missing,
                }
            }
        })?;
        let mut slots: Vec<Option<Dataset>> = datasets.into_iter().map(Some).collect();
        let datasets = order
            .into_iter()
            .map(|i| slots[i].take().expect("each index once"))
            .collect();
        Ok(Self { dir, datasets })
    }

    pub fn get(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// The datasets to apply for `env`: those named in `wanted` (all of the environment's
    /// when empty) and everything they need, in dependency order. A named dataset that is not
    /// for `env`, or one needed by a chosen dataset but not for `env`, is an error.
    pub fn plan(&self, env: Environment, wanted: &[String]) -> Result<Vec<&Dataset>, SeedError> {
        let nodes: Vec<(String, Vec<String>)> = self
            .datasets
            .iter()
            .map(|d| (d.name.clone(), d.needs()))
            .collect();
        let mut start = Vec::new();
        for name in wanted {
            let i = self
                .datasets
                .iter()
                .position(|d| &d.name == name)
                .ok_or_else(|| SeedError::UnknownDataset {
                    name: name.clone(),
                    known: self
                        .datasets
                        .iter()
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            start.push(i);
        }
        if wanted.is_empty() {
            start = (0..self.datasets.len())
                .filter(|&i| self.datasets[i].is_for(env))
                .collect();
        }
        let chosen = order::with_dependencies(&nodes, &start);
        let mut out = Vec::new();
        for (i, d) in self.datasets.iter().enumerate().filter(|(i, _)| chosen[*i]) {
            if !d.is_for(env) {
                let needed_by = self
                    .datasets
                    .iter()
                    .enumerate()
                    .find(|(j, x)| chosen[*j] && x.is_for(env) && x.needs().contains(&d.name));
                let envs = d
                    .environments
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(match needed_by {
                    Some((_, x)) if !start.contains(&i) => SeedError::DependencyNotInEnvironment {
                        dataset: x.name.clone(),
                        dependency: d.name.clone(),
                        environment: env.to_string(),
                        envs: x
                            .environments
                            .iter()
                            .map(|e| e.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    },
                    _ => SeedError::Invalid {
                        at: Location::file(&d.file).dataset(&d.name),
                        message: format!("the dataset is for {envs}, not {env}"),
                    },
                });
            }
            out.push(d);
        }
        Ok(out)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests;
