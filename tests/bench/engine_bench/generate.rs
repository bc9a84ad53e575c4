//! The benchmark's workload: N reversible migrations in Strata's layout (which sqlx-cli reads
//! as is), each a table of six columns with a foreign key to the previous one, an index and ten
//! rows; and the same SQL as one script per direction for the native client, one transaction
//! per migration.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use strata_core::DatabaseKind;

/// A generated project: `strata.toml`, `migrations/`, and the native scripts.
pub struct Workload {
    pub n: usize,
    pub project: PathBuf,
    pub migrations: PathBuf,
    pub native_up: PathBuf,
    pub native_down: PathBuf,
}

pub fn table(i: usize) -> String {
    format!("bench_{i:05}")
}

fn version(i: usize) -> String {
    format!("{i:05}")
}

fn up_sql(kind: DatabaseKind, i: usize) -> String {
    let t = table(i);
    let prev = (i > 1).then(|| table(i - 1));
    let mut sql = String::new();
    match kind {
        DatabaseKind::Postgres => {
            let fk = prev
                .map(|p| format!(" REFERENCES {p} (id)"))
                .unwrap_or_default();
            let _ = write!(
                sql,
                "CREATE TABLE {t} (\n    id bigint PRIMARY KEY,\n    prev_id bigint{fk},\n    name text NOT NULL,\n    amount numeric(12, 2) NOT NULL DEFAULT 0,\n    created_at timestamptz NOT NULL DEFAULT now(),\n    active boolean NOT NULL DEFAULT true\n);\n"
            );
        }
        DatabaseKind::Mysql => {
            let fk = prev
                .map(|p| format!(",\n    FOREIGN KEY (prev_id) REFERENCES {p} (id)"))
                .unwrap_or_default();
            let _ = write!(
                sql,
                "CREATE TABLE {t} (\n    id BIGINT NOT NULL PRIMARY KEY,\n    prev_id BIGINT NULL,\n    name VARCHAR(100) NOT NULL,\n    amount DECIMAL(12, 2) NOT NULL DEFAULT 0,\n    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    active BOOLEAN NOT NULL DEFAULT TRUE{fk}\n) ENGINE = InnoDB;\n"
            );
        }
        DatabaseKind::Sqlite => {
            let fk = prev
                .map(|p| format!(" REFERENCES {p} (id)"))
                .unwrap_or_default();
            let _ = write!(
                sql,
                "CREATE TABLE {t} (\n    id INTEGER PRIMARY KEY,\n    prev_id INTEGER{fk},\n    name TEXT NOT NULL,\n    amount NUMERIC NOT NULL DEFAULT 0,\n    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    active INTEGER NOT NULL DEFAULT 1\n);\n"
            );
        }
    }
    let _ = writeln!(sql, "CREATE INDEX {t}_name ON {t} (name);");
    let _ = write!(sql, "INSERT INTO {t} (id, prev_id, name, amount) VALUES");
    for row in 1..=10 {
        let prev_id = if i > 1 {
            row.to_string()
        } else {
            "NULL".into()
        };
        let sep = if row < 10 { "," } else { ";" };
        let _ = write!(
            sql,
            "\n    ({row}, {prev_id}, 'row {row} of {t}', {row}.{:02}){sep}",
            i % 100
        );
    }
    sql.push('\n');
    sql
}

fn down_sql(kind: DatabaseKind, i: usize) -> String {
    let t = table(i);
    match kind {
        DatabaseKind::Mysql => format!("DROP INDEX {t}_name ON {t};\nDROP TABLE {t};\n"),
        _ => format!("DROP INDEX {t}_name;\nDROP TABLE {t};\n"),
    }
}

/// Write the workload for `kind` with `n` migrations under `dir`.
pub fn write(dir: &Path, kind: DatabaseKind, n: usize) -> std::io::Result<Workload> {
    let slug = match kind {
        DatabaseKind::Postgres => "postgres",
        DatabaseKind::Mysql => "mysql",
        DatabaseKind::Sqlite => "sqlite",
    };
    let project = dir.join(format!("{slug}-{n}"));
    let migrations = project.join("migrations");
    std::fs::create_dir_all(&migrations)?;
    std::fs::write(
        project.join("strata.toml"),
        "[project]\nname = \"engine bench\"\nmigrations = \"migrations\"\nlayout = \"strata\"\n",
    )?;
    let (begin, preamble) = match kind {
        DatabaseKind::Mysql => ("START TRANSACTION;\n", ""),
        // sqlx (so Strata and sqlx-cli) turns foreign keys on; the native run does the same work.
        DatabaseKind::Sqlite => ("BEGIN;\n", "PRAGMA foreign_keys = ON;\n"),
        DatabaseKind::Postgres => ("BEGIN;\n", ""),
    };
    let mut native_up = String::from(preamble);
    let mut native_down = String::from(preamble);
    for i in 1..=n {
        let (up, down) = (up_sql(kind, i), down_sql(kind, i));
        let stem = format!("{}_create_{}", version(i), table(i));
        std::fs::write(migrations.join(format!("{stem}.up.sql")), &up)?;
        std::fs::write(migrations.join(format!("{stem}.down.sql")), &down)?;
        native_up.push_str(begin);
        native_up.push_str(&up);
        native_up.push_str("COMMIT;\n");
    }
    for i in (1..=n).rev() {
        native_down.push_str(begin);
        native_down.push_str(&down_sql(kind, i));
        native_down.push_str("COMMIT;\n");
    }
    let (up_path, down_path) = (
        project.join("native_up.sql"),
        project.join("native_down.sql"),
    );
    std::fs::write(&up_path, native_up)?;
    std::fs::write(&down_path, native_down)?;
    Ok(Workload {
        n,
        project,
        migrations,
        native_up: up_path,
        native_down: down_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_has_three_statements_up_and_two_down() {
        for kind in [
            DatabaseKind::Postgres,
            DatabaseKind::Mysql,
            DatabaseKind::Sqlite,
        ] {
            let up = up_sql(kind, 2);
            assert_eq!(up.matches(";\n").count(), 3, "{kind}: {up}");
            assert!(up.contains("REFERENCES bench_00001 (id)"), "{kind}: {up}");
            assert_eq!(up.matches("'row ").count(), 10, "{kind}: {up}");
            assert!(!up_sql(kind, 1).contains("REFERENCES"), "{kind}");
            assert_eq!(down_sql(kind, 2).matches(";\n").count(), 2, "{kind}");
        }
    }
}
