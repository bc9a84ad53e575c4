//! Comparing two databases of the same engine, and "Generate migration": the up/down SQL that
//! makes B like A, written as a new migration pair named exactly as `strata new` names one, both
//! files or neither. Comparing only reads the two databases.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use super::ddl::{up_down, DdlError};
use super::diff::{diff, RenameHints, SchemaDiff};
use super::introspect::{introspect_url, IntrospectError};
use super::model::Schema;
use crate::dialect::DatabaseKind;
use crate::driver::{redact_url, ConnectError};
use crate::source::{new_migration, Layout, NewMigration, SourceError};

/// Two databases side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// A's and B's addresses, passwords redacted.
    pub target_a: String,
    pub target_b: String,
    pub a: Schema,
    pub b: Schema,
    /// `diff(a, b)`: what B has that A has not, what it lacks, what differs.
    pub diff: SchemaDiff,
    /// The statements that make B like A (a migration's up part).
    pub up: Vec<String>,
    /// The statements that take B back to what it was (its down part).
    pub down: Vec<String>,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.diff.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("{a} is {kind_a} and {b} is {kind_b}: Strata compares databases of the same engine only. Pick two {kind_a} or two {kind_b} connections.")]
    DifferentEngines {
        a: String,
        kind_a: DatabaseKind,
        b: String,
        kind_b: DatabaseKind,
    },
    #[error("the SQL that makes {b} like {a} cannot be generated: {source}")]
    Ddl {
        a: String,
        b: String,
        #[source]
        source: DdlError,
    },
}

fn kind_of(url: &str) -> Result<DatabaseKind, ConnectError> {
    DatabaseKind::from_url(url).ok_or_else(|| ConnectError::UnknownScheme {
        target: redact_url(url),
    })
}

/// Introspect A and B at the same time, diff them, and derive the SQL that makes B like A.
/// Databases of different engines are refused before either is read.
pub async fn compare(url_a: &str, url_b: &str) -> Result<Comparison, CompareError> {
    let (target_a, target_b) = (redact_url(url_a), redact_url(url_b));
    let (kind_a, kind_b) = (kind_of(url_a)?, kind_of(url_b)?);
    if kind_a != kind_b {
        return Err(CompareError::DifferentEngines {
            a: target_a,
            kind_a,
            b: target_b,
            kind_b,
        });
    }
    let (a, b) = tokio::join!(introspect_url(url_a), introspect_url(url_b));
    let (a, b) = (a?, b?);
    let (up, down) =
        up_down(&b, &a, &RenameHints::default()).map_err(|source| CompareError::Ddl {
            a: target_a.clone(),
            b: target_b.clone(),
            source,
        })?;
    Ok(Comparison {
        diff: diff(&a, &b),
        target_a,
        target_b,
        a,
        b,
        up,
        down,
    })
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("writing the generated migration's {part} part to {} failed: {source}. Neither file of the pair was kept; check the folder's permissions and free space, then generate again.", path.display())]
    Write {
        part: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// SQLite's directive for a migration that must run outside a transaction (`PRAGMA
/// foreign_keys` is a no-op inside one).
const NO_TRANSACTION: &str = "-- strata:no-transaction\n";

/// The text of one generated part: its statements, each ending with `;`, one per paragraph.
pub fn script(statements: &[String]) -> String {
    let mut text = String::new();
    for s in statements {
        let s = s.trim_end();
        text.push_str(s);
        if !s.ends_with(';') {
            text.push(';');
        }
        text.push_str("\n\n");
    }
    if text.is_empty() {
        text.push_str("-- Nothing to do: the two databases were the same.\n");
    }
    text
}

/// On SQLite a part that sets `PRAGMA foreign_keys` must run outside a transaction (inside one
/// the pragma does nothing): the directive goes on its first line, unless it is there. Other
/// engines' text is returned as it is.
pub fn with_directive(kind: DatabaseKind, text: &str) -> String {
    let needs = kind == DatabaseKind::Sqlite
        && text.to_ascii_lowercase().contains("pragma foreign_keys")
        && !text.starts_with(NO_TRANSACTION);
    if needs {
        format!("{NO_TRANSACTION}{text}")
    } else {
        text.to_owned()
    }
}

/// Write a new migration pair in `dir` (named and numbered by [`new_migration`], as `strata
/// new` does) holding `up_sql` and `down_sql`: each written to a hidden temporary file and
/// renamed over the new file, and on any failure both files are removed again. On SQLite a
/// part that sets `PRAGMA foreign_keys` gets `-- strata:no-transaction` on its first line.
pub fn generate_migration(
    dir: &Path,
    layout: Option<Layout>,
    kind: DatabaseKind,
    name: &str,
    up_sql: &str,
    down_sql: &str,
) -> Result<NewMigration, GenerateError> {
    let created = new_migration(dir, layout, name, SystemTime::now())?;
    let written = write_over(&created.up_path, "up", &with_directive(kind, up_sql))
        .and_then(|()| write_over(&created.down_path, "down", &with_directive(kind, down_sql)));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&created.up_path);
        let _ = std::fs::remove_file(&created.down_path);
        return Err(e);
    }
    Ok(created)
}

/// Replace `path` with `text` atomically: a hidden file beside it, synced, then renamed.
fn write_over(path: &Path, part: &'static str, text: &str) -> Result<(), GenerateError> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{}.tmp", file_name.unwrap_or_default()));
    crate::replace::replace_file(path, &temp, text.as_bytes(), true).map_err(|source| {
        GenerateError::Write {
            part,
            path: path.to_owned(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_pair_holds_the_sql_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let made = generate_migration(
            dir.path(),
            Some(Layout::Strata),
            DatabaseKind::Postgres,
            "Make B like A",
            "CREATE TABLE t (id int);\n",
            "DROP TABLE t;\n",
        )
        .unwrap();
        assert_eq!(made.name, "make_b_like_a");
        assert_eq!(
            std::fs::read_to_string(&made.up_path).unwrap(),
            "CREATE TABLE t (id int);\n"
        );
        assert_eq!(
            std::fs::read_to_string(&made.down_path).unwrap(),
            "DROP TABLE t;\n"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    }

    #[test]
    fn sqlite_parts_with_foreign_key_pragmas_run_outside_a_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let up = script(&[
            "PRAGMA foreign_keys = OFF".to_owned(),
            "DROP TABLE t".to_owned(),
        ]);
        assert_eq!(up, "PRAGMA foreign_keys = OFF;\n\nDROP TABLE t;\n\n");
        let made = generate_migration(
            dir.path(),
            None,
            DatabaseKind::Sqlite,
            "rebuild",
            &up,
            "CREATE TABLE t (id integer);\n",
        )
        .unwrap();
        let text = std::fs::read_to_string(&made.up_path).unwrap();
        assert!(text.starts_with(NO_TRANSACTION), "{text}");
        let down = std::fs::read_to_string(&made.down_path).unwrap();
        assert!(!down.contains("no-transaction"), "{down}");
        let set = crate::source::read_dir(dir.path(), None).unwrap();
        assert!(set.migrations[0].up.no_transaction, "the directive is read");
        assert!(!set.migrations[0].down.as_ref().unwrap().no_transaction);
        assert_eq!(with_directive(DatabaseKind::Postgres, &up), up);
        assert_eq!(
            with_directive(DatabaseKind::Sqlite, &text),
            text,
            "added once"
        );
    }
}
