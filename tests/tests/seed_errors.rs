//! Seeding that must fail, against real databases: a foreign key or unique violation names the
//! dataset, row and column and leaves the table as it was; production needs the typed
//! confirmation and takes passwords only from the host; a plan that contradicts the live
//! foreign keys is refused before any row is written; cancel rolls the dataset back.

use std::path::Path;

use strata_core::history::Outcome as EventOutcome;
use strata_core::seed::{
    self, ApplyError, ApplyOptions, Environment, Mode, NoSecrets, SecretMap, Seeds,
};
use strata_core::DatabaseKind;
use strata_system_tests::catalog::{scalar, seed_events};
use strata_system_tests::per_engine;
use strata_system_tests::repo_root;
use strata_system_tests::servers::{up, TestTarget};

async fn migrated(kind: DatabaseKind) -> TestTarget {
    let project = match kind {
        DatabaseKind::Sqlite => repo_root(),
        DatabaseKind::Postgres => repo_root().join("tests/fixtures/projects/demo-postgres"),
        DatabaseKind::Mysql => repo_root().join("tests/fixtures/projects/demo-mysql"),
    };
    let target = TestTarget::create(kind).await;
    let set = strata_core::source::read_dir(&project.join("migrations"), None).unwrap();
    up(target.url(), &set)
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    target
}

fn fixture(name: &str) -> Seeds {
    let dir = repo_root().join("tests/fixtures/seeds").join(name);
    Seeds::load(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn dev() -> ApplyOptions {
    ApplyOptions::new(Environment::Development, Mode::Upsert)
}

async fn apply_err(url: &str, seeds: &Seeds, opts: &ApplyOptions) -> ApplyError {
    match seed::apply(url, seeds, opts, &NoSecrets, |_| {}).await {
        Ok(r) => panic!("{url}: seeding succeeded: {r:?}"),
        Err(e) => e,
    }
}

async fn constraint_violations_name_the_row_and_leave_the_table(kind: DatabaseKind) {
    let db = migrated(kind).await;
    let url = db.url();
    let e = apply_err(url, &fixture("fk-violation"), &dev()).await;
    let text = e.to_string();
    match &e {
        ApplyError::Constraint { at, table, .. } => {
            assert_eq!(
                (
                    at.dataset.as_deref(),
                    at.row,
                    at.column.as_deref(),
                    table.as_str()
                ),
                (Some("products"), Some(2), Some("category_id"), "products"),
                "{kind}: {text}"
            );
            assert!(
                at.file.ends_with("fk-violation/products.yaml") && at.line == Some(6),
                "{kind}: {text}"
            );
        }
        other => panic!("{kind}: expected a constraint error, got {other:?}: {other}"),
    }
    assert!(
        text.contains("categories") && text.contains("rolled back"),
        "{kind}: {text}"
    );
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM products").await,
        0,
        "{kind}: products kept rows of the failed dataset"
    );
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM categories").await,
        1,
        "{kind}: the dataset before it stays applied"
    );
    assert_eq!(
        scalar(
            url,
            "SELECT COUNT(*) FROM strata_seeds WHERE dataset = 'products'"
        )
        .await,
        0,
        "{kind}"
    );
    // The log has the dataset before it as applied and this one as failed, with the reason.
    let logged = seed_events(url).await;
    let outcomes: Vec<_> = logged
        .iter()
        .map(|e| (e.name.as_deref().unwrap_or(""), e.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("products", EventOutcome::Failed),
            ("categories", EventOutcome::Ok)
        ],
        "{kind}"
    );
    assert_eq!(logged[0].error.as_deref(), Some(text.as_str()), "{kind}");

    let e = apply_err(url, &fixture("unique-violation"), &dev()).await;
    let text = e.to_string();
    match &e {
        ApplyError::Constraint { at, .. } => {
            assert_eq!(
                (at.dataset.as_deref(), at.row, at.column.as_deref()),
                (Some("legacy_roles"), Some(2), Some("name")),
                "{kind}: {text}"
            );
        }
        other => panic!("{kind}: expected a constraint error, got {other:?}: {other}"),
    }
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM roles").await,
        2,
        "{kind}: roles changed: {text}"
    );
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM roles WHERE name = 'ops'").await,
        0,
        "{kind}: row 1 of the failed dataset stayed"
    );
}
per_engine!(
    constraint_violations,
    constraint_violations_name_the_row_and_leave_the_table
);

async fn production_needs_confirmation_and_the_hosts_secret(kind: DatabaseKind) {
    let db = migrated(kind).await;
    let url = db.url();
    let seeds = Seeds::load(&repo_root().join("seeds")).unwrap();
    let mut opts = ApplyOptions::new(Environment::Production, Mode::Upsert);
    let e = apply_err(url, &seeds, &opts).await;
    assert!(
        matches!(e, ApplyError::ProductionNotConfirmed { .. }),
        "{kind}: {e}"
    );
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM roles").await, 0, "{kind}");

    opts.confirmed_production = true;
    let e = apply_err(url, &seeds, &opts).await;
    match &e {
        ApplyError::MissingSecret { at, name } => assert_eq!(
            (at.dataset.as_deref(), name.as_str()),
            (Some("production_admin"), "admin_password"),
            "{kind}: {e}"
        ),
        other => panic!("{kind}: expected a missing secret, got {other}"),
    }
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM users").await, 0, "{kind}");

    let secrets = SecretMap([("admin_password".to_owned(), "from the keychain".to_owned())].into());
    let r = seed::apply(url, &seeds, &opts, &secrets, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    let names: Vec<&str> = r.datasets.iter().map(|d| d.dataset.as_str()).collect();
    assert!(
        names.contains(&"production_admin")
            && !names.contains(&"users")
            && !names.contains(&"products"),
        "{kind}: {names:?}"
    );
    let hash = super_texts(url, kind).await;
    assert!(
        seed::password::verify("from the keychain", &hash),
        "{kind}: {hash}"
    );
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM users").await, 1, "{kind}");
}
per_engine!(
    production,
    production_needs_confirmation_and_the_hosts_secret
);

async fn super_texts(url: &str, kind: DatabaseKind) -> String {
    use sqlx::{Connection as _, Row as _};
    let sql = "SELECT password_hash FROM users WHERE email = 'admin@example.com'";
    match kind {
        DatabaseKind::Postgres => sqlx::query(sql)
            .fetch_one(&mut sqlx::PgConnection::connect(url).await.unwrap())
            .await
            .unwrap()
            .get(0),
        DatabaseKind::Mysql => sqlx::query(sql)
            .fetch_one(&mut sqlx::MySqlConnection::connect(url).await.unwrap())
            .await
            .unwrap()
            .get(0),
        DatabaseKind::Sqlite => sqlx::query(sql)
            .fetch_one(&mut sqlx::SqliteConnection::connect(url).await.unwrap())
            .await
            .unwrap()
            .get(0),
    }
}

async fn a_plan_against_the_live_foreign_keys_is_refused(kind: DatabaseKind) {
    let db = migrated(kind).await;
    let url = db.url();
    let e = apply_err(url, &fixture("order-mismatch"), &dev()).await;
    match &e {
        ApplyError::OrderAgainstSchema {
            dataset,
            references,
            filled_by,
            ..
        } => {
            assert_eq!(
                (dataset.as_str(), references.as_str(), filled_by.as_str()),
                ("a_products", "categories", "b_categories"),
                "{kind}: {e}"
            );
        }
        other => panic!("{kind}: expected an order error, got {other}"),
    }
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM products").await,
        0,
        "{kind}"
    );
    // A table the migrations did not create is named before anything runs.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tags.yaml"),
        "table: tags\nkey: name\nrows: [{name: a}]\n",
    )
    .unwrap();
    let e = apply_err(url, &Seeds::load(dir.path()).unwrap(), &dev()).await;
    assert!(
        matches!(&e, ApplyError::MissingTable { table, .. } if table == "tags"),
        "{kind}: {e}"
    );
    std::fs::write(
        dir.path().join("tags.yaml"),
        "table: roles\nkey: name\nrows: [{name: a, colour: red}]\n",
    )
    .unwrap();
    let e = apply_err(url, &Seeds::load(dir.path()).unwrap(), &dev()).await;
    assert!(
        matches!(&e, ApplyError::MissingColumn { at, .. } if at.column.as_deref() == Some("colour")),
        "{kind}: {e}"
    );
}
per_engine!(
    plan_against_schema,
    a_plan_against_the_live_foreign_keys_is_refused
);

async fn cancel_rolls_the_dataset_back(kind: DatabaseKind) {
    let db = migrated(kind).await;
    let url = db.url();
    let seeds = fixture("bulk");
    let token = strata_core::lock::CancelToken::new();
    let mut opts = dev();
    opts.cancel = Some(token.clone());
    let mut seen = Vec::new();
    let result = seed::apply(url, &seeds, &opts, &NoSecrets, |p| {
        seen.push((p.done, p.total));
        token.cancel();
    })
    .await;
    match result {
        Err(ApplyError::Cancelled {
            dataset,
            done,
            total,
        }) => {
            assert_eq!((dataset.as_str(), total), ("users", 60_000), "{kind}");
            assert!(done > 0 && done < total, "{kind}: cancelled after {done}");
        }
        other => panic!("{kind}: expected a cancel, got {other:?}"),
    }
    assert_eq!(
        seen.first().map(|p| p.1),
        Some(60_000),
        "{kind}: progress gives the total"
    );
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM users").await,
        0,
        "{kind}: a cancelled dataset left rows"
    );
    assert_eq!(
        scalar(url, "SELECT COUNT(*) FROM strata_seeds").await,
        0,
        "{kind}"
    );
    let logged = seed_events(url).await;
    assert_eq!(logged.len(), 1, "{kind}: {logged:?}");
    assert_eq!(
        (logged[0].name.as_deref(), logged[0].outcome),
        (Some("users"), EventOutcome::Cancelled),
        "{kind}"
    );
}
per_engine!(cancel, cancel_rolls_the_dataset_back);

#[test]
fn the_fixtures_load() {
    for name in ["fk-violation", "unique-violation", "order-mismatch", "bulk"] {
        let dir = repo_root().join("tests/fixtures/seeds").join(name);
        assert!(Path::new(&dir).is_dir());
        fixture(name);
    }
}
