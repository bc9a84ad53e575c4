//! `strata seed run` interrupted with SIGINT (Ctrl-C) in the middle of a large generated
//! dataset exits 130, says which dataset was rolled back, and leaves the table as it was, with
//! the cancellation in the event log.

use std::time::{Duration, Instant};

use strata_system_tests::catalog::{scalar, seed_events};
use strata_system_tests::repo_root;
use strata_system_tests::servers::{run_strata, strata_command};

#[tokio::test]
async fn ctrl_c_rolls_back_the_dataset_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo_root();
    // The demo migrations and the bulk fixture's one generated dataset (users).
    std::fs::write(
        dir.path().join("strata.toml"),
        format!(
            "[project]\nname = \"interrupt\"\nmigrations = \"{}\"\nseeds = \"{}\"\n",
            root.join("migrations").display(),
            root.join("tests/fixtures/seeds/bulk").display()
        ),
    )
    .unwrap();
    let db = dir.path().join("demo.sqlite3");
    let url = format!("sqlite:{}", db.display());
    run_strata(dir.path(), &["up", "--url", &url]).success();

    let stderr_path = dir.path().join("stderr");
    let mut child = strata_command(
        dir.path(),
        &["seed", "run", "--url", &url, "--count", "users=5000000"],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::fs::File::create(&stderr_path).unwrap())
    .spawn()
    .expect("strata starts");
    let stderr = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
    // Rows are being written once the run holds its write transaction on the file.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "strata seed run ended before the interrupt:\n{}",
        stderr()
    );
    let interrupted = Instant::now();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -INT failed");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if interrupted.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("strata seed run still ran 30 s after Ctrl-C:\n{}", stderr());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(status.code(), Some(130), "exit after Ctrl-C:\n{}", stderr());
    assert!(
        stderr().contains("cancelled during dataset 'users'")
            && stderr().contains("it was rolled back"),
        "the message does not say what was cancelled:\n{}",
        stderr()
    );
    assert_eq!(
        scalar(&url, "SELECT COUNT(*) FROM users").await,
        0,
        "the interrupted dataset left rows"
    );
    let logged = seed_events(&url).await;
    assert_eq!(
        logged
            .iter()
            .map(|e| (e.name.as_deref(), e.outcome.as_str()))
            .collect::<Vec<_>>(),
        [(Some("users"), "cancelled")],
        "{logged:?}"
    );
}
