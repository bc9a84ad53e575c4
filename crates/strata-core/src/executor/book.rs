//! A finished step's bookkeeping as SQL text: its history row (or the row's removal) and its
//! event, with every value a literal (`driver::session::Literals`), to send in the same text as
//! `COMMIT`.

use super::{event_kind, Direction, Executor, Step};
use crate::driver::session::Literals;
use crate::history::{AppliedMigration, AppliedState, Event, Outcome};

impl Executor<'_> {
    /// The history change of a finished step and its event, as SQL text with literals.
    pub(super) fn bookkeeping_text(&self, step: &Step, ms: i64) -> String {
        let row = (step.direction == Direction::Up).then(|| {
            self.applied_row(
                step,
                ms,
                AppliedState::Applied,
                step.statements.len() as i32,
            )
        });
        let mut ev = self.ok_event(step, ms);
        // One commit: the event is at the moment the row says it was applied.
        if let Some(row) = &row {
            ev.at.clone_from(&row.applied_at);
        }
        let lit = Literals::new(
            self.session.kind(),
            row.iter().flat_map(row_texts).chain(event_texts(&ev)),
        );
        let change = match &row {
            Some(row) => lit.insert_applied(row),
            None => lit.delete_applied(&step.version),
        };
        format!("{change};\n{}", lit.insert_event(&ev))
    }

    /// The event of a step that went through, `ms` long.
    pub(super) fn ok_event(&self, step: &Step, ms: i64) -> Event {
        self.event(
            event_kind(step.direction),
            step,
            Outcome::Ok,
            ms,
            None,
            None,
        )
    }

    /// An event as SQL text with literals.
    pub(super) fn event_text(&self, ev: &Event) -> String {
        Literals::new(self.session.kind(), event_texts(ev)).insert_event(ev)
    }
}

fn row_texts(m: &AppliedMigration) -> impl Iterator<Item = &str> + Clone {
    [
        m.version.as_str(),
        &m.name,
        &m.checksum,
        &m.up_sql,
        m.down_sql.as_deref().unwrap_or(""),
        &m.applied_at,
        &m.applied_by,
        m.state.as_str(),
    ]
    .into_iter()
}

fn event_texts(e: &Event) -> impl Iterator<Item = &str> + Clone {
    [
        e.run_id.as_str(),
        &e.at,
        e.kind.as_str(),
        e.version.as_deref().unwrap_or(""),
        e.name.as_deref().unwrap_or(""),
        e.outcome.as_str(),
        e.error.as_deref().unwrap_or(""),
        e.detail.as_deref().unwrap_or(""),
        &e.actor,
    ]
    .into_iter()
}
