//! `ui/src/ipc/bindings.ts` is generated from `specta_builder()`. This test regenerates it and
//! fails when the committed file was stale, so CI catches a command changed without its types.

use std::path::Path;

#[test]
fn typescript_bindings_are_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(strata_desktop::BINDINGS_PATH);
    let dir = path.parent().expect("bindings live in a folder");
    std::fs::create_dir_all(dir).unwrap();
    let fresh_file = tempfile::NamedTempFile::new_in(dir).unwrap();
    strata_desktop::specta_builder()
        .export(strata_desktop::typescript(), fresh_file.path())
        .expect("exporting the TypeScript bindings");
    let fresh = std::fs::read_to_string(fresh_file.path()).unwrap();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if fresh != committed {
        // Replace atomically so the UI build never sees a half-written file.
        fresh_file.persist(&path).unwrap();
        panic!(
            "{} was stale and has been regenerated from specta_builder(). Review it, commit it, and run the tests again.",
            path.display()
        );
    }
}
