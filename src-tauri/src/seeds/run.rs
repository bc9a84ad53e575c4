//! A seed run: the target's protection, production's environment and typed confirmation,
//! and the secrets it needs are checked before anything connects; then the datasets apply
//! with their progress and each dataset's counts streamed to the window's channel.

use std::sync::{mpsc, Arc, Mutex, PoisonError};

use strata_core::seed::{self, ApplyError, DatasetReport, Environment};
use strata_project::EnvironmentTier;
use tauri::ipc::Channel;

use super::{apply_error, check_environment, load, options, read_secrets, result, seed_error};
use crate::commands::seeds::*;
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets::{self, Target};

/// What `seed_run` was asked to do.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub project: String,
    pub target: String,
    pub form: SeedForm,
    pub confirmation: Option<String>,
}

/// What must be typed to seed production on `target`: its database name when it asks for
/// one, else the word `production`.
pub fn production_word(target: &Target) -> String {
    (target.protection.confirm_name.clone()).unwrap_or_else(|| "production".to_owned())
}

/// Apply `request` to its target, streaming to `events`; `run_key` cancels it while it goes.
pub async fn run(
    state: &AppState,
    request: RunRequest,
    run_key: String,
    events: Channel<SeedEvent>,
) -> Result<SeedRunOutcome, IpcError> {
    let (project, seeds) = load(&request.project)?;
    let target = targets::find(state, &project.root, &request.target)?;
    let typed = request.confirmation.as_deref();
    targets::check_write(state, &target, typed)?;
    check_environment(&target, &request.form)?;
    let mut o = options(&seeds, &request.form)?;
    if o.environment == Environment::Production || target.tier == EnvironmentTier::Production {
        let word = production_word(&target);
        if typed != Some(word.as_str()) {
            return Err(IpcError::new(
                IpcErrorCode::Protected,
                format!("seeding production on \"{}\" needs the typed confirmation: type \"{word}\" to apply; nothing was applied.", target.label),
            ));
        }
        o.confirmed_production = true;
    }
    let planned: Vec<SeedPlanned> = (seeds.plan(o.environment, &o.datasets))
        .map_err(seed_error)?
        .iter()
        .map(|d| SeedPlanned {
            dataset: d.name.clone(),
            table: d.table.clone(),
            total: o.gen.count(d),
        })
        .collect();
    let secrets = read_secrets(state, &project, &seeds, &o, true).await?;
    let registered = state.runs.register(&run_key)?;
    o.cancel = Some(registered.token.clone());
    let access = targets::connect(state, &target).await?;
    let (tx, rx) = mpsc::channel();
    o.reports = Some(tx);
    let stream = Stream {
        events,
        inner: Arc::new(Mutex::new((rx, Vec::new()))),
    };
    stream.send(SeedEvent::Started {
        run_key,
        datasets: planned,
    });
    let progress = stream.clone();
    let applied = crate::engine_task::run(move || async move {
        seed::apply(access.url.expose(), &seeds, &o, &secrets, move |p| {
            progress.finished();
            progress.send(SeedEvent::Progress {
                dataset: p.dataset,
                done: p.done,
                total: p.total,
            });
        })
        .await
    })
    .await;
    drop(registered);
    let completed = stream.finished();
    Ok(match applied? {
        Ok(report) => SeedRunOutcome::Finished {
            datasets: report.datasets.into_iter().map(result).collect(),
            generated_passwords: (report.generated_passwords.into_iter())
                .map(|p| GeneratedPasswordView {
                    dataset: p.dataset,
                    row: u32::try_from(p.row).unwrap_or(u32::MAX),
                    column: p.column,
                    key: p.key,
                    password: p.password,
                })
                .collect(),
        },
        Err(e @ ApplyError::Cancelled { .. }) => SeedRunOutcome::Cancelled {
            message: e.to_string(),
            completed,
        },
        Err(e) => {
            let dataset = failed_dataset(&e, &completed);
            let error = apply_error(e);
            stream.send(SeedEvent::Failed {
                dataset: dataset.clone(),
                message: error.message.clone(),
            });
            SeedRunOutcome::Failed {
                dataset,
                error,
                completed,
            }
        }
    })
}

/// The dataset an error belongs to, when it names one.
fn failed_dataset(e: &ApplyError, completed: &[SeedDatasetResult]) -> Option<String> {
    let at = |l: &seed::Location| l.dataset.clone();
    match e {
        ApplyError::MissingTable { dataset, .. }
        | ApplyError::OrderAgainstSchema { dataset, .. }
        | ApplyError::Sql { dataset, .. }
            if !dataset.is_empty() =>
        {
            Some(dataset.clone())
        }
        ApplyError::MissingColumn { at: l, .. }
        | ApplyError::Lookup { at: l, .. }
        | ApplyError::MissingSecret { at: l, .. }
        | ApplyError::Value { at: l, .. }
        | ApplyError::Constraint { at: l, .. } => at(l),
        _ => None,
    }
    .filter(|d| !completed.iter().any(|c| &c.dataset == d))
}

/// A run's events: progress as it comes, and each dataset's counts as soon as it is done.
#[derive(Clone)]
struct Stream {
    events: Channel<SeedEvent>,
    #[allow(clippy::type_complexity)]
    inner: Arc<Mutex<(mpsc::Receiver<DatasetReport>, Vec<SeedDatasetResult>)>>,
}

impl Stream {
    fn send(&self, event: SeedEvent) {
        if let Err(e) = self.events.send(event) {
            // The window went away; the run goes on and strata_seeds records it.
            tracing::debug!(error = %e, "a seed event could not be sent");
        }
    }

    /// Send the datasets finished since the last call; every dataset finished so far.
    fn finished(&self) -> Vec<SeedDatasetResult> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (rx, done) = &mut *inner;
        while let Ok(r) = rx.try_recv() {
            let r = result(r);
            done.push(r.clone());
            self.send(SeedEvent::Finished { result: r });
        }
        done.clone()
    }
}
