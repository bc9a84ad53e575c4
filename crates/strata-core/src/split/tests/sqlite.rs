use super::*;

const LITE: DatabaseKind = DatabaseKind::Sqlite;

#[test]
fn table() {
    let cases: &[(&str, &[&str])] = &[
        ("SELECT 'a;b'; SELECT \"c;d\" FROM [e;f]; SELECT `g;h`", &["SELECT 'a;b'", "SELECT \"c;d\" FROM [e;f]", "SELECT `g;h`"]),
        // Backslashes are not escapes in SQLite.
        ("SELECT 'a\\'; SELECT 2", &["SELECT 'a\\'", "SELECT 2"]),
        // Block comments do not nest.
        ("/* a /* b */ SELECT 1; SELECT 2;", &["SELECT 1", "SELECT 2"]),
        // Transactions: BEGIN and END are plain statements outside a trigger.
        ("BEGIN; CREATE TABLE a (x); END TRANSACTION;", &["BEGIN", "CREATE TABLE a (x)", "END TRANSACTION"]),
        (
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (NEW.x); DELETE FROM c; END; SELECT 1;",
            &["CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (NEW.x); DELETE FROM c; END", "SELECT 1"],
        ),
        // CASE … END inside the trigger body, and in its WHEN clause.
        (
            "CREATE TEMP TRIGGER IF NOT EXISTS t BEFORE UPDATE ON a WHEN CASE WHEN NEW.x THEN 1 END BEGIN\n  UPDATE b SET y = CASE WHEN NEW.x > 0 THEN 'pos;' ELSE 'neg' END;\n  SELECT RAISE(ABORT, 'no; way') WHERE NEW.end IS NULL;\nEND;\nSELECT 2;",
            &[
                "CREATE TEMP TRIGGER IF NOT EXISTS t BEFORE UPDATE ON a WHEN CASE WHEN NEW.x THEN 1 END BEGIN\n  UPDATE b SET y = CASE WHEN NEW.x > 0 THEN 'pos;' ELSE 'neg' END;\n  SELECT RAISE(ABORT, 'no; way') WHERE NEW.end IS NULL;\nEND",
                "SELECT 2",
            ],
        ),
        // An unfinished trigger keeps the rest of the file.
        ("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2;", &["CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2;"]),
        // `$` is not a dollar quote, and `#` is not a comment.
        ("SELECT $a; SELECT 1 # 2;", &["SELECT $a", "SELECT 1 # 2"]),
    ];
    for (sql, want) in cases {
        assert_eq!(&execs(sql, LITE), want, "{sql}");
    }
}
