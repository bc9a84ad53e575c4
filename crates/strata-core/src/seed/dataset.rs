//! A dataset as the engine uses it: one table, its key, environments, dependencies, lookups,
//! password columns and one source of rows. Every dataset here passed validation on load.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::generate::Generator;
use super::value::Value;

/// The environment tiers a dataset can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Testing,
    Staging,
    Production,
}

impl Environment {
    pub const ALL: [Environment; 4] = [
        Self::Development,
        Self::Testing,
        Self::Staging,
        Self::Production,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Testing => "testing",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl std::fmt::Display for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `role: admin` in a row becomes `role_id = (the id of the roles row whose name is admin)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The name the rows use (`role`).
    pub alias: String,
    /// The column written (`role_id`).
    pub column: String,
    /// The referenced table, and the dataset that fills it when the lookup names one.
    pub table: String,
    pub dataset: Option<String>,
    /// The natural key column of the referenced table (`name`).
    pub by: String,
    /// The referenced table's column whose value is written (`id`).
    pub id: String,
}

/// A cell of a dataset row before apply: a value, or a password that is not in the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Value(Value),
    /// A password the host supplies (the OS keychain), by name.
    Secret(String),
    /// A password generated at apply time and shown once.
    GeneratePassword,
}

/// One row as a dataset yields it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based, in the dataset's order.
    pub number: u64,
    /// The line in the dataset's file (or its CSV), where the format gives one.
    pub line: Option<usize>,
    /// In the order of [`Dataset::columns`].
    pub cells: Vec<Cell>,
}

/// Where a dataset's rows come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Rows written in the YAML or JSON file.
    Rows { rows: Vec<Row> },
    /// Rows of a CSV file (header = columns), read as a stream at apply time.
    Csv { path: PathBuf, rows: u64 },
    /// `count` rows, each column from its generator.
    Generated {
        count: u64,
        generators: Vec<Generator>,
    },
    /// SQL run as written (an escape hatch): no rows, no modes, tracked by checksum.
    Sql { text: String },
}

#[derive(Debug, Clone)]
pub struct Dataset {
    /// The file name without its extension: `roles` for `seeds/roles.yaml`.
    pub name: String,
    /// The file, as given when loading (e.g. `seeds/roles.yaml`).
    pub file: PathBuf,
    pub table: String,
    pub description: Option<String>,
    /// Columns of the table that identify a row (for upsert and sync); table column names.
    pub key: Vec<String>,
    pub environments: Vec<Environment>,
    /// Declared with `depends_on`; lookups and references add theirs (see [`Dataset::needs`]).
    pub depends_on: Vec<String>,
    /// Reference data the project owns: sync may delete its table's rows the file lacks.
    pub owned: bool,
    pub lookups: Vec<Lookup>,
    /// Table columns hashed with argon2id at apply time.
    pub passwords: Vec<String>,
    /// The columns rows hold, in order: table columns or lookup aliases.
    pub columns: Vec<String>,
    pub source: Source,
    /// SHA-256 of the file (and its CSV), hex.
    pub checksum: String,
}

impl Dataset {
    /// Every dataset this one needs applied first: `depends_on`, lookups to datasets and
    /// generator references, without repeats, in that order.
    pub fn needs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let refs = match &self.source {
            Source::Generated { generators, .. } => generators
                .iter()
                .filter_map(|g| match g {
                    Generator::Ref { dataset, .. } => Some(dataset.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let all = (self.depends_on.iter().cloned())
            .chain(self.lookups.iter().filter_map(|l| l.dataset.clone()))
            .chain(refs);
        for n in all {
            if n != self.name && !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    /// The table column a row column writes (a lookup alias writes its lookup's column).
    pub fn table_column<'a>(&'a self, column: &'a str) -> &'a str {
        (self.lookups.iter().find(|l| l.alias == column)).map_or(column, |l| &l.column)
    }

    /// The columns written to the table, in row order.
    pub fn table_columns(&self) -> Vec<String> {
        (self.columns.iter())
            .map(|c| self.table_column(c).to_owned())
            .collect()
    }

    pub fn is_for(&self, env: Environment) -> bool {
        self.environments.contains(&env)
    }

    pub fn is_sql(&self) -> bool {
        matches!(self.source, Source::Sql { .. })
    }

    /// Rows before any `--count` override.
    pub fn row_count(&self) -> u64 {
        match &self.source {
            Source::Rows { rows } => rows.len() as u64,
            Source::Csv { rows, .. } => *rows,
            Source::Generated { count, .. } => *count,
            Source::Sql { .. } => 0,
        }
    }
}
