//! When the merge of a dataset fails, find the staged row behind the failure: a key repeated
//! among the dataset's rows, a unique value another row of the table already holds, or a
//! foreign key value its parent table lacks. The error then names the row and the column.

use super::apply::ApplyError;
use super::dataset::Dataset;
use super::db::{ident, SeedConn};
use super::error::Location;
use super::live::TableInfo;
use super::stage::STAGE;
use crate::dialect::DatabaseKind;

/// The error for a failed merge: the offending row when one is found, else the server's.
pub(crate) async fn constraint(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    d: &Dataset,
    columns: &[String],
    info: &TableInfo,
    error: sqlx::Error,
) -> ApplyError {
    match find(conn, kind, d, columns, info).await {
        Ok(Some((row, column, message))) => {
            let at = Location::file(&d.file)
                .dataset(&d.name)
                .line(line_of(d, row))
                .row(row)
                .column(&column);
            ApplyError::Constraint {
                at,
                table: d.table.clone(),
                message: format!("{message} (the database said: {})", server_message(&error)),
            }
        }
        _ => ApplyError::Sql {
            dataset: d.name.clone(),
            action: "merging the rows into the table",
            source: error,
        },
    }
}

fn server_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

fn line_of(d: &Dataset, row: u64) -> Option<usize> {
    match &d.source {
        super::dataset::Source::Rows { rows } => rows.get(row as usize - 1).and_then(|r| r.line),
        _ => None,
    }
}

/// The row column of a table column (a lookup's alias when it is one).
fn row_column(d: &Dataset, table_column: &str) -> String {
    (d.lookups.iter().find(|l| l.column == table_column))
        .map_or(table_column.to_owned(), |l| l.alias.clone())
}

async fn find(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    d: &Dataset,
    columns: &[String],
    info: &TableInfo,
) -> Result<Option<(u64, String, String)>, sqlx::Error> {
    let q = |c: &str| ident(kind, c);
    let t = ident(kind, &d.table);
    let has = |c: &String| columns.iter().any(|x| x.eq_ignore_ascii_case(c));
    let mut best: Option<(u64, String, String)> = None;
    let mut consider = |found: Option<i64>, column: String, message: String| {
        if let Some(row) = found {
            let row = row as u64;
            if best.as_ref().is_none_or(|(b, _, _)| row < *b) {
                best = Some((row, column, message));
            }
        }
    };
    let keys = d
        .key
        .iter()
        .map(|k| format!("t.{0} = s.{0}", q(k)))
        .collect::<Vec<_>>()
        .join(" AND ");
    for set in info.uniques.iter().filter(|u| u.iter().all(has)) {
        let list = set.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
        let names = set
            .iter()
            .map(|c| row_column(d, c))
            .collect::<Vec<_>>()
            .join(", ");
        let dup = format!("SELECT MIN(r) FROM (SELECT MAX(strata_row) AS r FROM {STAGE} GROUP BY {list} HAVING COUNT(*) > 1) AS dups");
        let found = conn.scalar_i64(&dup).await?;
        consider(found, names.clone(), format!("the value of ({names}) repeats an earlier row of the dataset, and the table allows it once"));
        let same_key = set.len() == d.key.len() && set.iter().all(|c| d.key.contains(c));
        if !same_key {
            let on = set
                .iter()
                .map(|c| format!("t.{0} = s.{0}", q(c)))
                .collect::<Vec<_>>()
                .join(" AND ");
            let taken = format!("SELECT MIN(s.strata_row) FROM {STAGE} AS s JOIN {t} AS t ON {on} WHERE NOT ({keys})");
            let found = conn.scalar_i64(&taken).await?;
            consider(
                found,
                names.clone(),
                format!(
                    "another row of {} already has this value of ({names}), which must be unique",
                    d.table
                ),
            );
        }
    }
    for fk in info.foreign_keys.iter().filter(|fk| has(&fk.column)) {
        let c = q(&fk.column);
        let mut missing = format!(
            "SELECT MIN(s.strata_row) FROM {STAGE} AS s WHERE s.{c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {} AS p WHERE p.{} = s.{c})",
            ident(kind, &fk.table),
            q(&fk.to)
        );
        if fk.table == d.table && has(&fk.to) {
            if kind == DatabaseKind::Mysql {
                continue; // MariaDB cannot open a temporary table twice in one statement.
            }
            missing.push_str(&format!(
                " AND NOT EXISTS (SELECT 1 FROM {STAGE} AS s2 WHERE s2.{} = s.{c})",
                q(&fk.to)
            ));
        }
        let found = conn.scalar_i64(&missing).await?;
        let name = row_column(d, &fk.column);
        consider(
            found,
            name,
            format!(
                "the value of {} has no row in {} ({}), which its foreign key requires",
                fk.column, fk.table, fk.to
            ),
        );
    }
    Ok(best)
}
