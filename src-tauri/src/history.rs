//! The event log across a project's targets: each target's newest events (read at once, each
//! bounded), merged newest first and filtered; and the same events exported as CSV (RFC 4180)
//! or JSON, written atomically so a reader never sees half a file.

use std::io::Write as _;
use std::path::Path;

use strata_core::history::Event;
use strata_project::EnvironmentTier;

use crate::commands::timeline::{ExportFormat, HistoryFilter, HistoryLog, TargetEvent};
use crate::error::{IpcError, IpcErrorCode};
use crate::state::AppState;
use crate::targets;

/// The newest events read from each target.
pub const EVENTS_PER_TARGET: u32 = 10_000;

/// The CSV header, one column per field of an event.
pub const CSV_HEADER: &str =
    "target,tier,at,kind,version,name,outcome,duration_ms,actor,run_id,error,detail";

/// The events of every target of the project at `root` that `filter` keeps, newest first;
/// targets whose log could not be read are in `failures`.
pub async fn log(
    state: &AppState,
    root: &str,
    filter: &HistoryFilter,
) -> Result<HistoryLog, IpcError> {
    let root = targets::canonical(root)?;
    let targets: Vec<targets::Target> = targets::of_project(state, &root)
        .into_iter()
        .filter(|t| filter.targets.is_empty() || filter.targets.contains(&t.id))
        .collect();
    let reads = targets::read_each(state, &targets, |access| async move {
        Ok(strata_core::engine::events_pooled(&access.pool, EVENTS_PER_TARGET).await?)
    })
    .await;
    let mut events = Vec::new();
    let mut failures = Vec::new();
    for (target, read) in targets.iter().zip(reads) {
        match read {
            Ok(list) => events.extend(
                (list.into_iter())
                    .filter(|e| keeps(filter, e))
                    .map(|event| target.event(event)),
            ),
            Err(error) => failures.push(target.failure(error)),
        }
    }
    // Stable: events of one target at the same instant keep their log's order.
    events.sort_by(|a, b| b.event.at.cmp(&a.event.at));
    Ok(HistoryLog { events, failures })
}

/// Whether `filter` keeps `event` (its target is chosen by the caller).
fn keeps(filter: &HistoryFilter, event: &Event) -> bool {
    let text = filter
        .migration
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    let matches_text = |field: &Option<String>| {
        field.as_deref().is_some_and(|f| {
            text.as_deref()
                .is_some_and(|t| f.to_lowercase().contains(t))
        })
    };
    (filter.kinds.is_empty() || filter.kinds.contains(&event.kind))
        && (filter.outcomes.is_empty() || filter.outcomes.contains(&event.outcome))
        && (text.is_none() || matches_text(&event.version) || matches_text(&event.name))
}

/// Write the events `filter` keeps to `path` as `format`; how many.
pub async fn export(
    state: &AppState,
    root: &str,
    filter: &HistoryFilter,
    format: ExportFormat,
    path: &Path,
) -> Result<u32, IpcError> {
    let log = log(state, root, filter).await?;
    if let Some(failure) = log.failures.first() {
        // An export that silently leaves a database out would be read as complete.
        return Err(IpcError::new(
            failure.error.code,
            format!(
                "the log of \"{}\" could not be read, so nothing was exported (leave that database out with the filter to export the others): {}",
                failure.target_label, failure.error.message
            ),
        ));
    }
    let bytes = match format {
        ExportFormat::Csv => csv(&log.events).into_bytes(),
        ExportFormat::Json => serde_json::to_vec_pretty(&log.events).map_err(|e| {
            IpcError::new(
                IpcErrorCode::Internal,
                format!("the events could not be written as JSON: {e}"),
            )
        })?,
    };
    write_atomically(path, &bytes).map_err(|e| {
        IpcError::new(
            IpcErrorCode::Io,
            format!(
                "cannot write {}: {e}. Nothing was written; choose a folder you may write to.",
                path.display()
            ),
        )
    })?;
    Ok(u32::try_from(log.events.len()).unwrap_or(u32::MAX))
}

fn tier_name(tier: EnvironmentTier) -> &'static str {
    match tier {
        EnvironmentTier::Development => "development",
        EnvironmentTier::Testing => "testing",
        EnvironmentTier::Staging => "staging",
        EnvironmentTier::Production => "production",
    }
}

/// The events as CSV: [`CSV_HEADER`], then one line per event, CRLF line ends (RFC 4180).
pub fn csv(events: &[TargetEvent]) -> String {
    let mut out = String::with_capacity(64 * (events.len() + 1));
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for te in events {
        let e = &te.event;
        let duration = e.duration_ms.to_string();
        let fields: [&str; 12] = [
            &te.target_label,
            tier_name(te.tier),
            &e.at,
            e.kind.as_str(),
            e.version.as_deref().unwrap_or(""),
            e.name.as_deref().unwrap_or(""),
            e.outcome.as_str(),
            &duration,
            &e.actor,
            &e.run_id,
            e.error.as_deref().unwrap_or(""),
            e.detail.as_deref().unwrap_or(""),
        ];
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_field(&mut out, field);
        }
        out.push_str("\r\n");
    }
    out
}

/// A field, quoted (quotes doubled) when it holds a comma, a quote or a line break.
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Replace `path` with `bytes` in one step: a temporary file in the same folder, flushed to
/// disk, renamed over it. A failure leaves the old file (or none) and no temporary file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{name}.{}-{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable (a folder cannot be opened for this on Windows).
        #[cfg(unix)]
        std::fs::File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = String::new();
        for field in ["plain", "a,b", "say \"hi\"", "two\nlines", ""] {
            push_field(&mut out, field);
            out.push('|');
        }
        assert_eq!(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"||");
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let missing = dir.path().join("no-such-folder").join("log.csv");
        assert!(write_atomically(&missing, b"x").is_err());
    }
}
