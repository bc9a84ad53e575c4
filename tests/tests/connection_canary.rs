//! The password canary: one unique password goes through every operation the desktop app's
//! connection commands expose, on their success and failure paths, against the real OS
//! keychain (run under `scripts/with-keyring.sh`) and real servers; it must show up in the
//! keychain and nowhere else: not in the profile file, the tests file, an export, the logs
//! (TRACE, every crate), an IPC response (a serde_json serialization) or an error text
//! (Display and Debug). And without a keychain, a save fails fast, says what to do instead,
//! writes nothing, and "ask each time" still connects.
//!
//! ```sh
//! STRATA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//! scripts/with-keyring.sh cargo test -p strata-system-tests --test connection_canary
//! ```

use std::fmt::{Debug, Display};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use strata_core::driver::diagnose::{diagnose, Diagnosis, ProblemCode, StepKind};
use strata_core::DatabaseKind::{self, Mysql, Postgres};
use strata_project::connections::{
    ConnectionManager, ConnectionsError, KeychainOpener, LastTest, PasswordInput, KEYCHAIN_TIMEOUT,
    TESTS_FILE,
};
use strata_project::credentials::{with_timeout, CredentialKey, CredentialStore, KeyringStore};
use strata_project::secret::Secret;
use strata_project::store::FILE_NAME;
use strata_project::{ConnectionProfile, EnvironmentTier, PasswordMode, TlsMode};
use strata_system_tests::servers::server_url;
use strata_system_tests::tls;

const T: Duration = Duration::from_secs(10);
/// Keeps this test's keychain entries apart from any app build's.
const BUILD_KIND: &str = "canary-test";

/// Everything written to the log by any crate, at every level.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut logs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        logs.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

/// The process-wide subscriber (also fed by the `log` crate, e.g. sqlx), installed once.
fn captured_logs() -> Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init()
            .expect("no other subscriber in this test binary");
        logs
    })
    .clone()
}

/// Every text an operation handed back, checked for the canary as it comes.
struct Witness {
    canary: String,
    checked: usize,
    leaks: Vec<String>,
}

impl Witness {
    fn check(&mut self, what: &str, text: &str) {
        self.checked += 1;
        if text.contains(&self.canary) {
            self.leaks.push(format!("{what}: {text}"));
        }
    }

    /// An IPC response: what the command serializes.
    fn ok<T: Serialize>(&mut self, what: &str, value: &T) {
        let json = serde_json::to_string(value).expect("IPC responses serialize");
        self.check(&format!("{what} (response)"), &json);
    }

    /// An error: its text (what IPC and the CLI show), its Debug and every source's text.
    fn err<E: Display + Debug>(&mut self, what: &str, e: &E) {
        self.check(&format!("{what} (Display)"), &e.to_string());
        self.check(&format!("{what} (Debug)"), &format!("{e:?}"));
    }

    fn result<T: Serialize, E: Display + Debug>(&mut self, what: &str, r: &Result<T, E>) {
        match r {
            Ok(v) => self.ok(what, v),
            Err(e) => self.err(what, e),
        }
    }

    fn file(&mut self, what: &str, path: &Path) {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{what} ({}) must exist: {e}", path.display()));
        self.check(what, &text);
    }
}

fn manager(config_dir: &Path) -> ConnectionManager {
    // As the desktop app opens it (src-tauri/src/state.rs).
    let opener: KeychainOpener = Box::new(|| {
        Box::pin(async {
            let store: Arc<dyn CredentialStore> =
                Arc::new(KeyringStore::open(KEYCHAIN_TIMEOUT).await?);
            Ok(store)
        })
    });
    ConnectionManager::open(config_dir, BUILD_KIND, opener).expect("an empty config folder opens")
}

/// What the real keychain holds for connection `id`.
async fn in_keychain(id: &str) -> Option<String> {
    let store: Arc<dyn CredentialStore> = Arc::new(
        KeyringStore::open(KEYCHAIN_TIMEOUT)
            .await
            .expect("a Secret Service: run under scripts/with-keyring.sh"),
    );
    let key = CredentialKey::for_connection(BUILD_KIND, id);
    with_timeout(store, KEYCHAIN_TIMEOUT, move |s| s.get(&key))
        .await
        .expect("the keychain answers")
        .map(|s| s.expose().to_owned())
}

fn set(pw: &str) -> PasswordInput {
    PasswordInput::Set {
        value: Secret::new(pw),
    }
}

/// A profile for the local PostgreSQL server (trust authentication: any password works).
fn local_postgres(name: &str, tier: EnvironmentTier) -> ConnectionProfile {
    let url = url::Url::parse(&server_url(Postgres)).unwrap();
    let mut p = ConnectionProfile::new(name, Postgres, tier);
    p.host = url.host_str().unwrap().to_owned();
    p.port = url.port();
    p.user = url.username().to_owned();
    p.database = url.path().trim_start_matches('/').to_owned();
    p.tls.mode = TlsMode::Prefer;
    p
}

/// A profile for the TLS-only server of `kind` as `strata_pw`, verifying with `ca`.
fn tls_server(kind: DatabaseKind, name: &str, ca: std::path::PathBuf) -> ConnectionProfile {
    let url = url::Url::parse(&tls::server_url(kind)).unwrap();
    let mut p = ConnectionProfile::new(name, kind, EnvironmentTier::Development);
    p.host = url.host_str().unwrap().to_owned();
    p.port = url.port();
    p.user = tls::PASSWORD_USER.to_owned();
    p.database = match kind {
        Postgres => "postgres".to_owned(),
        _ => "mysql".to_owned(),
    };
    p.tls.mode = TlsMode::VerifyFull;
    p.tls.ca_file = Some(ca);
    p
}

/// `test_connection`: resolve, diagnose, read the history when it connected, record.
async fn test_saved(m: &ConnectionManager, w: &mut Witness, id: &str) -> Diagnosis {
    let (_, url) = m.resolve(id).await.expect("a saved connection resolves");
    let d = diagnose(url.expose(), T).await;
    let history = match d.ok {
        true => {
            let snapshot = strata_core::engine::snapshot(url.expose(), T).await;
            w.check("engine::snapshot", &format!("{snapshot:?}"));
            snapshot.ok()
        }
        false => None,
    };
    let row = m.record_test(id, LastTest::from_diagnosis(&d, history.as_ref()));
    w.ok(
        "test_connection",
        &json!({ "diagnosis": &d, "row": row.as_ref().ok() }),
    );
    w.result("record_test", &row);
    d
}

/// `test_connection_draft`: the form's values with the canary typed in.
async fn test_draft(
    m: &ConnectionManager,
    w: &mut Witness,
    profile: ConnectionProfile,
) -> Diagnosis {
    let (_, url) = m
        .resolve_draft(profile, set(&w.canary.clone()))
        .await
        .expect("a draft resolves");
    assert!(
        url.expose().contains(&w.canary),
        "the draft URL carries the password"
    );
    let d = diagnose(url.expose(), T).await;
    w.ok(
        "test_connection_draft",
        &json!({ "diagnosis": &d, "row": null }),
    );
    d
}

fn failure(d: &Diagnosis) -> ProblemCode {
    d.failure()
        .unwrap_or_else(|| panic!("expected a failure: {d:#?}"))
        .code
}

#[tokio::test]
async fn the_canary_password_is_in_the_keychain_and_nowhere_else() {
    let logs = captured_logs();
    let canary = format!("canary-{}", strata_project::profile::new_id());
    let mut w = Witness {
        canary: canary.clone(),
        checked: 0,
        leaks: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());

    // Save to the real server, keychain mode; the list.
    let mut pg = local_postgres("Canary local", EnvironmentTier::Development);
    pg.group = Some("Canary group".to_owned());
    let row = m.save(pg.clone(), set(&canary)).await;
    w.result("save (keychain)", &row);
    row.expect("saving with a real keychain");
    assert_eq!(
        in_keychain(&pg.id).await.as_deref(),
        Some(canary.as_str()),
        "the canary is in the keychain"
    );
    let project = tempfile::tempdir().unwrap();
    w.result(
        "set_group_project",
        &m.set_group_project("Canary group", Some(project.path().to_owned())),
    );
    w.ok("list_connections", &m.sections());

    // The saved connection tests fine (trust auth), with the canary in its URL.
    let d = test_saved(&m, &mut w, &pg.id).await;
    assert!(d.ok, "the local PostgreSQL server must answer: {d:#?}");

    // A wrong password on the TLS server: the canary is what was tried.
    let wrong_pw = tls_server(Postgres, "Canary wrong password", tls::ca_file());
    w.result(
        "save (TLS, wrong password)",
        &m.save(wrong_pw.clone(), set(&canary)).await,
    );
    let d = test_saved(&m, &mut w, &wrong_pw.id).await;
    assert_eq!(
        failure(&d),
        ProblemCode::WrongPassword,
        "{}",
        tls::start_hint()
    );
    // A certificate signed by another CA.
    let bad_ca = tls_server(Postgres, "Canary wrong CA", tls::other_ca_file());
    w.result(
        "save (TLS, wrong CA)",
        &m.save(bad_ca.clone(), set(&canary)).await,
    );
    let d = test_saved(&m, &mut w, &bad_ca.id).await;
    assert_eq!(
        d.step(StepKind::Tls).map(|s| s.outcome),
        Some(strata_core::driver::diagnose::Outcome::Failed),
        "{d:#?}"
    );

    // Drafts: wrong host, refused port, TLS failure, wrong passwords on both TLS servers.
    let mut draft = local_postgres("Canary draft", EnvironmentTier::Development);
    draft.host = "no-such-host.invalid".to_owned();
    let d = test_draft(&m, &mut w, draft.clone()).await;
    assert_eq!(failure(&d), ProblemCode::HostNotFound, "{d:#?}");
    draft.host = "127.0.0.1".to_owned();
    draft.port = Some(1);
    let d = test_draft(&m, &mut w, draft).await;
    assert_eq!(failure(&d), ProblemCode::NothingListening, "{d:#?}");
    let d = test_draft(&m, &mut w, tls_server(Postgres, "d", tls::other_ca_file())).await;
    assert!(!d.ok, "{d:#?}");
    for kind in [Postgres, Mysql] {
        let d = test_draft(&m, &mut w, tls_server(kind, "d", tls::ca_file())).await;
        assert_eq!(failure(&d), ProblemCode::WrongPassword, "{kind}: {d:#?}");
    }
    // A draft of a saved connection that keeps its saved password.
    let (_, url) = m
        .resolve_draft(pg.clone(), PasswordInput::Keep)
        .await
        .unwrap();
    assert!(url.expose().contains(&canary));
    let d = diagnose(url.expose(), T).await;
    w.ok("test_connection_draft (kept password)", &d);

    // A pasted URL: parsed for the form, then saved with its password.
    let pasted = format!("postgres://postgres:{canary}@127.0.0.1:5432/test?sslmode=prefer");
    let parsed = strata_project::url::parse_url(&pasted);
    let (mut from_url, password) = parsed.expect("a valid URL");
    w.ok(
        "parse_connection_url",
        &json!({ "profile": &from_url, "hasPassword": password.is_some() }),
    );
    from_url.name = "Canary pasted".to_owned();
    let saved = m
        .save(
            from_url.clone(),
            PasswordInput::FromUrl {
                url: Secret::new(&pasted),
            },
        )
        .await;
    w.result("save (from URL)", &saved);
    assert_eq!(
        in_keychain(&from_url.id).await.as_deref(),
        Some(canary.as_str())
    );
    for bad in [
        format!("postgres://postgres:{canary}@127.0.0.1:99999/test"),
        format!("postgres://postgres:{canary}@127.0.0.1/test?sslmode=sometimes"),
        format!("postgres://postgres:{canary}@[::1/test"),
        format!("{canary}://postgres@host/db"),
        format!("sqlite:/tmp/x.db?password={canary}"),
    ] {
        let fields = strata_project::url::parse_url(&bad).expect_err("an invalid URL");
        w.check("parse_connection_url (invalid)", &format!("{fields:?}"));
        let saved = m
            .save(
                from_url.clone(),
                PasswordInput::FromUrl {
                    url: Secret::new(&bad),
                },
            )
            .await;
        w.err(
            "save (invalid URL)",
            &saved.expect_err("an invalid URL is refused"),
        );
    }

    // Invalid saves: field errors, one with the canary where a password must not go.
    let mut invalid = local_postgres("", EnvironmentTier::Development);
    invalid.options = vec![("password".to_owned(), canary.clone())];
    let err = m
        .save(invalid.clone(), set(&canary))
        .await
        .expect_err("invalid");
    assert!(!err.field_errors().is_empty(), "{err}");
    w.err("save (invalid)", &err);
    w.ok("save (invalid) fields", &err.field_errors());
    invalid.name = "Canary local".to_owned(); // a name already taken
    invalid.options.clear();
    w.err(
        "save (duplicate name)",
        &m.save(invalid, set(&canary)).await.expect_err("clash"),
    );

    // Copies, an "ask each time" connection, protection.
    let copy = m.duplicate(&pg.id).await.expect("duplicate");
    w.ok("duplicate_connection", &copy);
    assert_eq!(
        in_keychain(&copy.profile.id).await.as_deref(),
        Some(canary.as_str())
    );
    let mut ask = local_postgres("Canary ask", EnvironmentTier::Development);
    ask.password = PasswordMode::AskEachTime;
    w.result(
        "save (ask each time)",
        &m.save(ask.clone(), PasswordInput::Keep).await,
    );
    w.err(
        "test_connection (no password yet)",
        &m.resolve(&ask.id).await.expect_err("needed"),
    );
    w.result(
        "provide_session_password",
        &m.provide_session_password(&ask.id, Secret::new(&canary)),
    );
    assert!(test_saved(&m, &mut w, &ask.id).await.ok);
    w.result("duplicate (ask each time)", &m.duplicate(&ask.id).await);
    let live = local_postgres("Canary live", EnvironmentTier::Production);
    w.result(
        "save (production)",
        &m.save(live.clone(), set(&canary)).await,
    );
    w.err(
        "check_write (read-only)",
        &m.check_write(&live.id, Some(&live.database))
            .expect_err("locked"),
    );
    w.result("unlock_connection", &m.unlock(&live.id));
    w.err(
        "check_write (untyped)",
        &m.check_write(&live.id, None).expect_err("typed name"),
    );
    w.err(
        "check_write (mistyped)",
        &m.check_write(&live.id, Some(&canary))
            .expect_err("mismatch"),
    );
    w.result(
        "check_write",
        &m.check_write(&live.id, Some(&live.database)),
    );
    w.result("lock_connection", &m.lock(&live.id));
    // An unknown id (ids are not secret: they are quoted back).
    let id = "no-such-connection";
    w.err("unlock (unknown)", &m.unlock(id).expect_err("unknown"));
    w.err(
        "delete (unknown)",
        &m.delete(id).await.expect_err("unknown"),
    );
    w.err(
        "provide_session_password (unknown)",
        &m.provide_session_password(id, Secret::new(&canary))
            .expect_err("unknown"),
    );

    // Export, and import it back (here and into a fresh manager); a hand-edited export
    // holding the canary where the password mode goes.
    let export = dir.path().join("export.json");
    w.result("export_connections", &m.export(&export));
    w.file("the export file", &export);
    w.result("import_connections", &m.import(&export));
    let other_dir = tempfile::tempdir().unwrap();
    let other = manager(other_dir.path());
    let report = other.import(&export).expect("the export imports");
    w.ok("import_connections (fresh)", &report);
    for imported in &report.imported {
        w.result(
            "resolve (imported)",
            &other.resolve(&imported.id).await.map(|(p, _)| p),
        );
    }
    let mut edited: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    let profiles = edited["profiles"].as_array_mut().unwrap();
    profiles[0]["password"] = json!(canary);
    profiles[1]["options"] = json!([["password", canary]]);
    profiles[2]["port"] = json!(canary);
    let hand_edited = dir.path().join("hand-edited.json");
    std::fs::write(&hand_edited, serde_json::to_vec(&edited).unwrap()).unwrap();
    let report = other.import(&hand_edited).expect("a readable export");
    assert!(report.rejected.len() >= 2, "{report:?}");
    w.ok("import_connections (hand-edited)", &report);
    std::fs::write(
        &hand_edited,
        format!("{{\"strataConnections\": \"{canary}\"}}"),
    )
    .unwrap();
    w.err(
        "import_connections (bad header)",
        &other.import(&hand_edited).expect_err("bad"),
    );
    w.file(
        "the imported connections file",
        &other_dir.path().join(FILE_NAME),
    );
    // A connections file edited by hand to hold the canary: the app logs and shows why it
    // cannot be read.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(other_dir.path().join(FILE_NAME)).unwrap())
            .unwrap();
    for (field, value) in [("password", json!(canary)), ("port", json!(canary))] {
        let mut file = saved.clone();
        file["profiles"][0][field] = value;
        let broken = tempfile::tempdir().unwrap();
        std::fs::write(broken.path().join(FILE_NAME), file.to_string()).unwrap();
        let opened =
            ConnectionManager::open(broken.path(), BUILD_KIND, Box::new(|| unreachable!()));
        w.err(
            "open (hand-edited connections.json)",
            &opened.expect_err("unreadable"),
        );
    }

    // The files as they are with everything saved.
    w.file("connections.json", &dir.path().join(FILE_NAME));
    w.file(TESTS_FILE, &dir.path().join(TESTS_FILE));

    // The engine's own connection paths, with the canary in the URL.
    for url in [
        format!("postgres://postgres:{canary}@no-such-host.invalid:5432/test"),
        format!("postgres://postgres@no-such-host.invalid:5432/test?password={canary}"),
        format!("mysql://root:{canary}@no-such-host.invalid:3306/test"),
        format!("postgres://postgres:{canary}@127.0.0.1:1/test"),
    ] {
        let probed = strata_core::driver::probe(&url, T).await;
        w.err("driver::probe", &probed.expect_err("nothing there"));
        let snapshot = strata_core::engine::snapshot(&url, T).await;
        w.err("engine::snapshot", &snapshot.expect_err("nothing there"));
        w.ok("diagnose (engine URL)", &diagnose(&url, T).await);
    }

    // Delete everything: the keychain lets go of every password.
    let ids: Vec<String> = m
        .sections()
        .iter()
        .flat_map(|s| s.connections.iter().map(|r| r.profile.id.clone()))
        .collect();
    assert!(ids.len() >= 8, "{ids:?}");
    for id in &ids {
        w.result("delete_connection", &m.delete(id).await);
        assert_eq!(
            in_keychain(id).await,
            None,
            "the password of {id} left the keychain"
        );
    }
    w.file("connections.json (emptied)", &dir.path().join(FILE_NAME));
    w.file(TESTS_FILE, &dir.path().join(TESTS_FILE));

    let logs = logs.text();
    // The capture saw the keychain calls and the database sessions, at debug and below.
    for source in ["keyring_core", "sqlx::query", "zbus"] {
        assert!(logs.contains(source), "no {source} lines captured:\n{logs}");
    }
    w.check("the captured logs", &logs);
    assert!(w.checked > 100, "only {} texts checked", w.checked);
    assert!(
        w.leaks.is_empty(),
        "the canary leaked {} times:\n{}",
        w.leaks.len(),
        w.leaks.join("\n")
    );
}

/// Set in the child process of `without_a_keychain_the_save_says_to_ask_each_time`.
const NO_KEYCHAIN_ENV: &str = "STRATA_CANARY_NO_KEYCHAIN_CHILD";

/// No Secret Service (the session bus address names a socket that does not exist): saving a
/// keychain password fails at once and writes nothing; "ask each time" works. Runs this test
/// binary again as a child, since the bus address is process-wide.
#[tokio::test]
async fn without_a_keychain_the_save_says_to_ask_each_time() {
    if std::env::var_os(NO_KEYCHAIN_ENV).is_some() {
        return no_keychain_child().await;
    }
    let runtime_dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "without_a_keychain_the_save_says_to_ask_each_time",
            "--nocapture",
        ])
        .env(NO_KEYCHAIN_ENV, "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", runtime_dir.path().display()),
        )
        .env("XDG_RUNTIME_DIR", runtime_dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the no-keychain child hung for 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(line) = stdout.lines().find(|l| l.starts_with("no keychain:")) {
        println!("{line}");
    }
    assert!(
        output.status.success() && stdout.contains("no keychain: refused in"),
        "the no-keychain child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn no_keychain_child() {
    let dir = tempfile::tempdir().unwrap();
    let m = manager(dir.path());
    let password = format!("canary-{}", strata_project::profile::new_id());
    let mut p = local_postgres("No keychain", EnvironmentTier::Development);

    let started = Instant::now();
    let err = m
        .save(p.clone(), set(&password))
        .await
        .expect_err("no keychain to save into");
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(5),
        "took {elapsed:?} to find no keychain"
    );
    assert!(
        matches!(err, ConnectionsError::KeychainSave { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("ask for the password each time"), "{text}");
    assert!(
        !text.contains(&password) && !format!("{err:?}").contains(&password),
        "{text}"
    );
    assert!(
        !dir.path().join(FILE_NAME).exists(),
        "a refused save wrote the connections file"
    );
    assert!(m.sections().iter().all(|s| s.connections.is_empty()));
    println!("no keychain: refused in {elapsed:?}: {text}");

    p.password = PasswordMode::AskEachTime;
    m.save(p.clone(), PasswordInput::Keep)
        .await
        .expect("ask each time needs no keychain");
    assert!(matches!(
        m.resolve(&p.id).await,
        Err(ConnectionsError::PasswordNeeded { .. })
    ));
    m.provide_session_password(&p.id, Secret::new(&password))
        .unwrap();
    let (_, url) = m.resolve(&p.id).await.expect("the session password");
    assert!(
        url.expose().contains(&password),
        "the URL carries the session password"
    );
    let d = diagnose(url.expose(), T).await;
    assert!(d.ok, "the local PostgreSQL server must answer: {d:#?}");
    let file = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
    assert!(file.contains(&p.id) && !file.contains(&password), "{file}");
}
