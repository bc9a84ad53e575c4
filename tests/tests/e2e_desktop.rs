//! End to end: the real Strata desktop app (built with its UI embedded), driven through
//! tauri-driver and WebKitWebDriver under Xvfb. Screenshots land in `target/e2e/`.
//!
//! Run with `make e2e` (it builds the app first). The app binary is `$STRATA_E2E_APP`, else
//! `target/debug/strata-desktop`.

use std::time::Duration;

use strata_system_tests::desktop::{app_binary, Desktop};
use strata_system_tests::webdriver::{Session, CONTROL, ENTER};
use strata_system_tests::{repo_root, target_dir};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn app_opens_on_the_demo_project_with_palette_and_themes() {
    let app = app_binary();
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("strata-data");
    let root = repo_root();
    let shots = target_dir().join("e2e");
    let desktop = Desktop::start(
        work.path(),
        &shots,
        &[("STRATA_DATA_DIR", &data_dir), ("STRATA_PROJECT", &root)],
    )
    .expect("starting Xvfb, D-Bus and tauri-driver");
    let logs = format!("the app's output is in {}", shots.join("app.log").display());
    let session = Session::start(&desktop.driver_url, &app.display().to_string())
        .unwrap_or_else(|e| panic!("starting the app: {e}; {logs}"));

    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The window shows the demo project and every migration the engine reads from disk.
        let on_disk = strata_core::source::read_dir(&root.join("migrations"), None)
            .unwrap()
            .migrations
            .len();
        assert!(on_disk >= 12, "the demo project has {on_disk} migrations");
        let count = session
            .wait_text("[data-testid=timeline-count]", WAIT, |t| t.contains("migrations"))
            .expect("the timeline shows a migration count (is the UI embedded? build with `make e2e-app`)");
        assert_eq!(count.trim(), format!("{on_disk} migrations"));
        let project = session
            .script(
                "const p = document.querySelector('[data-testid=project-picker]');
                 return p ? p.options[p.selectedIndex].text : '';",
            )
            .unwrap();
        assert!(
            project
                .as_str()
                .unwrap_or_default()
                .contains("Strata demo shop"),
            "project picker: {project}"
        );
        assert_eq!(session.title().unwrap(), "Strata");
        let strip = session
            .wait_text("[data-testid=env-strip]", WAIT, |t| t.contains("SQLite"))
            .unwrap();
        assert!(
            strip.to_lowercase().contains("development"),
            "environment strip: {strip}"
        );

        // First run created the embedded database in the data folder.
        let db = strata_project::paths::demo_database(&data_dir);
        assert!(db.is_file(), "{} was not created", db.display());
        std::fs::write(shots.join("timeline.png"), session.screenshot().unwrap()).unwrap();

        // Apply the whole demo project to the embedded database from the timeline: every row
        // turns applied, and the engine reading the database agrees.
        session
            .click(
                &session
                    .wait_find("[data-testid=apply-all-embedded]", WAIT)
                    .unwrap(),
            )
            .unwrap();
        let start = session.wait_find("[data-testid=run-start]", WAIT).unwrap();
        session
            .wait_script(
                "Run enabled",
                "return !document.querySelector('[data-testid=run-start]').disabled;",
                serde_json::json!([]),
                WAIT,
            )
            .unwrap();
        session.click(&start).unwrap();
        let summary = session
            .wait_text("[data-testid=run-summary]", WAIT, |t| !t.is_empty())
            .unwrap_or_else(|e| panic!("{e}; page: {}", session.page_text().unwrap_or_default()));
        assert!(summary.contains(&on_disk.to_string()), "summary: {summary}");
        session
            .click(&session.find("[data-testid=run-close]").unwrap())
            .unwrap();
        let applied = session
            .wait_script(
                "every cell applied",
                "const cells = [...document.querySelectorAll('[data-testid^=cell-][data-testid$=-embedded]')];
                 return cells.length > 0 && cells.every(c => c.dataset.state === 'applied') ? cells.length : null;",
                serde_json::json!([]),
                WAIT,
            )
            .unwrap();
        assert!(applied.as_u64().unwrap_or(0) > 0, "{applied}");
        let url = format!("sqlite:{}", db.display());
        let status = tokio::runtime::Runtime::new().unwrap().block_on(async {
            let set = strata_core::source::read_dir(&root.join("migrations"), None).unwrap();
            strata_core::engine::status(&url, &set, Duration::from_secs(10))
                .await
                .unwrap()
        });
        assert_eq!(
            status.count(strata_core::plan::MigrationState::Applied),
            on_disk,
            "the engine's status of {}",
            db.display()
        );
        std::fs::write(
            shots.join("timeline-applied.png"),
            session.screenshot().unwrap(),
        )
        .unwrap();

        // Ctrl+K opens the command palette; typing filters; Enter runs the command.
        session.chord(&[CONTROL, "k"]).unwrap();
        session
            .wait_text("[data-testid=command-palette]", WAIT, |t| {
                t.contains("Timeline")
            })
            .expect("palette opens on Ctrl+K");
        let input = session.find("[data-testid=command-palette-input]").unwrap();
        let before = session
            .script("return document.documentElement.dataset.theme")
            .unwrap();
        let target = if before == "dark" { "light" } else { "dark" };
        session
            .type_into(&input, &format!("use {target} theme"))
            .unwrap();
        session.chord(&[ENTER]).unwrap();
        let mut theme = before.clone();
        for _ in 0..50 {
            theme = session
                .script("return document.documentElement.dataset.theme")
                .unwrap();
            if theme == target {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            theme, target,
            "the palette switched the theme from {before}"
        );
        assert!(
            session.find("[data-testid=command-palette]").is_err(),
            "the palette closes after running a command"
        );
        std::fs::write(
            shots.join(format!("timeline-{target}.png")),
            session.screenshot().unwrap(),
        )
        .unwrap();

        // Capabilities deny by default: a plugin command the UI does not use (the dialog
        // plugin's message box; only open and save are allowed) is refused.
        let denied = session
            .script_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('plugin:dialog|message', { message: 'x' })
                   .then(() => done('allowed'), (e) => done('denied: ' + String(e)));",
            )
            .unwrap();
        let denied = denied.as_str().unwrap_or_default().to_owned();
        assert!(
            denied.starts_with("denied:") && denied.contains("not allowed"),
            "dialog message: {denied}"
        );

        // The navigation reaches the Connections screen, which shows the real embedded database.
        session
            .click(&session.find("[data-testid=nav-connections]").unwrap())
            .unwrap();
        let card = session
            .wait_text("[data-testid=screen-connections]", WAIT, |t| {
                t.contains("demo.sqlite3")
            })
            .unwrap();
        assert!(card.contains("SQLite 3."), "connections screen: {card}");
        std::fs::write(shots.join("connections.png"), session.screenshot().unwrap()).unwrap();
        // The X display repaints a moment after the DOM changes.
        std::thread::sleep(Duration::from_millis(500));
        desktop.screen_png(&shots.join("screen.png")).unwrap();
    }));
    if result.is_err() {
        if let Ok(png) = session.screenshot() {
            let _ = std::fs::write(shots.join("failure.png"), png);
        }
    }
    session.close();
    if let Err(panic) = result {
        eprintln!("{logs}");
        std::panic::resume_unwind(panic);
    }
}
