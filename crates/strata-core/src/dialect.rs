//! The database engines Strata speaks, and which of them this build was compiled with.

use serde::{Deserialize, Serialize};

/// A database engine family. MariaDB speaks the MySQL protocol and shares `MySql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum DatabaseKind {
    Postgres,
    Mysql,
    Sqlite,
}

impl DatabaseKind {
    pub const ALL: [DatabaseKind; 3] = [Self::Postgres, Self::Mysql, Self::Sqlite];

    /// The name people use for the engine.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Postgres => "PostgreSQL",
            Self::Mysql => "MySQL / MariaDB",
            Self::Sqlite => "SQLite",
        }
    }

    /// URL schemes that select this engine.
    pub fn url_schemes(self) -> &'static [&'static str] {
        match self {
            Self::Postgres => &["postgres", "postgresql"],
            Self::Mysql => &["mysql", "mariadb"],
            Self::Sqlite => &["sqlite"],
        }
    }

    /// Whether this build of the engine carries the driver for this engine.
    pub fn compiled_in(self) -> bool {
        match self {
            Self::Postgres => cfg!(feature = "postgres"),
            Self::Mysql => cfg!(feature = "mysql"),
            Self::Sqlite => cfg!(feature = "sqlite"),
        }
    }

    /// The engine a connection URL names, from its scheme (`postgres://`, `mysql://`, `sqlite:`).
    pub fn from_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|kind| kind.url_schemes().contains(&scheme.as_str()))
    }
}

impl std::fmt::Display for DatabaseKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.display_name())
    }
}

/// One engine as this build supports it: what the app's About line and `strata engines` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EngineSupport {
    pub kind: DatabaseKind,
    pub name: String,
    pub url_schemes: Vec<String>,
    pub compiled_in: bool,
}

/// Every engine Strata knows, with whether this build can connect to it.
pub fn supported_engines() -> Vec<EngineSupport> {
    DatabaseKind::ALL
        .into_iter()
        .map(|kind| EngineSupport {
            kind,
            name: kind.display_name().to_owned(),
            url_schemes: kind.url_schemes().iter().map(|s| (*s).to_owned()).collect(),
            compiled_in: kind.compiled_in(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_from_url_scheme() {
        let cases = [
            ("postgres://u@h/db", Some(DatabaseKind::Postgres)),
            ("postgresql://h/db", Some(DatabaseKind::Postgres)),
            ("POSTGRES://h/db", Some(DatabaseKind::Postgres)),
            ("mysql://root@127.0.0.1/test", Some(DatabaseKind::Mysql)),
            ("mariadb://root@127.0.0.1/test", Some(DatabaseKind::Mysql)),
            ("sqlite:demo.sqlite3", Some(DatabaseKind::Sqlite)),
            ("sqlite::memory:", Some(DatabaseKind::Sqlite)),
            ("oracle://h/db", None),
            ("no scheme", None),
        ];
        for (url, want) in cases {
            assert_eq!(DatabaseKind::from_url(url), want, "{url}");
        }
    }

    #[test]
    fn default_build_supports_all_three_engines() {
        let engines = supported_engines();
        let names: Vec<_> = engines.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["PostgreSQL", "MySQL / MariaDB", "SQLite"]);
        assert!(engines.iter().all(|e| e.compiled_in));
    }
}
