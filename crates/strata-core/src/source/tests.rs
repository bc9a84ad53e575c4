//! `read_dir` on small folders built in a temporary directory: placement, pairing, duplicates,
//! detection and notes. The fixture corpus of real-world layouts is in `tests/sources.rs`.

use std::path::Path;

use super::*;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn sql(names: &[&str]) -> tempfile::TempDir {
    folder(
        &names
            .iter()
            .map(|n| (*n, "select 1;\n"))
            .collect::<Vec<_>>(),
    )
}

fn versions(set: &MigrationSet) -> Vec<(&str, &str, bool)> {
    set.migrations
        .iter()
        .map(|m| (m.version.as_str(), m.name.as_str(), m.is_reversible()))
        .collect()
}

#[test]
fn reads_pairs_in_numeric_order() {
    let dir = sql(&[
        "10_ten.up.sql",
        "10_ten.down.sql",
        "9_nine.up.sql",
        "0100_hundred.up.sql",
        "README.md",
        ".hidden.sql",
    ]);
    let set = read_dir(dir.path(), None).unwrap();
    assert_eq!(set.layout, Layout::Strata);
    assert_eq!(
        versions(&set),
        [
            ("9", "nine", false),
            ("10", "ten", true),
            ("0100", "hundred", false)
        ]
    );
    let ten = &set.migrations[1];
    assert_eq!(ten.up.sql, "select 1;\n");
    assert_eq!(ten.up.first_line, 1);
    assert_eq!(
        ten.checksum,
        crate::checksum::sha256_normalized("select 1;\n")
    );
    assert_eq!(ten.down_checksum.as_deref(), Some(ten.checksum.as_str()));
    assert_eq!(ten.kind, MigrationKind::Versioned);
}

#[test]
fn every_sql_file_must_fit() {
    let dir = sql(&["1_a.up.sql", "notes.sql"]);
    let err = read_dir(dir.path(), None).unwrap_err();
    assert!(matches!(err, SourceError::BadFileName { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("notes.sql") && text.contains("Rename it to"),
        "{text}"
    );
}

#[test]
fn duplicate_versions_are_named() {
    for files in [
        &["1_a.up.sql", "1_b.up.sql"][..],
        &["1_a.up.sql", "01_a.up.sql"][..],
        &["1_a.up.sql", "1_b.down.sql"][..],
    ] {
        let dir = sql(files);
        let err = read_dir(dir.path(), None).unwrap_err();
        assert!(
            matches!(err, SourceError::DuplicateVersion { .. }),
            "{files:?}: {err}"
        );
        let text = err.to_string();
        assert!(
            text.contains(files[0]) && text.contains(files[1]) && text.contains("new version"),
            "{text}"
        );
    }
}

#[test]
fn down_without_up_is_an_error() {
    let dir = sql(&["1_a.up.sql", "2_b.down.sql"]);
    let err = read_dir(dir.path(), None).unwrap_err().to_string();
    assert!(
        err.contains("2_b.down.sql") && err.contains("Add") && err.contains("2_b.up.sql"),
        "{err}"
    );
}

#[test]
fn missing_folder_is_named() {
    let err = read_dir(Path::new("/no/such/strata/folder"), None).unwrap_err();
    assert!(err.to_string().contains("/no/such/strata/folder"), "{err}");
}

#[test]
fn folders_are_errors_outside_diesel_and_flyway() {
    let dir = sql(&["1_a.up.sql", "old/2_b.up.sql"]);
    let err = read_dir(dir.path(), Some(Layout::Strata))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("old") && err.contains("Move its files"),
        "{err}"
    );
}

#[test]
fn comment_only_parts_and_empty_downs_are_noted_no_ops() {
    let dir = folder(&[
        ("1_a.up.sql", "-- reserved: intentionally nothing\n"),
        ("1_a.down.sql", ""),
        ("2_b.up.sql", "select 1;\n-- strata:no-transaction\n"),
        ("2_b.down.sql", "-- nothing to undo\n"),
    ]);
    let set = read_dir(dir.path(), None).unwrap();
    let notes: Vec<String> = set.notes().map(|n| n.to_string()).collect();
    assert_eq!(notes.len(), 4, "{notes:#?}");
    assert!(notes[0].ends_with("1_a.up.sql:1: the up part holds only comments, a no-op: applying it changes nothing but is recorded as applied. Write its SQL, or keep it if that is intended."), "{}", notes[0]);
    assert!(
        notes[1].contains("1_a.down.sql:1: the down part is empty, a no-op"),
        "{}",
        notes[1]
    );
    assert!(notes[2].contains("2_b.up.sql:2: `-- strata:no-transaction` comes after the first SQL statement, so it is not read"), "{}", notes[2]);
    assert!(
        notes[3].contains("2_b.down.sql:1: the down part holds only comments, a no-op"),
        "{}",
        notes[3]
    );
    assert!(!set.migrations[1].no_transaction);
}

#[test]
fn a_blank_up_part_is_an_error_in_every_layout() {
    let cases: [(Option<Layout>, &str, &str); 8] = [
        (None, "1_a.up.sql", ""),
        (None, "1_a.up.sql", " \n\t\r\n"),
        (None, "1_a.up.sql", "\u{feff}"),
        (Some(Layout::Sqlx), "1_a.sql", ""),
        (Some(Layout::Dbmate), "1_a.sql", "\n"),
        (None, "V1__a.sql", ""),
        (None, "R__views.sql", "\n\n"),
        (None, "2019-01-01-000000_a/up.sql", ""),
    ];
    for (layout, name, text) in cases {
        let dir = folder(&[(name, text)]);
        let err = read_dir(dir.path(), layout).unwrap_err();
        assert!(matches!(err, SourceError::EmptyUp { .. }), "{name}: {err}");
        let text = err.to_string();
        assert!(
            text.contains(&format!(
                "{name} is empty: write the migration's SQL or delete the file"
            )),
            "{text}"
        );
    }
    // dbmate: an empty `-- migrate:up` block is a line of comment, a noted no-op.
    let dir = folder(&[("1_a.sql", "-- migrate:up\n\n-- migrate:down\n")]);
    let set = read_dir(dir.path(), Some(Layout::Dbmate)).unwrap();
    assert!(set
        .notes()
        .any(|n| n.message.contains("the up part holds only comments")));
}

#[test]
fn requires_must_name_an_earlier_migration() {
    let ok = folder(&[
        ("1_a.up.sql", "select 1;"),
        ("2_b.up.sql", "-- strata:requires 01\nselect 2;"),
    ]);
    let set = read_dir(ok.path(), None).unwrap();
    assert_eq!(set.migrations[1].requires, ["01"]);

    let later = folder(&[
        ("1_a.up.sql", "-- strata:requires 2\nselect 1;"),
        ("2_b.up.sql", "select 2;"),
    ]);
    let err = read_dir(later.path(), None).unwrap_err().to_string();
    assert!(
        err.contains("1_a.up.sql:1:") && err.contains("applied after this one"),
        "{err}"
    );

    let down = folder(&[
        ("1_a.up.sql", "select 1;"),
        ("2_b.up.sql", "select 2;"),
        ("2_b.down.sql", "-- strata:requires 1\nselect 2;"),
    ]);
    let err = read_dir(down.path(), None).unwrap_err().to_string();
    assert!(
        err.contains("2_b.down.sql:1:") && err.contains("up part only"),
        "{err}"
    );
}

#[test]
fn directives_reach_the_migration() {
    let dir = folder(&[(
        "1_a.up.sql",
        "\u{feff}-- strata:description Index orders\r\n-- strata:author Priya\r\n-- strata:no-transaction\r\ncreate index concurrently i on orders (id);\r\n",
    )]);
    let m = &read_dir(dir.path(), None).unwrap().migrations[0];
    assert_eq!(m.description.as_deref(), Some("Index orders"));
    assert_eq!(m.author.as_deref(), Some("Priya"));
    assert!(m.no_transaction && m.up.no_transaction);
    assert!(!m.up.sql.starts_with('\u{feff}'));
    let json = serde_json::to_value(m).unwrap();
    assert_eq!(json["version"], "1");
    assert_eq!(json["noTransaction"], true);
    assert_eq!(json["kind"], "versioned");
    assert!(json.get("up").is_none() && json.get("sql").is_none());
}

#[test]
fn detection_in_short() {
    let cases: [(&[(&str, &str)], Layout); 7] = [
        (&[], Layout::Strata),
        (&[("1_a.up.sql", "select 1;")], Layout::Strata),
        (
            &[("1_a.up.sql", "select 1;"), ("2_b.sql", "select 2;")],
            Layout::Sqlx,
        ),
        (&[("2_b.sql", "")], Layout::Sqlx),
        (
            &[("2_b.sql", "-- migrate:up\nselect 1;\n"), ("3_c.sql", "")],
            Layout::Dbmate,
        ),
        (
            &[("V1__a.sql", "select 1;"), ("deep/R__b.sql", "select 1;")],
            Layout::Flyway,
        ),
        (
            &[("2019-01-01-000000_a/up.sql", "select 1;")],
            Layout::Diesel,
        ),
    ];
    for (files, want) in cases {
        let dir = folder(files);
        assert_eq!(Layout::detect(dir.path()).unwrap(), want, "{files:?}");
    }
}

/// A folder big enough to be read by several threads (on a machine with more than one core)
/// reads as one read file by file would: numeric order, each part with its own text and
/// checksum, and of two unreadable files the first in apply order is the one named.
#[test]
fn a_large_folder_reads_in_order_with_the_first_error() {
    let files: Vec<(String, String)> = (1..=1200)
        .flat_map(|i| {
            [
                (
                    format!("{i}_m{i}.up.sql"),
                    format!("create table t{i} (id int);\n"),
                ),
                (format!("{i}_m{i}.down.sql"), format!("drop table t{i};\n")),
            ]
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = folder(&refs);
    let set = read_dir(dir.path(), Some(Layout::Strata)).unwrap();
    assert_eq!(set.migrations.len(), 1200);
    for (i, m) in (1..=1200).zip(&set.migrations) {
        let up = format!("create table t{i} (id int);\n");
        assert_eq!(
            (m.version.as_str(), m.name.as_str()),
            (i.to_string().as_str(), format!("m{i}").as_str())
        );
        assert_eq!(
            (m.up.sql.as_str(), m.checksum.as_str()),
            (up.as_str(), sha256_normalized(&up).as_str())
        );
        let down = m.down.as_ref().expect("every migration has a down part");
        assert_eq!(down.sql, format!("drop table t{i};\n"));
        assert_eq!(
            m.down_checksum.as_deref(),
            Some(sha256_normalized(&down.sql).as_str())
        );
    }
    for bad in ["1100_m1100.down.sql", "400_m400.up.sql"] {
        std::fs::write(dir.path().join(bad), b"select '\xE9';\n").unwrap();
    }
    match read_dir(dir.path(), Some(Layout::Strata)) {
        Err(SourceError::InvalidUtf8 { path, .. }) => {
            assert_eq!(path, dir.path().join("400_m400.up.sql"))
        }
        other => panic!("{other:?}"),
    }
}
