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

// Repeatable migrations (Flyway's `R__…`): keyed `R__<description>`, sorted after every
// versioned migration (here by a version above them all).

fn rep(desc: &str, key: u64, sum: &str) -> Local<u64> {
    Local {
        version: key,
        raw: format!("R__{desc}"),
        name: desc.into(),
        checksum: sum.into(),
        reversible: false,
    }
}

fn rep_applied(desc: &str, sum: &str) -> AppliedMigration {
    AppliedMigration {
        version: format!("R__{desc}"),
        down_sql: None,
        ..applied(0, sum, AppliedState::Applied, false)
    }
}

fn parse_key(raw: &str) -> Option<u64> {
    match raw {
        "R__a_views" => Some(1000),
        "R__b_grants" => Some(1001),
        other => other.parse().ok(),
    }
}

fn rstates(local: &[Local<u64>], hist: &[AppliedMigration]) -> Vec<(String, MigrationState)> {
    status(local, hist, parse_key)
        .into_iter()
        .map(|r| (r.raw, r.state))
        .collect()
}

/// Steps as `raw direction` (`+` when the step replaces a repeatable's history row), and the
/// plan's notes.
fn rsteps(
    local: &[Local<u64>],
    hist: &[AppliedMigration],
    target: Target<u64>,
) -> Result<(Vec<String>, Vec<String>), PlanError> {
    let rows = status(local, hist, parse_key);
    let steps = plan(&rows, &target, PlanOptions::default())?;
    let shown = steps
        .iter()
        .map(|s| {
            let dir = if s.direction == Up { "up" } else { "down" };
            format!("{} {dir}{}", s.raw, if s.replaces { "+" } else { "" })
        })
        .collect();
    Ok((shown, notes(&rows, &target)))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn flyway_disk(views: &str) -> Vec<Local<u64>> {
    vec![
        local(1, "s"),
        local(2, "s"),
        rep("a_views", 1000, views),
        rep("b_grants", 1001, "g"),
    ]
}

#[test]
fn repeatable_states() {
    let s = |v: &str, st| (v.to_owned(), st);
    let disk = flyway_disk("v2");
    assert_eq!(
        rstates(&disk, &[ok(1)]),
        [
            s("1", Applied),
            s("2", Pending),
            s("R__a_views", Pending),
            s("R__b_grants", Pending)
        ]
    );
    let hist = [
        ok(1),
        ok(2),
        rep_applied("a_views", "v1"),
        rep_applied("b_grants", "g"),
    ];
    assert_eq!(
        rstates(&disk, &hist),
        [
            s("1", Applied),
            s("2", Applied),
            s("R__a_views", Changed),
            s("R__b_grants", Applied)
        ]
    );
    // A repeatable whose file is gone is only reported.
    assert_eq!(rstates(&disk[..3], &hist)[3], s("R__b_grants", MissingFile));
}

/// Disk, history, target, and the steps planned.
type Case = (
    Vec<Local<u64>>,
    Vec<AppliedMigration>,
    Target<u64>,
    Vec<&'static str>,
);

#[test]
fn repeatables_run_after_the_pending_versions_and_again_when_changed() {
    let cases: Vec<Case> = vec![
        // A fresh database: the versions, then the repeatables by description.
        (
            flyway_disk("v1"),
            vec![],
            Target::Latest,
            vec!["1 up", "2 up", "R__a_views up", "R__b_grants up"],
        ),
        // Up to date.
        (
            flyway_disk("v1"),
            vec![
                ok(1),
                ok(2),
                rep_applied("a_views", "v1"),
                rep_applied("b_grants", "g"),
            ],
            Target::Latest,
            vec![],
        ),
        // An edited repeatable alone is applied again, replacing its row.
        (
            flyway_disk("v2"),
            vec![
                ok(1),
                ok(2),
                rep_applied("a_views", "v1"),
                rep_applied("b_grants", "g"),
            ],
            Target::Latest,
            vec!["R__a_views up+"],
        ),
        // A new version after applied repeatables is pending, not out of order, and runs alone.
        (
            [flyway_disk("v1"), vec![local(3, "s")]].concat(),
            vec![
                ok(1),
                ok(2),
                rep_applied("a_views", "v1"),
                rep_applied("b_grants", "g"),
            ],
            Target::Latest,
            vec!["3 up"],
        ),
        // With --to, as Flyway's target: the versions up to it, then the repeatables.
        (
            flyway_disk("v1"),
            vec![],
            Target::UpTo(1),
            vec!["1 up", "R__a_views up", "R__b_grants up"],
        ),
    ];
    for (i, (disk, hist, target, want)) in cases.into_iter().enumerate() {
        let (got, notes) = rsteps(&disk, &hist, target).unwrap();
        assert_eq!(got, strings(&want), "case {i}");
        assert!(notes.is_empty(), "case {i}: {notes:?}");
    }
    // A new version is Pending, not OutOfOrder, beside applied repeatables.
    let disk = [flyway_disk("v1"), vec![local(3, "s")]].concat();
    let hist = [ok(1), ok(2), rep_applied("a_views", "v1")];
    assert_eq!(rstates(&disk, &hist)[2], ("3".to_owned(), Pending));
}

#[test]
fn repeatables_do_not_hide_versioned_problems() {
    // A stray version between applied ones is still out of order.
    let disk = [flyway_disk("v1"), vec![local(3, "s")]].concat();
    let hist = [ok(1), ok(3), rep_applied("a_views", "v1")];
    assert_eq!(
        rsteps(&disk, &hist, Target::Latest).unwrap_err(),
        PlanError::OutOfOrder {
            versions: vec!["2".into()]
        }
    );
    // An edited versioned migration still blocks; an edited repeatable never does.
    let disk = [local(1, "edited"), rep("a_views", 1000, "v2")];
    let hist = [ok(1), rep_applied("a_views", "v1")];
    assert!(matches!(
        rsteps(&disk, &hist, Target::Latest),
        Err(PlanError::Modified { versions }) if versions == ["1"]
    ));
}

#[test]
fn rollbacks_and_redo_leave_repeatables_applied_with_a_note() {
    let disk = flyway_disk("v1");
    let hist = [
        ok(1),
        ok(2),
        rep_applied("a_views", "v1"),
        rep_applied("b_grants", "g"),
    ];
    let head = "repeatable migrations have no rollback (as in Flyway), so they stay applied: R__a_views, R__b_grants.";
    let tail = "`strata up` runs a repeatable again only when its file changes.";
    for (target, want) in [
        (Target::DownSteps(1), vec!["2 down"]),
        (Target::DownTo(1), vec!["2 down"]),
        (Target::Zero, vec!["2 down", "1 down"]),
    ] {
        let (got, notes) = rsteps(&disk, &hist, target.clone()).unwrap();
        assert_eq!(got, strings(&want), "{target:?}");
        assert_eq!(notes.len(), 1, "{target:?}: {notes:?}");
        let note = &notes[0];
        assert!(note.starts_with(head) && note.ends_with(tail), "{note}");
        assert!(
            note.contains("their objects stay in the database"),
            "{note}"
        );
        // Down to zero does not empty the history, and says so.
        let zero = note.contains("the history still records them, and only them");
        assert_eq!(zero, target == Target::Zero, "{target:?}: {note}");
    }
    let (got, notes) = rsteps(&disk, &hist, Target::Redo).unwrap();
    assert_eq!(got, strings(&["2 down", "2 up"]));
    assert!(notes.is_empty());
    // Only repeatables applied: nothing to roll back or redo, and no failure.
    let only = [rep_applied("a_views", "v1")];
    let (got, notes) = rsteps(&disk, &only, Target::Zero).unwrap();
    assert!(got.is_empty() && notes.len() == 1, "{got:?} {notes:?}");
    assert_eq!(
        rsteps(&disk, &only, Target::Redo).unwrap_err(),
        PlanError::NothingToRedo
    );
}

#[test]
fn a_partial_rollback_is_refused_as_a_rollback_not_an_apply() {
    let hist = [applied(1, "s", AppliedState::PartialRollback, true)];
    let err = steps(&[local(1, "s")], &hist, Target::Latest, false).unwrap_err();
    assert!(matches!(err, PlanError::PartialRollback { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("partly rolled back"), "{text}");
    assert!(text.contains("down statements committed"), "{text}");
    assert!(!text.contains("partially applied"), "{text}");
}
