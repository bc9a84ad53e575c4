//! The Seeds screen's services against real databases, on a copy of the demo project: the
//! catalog, saved profiles written into strata.toml, a preview whose dry run leaves nothing,
//! a run into the embedded SQLite database and a saved PostgreSQL connection whose events
//! carry each dataset's counts, a re-run that changes nothing, cancel, keychain secrets and
//! the production guards, which hold whatever the UI sends.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use strata_core::driver::Session;
use strata_core::seed::{Environment, Mode};
use strata_desktop::commands::seeds::{
    SeedEvent, SeedForm, SeedOutcome as Outcome, SeedRunOutcome,
};
use strata_desktop::commands::timeline::{RunAction, RunOutcome, RunRequest, EMBEDDED_TARGET};
use strata_desktop::{runs, seeds, AppState, IpcErrorCode};
use strata_project::connections::ConnectionManager;
use strata_project::credentials::{CredentialStore, MemoryStore};
use strata_project::secret::Secret;
use strata_project::EnvironmentTier;
use support::{Recorder, ScratchDatabase};
use tauri::ipc::{Channel, InvokeResponseBody};

/// A copy of the demo project (strata.toml, migrations, seeds) opened by the app.
struct Demo {
    state: Arc<AppState>,
    root: PathBuf,
    _dirs: Vec<tempfile::TempDir>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

impl Demo {
    fn new() -> Self {
        Self::with_migrations("migrations")
    }

    /// The demo project with the migrations of `dir` (relative to the repository), e.g. the
    /// PostgreSQL dialect's copy.
    fn with_migrations(dir: &str) -> Self {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let project = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let config = tempfile::tempdir().unwrap();
        std::fs::copy(repo.join("strata.toml"), project.path().join("strata.toml")).unwrap();
        copy_dir(&repo.join(dir), &project.path().join("migrations"));
        copy_dir(&repo.join("seeds"), &project.path().join("seeds"));
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
        Self {
            state: Arc::new(state),
            root: project.path().canonicalize().unwrap(),
            _dirs: vec![project, data, config],
        }
    }

    fn project(&self) -> String {
        self.root.display().to_string()
    }

    fn manager(&self) -> Arc<ConnectionManager> {
        self.state.connections().unwrap()
    }

    /// Apply every migration to `target`.
    async fn migrate(&self, target: &str, confirmation: Option<&str>) {
        let request = RunRequest {
            project: self.project(),
            target: target.to_owned(),
            action: RunAction::Latest,
            allow_out_of_order: false,
            single_transaction: false,
            confirmation: confirmation.map(str::to_owned),
        };
        let key = format!("migrate-{target}");
        let outcome = runs::run(&self.state, request, key, Recorder::default().channel())
            .await
            .unwrap();
        assert!(
            matches!(outcome, RunOutcome::Finished { .. }),
            "{outcome:?}"
        );
    }

    /// Save a PostgreSQL connection of `tier` to `db`, attached to this project.
    async fn save_postgres(&self, db: &ScratchDatabase, tier: EnvironmentTier) -> String {
        support::save_postgres_profile(&self.manager(), &self.root, db, tier).await
    }

    async fn run(
        &self,
        target: &str,
        form: &SeedForm,
        confirmation: Option<&str>,
        key: &str,
    ) -> Result<(SeedRunOutcome, Events), strata_desktop::IpcError> {
        let events = Events::default();
        let request = seeds::RunRequest {
            project: self.project(),
            target: target.to_owned(),
            form: form.clone(),
            confirmation: confirmation.map(str::to_owned),
        };
        let outcome = seeds::run(&self.state, request, key.into(), events.channel(None)).await?;
        Ok((outcome, events))
    }
}

/// What a seed run sent, as JSON.
#[derive(Clone, Default, Debug)]
struct Events(Arc<Mutex<Vec<serde_json::Value>>>);

impl Events {
    /// A channel recording every event; with `cancel`, the first progress event cancels run
    /// `cancel.1` through the app's registry.
    fn channel(&self, cancel: Option<(Arc<AppState>, String)>) -> Channel<SeedEvent> {
        let events = self.0.clone();
        Channel::new(move |body| {
            let InvokeResponseBody::Json(json) = body else {
                panic!("a seed event was sent as bytes");
            };
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            if let Some((state, key)) = &cancel {
                if v["event"] == "progress" {
                    state.runs.cancel(key);
                }
            }
            events.lock().unwrap().push(v);
            Ok(())
        })
    }

    fn kinds(&self, kind: &str) -> Vec<serde_json::Value> {
        let all = self.0.lock().unwrap().clone();
        all.into_iter().filter(|e| e["event"] == kind).collect()
    }
}

fn form(environment: Environment) -> SeedForm {
    SeedForm {
        environment,
        datasets: Vec::new(),
        mode: Mode::Upsert,
        seed: 7,
        counts: Vec::new(),
    }
}

async fn count(url: &str, table: &str) -> i64 {
    let mut s = Session::connect(url, Duration::from_secs(10))
        .await
        .unwrap();
    let n = s
        .scalar_i64(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap();
    s.close().await;
    n
}

fn embedded_url(demo: &Demo) -> String {
    let path = strata_project::paths::demo_database(&demo.state.data_dir);
    format!("sqlite:{}", path.display())
}

#[test]
fn the_catalog_lists_the_demo_datasets_in_dependency_order() {
    let demo = Demo::new();
    let c = seeds::catalog(&demo.project(), None).unwrap();
    assert_eq!(c.project, "Strata demo shop");
    let names: Vec<&str> = c.datasets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), 12, "{names:?}");
    let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
    for (before, after) in [
        ("roles", "role_permissions"),
        ("users", "sample_orders"),
        ("sample_orders", "sample_order_items"),
        ("products", "sample_order_items"),
        ("categories", "products"),
    ] {
        assert!(at(before) < at(after), "{before} before {after}: {names:?}");
    }
    let items = &c.datasets[at("sample_order_items")];
    assert_eq!(format!("{:?}", items.source), "Generated");
    assert_eq!(items.rows, 400);
    assert_eq!(items.file, "seeds/sample_order_items.yaml");
    assert_eq!(items.depends_on, ["sample_orders", "products"]);
    let admin = &c.datasets[at("production_admin")];
    assert_eq!(admin.secrets, ["admin_password"]);
    assert_eq!(admin.password_columns, ["password_hash"]);
    let products = &c.datasets[at("products")];
    assert_eq!(format!("{:?}", products.source), "Csv");

    let prod = seeds::catalog(&demo.project(), Some(Environment::Production)).unwrap();
    let names: Vec<&str> = prod.datasets.iter().map(|d| d.name.as_str()).collect();
    assert!(
        names.contains(&"production_admin") && !names.contains(&"users"),
        "{names:?}"
    );

    // A folder that does not load says which file and line.
    std::fs::write(
        demo.root.join("seeds/roles.yaml"),
        "table: roles\nkey: name\nrowz: []\n",
    )
    .unwrap();
    let e = seeds::catalog(&demo.project(), None).unwrap_err();
    assert_eq!(e.code, IpcErrorCode::Project);
    assert!(e.message.contains("roles.yaml:3"), "{}", e.message);
}

#[test]
fn profiles_are_listed_saved_and_deleted_in_strata_toml() {
    let demo = Demo::new();
    let all = seeds::profiles(&demo.project()).unwrap();
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["demo-small", "load-test"]);
    let load = &all[1].form;
    assert_eq!(load.environment, Environment::Development);
    assert!(load
        .counts
        .iter()
        .any(|c| c.dataset == "sample_orders" && c.rows == 100_000));

    let mut f = form(Environment::Testing);
    f.datasets = vec!["qa_customers".into()];
    f.counts = vec![strata_desktop::commands::seeds::SeedCount {
        dataset: "qa_customers".into(),
        rows: 300,
    }];
    let after = seeds::save_profile(&demo.project(), "qa-big", &f, false).unwrap();
    assert_eq!(after.iter().find(|p| p.name == "qa-big").unwrap().form, f);
    let text = std::fs::read_to_string(demo.root.join("strata.toml")).unwrap();
    assert!(
        text.contains("# A large development set"),
        "comments survive:\n{text}"
    );
    assert!(text.contains("[seeds.profiles.qa-big]"), "{text}");

    let e = seeds::save_profile(&demo.project(), "qa_big", &f, true).unwrap_err();
    assert_eq!(e.code, IpcErrorCode::InvalidInput);
    assert!(e.message.contains("too close"), "{}", e.message);
    let e = seeds::save_profile(&demo.project(), "", &f, false).unwrap_err();
    assert!(e.message.contains("needs a name"), "{}", e.message);
    f.counts[0].dataset = "roles".into();
    let e = seeds::save_profile(&demo.project(), "bad", &f, false).unwrap_err();
    assert!(
        e.message.contains("not a generated dataset"),
        "{}",
        e.message
    );

    let left = seeds::delete_profile(&demo.project(), "qa-big").unwrap();
    assert_eq!(left.len(), 2);
    let e = seeds::delete_profile(&demo.project(), "qa-big").unwrap_err();
    assert_eq!(e.code, IpcErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_database_is_previewed_seeded_and_left_unchanged_on_a_rerun() {
    let demo = Demo::new();
    demo.migrate(EMBEDDED_TARGET, None).await;
    let url = embedded_url(&demo);
    let mut f = form(Environment::Development);
    f.counts = vec![
        strata_desktop::commands::seeds::SeedCount {
            dataset: "sample_orders".into(),
            rows: 30,
        },
        strata_desktop::commands::seeds::SeedCount {
            dataset: "sample_order_items".into(),
            rows: 60,
        },
    ];

    let p = seeds::preview(&demo.state, &demo.project(), Some(EMBEDDED_TARGET), &f, 3)
        .await
        .unwrap();
    assert!(p.dry_run_error.is_none(), "{:?}", p.dry_run_error);
    let orders = p
        .tables
        .iter()
        .find(|t| t.dataset == "sample_orders")
        .unwrap();
    assert_eq!(orders.total, 30);
    assert_eq!(orders.rows.len(), 3);
    assert_eq!(orders.rows[0][0].as_deref(), Some("1001"));
    let users = p.tables.iter().find(|t| t.dataset == "users").unwrap();
    let hash_col = users
        .columns
        .iter()
        .position(|c| c == "password_hash")
        .unwrap();
    assert_eq!(users.rows[0][hash_col].as_deref(), Some("<argon2id hash>"));
    let dry = p.dry_run.unwrap();
    let dry_orders = dry.iter().find(|d| d.dataset == "sample_orders").unwrap();
    assert_eq!(dry_orders.inserted, 30);
    assert_eq!(count(&url, "orders").await, 0, "the dry run rolled back");

    let (outcome, events) = demo.run(EMBEDDED_TARGET, &f, None, "seed-1").await.unwrap();
    let SeedRunOutcome::Finished {
        datasets,
        generated_passwords,
    } = outcome
    else {
        panic!("{outcome:?}");
    };
    assert!(generated_passwords.is_empty());
    assert_eq!(datasets.len(), 10, "the development datasets");
    assert!(datasets.iter().all(|d| d.outcome == Outcome::Applied));
    let orders = datasets
        .iter()
        .find(|d| d.dataset == "sample_orders")
        .unwrap();
    assert_eq!((orders.inserted, orders.updated), (30, 0));
    assert_eq!(count(&url, "orders").await, 30);
    assert_eq!(count(&url, "order_items").await, 60);
    assert_eq!(count(&url, "users").await, 4);
    let started = events.kinds("started");
    assert_eq!(started.len(), 1);
    assert_eq!(started[0]["datasets"].as_array().unwrap().len(), 10);
    let finished = events.kinds("finished");
    assert_eq!(finished.len(), 10, "one finished event per dataset");
    let fin_orders = finished
        .iter()
        .find(|e| e["result"]["dataset"] == "sample_orders")
        .unwrap();
    assert_eq!(fin_orders["result"]["inserted"], 30);
    assert!(events
        .kinds("progress")
        .iter()
        .any(|e| e["dataset"] == "sample_orders" && e["done"] == 30 && e["total"] == 30));

    let (again, _) = demo.run(EMBEDDED_TARGET, &f, None, "seed-2").await.unwrap();
    let SeedRunOutcome::Finished { datasets, .. } = again else {
        panic!("{again:?}");
    };
    assert!(
        datasets.iter().all(|d| d.outcome == Outcome::Unchanged),
        "{datasets:?}"
    );
    assert_eq!(count(&url, "orders").await, 30);

    // A form naming a count for a dataset that is not generated is refused before running.
    let mut bad = f.clone();
    bad.counts[0].dataset = "roles".into();
    let e = demo
        .run(EMBEDDED_TARGET, &bad, None, "seed-3")
        .await
        .unwrap_err();
    assert_eq!(e.code, IpcErrorCode::InvalidInput);
    assert!(e.message.contains("'roles'"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_rolls_back_the_dataset_it_was_in() {
    let demo = Demo::new();
    demo.migrate(EMBEDDED_TARGET, None).await;
    let mut f = form(Environment::Development);
    f.datasets = vec!["sample_orders".into()];
    f.counts = vec![strata_desktop::commands::seeds::SeedCount {
        dataset: "sample_orders".into(),
        rows: 50_000,
    }];
    let events = Events::default();
    let key = "seed-cancel".to_owned();
    let request = seeds::RunRequest {
        project: demo.project(),
        target: EMBEDDED_TARGET.into(),
        form: f,
        confirmation: None,
    };
    let channel = events.channel(Some((demo.state.clone(), key.clone())));
    let outcome = seeds::run(&demo.state, request, key.clone(), channel)
        .await
        .unwrap();
    let SeedRunOutcome::Cancelled { message, completed } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(message.contains("cancelled during dataset"), "{message}");
    assert!(!demo.state.runs.is_running(&key), "the key is released");
    let url = embedded_url(&demo);
    let done: Vec<&str> = completed.iter().map(|d| d.dataset.as_str()).collect();
    if done.contains(&"sample_orders") {
        panic!("the cancel came too late to test: {done:?}");
    }
    assert_eq!(count(&url, "orders").await, 0, "the dataset rolled back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_needs_the_typed_confirmation_and_its_secret_from_the_keychain() {
    let demo = Demo::new();
    demo.migrate(EMBEDDED_TARGET, None).await;
    let url = embedded_url(&demo);
    let f = form(Environment::Production);

    for typed in [None, Some("Production"), Some("")] {
        let e = demo.run(EMBEDDED_TARGET, &f, typed, "p").await.unwrap_err();
        assert_eq!(e.code, IpcErrorCode::Protected, "{typed:?}: {}", e.message);
        assert!(e.message.contains("type \"production\""), "{}", e.message);
    }
    let secrets = seeds::secrets(&demo.state, &demo.project()).await.unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].name, "admin_password");
    assert!(!secrets[0].stored);
    let e = demo
        .run(EMBEDDED_TARGET, &f, Some("production"), "p")
        .await
        .unwrap_err();
    assert_eq!(e.code, IpcErrorCode::InvalidInput);
    assert!(e.message.contains("admin_password"), "{}", e.message);
    assert_eq!(count(&url, "roles").await, 0, "nothing was applied");
    // The dry run says the same without failing the preview.
    let p = seeds::preview(&demo.state, &demo.project(), Some(EMBEDDED_TARGET), &f, 2)
        .await
        .unwrap();
    assert!(!p.tables.is_empty());
    let e = p.dry_run_error.unwrap();
    assert!(e.message.contains("admin_password"), "{}", e.message);

    let e = seeds::store_secret(
        &demo.state,
        &demo.project(),
        "admin_password",
        Secret::new(""),
    )
    .await
    .unwrap_err();
    assert!(e.message.contains("is empty"), "{}", e.message);
    let after = seeds::store_secret(
        &demo.state,
        &demo.project(),
        "admin_password",
        Secret::new("Adm1n-from-keychain"),
    )
    .await
    .unwrap();
    assert!(after[0].stored);
    assert!(!format!("{after:?}").contains("Adm1n"));

    let (outcome, _) = demo
        .run(EMBEDDED_TARGET, &f, Some("production"), "p2")
        .await
        .unwrap();
    let SeedRunOutcome::Finished { datasets, .. } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(datasets
        .iter()
        .any(|d| d.dataset == "production_admin" && d.inserted == 1));
    let mut s = Session::connect(&url, Duration::from_secs(10))
        .await
        .unwrap();
    let n = s
        .scalar_i64("SELECT COUNT(*) FROM users WHERE email = 'admin@example.com' AND password_hash LIKE '$argon2id$%'")
        .await
        .unwrap();
    s.close().await;
    assert_eq!(n, 1, "the secret was hashed into the row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_connection_is_seeded_and_a_production_one_is_guarded() {
    let dev_db = ScratchDatabase::create().await;
    let prod_db = ScratchDatabase::create().await;
    let demo = Demo::with_migrations("tests/fixtures/projects/demo-postgres/migrations");
    let dev = demo
        .save_postgres(&dev_db, EnvironmentTier::Development)
        .await;
    let prod = demo
        .save_postgres(&prod_db, EnvironmentTier::Production)
        .await;
    demo.migrate(&dev, None).await;

    let profile = seeds::profiles(&demo.project()).unwrap();
    let small = profile
        .iter()
        .find(|p| p.name == "demo-small")
        .unwrap()
        .form
        .clone();
    let (outcome, _) = demo.run(&dev, &small, None, "pg-1").await.unwrap();
    let SeedRunOutcome::Finished { datasets, .. } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(datasets.iter().all(|d| d.outcome == Outcome::Applied));
    assert_eq!(count(&dev_db.url, "orders").await, 20);
    assert_eq!(count(&dev_db.url, "order_items").await, 40);
    let (again, _) = demo.run(&dev, &small, None, "pg-2").await.unwrap();
    let SeedRunOutcome::Finished { datasets, .. } = again else {
        panic!("{again:?}");
    };
    assert!(datasets.iter().all(|d| d.outcome == Outcome::Unchanged));
    // Upsert after a change to the seed value updates the generated rows in place.
    let mut other = small.clone();
    other.seed = 99;
    let (changed, _) = demo.run(&dev, &other, None, "pg-3").await.unwrap();
    let SeedRunOutcome::Finished { datasets, .. } = changed else {
        panic!("{changed:?}");
    };
    let orders = datasets
        .iter()
        .find(|d| d.dataset == "sample_orders")
        .unwrap();
    assert_eq!(orders.outcome, Outcome::Applied);
    assert_eq!(orders.inserted, 0);
    assert!(orders.updated + orders.unchanged == 20, "{orders:?}");
    assert_eq!(count(&dev_db.url, "orders").await, 20);

    // The production connection: read-only first, then only production datasets, then the
    // typed database name. Nothing reaches it until all three hold.
    let f = form(Environment::Production);
    let e = demo
        .run(&prod, &f, Some(&prod_db.name), "pr")
        .await
        .unwrap_err();
    assert_eq!(e.code, IpcErrorCode::Protected);
    assert!(e.message.contains("read-only"), "{}", e.message);
    demo.manager().unlock(&prod).unwrap();
    demo.migrate(&prod, Some(&prod_db.name)).await;
    let e = demo
        .run(
            &prod,
            &form(Environment::Development),
            Some(&prod_db.name),
            "pr",
        )
        .await
        .unwrap_err();
    assert!(
        e.message
            .contains("only the datasets marked for production"),
        "{}",
        e.message
    );
    let e = demo
        .run(&prod, &f, Some("production"), "pr")
        .await
        .unwrap_err();
    assert_eq!(e.code, IpcErrorCode::Protected);
    assert!(e.message.contains(&prod_db.name), "{}", e.message);
    assert_eq!(count(&prod_db.url, "roles").await, 0);
    seeds::store_secret(
        &demo.state,
        &demo.project(),
        "admin_password",
        Secret::new("pg-admin-pass"),
    )
    .await
    .unwrap();
    let (outcome, _) = demo
        .run(&prod, &f, Some(&prod_db.name), "pr")
        .await
        .unwrap();
    let SeedRunOutcome::Finished { datasets, .. } = outcome else {
        panic!("{outcome:?}");
    };
    let names: Vec<&str> = datasets.iter().map(|d| d.dataset.as_str()).collect();
    assert!(
        names.contains(&"production_admin") && !names.contains(&"users"),
        "{names:?}"
    );
    assert_eq!(count(&prod_db.url, "users").await, 1);
}
