//! The write guard: read-only until unlocked, the exact database name, one session's unlocks.

use std::path::PathBuf;

use strata_core::DatabaseKind;

use super::*;

fn production() -> ConnectionProfile {
    let mut p = ConnectionProfile::new(
        "Shop prod",
        DatabaseKind::Postgres,
        EnvironmentTier::Production,
    );
    p.host = "db.example.com".into();
    p.database = "Shop".into();
    p
}

#[test]
fn production_starts_read_only_and_confirmed_by_name() {
    let p = production();
    assert_eq!(
        p.protection,
        Protection {
            read_only: true,
            confirm_by_name: true
        }
    );
    let err = check_apply_allowed(&p, Some("Shop")).unwrap_err();
    assert!(matches!(err, ProtectionError::ReadOnly { .. }), "{err:?}");
    assert!(
        err.to_string().contains("\"Shop prod\" is read-only"),
        "{err}"
    );
}

#[test]
fn unlocked_production_still_needs_the_exact_name() {
    let p = production();
    let check = |typed| check_apply_allowed_with(&p, Lock::Unlocked, typed);
    assert!(matches!(
        check(None),
        Err(ProtectionError::ConfirmationRequired { .. })
    ));
    assert!(matches!(
        check(Some("")),
        Err(ProtectionError::ConfirmationRequired { .. })
    ));
    for wrong in ["shop", "SHOP", "Shop ", " Shop", "Shop prod", "Sho"] {
        let err = check(Some(wrong)).unwrap_err();
        assert!(
            matches!(err, ProtectionError::ConfirmationMismatch { ref expected, .. } if expected == "Shop"),
            "{wrong:?}: {err:?}"
        );
    }
    check(Some("Shop")).unwrap();
    let text = check(None).unwrap_err().to_string();
    assert!(text.contains("type the database name \"Shop\""), "{text}");
}

#[test]
fn each_guard_works_on_its_own_in_any_tier() {
    let mut p = ConnectionProfile::new("dev", DatabaseKind::Mysql, EnvironmentTier::Development);
    p.database = "app".into();
    assert_eq!(
        p.protection,
        Protection::for_tier(EnvironmentTier::Development)
    );
    check_apply_allowed(&p, None).unwrap();

    p.protection = Protection {
        read_only: true,
        confirm_by_name: false,
    };
    assert!(check_apply_allowed(&p, Some("app")).is_err());
    check_apply_allowed_with(&p, Lock::Unlocked, None).unwrap();

    p.protection = Protection {
        read_only: false,
        confirm_by_name: true,
    };
    assert!(check_apply_allowed(&p, None).is_err());
    check_apply_allowed(&p, Some("app")).unwrap();

    // Production with its guards turned off by the user is not guarded.
    let mut prod = production();
    prod.protection = Protection {
        read_only: false,
        confirm_by_name: false,
    };
    check_apply_allowed(&prod, None).unwrap();
}

#[test]
fn sqlite_confirms_with_the_file_name() {
    let mut p = ConnectionProfile::new("local", DatabaseKind::Sqlite, EnvironmentTier::Staging);
    p.sqlite_path = Some(PathBuf::from("/srv/data/Shop.sqlite3"));
    p.protection.confirm_by_name = true;
    assert!(matches!(
        check_apply_allowed(&p, Some("/srv/data/Shop.sqlite3")),
        Err(ProtectionError::ConfirmationMismatch { .. })
    ));
    check_apply_allowed(&p, Some("Shop.sqlite3")).unwrap();

    p.sqlite_path = None;
    assert!(matches!(
        check_apply_allowed(&p, Some("")),
        Err(ProtectionError::NothingToConfirm { .. })
    ));
}

#[test]
fn an_empty_database_name_never_confirms() {
    let mut p = production();
    p.database.clear();
    let err = check_apply_allowed_with(&p, Lock::Unlocked, Some("")).unwrap_err();
    assert!(
        matches!(err, ProtectionError::NothingToConfirm { .. }),
        "{err:?}"
    );
}

#[test]
fn the_session_unlocks_one_connection_at_a_time() {
    let session = SessionUnlocks::new();
    let p = production();
    let mut other = production();
    other.id = crate::profile::new_id();
    assert!(matches!(
        session.check(&p, Some("Shop")),
        Err(ProtectionError::ReadOnly { .. })
    ));
    session.unlock(&p.id);
    session.check(&p, Some("Shop")).unwrap();
    assert!(
        session.check(&other, Some("Shop")).is_err(),
        "only p was unlocked"
    );
    assert!(
        session.check(&p, Some("shop")).is_err(),
        "unlocking does not skip the name"
    );
    assert!(session.lock(&p.id));
    assert!(!session.lock(&p.id));
    assert!(session.check(&p, Some("Shop")).is_err());
}
