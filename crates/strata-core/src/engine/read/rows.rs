//! The queries behind the engine's reads, on any session (own or lent): each first asks
//! whether its table exists (and answers empty when not, creating nothing), refuses a history
//! written by a newer Strata, then reads. The SQL lives in the dialect files.

use sqlx::Row as _;

use crate::driver::session::on_conn;
use crate::driver::{HistoryError, Session};
use crate::history::{AppliedMigration, AppliedState, Event, EventKind, Outcome};

/// The newest `limit` rows of `strata_events`, newest first.
pub(super) async fn events(s: &mut Session, limit: u32) -> Result<Vec<Event>, HistoryError> {
    if limit == 0 || !events_exist(s).await? {
        return Ok(Vec::new());
    }
    s.check_format().await?;
    let target = s.target.clone();
    type Raw = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        i64,
        Option<String>,
        Option<String>,
        String,
    );
    let raws: Vec<Raw> = on_conn!(&mut s.conn, c, q = READ_EVENTS => {
        let rows = sqlx::query(q).bind(i64::from(limit)).fetch_all(&mut *c).await;
        rows.and_then(|rows| rows.iter().map(|r| Ok((
            r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?,
            r.try_get(5)?, r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?,
        ))).collect::<Result<Vec<Raw>, sqlx::Error>>())
    })
    .map_err(|source| HistoryError::Sql {
        action: "reading the event log",
        target: target.clone(),
        source,
    })?;
    let unknown = |column, value: &str| HistoryError::UnknownEventValue {
        target: target.clone(),
        column,
        value: value.to_owned(),
    };
    raws.into_iter()
        .map(
            |(run_id, at, kind, version, name, outcome, duration_ms, error, detail, actor)| {
                Ok(Event {
                    kind: event_kind(&kind).ok_or_else(|| unknown("kind", &kind))?,
                    outcome: outcome_of(&outcome).ok_or_else(|| unknown("outcome", &outcome))?,
                    run_id,
                    at,
                    version,
                    name,
                    duration_ms,
                    error,
                    detail,
                    actor,
                })
            },
        )
        .collect()
}

/// The history row of `version` with its stored SQL.
pub(super) async fn applied(
    s: &mut Session,
    version: &str,
) -> Result<Option<AppliedMigration>, HistoryError> {
    if !s.history_exists().await? {
        return Ok(None);
    }
    s.check_format().await?;
    let target = s.target.clone();
    type Raw = (
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        i64,
        String,
        i32,
        i32,
    );
    let raw: Option<Raw> = on_conn!(&mut s.conn, c, q = READ_APPLIED => {
        let row = sqlx::query(q).bind(version).fetch_optional(&mut *c).await;
        row.and_then(|row| row.map(|r| Ok((
            r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?,
            r.try_get(5)?, r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?,
            r.try_get(10)?,
        ))).transpose())
    })
    .map_err(|source| HistoryError::Sql {
        action: "reading a history row",
        target: target.clone(),
        source,
    })?;
    let Some((
        version,
        name,
        checksum,
        up_sql,
        down_sql,
        applied_at,
        applied_by,
        execution_ms,
        state,
        statements_total,
        statements_committed,
    )) = raw
    else {
        return Ok(None);
    };
    let state = AppliedState::parse(&state).ok_or_else(|| HistoryError::UnknownState {
        target,
        version: version.clone(),
        state: state.clone(),
    })?;
    Ok(Some(AppliedMigration {
        version,
        name,
        checksum,
        up_sql,
        down_sql,
        applied_at,
        applied_by,
        execution_ms,
        state,
        statements_total,
        statements_committed,
    }))
}

/// Whether `strata_events` exists (asking creates nothing).
async fn events_exist(s: &mut Session) -> Result<bool, HistoryError> {
    let target = s.target.clone();
    on_conn!(&mut s.conn, c, q = EVENTS_EXIST => {
        let row = sqlx::raw_sql(q).fetch_one(&mut *c).await;
        row.and_then(|r| r.try_get::<bool, _>(0))
    })
    .map_err(|source| HistoryError::Sql {
        action: "looking for the event log",
        target,
        source,
    })
}

/// Every event kind, to read one back from its stored name.
const KINDS: [EventKind; 7] = [
    EventKind::Apply,
    EventKind::Rollback,
    EventKind::Repair,
    EventKind::Baseline,
    EventKind::Adopt,
    EventKind::Resolve,
    EventKind::Seed,
];

const OUTCOMES: [Outcome; 4] = [
    Outcome::Ok,
    Outcome::Failed,
    Outcome::Partial,
    Outcome::Cancelled,
];

fn event_kind(stored: &str) -> Option<EventKind> {
    KINDS.into_iter().find(|k| k.as_str() == stored)
}

fn outcome_of(stored: &str) -> Option<Outcome> {
    OUTCOMES.into_iter().find(|o| o.as_str() == stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_kind_and_outcome_reads_back() {
        // A new variant makes these matches fail to compile: list it in KINDS / OUTCOMES too.
        for k in KINDS {
            match k {
                EventKind::Apply
                | EventKind::Rollback
                | EventKind::Repair
                | EventKind::Baseline
                | EventKind::Adopt
                | EventKind::Resolve
                | EventKind::Seed => assert_eq!(event_kind(k.as_str()), Some(k)),
            }
        }
        for o in OUTCOMES {
            match o {
                Outcome::Ok | Outcome::Failed | Outcome::Partial | Outcome::Cancelled => {
                    assert_eq!(outcome_of(o.as_str()), Some(o))
                }
            }
        }
        assert_eq!(event_kind("teleport"), None);
        assert_eq!(outcome_of("OK"), None);
    }
}
