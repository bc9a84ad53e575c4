//! What the desktop service tests share: an app state over temporary project, data and config
//! folders (passwords in memory), scratch PostgreSQL databases, saved connections, a channel
//! that records what a run sends, and a small RFC 4180 reader to parse exports back.
#![allow(dead_code)] // each test file uses a different part of it

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use strata_core::driver::Session;
use strata_core::schema::diff::SchemaDiff;
use strata_core::DatabaseKind;
use strata_desktop::commands::timeline::{RunAction, RunEvent, RunOutcome, RunRequest};
use strata_desktop::{runs, AppState};
use strata_project::connections::{ConnectionManager, PasswordInput};
use strata_project::credentials::{CredentialStore, MemoryStore};
use strata_project::{ConnectionProfile, EnvironmentTier, PasswordMode};
use tauri::ipc::{Channel, InvokeResponseBody};

/// The PostgreSQL server the tests use (`make test` sets the variable).
pub const POSTGRES_ENV: &str = "STRATA_TEST_POSTGRES_URL";
const POSTGRES_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A project folder with `strata.toml` and `migrations/`, and the app state that opened it.
pub struct App {
    pub state: Arc<AppState>,
    pub root: PathBuf,
    _dirs: Vec<tempfile::TempDir>,
}

impl App {
    /// A project holding `files` (name, text) in its migrations folder, opened by the app.
    pub fn new(files: &[(&str, &str)]) -> Self {
        let project = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let config = tempfile::tempdir().unwrap();
        std::fs::write(
            project.path().join("strata.toml"),
            "[project]\nname = \"Shop\"\n",
        )
        .unwrap();
        let migrations = project.path().join("migrations");
        std::fs::create_dir(&migrations).unwrap();
        for (name, text) in files {
            std::fs::write(migrations.join(name), text).unwrap();
        }
        let keychain = Arc::new(MemoryStore::new());
        let state = AppState::new(
            project.path().to_owned(),
            data.path().to_owned(),
            config.path().to_owned(),
            Box::new(move || {
                let store: Arc<dyn CredentialStore> = keychain.clone();
                Box::pin(async move { Ok(store) })
            }),
        );
        let root = project.path().canonicalize().unwrap();
        Self {
            state: Arc::new(state),
            root,
            _dirs: vec![project, data, config],
        }
    }

    pub fn project(&self) -> String {
        self.root.display().to_string()
    }

    pub fn manager(&self) -> Arc<ConnectionManager> {
        self.state.connections().unwrap()
    }

    /// Save a PostgreSQL connection to `db` attached to this project; its id.
    pub async fn save_postgres(&self, db: &ScratchDatabase, tier: EnvironmentTier) -> String {
        save_postgres_profile(&self.manager(), &self.root, db, tier).await
    }

    /// A request to take `target` to `action`.
    pub fn request(&self, target: &str, action: RunAction) -> RunRequest {
        RunRequest {
            project: self.project(),
            target: target.to_owned(),
            action,
            allow_out_of_order: false,
            single_transaction: false,
            confirmation: None,
        }
    }
}

fn tier_word(tier: EnvironmentTier) -> &'static str {
    match tier {
        EnvironmentTier::Development => "dev",
        EnvironmentTier::Testing => "test",
        EnvironmentTier::Staging => "staging",
        EnvironmentTier::Production => "prod",
    }
}

/// A fresh database on the test PostgreSQL server, dropped with the value.
pub struct ScratchDatabase {
    pub name: String,
    pub url: String,
    admin_url: String,
}

fn postgres_url() -> String {
    std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| POSTGRES_DEFAULT.to_owned())
}

async fn admin_execute(admin_url: &str, sql: &str) -> Result<(), String> {
    let mut session = Session::connect(admin_url, Duration::from_secs(10))
        .await
        .map_err(|e| e.to_string())?;
    let result = session.execute(sql).await.map_err(|e| e.to_string());
    session.close().await;
    result.map(drop)
}

impl ScratchDatabase {
    pub async fn create() -> Self {
        let admin_url = postgres_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("strata_desktop_{}_{nanos}", std::process::id());
        admin_execute(&admin_url, &format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| {
                panic!("PostgreSQL at {admin_url} is not usable: {e}. Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set {POSTGRES_ENV}; `make test` does both.")
            });
        let mut url = tauri::Url::parse(&admin_url).unwrap();
        url.set_path(&format!("/{name}"));
        Self {
            name,
            url: url.to_string(),
            admin_url,
        }
    }

    /// Run `sql` in this database.
    pub async fn execute(&self, sql: &str) -> Result<(), String> {
        admin_execute(&self.url, sql).await
    }

    /// What this database's history holds (read without creating anything).
    pub async fn history_len(&self) -> usize {
        let snapshot = strata_core::engine::snapshot(&self.url, Duration::from_secs(10))
            .await
            .unwrap();
        snapshot.history.len()
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let admin_url = self.admin_url.clone();
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(admin_execute(&admin_url, &sql))
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) && !std::thread::panicking() {
            panic!("could not drop the scratch database {}", self.name);
        }
    }
}

/// A channel that keeps every event a run sends, as JSON.
#[derive(Clone, Default)]
pub struct Recorder {
    pub events: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Recorder {
    pub fn channel(&self) -> Channel<RunEvent> {
        let events = self.events.clone();
        Channel::new(move |body| {
            let InvokeResponseBody::Json(json) = body else {
                panic!("a run event was sent as bytes");
            };
            events
                .lock()
                .unwrap()
                .push(serde_json::from_str(&json).unwrap());
            Ok(())
        })
    }

    pub fn all(&self) -> Vec<serde_json::Value> {
        self.events.lock().unwrap().clone()
    }

    /// The progress events as `event version [index]`, in order.
    pub fn progress(&self) -> Vec<String> {
        self.all()
            .iter()
            .filter(|e| e["event"] == "progress")
            .map(|e| {
                let p = &e["progress"];
                let index = p["index"]
                    .as_u64()
                    .map(|i| format!(" {i}"))
                    .unwrap_or_default();
                format!(
                    "{} {}{index}",
                    p["event"].as_str().unwrap(),
                    p["version"].as_str().unwrap()
                )
            })
            .collect()
    }
}

/// The rows of an RFC 4180 text: quoted fields may hold commas, doubled quotes and line breaks.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Three migrations that run alike on SQLite and PostgreSQL; the third has no down part.
pub const FILES: &[(&str, &str)] = &[
    (
        "20240101000000_create_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO users (id, name) VALUES (1, 'ada');\n",
    ),
    ("20240101000000_create_users.down.sql", "DROP TABLE users;\n"),
    (
        "20240102000000_add_email.up.sql",
        "ALTER TABLE users ADD COLUMN email TEXT;\n",
    ),
    (
        "20240102000000_add_email.down.sql",
        "ALTER TABLE users DROP COLUMN email;\n",
    ),
    (
        "20240103000000_create_orders.up.sql",
        "-- strata:description Orders placed by users\nCREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);\n",
    ),
];

/// Run `target` to its latest migration under run key `key`; the outcome and what was sent.
pub async fn run_latest(app: &App, target: &str, key: &str) -> (RunOutcome, Recorder) {
    let recorder = Recorder::default();
    let request = app.request(target, RunAction::Latest);
    let outcome = runs::run(&app.state, request, key.into(), recorder.channel())
        .await
        .unwrap_or_else(|e| panic!("running on {target}: {e}"));
    (outcome, recorder)
}

/// `+ table orders`, `~ table users`, `+ column users.email`, … as the tree shows them.
pub fn diff_lines(d: &SchemaDiff) -> Vec<String> {
    let mut out = Vec::new();
    for ns in &d.namespaces {
        for o in &ns.objects {
            out.push(format!("{} {:?} {}", o.change.label(), o.kind, o.name));
            for p in &o.parts {
                out.push(format!(
                    "{} {:?} {}.{}",
                    p.change.label(),
                    p.kind,
                    o.name,
                    p.name
                ));
            }
        }
    }
    out
}

/// Save a PostgreSQL connection of `tier` to `db`, attached to the project at `root`, with no
/// password; its id.
pub async fn save_postgres_profile(
    manager: &ConnectionManager,
    root: &std::path::Path,
    db: &ScratchDatabase,
    tier: EnvironmentTier,
) -> String {
    let url = tauri::Url::parse(&db.url).unwrap();
    let mut profile = ConnectionProfile::new(
        format!("pg {}", tier_word(tier)),
        DatabaseKind::Postgres,
        tier,
    );
    profile.host = url.host_str().unwrap().to_owned();
    profile.port = url.port();
    profile.user = url.username().to_owned();
    profile.database = db.name.clone();
    profile.tls.mode = strata_project::TlsMode::Prefer;
    profile.password = PasswordMode::None;
    profile.project_dir = Some(root.to_owned());
    let id = profile.id.clone();
    manager
        .save(profile, PasswordInput::Keep)
        .await
        .unwrap_or_else(|e| panic!("saving the PostgreSQL connection: {e}"));
    id
}
