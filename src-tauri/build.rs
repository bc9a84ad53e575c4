//! Builds the Tauri context from `tauri.conf.json` (a symlink to the repository root's file) and
//! declares the app's own commands so capabilities can allow them one by one.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "current_project",
        "list_connections",
        "set_aside_connections_file",
        "new_connection",
        "parse_connection_url",
        "save_connection",
        "duplicate_connection",
        "delete_connection",
        "provide_session_password",
        "unlock_connection",
        "lock_connection",
        "export_connections",
        "import_connections",
        "set_group_project",
        "test_connection",
        "test_connection_draft",
        "list_projects",
        "timeline",
        "migration_detail",
        "plan_run",
        "run_migrations",
        "cancel_run",
        "baseline_migrations",
        "repair_migration",
        "resolve_migration",
        "history_log",
        "export_history",
        "new_migration",
        "schema_of",
        "migration_effect",
        "compare_targets",
        "write_generated_migration",
        "schema_drift",
        "test_rollback",
        "compare_version",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script failed");
}
