//! End to end: the Connections screen of the real app, with a real Secret Service and a real
//! PostgreSQL server. A user pastes a URL, saves a production connection, tests it, restarts
//! the app, unlocks and deletes it; the password lives only in the keychain and leaves it with
//! the connection.

use std::path::Path;
use std::time::Duration;

use strata_core::DatabaseKind;
use strata_system_tests::desktop::{app_binary, Desktop};
use strata_system_tests::servers::ScratchDatabase;
use strata_system_tests::webdriver::{Session, ENTER, ESCAPE};
use strata_system_tests::{repo_root, target_dir};

const WAIT: Duration = Duration::from_secs(30);
/// The keychain service of a debug build (`CredentialKey::for_connection("debug", …)`).
const DEV_SERVICE: &str = "dev.strata.Strata-dev";
const PASSWORD: &str = "e2e-Secret-7f3a";
const NAME: &str = "Orders production";

fn saved_ids(config: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(config.join("connections.json")) else {
        return Vec::new();
    };
    assert!(
        !text.contains(PASSWORD),
        "the password reached connections.json"
    );
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn open_connections(session: &Session) {
    session
        .click(
            &session
                .wait_find("[data-testid=nav-connections]", WAIT)
                .unwrap(),
        )
        .unwrap();
    session
        .wait_find("[data-testid=screen-connections]", WAIT)
        .unwrap();
}

/// A screenshot of the window once it has painted what the DOM holds (WebKitWebDriver's
/// screenshot can lag the DOM by a frame or two).
fn shot(session: &Session, path: &Path) {
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(path, session.screenshot().unwrap()).unwrap();
}

fn row(name: &str) -> String {
    format!("[data-testid=\"conn-row-{name}\"]")
}

#[test]
fn a_production_connection_from_a_pasted_url_survives_a_restart_and_leaves_with_its_password() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(ScratchDatabase::create(DatabaseKind::Postgres));
    let db_name = db.name.clone();
    let app = app_binary();
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("strata-config");
    let data = work.path().join("strata-data");
    let root = repo_root();
    let shots = target_dir().join("e2e");
    let desktop = Desktop::start(
        work.path(),
        &shots.join("connections"),
        &[
            ("STRATA_CONFIG_DIR", &config),
            ("STRATA_DATA_DIR", &data),
            ("STRATA_PROJECT", &root),
        ],
    )
    .expect("starting Xvfb, D-Bus, the keyring and tauri-driver");
    let start = || {
        Session::start(&desktop.driver_url, &app.display().to_string())
            .unwrap_or_else(|e| panic!("starting the app: {e}"))
    };

    let session = start();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open_connections(&session);
        let new = session
            .wait_find("[data-testid=conn-new-empty], [data-testid=conn-new]", WAIT)
            .unwrap();
        session.click(&new).unwrap();

        // Paste a URL with a password: the form fills in, the password is never shown.
        let pasted = format!(
            "postgres://postgres:{PASSWORD}@127.0.0.1:5432/{db_name}?sslmode=disable&application_name=strata-e2e"
        );
        let url_field = session.wait_find("[data-testid=conn-url]", WAIT).unwrap();
        session.type_into(&url_field, &pasted).unwrap();
        session.type_into(&url_field, ENTER).unwrap();
        let filled = session
            .script(
                "return ['conn-host','conn-database','conn-user','conn-password']
                   .map(id => document.querySelector(`[data-testid=${id}]`)?.value ?? null);",
            )
            .unwrap();
        let deadline = std::time::Instant::now() + WAIT;
        let mut filled = filled;
        while filled[0].as_str() != Some("127.0.0.1") && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            filled = session
                .script(
                    "return ['conn-host','conn-database','conn-user','conn-password']
                       .map(id => document.querySelector(`[data-testid=${id}]`)?.value ?? null);",
                )
                .unwrap();
        }
        assert_eq!(filled[0], "127.0.0.1", "host from the URL: {filled}");
        assert_eq!(
            filled[1],
            db_name.as_str(),
            "database from the URL: {filled}"
        );
        assert_eq!(filled[2], "postgres", "user from the URL: {filled}");
        assert_ne!(
            filled[3], PASSWORD,
            "the password field shows the URL's password"
        );
        session.set_value("[data-testid=conn-name]", NAME).unwrap();
        session
            .set_value("[data-testid=conn-tier]", "production")
            .unwrap();
        shot(&session, &shots.join("connections-sheet.png"));
        session
            .click(&session.find("[data-testid=conn-save]").unwrap())
            .unwrap();

        // The row: production with its text, read-only, plaintext warning (sslmode=disable).
        let saved = session.wait_text(&row(NAME), WAIT, |t| t.contains(NAME));
        let text = saved.unwrap_or_else(|e| {
            shot(&session, &shots.join("connections-save-failed.png"));
            panic!("{e}; page: {}", session.page_text().unwrap_or_default())
        });
        let lower = text.to_lowercase();
        assert!(lower.contains("production"), "row: {text}");
        assert!(lower.contains("read-only"), "row: {text}");
        assert!(
            lower.contains("plaintext") || lower.contains("unencrypted"),
            "row: {text}"
        );
        assert!(!session.page_text().unwrap().contains(PASSWORD));

        // The password is in the OS keychain under the connection's id, and nowhere else.
        let ids = saved_ids(&config);
        assert_eq!(ids.len(), 1, "{ids:?}");
        let id = ids[0].0.clone();
        assert_eq!(
            desktop.keychain_secret(DEV_SERVICE, &id).as_deref(),
            Some(PASSWORD),
            "the keychain holds the pasted password"
        );

        // Test it: each step is reported, the server answers.
        session
            .click(
                &session
                    .find(&format!("{} [data-testid=conn-test]", row(NAME)))
                    .unwrap(),
            )
            .unwrap();
        let diagnosis = session
            .wait_text("[data-testid=conn-diagnosis]", WAIT, |t| t.contains("15."))
            .unwrap_or_else(|e| panic!("{e}; page: {}", session.page_text().unwrap_or_default()));
        assert!(
            diagnosis.to_lowercase().contains("tcp"),
            "diagnosis: {diagnosis}"
        );
        shot(&session, &shots.join("connections-tested.png"));
        id
    }));
    session.close();
    let id = result.unwrap_or_else(|e| std::panic::resume_unwind(e));

    // After a restart the connection is still there, locked again, password still usable.
    let session = start();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open_connections(&session);
        let text = session
            .wait_text(&row(NAME), WAIT, |t| t.contains(NAME))
            .unwrap();
        assert!(
            text.to_lowercase().contains("read-only"),
            "after restart: {text}"
        );
        assert!(text.contains("Test OK"), "the last test is kept: {text}");
        shot(&session, &shots.join("connections-list.png"));

        // The restarted app finds the password in the keychain: a test connects with it.
        session
            .click(
                &session
                    .find(&format!("{} [data-testid=conn-test]", row(NAME)))
                    .unwrap(),
            )
            .unwrap();
        session
            .wait_text("[data-testid=conn-diagnosis]", WAIT, |t| {
                t.contains("Connection works")
            })
            .unwrap_or_else(|e| panic!("{e}; page: {}", session.page_text().unwrap_or_default()));
        session.chord(&[ESCAPE]).unwrap();
        session
            .wait_gone("[data-testid=conn-diagnosis]", WAIT)
            .unwrap();

        // Unlock it for this session: the row says so.
        session
            .click(
                &session
                    .find(&format!("{} [data-testid=conn-unlock]", row(NAME)))
                    .unwrap(),
            )
            .unwrap();
        session
            .click(
                &session
                    .wait_find("[data-testid=conn-unlock-confirm]", WAIT)
                    .unwrap(),
            )
            .unwrap();
        session
            .wait_text(&row(NAME), WAIT, |t| t.contains("Unlocked this session"))
            .unwrap();

        // Edit it to a host that does not exist and test the draft: the failure is explained.
        session
            .click(
                &session
                    .find(&format!("{} [data-testid=conn-edit]", row(NAME)))
                    .unwrap(),
            )
            .unwrap();
        session.wait_find("[data-testid=conn-host]", WAIT).unwrap();
        session
            .set_value("[data-testid=conn-host]", "no-such-host.invalid")
            .unwrap();
        session
            .click(&session.find("[data-testid=conn-test-draft]").unwrap())
            .unwrap();
        let failed = session
            .wait_text("[data-testid=conn-diagnosis]", WAIT, |t| {
                t.contains("Connection failed")
            })
            .unwrap_or_else(|e| panic!("{e}; page: {}", session.page_text().unwrap_or_default()));
        assert!(
            failed.contains("no-such-host.invalid"),
            "diagnosis: {failed}"
        );
        shot(&session, &shots.join("connections-failed-test.png"));
        session.chord(&[ESCAPE]).unwrap();
        session.wait_gone("[data-testid=conn-host]", WAIT).unwrap();

        // Put it in a group and attach the project folder to the group.
        session
            .click(
                &session
                    .find(&format!("{} [data-testid=conn-edit]", row(NAME)))
                    .unwrap(),
            )
            .unwrap();
        session.wait_find("[data-testid=conn-group]", WAIT).unwrap();
        session
            .set_value("[data-testid=conn-group]", "Shop")
            .unwrap();
        session
            .click(&session.find("[data-testid=conn-save]").unwrap())
            .unwrap();
        session.wait_gone("[data-testid=conn-group]", WAIT).unwrap();
        session
            .click(
                &session
                    .wait_find("[data-testid=group-project-Shop]", WAIT)
                    .unwrap(),
            )
            .unwrap();
        session
            .wait_find("[data-testid=group-project-path]", WAIT)
            .unwrap();
        let folder = root.display().to_string();
        session
            .set_value("[data-testid=group-project-path]", &folder)
            .unwrap();
        session
            .click(&session.find("[data-testid=group-project-save]").unwrap())
            .unwrap();
        session
            .wait_text("[data-testid=screen-connections]", WAIT, |t| {
                t.contains(&folder) && !t.contains("Project folder for")
            })
            .unwrap_or_else(|e| panic!("{e}; page: {}", session.page_text().unwrap_or_default()));
        shot(&session, &shots.join("connections-group.png"));

        // Delete: the keychain entry goes with it.
        session
            .click(
                &session
                    .find(&format!("{} [data-testid=conn-delete]", row(NAME)))
                    .unwrap(),
            )
            .unwrap();
        session
            .click(
                &session
                    .wait_find("[data-testid=conn-delete-confirm]", WAIT)
                    .unwrap(),
            )
            .unwrap();
        session.wait_gone(&row(NAME), WAIT).unwrap();
    }));
    session.close();
    result.unwrap_or_else(|e| std::panic::resume_unwind(e));
    assert!(
        saved_ids(&config).is_empty(),
        "connections.json still lists it"
    );
    assert_eq!(
        desktop.keychain_secret(DEV_SERVICE, &id),
        None,
        "the keychain entry outlived the connection"
    );
    drop(desktop);
    drop(db);
}
