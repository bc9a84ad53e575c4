//! The Schema screen's services against real databases: the embedded SQLite database and
//! saved PostgreSQL connections (scratch databases). The live schema and its DDL, the effect
//! of pending migrations (whole or cut at a version) that leaves the target unchanged, the
//! comparison of two databases, and a generated migration written whole or not at all.

mod support;

use strata_core::schema::diff::{Change, ObjectKind, PartKind};
use strata_core::DatabaseKind;
use strata_desktop::commands::timeline::EMBEDDED_TARGET;
use strata_desktop::{schema, IpcErrorCode};
use strata_project::EnvironmentTier;
use support::{diff_lines, run_latest, App, ScratchDatabase, FILES};

const V1: &str = "20240101000000";
const V2: &str = "20240102000000";
const V3: &str = "20240103000000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_schema_lists_applied_tables_with_their_ddl() {
    let app = App::new(FILES);
    let empty = schema::schema_of(&app.state, &app.project(), EMBEDDED_TARGET)
        .await
        .unwrap();
    assert_eq!(empty.schema.engine, DatabaseKind::Sqlite);
    assert_eq!(empty.schema.table_count, 0);
    assert!(empty.schema.ddl.is_empty(), "{}", empty.schema.ddl);

    run_latest(&app, EMBEDDED_TARGET, "apply").await;
    let live = schema::schema_of(&app.state, &app.project(), EMBEDDED_TARGET)
        .await
        .unwrap();
    assert_eq!(live.schema.table_count, 2);
    let objects: Vec<_> = live.schema.namespaces[0].objects.iter().collect();
    let names: Vec<&str> = objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["orders", "users"],
        "Strata's own tables are not shown"
    );
    let users = objects[1];
    assert_eq!(users.kind, ObjectKind::Table);
    let columns: Vec<&str> = (users.parts.iter())
        .filter(|p| p.kind == PartKind::Column)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(columns, ["id", "name", "email"]);
    assert!(users.ddl.contains("CREATE TABLE"), "{}", users.ddl);
    assert!(users.ddl.contains("users"), "{}", users.ddl);
    assert!(
        !users.ddl.contains("orders"),
        "one object's DDL: {}",
        users.ddl
    );
    assert!(live.schema.ddl.contains("orders") && live.schema.ddl.contains("users"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_effect_of_pending_migrations_is_previewed_and_nothing_is_left() {
    let db = ScratchDatabase::create().await;
    let app = App::new(FILES);
    let pg = app.save_postgres(&db, EnvironmentTier::Development).await;

    let all = schema::migration_effect(&app.state, &app.project(), &pg, None)
        .await
        .unwrap();
    assert_eq!(all.pending, [V1, V2, V3]);
    assert_eq!(all.before.table_count, 0);
    assert_eq!(all.after.table_count, 2);
    let l = diff_lines(&all.diff);
    assert!(l.contains(&"added Table orders".to_owned()), "{l:?}");
    assert!(l.contains(&"added Table users".to_owned()), "{l:?}");
    assert!(
        all.counts.added >= 2 && all.counts.removed == 0,
        "{:?}",
        all.counts
    );
    assert!(all.after.ddl.contains("CREATE TABLE"), "{}", all.after.ddl);

    // Cut at V2: the email column is there, the orders table is not.
    let cut = schema::migration_effect(&app.state, &app.project(), &pg, Some(V2))
        .await
        .unwrap();
    assert_eq!(cut.pending, [V1, V2]);
    let l = diff_lines(&cut.diff);
    assert!(l.contains(&"added Column users.email".to_owned()), "{l:?}");
    assert!(!l.iter().any(|x| x.contains("orders")), "{l:?}");
    // V2's own effect: V1 ran first in the preview, so its table is in "before", not added.
    assert!(cut.before.ddl.contains("users"), "{}", cut.before.ddl);
    assert!(!l.iter().any(|x| x.starts_with("added Table")), "{l:?}");

    // Nothing was left behind: the target is still empty and has no history.
    let live = schema::schema_of(&app.state, &app.project(), &pg)
        .await
        .unwrap();
    assert_eq!(live.schema.table_count, 0, "{}", live.schema.ddl);
    assert_eq!(db.history_len().await, 0);

    // Once applied, V2 has no pending effect.
    run_latest(&app, &pg, "apply").await;
    let done = schema::migration_effect(&app.state, &app.project(), &pg, Some(V2))
        .await
        .unwrap();
    assert!(done.pending.is_empty() && done.diff.namespaces.is_empty());

    let err = schema::migration_effect(&app.state, &app.project(), &pg, Some("1999"))
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::NotFound, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_and_generate_make_b_like_a() {
    let a = ScratchDatabase::create().await;
    let b = ScratchDatabase::create().await;
    a.execute("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, phone text); CREATE INDEX users_email_idx ON users (email)")
        .await
        .unwrap();
    b.execute("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)")
        .await
        .unwrap();
    let app = App::new(FILES);
    let ida = app.save_postgres(&a, EnvironmentTier::Development).await;
    let idb = app.save_postgres(&b, EnvironmentTier::Staging).await;

    let c = schema::compare(&app.state, &app.project(), &ida, &idb)
        .await
        .unwrap();
    let l = diff_lines(&c.diff);
    assert_eq!(
        l,
        [
            "changed Table users",
            "added Column users.phone",
            "added Index users.users_email_idx"
        ]
    );
    assert_eq!(c.diff.namespaces[0].objects[0].change, Change::Changed);
    assert!(
        c.up.contains("phone") && c.up.contains("users_email_idx"),
        "{}",
        c.up
    );
    assert!(c.down.contains("DROP"), "{}", c.down);
    assert!(c.a_ddl.contains("phone") && !c.b_ddl.contains("phone"));

    // The generated pair holds the SQL, and applying it makes B like A.
    let made = schema::write_generated(&app.project(), "sync users", &c.up, &c.down).unwrap();
    let up = std::fs::read_to_string(&made.up_path).unwrap();
    let down = std::fs::read_to_string(made.down_path.as_ref().unwrap()).unwrap();
    assert_eq!(up.trim(), c.up.trim());
    assert_eq!(down.trim(), c.down.trim());
    b.execute(&up).await.unwrap();
    let again = schema::compare(&app.state, &app.project(), &ida, &idb)
        .await
        .unwrap();
    assert!(
        again.diff.namespaces.is_empty(),
        "{:?}",
        diff_lines(&again.diff)
    );
    assert_eq!(again.counts.added + again.counts.changed, 0);

    // Nothing is written for a bad name or empty SQL.
    let before = std::fs::read_dir(app.root.join("migrations"))
        .unwrap()
        .count();
    let err = schema::write_generated(&app.project(), "../x", &c.up, &c.down).unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput, "{err}");
    let err = schema::write_generated(&app.project(), "empty", "  ", "").unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput, "{err}");
    let after = std::fs::read_dir(app.root.join("migrations"))
        .unwrap()
        .count();
    assert_eq!(before, after, "a refused migration left files");

    // A database against itself, and two engines, are refused with a reason.
    let err = schema::compare(&app.state, &app.project(), &ida, &ida)
        .await
        .unwrap_err();
    assert_eq!(err.code, IpcErrorCode::InvalidInput);
    let err = schema::compare(&app.state, &app.project(), &ida, EMBEDDED_TARGET)
        .await
        .unwrap_err();
    assert!(err.message.contains("same engine"), "{err}");
}
