//! Fixtures of the timeline's end-to-end tests: a throwaway work folder per test holding a
//! copy of the demo project (or a variant whose migrations also run on PostgreSQL, or 5,000
//! generated ones), the app's config and data folders, saved connections written through
//! strata-project's own store, and what the engine says a database holds. Nothing outside the
//! work folder (and the scratch databases the test drops) is touched.

use std::path::{Path, PathBuf};
use std::time::Duration;

use strata_core::plan::MigrationState;
use strata_core::DatabaseKind;
use strata_project::{
    ConnectionProfile, EnvironmentTier, PasswordMode, ProfileStore, Project, Protection, TlsMode,
};

use crate::servers::ScratchDatabase;

pub mod perf;
pub mod run;
pub mod ui;

/// The demo project's migrations rewritten in SQL that SQLite and PostgreSQL both run (the
/// demo's own files are SQLite's dialect: `COLLATE NOCASE`, `WITHOUT ROWID`, `PRAGMA`), so one
/// project can be applied to the embedded database and to a PostgreSQL connection.
/// `(version, name, up, down)`, in version order.
pub const PORTABLE: &[(&str, &str, &str, &str)] = &[
    (
        "20240115103000",
        "create_users",
        "-- strata:description Create the users table\n-- strata:author Maya Chen\n\nCREATE TABLE users (\n    id    INTEGER PRIMARY KEY,\n    email TEXT NOT NULL UNIQUE,\n    name  TEXT NOT NULL DEFAULT 'customer'\n);\n",
        "DROP TABLE users;\n",
    ),
    (
        "20240129100000",
        "create_categories",
        "-- strata:description Create the product categories\n-- strata:author Priya Nair\n\nCREATE TABLE categories (\n    id   INTEGER PRIMARY KEY,\n    name TEXT NOT NULL UNIQUE\n);\n",
        "DROP TABLE categories;\n",
    ),
    (
        "20240129101500",
        "create_products",
        "-- strata:description Create the product catalogue\n-- strata:author Priya Nair\n\nCREATE TABLE products (\n    id          INTEGER PRIMARY KEY,\n    category_id INTEGER REFERENCES categories (id),\n    sku         TEXT NOT NULL UNIQUE,\n    price_cents INTEGER NOT NULL CHECK (price_cents >= 0)\n);\n",
        "DROP TABLE products;\n",
    ),
    (
        "20240205093000",
        "create_orders",
        "-- strata:description Create orders\n-- strata:author Tomas Ortega\n\nCREATE TABLE orders (\n    id      INTEGER PRIMARY KEY,\n    user_id INTEGER NOT NULL REFERENCES users (id),\n    status  TEXT NOT NULL DEFAULT 'open'\n);\n",
        "DROP TABLE orders;\n",
    ),
    (
        "20240212110000",
        "add_order_indexes",
        "-- strata:description Index orders by customer and status\n-- strata:author Tomas Ortega\n\nCREATE INDEX orders_user_id ON orders (user_id);\nCREATE INDEX orders_status ON orders (status);\n",
        "DROP INDEX orders_status;\nDROP INDEX orders_user_id;\n",
    ),
    (
        "20240402100000",
        "create_audit_log",
        "-- strata:description Keep an audit log of order changes\n-- strata:author Maya Chen\n\nCREATE TABLE audit_log (\n    id       INTEGER PRIMARY KEY,\n    order_id INTEGER NOT NULL,\n    note     TEXT NOT NULL\n);\n",
        "DROP TABLE audit_log;\n",
    ),
];

/// One test's folders: the project copy (`STRATA_PROJECT`), the app's config
/// (`STRATA_CONFIG_DIR`) and data (`STRATA_DATA_DIR`) folders. Deleted with the value.
pub struct Workspace {
    dir: tempfile::TempDir,
    pub project: PathBuf,
    pub config: PathBuf,
    pub data: PathBuf,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("creating {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copying {}: {e}", entry.path().display()));
        }
    }
}

impl Workspace {
    fn empty() -> Self {
        let dir = tempfile::tempdir().expect("a temporary work folder");
        // Canonical, so the project folder saved in a connection is the one the app opens.
        let root = dir.path().canonicalize().unwrap();
        let (project, config, data) =
            (root.join("project"), root.join("config"), root.join("data"));
        for folder in [&project, &config, &data] {
            std::fs::create_dir_all(folder).unwrap();
        }
        Self {
            dir,
            project,
            config,
            data,
        }
    }

    /// The work folder itself (for the harness: X, D-Bus and keyring files, a private HOME).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A copy of the demo project: `strata.toml`, `migrations/` and `seeds/`.
    pub fn demo_copy() -> Self {
        let ws = Self::empty();
        let root = crate::repo_root();
        std::fs::copy(root.join("strata.toml"), ws.project.join("strata.toml")).unwrap();
        copy_dir(&root.join("migrations"), &ws.project.join("migrations"));
        copy_dir(&root.join("seeds"), &ws.project.join("seeds"));
        ws
    }

    /// The demo project's settings and seeds with the [`PORTABLE`] migrations instead of its
    /// SQLite-only ones.
    pub fn portable() -> Self {
        let ws = Self::demo_copy();
        std::fs::remove_dir_all(ws.migrations_dir()).unwrap();
        std::fs::create_dir(ws.migrations_dir()).unwrap();
        for (version, name, up, down) in PORTABLE {
            ws.write_migration(version, name, up, Some(down));
        }
        ws
    }

    /// A project (Strata layout) of `count` small SQLite migrations, each creating and
    /// dropping its own table, versions `2024MMDDHHMM00` one minute apart.
    pub fn generated(count: usize) -> Self {
        let ws = Self::empty();
        std::fs::write(
            ws.project.join("strata.toml"),
            format!("[project]\nname = \"Generated {count}\"\nmigrations = \"migrations\"\n"),
        )
        .unwrap();
        std::fs::create_dir(ws.migrations_dir()).unwrap();
        for version in generated_versions(count) {
            let name = format!("create_table_{version}");
            let up = format!(
                "-- strata:description Table number {version}\nCREATE TABLE t_{version} (id INTEGER PRIMARY KEY, label TEXT);\n"
            );
            ws.write_migration(
                &version,
                &name,
                &up,
                Some(&format!("DROP TABLE t_{version};\n")),
            );
        }
        ws
    }

    pub fn migrations_dir(&self) -> PathBuf {
        self.project.join("migrations")
    }

    /// The path of `<version>_<name>.<part>.sql` (`part`: `up` or `down`).
    pub fn migration_file(&self, version: &str, name: &str, part: &str) -> PathBuf {
        self.migrations_dir()
            .join(format!("{version}_{name}.{part}.sql"))
    }

    /// Write (or overwrite) a migration's up part and, when given, its down part.
    pub fn write_migration(&self, version: &str, name: &str, up: &str, down: Option<&str>) {
        std::fs::write(self.migration_file(version, name, "up"), up).unwrap();
        if let Some(down) = down {
            std::fs::write(self.migration_file(version, name, "down"), down).unwrap();
        }
    }

    /// Delete a migration's files (those that exist).
    pub fn remove_migration(&self, version: &str, name: &str) {
        for part in ["up", "down"] {
            let path = self.migration_file(version, name, part);
            if path.exists() {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }

    /// Append `text` to a migration's up file (an edit after it was applied).
    pub fn append_to_up(&self, version: &str, name: &str, text: &str) {
        use std::io::Write as _;
        let path = self.migration_file(version, name, "up");
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        file.write_all(text.as_bytes()).unwrap();
    }

    /// The project's migrations as the app reads them (its settings, its layout).
    pub fn migrations(&self) -> strata_core::MigrationSet {
        let project = Project::open(&self.project)
            .unwrap_or_else(|e| panic!("opening the project copy: {e}"));
        project
            .migrations()
            .unwrap_or_else(|e| panic!("reading the project's migrations: {e}"))
    }

    /// The URL of the embedded demo database the app keeps in the data folder.
    pub fn embedded_url(&self) -> String {
        let file = strata_project::paths::demo_database(&self.data);
        format!("sqlite:{}", file.display())
    }

    /// The environment the app starts with.
    pub fn app_env(&self) -> [(&'static str, &Path); 3] {
        [
            ("STRATA_CONFIG_DIR", self.config.as_path()),
            ("STRATA_DATA_DIR", self.data.as_path()),
            ("STRATA_PROJECT", self.project.as_path()),
        ]
    }

    /// Save a connection to the scratch PostgreSQL database `db` in the config folder, through
    /// strata-project's profile store (validated, in its versioned file), attached to this
    /// project. The local server trusts its users, so no password is kept anywhere. Its id.
    pub fn save_postgres(
        &self,
        db: &ScratchDatabase,
        name: &str,
        tier: EnvironmentTier,
        protection: Protection,
    ) -> String {
        assert_eq!(db.kind, DatabaseKind::Postgres, "a PostgreSQL database");
        let url = url::Url::parse(&db.url).expect("the scratch database has a URL");
        assert!(
            url.password().is_none(),
            "the test server is expected to trust its users (no password in {})",
            crate::servers::POSTGRES_ENV
        );
        let mut profile = ConnectionProfile::new(name, DatabaseKind::Postgres, tier);
        profile.host = url.host_str().expect("a host").to_owned();
        profile.port = url.port();
        profile.user = url.username().to_owned();
        profile.database = db.name.clone();
        profile.tls.mode = TlsMode::Prefer;
        profile.password = PasswordMode::None;
        profile.protection = protection;
        profile.project_dir = Some(self.project.clone());
        let mut store = ProfileStore::open(&self.config)
            .unwrap_or_else(|e| panic!("opening the connections store: {e}"));
        store
            .add(profile)
            .unwrap_or_else(|e| panic!("saving the PostgreSQL connection: {e}"))
    }
}

/// The versions [`Workspace::generated`] writes, in order.
pub fn generated_versions(count: usize) -> Vec<String> {
    assert!(count <= 28 * 24 * 60, "one month of minutes at most");
    (0..count)
        .map(|i| {
            let (minute, hour, day) = (i % 60, (i / 60) % 24, i / (60 * 24) + 1);
            format!("202401{day:02}{hour:02}{minute:02}00")
        })
        .collect()
}

const CONNECT: Duration = Duration::from_secs(15);

/// What `strata_core::engine::status` says of every migration of `set` in the database at
/// `url`, as `(version, state)` in status order.
pub fn engine_states(url: &str, set: &strata_core::MigrationSet) -> Vec<(String, MigrationState)> {
    block_on(async {
        let report = strata_core::engine::status(url, set, CONNECT)
            .await
            .unwrap_or_else(|e| panic!("engine status of {url}: {e}"));
        report
            .entries
            .into_iter()
            .map(|e| (e.version, e.state))
            .collect()
    })
}

/// The state the engine reports for `version`, when it knows the version.
pub fn engine_state(
    url: &str,
    set: &strata_core::MigrationSet,
    version: &str,
) -> Option<MigrationState> {
    engine_states(url, set)
        .into_iter()
        .find(|(v, _)| v == version)
        .map(|(_, s)| s)
}

/// The number of history rows of the database at `url` (0 when it has no Strata history;
/// reading creates nothing).
pub fn history_rows(url: &str) -> usize {
    block_on(async {
        strata_core::engine::snapshot(url, CONNECT)
            .await
            .unwrap_or_else(|e| panic!("reading the history of {url}: {e}"))
            .history
            .len()
    })
}

/// The newest `limit` events of the database's Strata event log, newest first.
pub fn engine_events(url: &str, limit: u32) -> Vec<strata_core::history::Event> {
    block_on(async {
        strata_core::engine::events(url, CONNECT, limit)
            .await
            .unwrap_or_else(|e| panic!("reading the events of {url}: {e}"))
    })
}

/// Whether `table` exists in the database at `url` (selecting from it works).
pub fn table_exists(url: &str, table: &str) -> bool {
    block_on(crate::servers::has_table(url, table))
}

/// Run `future` to completion on a runtime of its own (the e2e tests are synchronous).
pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}
