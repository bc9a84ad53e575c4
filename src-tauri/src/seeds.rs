//! The Seeds screen's services over `strata_core::seed`: the catalog, saved forms, the
//! secrets datasets name, a preview with a rolled-back dry run, and a run whose progress and
//! per-dataset counts stream to a channel. Every run checks the target's protection, and
//! production's typed confirmation, here, before anything connects, whatever the UI sent.

use std::sync::Arc;

use strata_core::seed::{
    self, ApplyError, ApplyOptions, Cell, DatasetReport, Environment, GenOptions, Mode, SeedError,
    Seeds, Source,
};
use strata_project::secret::Secret;
use strata_project::seed_profiles::{self as profiles_file, SeedProfile, SeedProfileError};
use strata_project::seed_secrets::{self, SeedSecretError, SeedSecretValues};
use strata_project::{EnvironmentTier, Project};

use crate::commands::seeds::*;
use crate::commands::timeline::TimelineTarget;
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets::{self, Target};

mod run;
pub use run::{production_word, run, RunRequest};

fn seed_error(e: SeedError) -> IpcError {
    let code = match &e {
        SeedError::UnknownDataset { .. } => IpcErrorCode::InvalidInput,
        _ => IpcErrorCode::Project,
    };
    IpcError::new(code, e)
}

fn apply_error(e: ApplyError) -> IpcError {
    let code = match &e {
        ApplyError::Seeds(SeedError::UnknownDataset { .. }) => IpcErrorCode::InvalidInput,
        ApplyError::Seeds(_) | ApplyError::OrderAgainstSchema { .. } => IpcErrorCode::Project,
        ApplyError::ProductionNotConfirmed { .. } => IpcErrorCode::Protected,
        ApplyError::MissingSecret { .. } => IpcErrorCode::InvalidInput,
        _ => IpcErrorCode::Database,
    };
    IpcError::new(code, e)
}

fn profile_error(e: SeedProfileError) -> IpcError {
    use SeedProfileError as E;
    let code = match &e {
        E::NotFound { .. } => IpcErrorCode::NotFound,
        E::Read { .. } | E::Write { .. } => IpcErrorCode::Io,
        E::Settings { .. } => IpcErrorCode::Project,
        _ => IpcErrorCode::InvalidInput,
    };
    IpcError::new(code, e)
}

fn secret_error(e: SeedSecretError) -> IpcError {
    let code = match &e {
        SeedSecretError::Keychain { .. } => IpcErrorCode::Keychain,
        _ => IpcErrorCode::InvalidInput,
    };
    IpcError::new(code, e)
}

/// The project at `root` and its seeds, loaded whole.
fn load(root: &str) -> Result<(Project, Seeds), IpcError> {
    let project = Project::open(&targets::canonical(root)?)?;
    let seeds = Seeds::load(&project.seeds_dir).map_err(seed_error)?;
    Ok((project, seeds))
}

/// The secrets a dataset's rows name, in order, without repeats.
fn secrets_of(d: &seed::Dataset) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Source::Rows { rows } = &d.source {
        for cell in rows.iter().flat_map(|r| &r.cells) {
            if let Cell::Secret(name) = cell {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
    }
    out
}

pub fn catalog(root: &str, environment: Option<Environment>) -> Result<SeedCatalog, IpcError> {
    let (project, seeds) = load(root)?;
    let datasets = (seeds.datasets.iter())
        .filter(|d| environment.is_none_or(|e| d.is_for(e)))
        .map(|d| SeedDatasetInfo {
            name: d.name.clone(),
            table: d.table.clone(),
            description: d.description.clone(),
            source: match &d.source {
                Source::Rows { .. } => SeedSourceKind::Rows,
                Source::Csv { .. } => SeedSourceKind::Csv,
                Source::Generated { .. } => SeedSourceKind::Generated,
                Source::Sql { .. } => SeedSourceKind::Sql,
            },
            environments: d.environments.clone(),
            depends_on: d.needs(),
            owned: d.owned,
            rows: d.row_count(),
            file: (d.file.strip_prefix(&project.root).unwrap_or(&d.file))
                .display()
                .to_string(),
            secrets: secrets_of(d),
            password_columns: d.passwords.clone(),
            generates_passwords: matches!(&d.source, Source::Rows { rows }
                if rows.iter().flat_map(|r| &r.cells).any(|c| matches!(c, Cell::GeneratePassword))),
        })
        .collect();
    Ok(SeedCatalog {
        project: project.name,
        seeds_dir: project.seeds_dir.display().to_string(),
        datasets,
    })
}

pub fn targets(state: &AppState, root: &str) -> Result<Vec<TimelineTarget>, IpcError> {
    let root = targets::canonical(root)?;
    Ok(targets::of_project(state, &root)
        .iter()
        .map(Target::column)
        .collect())
}

/// The form a profile gives, with the form's defaults for what it leaves out.
fn form_of(p: SeedProfile) -> SeedForm {
    SeedForm {
        environment: p.environment.unwrap_or(Environment::Development),
        datasets: p.datasets,
        mode: p.mode.unwrap_or(Mode::Upsert),
        seed: p.seed.unwrap_or(1),
        counts: (p.counts.into_iter())
            .map(|(dataset, rows)| SeedCount { dataset, rows })
            .collect(),
    }
}

pub fn profiles(root: &str) -> Result<Vec<SeedProfileView>, IpcError> {
    let root = targets::canonical(root)?;
    let all = profiles_file::list(&root).map_err(profile_error)?;
    Ok(all
        .into_iter()
        .map(|(name, p)| SeedProfileView {
            name,
            form: form_of(p),
        })
        .collect())
}

pub fn save_profile(
    root: &str,
    name: &str,
    form: &SeedForm,
    replace: bool,
) -> Result<Vec<SeedProfileView>, IpcError> {
    let (project, seeds) = load(root)?;
    let profile = SeedProfile {
        environment: Some(form.environment),
        datasets: form.datasets.clone(),
        mode: Some(form.mode),
        seed: Some(form.seed),
        counts: (form.counts.iter())
            .map(|c| (c.dataset.clone(), c.rows))
            .collect(),
    };
    profile.check(name, &seeds).map_err(profile_error)?;
    profiles_file::save(&project.root, name, &profile, replace).map_err(profile_error)?;
    profiles(root)
}

pub fn delete_profile(root: &str, name: &str) -> Result<Vec<SeedProfileView>, IpcError> {
    let canonical = targets::canonical(root)?;
    profiles_file::delete(&canonical, name).map_err(profile_error)?;
    profiles(root)
}

fn manager(
    state: &AppState,
) -> Result<Arc<strata_project::connections::ConnectionManager>, IpcError> {
    state
        .connections()
        .map_err(|e| IpcError::new(IpcErrorCode::Project, e))
}

pub async fn secrets(state: &AppState, root: &str) -> Result<Vec<SeedSecretState>, IpcError> {
    let (project, seeds) = load(root)?;
    let mut out: Vec<SeedSecretState> = Vec::new();
    for d in &seeds.datasets {
        for name in secrets_of(d) {
            match out.iter_mut().find(|s| s.name == name) {
                Some(s) => s.datasets.push(d.name.clone()),
                None => out.push(SeedSecretState {
                    name,
                    datasets: vec![d.name.clone()],
                    stored: false,
                }),
            }
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    let names: Vec<String> = out.iter().map(|s| s.name.clone()).collect();
    let id = seed_secrets::project_id(&project.root);
    let found = (manager(state)?.read_seed_secrets(&id, &names).await).map_err(secret_error)?;
    for s in &mut out {
        s.stored = found.0.contains_key(&s.name);
    }
    Ok(out)
}

pub async fn store_secret(
    state: &AppState,
    root: &str,
    name: &str,
    value: Secret,
) -> Result<Vec<SeedSecretState>, IpcError> {
    let (project, _) = load(root)?;
    let id = seed_secrets::project_id(&project.root);
    (manager(state)?.store_seed_secret(&id, name, value).await).map_err(secret_error)?;
    secrets(state, root).await
}

/// The engine's options for `form`, checked against the datasets.
fn options(seeds: &Seeds, form: &SeedForm) -> Result<ApplyOptions, IpcError> {
    let mut gen = GenOptions {
        seed: form.seed,
        ..GenOptions::default()
    };
    for c in &form.counts {
        match seeds.get(&c.dataset).map(|d| &d.source) {
            Some(Source::Generated { .. }) => {}
            _ => {
                return Err(IpcError::new(
                    IpcErrorCode::InvalidInput,
                    format!("a row count was given for '{}', which is not a generated dataset of this project; only generated datasets take a count", c.dataset),
                ))
            }
        }
        gen.counts.insert(c.dataset.clone(), c.rows);
    }
    let mut o = ApplyOptions::new(form.environment, form.mode);
    o.datasets = form.datasets.clone();
    o.gen = gen;
    Ok(o)
}

/// A production database takes only the datasets marked for production.
fn check_environment(target: &Target, form: &SeedForm) -> Result<(), IpcError> {
    if target.tier == EnvironmentTier::Production && form.environment != Environment::Production {
        return Err(IpcError::new(
            IpcErrorCode::Protected,
            format!(
                "\"{}\" is a production database: it takes only the datasets marked for production. Choose the production environment; nothing was applied.",
                target.label
            ),
        ));
    }
    Ok(())
}

/// The stored values of the secrets the planned datasets name; a missing one is an error
/// naming it (before anything is written).
async fn read_secrets(
    state: &AppState,
    project: &Project,
    seeds: &Seeds,
    o: &ApplyOptions,
    required: bool,
) -> Result<SeedSecretValues, IpcError> {
    let plan = seeds.plan(o.environment, &o.datasets).map_err(seed_error)?;
    let mut names: Vec<String> = Vec::new();
    for name in plan.iter().flat_map(|d| secrets_of(d)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Ok(SeedSecretValues::default());
    }
    let id = seed_secrets::project_id(&project.root);
    let found = (manager(state)?.read_seed_secrets(&id, &names).await).map_err(secret_error)?;
    let missing: Vec<&str> = (names.iter())
        .filter(|n| !found.0.contains_key(*n))
        .map(String::as_str)
        .collect();
    if required && !missing.is_empty() {
        return Err(IpcError::new(
            IpcErrorCode::InvalidInput,
            format!("the datasets chosen need the secret {}, which the OS keychain does not hold for this project: store it under Secrets in the form; nothing was applied.", missing.join(", ")),
        ));
    }
    Ok(found)
}

fn result(r: DatasetReport) -> SeedDatasetResult {
    SeedDatasetResult {
        dataset: r.dataset,
        table: r.table,
        outcome: match r.outcome {
            seed::Outcome::Applied => SeedOutcome::Applied,
            seed::Outcome::Unchanged => SeedOutcome::Unchanged,
        },
        mode: r.mode,
        rows: r.rows,
        inserted: r.inserted,
        updated: r.updated,
        deleted: r.deleted,
        unchanged: r.unchanged,
    }
}

pub async fn preview(
    state: &AppState,
    root: &str,
    target: Option<&str>,
    form: &SeedForm,
    rows: u32,
) -> Result<SeedPreview, IpcError> {
    let (project, seeds) = load(root)?;
    let mut o = options(&seeds, form)?;
    let rows = usize::try_from(rows.clamp(1, 100)).unwrap_or(5);
    let tables = seed::preview(&seeds, o.environment, &o.datasets, &o.gen, rows)
        .map_err(seed_error)?
        .into_iter()
        .map(|t| SeedPreviewTable {
            dataset: t.dataset,
            table: t.table,
            columns: t.columns,
            total: t.total,
            rows: t.rows,
        })
        .collect();
    let mut out = SeedPreview {
        tables,
        dry_run: None,
        dry_run_error: None,
    };
    let Some(id) = target else { return Ok(out) };
    let dry = async {
        let target = targets::find(state, &project.root, id)?;
        check_environment(&target, form)?;
        let secrets = read_secrets(state, &project, &seeds, &o, true).await?;
        let access = targets::connect(state, &target).await?;
        o.dry_run = true;
        o.confirmed_production = true; // rolled back: nothing is changed
        crate::engine_task::run(move || async move {
            seed::apply(access.url.expose(), &seeds, &o, &secrets, |_| {}).await
        })
        .await?
        .map_err(apply_error)
    };
    match dry.await {
        // A dry run's generated passwords were rolled back with it: none is returned.
        Ok(report) => out.dry_run = Some(report.datasets.into_iter().map(result).collect()),
        Err(e) => out.dry_run_error = Some(e),
    }
    Ok(out)
}
