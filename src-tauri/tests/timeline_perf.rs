//! The timeline of a project of 5,000 migrations on the embedded SQLite database, timed: all
//! pending, then all applied. The times are printed (`--nocapture`) and bounded, so a change
//! that reads per row, or reads targets one after another, fails here.

mod support;

use std::time::{Duration, Instant};

use strata_core::plan::MigrationState;
use strata_desktop::commands::timeline::{RunAction, RunOutcome, EMBEDDED_TARGET};
use strata_desktop::{runs, timeline};
use support::{App, Recorder};

const COUNT: usize = 5_000;
/// Generous for a debug build on a busy machine; a release build takes a fraction.
const BOUND: Duration = Duration::from_secs(3);

fn files() -> Vec<(String, String)> {
    (1..=COUNT)
        .flat_map(|i| {
            let version = 20_240_101_000_000u64 + i as u64;
            [
                (
                    format!("{version}_create_t{i}.up.sql"),
                    format!("-- strata:description table {i}\nCREATE TABLE t{i} (id INTEGER PRIMARY KEY, v TEXT);\n"),
                ),
                (format!("{version}_create_t{i}.down.sql"), format!("DROP TABLE t{i};\n")),
            ]
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_migrations_answer_within_the_bound() {
    let owned = files();
    let borrowed: Vec<(&str, &str)> = owned
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let app = App::new(&borrowed);

    let started = Instant::now();
    let pending = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    let first = started.elapsed();
    assert_eq!(pending.rows.len(), COUNT);
    assert!(pending
        .rows
        .iter()
        .all(|r| r.cells[0].as_ref().unwrap().state == MigrationState::Pending));

    let mut request = app.request(EMBEDDED_TARGET, RunAction::Latest);
    request.single_transaction = true;
    let applying = Instant::now();
    let outcome = runs::run(
        &app.state,
        request,
        "all".into(),
        Recorder::default().channel(),
    )
    .await
    .unwrap();
    let RunOutcome::Finished { report } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(report.steps.len(), COUNT);
    let applied_in = applying.elapsed();

    let started = Instant::now();
    let applied = timeline::timeline(&app.state, &app.project())
        .await
        .unwrap();
    let second = started.elapsed();
    assert_eq!(applied.rows.len(), COUNT);
    assert!(applied
        .rows
        .iter()
        .all(|r| r.cells[0].as_ref().unwrap().state == MigrationState::Applied));
    assert_eq!(
        applied.targets[0].current.as_deref(),
        Some("20240101005000")
    );

    println!(
        "timeline of {COUNT} migrations on SQLite: {:.0} ms all pending (backend {:.0} ms), {:.0} ms all applied (backend {:.0} ms, history read {:.0} ms); applying them took {:.1} s",
        first.as_secs_f64() * 1000.0,
        pending.read_ms,
        second.as_secs_f64() * 1000.0,
        applied.read_ms,
        applied.targets[0].read_ms,
        applied_in.as_secs_f64(),
    );
    assert!(
        first < BOUND && second < BOUND,
        "{first:?} / {second:?} exceed {BOUND:?}"
    );
}
