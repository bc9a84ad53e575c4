//! The Strata desktop shell: Tauri commands that resolve state, call one strata-core or
//! strata-project function, and map its error to the typed IPC error. No SQL lives here.

pub mod commands;
pub mod detail;
mod engine_task;
mod error;
pub mod history;
mod pools;
pub mod runs;
pub mod schema;
pub mod seeds;
mod state;
pub mod targets;
pub mod timeline;

pub use error::{IpcError, IpcErrorCode};
pub use state::AppState;

use tauri::Manager as _;

/// The one list of commands and types the app serves; the app mounts it and the bindings
/// test exports it to `ui/src/ipc/bindings.ts`.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        // IPC types have one shape in both directions; one TypeScript type each.
        .disable_serde_phases()
        .commands(tauri_specta::collect_commands![
            commands::app_info,
            commands::current_project,
            commands::connections::list_connections,
            commands::connections::set_aside_connections_file,
            commands::connections::new_connection,
            commands::connections::parse_connection_url,
            commands::connections::save_connection,
            commands::connections::duplicate_connection,
            commands::connections::delete_connection,
            commands::connections::provide_session_password,
            commands::connections::unlock_connection,
            commands::connections::lock_connection,
            commands::connections::export_connections,
            commands::connections::import_connections,
            commands::connections::set_group_project,
            commands::connections::test_connection,
            commands::connections::test_connection_draft,
            commands::timeline::list_projects,
            commands::timeline::timeline,
            commands::timeline::migration_detail,
            commands::timeline::plan_run,
            commands::timeline::run_migrations,
            commands::timeline::cancel_run,
            commands::timeline::baseline_migrations,
            commands::timeline::repair_migration,
            commands::timeline::resolve_migration,
            commands::timeline::history_log,
            commands::timeline::export_history,
            commands::timeline::new_migration,
            commands::schema::schema_of,
            commands::schema::migration_effect,
            commands::schema::compare_targets,
            commands::schema::write_generated_migration,
            commands::schema::schema_drift,
            commands::schema::test_rollback,
            commands::schema::compare_version,
            commands::seeds::seed_catalog,
            commands::seeds::seed_targets,
            commands::seeds::seed_profiles,
            commands::seeds::save_seed_profile,
            commands::seeds::delete_seed_profile,
            commands::seeds::seed_secrets,
            commands::seeds::store_seed_secret,
            commands::seeds::seed_preview,
            commands::seeds::seed_run,
            commands::seeds::cancel_seed_run,
        ])
}

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/ipc/bindings.ts";

/// The TypeScript exporter settings used for `bindings.ts`.
pub fn typescript() -> specta_typescript::Typescript {
    // 64-bit integers are refused by default (BigIntForbidden): IPC types use 32-bit numbers.
    specta_typescript::Typescript::default().header("// @ts-nocheck\n")
}

/// Start the app. Logs go to stderr, filtered by `STRATA_LOG` (e.g. `STRATA_LOG=debug`).
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STRATA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let state = AppState::resolve(app.handle())?;
            tracing::info!(project = %state.project_root.display(), data = %state.data_dir.display(), "opening project");
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the Strata window could not start");
}
