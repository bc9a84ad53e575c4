//! The Connections screen's commands: each resolves the connection manager, calls one
//! strata-project function and maps its error. Passwords arrive here (on save, or for a
//! session) and never leave: no command returns one.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use specta::Type;
use std::time::Duration;
use strata_core::DatabaseKind;

use strata_core::driver::diagnose::Diagnosis;
use strata_project::connections::{
    ConnectionManager, ConnectionRow, ConnectionSection, LastTest, PasswordInput,
};
use strata_project::secret::Secret;
use strata_project::transfer::ImportReport;
use strata_project::{ConnectionProfile, EnvironmentTier};
use tauri::State;

use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;

fn manager(state: &AppState) -> Result<Arc<ConnectionManager>, IpcError> {
    state
        .connections()
        .map_err(|e| IpcError::new(IpcErrorCode::Project, e))
}

/// The saved connections, grouped as the list shows them.
#[tauri::command]
#[specta::specta]
pub fn list_connections(state: State<'_, AppState>) -> Result<Vec<ConnectionSection>, IpcError> {
    Ok(manager(&state)?.sections())
}

/// Set an unreadable connections file aside (renamed, bytes kept) and start with an empty
/// list; the path it was moved to.
#[tauri::command]
#[specta::specta]
pub fn set_aside_connections_file(state: State<'_, AppState>) -> Result<String, IpcError> {
    let aside = strata_project::ProfileStore::set_aside_unreadable(&state.config_dir)?;
    state
        .reopen_connections()
        .map_err(|e| IpcError::new(IpcErrorCode::Project, e))?;
    Ok(aside.display().to_string())
}

/// A new, unsaved connection with Strata's defaults for `engine` and `tier`.
#[tauri::command]
#[specta::specta]
pub fn new_connection(engine: DatabaseKind, tier: EnvironmentTier) -> ConnectionProfile {
    ConnectionProfile::new("", engine, tier)
}

/// A pasted URL, as form fields. Its password stays out of the answer: the form sends the
/// URL back on save (`PasswordInput::FromUrl`).
#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ParsedUrl {
    pub profile: ConnectionProfile,
    pub has_password: bool,
}

#[tauri::command]
#[specta::specta]
pub fn parse_connection_url(url: Secret) -> Result<ParsedUrl, IpcError> {
    let (profile, password) =
        strata_project::url::parse_url(url.expose()).map_err(|fields| IpcError {
            fields,
            ..IpcError::new(IpcErrorCode::InvalidInput, "the URL could not be read")
        })?;
    Ok(ParsedUrl {
        profile,
        has_password: password.is_some_and(|p| !p.is_empty()),
    })
}

/// Save a connection (new or edited) and its password.
#[tauri::command]
#[specta::specta]
pub async fn save_connection(
    state: State<'_, AppState>,
    profile: ConnectionProfile,
    password: PasswordInput,
) -> Result<ConnectionRow, IpcError> {
    let id = profile.id.clone();
    let row = manager(&state)?.save(profile, password).await?;
    // Its next use builds a pool from what was saved.
    state.pools.remove(&id);
    Ok(row)
}

#[tauri::command]
#[specta::specta]
pub async fn duplicate_connection(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectionRow, IpcError> {
    Ok(manager(&state)?.duplicate(&id).await?)
}

/// Delete a connection and its keychain password.
#[tauri::command]
#[specta::specta]
pub async fn delete_connection(state: State<'_, AppState>, id: String) -> Result<(), IpcError> {
    manager(&state)?.delete(&id).await?;
    state.pools.remove(&id);
    Ok(())
}

/// The password of an "ask each time" connection, kept in memory until the app quits.
#[tauri::command]
#[specta::specta]
pub fn provide_session_password(
    state: State<'_, AppState>,
    id: String,
    password: Secret,
) -> Result<(), IpcError> {
    Ok(manager(&state)?.provide_session_password(&id, password)?)
}

/// Unlock a read-only connection for this session.
#[tauri::command]
#[specta::specta]
pub fn unlock_connection(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectionRow, IpcError> {
    Ok(manager(&state)?.unlock(&id)?)
}

#[tauri::command]
#[specta::specta]
pub fn lock_connection(state: State<'_, AppState>, id: String) -> Result<ConnectionRow, IpcError> {
    Ok(manager(&state)?.lock(&id)?)
}

/// Write every connection, without passwords, to `path`; how many.
#[tauri::command]
#[specta::specta]
pub fn export_connections(state: State<'_, AppState>, path: PathBuf) -> Result<u32, IpcError> {
    Ok(manager(&state)?.export(&path)?)
}

#[tauri::command]
#[specta::specta]
pub fn import_connections(
    state: State<'_, AppState>,
    path: PathBuf,
) -> Result<ImportReport, IpcError> {
    Ok(manager(&state)?.import(&path)?)
}

/// Attach a project folder to a group of connections (`None` detaches it).
#[tauri::command]
#[specta::specta]
pub fn set_group_project(
    state: State<'_, AppState>,
    group: String,
    project_dir: Option<PathBuf>,
) -> Result<(), IpcError> {
    Ok(manager(&state)?.set_group_project(&group, project_dir)?)
}

/// How long each part of a connection test may take.
const TEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A test's step-by-step account, and the saved connection's row with its result.
#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    pub diagnosis: Diagnosis,
    /// The tested connection's row (absent for a draft that is not saved).
    pub row: Option<ConnectionRow>,
}

/// Test a saved connection step by step (resolve, TCP, TLS, authenticate, version,
/// latency) and read which migration its database is at.
#[tauri::command]
#[specta::specta]
pub async fn test_connection(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectionTest, IpcError> {
    let manager = manager(&state)?;
    let (profile, url) = manager.resolve(&id).await?;
    let pool = state.pools.get(&id, &profile, &url)?;
    let (diagnosis, history) = crate::engine_task::run(move || async move {
        let diagnosis = strata_core::driver::diagnose::diagnose(url.expose(), TEST_TIMEOUT).await;
        // The migration version through the connection's pool (bounded by its timeout).
        let history = match diagnosis.ok {
            true => strata_core::engine::snapshot_pooled(&pool).await.ok(),
            false => None,
        };
        (diagnosis, history)
    })
    .await?;
    let row = manager.record_test(&id, LastTest::from_diagnosis(&diagnosis, history.as_ref()))?;
    Ok(ConnectionTest {
        diagnosis,
        row: Some(row),
    })
}

/// Test the form's values before they are saved (the form's password, else the saved one).
#[tauri::command]
#[specta::specta]
pub async fn test_connection_draft(
    state: State<'_, AppState>,
    profile: ConnectionProfile,
    password: PasswordInput,
) -> Result<ConnectionTest, IpcError> {
    let (_, url) = manager(&state)?.resolve_draft(profile, password).await?;
    let diagnosis = crate::engine_task::run(move || async move {
        strata_core::driver::diagnose::diagnose(url.expose(), TEST_TIMEOUT).await
    })
    .await?;
    Ok(ConnectionTest {
        diagnosis,
        row: None,
    })
}
