//! `strata seed preview|run --profile NAME`: the demo project's saved forms from strata.toml,
//! with flags given on the command line overriding the profile's values, and a profile that
//! does not exist or names an unknown dataset refused with what to do.

use strata_system_tests::repo_root;
use strata_system_tests::servers::run_strata;

#[test]
fn a_profile_fills_the_form_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("demo.sqlite3").display());
    let root = repo_root();
    run_strata(&root, &["up", "--url", &url]).success();

    // demo-small: every development dataset, 20 orders and 40 lines.
    let preview = run_strata(
        &root,
        &[
            "seed",
            "preview",
            "--profile",
            "demo-small",
            "--rows",
            "1",
            "--json",
        ],
    )
    .success()
    .json();
    let total = |v: &serde_json::Value, name: &str| {
        v["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["dataset"] == name)
            .map(|t| t["total"].as_u64().unwrap())
    };
    assert_eq!(total(&preview, "sample_orders"), Some(20));
    assert_eq!(total(&preview, "sample_order_items"), Some(40));
    assert_eq!(total(&preview, "roles"), Some(4));

    // load-test's datasets and counts, with one count overridden on the command line.
    let preview = run_strata(
        &root,
        &[
            "seed",
            "preview",
            "--profile",
            "load-test",
            "--count",
            "sample_orders=7",
            "--rows",
            "1",
            "--json",
        ],
    )
    .success()
    .json();
    assert_eq!(total(&preview, "sample_orders"), Some(7), "the flag wins");
    assert_eq!(
        total(&preview, "sample_order_items"),
        Some(200_000),
        "the profile's"
    );
    assert_eq!(
        total(&preview, "app_settings"),
        None,
        "only what the profile's datasets need"
    );

    let run = run_strata(
        &root,
        &[
            "seed",
            "run",
            "--url",
            &url,
            "--profile",
            "demo-small",
            "--json",
        ],
    )
    .success()
    .json();
    let orders = run["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dataset"] == "sample_orders")
        .unwrap()
        .clone();
    assert_eq!(orders["inserted"].as_u64(), Some(20), "{orders}");
    // The same profile again: nothing to do.
    let again = run_strata(
        &root,
        &[
            "seed",
            "run",
            "--url",
            &url,
            "--profile",
            "demo-small",
            "--json",
        ],
    )
    .success()
    .json();
    assert!(
        again["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["outcome"] == "unchanged"),
        "{again}"
    );

    let missing = run_strata(&root, &["seed", "preview", "--profile", "nope"]);
    assert_eq!(missing.code, Some(1), "{}", missing.output());
    assert!(
        missing
            .stderr
            .contains("no seed profile \"nope\" (it has: demo-small, load-test)"),
        "{}",
        missing.output()
    );
}
