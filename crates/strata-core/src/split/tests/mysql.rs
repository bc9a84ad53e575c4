use super::*;

const MY: DatabaseKind = DatabaseKind::Mysql;

#[test]
fn table() {
    let cases: &[(&str, &[&str])] = &[
        // Backslash escapes in both quote styles; backticks.
        ("SELECT 'it\\'s;'; SELECT \"a\\\";b\"; SELECT `c;``d`;", &["SELECT 'it\\'s;'", "SELECT \"a\\\";b\"", "SELECT `c;``d`"]),
        ("SELECT 'it''s;'; SELECT 2", &["SELECT 'it''s;'", "SELECT 2"]),
        // `#` comments; `--` needs a space after it.
        ("SELECT 1; # one; two\nSELECT 2;", &["SELECT 1", "SELECT 2"]),
        ("SELECT 1--1;\nSELECT 2;", &["SELECT 1--1", "SELECT 2"]),
        ("SELECT 1; -- c;\nSELECT 2;", &["SELECT 1", "SELECT 2"]),
        // Block comments do not nest; executable comments are SQL.
        ("/* a /* b */ SELECT 1; SELECT 2;", &["SELECT 1", "SELECT 2"]),
        (
            "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n/*!40014 SET FOREIGN_KEY_CHECKS=0 */;",
            &["/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */", "/*!40014 SET FOREIGN_KEY_CHECKS=0 */"],
        ),
        // `$` is an identifier character.
        ("SELECT $$; SELECT 2;", &["SELECT $$", "SELECT 2"]),
        // A trigger without BEGIN … END splits normally.
        (
            "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET NEW.x = 1; SELECT 2;",
            &["CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET NEW.x = 1", "SELECT 2"],
        ),
        // A column named `delimiter` is not a DELIMITER line.
        ("CREATE TABLE t (\ndelimiter varchar(3)\n);", &["CREATE TABLE t (\ndelimiter varchar(3)\n)"]),
    ];
    for (sql, want) in cases {
        let split = checked(sql, MY);
        assert!(!split.whole_text, "{sql}");
        assert_eq!(&execs(sql, MY), want, "{sql}");
    }
}

#[test]
fn delimiter_blocks() {
    let sql = "DROP PROCEDURE IF EXISTS p;\nDELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT '//';\nEND //\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END//\nDELIMITER ;\nCALL p();\n";
    let split = checked(sql, MY);
    assert!(!split.whole_text);
    let got: Vec<(ChunkKind, &str)> = split
        .chunks
        .iter()
        .map(|c| (c.kind, c.exec_text(sql)))
        .collect();
    assert_eq!(
        got,
        [
            (ChunkKind::Statement, "DROP PROCEDURE IF EXISTS p"),
            (ChunkKind::Delimiter, "DELIMITER //"),
            (
                ChunkKind::Statement,
                "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT '//';\nEND"
            ),
            (
                ChunkKind::Statement,
                "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END"
            ),
            (ChunkKind::Delimiter, "DELIMITER ;"),
            (ChunkKind::Statement, "CALL p()"),
        ]
    );
    assert_eq!(split.chunks[1].text(sql), "DELIMITER //\n");
    assert_eq!(
        split.chunks[2].text(sql),
        "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT '//';\nEND //\n"
    );
    assert_eq!((split.chunks[2].line, split.chunks[2].column), (3, 1));
}

#[test]
fn delimiter_glued_to_end_and_mysqldump_style() {
    let sql = "delimiter $$\r\nCREATE FUNCTION f() RETURNS int DETERMINISTIC\r\nBEGIN\r\n  RETURN 1;\r\nEND$$\r\ndelimiter ;\r\n\
               DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END */;;\nDELIMITER ;\n";
    let split = checked(sql, MY);
    let got: Vec<&str> = split.statements().map(|c| c.exec_text(sql)).collect();
    assert_eq!(
        got,
        [
            "CREATE FUNCTION f() RETURNS int DETERMINISTIC\r\nBEGIN\r\n  RETURN 1;\r\nEND",
            "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END */",
        ]
    );
    assert_eq!(
        split
            .chunks
            .iter()
            .filter(|c| c.kind == ChunkKind::Delimiter)
            .count(),
        4
    );
}

#[test]
fn routine_without_delimiter_is_sent_whole() {
    let sql = "-- procedures\nDROP PROCEDURE IF EXISTS p;\nCREATE DEFINER=`app`@`%` PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  WHILE i < n DO\n    INSERT INTO t VALUES (i);\n    SET i = i + 1;\n  END WHILE;\nEND;\n\n";
    let split = checked(sql, MY);
    assert!(split.whole_text);
    let only = &split.chunks[0];
    assert_eq!(only.kind, ChunkKind::Statement);
    assert_eq!(only.range, 0..sql.len());
    assert_eq!((only.line, only.column), (2, 1));
    assert!(only.exec_text(sql).starts_with("DROP PROCEDURE"));
    assert!(only.exec_text(sql).ends_with("END WHILE;\nEND"));
    for sql in [
        "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END;",
        "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM a; END;",
        "BEGIN NOT ATOMIC SELECT 1; END;",
        "blk: BEGIN SELECT 1; END blk;",
    ] {
        let split = checked(sql, MY);
        assert!(split.whole_text, "{sql}");
    }
    for sql in [
        "BEGIN; SELECT 1; COMMIT;",
        "START TRANSACTION; SELECT 1; COMMIT",
    ] {
        assert!(!checked(sql, MY).whole_text, "{sql}");
    }
}

#[test]
fn foreign_key_checks_file() {
    let sql = "SET FOREIGN_KEY_CHECKS=0;\nDROP TABLE IF EXISTS `a`;\nCREATE TABLE `a` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(10) DEFAULT 'x;y', PRIMARY KEY (`id`)) ENGINE=InnoDB;\nSET FOREIGN_KEY_CHECKS=1;\n";
    assert_eq!(execs(sql, MY).len(), 4);
}
