//! What can be wrong with seed datasets or their run, each error naming where: the file and
//! line, the dataset, the row number and the column, as far as they are known.

use std::fmt;
use std::path::PathBuf;

/// Where in the seeds a problem is. Printed as `seeds/users.yaml:12: dataset users, row 3,
/// column email`, leaving out what is not known. Boxed, so errors stay small to return.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location(Box<Place>);

/// The parts of a [`Location`] (read them through it: `at.row`, `at.column`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub dataset: Option<String>,
    /// 1-based, in the dataset's order (literal rows, CSV records or generated rows).
    pub row: Option<u64>,
    pub column: Option<String>,
}

impl std::ops::Deref for Location {
    type Target = Place;
    fn deref(&self) -> &Place {
        &self.0
    }
}

impl Location {
    pub(crate) fn file(file: impl Into<PathBuf>) -> Self {
        Self(Box::new(Place {
            file: file.into(),
            ..Place::default()
        }))
    }
    pub(crate) fn dataset(mut self, name: &str) -> Self {
        self.0.dataset = Some(name.to_owned());
        self
    }
    pub(crate) fn line(mut self, line: Option<usize>) -> Self {
        self.0.line = line;
        self
    }
    pub(crate) fn row(mut self, row: u64) -> Self {
        self.0.row = Some(row);
        self
    }
    pub(crate) fn column(mut self, column: &str) -> Self {
        self.0.column = Some(column.to_owned());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        let mut sep = ": ";
        if let Some(d) = &self.dataset {
            write!(f, "{sep}dataset {d}")?;
            sep = ", ";
        }
        if let Some(r) = self.row {
            write!(f, "{sep}row {r}")?;
            sep = ", ";
        }
        if let Some(c) = &self.column {
            write!(f, "{sep}column {c}")?;
        }
        Ok(())
    }
}

/// A problem with the datasets themselves, found before anything touches a database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{at}: {message}")]
    Syntax { at: Location, message: String },
    #[error("{at}: unknown generator '{name}'. Known generators: {known}")]
    UnknownGenerator {
        at: Location,
        name: String,
        known: String,
    },
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
    #[error("{at}: key ({key}) repeats row {first_row}. Each row's key columns must be unique; remove or change one of them.")]
    DuplicateKey {
        at: Location,
        key: String,
        first_row: u64,
    },
    #[error("{at}: refers to dataset '{missing}', which no file under seeds/ defines. Add seeds/{missing}.yaml or correct the name.")]
    MissingDataset { at: Location, missing: String },
    #[error("datasets depend on each other in a cycle: {}. Remove one of these dependencies.", cycle.join(" -> "))]
    Cycle { cycle: Vec<String> },
    #[error("{at}: the dataset is marked for production but holds a plaintext password. Production passwords come from the OS keychain (`{{secret: NAME}}`) or are generated and shown once (`{{generate: true}}`); remove the password from the file.")]
    PlaintextPasswordInProduction { at: Location },
    #[error("two datasets are both named '{name}': {} and {}. Rename one file.", first.display(), second.display())]
    DuplicateName {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{}: this CSV file is not the source of any dataset. Name it in a dataset's `csv:` (its sidecar YAML) or move it out of seeds/.", path.display())]
    OrphanCsv { path: PathBuf },
    #[error("dataset '{dataset}' is for {envs}, but '{dependency}' it depends on is not for {environment}. Add {environment} to '{dependency}' or remove the dependency.")]
    DependencyNotInEnvironment {
        dataset: String,
        dependency: String,
        environment: String,
        envs: String,
    },
    #[error("no dataset is named '{name}'. Datasets: {known}")]
    UnknownDataset { name: String, known: String },
    #[error("{at}: {message}")]
    Value { at: Location, message: String },
}
