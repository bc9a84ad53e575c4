//! `KeyringStore` against a real Secret Service (gnome-keyring), no mocks: what the connection
//! manager will do with a database password. Without a Secret Service these tests fail and say
//! how to run them; they never skip. The fresh `HOME`/`XDG_*` folder gives every run a new
//! `login.keyring`, unlocked with the password `pw`; RUSTUP_HOME/CARGO_HOME keep cargo working
//! when HOME moves.
//!
//! ```sh
//! export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
//! export T=$(mktemp -d) && export HOME=$T XDG_DATA_HOME=$T/data XDG_RUNTIME_DIR=$T/run
//! mkdir -p $T/data $T/run && chmod 700 $T/run
//! dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p strata-system-tests --test keyring_secret_service'
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use strata_project::credentials::{
    with_timeout, CredentialError, CredentialKey, CredentialStore, KeyringStore,
};
use strata_project::secret::Secret;

/// Generous: gnome-keyring answers in milliseconds; a hang is what this bounds.
const TIMEOUT: Duration = Duration::from_secs(20);

const HOW_TO_RUN: &str = "\
This test needs a running, unlocked Secret Service (gnome-keyring) on a D-Bus session bus. Run it with:
  export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
  export T=$(mktemp -d) && export HOME=$T XDG_DATA_HOME=$T/data XDG_RUNTIME_DIR=$T/run && mkdir -p $T/data $T/run && chmod 700 $T/run
  dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p strata-system-tests --test keyring_secret_service'
(Debian: apt-get install gnome-keyring dbus-x11)";

/// A fresh connection to the Secret Service, or a failure that says how to get one.
async fn connect() -> Arc<dyn CredentialStore> {
    let started = Instant::now();
    match KeyringStore::open(TIMEOUT).await {
        Ok(store) => Arc::new(store),
        Err(e) => panic!(
            "no Secret Service after {:?}: {e}\n{HOW_TO_RUN}",
            started.elapsed()
        ),
    }
}

/// A key no other run (or test in this run) uses, under the test build kind.
fn unique_key(what: &str) -> CredentialKey {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let id = format!("system-test-{what}-{}-{nanos:x}", std::process::id());
    CredentialKey::for_connection("test", &id)
}

async fn set(store: &Arc<dyn CredentialStore>, key: &CredentialKey, value: &str) {
    let (k, secret) = (key.clone(), Secret::new(value));
    with_timeout(store.clone(), TIMEOUT, move |s| s.set(&k, &secret))
        .await
        .unwrap_or_else(|e| fail(e));
}

async fn get(store: &Arc<dyn CredentialStore>, key: &CredentialKey) -> Option<String> {
    let k = key.clone();
    with_timeout(store.clone(), TIMEOUT, move |s| s.get(&k))
        .await
        .unwrap_or_else(|e| fail(e))
        .map(|secret| secret.expose().to_owned())
}

async fn delete(store: &Arc<dyn CredentialStore>, key: &CredentialKey) -> bool {
    let k = key.clone();
    with_timeout(store.clone(), TIMEOUT, move |s| s.delete(&k))
        .await
        .unwrap_or_else(|e| fail(e))
}

fn fail(e: CredentialError) -> ! {
    match e {
        CredentialError::Unavailable { .. } | CredentialError::Locked => {
            panic!("{e}\n{HOW_TO_RUN}")
        }
        e => panic!("{e}"),
    }
}

#[tokio::test]
async fn a_password_round_trips_through_the_secret_service() {
    let store = connect().await;
    let key = unique_key("round-trip");

    assert_eq!(get(&store, &key).await, None, "a new key has no secret");
    set(&store, &key, "first p@ss wörd").await;
    assert_eq!(get(&store, &key).await.as_deref(), Some("first p@ss wörd"));

    set(&store, &key, "second").await;
    assert_eq!(
        get(&store, &key).await.as_deref(),
        Some("second"),
        "set replaces the old secret"
    );

    assert!(
        delete(&store, &key).await,
        "delete reports the entry it removed"
    );
    assert_eq!(get(&store, &key).await, None, "the secret is gone");
    assert!(!delete(&store, &key).await, "deleting again finds nothing");
}

#[tokio::test]
async fn a_new_connection_sees_what_another_stored() {
    let writer = connect().await;
    let key = unique_key("fresh-handle");
    set(&writer, &key, "shared secret").await;
    drop(writer);

    let reader = connect().await;
    let seen = get(&reader, &key).await;
    // Clean up before asserting, so a failure leaves nothing in the keychain.
    let deleted = delete(&reader, &key).await;
    assert_eq!(seen.as_deref(), Some("shared secret"));
    assert!(deleted);
}

#[tokio::test]
async fn build_kinds_do_not_share_passwords() {
    let store = connect().await;
    let test_key = unique_key("build-kind");
    let debug_key = CredentialKey::for_connection("debug", &test_key.account);
    set(&store, &test_key, "test build").await;
    let seen_by_debug = get(&store, &debug_key).await;
    assert!(delete(&store, &test_key).await);
    assert_eq!(seen_by_debug, None);
}

/// Set in the child process of `without_a_session_bus_the_store_fails_fast`.
const PROBE_ENV: &str = "STRATA_KEYRING_NO_BUS_PROBE";

/// With DISPLAY set and no session bus (where keyring 3 and libdbus hang), connecting fails
/// at once with `Unavailable`. Runs this test binary again as a child without the bus, so the
/// rest of this file keeps its environment.
#[test]
fn without_a_session_bus_the_store_fails_fast() {
    if std::env::var_os(PROBE_ENV).is_some() {
        let started = Instant::now();
        let result = KeyringStore::connect();
        let elapsed = started.elapsed();
        match result {
            Err(e @ CredentialError::Unavailable { .. }) => {
                println!("failed in {elapsed:?}: {e}");
                assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
            }
            other => panic!("expected Unavailable without a bus, got {other:?}"),
        }
        return;
    }

    let runtime_dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "without_a_session_bus_the_store_fails_fast",
            "--nocapture",
        ])
        .env(PROBE_ENV, "1")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DISPLAY", ":99")
        .env("XDG_RUNTIME_DIR", runtime_dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("KeyringStore::connect hung for 30 s without a session bus");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(line) = stdout.lines().find(|l| l.starts_with("failed in")) {
        println!("no-bus probe: {line}");
    }
    assert!(
        output.status.success() && stdout.contains("no OS keychain is available"),
        "the no-bus probe failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
