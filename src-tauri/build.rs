//! Builds the Tauri context from `tauri.conf.json` (a symlink to the repository root's file) and
//! declares the app's own commands so capabilities can allow them one by one.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["app_info", "current_project"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script failed");
}
