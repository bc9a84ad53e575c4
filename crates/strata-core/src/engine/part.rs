//! A migration part as the executor sends it: the dialect's split into statements, each with
//! where it starts in its file, and what the splitter found in them. The executor and every
//! host (the app's SQL and Checks tabs, a dry run) see the same statements through here.

use serde::Serialize;

use crate::dialect::DatabaseKind;
use crate::executor::StepStatement;
use crate::split::{self, ChunkKind, Finding};

/// Something the splitter found in one statement of a part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PartFinding {
    /// 1-based position of the statement among the part's statements (as
    /// [`part_statements`] lists them).
    pub statement: u32,
    /// 1-based line and column in the file where that statement starts.
    pub line: u32,
    pub column: u32,
    pub finding: Finding,
}

/// The statements of one part, split by the dialect's rules, with the 1-based file line and
/// column of each start (`first_line` is the part's first line in its file), and the
/// splitter's findings in statement order: whether it must run outside a transaction
/// ([`Finding::CannotRunInTransaction`], [`Finding::TransactionControl`]), MySQL implicit
/// commits, data loss, … ([`Finding::code`] tells them apart; [`part_findings`] says which
/// statement each is about).
pub fn part_statements(
    sql: &str,
    first_line: u32,
    dialect: DatabaseKind,
) -> (Vec<StepStatement>, Vec<Finding>) {
    let (statements, findings) = split_part(sql, first_line, dialect);
    (
        statements,
        findings.into_iter().map(|f| f.finding).collect(),
    )
}

/// The findings of [`part_statements`] (same split, same order), each with the statement it
/// is about and where that statement starts in the file.
pub fn part_findings(sql: &str, first_line: u32, dialect: DatabaseKind) -> Vec<PartFinding> {
    split_part(sql, first_line, dialect).1
}

fn split_part(
    sql: &str,
    first_line: u32,
    dialect: DatabaseKind,
) -> (Vec<StepStatement>, Vec<PartFinding>) {
    let split = split::split(sql, dialect);
    // The statement ordinal (1-based) of each chunk; trivia and delimiter chunks have none.
    let mut ordinal = 0u32;
    let ordinals: Vec<u32> = (split.chunks.iter())
        .map(|c| {
            ordinal += u32::from(c.kind == ChunkKind::Statement);
            ordinal
        })
        .collect();
    let line = |c: &split::Chunk| c.line + first_line - 1;
    let findings = split::analyze_split(sql, &split, dialect)
        .into_iter()
        .map(|(i, finding)| {
            let chunk = &split.chunks[i];
            PartFinding {
                statement: ordinals[i],
                line: line(chunk),
                column: chunk.column,
                finding,
            }
        })
        .collect();
    let statements = split
        .statements()
        .map(|c| StepStatement {
            sql: c.exec_text(sql).to_owned(),
            line: line(c),
            column: c.column,
        })
        .collect();
    (statements, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_and_findings_carry_their_file_lines() {
        let sql = "-- a comment\nCREATE TABLE t (id INT);\n\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nDROP TABLE old;\n";
        let (statements, findings) = part_statements(sql, 3, DatabaseKind::Postgres);
        let at: Vec<(u32, u32)> = statements.iter().map(|s| (s.line, s.column)).collect();
        assert_eq!(at, [(4, 1), (6, 1), (7, 1)], "{statements:?}");
        assert_eq!(
            statements[1].sql,
            "CREATE INDEX CONCURRENTLY t_id ON t (id)"
        );
        let located = part_findings(sql, 3, DatabaseKind::Postgres);
        assert_eq!(
            located
                .iter()
                .map(|f| f.finding.clone())
                .collect::<Vec<_>>(),
            findings,
            "part_findings lists part_statements' findings in the same order"
        );
        let codes: Vec<(u32, u32, &str)> = (located.iter())
            .map(|f| (f.statement, f.line, f.finding.code()))
            .collect();
        assert!(
            codes.contains(&(2, 6, "cannot-run-in-transaction")),
            "{codes:?}"
        );
        assert!(codes.contains(&(3, 7, "drops-data")), "{codes:?}");
    }

    #[test]
    fn mysql_ddl_is_found_to_commit_implicitly() {
        let sql = "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\n";
        let located = part_findings(sql, 1, DatabaseKind::Mysql);
        let codes: Vec<(u32, &str)> = (located.iter())
            .map(|f| (f.statement, f.finding.code()))
            .collect();
        assert_eq!(codes, [(1, "implicit-commit")], "{located:?}");
        assert!(part_findings(sql, 1, DatabaseKind::Sqlite).is_empty());
    }
}
