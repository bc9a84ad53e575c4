//! Reading real-world migration folders in every layout Strata knows: the fixture corpus under
//! `tests/fixtures/layouts/<layout>/`, the demo project, and broken folders built on the fly.
//! Every error must name the file (and line where one applies) and say what to do.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use strata_core::checksum::sha256_normalized;
use strata_core::source::{new_migration, read_dir, Layout, MigrationKind, MigrationSet};
use strata_core::SourceError;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/layouts")
        .join(name)
}

fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// (version, name, reversible, no_transaction) in apply order.
fn summary(set: &MigrationSet) -> Vec<(String, String, bool, bool)> {
    set.migrations
        .iter()
        .map(|m| {
            (
                m.version.to_string(),
                m.name.clone(),
                m.is_reversible(),
                m.no_transaction,
            )
        })
        .collect()
}

fn rows(rows: &[Row]) -> Vec<(String, String, bool, bool)> {
    rows.iter()
        .map(|(v, n, r, t)| (v.to_string(), n.to_string(), *r, *t))
        .collect()
}

/// (version, name, reversible, no_transaction) as a table row.
type Row<'a> = (&'a str, &'a str, bool, bool);

fn notes(set: &MigrationSet) -> Vec<String> {
    set.notes().map(|n| n.to_string()).collect()
}

#[test]
fn each_layout_reads_in_its_own_tools_order() {
    let cases: [(&str, Layout, &[Row]); 6] = [
        (
            "strata",
            Layout::Strata,
            &[
                ("20240115103000", "create_users", true, false),
                ("20240116091500", "backfill_emails", true, true),
            ],
        ),
        (
            "sqlx",
            Layout::Sqlx,
            &[
                ("20240101000000", "create_users", false, false),
                ("20240102000000", "add_email", true, false),
                ("20240103000000", "index_email", false, true),
                ("20240104000000", "placeholder", false, false),
            ],
        ),
        (
            "golang-migrate",
            Layout::GolangMigrate,
            &[
                ("1", "init", true, false),
                ("2", "add_name", true, false),
                ("10", "add_index", true, false),
                ("11", "", false, false),
            ],
        ),
        (
            "dbmate",
            Layout::Dbmate,
            &[
                ("20230101000000", "create_users", true, false),
                ("20230102000000", "index_users", true, true),
                ("20230103000000", "seed_admin", false, false),
                ("20230104000000", "reserved", false, false),
            ],
        ),
        (
            "flyway",
            Layout::Flyway,
            &[
                ("1", "init", false, false),
                ("1.1", "users", false, false),
                ("1.2", "orders", true, true),
                ("1_10", "order_index", false, false),
                ("2", "archive", true, false),
                ("R__a_functions", "a_functions", false, false),
                ("R__views", "views", false, false),
            ],
        ),
        (
            "diesel",
            Layout::Diesel,
            &[
                ("00000000000000", "diesel_initial_setup", true, false),
                ("20190101000000", "create_posts", true, false),
                ("20190102103000", "index posts by title", true, true),
                ("20190103000000", "seed_posts", false, false),
            ],
        ),
    ];
    for (dir, layout, want) in cases {
        let set = read_dir(&fixture(dir), Some(layout)).unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(set.layout, layout);
        assert_eq!(summary(&set), rows(want), "{dir}");
        for m in &set.migrations {
            assert_eq!(
                m.checksum,
                sha256_normalized(&m.up.sql),
                "{dir} {}",
                m.version
            );
            assert_eq!(m.up_path, m.up.path);
            assert_eq!(m.down_path, m.down.as_ref().map(|d| d.path.clone()));
        }
    }
}

#[test]
fn detection_finds_each_layout() {
    let cases = [
        ("strata", Layout::Strata),
        ("sqlx", Layout::Sqlx),
        // golang-migrate's pairs read the same as Strata's; its layout is set in strata.toml.
        ("golang-migrate", Layout::Strata),
        ("dbmate", Layout::Dbmate),
        ("flyway", Layout::Flyway),
        ("diesel", Layout::Diesel),
    ];
    for (dir, want) in cases {
        assert_eq!(Layout::detect(&fixture(dir)).unwrap(), want, "{dir}");
    }
    for dir in ["strata", "sqlx", "dbmate", "flyway", "diesel"] {
        let detected = read_dir(&fixture(dir), None).unwrap();
        let explicit = read_dir(&fixture(dir), Some(detected.layout)).unwrap();
        assert_eq!(detected, explicit);
    }
    // golang-migrate allows an empty title, Strata does not: read under Strata's rules, the
    // folder's one such file is reported, and setting the layout reads it.
    let err = read_dir(&fixture("golang-migrate"), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("11_.up.sql") && err.contains("name after the version is empty"),
        "{err}"
    );

    let empty = tempfile::tempdir().unwrap();
    assert_eq!(Layout::detect(empty.path()).unwrap(), Layout::Strata);
    assert!(read_dir(empty.path(), None).unwrap().migrations.is_empty());
}

#[test]
fn a_mixed_folder_is_an_error_with_an_example_of_each() {
    let dir = fixture("mixed");
    let err = Layout::detect(&dir).unwrap_err();
    match &err {
        SourceError::MixedLayouts { examples, .. } => {
            let layouts: Vec<Layout> = examples.iter().map(|(l, _)| *l).collect();
            assert_eq!(layouts, [Layout::Strata, Layout::Flyway, Layout::Diesel]);
        }
        other => panic!("{other}"),
    }
    let text = read_dir(&dir, None).unwrap_err().to_string();
    assert!(
        text.contains("mixes migration layouts: strata (e.g. 1_create_users.up.sql), flyway (e.g. V2__add_orders.sql), diesel (e.g. 2019-01-01-000000_posts)")
            && text.contains("Set `layout = \"…\"` under [project] in strata.toml"),
        "{text}"
    );
    // With the layout set, the files of the other layouts are the errors.
    let text = read_dir(&dir, Some(Layout::Flyway))
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("1_create_users.up.sql") && text.contains("Rename it to V<version>"),
        "{text}"
    );
}

#[test]
fn dbmate_blocks_keep_their_file_lines() {
    let set = read_dir(&fixture("dbmate"), None).unwrap();
    let users = &set.migrations[0];
    assert_eq!(users.up.first_line, 5);
    assert!(users
        .up
        .sql
        .starts_with("-- migrate:up\ncreate table users"));
    assert!(!users.up.sql.contains("drop table"));
    let down = users.down.as_ref().unwrap();
    assert_eq!(down.first_line, 11);
    assert_eq!(down.sql, "-- migrate:down\ndrop table users;\n");
    assert_eq!(users.description.as_deref(), Some("Create users"));
    assert_eq!(users.author.as_deref(), Some("Priya Nair"));
    assert_eq!(users.up_path, users.down_path.clone().unwrap());

    let index = &set.migrations[1];
    assert_eq!(
        (index.up.first_line, index.down.as_ref().unwrap().first_line),
        (1, 4)
    );
    assert!(index.up.no_transaction && index.down.as_ref().unwrap().no_transaction);
    // The down block's description describes the down block, not the migration.
    assert_eq!(index.description, None);

    // CRLF line endings: the same blocks, the same lines, the same checksums.
    let text = std::fs::read_to_string(fixture("dbmate/20230101000000_create_users.sql")).unwrap();
    let crlf = folder(&[(
        "20230101000000_create_users.sql",
        text.replace('\n', "\r\n").as_bytes(),
    )]);
    let m = &read_dir(crlf.path(), None).unwrap().migrations[0];
    assert_eq!(m.down.as_ref().unwrap().first_line, 11);
    assert_eq!(m.checksum, users.checksum);
    assert_eq!(m.down_checksum, users.down_checksum);
}

#[test]
fn flyway_versions_undo_files_settings_and_repeatables() {
    let set = read_dir(&fixture("flyway"), None).unwrap();
    let kinds: Vec<MigrationKind> = set.migrations.iter().map(|m| m.kind).collect();
    assert_eq!(kinds[..5], [MigrationKind::Versioned; 5]);
    assert_eq!(kinds[5..], [MigrationKind::Repeatable; 2]);
    let orders = &set.migrations[2];
    assert!(orders
        .down_path
        .as_ref()
        .unwrap()
        .ends_with("U1.2__orders.sql"));
    assert!(orders.up.no_transaction && !orders.down.as_ref().unwrap().no_transaction);
    let archive = &set.migrations[4];
    assert!(archive.up_path.ends_with("release-2/V2__archive.sql"));
    assert!(archive
        .down_path
        .as_ref()
        .unwrap()
        .ends_with("release-2/U2__archive.sql"));

    // `1_1` is `1.1`, `1.0` is `1`: the same version twice is an error, and an undo pairs with
    // its migration however the version is spelled.
    let dup = folder(&[("V1_1__a.sql", b"select 1;"), ("V1.1__b.sql", b"select 1;")]);
    let err = read_dir(dup.path(), None).unwrap_err().to_string();
    assert!(
        err.contains("V1_1__a.sql")
            && err.contains("V1.1__b.sql")
            && err.contains("Give one of them a new version"),
        "{err}"
    );
    let dup = folder(&[("V1__a.sql", b"select 1;"), ("V1.0__b.sql", b"select 1;")]);
    assert!(matches!(
        read_dir(dup.path(), None),
        Err(SourceError::DuplicateVersion { .. })
    ));
    let pair = folder(&[("V1.1__a.sql", b"select 1;"), ("U1_1__a.sql", b"select 1;")]);
    let set = read_dir(pair.path(), None).unwrap();
    assert!(set.migrations[0].is_reversible());
    assert_eq!(set.migrations[0].version.as_str(), "1.1");
}

#[test]
fn diesel_folders_with_dashes_and_spaces() {
    let set = read_dir(&fixture("diesel"), None).unwrap();
    let index = &set.migrations[2];
    assert!(index
        .up_path
        .ends_with("2019-01-02-103000_index posts by title/up.sql"));
    assert!(index.up.no_transaction && index.down.as_ref().unwrap().no_transaction);
    let n = notes(&set);
    assert_eq!(n.len(), 1, "{n:#?}");
    assert!(
        n[0].contains("seed_posts/up.sql: no down part")
            && n[0].contains("Add 2019-01-03-000000_seed_posts/down.sql"),
        "{}",
        n[0]
    );
}

#[test]
fn files_with_their_own_transactions_are_read_as_they_are() {
    for (dir, file) in [
        ("strata", "20240116091500_backfill_emails.up.sql"),
        ("golang-migrate", "10_add_index.up.sql"),
        ("flyway", "release-2/V2__archive.sql"),
    ] {
        let layout = (dir == "golang-migrate").then_some(Layout::GolangMigrate);
        let set = read_dir(&fixture(dir), layout).unwrap();
        let path = fixture(dir).join(file);
        let m = set.migrations.iter().find(|m| m.up_path == path).unwrap();
        assert_eq!(m.up.sql, std::fs::read_to_string(&path).unwrap());
        assert!(m.up.sql.contains("BEGIN;") && m.up.sql.contains("COMMIT;"));
    }
}

#[test]
fn directives_are_read_from_the_leading_comments() {
    let set = read_dir(&fixture("strata"), None).unwrap();
    let backfill = &set.migrations[1];
    assert_eq!(
        backfill.description.as_deref(),
        Some("Lower-case every e-mail address (data migration, own transaction)")
    );
    assert_eq!(backfill.author.as_deref(), Some("Tomas Ortega"));
    assert_eq!(backfill.requires, ["20240115103000"]);
    assert!(backfill.no_transaction);
    assert!(!set.migrations[0].no_transaction);

    let sqlx = read_dir(&fixture("sqlx"), None).unwrap();
    assert!(
        sqlx.migrations[2].no_transaction,
        "sqlx's `-- no-transaction`"
    );
}

#[test]
fn empty_and_comment_only_parts_are_valid_no_ops_with_a_note() {
    let sqlx = notes(&read_dir(&fixture("sqlx"), None).unwrap());
    assert_eq!(sqlx.len(), 1, "{sqlx:#?}");
    assert!(
        sqlx[0]
            .contains("20240104000000_placeholder.sql:1: the up part holds only comments, a no-op"),
        "{}",
        sqlx[0]
    );

    let dbmate = notes(&read_dir(&fixture("dbmate"), None).unwrap());
    assert_eq!(dbmate.len(), 3, "{dbmate:#?}");
    assert!(
        dbmate[0].contains("20230103000000_seed_admin.sql: no down part")
            && dbmate[0].contains("Add a `-- migrate:down` block to 20230103000000_seed_admin.sql"),
        "{}",
        dbmate[0]
    );
    assert!(
        dbmate[1]
            .contains("20230104000000_reserved.sql:1: the up part holds only comments, a no-op"),
        "{}",
        dbmate[1]
    );
    assert!(
        dbmate[2].contains("20230104000000_reserved.sql: no down part"),
        "{}",
        dbmate[2]
    );

    let strata = notes(&read_dir(&fixture("strata"), None).unwrap());
    assert_eq!(strata.len(), 1, "{strata:#?}");
    assert!(
        strata[0].contains(
            "20240116091500_backfill_emails.down.sql:1: the down part holds only comments"
        ),
        "{}",
        strata[0]
    );

    // A zero-byte file is read, never skipped: an empty down part is a noted no-op, an empty
    // up part an error naming it.
    let zero = folder(&[("1_a.up.sql", b"-- nothing yet"), ("1_a.down.sql", b"")]);
    let set = read_dir(zero.path(), None).unwrap();
    assert_eq!(set.migrations.len(), 1);
    assert_eq!(
        set.migrations[0].checksum,
        sha256_normalized("-- nothing yet")
    );
    assert_eq!(notes(&set).len(), 2);
    let zero = folder(&[("1_a.up.sql", b""), ("1_a.down.sql", b"")]);
    let err = read_dir(zero.path(), None).unwrap_err().to_string();
    assert!(
        err.contains("1_a.up.sql is empty: write the migration's SQL or delete the file"),
        "{err}"
    );
}

#[test]
fn checksums_ignore_line_endings_and_bom_but_not_edits() {
    let read = |bytes: &[u8]| {
        let dir = folder(&[("1_a.up.sql", bytes)]);
        read_dir(dir.path(), None).unwrap().migrations[0]
            .checksum
            .clone()
    };
    let lf = read(b"insert into t values ('a b');\nselect 1;\n");
    assert_eq!(lf, read(b"insert into t values ('a b');\r\nselect 1;\r\n"));
    assert_eq!(lf, read(b"insert into t values ('a b');\rselect 1;\r"));
    assert_eq!(
        lf,
        read(b"\xEF\xBB\xBFinsert into t values ('a b');\r\nselect 1;\r\n")
    );
    assert_ne!(lf, read(b"insert into t values ('ab');\nselect 1;\n"));
    assert_ne!(lf, read(b"insert into t values ('a b'); \nselect 1;\n"));
}

/// Each broken folder, the layout it is read in (`None`: detected), and what the message
/// must say: the file (and line), and the way out.
#[test]
fn bad_input_is_a_precise_error() {
    type Case<'a> = (Option<Layout>, &'a [(&'a str, &'a [u8])], &'a [&'a str]);
    let cases: &[Case] = &[
        // Unparseable file names, one per layout.
        (None, &[("1-init.up.sql", b"select 1;")], &["1-init.up.sql: the name has no '_' between the version and the name", "Rename it to <version>_<name>.up.sql"]),
        (Some(Layout::Sqlx), &[("init.sql", b"select 1;")], &["init.sql: the name has no '_'", "Rename it to <version>_<name>.sql"]),
        (Some(Layout::GolangMigrate), &[("1_init.sql", b"select 1;")], &["1_init.sql: the name does not end in .up.sql or .down.sql", "Rename it to <version>_<title>.up.sql"]),
        (Some(Layout::Dbmate), &[("create.sql", b"-- migrate:up\n")], &["create.sql: the name does not start with the version", "Rename it to <version>_<name>.sql"]),
        (None, &[("V1_init.sql", b"select 1;"), ("V2__b.sql", b"select 1;")], &["V1_init.sql: the name has no '__'", "Rename it to V<version>__<description>.sql"]),
        (None, &[("V1__a.sql", b"select 1;"), ("afterMigrate.sql", b"select 1;")], &["afterMigrate.sql: the name is that of a Flyway callback", "move callbacks out of the migrations folder"]),
        (Some(Layout::Diesel), &[("create_users/up.sql", b"select 1;")], &["create_users: the version 'create' is not made of digits", "Rename it to a folder <version>_<name>"]),
        (Some(Layout::Diesel), &[("up.sql", b"select 1;")], &["up.sql: a file directly in the migrations folder", "Rename it to a folder"]),
        (None, &[("2019-01-01-000000_a/up.sql", b"select 1;"), ("2019-01-01-000000_a/extra.sql", b"select 1;")], &["extra.sql: a Diesel migration folder holds only up.sql and down.sql"]),
        (None, &[("2019-01-01-000000_a/up.sql", b"select 1;"), ("2019-01-02-000000_b/notes.txt", b"x")], &["2019-01-02-000000_b: a folder without up.sql", "add up.sql (and down.sql), or move the folder out"]),
        // Duplicate versions.
        (None, &[("2019-01-01-000000_a/up.sql", b"select 1;"), ("20190101000000_b/up.sql", b"select 1;")], &["version 20190101000000 is used twice", "2019-01-01-000000_a/up.sql", "20190101000000_b/up.sql", "Give one of them a new version"]),
        (None, &[("1_a.sql", b"-- migrate:up\n"), ("1_b.sql", b"-- migrate:up\n")], &["version 1 is used twice", "1_a.sql", "1_b.sql"]),
        (None, &[("R__views.sql", b"select 1;"), ("more/R__views.sql", b"select 1;")], &["version R__views is used twice", "more/R__views.sql"]),
        (None, &[("1_a.sql", b"select 1;"), ("1_a.down.sql", b"select 1;")], &["version 1 is used twice", "1_a.down.sql"]),
        // A down without its up.
        (Some(Layout::GolangMigrate), &[("3_x.down.sql", b"select 1;")], &["3_x.down.sql: a down part without its up part", "Add ", "3_x.up.sql"]),
        (None, &[("V1__a.sql", b"select 1;"), ("U3__c.sql", b"select 1;")], &["U3__c.sql: a down part without its up part", "V3__c.sql"]),
        (None, &[("2019-01-01-000000_a/down.sql", b"select 1;")], &["2019-01-01-000000_a/down.sql: a down part without its up part", "2019-01-01-000000_a/up.sql"]),
        // dbmate's blocks.
        (Some(Layout::Dbmate), &[("1_a.sql", b"create table t (a int);\n")], &["1_a.sql:1: SQL without a `-- migrate:up` line", "Add `-- migrate:up` above"]),
        (None, &[("1_a.sql", b"-- migrate:down\ndrop table t;\n-- migrate:up\ncreate table t (a int);\n")], &["1_a.sql:1: `-- migrate:down` comes before `-- migrate:up`", "Put the up block first"]),
        (None, &[("1_a.sql", b"set x = 1;\n-- migrate:up\nselect 1;\n")], &["1_a.sql:1: SQL before `-- migrate:up`", "Move it below"]),
        (None, &[("1_a.sql", b"-- migrate:up\nselect 1;\n-- migrate:up\nselect 2;\n")], &["1_a.sql:3: a second `-- migrate:up` line", "new migration"]),
        (None, &[("1_a.sql", b"-- migrate:up transaction:flase\nselect 1;\n")], &["1_a.sql:1: unknown dbmate option `transaction:flase`", "fix the spelling"]),
        // Flyway and Diesel settings.
        (None, &[("V1__a.sql", b"select 1;"), ("V2__b.sql.conf", b"executeInTransaction=false\n")], &["V2__b.sql.conf: Flyway settings for V2__b.sql, which is not in the migrations folder", "Rename it after its migration file"]),
        (None, &[("V1__a.sql", b"select 1;"), ("V1__a.sql.conf", b"# x\nexecuteInTransaction=no\n")], &["V1__a.sql.conf:2: executeInTransaction is `no`; it must be true or false"]),
        (None, &[("2019-01-01-000000_a/up.sql", b"select 1;"), ("2019-01-01-000000_a/metadata.toml", b"run_in_transaction = nope\n")], &["metadata.toml:1: run_in_transaction is `nope`; it must be true or false"]),
        // Directives.
        (None, &[("1_a.up.sql", b"-- strata:author Maya\n-- strata:no-transacton\nselect 1;\n")], &["1_a.up.sql:2: unknown directive `-- strata:no-transacton`", "fix the spelling"]),
        (None, &[("1_a.up.sql", b"select 1;"), ("2_b.up.sql", b"\n-- strata:requires 7\nselect 1;\n")], &["2_b.up.sql:2: `-- strata:requires 7` names a version that is not in the migrations folder", "add that migration, or remove the directive"]),
        (None, &[("1_a.sql", b"-- migrate:up\nselect 1;\n-- migrate:down\n-- strata:descripton x\n")], &["1_a.sql:4: unknown directive `-- strata:descripton`"]),
        // Encodings.
        (None, &[("1_a.up.sql", b"-- Caf\xE9\nselect 1;\n")], &["1_a.up.sql:1: the byte 0xE9 at offset 6 is not valid UTF-8", "save the file as UTF-8"]),
        (None, &[("1_a.up.sql", b"select 1;\r\n\r\nselect '\xFF';\n")], &["1_a.up.sql:3: the byte 0xFF at offset 21 is not valid UTF-8"]),
        (None, &[("V1__a.sql", b"\xFF\xFEs\x00")], &["V1__a.sql: the file is UTF-16", "save the file as UTF-8"]),
        // Folders where the layout has none.
        (None, &[("1_a.up.sql", b"select 1;"), ("archive/old.txt", b"x")], &["archive: folders inside the migrations folder are not read in the strata layout", "Move its files up one level"]),
    ];
    for (layout, files, want) in cases {
        let dir = folder(files);
        let err = match read_dir(dir.path(), *layout) {
            Ok(set) => panic!("{files:?} read as {:?}", summary(&set)),
            Err(e) => e.to_string(),
        };
        for w in *want {
            assert!(err.contains(w), "{files:?}\n  wanted: {w}\n  got:    {err}");
        }
    }
}

#[test]
fn the_demo_project() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let set = read_dir(&dir, None).unwrap();
    assert_eq!(set.layout, Layout::Strata);
    assert_eq!(set.migrations.len(), 15);
    assert_eq!(set.migrations[0].name, "create_users");
    assert_eq!(notes(&set), Vec::<String>::new());
    for m in &set.migrations {
        assert!(m.is_reversible(), "{}", m.version);
        assert!(
            m.description.as_deref().is_some_and(|d| !d.is_empty()),
            "{}",
            m.version
        );
        assert!(
            m.author.as_deref().is_some_and(|a| !a.is_empty()),
            "{}",
            m.version
        );
        assert_eq!(m.kind, MigrationKind::Versioned);
        assert!(!m.no_transaction);
    }
    assert!(set
        .migrations
        .windows(2)
        .all(|w| w[0].version < w[1].version));
    assert_eq!(
        set.migrations[0].description.as_deref(),
        Some("Create the users table: one row per customer or staff account")
    );
    assert_eq!(set.migrations[0].author.as_deref(), Some("Maya Chen"));
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn new_migration_creates_a_pair_with_a_fresh_version() {
    let dir = tempfile::tempdir().unwrap();
    let created = new_migration(dir.path(), None, "Create Users", at(1_705_314_600)).unwrap();
    assert_eq!(created.version.as_str(), "20240115103000");
    assert_eq!(created.name, "create_users");
    assert_eq!(
        created.up_path,
        dir.path().join("20240115103000_create_users.up.sql")
    );
    assert_eq!(
        created.down_path,
        dir.path().join("20240115103000_create_users.down.sql")
    );
    let up = std::fs::read_to_string(&created.up_path).unwrap();
    assert_eq!(up.lines().count(), 1);
    assert!(up.starts_with("-- "), "{up}");

    // The same second again: one more, never the same version.
    let again = new_migration(dir.path(), None, "add email", at(1_705_314_600)).unwrap();
    assert_eq!(again.version.as_str(), "20240115103001");
    // The clock behind the newest version: one more than the newest.
    let behind = new_migration(dir.path(), None, "add phone", at(1_000_000_000)).unwrap();
    assert_eq!(behind.version.as_str(), "20240115103002");

    let set = read_dir(dir.path(), None).unwrap();
    let names: Vec<&str> = set.migrations.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["create_users", "add_email", "add_phone"]);
    assert!(set.migrations.iter().all(|m| m.is_reversible()));
}

#[test]
fn new_migration_refuses_what_it_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let err = new_migration(dir.path(), None, "  !!! ", SystemTime::now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("'  !!! ' is not usable as a migration name")
            && err.contains("Use a few words"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let flyway = fixture("flyway");
    let err = new_migration(&flyway, None, "x", SystemTime::now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not supported in the flyway layout yet")
            && err.contains("Create the files by hand"),
        "{err}"
    );

    // golang-migrate and sqlx get a reversible pair too.
    let golang = tempfile::tempdir().unwrap();
    std::fs::write(golang.path().join("1_init.up.sql"), "select 1;").unwrap();
    let created = new_migration(
        golang.path(),
        Some(Layout::GolangMigrate),
        "next",
        at(1_705_314_600),
    )
    .unwrap();
    assert!(created.up_path.ends_with("20240115103000_next.up.sql"));
    let sqlx = tempfile::tempdir().unwrap();
    std::fs::write(sqlx.path().join("20990101000000_init.sql"), "select 1;").unwrap();
    let created = new_migration(sqlx.path(), None, "next", at(1_705_314_600)).unwrap();
    assert!(created.down_path.ends_with("20990101000001_next.down.sql"));
    assert_eq!(read_dir(sqlx.path(), None).unwrap().layout, Layout::Sqlx);
}
