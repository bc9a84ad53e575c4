//! Applying datasets to a database: in dependency order (checked against the live foreign
//! keys), each dataset in one transaction with its `strata_seeds` row, so a dataset is either
//! applied and recorded or left exactly as it was. A dry run does the same work in one
//! transaction that is rolled back.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::dataset::{Dataset, Environment, Source};
use super::db::SeedConn;
use super::error::{Location, SeedError};
use super::password::SecretSource;
use super::rows::GenOptions;
use super::track::RunLog;
use super::Seeds;
use crate::dialect::DatabaseKind;
use crate::driver::ConnectError;
use crate::history::Outcome as EventOutcome;
use crate::lock::CancelToken;

/// How rows whose key already exists are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Insert new rows; leave rows whose key exists as they are.
    InsertOnly,
    /// Insert new rows and update changed ones.
    Upsert,
    /// Upsert, and delete the table's rows the dataset no longer has (owned datasets only;
    /// other datasets of the run are upserted).
    Sync,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InsertOnly => "insert-only",
            Mode::Upsert => "upsert",
            Mode::Sync => "sync",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Mode::InsertOnly, Mode::Upsert, Mode::Sync]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// What to apply and how.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    pub environment: Environment,
    /// Dataset names; empty means every dataset of the environment. Dependencies are added.
    pub datasets: Vec<String>,
    pub mode: Mode,
    pub gen: GenOptions,
    /// The host asked for and got the typed confirmation. Required for production.
    pub confirmed_production: bool,
    /// Compute the counts against the live database and roll everything back.
    pub dry_run: bool,
    pub cancel: Option<CancelToken>,
    pub connect_timeout: Duration,
    /// Where each dataset's report is also sent as soon as it is done (a host streaming
    /// counts per dataset); a closed receiver is ignored.
    pub reports: Option<std::sync::mpsc::Sender<DatasetReport>>,
}

impl ApplyOptions {
    pub fn new(environment: Environment, mode: Mode) -> Self {
        Self {
            environment,
            datasets: Vec::new(),
            mode,
            gen: GenOptions::default(),
            confirmed_production: false,
            dry_run: false,
            cancel: None,
            connect_timeout: Duration::from_secs(15),
            reports: None,
        }
    }
}

/// Rows done of one dataset, reported after each batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SeedProgress {
    pub dataset: String,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Rows were written (or, in a dry run, would be).
    Applied,
    /// Recorded with the same checksum before: nothing was done.
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DatasetReport {
    pub dataset: String,
    pub table: String,
    pub outcome: Outcome,
    /// The mode used: `sync` on a dataset that is not owned is applied as `upsert`.
    pub mode: Mode,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub deleted: u64,
    pub unchanged: u64,
}

/// A password generated at apply time. Shown once by the host; never logged or stored.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct GeneratedPassword {
    pub dataset: String,
    pub row: u64,
    pub column: String,
    /// The row's key, e.g. its email.
    pub key: String,
    pub password: String,
}

impl std::fmt::Debug for GeneratedPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "GeneratedPassword({}, row {}, {}: ***)",
            self.dataset, self.row, self.column
        )
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub dry_run: bool,
    pub datasets: Vec<DatasetReport>,
    pub generated_passwords: Vec<GeneratedPassword>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    #[error(transparent)]
    Seeds(#[from] SeedError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(
        "seeding the {environment} environment needs the typed confirmation; nothing was changed."
    )]
    ProductionNotConfirmed { environment: Environment },
    #[error("dataset '{dataset}': the table {table} does not exist. Apply the migrations first; nothing was changed.")]
    MissingTable { dataset: String, table: String },
    #[error("{at}: the table {table} has no such column (it has {known}). Correct the dataset or apply the migration that adds it; nothing was changed.")]
    MissingColumn {
        at: Location,
        table: String,
        known: String,
    },
    #[error("dataset '{dataset}' fills {table}, whose foreign key {column} references {references}, but dataset '{filled_by}' that fills {references} comes after it. Add `depends_on: [{filled_by}]` to '{dataset}'; nothing was changed.")]
    OrderAgainstSchema {
        dataset: String,
        table: String,
        column: String,
        references: String,
        filled_by: String,
    },
    #[error("{at}: no row of {table} has {by} = '{value}'. Add it to the dataset that fills {table}, or correct the value; the dataset was rolled back.")]
    Lookup {
        at: Location,
        value: String,
        table: String,
        by: String,
    },
    #[error("{at}: the secret '{name}' was not supplied. Store it in the OS keychain (the app asks for it) or pass it to `strata seed run --secret {name}`; the dataset was rolled back.")]
    MissingSecret { at: Location, name: String },
    #[error("{at}: {message}")]
    Value { at: Location, message: String },
    #[error("{at}: {message}; the dataset was rolled back and {table} is as it was.")]
    Constraint {
        at: Location,
        table: String,
        message: String,
    },
    #[error("dataset '{dataset}': {action} failed: {source}; the dataset was rolled back.")]
    Sql {
        dataset: String,
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("cancelled during dataset '{dataset}' after {done} of {total} rows; it was rolled back. Datasets before it stay applied.")]
    Cancelled {
        dataset: String,
        done: u64,
        total: u64,
    },
}

/// Apply the datasets `opts` selects to the database at `url`.
pub async fn apply(
    url: &str,
    seeds: &Seeds,
    opts: &ApplyOptions,
    secrets: &dyn SecretSource,
    mut progress: impl FnMut(SeedProgress) + Send,
) -> Result<ApplyReport, ApplyError> {
    if opts.environment == Environment::Production && !opts.confirmed_production {
        return Err(ApplyError::ProductionNotConfirmed {
            environment: opts.environment,
        });
    }
    let plan = seeds.plan(opts.environment, &opts.datasets)?;
    let (mut conn, kind) = SeedConn::connect(url, opts.connect_timeout).await?;
    let result = async {
        let infos = super::stage::check_schema(&mut conn, kind, &plan).await?;
        // A dry run creates nothing, not even the tracking table (MariaDB's DDL would commit).
        if !opts.dry_run {
            super::track::ensure(&mut conn, kind)
                .await
                .map_err(|source| ApplyError::Sql {
                    dataset: String::new(),
                    action: "creating strata_seeds",
                    source,
                })?;
            super::track::ensure_events(&mut conn, kind)
                .await
                .map_err(|source| ApplyError::Sql {
                    dataset: String::new(),
                    action: "creating strata_events",
                    source,
                })?;
        }
        let log = RunLog::new();
        let mut report = ApplyReport {
            dry_run: opts.dry_run,
            ..ApplyReport::default()
        };
        if opts.dry_run {
            super::stage::begin(&mut conn, kind)
                .await
                .map_err(|source| ApplyError::Sql {
                    dataset: String::new(),
                    action: "BEGIN",
                    source,
                })?;
        }
        let run = async {
            for (d, info) in plan.iter().zip(&infos) {
                let started = Instant::now();
                let r = super::stage::dataset(
                    &mut conn,
                    kind,
                    seeds,
                    d,
                    info,
                    opts,
                    secrets,
                    &mut progress,
                    &mut report.generated_passwords,
                    &log,
                )
                .await;
                match r {
                    Ok(r) => {
                        if let Some(tx) = &opts.reports {
                            let _ = tx.send(r.clone());
                        }
                        report.datasets.push(r);
                    }
                    Err(e) => {
                        if !opts.dry_run {
                            log_failure(&mut conn, kind, &log, &d.name, started, &e).await;
                        }
                        return Err(e);
                    }
                }
            }
            Ok::<_, ApplyError>(())
        }
        .await;
        if opts.dry_run {
            let _ = conn.execute("ROLLBACK").await;
        }
        run.map(|()| report)
    }
    .await;
    conn.close().await;
    result
}

/// Record a dataset that failed or was cancelled in `strata_events`, after its rollback. The
/// run's error is what the user needs; a log that cannot take the event is only warned about.
async fn log_failure(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    log: &RunLog,
    dataset: &str,
    started: Instant,
    error: &ApplyError,
) {
    let outcome = match error {
        ApplyError::Cancelled { .. } => EventOutcome::Cancelled,
        _ => EventOutcome::Failed,
    };
    let event = log.event(dataset, started, outcome, Some(error.to_string()), None);
    if let Err(e) = super::track::event(conn, kind, &event).await {
        tracing::warn!(dataset, error = %e, "the failed dataset could not be recorded in strata_events");
    }
}

/// The checksum recorded in `strata_seeds`: the files, the mode, the seed value and the count.
pub(crate) fn run_checksum(d: &Dataset, mode: Mode, gen: &GenOptions) -> String {
    let count = match &d.source {
        Source::Generated { .. } => gen.count(d),
        _ => 0,
    };
    super::sha256_hex(
        format!("{}\n{}\n{}\n{}", d.checksum, mode.as_str(), gen.seed, count).as_bytes(),
    )
}
