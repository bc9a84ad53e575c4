//! `strata seed` run as the real binary against the demo project on SQLite: list, preview,
//! run, re-run (unchanged), the JSON report, and production refused without confirmation.

use strata_system_tests::repo_root;
use strata_system_tests::servers::run_strata;

#[test]
fn seed_list_preview_run_and_rerun_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("demo.sqlite3").display());
    let root = repo_root();
    run_strata(&root, &["up", "--url", &url]).success();

    let list = run_strata(&root, &["seed", "list", "--env", "production", "--json"])
        .success()
        .json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["dataset"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"production_admin") && !names.contains(&"sample_orders"),
        "{names:?}"
    );

    let preview = run_strata(
        &root,
        &[
            "seed",
            "preview",
            "--dataset",
            "sample_orders",
            "--count",
            "sample_orders=3",
            "--seed",
            "9",
            "--rows",
            "2",
            "--url",
            &url,
            "--json",
        ],
    )
    .success()
    .json();
    let tables = preview["tables"].as_array().unwrap();
    let orders = tables
        .iter()
        .find(|t| t["dataset"] == "sample_orders")
        .unwrap();
    assert_eq!(
        (
            orders["total"].as_u64(),
            orders["rows"].as_array().unwrap().len()
        ),
        (Some(3), 2),
        "{orders}"
    );
    let dry = preview["dryRun"]["datasets"].as_array().unwrap();
    assert!(
        dry.iter()
            .any(|d| d["dataset"] == "sample_orders" && d["inserted"] == 3),
        "{dry:?}"
    );
    let again = run_strata(
        &root,
        &[
            "seed",
            "preview",
            "--dataset",
            "sample_orders",
            "--count",
            "sample_orders=3",
            "--seed",
            "9",
            "--rows",
            "2",
            "--json",
        ],
    )
    .success()
    .json();
    assert_eq!(
        again["tables"], preview["tables"],
        "the same form previews the same rows"
    );

    let run = run_strata(
        &root,
        &["seed", "run", "--url", &url, "--seed", "9", "--json"],
    )
    .success()
    .json();
    let ds = run["datasets"].as_array().unwrap();
    let orders = ds.iter().find(|d| d["dataset"] == "sample_orders").unwrap();
    assert_eq!(
        (orders["outcome"].as_str(), orders["inserted"].as_u64()),
        (Some("applied"), Some(200)),
        "{orders}"
    );

    let rerun = run_strata(&root, &["seed", "run", "--url", &url, "--seed", "9"]).success();
    assert_eq!(
        rerun.stdout.matches("unchanged since the last run").count(),
        ds.len(),
        "{}",
        rerun.output()
    );

    let prod = run_strata(
        &root,
        &["seed", "run", "--url", &url, "--env", "production"],
    );
    assert_eq!(prod.code, Some(1), "{}", prod.output());
    assert!(
        prod.stderr.contains("--confirm production"),
        "{}",
        prod.output()
    );
    let bad = run_strata(&root, &["seed", "run", "--url", &url, "--count", "nope=3"]);
    assert!(
        bad.stderr.contains("no dataset is named 'nope'"),
        "{}",
        bad.output()
    );
}
