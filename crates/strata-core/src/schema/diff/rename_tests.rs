//! Unit tests of rename hints: directives and `ALTER TABLE … RENAME` statements are read, and
//! a hint pairs a drop with an add only when both sides match it.

use super::tests::{col, pg, rows, users};
use super::*;

#[test]
fn renames_are_drop_and_add_unless_hinted() {
    let mut a_users = users();
    a_users.columns.push(col("fullname", "text"));
    let mut b_people = users();
    b_people.name = "people".into();
    b_people.columns.push(col("full_name", "text"));
    let (a, b) = (pg(vec![a_users]), pg(vec![b_people]));
    assert_eq!(rows(&diff(&a, &b))[0], "people Added");
    assert!(rows(&diff(&a, &b)).contains(&"users Removed".to_owned()));

    let sql =
        "-- strata:rename users -> people\n-- strata:rename people.fullname -> people.full_name\n";
    let hints = RenameHints::from_migration(sql, DatabaseKind::Postgres).unwrap();
    let d = diff_with_renames(&a, &b, &hints);
    assert_eq!(
        rows(&d),
        ["people Changed", "people.full_name Column Changed"]
    );
    let t = &d.namespaces[0].objects[0];
    assert_eq!(t.renamed_from.as_deref(), Some("users"));
    assert_eq!(t.parts[0].renamed_from.as_deref(), Some("fullname"));
    // The down direction pairs them the other way.
    let back = diff_with_renames(&b, &a, &hints.reversed());
    assert_eq!(
        rows(&back),
        ["users Changed", "users.fullname Column Changed"]
    );
    assert_eq!(
        back.namespaces[0].objects[0].renamed_from.as_deref(),
        Some("people")
    );
}

#[test]
fn a_hint_that_does_not_match_both_sides_changes_nothing() {
    let a = pg(vec![users()]);
    let b = pg(vec![users()]);
    let hints =
        RenameHints::from_migration("-- strata:rename users -> people", DatabaseKind::Postgres)
            .unwrap();
    assert!(diff_with_renames(&a, &b, &hints).is_empty());
}

#[test]
fn renames_are_read_from_alter_table_statements() {
    let sql = "ALTER TABLE IF EXISTS ONLY public.\"Users\" RENAME TO people;\n\
               alter table people rename column FullName to full_name;\n\
               ALTER TABLE people RENAME CONSTRAINT a TO b;\n\
               UPDATE t SET x = 'ALTER TABLE a RENAME TO b';";
    let h = RenameHints::from_migration(sql, DatabaseKind::Postgres).unwrap();
    assert_eq!(
        h.tables,
        [TableRename {
            namespace: Some("public".into()),
            from: "Users".into(),
            to: "people".into()
        }]
    );
    assert_eq!(
        h.columns,
        [ColumnRename {
            namespace: None,
            table: "people".into(),
            from: "fullname".into(),
            to: "full_name".into()
        }]
    );
    let sql = "RENAME TABLE a TO b, `c` TO `d`;\nALTER TABLE b CHANGE COLUMN x y INT NOT NULL;\nALTER TABLE b CHANGE z z BIGINT;";
    let h = RenameHints::from_migration(sql, DatabaseKind::Mysql).unwrap();
    let tables: Vec<_> = h
        .tables
        .iter()
        .map(|t| (t.from.as_str(), t.to.as_str()))
        .collect();
    assert_eq!(tables, [("a", "b"), ("c", "d")]);
    let cols: Vec<_> = h
        .columns
        .iter()
        .map(|c| (c.table.as_str(), c.from.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(cols, [("b", "x", "y")]);
}

#[test]
fn a_bad_rename_directive_names_its_line() {
    let sql = "CREATE TABLE t (a int);\n-- strata:rename users.fullname users.full_name\n";
    let err = RenameHints::from_migration(sql, DatabaseKind::Postgres).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("line 2: "), "{text}");
    assert!(text.contains("no `->`"), "{text}");
    let err = RenameHints::from_migration("-- strata:rename a.x -> b.y", DatabaseKind::Sqlite)
        .unwrap_err();
    assert!(err.to_string().contains("same table"), "{err}");
}
