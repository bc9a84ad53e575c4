//! The demo seeds against real databases (SQLite, PostgreSQL, MariaDB): they apply after the
//! demo migrations, lookups resolve, a re-run changes nothing, upsert updates exactly the row
//! that changed, sync deletes the reference row that was removed, generated rows repeat
//! byte for byte for a seed value, and passwords are stored only as argon2id hashes.

use std::path::{Path, PathBuf};

use sqlx::{Connection as _, Row as _};
use strata_core::history::Outcome as EventOutcome;
use strata_core::seed::{
    self, ApplyOptions, ApplyReport, Environment, Mode, NoSecrets, Outcome, Seeds,
};
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{scalar, seed_events};
use strata_system_tests::per_engine;
use strata_system_tests::repo_root;
use strata_system_tests::servers::{up, TestTarget};

/// The demo migrations in `kind`'s dialect.
pub fn project(kind: DatabaseKind) -> PathBuf {
    match kind {
        DatabaseKind::Sqlite => repo_root(),
        DatabaseKind::Postgres => repo_root().join("tests/fixtures/projects/demo-postgres"),
        DatabaseKind::Mysql => repo_root().join("tests/fixtures/projects/demo-mysql"),
    }
}

/// A database of `kind` with the demo migrations applied.
async fn migrated(kind: DatabaseKind) -> TestTarget {
    let target = TestTarget::create(kind).await;
    let set = strata_core::source::read_dir(&project(kind).join("migrations"), None)
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    up(target.url(), &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: the demo migrations: {e}"));
    target
}

/// A copy of the demo seeds that a test may edit.
fn seeds_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(repo_root().join("seeds")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn load(dir: &Path) -> Seeds {
    Seeds::load(dir).unwrap_or_else(|e| panic!("{e}"))
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

async fn run(url: &str, seeds: &Seeds, opts: &ApplyOptions) -> ApplyReport {
    seed::apply(url, seeds, opts, &NoSecrets, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn dev(mode: Mode) -> ApplyOptions {
    let mut o = ApplyOptions::new(Environment::Development, mode);
    o.gen.seed = 42;
    o
}

fn report<'a>(r: &'a ApplyReport, name: &str) -> &'a seed::DatasetReport {
    r.datasets
        .iter()
        .find(|d| d.dataset == name)
        .unwrap_or_else(|| panic!("no dataset {name} in {r:?}"))
}

/// Every row of `sql` with each column read as text (the query casts).
pub async fn texts(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    macro_rules! all {
        ($conn:ty) => {{
            let mut c = <$conn>::connect(url)
                .await
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(&mut c)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            rows.iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| {
                            r.try_get::<Option<String>, _>(i)
                                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                        })
                        .collect()
                })
                .collect()
        }};
    }
    match DatabaseKind::from_url(url).unwrap() {
        DatabaseKind::Postgres => all!(sqlx::PgConnection),
        DatabaseKind::Mysql => all!(sqlx::MySqlConnection),
        DatabaseKind::Sqlite => all!(sqlx::SqliteConnection),
    }
}

/// `expr` cast to text in `kind`'s dialect.
pub fn txt(kind: DatabaseKind, expr: &str) -> String {
    match kind {
        DatabaseKind::Mysql => format!("CAST({expr} AS CHAR)"),
        _ => format!("CAST({expr} AS TEXT)"),
    }
}

async fn demo_seeds_apply_resolve_lookups_and_rerun_unchanged(kind: DatabaseKind) {
    let db = migrated(kind).await;
    let url = db.url();
    let seeds = load(&repo_root().join("seeds"));

    // A dry run counts against the live database and changes nothing.
    let mut dry = dev(Mode::Upsert);
    dry.dry_run = true;
    let r = run(url, &seeds, &dry).await;
    assert_eq!(report(&r, "roles").inserted, 4, "{kind}: {r:?}");
    assert_eq!(report(&r, "sample_order_items").inserted, 400, "{kind}");
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM roles").await,
        0,
        "{kind}: the dry run left rows"
    );
    assert!(
        !strata_system_tests::servers::has_table(url, "strata_seeds").await,
        "{kind}: the dry run created strata_seeds"
    );
    assert!(
        seed_events(url).await.is_empty(),
        "{kind}: the dry run logged events"
    );

    let mut events = Vec::new();
    let r = seed::apply(url, &seeds, &dev(Mode::Upsert), &NoSecrets, |p| {
        events.push(p)
    })
    .await
    .unwrap_or_else(|e| panic!("{kind}: {e}"));
    for (name, rows) in [
        ("categories", 7),
        ("roles", 4),
        ("permissions", 7),
        ("role_permissions", 10),
        ("users", 4),
        ("user_roles", 4),
        ("products", 12),
        ("app_settings", 8),
        ("sample_orders", 200),
        ("sample_order_items", 400),
    ] {
        let d = report(&r, name);
        assert_eq!(
            (d.outcome, d.inserted, d.updated, d.unchanged),
            (Outcome::Applied, rows, 0, 0),
            "{kind}: {name}: {d:?}"
        );
    }
    assert!(
        r.datasets
            .iter()
            .all(|d| d.dataset != "qa_customers" && d.dataset != "production_admin"),
        "{kind}: other environments' datasets ran"
    );
    let last = events
        .iter()
        .rfind(|p| p.dataset == "sample_orders")
        .unwrap();
    assert_eq!((last.done, last.total), (200, 200), "{kind}: progress");
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM order_items").await, 400);

    // Lookups resolved to the ids the database gave the referenced rows.
    let grants = texts(url, &format!(
        "SELECT {} FROM role_permissions rp JOIN roles r ON r.id = rp.role_id JOIN permissions p ON p.id = rp.permission_id WHERE r.name = 'moderator' ORDER BY p.code",
        txt(kind, "p.code")
    )).await;
    assert_eq!(
        grants,
        [
            [Some("orders.view".to_owned())],
            [Some("users.view".to_owned())]
        ],
        "{kind}"
    );
    let johns = texts(url, &format!("SELECT {} FROM user_roles ur JOIN users u ON u.id = ur.user_id JOIN roles r ON r.id = ur.role_id WHERE u.email = 'john@example.com'", txt(kind, "r.name"))).await;
    assert_eq!(johns, [[Some("user".to_owned())]], "{kind}");
    let lamp = texts(url, &format!("SELECT {} FROM products p JOIN categories c ON c.id = p.category_id WHERE p.sku = 'LAMP-001'", txt(kind, "c.slug"))).await;
    assert_eq!(lamp, [[Some("home-garden".to_owned())]], "{kind}");
    let phones = texts(url, &format!("SELECT {} FROM categories c JOIN categories p ON p.id = c.parent_id WHERE c.slug = 'phones'", txt(kind, "p.slug"))).await;
    assert_eq!(
        phones,
        [[Some("electronics".to_owned())]],
        "{kind}: a nested category"
    );
    assert_eq!(
        scalar(
            url,
            "SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.user_id"
        )
        .await,
        200,
        "{kind}: every order's user resolved"
    );

    // Each dataset is an event in the log the History screen reads.
    let logged = seed_events(url).await;
    assert_eq!(logged.len(), r.datasets.len(), "{kind}: {logged:?}");
    assert!(
        logged.iter().all(|e| e.outcome == EventOutcome::Ok
            && e.version.is_none()
            && e.run_id == logged[0].run_id),
        "{kind}: {logged:?}"
    );
    let orders = logged
        .iter()
        .find(|e| e.name.as_deref() == Some("sample_orders"))
        .unwrap_or_else(|| panic!("{kind}: no event for sample_orders: {logged:?}"));
    assert_eq!(
        orders.detail.as_deref(),
        Some(
            "orders: 200 inserted, 0 updated, 0 deleted, 0 unchanged (upsert, seed 42, development)"
        ),
        "{kind}"
    );

    // A re-run does nothing and says so.
    let before = scalar(url, "SELECT COUNT(*) FROM strata_seeds").await;
    assert_eq!(
        before,
        r.datasets.len() as i64,
        "{kind}: one strata_seeds row per dataset"
    );
    let again = run(url, &seeds, &dev(Mode::Upsert)).await;
    for d in &again.datasets {
        assert_eq!(d.outcome, Outcome::Unchanged, "{kind}: {d:?}");
    }
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM strata_seeds").await,
        before,
        "{kind}: an unchanged re-run was recorded"
    );
    assert_eq!(
        seed_events(url).await.len(),
        logged.len(),
        "{kind}: an unchanged re-run logged events"
    );
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM orders").await, 200);
}
per_engine!(
    demo_seeds_apply,
    demo_seeds_apply_resolve_lookups_and_rerun_unchanged
);

async fn upsert_updates_one_row_and_sync_deletes_one(kind: DatabaseKind) {
    let db = migrated(kind).await;
    let url = db.url();
    let dir = seeds_copy();
    let only = |mode| {
        let mut o = dev(mode);
        o.datasets = vec!["roles".into(), "app_settings".into()];
        o
    };
    run(url, &load(dir.path()), &only(Mode::Upsert)).await;

    // Insert-only leaves a changed row alone.
    edit(
        dir.path(),
        "roles.yaml",
        "{name: guest, description: Guest user}",
        "{name: guest, description: Visitor without an account}",
    );
    let r = run(url, &load(dir.path()), &only(Mode::InsertOnly)).await;
    let roles = report(&r, "roles");
    assert_eq!(
        (roles.inserted, roles.updated, roles.unchanged),
        (0, 0, 4),
        "{kind}: {roles:?}"
    );
    assert_eq!(
        report(&r, "app_settings").outcome,
        Outcome::Applied,
        "{kind}: the mode is part of the checksum"
    );

    // Upsert updates exactly that row.
    let r = run(url, &load(dir.path()), &only(Mode::Upsert)).await;
    let roles = report(&r, "roles");
    assert_eq!(
        (
            roles.inserted,
            roles.updated,
            roles.deleted,
            roles.unchanged
        ),
        (0, 1, 0, 3),
        "{kind}: {roles:?}"
    );
    let guest = texts(
        url,
        &format!(
            "SELECT {} FROM roles WHERE name = 'guest'",
            txt(kind, "description")
        ),
    )
    .await;
    assert_eq!(
        guest,
        [[Some("Visitor without an account".to_owned())]],
        "{kind}"
    );

    // Sync deletes the setting the file no longer has (app_settings is owned).
    edit(
        dir.path(),
        "app_settings.yaml",
        "  - {key: tax_rate, value: \"0.08\", description: Sales tax (decimal)}\n",
        "",
    );
    let r = run(url, &load(dir.path()), &only(Mode::Sync)).await;
    let settings = report(&r, "app_settings");
    assert_eq!(
        (
            settings.mode,
            settings.inserted,
            settings.updated,
            settings.deleted,
            settings.unchanged
        ),
        (Mode::Sync, 0, 0, 1, 7),
        "{kind}: {settings:?}"
    );
    assert_eq!(
        scalar(
            url,
            "SELECT COUNT(*) FROM app_settings WHERE value = '0.08'"
        )
        .await,
        0,
        "{kind}: tax_rate is still there"
    );
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM app_settings").await,
        7,
        "{kind}"
    );
    let recorded = texts(
        url,
        &format!(
            "SELECT mode, {} FROM strata_seeds WHERE dataset = 'app_settings' ORDER BY id DESC",
            txt(kind, "deleted")
        ),
    )
    .await;
    assert_eq!(
        recorded[0],
        [Some("sync".to_owned()), Some("1".to_owned())],
        "{kind}: {recorded:?}"
    );
}
per_engine!(upsert_and_sync, upsert_updates_one_row_and_sync_deletes_one);

async fn same_seed_same_rows_and_hashed_passwords(kind: DatabaseKind) {
    let dump = |kind| {
        format!(
            "SELECT {}, {}, {}, {} FROM orders o JOIN users u ON u.id = o.user_id ORDER BY o.id",
            txt(kind, "o.id"),
            txt(kind, "u.email"),
            txt(kind, "o.status"),
            txt(kind, "o.placed_at")
        )
    };
    let (a, b, c) = (
        migrated(kind).await,
        migrated(kind).await,
        migrated(kind).await,
    );
    let seeds = load(&repo_root().join("seeds"));
    run(a.url(), &seeds, &dev(Mode::Upsert)).await;
    run(b.url(), &seeds, &dev(Mode::Upsert)).await;
    let mut other = dev(Mode::Upsert);
    other.gen.seed = 43;
    run(c.url(), &seeds, &other).await;
    let (da, db_, dc) = (
        texts(a.url(), &dump(kind)).await,
        texts(b.url(), &dump(kind)).await,
        texts(c.url(), &dump(kind)).await,
    );
    assert_eq!(da.len(), 200);
    assert_eq!(da, db_, "{kind}: the same seed value gave different orders");
    assert_ne!(da, dc, "{kind}: another seed value gave the same orders");

    // Passwords: argon2id hashes that verify; no plaintext anywhere in the table.
    let users = texts(
        a.url(),
        &format!(
            "SELECT {}, {} FROM users ORDER BY email",
            txt(kind, "email"),
            txt(kind, "password_hash")
        ),
    )
    .await;
    assert_eq!(users.len(), 4, "{kind}");
    for row in &users {
        let (email, hash) = (row[0].clone().unwrap(), row[1].clone().unwrap());
        assert!(hash.starts_with("$argon2id$"), "{kind}: {email}: {hash}");
        let plain = if email == "admin@example.com" {
            "admin123"
        } else {
            "password123"
        };
        assert!(
            seed::password::verify(plain, &hash),
            "{kind}: {email}'s hash does not verify"
        );
    }
    for plain in ["admin123", "password123"] {
        let n = scalar(a.url(), &format!("SELECT COUNT(*) FROM users WHERE password_hash = '{plain}' OR email = '{plain}' OR full_name = '{plain}'")).await;
        assert_eq!(n, 0, "{kind}: plaintext {plain} in users");
    }
}
per_engine!(
    determinism_and_passwords,
    same_seed_same_rows_and_hashed_passwords
);

/// A lookup into the dataset's own table: parents named before or after their children resolve
/// on the first run, a re-run changes nothing, and a parent no row has fails with its row.
async fn nested_rows_refer_to_rows_of_the_same_dataset(kind: DatabaseKind) {
    let db = migrated(kind).await;
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    let fixture = repo_root().join("tests/fixtures/seeds/self-lookup/categories.yaml");
    std::fs::copy(&fixture, dir.path().join("categories.yaml")).unwrap();
    let r = run(url, &load(dir.path()), &dev(Mode::Upsert)).await;
    let d = report(&r, "categories");
    assert_eq!((d.inserted, d.updated), (5, 0), "{kind}: {d:?}");
    let tree = texts(
        url,
        &format!(
            "SELECT {}, {} FROM categories c LEFT JOIN categories p ON p.id = c.parent_id ORDER BY c.slug",
            txt(kind, "c.slug"),
            txt(kind, "p.slug")
        ),
    )
    .await;
    let tree: Vec<(String, Option<String>)> = tree
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone()))
        .collect();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        tree,
        [
            (s("android"), Some(s("phones"))),
            (s("books"), None),
            (s("electronics"), None),
            (s("fiction"), Some(s("books"))),
            (s("phones"), Some(s("electronics"))),
        ],
        "{kind}"
    );

    // Moving a category under a new one: one inserted, one updated, the rest unchanged.
    edit(
        dir.path(),
        "categories.yaml",
        "  - {slug: fiction, name: Fiction, parent: books}",
        "  - {slug: fiction, name: Fiction, parent: novels}\n  - {slug: novels, name: Novels, parent: books}",
    );
    let r = run(url, &load(dir.path()), &dev(Mode::Upsert)).await;
    let d = report(&r, "categories");
    assert_eq!(
        (d.inserted, d.updated, d.unchanged),
        (1, 1, 4),
        "{kind}: {d:?}"
    );
    assert_eq!(
        texts(
            url,
            &format!(
                "SELECT {} FROM categories c JOIN categories p ON p.id = c.parent_id WHERE c.slug = 'fiction'",
                txt(kind, "p.slug")
            )
        )
        .await,
        [[Some(s("novels"))]],
        "{kind}"
    );

    // A parent that no row has: the row and column are named, and nothing changed.
    edit(
        dir.path(),
        "categories.yaml",
        "parent: phones}",
        "parent: tablets}",
    );
    let e = seed::apply(
        url,
        &load(dir.path()),
        &dev(Mode::Upsert),
        &NoSecrets,
        |_| {},
    )
    .await
    .expect_err("a parent no row has");
    match &e {
        seed::ApplyError::Lookup { at, value, .. } => assert_eq!(
            (at.row, at.column.as_deref(), value.as_str()),
            (Some(3), Some("parent"), "tablets"),
            "{kind}: {e}"
        ),
        other => panic!("{kind}: expected a lookup error, got {other:?}: {other}"),
    }
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM categories").await,
        6,
        "{kind}: {e}"
    );
}
per_engine!(self_lookup, nested_rows_refer_to_rows_of_the_same_dataset);
