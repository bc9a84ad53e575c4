//! The Seeds screen's commands: the project's datasets, its databases, saved forms, the
//! secrets datasets name, a preview with its dry run, and a run (progress over a channel,
//! cancellable with `cancel_seed_run`). The work is in `crate::seeds`.

use serde::{Deserialize, Serialize};
use specta::Type;
use strata_core::seed::{Environment, Mode};
use strata_project::secret::Secret;
use tauri::ipc::Channel;
use tauri::State;

use crate::commands::timeline::TimelineTarget;
use crate::error::IpcError;
use crate::state::AppState;

/// Where a dataset's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SeedSourceKind {
    /// Rows written in the YAML or JSON file.
    Rows,
    /// Rows of a CSV file.
    Csv,
    /// Generated rows (a count and a generator per column).
    Generated,
    /// SQL run as written.
    Sql,
}

/// One dataset of the project's seeds folder.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedDatasetInfo {
    pub name: String,
    pub table: String,
    pub description: Option<String>,
    pub source: SeedSourceKind,
    pub environments: Vec<Environment>,
    /// The datasets it needs applied first (`depends_on`, lookups, refs).
    pub depends_on: Vec<String>,
    /// Reference data the project owns: sync may delete rows its file lacks.
    pub owned: bool,
    /// Rows it writes by default (a generated dataset's `count`; 0 for SQL).
    #[specta(type = u32)]
    pub rows: u64,
    /// Its file, relative to the project folder.
    pub file: String,
    /// Secrets its rows name (`{secret: NAME}`), read from the OS keychain at run time.
    pub secrets: Vec<String>,
    /// Columns hashed with argon2id at apply time.
    pub password_columns: Vec<String>,
    /// It generates passwords at run time, shown once in the run's result.
    pub generates_passwords: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedCatalog {
    pub project: String,
    pub seeds_dir: String,
    /// In dependency order.
    pub datasets: Vec<SeedDatasetInfo>,
}

/// A generated dataset's row count.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedCount {
    pub dataset: String,
    #[specta(type = u32)]
    pub rows: u64,
}

/// The Seeds form: what to apply and how. (Counts and the seed value are typed as 32-bit
/// numbers in TypeScript; JSON carries them whole up to 2^53.)
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedForm {
    pub environment: Environment,
    /// Datasets chosen (their dependencies are added); empty means all of the environment's.
    pub datasets: Vec<String>,
    pub mode: Mode,
    /// The same seed value gives the same generated rows.
    #[specta(type = u32)]
    pub seed: u64,
    /// Row counts that replace generated datasets' own.
    pub counts: Vec<SeedCount>,
}

/// A saved form from `[seeds.profiles.<name>]`, with the form's defaults for what it leaves out.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedProfileView {
    pub name: String,
    pub form: SeedForm,
}

/// A secret some dataset names, and whether the OS keychain holds it for this project.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedSecretState {
    pub name: String,
    /// The datasets that name it.
    pub datasets: Vec<String>,
    pub stored: bool,
}

/// The first rows of one dataset as they will be written.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedPreviewTable {
    pub dataset: String,
    pub table: String,
    pub columns: Vec<String>,
    /// Every row the dataset will write.
    #[specta(type = u32)]
    pub total: u64,
    /// The first rows, each cell as text (`None` for NULL; passwords as a placeholder).
    pub rows: Vec<Vec<Option<String>>>,
}

/// Whether a run wrote a dataset's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SeedOutcome {
    /// Rows were written (or, in a dry run, would be).
    Applied,
    /// Recorded before with the same files and form: nothing was done.
    Unchanged,
}

/// What a run did (or, in a dry run, would do) to one dataset.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedDatasetResult {
    pub dataset: String,
    pub table: String,
    /// `unchanged`: recorded with the same files and form before, so nothing was done.
    pub outcome: SeedOutcome,
    /// The mode used (sync on a dataset that is not owned is applied as upsert).
    pub mode: Mode,
    #[specta(type = u32)]
    pub rows: u64,
    #[specta(type = u32)]
    pub inserted: u64,
    #[specta(type = u32)]
    pub updated: u64,
    #[specta(type = u32)]
    pub deleted: u64,
    #[specta(type = u32)]
    pub unchanged: u64,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedPreview {
    pub tables: Vec<SeedPreviewTable>,
    /// The dry run against the chosen database (rolled back), when one was chosen and it ran.
    pub dry_run: Option<Vec<SeedDatasetResult>>,
    /// Why the dry run could not run (the tables above are still what will be written).
    pub dry_run_error: Option<IpcError>,
}

/// A password the run generated and stored only as a hash: returned once, for the user to
/// copy. Its `Debug` prints no password.
#[derive(Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedPasswordView {
    pub dataset: String,
    pub row: u32,
    pub column: String,
    /// The row's key, e.g. its email.
    pub key: String,
    pub password: String,
}

impl std::fmt::Debug for GeneratedPasswordView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GeneratedPassword({} {}: ***)", self.dataset, self.key)
    }
}

/// A dataset a run will apply, in order.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeedPlanned {
    pub dataset: String,
    pub table: String,
    #[specta(type = u32)]
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum SeedEvent {
    /// Connected and about to apply these datasets, in order.
    Started {
        #[serde(rename = "runKey")]
        run_key: String,
        datasets: Vec<SeedPlanned>,
    },
    /// Rows done of one dataset.
    Progress {
        dataset: String,
        #[specta(type = u32)]
        done: u64,
        #[specta(type = u32)]
        total: u64,
    },
    /// A dataset committed (or was unchanged), with its counts.
    Finished { result: SeedDatasetResult },
    /// A dataset failed and was rolled back.
    Failed {
        dataset: Option<String>,
        message: String,
    },
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum SeedRunOutcome {
    Finished {
        datasets: Vec<SeedDatasetResult>,
        #[serde(rename = "generatedPasswords")]
        generated_passwords: Vec<GeneratedPasswordView>,
    },
    /// A dataset failed: it was rolled back; `completed` stay applied.
    Failed {
        dataset: Option<String>,
        error: IpcError,
        completed: Vec<SeedDatasetResult>,
    },
    Cancelled {
        message: String,
        completed: Vec<SeedDatasetResult>,
    },
}

/// The datasets of `project`'s seeds folder in dependency order (only `environment`'s when
/// given). A folder that does not load is a `project` error naming the file and line.
#[tauri::command]
#[specta::specta]
pub fn seed_catalog(
    project: String,
    environment: Option<Environment>,
) -> Result<SeedCatalog, IpcError> {
    crate::seeds::catalog(&project, environment)
}

/// The databases the Seeds form can seed: the project's targets.
#[tauri::command]
#[specta::specta]
pub fn seed_targets(
    state: State<'_, AppState>,
    project: String,
) -> Result<Vec<TimelineTarget>, IpcError> {
    crate::seeds::targets(&state, &project)
}

/// The project's saved forms, in name order.
#[tauri::command]
#[specta::specta]
pub fn seed_profiles(project: String) -> Result<Vec<SeedProfileView>, IpcError> {
    crate::seeds::profiles(&project)
}

/// Save `form` as profile `name` in `strata.toml` (`replace` to overwrite that exact name).
#[tauri::command]
#[specta::specta]
pub fn save_seed_profile(
    project: String,
    name: String,
    form: SeedForm,
    replace: bool,
) -> Result<Vec<SeedProfileView>, IpcError> {
    crate::seeds::save_profile(&project, &name, &form, replace)
}

#[tauri::command]
#[specta::specta]
pub fn delete_seed_profile(
    project: String,
    name: String,
) -> Result<Vec<SeedProfileView>, IpcError> {
    crate::seeds::delete_profile(&project, &name)
}

/// Every secret the project's datasets name, and whether the keychain holds it.
#[tauri::command]
#[specta::specta]
pub async fn seed_secrets(
    state: State<'_, AppState>,
    project: String,
) -> Result<Vec<SeedSecretState>, IpcError> {
    crate::seeds::secrets(&state, &project).await
}

/// Store secret `name` of `project` in the OS keychain. The value never comes back.
#[tauri::command]
#[specta::specta]
pub async fn store_seed_secret(
    state: State<'_, AppState>,
    project: String,
    name: String,
    value: Secret,
) -> Result<Vec<SeedSecretState>, IpcError> {
    crate::seeds::store_secret(&state, &project, &name, value).await
}

/// The first `rows` rows of each dataset `form` selects and, with a `target`, the dry run's
/// counts against it (rolled back).
#[tauri::command]
#[specta::specta]
pub async fn seed_preview(
    state: State<'_, AppState>,
    project: String,
    target: Option<String>,
    form: SeedForm,
    rows: u32,
) -> Result<SeedPreview, IpcError> {
    crate::seeds::preview(&state, &project, target.as_deref(), &form, rows).await
}

/// Apply `form` to `target`, streaming progress to `events`. A protected target refuses
/// before anything connects; production needs `confirmation`.
#[tauri::command]
#[specta::specta]
pub async fn seed_run(
    state: State<'_, AppState>,
    project: String,
    target: String,
    form: SeedForm,
    confirmation: Option<String>,
    run_key: String,
    events: Channel<SeedEvent>,
) -> Result<SeedRunOutcome, IpcError> {
    let request = crate::seeds::RunRequest {
        project,
        target,
        form,
        confirmation,
    };
    crate::seeds::run(&state, request, run_key, events).await
}

/// Cancel seed run `run_key`: the dataset being applied rolls back. False when none is going.
#[tauri::command]
#[specta::specta]
pub fn cancel_seed_run(state: State<'_, AppState>, run_key: String) -> bool {
    state.runs.cancel(&run_key)
}
