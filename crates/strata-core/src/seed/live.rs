//! What the live database says about a table seeding writes: its columns, its single-column
//! foreign keys and its unique column sets. Read once per table, before any row is written.

use super::db::SeedConn;
use crate::dialect::DatabaseKind;

/// `column` references `table`(`to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ForeignKey {
    pub column: String,
    pub table: String,
    pub to: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct TableInfo {
    /// Empty when the table does not exist.
    pub columns: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Each primary key and unique index, as its columns.
    pub uniques: Vec<Vec<String>>,
}

fn sql(kind: DatabaseKind) -> [&'static str; 3] {
    match kind {
        DatabaseKind::Postgres => [
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            "SELECT a.attname::text, cf.relname::text, af.attname::text FROM pg_constraint c \
             JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace \
             JOIN pg_class cf ON cf.oid = c.confrelid \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
             JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] \
             WHERE c.contype = 'f' AND cl.relname = $1 AND n.nspname = current_schema() \
             AND array_length(c.conkey, 1) = 1",
            "SELECT ic.relname::text, a.attname::text FROM pg_index i \
             JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) \
             WHERE i.indisunique AND i.indpred IS NULL AND t.relname = $1 \
             AND n.nspname = current_schema() ORDER BY 1, 2",
        ],
        DatabaseKind::Mysql => [
            "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
            "SELECT CAST(COLUMN_NAME AS CHAR), CAST(REFERENCED_TABLE_NAME AS CHAR), \
             CAST(REFERENCED_COLUMN_NAME AS CHAR) FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL",
            "SELECT CAST(INDEX_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR) FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0 \
             ORDER BY INDEX_NAME, SEQ_IN_INDEX",
        ],
        DatabaseKind::Sqlite => [
            "SELECT name FROM pragma_table_info(?) ORDER BY cid",
            "SELECT \"from\", \"table\", coalesce(\"to\", 'id') FROM pragma_foreign_key_list(?)",
            "SELECT il.name, ii.name FROM pragma_index_list(?1) il, pragma_index_info(il.name) ii \
             WHERE il.\"unique\" = 1 \
             UNION ALL SELECT '(primary key)', name FROM pragma_table_info(?1) WHERE pk > 0 \
             ORDER BY 1",
        ],
    }
}

pub(crate) async fn table(
    conn: &mut SeedConn,
    kind: DatabaseKind,
    table: &str,
) -> Result<TableInfo, sqlx::Error> {
    let [columns, fks, uniques] = sql(kind);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let columns = conn
        .text_rows(columns, &[table])
        .await?
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    let foreign_keys = (conn.text_rows(fks, &[table]).await?.iter())
        .map(|r| ForeignKey {
            column: text(&r[0]),
            table: text(&r[1]),
            to: text(&r[2]),
        })
        .collect();
    let mut sets: Vec<(String, Vec<String>)> = Vec::new();
    for r in conn.text_rows(uniques, &[table]).await? {
        let (name, col) = (text(&r[0]), text(&r[1]));
        match sets.last_mut() {
            Some((n, cols)) if *n == name => cols.push(col),
            _ => sets.push((name, vec![col])),
        }
    }
    Ok(TableInfo {
        columns,
        foreign_keys,
        uniques: sets.into_iter().map(|(_, c)| c).collect(),
    })
}
