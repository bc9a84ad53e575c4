//! The app's IPC commands. Each resolves state, calls strata-core or strata-project, and maps
//! the error to `IpcError`.

use serde::Serialize;
use specta::Type;
use strata_core::dialect::{supported_engines, EngineSupport};
use strata_core::{driver::SqliteFile, Migration, ServerInfo};
use strata_project::{paths, EnvironmentTier, Project};
use tauri::State;

pub mod connections;
pub mod schema;
pub mod seeds;
pub mod timeline;

use crate::error::IpcError;
use crate::state::AppState;

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub app_version: String,
    pub engine_version: String,
    pub engines: Vec<EngineSupport>,
}

/// The app's and the engine's versions and the database engines this build supports.
#[tauri::command]
#[specta::specta]
pub fn app_info(app: tauri::AppHandle) -> AppInfo {
    AppInfo {
        app_version: app.package_info().version.to_string(),
        engine_version: strata_core::ENGINE_VERSION.to_owned(),
        engines: supported_engines(),
    }
}

/// The database a project is shown against.
#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDatabase {
    pub label: String,
    pub tier: EnvironmentTier,
    pub path: String,
    /// True when this launch of the app created the database file.
    pub created: bool,
    pub server: ServerInfo,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSummary {
    pub name: String,
    pub root: String,
    pub migrations_dir: String,
    pub migration_count: u32,
    pub migrations: Vec<Migration>,
    pub database: ProjectDatabase,
}

/// The open project, its migrations as the files say now, and its embedded SQLite database
/// (created in the data folder on first use).
#[tauri::command]
#[specta::specta]
pub async fn current_project(state: State<'_, AppState>) -> Result<ProjectSummary, IpcError> {
    let project = Project::open(&state.project_root)?;
    let set = project.migrations()?;
    let db_path = paths::demo_database(&state.data_dir);
    let db: &SqliteFile = state
        .demo_database
        .get_or_try_init(|| strata_core::driver::ensure_sqlite_file(&db_path))
        .await?;
    Ok(ProjectSummary {
        name: project.name,
        root: project.root.display().to_string(),
        migrations_dir: set.dir.display().to_string(),
        migration_count: u32::try_from(set.migrations.len()).unwrap_or(u32::MAX),
        migrations: set.migrations,
        database: ProjectDatabase {
            label: db
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            tier: EnvironmentTier::Development,
            path: db.path.display().to_string(),
            created: db.created,
            server: db.server.clone(),
        },
    })
}
