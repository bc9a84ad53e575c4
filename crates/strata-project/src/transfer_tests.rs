//! Export files never hold a password; imports take fresh ids, rename clashes and report
//! each profile they refuse.

use strata_core::DatabaseKind;

use super::*;
use crate::credentials::{CredentialKey, CredentialStore, MemoryStore};
use crate::environment::EnvironmentTier;

const PASSWORD: &str = "Sup3r-s3cret-Pa55";

fn profile(name: &str) -> ConnectionProfile {
    let mut p = ConnectionProfile::new(name, DatabaseKind::Mysql, EnvironmentTier::Staging);
    p.host = "db.example.com".into();
    p.database = "shop".into();
    p
}

fn store(dir: &tempfile::TempDir) -> ProfileStore {
    ProfileStore::open(&dir.path().join("config")).unwrap()
}

#[test]
fn an_export_never_contains_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&dir);
    let keychain = MemoryStore::new();
    // The way a password enters Strata: pasted in a URL, then into the keychain.
    let url = format!("postgres://app:{PASSWORD}@db.example.com/shop?password={PASSWORD}");
    let (mut pasted, secret) = crate::url::parse_url(&url).unwrap();
    pasted.name = "pasted".into();
    let key = CredentialKey::for_connection("debug", &pasted.id);
    keychain.set(&key, &secret.unwrap()).unwrap();
    store.add(pasted).unwrap();
    // A hand-edited profile with a password parameter (validation keeps these out).
    let mut edited = profile("edited");
    edited.options = vec![
        ("charset".into(), "utf8mb4".into()),
        ("password".into(), PASSWORD.into()),
    ];

    let path = dir.path().join("shared").join("connections export.json");
    let mut all = store.list().to_vec();
    all.push(edited);
    export(&path, &all).unwrap();

    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        !text.contains(PASSWORD),
        "the export holds the password:\n{text}"
    );
    assert!(!text.contains("Sup3r"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["strataConnections"], 1);
    assert_eq!(json["profiles"].as_array().unwrap().len(), 2);
    assert_eq!(
        json["profiles"][1]["options"],
        serde_json::json!([["charset", "utf8mb4"]])
    );
    assert_eq!(
        keychain.get(&key).unwrap().unwrap().expose(),
        PASSWORD,
        "the keychain keeps it"
    );
}

#[test]
fn export_then_import_round_trips_with_fresh_ids_and_renamed_clashes() {
    let dir = tempfile::tempdir().unwrap();
    let mut source = store(&dir);
    let mut hostile = profile("O'Brien \"prod\" 数据库 🚀");
    hostile.tier = EnvironmentTier::Production;
    hostile.protection = crate::profile::Protection::for_tier(EnvironmentTier::Production);
    hostile.user = "u\"@:/ü".repeat(100);
    hostile.colour = Some("#d93025".into());
    source.add(hostile.clone()).unwrap();
    source.add(profile("plain")).unwrap();
    let path = dir.path().join("export.json");
    export(&path, source.list()).unwrap();

    // Into the same store: everything clashes by name.
    let report = import(&path, &mut source).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let names: Vec<_> = report.imported.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["O'Brien \"prod\" 数据库 🚀 (2)", "plain (2)"]);
    assert_eq!(report.imported[0].original_name, hostile.name);
    let copy = source.get(&report.imported[0].id).unwrap();
    assert_ne!(copy.id, hostile.id);
    let mut expected = hostile.clone();
    expected.id = copy.id.clone();
    expected.name = copy.name.clone();
    assert_eq!(
        copy, &expected,
        "everything but id and name comes back exactly"
    );

    // Once more: "(3)".
    let again = import(&path, &mut source).unwrap();
    assert_eq!(again.imported[1].name, "plain (3)");

    // Into an empty store: names kept as they are.
    let other = tempfile::tempdir().unwrap();
    let mut fresh = store(&other);
    let report = import(&path, &mut fresh).unwrap();
    assert_eq!(report.imported[0].name, hostile.name);
    assert_eq!(fresh.list().len(), 2);
}

#[test]
fn an_import_reports_each_profile_it_refuses_and_takes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut good = serde_json::to_value(profile("good")).unwrap();
    good["id"] = "clashes-with-nothing".into();
    let mut bad_host = serde_json::to_value(profile("bad host")).unwrap();
    bad_host["host"] = "not a host".into();
    bad_host["port"] = 0.into();
    let mut with_password = serde_json::to_value(profile("sneaky")).unwrap();
    with_password["options"] = serde_json::json!([["password", PASSWORD]]);
    let text = serde_json::json!({
        "strataConnections": 1,
        "profiles": [good, bad_host, {"name": "future", "engine": "oracle"}, with_password, 42],
    });
    let path = dir.path().join("in.json");
    std::fs::write(&path, text.to_string()).unwrap();
    let mut store = store(&dir);
    let report = import(&path, &mut store).unwrap();

    assert_eq!(report.imported.len(), 1);
    assert_ne!(
        report.imported[0].id, "clashes-with-nothing",
        "ids are always fresh"
    );
    let rejected: Vec<_> = report
        .rejected
        .iter()
        .map(|r| {
            (
                r.index,
                r.name.as_deref(),
                r.errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (1, Some("bad host"), vec!["host", "port"]),
            (2, Some("future"), vec!["profile"]),
            (3, Some("sneaky"), vec!["options"]),
            (4, None, vec!["profile"]),
        ]
    );
    assert!(report.rejected[1].errors[0]
        .message
        .contains("unknown variant `oracle`"));
    let saved = std::fs::read_to_string(store.path()).unwrap();
    assert!(!saved.contains(PASSWORD));
    assert_eq!(store.list().len(), 1);
}

#[test]
fn files_that_are_not_exports_are_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&dir);
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let err = import(
        &write("a.json", "{\"format\": 1, \"profiles\": []}"),
        &mut store,
    )
    .unwrap_err();
    assert!(matches!(err, TransferError::NotAnExport { .. }), "{err:?}");
    let err = import(
        &write("b.json", "{\"strataConnections\": 2, \"profiles\": 7}"),
        &mut store,
    )
    .unwrap_err();
    assert!(
        matches!(err, TransferError::NewerFormat { found: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer Strata"));
    let err = import(
        &write(
            "c.json",
            "{\n\"strataConnections\": 1,\n\"profiles\": [,]\n}",
        ),
        &mut store,
    )
    .unwrap_err();
    assert!(
        matches!(err, TransferError::Unreadable { line: 3, .. }),
        "{err:?}"
    );
    let err = import(&dir.path().join("missing.json"), &mut store).unwrap_err();
    assert!(matches!(err, TransferError::Read { .. }), "{err:?}");
    assert!(store.list().is_empty());
}
