//! What other tools' history rows mean, and which files an adoption imports: pure tables.

use super::*;

fn row(version: Option<&str>, description: &str, ok: bool, kind: &str) -> ForeignRow {
    ForeignRow {
        version: version.map(str::to_owned),
        description: Some(description.to_owned()),
        ok,
        kind: Some(kind.to_owned()),
    }
}

fn versions(h: &ForeignHistory) -> Vec<(&str, bool, bool)> {
    (h.versions.iter())
        .map(|e| (e.version.as_str(), e.ok, e.covers_older))
        .collect()
}

#[test]
fn flyway_rows_replay_in_installed_order() {
    let rows = vec![
        row(Some("0"), "<< Flyway Schema Creation >>", true, "SCHEMA"),
        row(Some("1"), "<< Flyway Baseline >>", true, "BASELINE"),
        row(Some("2"), "create users", true, "SQL"),
        row(Some("3"), "add phone", true, "SQL"),
        row(None, "refresh views", true, "SQL"),
        row(Some("3"), "add phone", true, "UNDO_SQL"),
        row(Some("4"), "gone", true, "SQL"),
        row(Some("4"), "gone", true, "DELETE"),
        row(None, "refresh views", true, "SQL"),
        row(Some("5"), "broken", false, "SQL"),
    ];
    let h = interpret(ForeignTable::Flyway, false, rows);
    assert_eq!(h.tool, ForeignTool::Flyway);
    assert_eq!(
        versions(&h),
        [
            ("1", true, true),
            ("2", true, false),
            ("R__refresh views", true, false),
            ("5", false, false)
        ]
    );
    assert_eq!(h.failed().unwrap().version, "5");
    assert!(h.to_string().contains("5 (failed)"), "{h}");
}

#[test]
fn schema_migrations_is_dbmate_or_golang_migrate() {
    let plain = |v: &str| ForeignRow {
        version: Some(v.to_owned()),
        description: None,
        ok: true,
        kind: None,
    };
    let h = interpret(
        ForeignTable::SchemaMigrations,
        false,
        vec![plain("1"), plain("2")],
    );
    assert_eq!(h.tool, ForeignTool::Dbmate);
    assert_eq!(versions(&h), [("1", true, false), ("2", true, false)]);
    assert_eq!(
        h.to_string(),
        "dbmate's schema_migrations records versions 1, 2"
    );
    let h = interpret(ForeignTable::SchemaMigrations, true, vec![plain("7")]);
    assert_eq!(h.tool, ForeignTool::GolangMigrate);
    assert_eq!(versions(&h), [("7", true, true)]);
}

fn folder(names: &[&str]) -> (tempfile::TempDir, MigrationSet) {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        std::fs::write(dir.path().join(name), "select 1;\n").unwrap();
    }
    let set = crate::source::read_dir(dir.path(), None).unwrap();
    (dir, set)
}

fn history(tool: ForeignTool, entries: &[(&str, bool, bool)]) -> ForeignHistory {
    ForeignHistory {
        tool,
        table: "t".into(),
        versions: (entries.iter())
            .map(|(v, ok, covers)| ForeignEntry {
                version: (*v).to_owned(),
                description: None,
                ok: *ok,
                covers_older: *covers,
            })
            .collect(),
        also_found: vec![],
    }
}

#[test]
fn imports_what_the_history_records() {
    let (_d, set) = folder(&["0001_a.sql", "0002_b.sql", "0003_c.sql", "0004_d.sql"]);
    // sqlx stores the number: 1 is 0001. 2 was never applied (out of order after adopting).
    let (chosen, skipped) = plan_import(
        &set,
        &history(ForeignTool::Sqlx, &[("1", true, false), ("3", true, false)]),
    )
    .unwrap();
    let got: Vec<&str> = chosen.iter().map(|m| m.version.as_str()).collect();
    assert_eq!(got, ["0001", "0003"]);
    assert_eq!(skipped, ["0002"]);
    // golang-migrate's current version stands for everything up to it.
    let (chosen, skipped) = plan_import(
        &set,
        &history(ForeignTool::GolangMigrate, &[("3", true, true)]),
    )
    .unwrap();
    assert_eq!(chosen.len(), 3);
    assert!(skipped.is_empty());
}

#[test]
fn refuses_failed_entries_and_versions_without_files() {
    let (_d, set) = folder(&["1_a.sql", "2_b.sql"]);
    let err = plan_import(
        &set,
        &history(ForeignTool::GolangMigrate, &[("2", false, true)]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("records 2 as dirty") && err.contains("migrate force 2"),
        "{err}"
    );
    let err = plan_import(
        &set,
        &history(
            ForeignTool::Dbmate,
            &[("1", true, false), ("9", true, false), ("10", true, false)],
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("records 9, 10 that the migrations folder"),
        "{err}"
    );
}
