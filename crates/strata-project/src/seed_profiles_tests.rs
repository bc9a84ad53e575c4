use super::*;

const SETTINGS: &str = "# The shop project.\n[project]\nname = \"Shop\" # shown in the app\n\n# Saved forms\n[seeds.profiles.small]\nenvironment = \"development\"\ndatasets = [\"orders\"]\nmode = \"upsert\"\nseed = 7\ncounts = { orders = 5 }\n";

fn project(settings: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join(SETTINGS_FILE), settings).unwrap();
    std::fs::create_dir_all(root.path().join("migrations")).unwrap();
    let seeds = root.path().join("seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    std::fs::write(
        seeds.join("roles.yaml"),
        "table: roles\nkey: name\nrows:\n  - {name: admin}\n",
    )
    .unwrap();
    std::fs::write(
        seeds.join("orders.yaml"),
        "table: orders\nkey: id\ngenerate:\n  count: 10\n  columns:\n    id: {sequence: {start: 1}}\n",
    )
    .unwrap();
    root
}

fn text(root: &tempfile::TempDir) -> String {
    std::fs::read_to_string(root.path().join(SETTINGS_FILE)).unwrap()
}

#[test]
fn profiles_are_read_with_the_settings() {
    let root = project(SETTINGS);
    let all = list(root.path()).unwrap();
    let small = &all["small"];
    assert_eq!(small.environment, Some(Environment::Development));
    assert_eq!(small.datasets, ["orders"]);
    assert_eq!(small.mode, Some(Mode::Upsert));
    assert_eq!(small.seed, Some(7));
    assert_eq!(small.counts["orders"], 5);
    // The project opens with them, too.
    crate::Project::open(root.path()).unwrap();
}

#[test]
fn a_saved_profile_keeps_the_files_comments_and_reads_back() {
    let root = project(SETTINGS);
    let p = SeedProfile {
        environment: Some(Environment::Testing),
        datasets: vec!["roles".into(), "orders".into()],
        mode: Some(Mode::Sync),
        seed: Some(42),
        counts: BTreeMap::from([("orders".to_owned(), 100_000)]),
    };
    save(root.path(), "load-test", &p, false).unwrap();
    let after = text(&root);
    assert!(
        after.starts_with(SETTINGS),
        "the file before is kept as it was:\n{after}"
    );
    assert!(after.contains("[seeds.profiles.load-test]"), "{after}");
    assert!(
        !after.contains("[seeds]\n"),
        "no empty parent header:\n{after}"
    );
    assert_eq!(get(root.path(), "load-test").unwrap(), p);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");

    delete(root.path(), "load-test").unwrap();
    assert_eq!(text(&root).trim_end(), SETTINGS.trim_end());
}

#[test]
fn the_first_profile_of_a_project_creates_the_section() {
    let root = project("[project]\nname = \"Shop\"\n");
    save(root.path(), "demo-small", &SeedProfile::default(), false).unwrap();
    let after = text(&root);
    assert!(after.contains("[seeds.profiles.demo-small]"), "{after}");
    assert!(list(root.path()).unwrap().contains_key("demo-small"));
}

#[test]
fn names_are_checked() {
    let root = project(SETTINGS);
    let p = SeedProfile::default();
    let err = |name: &str, replace| {
        save(root.path(), name, &p, replace)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("  ", false),
        "a profile needs a name: type one, e.g. demo-small"
    );
    assert!(err("Big Orders", false).contains("is not valid: use lowercase letters"));
    assert!(err("-x", false).contains("is not valid"));
    assert!(err(&"a".repeat(65), false).contains("too long (65 characters)"));
    assert_eq!(
        err("small", false),
        "a profile named \"small\" already exists: choose another name, or replace it"
    );
    let close = save(root.path(), "small", &p, true);
    assert!(
        close.is_ok(),
        "replacing the exact name is allowed: {close:?}"
    );
    save(root.path(), "load-test", &p, false).unwrap();
    assert!(err("load_test", false).contains("too close to the existing profile \"load-test\""));
    assert!(err("load_test", true).contains("too close"));
    let before = text(&root);
    assert!(!before.contains("load_test"));
}

#[test]
fn a_profile_is_checked_against_the_datasets() {
    let root = project(SETTINGS);
    let seeds = Seeds::load(&root.path().join("seeds")).unwrap();
    let ok = list(root.path()).unwrap().remove("small").unwrap();
    ok.check("small", &seeds).unwrap();
    let bad = SeedProfile {
        datasets: vec!["nope".into()],
        ..SeedProfile::default()
    };
    let e = bad.check("x", &seeds).unwrap_err().to_string();
    assert!(
        e.contains("profile \"x\": no dataset is named 'nope' (the datasets are"),
        "{e}"
    );
    let bad = SeedProfile {
        counts: BTreeMap::from([("roles".to_owned(), 5)]),
        ..SeedProfile::default()
    };
    let e = bad.check("x", &seeds).unwrap_err().to_string();
    assert!(e.contains("'roles' is not a generated dataset"), "{e}");
}

#[test]
fn a_bad_profile_in_the_file_names_its_line() {
    let root = project("[project]\n[seeds.profiles.x]\nmode = \"merge\"\n");
    let e = list(root.path()).unwrap_err().to_string();
    assert!(
        e.contains("strata.toml: line 3: unknown variant `merge`"),
        "{e}"
    );
    let e = save(root.path(), "y", &SeedProfile::default(), false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3"), "{e}");
    assert!(text(&root).contains("merge"), "nothing was written");
    let e = get(project(SETTINGS).path(), "nope")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no seed profile \"nope\" (it has: small)"),
        "{e}"
    );
}
