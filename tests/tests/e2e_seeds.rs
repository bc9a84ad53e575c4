//! End to end: the Seeds screen in the real app (issue 7's proof). On a copy of the demo
//! project whose embedded SQLite database has the migrations applied, the form is filled from
//! the "demo-small" profile with one count changed, Preview shows the first rows and a dry run
//! that leaves the database empty, Run writes the rows (checked in the SQLite file) and shows
//! the counts, and a second run shows every dataset "unchanged".
//!
//! Run with `cargo test -p strata-system-tests --features e2e --test e2e_seeds -- --nocapture`
//! after building the app with its UI embedded. Screenshots land in `target/e2e/timeline/` and
//! are copied to `docs/screenshots/`.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use strata_core::driver::Session;
use strata_system_tests::timeline_fixtures::ui::{self, App, Ui};
use strata_system_tests::timeline_fixtures::*;

fn count(url: &str, table: &str) -> i64 {
    block_on(async {
        let mut s = Session::connect(url, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
        let n = s
            .scalar_i64(&format!("SELECT COUNT(*) FROM {table}"))
            .await
            .unwrap_or_else(|e| panic!("counting {table}: {e}"));
        s.close().await;
        n
    })
}

/// Apply the project's migrations to the embedded database before the app starts.
fn migrate(ws: &Workspace) {
    let set = ws.migrations();
    let file = strata_project::paths::demo_database(&ws.data);
    block_on(async {
        strata_core::driver::ensure_sqlite_file(&file)
            .await
            .unwrap_or_else(|e| panic!("creating {}: {e}", file.display()));
        let options = strata_core::engine::RunOptions::new(strata_core::plan::Target::Latest);
        strata_core::engine::run(&ws.embedded_url(), &set, &options, |_| {}, |_| {})
            .await
            .unwrap_or_else(|e| panic!("applying the demo migrations: {e}"));
    });
}

/// The rows of the results table `testid` as `dataset → (outcome, inserted, updated, deleted,
/// unchanged)`, read from the DOM.
fn results(ui: &Ui, testid: &str) -> Vec<(String, String, Vec<i64>)> {
    let script = "return [...document.querySelectorAll(`[data-testid=${arguments[0]}] tbody tr`)].map((r) => [
        r.querySelector('.seeds-results__name').innerText.trim(),
        r.dataset.outcome,
        ['inserted', 'updated', 'deleted', 'unchanged'].map((c) => r.querySelector(`[data-col=${c}]`).innerText.replaceAll(',', '')),
    ]);";
    let rows: Value = ui
        .session
        .script_with(script, json!([testid]))
        .unwrap_or_else(|e| panic!("reading {testid}: {e}"));
    rows.as_array()
        .unwrap_or_else(|| panic!("{testid}: {rows}"))
        .iter()
        .map(|r| {
            let counts = r[2]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().parse().unwrap())
                .collect();
            (
                r[0].as_str().unwrap().to_owned(),
                r[1].as_str().unwrap().to_owned(),
                counts,
            )
        })
        .collect()
}

fn row<'a>(
    rows: &'a [(String, String, Vec<i64>)],
    dataset: &str,
) -> &'a (String, String, Vec<i64>) {
    rows.iter()
        .find(|r| r.0 == dataset)
        .unwrap_or_else(|| panic!("no {dataset} in {rows:?}"))
}

/// The production admin's password, typed into the form's secret field.
const ADMIN_SECRET: &str = "E2e-admin-Secret-7";

/// The password hash stored for `email`.
async fn hash_of(url: &str, email: &str) -> String {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = ?")
        .bind(email)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    hash
}

const DEVELOPMENT: [&str; 10] = [
    "app_settings",
    "categories",
    "permissions",
    "products",
    "role_permissions",
    "roles",
    "sample_order_items",
    "sample_orders",
    "user_roles",
    "users",
];

#[test]
fn seeds_form_preview_run_and_rerun_unchanged() {
    let _serial = ui::serial();
    let ws = Workspace::demo_copy();
    migrate(&ws);
    let url = ws.embedded_url();
    let app = App::launch_with(
        &ws,
        "seeds",
        &[("WEBKIT_DISABLE_COMPOSITING_MODE", Path::new("1"))],
    );
    app.check(|ui: &Ui| {
        ui.nav("seeds");
        ui.wait_text("[data-testid=seeds-datasets]", |t| {
            t.contains("sample_orders")
        });
        // The saved profile fills the form; one count is changed by hand.
        ui.session
            .wait_find("[data-testid=seeds-profile] option[value=demo-small]", ui::WAIT)
            .unwrap();
        ui.set_value("[data-testid=seeds-profile]", "demo-small");
        ui.wait_text("[data-testid=seeds-datasets]", |t| t.contains("user_roles"));
        let counted = ui
            .session
            .script_with(
                "return document.querySelector('[data-testid=seeds-count-sample_orders]').value",
                json!([]),
            )
            .unwrap();
        assert_eq!(counted, json!("20"), "the profile's count");
        ui.set_value("[data-testid=seeds-count-sample_orders]", "25");
        ui.set_value("[data-testid=seeds-count-sample_order_items]", "50");
        ui.set_value("[data-testid=seeds-seed]", "7");
        ui.click("[data-testid=seeds-mode-upsert]");
        // Unticking a dataset others need keeps it ticked, and says which need it.
        ui.session
            .script_with(
                "document.querySelector('[data-testid=seeds-dataset-users]').scrollIntoView({ block: 'center' }); return true;",
                json!([]),
            )
            .unwrap();
        ui.click("[data-testid=seeds-dataset-users]");
        let list = ui.wait_text("[data-testid=seeds-datasets]", |t| t.contains("needed by"));
        assert!(
            list.contains("needed by sample_orders, sample_order_items, user_roles"),
            "{list}"
        );
        let users = ui
            .session
            .script_with(
                "const el = document.querySelector('[data-testid=seeds-dataset-users]');
                 el.scrollIntoView({ block: 'start' });
                 return [el.checked, el.disabled];",
                json!([]),
            )
            .unwrap();
        assert_eq!(users, json!([true, true]), "users stays ticked and locked");
        ui.screen_shot("seeds-form.png");

        // Preview: the first rows and a dry run against the embedded database.
        ui.click("[data-testid=seeds-preview]");
        ui.wait_text("[data-testid=seeds-dry-run]", |t| {
            t.contains("sample_orders")
        });
        let dry = results(ui, "seeds-dry-run");
        assert_eq!(dry.len(), DEVELOPMENT.len(), "{dry:?}");
        assert_eq!(row(&dry, "sample_orders").2, [25, 0, 0, 0], "{dry:?}");
        assert_eq!(row(&dry, "sample_order_items").2, [50, 0, 0, 0], "{dry:?}");
        let orders = ui.text("[data-testid=seeds-preview-sample_orders]");
        assert!(
            orders.contains("first 5 of 25 rows") && orders.contains("1001"),
            "{orders}"
        );
        let users = ui.text("[data-testid=seeds-preview-users]");
        assert!(
            users.contains("<argon2id hash>") && !users.contains("admin123"),
            "{users}"
        );
        assert_eq!(count(&url, "orders"), 0, "the dry run rolled back");
        ui.screen_shot("seeds-preview.png");

        // Run: the counts per dataset, and the rows really are in the file.
        ui.click("[data-testid=seeds-run]");
        ui.wait_text("[data-testid=seeds-results]", |t| t.contains("user_roles"));
        let done = results(ui, "seeds-results");
        let mut names: Vec<&str> = done.iter().map(|r| r.0.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, DEVELOPMENT);
        assert!(done.iter().all(|r| r.1 == "applied"), "{done:?}");
        assert_eq!(row(&done, "sample_orders").2, [25, 0, 0, 0]);
        assert_eq!(row(&done, "users").2, [4, 0, 0, 0]);
        assert_eq!(count(&url, "orders"), 25);
        assert_eq!(count(&url, "order_items"), 50);
        assert_eq!(count(&url, "users"), 4);
        assert_eq!(count(&url, "role_permissions"), 10);
        let status = ui.text("[data-testid=seeds-progress-sample_orders]");
        assert!(
            status.contains("25 / 25") && status.contains("Applied"),
            "{status}"
        );
        ui.screen_shot("seeds-results.png");

        // The same form again: nothing to do, and the screen says so in words.
        ui.click("[data-testid=seeds-run]");
        ui.poll_text_all_unchanged();
        let again = results(ui, "seeds-results");
        assert_eq!(again.len(), DEVELOPMENT.len());
        assert!(again.iter().all(|r| r.1 == "unchanged"), "{again:?}");
        let note = ui.text("[data-testid=seeds-results-unchanged-note]");
        assert!(note.contains("Every dataset is unchanged since the last run"), "{note}");
        assert_eq!(count(&url, "orders"), 25);
        ui.screen_shot("seeds-results-unchanged.png");

        // Production: its admin's password comes from the OS keychain (the harness's own
        // gnome-keyring), stored through the form, and the run needs the typed word.
        ui.set_value("[data-testid=seeds-environment]", "production");
        ui.wait_text("[data-testid=seeds-secrets]", |t| t.contains("not stored"));
        assert!(!ui.enabled("[data-testid=seeds-run]"), "Run waits for the secret");
        ui.set_value("[data-testid=seeds-secret-admin_password]", ADMIN_SECRET);
        ui.click("[data-testid=seeds-secrets] button");
        ui.wait_text("[data-testid=seeds-secrets]", |t| t.contains("stored in the keychain"));
        let field = ui
            .session
            .script_with(
                "return document.querySelector('[data-testid=seeds-secret-admin_password]').value",
                json!([]),
            )
            .unwrap();
        assert_eq!(field, json!(""), "the field is emptied once the keychain has it");
        ui.wait_enabled("[data-testid=seeds-run]");
        ui.click("[data-testid=seeds-run]");
        ui.session
            .wait_find("[data-testid=seeds-confirm-dialog]", ui::WAIT)
            .unwrap();
        assert!(!ui.enabled("[data-testid=seeds-confirm-run]"), "not before the word");
        ui.set_value("[data-testid=seeds-confirm-input]", "production");
        ui.screen_shot("seeds-confirm.png");
        ui.click("[data-testid=seeds-confirm-run]");
        ui.wait_text("[data-testid=seeds-results]", |t| t.contains("production_admin"));
        let prod = results(ui, "seeds-results");
        assert_eq!(row(&prod, "production_admin").1, "applied", "{prod:?}");
        let hash = block_on(async {
            let mut s = Session::connect(&url, Duration::from_secs(10)).await.unwrap();
            let rows = s
                .scalar_i64("SELECT COUNT(*) FROM users WHERE email = 'admin@example.com'")
                .await
                .unwrap();
            assert_eq!(rows, 1);
            s.close().await;
            hash_of(&url, "admin@example.com").await
        });
        assert!(
            strata_core::seed::password::verify(ADMIN_SECRET, &hash),
            "the admin's hash is the keychain secret's: {hash}"
        );

        // History lists each seeded dataset beside the migrations, with what it did.
        ui.nav("history");
        let event = ui.open_history_event("seed", "sample_orders");
        assert!(
            event.contains("sample_orders")
                && event.contains("orders: 25 inserted, 0 updated, 0 deleted, 0 unchanged"),
            "{event}"
        );
        ui.screen_shot("history-seeds.png");
    });
    for shot in [
        "seeds-form.png",
        "seeds-preview.png",
        "seeds-results.png",
        "history-seeds.png",
    ] {
        ui::keep_shot(shot);
    }
}

trait WaitUnchanged {
    fn poll_text_all_unchanged(&self);
}

impl WaitUnchanged for Ui<'_> {
    /// Wait until the results table shows every dataset unchanged (the second run's).
    fn poll_text_all_unchanged(&self) {
        let started = std::time::Instant::now();
        loop {
            let rows = results(self, "seeds-results");
            if !rows.is_empty() && rows.iter().all(|r| r.1 == "unchanged") {
                return;
            }
            assert!(
                started.elapsed() < ui::WAIT,
                "the second run did not end with every dataset unchanged: {rows:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}
