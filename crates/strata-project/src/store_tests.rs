//! The connections file: CRUD through it, exact round trips, atomic replacement, and files
//! that are damaged, newer, or changed by someone else, which are never overwritten.

use strata_core::DatabaseKind;

use super::*;
use crate::environment::EnvironmentTier;

fn profile(name: &str) -> ConnectionProfile {
    let mut p = ConnectionProfile::new(name, DatabaseKind::Postgres, EnvironmentTier::Development);
    p.host = "db.example.com".into();
    p.database = "shop".into();
    p
}

fn file_of(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join(FILE_NAME)
}

/// Every file in `dir`, by name.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_new_folder_is_an_empty_store_and_nothing_is_written_until_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config").join("strata");
    let store = ProfileStore::open(&config).unwrap();
    assert!(store.list().is_empty());
    assert!(!config.exists(), "opening wrote nothing");
    let mut store = store;
    store.add(profile("a")).unwrap();
    assert_eq!(names_in(&config), [FILE_NAME]);
}

#[test]
fn the_file_is_versioned_json_and_hostile_values_round_trip_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    let mut hostile = profile("O'Brien \"prod\" – 数据库 🚀 \u{202e}x");
    hostile.user = "u\"s'e\\r@:/ü".repeat(100);
    hostile.database = "d".repeat(1000);
    hostile.options = vec![("options".into(), "-c search_path=\"a b\"".into())];
    hostile.group = Some("Shop { \"main\" }".into());
    hostile.colour = Some("#D93025".into());
    let id = store.add(hostile.clone()).unwrap();
    let second = store.add(profile("plain")).unwrap();

    let text = std::fs::read_to_string(file_of(&dir)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["profiles"][0]["id"], id.as_str());
    assert!(text.ends_with("}\n"));

    let reopened = ProfileStore::open(dir.path()).unwrap();
    assert_eq!(reopened.list(), store.list());
    assert_eq!(reopened.get(&id), Some(&hostile));
    assert_eq!(reopened.get(&second).unwrap().name, "plain");
}

#[cfg(unix)]
#[test]
fn the_file_is_private_and_no_temporary_file_is_left_behind() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    for name in ["a", "b", "c"] {
        store.add(profile(name)).unwrap();
    }
    let mode = std::fs::metadata(file_of(&dir))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(names_in(dir.path()), [FILE_NAME]);
}

#[test]
fn a_leftover_temporary_file_from_a_crash_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    store.add(profile("kept")).unwrap();
    std::fs::write(
        dir.path().join(".connections.json.0123456789ab.tmp"),
        "{\"form",
    )
    .unwrap();
    let reopened = ProfileStore::open(dir.path()).unwrap();
    assert_eq!(reopened.list()[0].name, "kept");
}

#[test]
fn add_update_duplicate_remove() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    let id = store.add(profile("Shop")).unwrap();

    let mut edited = store.get(&id).unwrap().clone();
    edited.port = Some(6432);
    let old = store.update(edited).unwrap();
    assert_eq!(old.port, None);
    assert_eq!(store.get(&id).unwrap().port, Some(6432));

    let copy = store.duplicate(&id).unwrap();
    let copy2 = store.duplicate(&id).unwrap();
    assert_ne!(copy, id);
    assert_eq!(store.get(&copy).unwrap().name, "Shop (copy)");
    assert_eq!(store.get(&copy2).unwrap().name, "Shop (copy 2)");
    assert_eq!(store.get(&copy).unwrap().port, Some(6432));

    let removed = store.remove(&copy).unwrap();
    assert_eq!(removed.name, "Shop (copy)");
    assert!(store.get(&copy).is_none());
    assert!(matches!(
        store.remove(&copy),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.duplicate(&copy),
        Err(StoreError::NotFound { .. })
    ));
    let names: Vec<_> = ProfileStore::open(dir.path())
        .unwrap()
        .list()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names, ["Shop", "Shop (copy 2)"]);
}

#[test]
fn a_copy_of_a_long_name_stays_within_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    let id = store.add(profile(&"ü".repeat(NAME_MAX_CHARS))).unwrap();
    let copy = store.duplicate(&id).unwrap();
    let name = &store.get(&copy).unwrap().name;
    assert_eq!(name.chars().count(), NAME_MAX_CHARS);
    assert!(name.ends_with("ü (copy)"), "{name}");
}

#[test]
fn invalid_changes_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    let id = store.add(profile("Shop")).unwrap();
    let before = std::fs::read(file_of(&dir)).unwrap();

    let err = store.add(profile("  SHOP ")).unwrap_err();
    match &err {
        StoreError::Invalid { errors } => assert_eq!(errors[0].field, "name"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "name: another connection is already named \"Shop\""
    );

    let mut bad = store.get(&id).unwrap().clone();
    bad.host = "bad host".into();
    bad.port = Some(0);
    let err = store.update(bad).unwrap_err().to_string();
    assert!(
        err.starts_with("host: ") && err.contains("; port: "),
        "{err}"
    );

    let mut same_id = profile("Other");
    same_id.id = id.clone();
    assert!(matches!(
        store.add(same_id.clone()),
        Err(StoreError::Invalid { .. })
    ));
    same_id.id = "unknown".into();
    assert!(matches!(
        store.update(same_id),
        Err(StoreError::NotFound { .. })
    ));

    assert_eq!(std::fs::read(file_of(&dir)).unwrap(), before);
    assert_eq!(store.list().len(), 1);
}

#[test]
fn a_damaged_file_is_reported_with_its_position_and_kept() {
    let cases: [(&str, u32, &str); 6] = [
        (
            "{\n  \"format\": 1,\n  \"profiles\": [ {\"id\": 5 ]\n}",
            3,
            "expected",
        ),
        ("", 1, "EOF"),
        ("{\"profiles\": []}", 1, "missing field `format`"),
        ("{\"format\": 0, \"profiles\": []}", 1, "format 0"),
        (
            "{\n\"format\": 1,\n\"profiles\": [],\n\"extra\": 1\n}",
            4,
            "unknown field `extra`",
        ),
        (
            "{\"format\": 1, \"profiles\": [], \"format\": 1}",
            1,
            "duplicate field `format`",
        ),
    ];
    for (text, line, needle) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(file_of(&dir), text).unwrap();
        let err = ProfileStore::open(dir.path()).unwrap_err();
        match &err {
            StoreError::Corrupt {
                line: l, message, ..
            } => {
                assert_eq!(*l, line, "{text:?}: {err}");
                assert!(message.contains(needle), "{text:?}: {message}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
        let shown = err.to_string();
        assert!(
            shown.contains("connections.json is damaged at line"),
            "{shown}"
        );
        assert!(shown.contains("left it as it is"), "{shown}");
        assert_eq!(std::fs::read_to_string(file_of(&dir)).unwrap(), text);
    }
}

#[test]
fn a_byte_order_mark_is_not_damage() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(file_of(&dir), "\u{feff}{\"format\": 1, \"profiles\": []}").unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    store.add(profile("a")).unwrap();
    assert_eq!(ProfileStore::open(dir.path()).unwrap().list().len(), 1);
}

#[test]
fn two_connections_with_one_id_are_damage() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    let id = store.add(profile("a")).unwrap();
    let b = store.add(profile("b")).unwrap();
    let text = std::fs::read_to_string(file_of(&dir))
        .unwrap()
        .replace(&b, &id);
    std::fs::write(file_of(&dir), &text).unwrap();
    match ProfileStore::open(dir.path()).unwrap_err() {
        StoreError::Corrupt { line, message, .. } => {
            let lines: Vec<&str> = text.lines().collect();
            let expected = lines.iter().rposition(|l| l.contains(&id)).unwrap() + 1;
            assert_eq!(line as usize, expected);
            assert_eq!(message, format!("two connections have the id {id}"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_newer_file_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"format\": 2, \"profiles\": {\"whatever\": \"comes next\"}}";
    std::fs::write(file_of(&dir), text).unwrap();
    let err = ProfileStore::open(dir.path()).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerFormat { found: 2, .. }),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("newer Strata (format 2; this one reads format 1)"));
    assert_eq!(std::fs::read_to_string(file_of(&dir)).unwrap(), text);
}

#[test]
fn a_file_changed_by_someone_else_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut mine = ProfileStore::open(dir.path()).unwrap();
    mine.add(profile("mine")).unwrap();
    let mut theirs = ProfileStore::open(dir.path()).unwrap();
    theirs.add(profile("theirs")).unwrap();

    // Another Strata (the CLI) saved in between: nothing of theirs is lost.
    let err = mine.add(profile("mine 2")).unwrap_err();
    assert!(matches!(err, StoreError::ChangedOnDisk { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing was saved"));
    assert_eq!(
        mine.list().len(),
        1,
        "the refused change is not in memory either"
    );
    let names: Vec<_> = ProfileStore::open(dir.path())
        .unwrap()
        .list()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names, ["mine", "theirs"]);

    // Damage or a newer format written later is not overwritten either.
    for text in ["{ damaged", "{\"format\": 9, \"profiles\": []}"] {
        std::fs::write(file_of(&dir), text).unwrap();
        assert!(matches!(
            theirs.add(profile("x")),
            Err(StoreError::ChangedOnDisk { .. })
        ));
        assert!(matches!(
            theirs.save(),
            Err(StoreError::ChangedOnDisk { .. })
        ));
        assert!(theirs.remove(&theirs.list()[0].id.clone()).is_err());
        assert_eq!(std::fs::read_to_string(file_of(&dir)).unwrap(), text);
    }
    // A file deleted behind the store's back is not silently recreated either.
    std::fs::remove_file(file_of(&dir)).unwrap();
    assert!(matches!(
        theirs.save(),
        Err(StoreError::ChangedOnDisk { .. })
    ));
    assert!(!file_of(&dir).exists());
}

#[test]
fn an_unreadable_file_can_be_set_aside_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(file_of(&dir), "{ damaged").unwrap();
    std::fs::write(dir.path().join("connections.json.unreadable-1"), "older").unwrap();
    assert!(ProfileStore::open(dir.path()).is_err());
    let aside = ProfileStore::set_aside_unreadable(dir.path()).unwrap();
    assert_eq!(aside, dir.path().join("connections.json.unreadable-2"));
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), "{ damaged");
    let mut store = ProfileStore::open(dir.path()).unwrap();
    assert!(store.list().is_empty());
    store.add(profile("fresh")).unwrap();
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), "{ damaged");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("connections.json.unreadable-1")).unwrap(),
        "older"
    );
}

#[test]
fn a_failed_write_changes_neither_file_nor_memory() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let mut store = ProfileStore::open(&config).unwrap();
    // The config folder's place is taken by a file: nothing can be written there.
    std::fs::write(&config, "not a folder").unwrap();
    let err = store.add(profile("a")).unwrap_err();
    assert!(
        matches!(err, StoreError::Read { .. } | StoreError::Write { .. }),
        "{err:?}"
    );
    assert!(store.list().is_empty());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "not a folder");
}

#[test]
fn the_list_is_grouped_by_group_then_project_then_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::open(dir.path()).unwrap();
    let add = |store: &mut ProfileStore,
               name: &str,
               tier,
               group: Option<&str>,
               project: Option<&Path>| {
        let mut p = profile(name);
        p.tier = tier;
        p.group = group.map(str::to_owned);
        p.project_dir = project.map(Path::to_owned);
        store.add(p).unwrap()
    };
    use EnvironmentTier::*;
    add(&mut store, "loose", Development, None, None);
    add(&mut store, "shop prod", Production, Some("Shop"), None);
    add(&mut store, "shop dev", Development, Some("Shop"), None);
    let billing = add(&mut store, "billing", Staging, None, Some(project.path()));
    add(&mut store, "analytics", Testing, Some("analytics"), None);
    store
        .set_group_project("Shop", Some(project.path().to_owned()))
        .unwrap();

    let sections: Vec<(Option<String>, Option<PathBuf>, Vec<String>)> = store
        .grouped()
        .into_iter()
        .map(|s| {
            (
                s.name,
                s.project_dir,
                s.profiles.into_iter().map(|p| p.name).collect(),
            )
        })
        .collect();
    let dir_of = Some(project.path().to_owned());
    assert_eq!(
        sections,
        [
            (Some("analytics".into()), None, vec!["analytics".to_owned()]),
            (
                Some("Shop".into()),
                dir_of.clone(),
                vec!["shop dev".into(), "shop prod".into()]
            ),
            (None, dir_of.clone(), vec!["billing".into()]),
            (None, None, vec!["loose".into()]),
        ]
    );
    let shop_dev = store.list().iter().find(|p| p.name == "shop dev").unwrap();
    assert_eq!(store.project_dir_of(shop_dev), Some(project.path()));
    assert_eq!(
        store.project_dir_of(store.get(&billing).unwrap()),
        Some(project.path())
    );

    let reopened = ProfileStore::open(dir.path()).unwrap();
    assert_eq!(reopened.groups(), store.groups());
    let err = store
        .set_group_project("Shop", Some(project.path().join("gone")))
        .unwrap_err();
    assert!(
        err.to_string().starts_with("projectDir: the folder"),
        "{err}"
    );
    store.set_group_project("Shop", None).unwrap();
    assert!(store.groups().is_empty());
}
