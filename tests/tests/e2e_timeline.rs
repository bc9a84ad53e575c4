//! End to end: the timeline of the real app (issue 5's proof). A user applies a project to the
//! embedded SQLite database and to a PostgreSQL connection, rolls back, edits an applied file,
//! repairs it and reads the history; a failing migration shows its statement and leaves the
//! database and history as they were; a run can be watched and cancelled; a protected
//! connection refuses without the typed name, also when its commands are called directly; and
//! 5,000 migrations open in under a second and scroll smoothly. After each step in the UI the
//! test asks the engine what the database really holds.
//!
//! The projects are copies of the demo project (settings, seeds) whose migrations also run on
//! PostgreSQL (`PORTABLE`): the demo's own SQL is SQLite's dialect. A defect that does not stop
//! the flow (a layout, a misleading progress line) is collected and fails the test at its end,
//! so one run proves everything else too.
//!
//! Run with `cargo test -p strata-system-tests --features e2e --test e2e_timeline -- --nocapture`
//! after building the app with its UI embedded. Screenshots land in `target/e2e/timeline/`.

use std::time::{Duration, Instant};

use serde_json::json;
use strata_core::plan::MigrationState;
use strata_core::DatabaseKind;
use strata_project::{EnvironmentTier, Protection};
use strata_system_tests::servers::ScratchDatabase;
use strata_system_tests::timeline_fixtures::ui::{self, App, Ui, EMBEDDED};
use strata_system_tests::timeline_fixtures::*;

const OPEN: Protection = Protection {
    read_only: false,
    confirm_by_name: false,
};

fn versions() -> Vec<String> {
    PORTABLE.iter().map(|m| m.0.to_owned()).collect()
}

/// Every migration of `set` in `url` is in `state` according to the engine.
fn assert_engine_all(url: &str, set: &strata_core::MigrationSet, state: MigrationState) {
    let states = engine_states(url, set);
    assert_eq!(states.len(), set.migrations.len(), "{url}: {states:?}");
    for (version, s) in &states {
        assert_eq!(
            *s, state,
            "the engine says {version} is {s:?} in {url}: {states:?}"
        );
    }
}

#[test]
fn apply_roll_back_modify_repair_on_sqlite_and_postgres() {
    let _serial = ui::serial();
    let started = Instant::now();
    let ws = Workspace::portable();
    let db = block_on(ScratchDatabase::create(DatabaseKind::Postgres));
    let pg = ws.save_postgres(&db, "Orders PostgreSQL", EnvironmentTier::Development, OPEN);
    let set = ws.migrations();
    let all = versions();
    let app = App::launch(&ws, "apply");
    app.check(|ui: &Ui| {
        // What the app gets wrong without stopping the flow; reported together at the end.
        let mut defects: Vec<String> = Vec::new();
        // Two columns: the embedded database and the connection.
        assert_eq!(ui.target_ids(), vec![EMBEDDED.to_owned(), pg.clone()]);
        for v in &all {
            ui.wait_cell(v, EMBEDDED, "pending");
            ui.wait_cell(v, &pg, "pending");
        }

        // Apply everything, on each target in turn, from the newest row's action.
        let newest = all.last().unwrap();
        for target in [EMBEDDED, pg.as_str()] {
            ui.row_action(newest, target, "apply");
            ui.wait_plan(&all);
            ui.start_run();
            let summary = ui.wait_finished();
            let applied = format!("Applied {} migrations", all.len());
            assert!(summary.contains(&applied), "summary: {summary}");
            ui.close_run();
            for v in &all {
                ui.wait_applied_with_duration(v, target);
            }
        }
        ui.shot("timeline.png");
        assert_engine_all(&ws.embedded_url(), &set, MigrationState::Applied);
        assert_engine_all(&db.url, &set, MigrationState::Applied);

        // Roll the embedded database back to a middle version: the newer rows turn pending.
        let middle = &all[2];
        ui.row_action(middle, EMBEDDED, "rollback");
        ui.wait_plan(&all[3..]);
        ui.start_run();
        let summary = ui.wait_finished();
        let rolled = format!("rolled back {} migrations", all.len() - 3);
        assert!(summary.contains(&rolled), "summary: {summary}");
        ui.close_run();
        for (i, v) in all.iter().enumerate() {
            let expected = if i <= 2 { "applied" } else { "pending" };
            ui.wait_cell(v, EMBEDDED, expected);
            ui.wait_cell(v, &pg, "applied");
        }
        let states = engine_states(&ws.embedded_url(), &set);
        for (i, (v, s)) in states.iter().enumerate() {
            let expected = if i <= 2 {
                MigrationState::Applied
            } else {
                MigrationState::Pending
            };
            assert_eq!(*s, expected, "the engine says {v} is {s:?}: {states:?}");
        }
        assert_engine_all(&db.url, &set, MigrationState::Applied);

        // Edit an applied file: both targets flag it modified, the Changes tab shows the diff.
        let (version, name) = (PORTABLE[1].0, PORTABLE[1].1);
        let edit = "-- reviewed after release: the names stay unique\n";
        ws.append_to_up(version, name, edit);
        let set = ws.migrations();
        ui.refresh(version);
        for target in [EMBEDDED, pg.as_str()] {
            let text = ui.wait_cell(version, target, "modified");
            assert!(
                text.to_lowercase().contains("modified"),
                "cell text: {text}"
            );
        }
        assert_eq!(
            engine_state(&ws.embedded_url(), &set, version),
            Some(MigrationState::Modified)
        );
        assert_eq!(
            engine_state(&db.url, &set, version),
            Some(MigrationState::Modified)
        );
        ui.open_detail(version);
        ui.click("[data-testid=detail-tab-changes]");
        let diff = ui.wait_text(&format!("[data-testid=\"detail-diff-{EMBEDDED}\"]"), |t| {
            t.contains("reviewed after release")
        });
        // Side by side: the stored SQL without the edit, the file with it.
        assert!(
            diff.contains("As applied in") && diff.contains("File now"),
            "diff: {diff}"
        );
        assert_eq!(
            diff.matches("reviewed after release").count(),
            1,
            "diff: {diff}"
        );
        if let Err(e) = ui.diff_side_by_side(&format!("[data-testid=\"detail-diff-{EMBEDDED}\"]")) {
            defects.push(format!("the Changes tab's diff is not side by side: {e}"));
        }
        ui.shot("detail-changes.png");
        ui.close_detail();

        // Repair it on the embedded database with a reason.
        let reason = "comment-only edit reviewed by Maya";
        ui.row_action(version, EMBEDDED, "repair");
        let repaired = ui.repair_with(reason);
        assert!(repaired.contains(version), "repair result: {repaired}");
        ui.wait_cell(version, EMBEDDED, "applied");
        ui.wait_cell(version, &pg, "modified");
        assert_eq!(
            engine_state(&ws.embedded_url(), &set, version),
            Some(MigrationState::Applied)
        );
        let events = engine_events(&ws.embedded_url(), 1);
        let detail = events[0].detail.clone().unwrap_or_default();
        assert!(detail.contains(reason), "newest event: {:?}", events[0]);

        // The History screen lists the repair; selecting it shows the reason.
        ui.nav("history");
        let event = ui.open_history_event("repair", version);
        assert!(event.contains(reason), "the selected repair event: {event}");
        ui.shot("history.png");
        assert!(
            defects.is_empty(),
            "the flow passed, but: {}",
            defects.join("; ")
        );
    });
    eprintln!(
        "apply/roll back/modify/repair took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(db);
}

/// A migration that keeps PostgreSQL busy for 3 s: time to watch a run in progress.
const SLOW: (&str, &str, &str) = (
    "20240501090000",
    "backfill_order_totals",
    "-- strata:description Backfill order totals (slow)\nCREATE TABLE order_totals (order_id INTEGER PRIMARY KEY, total_cents INTEGER);\nSELECT pg_sleep(3);\n",
);
/// A migration that would keep PostgreSQL busy for 30 s: to be cancelled.
const STUCK: (&str, &str, &str) = (
    "20240502090000",
    "rebuild_search_index",
    "SELECT pg_sleep(30);\n",
);
/// A good CREATE TABLE on line 1, then a failing INSERT on line 3.
const FAILING: (&str, &str, &str) = (
    "20240503090000",
    "record_refunds",
    "CREATE TABLE refunds (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL);\n\nINSERT INTO refund_reasons (id, label) VALUES (1, 'damaged');\n",
);

#[test]
fn a_failing_migration_shows_the_statement_and_leaves_history_correct() {
    let _serial = ui::serial();
    let started = Instant::now();
    let ws = Workspace::portable();
    ws.write_migration(SLOW.0, SLOW.1, SLOW.2, Some("DROP TABLE order_totals;\n"));
    let db = block_on(ScratchDatabase::create(DatabaseKind::Postgres));
    let pg = ws.save_postgres(&db, "Orders PostgreSQL", EnvironmentTier::Development, OPEN);
    let app = App::launch(&ws, "failure");
    app.check(|ui: &Ui| {
        // What the app gets wrong without stopping the flow; reported together at the end.
        let mut defects: Vec<String> = Vec::new();
        // A run in progress: the slow migration's step runs, its statement is shown.
        ui.wait_cell(SLOW.0, &pg, "pending");
        ui.row_action(SLOW.0, &pg, "apply");
        let mut planned = versions();
        planned.push(SLOW.0.to_owned());
        ui.wait_plan(&planned);
        ui.start_run();
        ui.wait_step(SLOW.0, "running");
        // For most of the step the server runs its second statement: the view says so. Watched
        // from the start (a screenshot first can outlast the 3 s on a loaded machine), and
        // photographed once shown.
        match ui.watch_running_step(SLOW.0, |t| t.contains("pg_sleep(3)")) {
            Ok(_) => ui.shot("run-progress.png"),
            Err(seen) => defects.push(format!(
                "while PostgreSQL ran `SELECT pg_sleep(3)` (statement 2 of {}) for 3 s, the run view never showed it; it showed:\n{seen}",
                SLOW.0
            )),
        }
        ui.wait_finished();
        ui.close_run();
        ui.wait_cell(SLOW.0, &pg, "applied");
        assert_engine_all(&db.url, &ws.migrations(), MigrationState::Applied);

        // Cancel a 30 s statement: the run ends cancelled within 5 s, nothing of it kept.
        ws.write_migration(STUCK.0, STUCK.1, STUCK.2, None);
        ui.refresh(STUCK.0);
        ui.wait_cell(STUCK.0, &pg, "pending");
        ui.row_action(STUCK.0, &pg, "apply");
        ui.wait_plan(&[STUCK.0.to_owned()]);
        ui.start_run();
        ui.wait_step(STUCK.0, "running");
        ui.wait_text("[data-testid=run-view]", |t| t.contains("pg_sleep(30)"));
        std::thread::sleep(Duration::from_millis(500)); // the statement is at the server
        let cancel_at = Instant::now();
        ui.click("[data-testid=run-cancel]");
        let ended = ui.wait_cancelled(STUCK.0);
        let cancel_ms = cancel_at.elapsed().as_millis();
        eprintln!("cancel of pg_sleep(30) ended the run after {cancel_ms} ms");
        assert!(cancel_ms < 5_000, "the cancel took {cancel_ms} ms: {ended}");
        ui.close_run();
        assert_eq!(
            engine_state(&db.url, &ws.migrations(), STUCK.0),
            Some(MigrationState::Pending)
        );
        ws.remove_migration(STUCK.0, STUCK.1);

        // A failing statement: the account names it, its line and the server's message.
        ws.write_migration(
            FAILING.0,
            FAILING.1,
            FAILING.2,
            Some("DROP TABLE refunds;\n"),
        );
        ui.refresh(FAILING.0);
        ui.row_action(FAILING.0, &pg, "apply");
        ui.wait_plan(&[FAILING.0.to_owned()]);
        ui.start_run();
        let account = ui.wait_text("[data-testid=run-failure]", |t| !t.trim().is_empty());
        let statement = ui.text("[data-testid=run-failure-statement]");
        assert!(
            statement.contains("INSERT INTO refund_reasons"),
            "failing statement: {statement}"
        );
        assert!(
            !statement.contains("CREATE TABLE"),
            "statement: {statement}"
        );
        let message = ui.text("[data-testid=run-failure-message]");
        assert!(
            message.contains("relation \"refund_reasons\" does not exist"),
            "server message: {message}"
        );
        let lower = account.to_lowercase();
        assert!(lower.contains("rolled back"), "failure account: {account}");
        assert!(
            account.contains(":3") || lower.contains("line 3"),
            "the account names line 3: {account}"
        );
        ui.shot("run-failure.png");
        ui.close_run();
        ui.wait_cell(FAILING.0, &pg, "pending");

        // The database and its history: pending, no table, a failed apply event.
        let set = ws.migrations();
        assert_eq!(
            engine_state(&db.url, &set, FAILING.0),
            Some(MigrationState::Pending)
        );
        assert!(
            !table_exists(&db.url, "refunds"),
            "the failed migration's table was kept"
        );
        let newest = &engine_events(&db.url, 1)[0];
        assert_eq!(newest.version.as_deref(), Some(FAILING.0), "{newest:?}");
        assert_eq!(
            newest.kind,
            strata_core::history::EventKind::Apply,
            "{newest:?}"
        );
        assert_eq!(
            newest.outcome,
            strata_core::history::Outcome::Failed,
            "{newest:?}"
        );
        assert!(defects.is_empty(), "the flow passed, but: {}", defects.join("; "));
    });
    eprintln!(
        "failure/progress/cancel took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(db);
}

#[test]
fn a_protected_connection_refuses_without_the_typed_name() {
    let _serial = ui::serial();
    let started = Instant::now();
    let ws = Workspace::portable();
    let db = block_on(ScratchDatabase::create(DatabaseKind::Postgres));
    let guard = Protection {
        read_only: false,
        confirm_by_name: true,
    };
    let pg = ws.save_postgres(&db, "Orders production", EnvironmentTier::Production, guard);
    let all = versions();
    let newest = all.last().unwrap().clone();
    let app = App::launch(&ws, "protected");
    app.check(|ui: &Ui| {
        let header = ui.wait_text(&format!("[data-testid=\"target-{pg}\"]"), |t| {
            t.to_lowercase().contains("production")
        });
        assert!(
            header.to_lowercase().contains("confirm"),
            "header: {header}"
        );

        // Run stays disabled until the exact database name is typed.
        ui.row_action(&newest, &pg, "apply");
        ui.wait_plan(&all);
        let near_misses = [
            String::new(),
            db.name.to_uppercase(),
            db.name[..db.name.len() - 1].to_owned(),
            format!("{} ", db.name),
        ];
        for typed in &near_misses {
            ui.set_value("[data-testid=run-confirm-input]", typed);
            std::thread::sleep(Duration::from_millis(300));
            assert!(
                !ui.enabled("[data-testid=run-start]"),
                "Run enabled with {typed:?}"
            );
        }
        ui.shot("run-confirm.png");
        ui.set_value("[data-testid=run-confirm-input]", &db.name);
        ui.wait_enabled("[data-testid=run-start]");
        ui.close_run();

        // The commands themselves refuse without the confirmation, whatever the UI does.
        let project = ws.project.display().to_string();
        let baseline = ui.invoke(
            "baseline_migrations",
            json!({"project": project, "target": pg, "version": newest, "confirmation": null}),
        );
        assert_eq!(baseline["err"]["code"], "protected", "baseline: {baseline}");
        eprintln!(
            "baseline_migrations without confirmation: {}",
            baseline["err"]["message"]
        );
        let request = json!({"project": project, "target": pg, "action": {"kind": "latest"},
            "allowOutOfOrder": false, "singleTransaction": false, "confirmation": null});
        let run = ui.invoke_run(request.clone(), "e2e-unconfirmed");
        assert_eq!(run["err"]["code"], "protected", "run: {run}");
        eprintln!(
            "run_migrations without confirmation: {}",
            run["err"]["message"]
        );
        let mut wrong = request;
        wrong["confirmation"] = json!(db.name.to_uppercase());
        let run = ui.invoke_run(wrong, "e2e-wrong-name");
        assert_eq!(
            run["err"]["code"], "protected",
            "run with a wrong name: {run}"
        );
        assert_eq!(
            history_rows(&db.url),
            0,
            "the refused commands wrote history"
        );
        assert!(
            !table_exists(&db.url, "users"),
            "a refused run created a table"
        );

        // With the name typed, the same run goes through.
        ui.row_action(&newest, &pg, "apply");
        ui.wait_plan(&all);
        ui.set_value("[data-testid=run-confirm-input]", &db.name);
        ui.wait_enabled("[data-testid=run-start]");
        ui.start_run();
        ui.wait_finished();
        ui.close_run();
        assert_engine_all(&db.url, &ws.migrations(), MigrationState::Applied);
    });
    eprintln!(
        "protected connection took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(db);
}

#[test]
fn five_thousand_migrations_open_and_scroll_virtualised() {
    let _serial = ui::serial();
    let started = Instant::now();
    const COUNT: usize = 5_000;
    let ws = Workspace::generated(COUNT);
    let all = generated_versions(COUNT);
    let (first, last) = (all[0].clone(), all[COUNT - 1].clone());
    eprintln!(
        "generated {COUNT} migrations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // This VM has no GPU: in WebKitGTK's default (accelerated compositing) mode under Xvfb
    // every frame goes through software GL, and even a plain scrolling div with no app code
    // manages about 5 fps. Without compositing the same plain div scrolls at 60 fps, so the
    // frame rate measured below is the app's own cost. The control is measured and printed
    // in the same run (`control_fps`) so the number can be judged.
    let no_compositing = std::path::Path::new("1");
    let app = App::launch_with(
        &ws,
        "perf",
        &[("WEBKIT_DISABLE_COMPOSITING_MODE", no_compositing)],
    );
    app.check(|ui: &Ui| {
        let load = ui.time_first_row(&first);
        let reload = ui.time_reload(&first);
        let idle_fps = ui.idle_fps(1_000.0);
        let rendered = ui.rendered_rows();
        let count = ui.text("[data-testid=timeline-count]");
        let scroll = ui.scroll_through(&first, &last, 3_000.0);
        let control_fps = ui.plain_scroll_fps(scroll.height, 3_000.0);
        let backend_ms = ui.backend_read_ms(&ws.project.display().to_string());
        ui.screen_shot("timeline-5000.png");
        println!(
            "TIMELINE-PERF: first_load_ms={:.0} ({}, page ready at {:.0}) reload_ms={:.0} reload_nav_ms={:.0} backend_read_ms={backend_ms:.0} fps={:.1} control_fps={control_fps:.1} idle_fps_after_load={idle_fps:.1} frames={} scroll_ms={:.0} worst_frame_ms={:.0} rendered_rows={rendered}",
            load.ms,
            if load.live { "observed" } else { "upper bound" },
            load.dom_ready_ms,
            reload.from_click_ms,
            reload.ms,
            scroll.fps,
            scroll.frames,
            scroll.elapsed_ms,
            scroll.worst_frame_ms,
        );
        assert!(count.contains("5,000"), "the count says {count:?}");
        assert!(
            rendered > 0 && rendered < 500,
            "{rendered} of {COUNT} rows are in the DOM: the list is not virtualised"
        );
        assert!(scroll.reached_end, "the last row did not render at the bottom: {scroll:?}");
        // The targets (under a second to the rendered timeline, 30 fps or more) are a
        // benchmark's: they hold for the release build on a quiet machine (`make
        // perf-timeline` sets STRATA_PERF_ASSERT). `make test` runs the debug build beside
        // other work, where the numbers above are printed, not judged.
        if std::env::var_os("STRATA_PERF_ASSERT").is_some() {
            assert!(load.ms < 1_000.0, "first load took {:.0} ms", load.ms);
            assert!(
                reload.from_click_ms < 1_000.0,
                "reload took {:.0} ms",
                reload.from_click_ms
            );
            assert!(scroll.fps >= 30.0, "scrolling ran at {:.1} fps", scroll.fps);
        }
    });
    eprintln!(
        "5,000 migrations took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
