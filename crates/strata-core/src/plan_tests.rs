//! Table tests of the planner: states from disk + history, and plans for each target.

use super::*;

fn local(v: u64, sum: &str) -> Local<u64> {
    Local {
        version: v,
        raw: v.to_string(),
        name: format!("m{v}"),
        checksum: sum.into(),
        reversible: true,
    }
}

fn applied(v: u64, sum: &str, state: AppliedState, down: bool) -> AppliedMigration {
    AppliedMigration {
        version: v.to_string(),
        name: format!("m{v}"),
        checksum: sum.into(),
        up_sql: String::new(),
        down_sql: down.then(String::new),
        applied_at: String::new(),
        applied_by: String::new(),
        execution_ms: 0,
        state,
        statements_total: 3,
        statements_committed: if state == AppliedState::Applied { 3 } else { 1 },
    }
}

fn ok(v: u64) -> AppliedMigration {
    applied(v, "s", AppliedState::Applied, true)
}

fn states(local: &[Local<u64>], hist: &[AppliedMigration]) -> Vec<(u64, MigrationState)> {
    status(local, hist, |s| s.parse().ok())
        .into_iter()
        .map(|r| (r.version, r.state))
        .collect()
}

fn steps(
    local: &[Local<u64>],
    hist: &[AppliedMigration],
    target: Target<u64>,
    ooo: bool,
) -> Result<Vec<(u64, Direction)>, PlanError> {
    let rows = status(local, hist, |s| s.parse().ok());
    plan(
        &rows,
        &target,
        PlanOptions {
            allow_out_of_order: ooo,
        },
    )
    .map(|p| p.into_iter().map(|s| (s.version, s.direction)).collect())
}

use Direction::{Down, Up};
use MigrationState::*;

#[test]
fn every_state() {
    let disk = [
        local(1, "s"),
        local(2, "edited"),
        local(3, "s"),
        local(5, "s"),
        local(6, "s"),
    ];
    let hist = [
        ok(1),
        ok(2),
        ok(4),
        applied(5, "s", AppliedState::Partial, true),
    ];
    assert_eq!(
        states(&disk, &hist),
        [
            (1, Applied),
            (2, Modified),
            (3, OutOfOrder),
            (4, MissingFile),
            (5, Partial),
            (6, Pending)
        ]
    );
    let hist = [applied(1, "s", AppliedState::PartialRollback, true)];
    assert_eq!(states(&[local(1, "s")], &hist), [(1, PartialRollback)]);
}

#[test]
fn versions_order_numerically_not_as_text() {
    let disk = [local(9, "s"), local(10, "s"), local(100, "s")];
    assert_eq!(
        states(&disk, &[ok(10)]),
        [(9, OutOfOrder), (10, Applied), (100, Pending)]
    );
}

#[test]
fn up_plans() {
    let disk = [local(1, "s"), local(2, "s"), local(3, "s")];
    assert_eq!(
        steps(&disk, &[], Target::Latest, false).unwrap(),
        [(1, Up), (2, Up), (3, Up)]
    );
    assert_eq!(
        steps(&disk, &[ok(1)], Target::UpTo(2), false).unwrap(),
        [(2, Up)]
    );
    assert_eq!(
        steps(&disk, &[ok(1), ok(2), ok(3)], Target::Latest, false).unwrap(),
        []
    );
    assert!(matches!(
        steps(&disk, &[], Target::UpTo(7), false),
        Err(PlanError::UnknownVersion { .. })
    ));
}

#[test]
fn out_of_order_is_reported_never_skipped() {
    let disk = [local(1, "s"), local(2, "s"), local(3, "s")];
    let err = steps(&disk, &[ok(1), ok(3)], Target::Latest, false).unwrap_err();
    assert_eq!(
        err,
        PlanError::OutOfOrder {
            versions: vec!["2".into()]
        }
    );
    assert!(err.to_string().contains("--allow-out-of-order"), "{err}");
    assert_eq!(
        steps(&disk, &[ok(1), ok(3)], Target::Latest, true).unwrap(),
        [(2, Up)]
    );
    // A target below the stray version does not need it.
    assert_eq!(
        steps(&disk, &[ok(1), ok(3)], Target::UpTo(1), false).unwrap(),
        []
    );
}

#[test]
fn modified_and_partial_block_up() {
    let disk = [local(1, "edited"), local(2, "s")];
    let err = steps(&disk, &[ok(1)], Target::Latest, false).unwrap_err();
    assert!(
        matches!(&err, PlanError::Modified { versions } if versions == &["1"]),
        "{err}"
    );
    assert!(err.to_string().contains("strata repair"), "{err}");

    let hist = [ok(1), applied(2, "s", AppliedState::Partial, true)];
    let err = steps(
        &[local(1, "s"), local(2, "s"), local(3, "s")],
        &hist,
        Target::Latest,
        false,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("1 of 3 statements committed"),
        "{err}"
    );
    // Partial blocks rollbacks too: the journal must be resolved first.
    assert!(matches!(
        steps(&[local(2, "s")], &hist[1..], Target::Zero, false),
        Err(PlanError::Partial { .. })
    ));
}

#[test]
fn down_plans_use_the_history_newest_first() {
    let disk = [local(1, "s"), local(2, "s"), local(3, "s")];
    let hist = [ok(1), ok(2), ok(3)];
    assert_eq!(
        steps(&disk, &hist, Target::DownSteps(2), false).unwrap(),
        [(3, Down), (2, Down)]
    );
    assert_eq!(
        steps(&disk, &hist, Target::DownTo(1), false).unwrap(),
        [(3, Down), (2, Down)]
    );
    assert_eq!(
        steps(&disk, &hist, Target::Zero, false).unwrap(),
        [(3, Down), (2, Down), (1, Down)]
    );
    assert_eq!(
        steps(&disk, &hist, Target::DownSteps(9), false)
            .unwrap()
            .len(),
        3
    );
    // A deleted file still rolls back from the stored SQL.
    assert_eq!(
        steps(&disk[..1], &hist, Target::DownSteps(1), false).unwrap(),
        [(3, Down)]
    );
}

#[test]
fn irreversible_and_redo() {
    let disk = [local(1, "s"), local(2, "s")];
    let hist = [ok(1), applied(2, "s", AppliedState::Applied, false)];
    let err = steps(&disk, &hist, Target::DownSteps(1), false).unwrap_err();
    assert!(err.to_string().contains("cannot be rolled back"), "{err}");

    assert_eq!(
        steps(&disk, &[ok(1), ok(2)], Target::Redo, false).unwrap(),
        [(2, Down), (2, Up)]
    );
    assert_eq!(
        steps(&disk, &[], Target::Redo, false).unwrap_err(),
        PlanError::NothingToRedo
    );
}
