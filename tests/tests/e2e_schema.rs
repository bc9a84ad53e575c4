//! End to end: the Schema screen and the timeline's Diff tab in the real app (issue 6's
//! proof). A pending migration's Diff tab shows the tables and the index it would add (and the
//! embedded database is left untouched by the preview); once applied, the Schema screen lists
//! the project's tables with their DDL; Compare between two PostgreSQL connections whose
//! schemas differ by a column and an index shows those changes, and Generate migration writes
//! a pair that makes B like A. On the demo project: Check drift reports no drift, then the
//! column an `ALTER TABLE` made by hand on the embedded file; Test rollback of the folder
//! passes; Compare with the schema at an earlier migration shows the tables added since; the
//! timeline's Diff tab tests one migration's rollback and names the table its down forgot.
//!
//! Run with `cargo test -p strata-system-tests --features e2e --test e2e_schema -- --nocapture`
//! after building the app with its UI embedded. Screenshots land in `target/e2e/timeline/` and
//! are copied to `docs/screenshots/`.

use std::path::Path;
use std::time::Duration;

use strata_core::driver::Session;
use strata_core::DatabaseKind;
use strata_project::{EnvironmentTier, Protection};
use strata_system_tests::servers::ScratchDatabase;
use strata_system_tests::timeline_fixtures::ui::{self, App, Ui, EMBEDDED};
use strata_system_tests::timeline_fixtures::*;

const OPEN: Protection = Protection {
    read_only: false,
    confirm_by_name: false,
};

/// The migration whose Diff tab is opened: it adds the orders indexes, after the tables.
const INDEXES: &str = "20240212110000";
/// The last migration, which creates the audit_log table.
const AUDIT_LOG: &str = "20240402100000";

fn execute(url: &str, sql: &str) {
    block_on(async {
        let mut s = Session::connect(url, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
        s.execute(sql)
            .await
            .unwrap_or_else(|e| panic!("running {sql}: {e}"));
        s.close().await;
    });
}

/// The diff rows under `css` as `label what name` lines, from what each row shows.
fn diff_lines(ui: &Ui, css: &str) -> Vec<String> {
    ui.text(css);
    let script = "return [...document.querySelectorAll(arguments[0] + ' [data-testid=diff-row]')]
        .map((r) => [r.querySelector('.diff-label').innerText, r.dataset.what, r.dataset.name].join(' '));";
    let rows = ui
        .session
        .script_with(script, serde_json::json!([css]))
        .unwrap_or_else(|e| panic!("reading the diff rows: {e}"));
    rows.as_array()
        .unwrap_or_else(|| panic!("diff rows: {rows}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn diff_tab_schema_tree_and_compare_with_generate() {
    let _serial = ui::serial();
    let ws = Workspace::portable();
    let a = block_on(ScratchDatabase::create(DatabaseKind::Postgres));
    let b = block_on(ScratchDatabase::create(DatabaseKind::Postgres));
    execute(
        &a.url,
        "CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, phone text); CREATE INDEX customers_email_idx ON customers (email)",
    );
    execute(
        &b.url,
        "CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL)",
    );
    let pg_a = ws.save_postgres(&a, "Customers dev", EnvironmentTier::Development, OPEN);
    let pg_b = ws.save_postgres(&b, "Customers staging", EnvironmentTier::Staging, OPEN);
    let app = App::launch_with(
        &ws,
        "schema",
        &[("WEBKIT_DISABLE_COMPOSITING_MODE", Path::new("1"))],
    );
    app.check(|ui: &Ui| {
        // The Diff tab of a pending migration: the migrations before it run first in the
        // preview (on the embedded database, rolled back), so the tab shows its own effect:
        // the orders table changes by its two indexes; the table itself is not new here.
        ui.wait_cell(INDEXES, EMBEDDED, "pending");
        ui.open_detail(INDEXES);
        ui.click("[data-testid=detail-tab-diff]");
        ui.wait_text("[data-testid=diff-summary]", |t| t.contains("added"));
        let lines = diff_lines(ui, "[data-testid=diff-tab] [data-testid=diff-tree]");
        let joined = lines.join("\n");
        for want in [
            "changed table orders",
            "added index orders_user_id",
            "added index orders_status",
        ] {
            assert!(
                lines.iter().any(|l| l == want),
                "no \"{want}\" in the Diff tab:\n{joined}"
            );
        }
        assert!(
            !lines.iter().any(|l| l == "added table orders" || l == "added table users"),
            "the Diff tab of {INDEXES} shows the earlier migrations' tables as its own:\n{joined}"
        );
        assert!(
            ui.text("[data-testid=diff-summary]").contains("after 4 earlier pending migrations"),
            "the summary should say what ran first"
        );
        ui.text("[data-testid=sql-diff]");
        ui.screen_shot("timeline-diff-tab.png");
        assert!(
            !table_exists(&ws.embedded_url(), "orders"),
            "the preview left the orders table behind"
        );
        ui.close_detail();
        // A migration that creates a table: its Diff tab shows the table as added.
        ui.open_detail(AUDIT_LOG);
        ui.click("[data-testid=detail-tab-diff]");
        ui.wait_text("[data-testid=diff-summary]", |t| t.contains("added"));
        let lines = diff_lines(ui, "[data-testid=diff-tab] [data-testid=diff-tree]");
        assert!(
            lines.iter().any(|l| l == "added table audit_log"),
            "no \"added table audit_log\" in the Diff tab:\n{}",
            lines.join("\n")
        );
        ui.close_detail();

        // Apply the project to the embedded database, then browse its schema.
        let all: Vec<String> = PORTABLE.iter().map(|m| m.0.to_owned()).collect();
        ui.row_action(all.last().unwrap(), EMBEDDED, "apply");
        ui.wait_plan(&all);
        ui.start_run();
        ui.wait_finished();
        ui.close_run();
        ui.nav("schema");
        let tree = ui.wait_text("[data-testid=schema-tree]", |t| t.contains("orders"));
        for table in ["audit_log", "categories", "orders", "products", "users"] {
            assert!(
                tree.contains(table),
                "{table} missing from the tree:\n{tree}"
            );
        }
        assert!(
            !tree.contains("strata_"),
            "Strata's own tables are shown:\n{tree}"
        );
        ui.click("[data-testid=schema-object][data-name=orders] .sc-tree__pick");
        ui.click("[data-testid=schema-object][data-name=orders] .sc-twisty");
        ui.wait_text("[data-testid=schema-ddl]", |t| t.contains("CREATE TABLE"));
        ui.screen_shot("schema-tree.png");

        // Compare the two PostgreSQL connections: B lacks a column and an index of A.
        ui.set_value("[data-testid=schema-target]", &pg_a);
        ui.set_value("[data-testid=schema-compare-with]", &pg_b);
        let summary = ui.wait_text("[data-testid=compare-summary]", |t| t.contains("added"));
        assert!(summary.contains("2 added"), "summary: {summary}");
        let lines = diff_lines(ui, "[data-testid=schema-compare] [data-testid=diff-tree]");
        let joined = lines.join("\n");
        for want in [
            "changed table customers",
            "added column phone",
            "added index customers_email_idx",
        ] {
            assert!(
                lines.iter().any(|l| l == want),
                "no \"{want}\" in Compare:\n{joined}"
            );
        }
        ui.text("[data-testid=schema-compare] [data-testid=sql-diff]");
        ui.screen_shot("schema-compare.png");
        // The dark theme, looked at once (not kept in docs).
        ui.session
            .script_with(
                "const r = document.documentElement; r.dataset.theme = 'dark'; r.style.colorScheme = 'dark'; return true;",
                serde_json::json!([]),
            )
            .unwrap();
        ui.screen_shot("schema-compare-dark.png");
        ui.session
            .script_with(
                "const r = document.documentElement; r.dataset.theme = 'light'; r.style.colorScheme = 'light'; return true;",
                serde_json::json!([]),
            )
            .unwrap();

        ui.click("[data-testid=generate-migration]");
        ui.wait_text("[data-testid=generate-up]", |t| t.contains("phone"));
        ui.click("[data-testid=generate-write]");
        let written = ui.wait_text("[data-testid=generate-written]", |t| t.contains(".up.sql"));
        let up = std::fs::read_dir(ws.migrations_dir())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with("like_customers_dev.up.sql"))
            .unwrap_or_else(|| panic!("no generated file; the app said: {written}"));
        let sql = std::fs::read_to_string(&up).unwrap();
        assert!(
            sql.contains("phone") && sql.contains("customers_email_idx"),
            "{sql}"
        );
        // The generated SQL makes B like A.
        execute(&b.url, &sql);
        ui.nav("timeline");
        ui.wait_text("[data-testid=timeline-grid]", |t| {
            t.contains("like_customers_dev")
        });
    });
    for shot in [
        "timeline-diff-tab.png",
        "schema-tree.png",
        "schema-compare.png",
    ] {
        ui::keep_shot(shot);
    }
}

/// The demo project's migration that creates audit_log: three more come after it.
const DEMO_AUDIT_LOG: &str = "20240402100000";

#[test]
fn drift_test_rollback_and_compare_with_a_version() {
    let _serial = ui::serial();
    let ws = Workspace::demo_copy();
    let all: Vec<String> = (ws.migrations().migrations.iter())
        .map(|m| m.version.as_str().to_owned())
        .collect();
    let app = App::launch_with(
        &ws,
        "schema-checks",
        &[("WEBKIT_DISABLE_COMPOSITING_MODE", Path::new("1"))],
    );
    app.check(|ui: &Ui| {
        let last = all.last().unwrap();
        ui.wait_cell(last, EMBEDDED, "pending");
        ui.row_action(last, EMBEDDED, "apply");
        ui.wait_plan(&all);
        ui.start_run();
        ui.wait_finished();
        ui.close_run();
        ui.nav("schema");
        ui.wait_text("[data-testid=schema-tree]", |t| t.contains("orders"));

        // Drift: none after the migrations, then the hand-made column.
        ui.click("[data-testid=schema-check-drift]");
        let clean = ui.wait_text("[data-testid=drift-headline]", |t| !t.is_empty());
        assert_eq!(
            clean.trim(),
            format!(
                "No drift: the database matches its {} applied migrations",
                all.len()
            )
        );
        execute(
            &ws.embedded_url(),
            "ALTER TABLE users ADD COLUMN nickname TEXT",
        );
        ui.click("[data-testid=drift-again]");
        let drifted = ui.wait_text("[data-testid=drift-headline]", |t| t.contains("outside"));
        assert_eq!(drifted.trim(), "1 object changed outside migrations");
        let lines = diff_lines(ui, "[data-testid=schema-drift] [data-testid=diff-tree]");
        assert_eq!(
            lines,
            ["changed namespace main", "changed table users", "added column nickname"],
            "the drift tree"
        );
        ui.text("[data-testid=schema-drift] [data-testid=sql-diff]");
        ui.screen_shot("schema-drift.png");
        // The migration that records it adds the column.
        ui.click("[data-testid=generate-migration]");
        ui.wait_text("[data-testid=generate-up]", |t| t.contains("nickname"));
        ui.click("[data-testid=generate-cancel]");

        // Test rollback of the whole folder, in a scratch file: every migration round-trips.
        ui.click("[data-testid=schema-test-rollback]");
        ui.click("[data-testid=rollback-run]");
        let headline = ui
            .session
            .wait_text(
                "[data-testid=rollback-headline]",
                Duration::from_secs(180),
                |t| t.contains("round-trip"),
            )
            .unwrap_or_else(|e| panic!("the rollback test did not end: {e}"));
        let reversible = ws
            .migrations()
            .migrations
            .iter()
            .filter(|m| m.is_reversible())
            .count();
        assert!(
            headline.contains(&format!("All {reversible} migrations round-trip"))
                && headline.contains("passed"),
            "{headline}"
        );
        let outcomes = ui.session
            .script("return [...document.querySelectorAll('[data-testid=rollback-step]')].map((r) => r.dataset.outcome);")
            .unwrap();
        assert!(
            (outcomes.as_array().unwrap().iter()).all(|o| o == "round-trips"),
            "{outcomes}"
        );
        ui.screen_shot("schema-test-rollback.png");
        ui.click("[data-testid=schema-test-rollback]");

        // Compare with the schema at an earlier migration: what came after it, and the column.
        ui.set_value("[data-testid=schema-compare-with]", "@version");
        ui.set_value("[data-testid=schema-compare-version-pick]", DEMO_AUDIT_LOG);
        let summary = ui.wait_text(
            "[data-testid=schema-compare-version] [data-testid=compare-summary]",
            |t| t.contains(DEMO_AUDIT_LOG),
        );
        assert!(
            summary.contains(&format!("schema at {DEMO_AUDIT_LOG} (create_audit_log)")),
            "{summary}"
        );
        let lines = diff_lines(
            ui,
            "[data-testid=schema-compare-version] [data-testid=diff-tree]",
        );
        let joined = lines.join("\n");
        for want in [
            "added table app_settings",
            "added view order_summaries",
            "changed table products",
            "added column deleted_at",
            "added column nickname",
        ] {
            assert!(
                lines.iter().any(|l| l == want),
                "no \"{want}\" against the version:\n{joined}"
            );
        }
        assert!(
            !lines.iter().any(|l| l == "added table audit_log"),
            "audit_log is in the version:\n{joined}"
        );
        ui.text("[data-testid=schema-compare-version] [data-testid=sql-diff]");
        ui.screen_shot("schema-compare-version.png");

        // One migration's rollback from the timeline's Diff tab: a down part that forgets its
        // table is named, with the table it left behind.
        let up = std::fs::read_to_string(ws.migration_file(DEMO_AUDIT_LOG, "create_audit_log", "up"))
            .unwrap();
        ws.write_migration(DEMO_AUDIT_LOG, "create_audit_log", &up, Some("SELECT 1;\n"));
        ui.nav("timeline");
        ui.open_detail(DEMO_AUDIT_LOG);
        ui.click("[data-testid=detail-tab-diff]");
        // Once the tab's preview has answered (it is applied), the button stops moving.
        ui.text("[data-testid=diff-not-pending]");
        ui.click("[data-testid=detail-rollback-run]");
        let result = ui
            .session
            .wait_text(
                "[data-testid=detail-rollback-result]",
                Duration::from_secs(120),
                |t| t.contains("round-trip"),
            )
            .unwrap_or_else(|e| panic!("the rollback test did not end: {e}"));
        assert!(
            result.contains("1 of 1 migration did not round-trip"),
            "{result}"
        );
        let lines = diff_lines(ui, "[data-testid=detail-rollback-result] [data-testid=rollback-diff]");
        assert!(
            lines.iter().any(|l| l == "added table audit_log"),
            "the table down left behind: {lines:?}"
        );
        ui.screen_shot("timeline-detail-rollback.png");
    });
    for shot in [
        "schema-drift.png",
        "schema-test-rollback.png",
        "schema-compare-version.png",
        "timeline-detail-rollback.png",
    ] {
        ui::keep_shot(shot);
    }
}
