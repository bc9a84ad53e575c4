//! The stored-text reader's cases: names, checks, collations, generated columns, index parts,
//! predicates and view queries, and no panic on broken text.

use super::*;

#[test]
fn a_table_text_gives_checks_collations_and_names() {
    let t = parse_table(
        r#"CREATE TABLE "orders" (
id INTEGER PRIMARY KEY AUTOINCREMENT, -- a comment (with CHECK (x))
email TEXT NOT NULL COLLATE NOCASE CONSTRAINT email_unique UNIQUE,
status TEXT DEFAULT 'a,b' CHECK (status IN ('a', 'b(')),
total INTEGER GENERATED ALWAYS AS (price * 2) STORED,
[odd name] TEXT COLLATE binary REFERENCES users (id),
CONSTRAINT positive CHECK (total >= 0),
UNIQUE (status, "email"),
CONSTRAINT fk_user FOREIGN KEY (id) REFERENCES users (id) ON DELETE CASCADE
)"#,
    );
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "email", "status", "total", "odd name"]);
    assert!(t.columns[0].autoincrement);
    assert_eq!(t.columns[1].collation.as_deref(), Some("nocase"));
    assert_eq!(t.columns[4].collation, None);
    assert_eq!(t.columns[3].generated, Some(("price * 2".to_owned(), true)));
    assert_eq!(
        t.checks,
        [
            Named {
                name: None,
                value: "status IN ('a', 'b(')".to_owned()
            },
            Named {
                name: Some("positive".into()),
                value: "total >= 0".to_owned()
            }
        ]
    );
    assert_eq!(t.uniques.len(), 2);
    assert_eq!(t.uniques[0].name.as_deref(), Some("email_unique"));
    assert_eq!(t.uniques[1].value, ["status", "email"]);
    assert_eq!(t.foreign_keys.len(), 2);
    assert_eq!(t.foreign_keys[0].value, ["odd name"]);
    assert_eq!(t.foreign_keys[1].name.as_deref(), Some("fk_user"));
}

#[test]
fn index_and_view_texts() {
    let i = parse_index(
        "CREATE UNIQUE INDEX ix ON t (lower(email) DESC, name COLLATE nocase ASC, a) WHERE deleted_at IS NULL",
    );
    assert_eq!(i.parts, ["lower(email)", "name", "a"]);
    assert_eq!(i.predicate.as_deref(), Some("deleted_at IS NULL"));
    assert_eq!(
        view_query("CREATE VIEW v (a, b) AS SELECT x AS a, y FROM t"),
        "SELECT x AS a, y FROM t"
    );
    // Nothing panics on broken text.
    for s in [
        "",
        "(",
        "CREATE TABLE t (",
        "CREATE INDEX i ON",
        "'unterminated",
        "é(é",
    ] {
        parse_table(s);
        parse_index(s);
        view_query(s);
    }
}
