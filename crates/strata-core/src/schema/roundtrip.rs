//! "Test rollback": each migration is applied, rolled back and applied again by the engine's
//! own `run` (exactly what users run) in a scratch database on the target's server (a scratch
//! SQLite file), which is always dropped; the target itself is never touched. Down must give
//! back the schema from before up (S2 = S0), and up again the schema up gave (S3 = S1);
//! every object that differs is reported.

use serde::Serialize;

use super::diff::{diff, SchemaDiff};
use super::introspect::{introspect_url, IntrospectError};
use super::model::Schema;
use super::preview::name_after_target;
use super::scratch::{Scratch, ScratchError};
use crate::dialect::DatabaseKind;
use crate::driver::redact_url;
use crate::engine::{self, EngineError, RunOptions};
use crate::plan::Target;
use crate::source::{Migration, MigrationKind, MigrationSet};

/// What up, down, up did for one migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RoundTripStep {
    pub version: String,
    pub name: String,
    /// `diff(before up, after down)`: what down did not restore (an added entry is an object
    /// down left behind, a removed one an object it dropped too many). `None` when down failed.
    pub not_restored: Option<SchemaDiff>,
    /// Down's error, with its file, line and the server's message.
    pub down_failed: Option<String>,
    /// Up run again after down failed, with this error.
    pub up_again_failed: Option<String>,
    /// `diff(after up, after up again)`, when it is not empty.
    pub up_again_differs: Option<SchemaDiff>,
}

impl RoundTripStep {
    pub fn is_clean(&self) -> bool {
        self.down_failed.is_none()
            && self.up_again_failed.is_none()
            && self.up_again_differs.is_none()
            && self.not_restored.as_ref().is_some_and(SchemaDiff::is_empty)
    }
}

/// A migration that was applied but not tested, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Untested {
    pub version: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RoundTripReport {
    /// The database whose server held the scratch database, password redacted.
    pub target: String,
    /// The migrations tested, in apply order.
    pub steps: Vec<RoundTripStep>,
    /// Migrations applied on the way but not tested (no down part).
    pub untested: Vec<Untested>,
    /// The walk stopped after this version, because a down or an up again failed and what
    /// follows could not be tested.
    pub stopped_after: Option<String>,
}

impl RoundTripReport {
    pub fn is_clean(&self) -> bool {
        self.steps.iter().all(RoundTripStep::is_clean)
    }
}

/// The step of a round trip that is about to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RoundTripPhase {
    /// Applying the migration (and, before the tested one, those before it).
    Up,
    Down,
    UpAgain,
}

/// Where a Test rollback is: migration `index` of `total` (1-based), about to run `phase`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RoundTripProgress {
    pub index: u32,
    pub total: u32,
    pub version: String,
    pub name: String,
    pub phase: RoundTripPhase,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoundTripError {
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    #[error(transparent)]
    Introspect(#[from] IntrospectError),
    #[error(transparent)]
    Engine(Box<EngineError>),
    #[error("applying {version} ({name}) in the scratch database failed, so its rollback cannot be tested: {source}. The target was not touched; fix the up part and test again.")]
    Apply {
        version: String,
        name: String,
        #[source]
        source: Box<EngineError>,
    },
    #[error("there is no migration {version} in {dir}. Run `strata list` to see the versions.")]
    NoSuchMigration { version: String, dir: String },
}

impl From<EngineError> for RoundTripError {
    fn from(e: EngineError) -> Self {
        Self::Engine(Box::new(e))
    }
}

/// Test the rollback of migration `only` (every migration before it is applied first), or of
/// every migration with a down part, step by step, in a scratch database beside `url`.
pub async fn test_rollback(
    url: &str,
    set: &MigrationSet,
    only: Option<&str>,
) -> Result<RoundTripReport, RoundTripError> {
    test_rollback_with_progress(url, set, only, |_| {}).await
}

/// [`test_rollback`], telling `on_progress` before each up, down and up again.
pub async fn test_rollback_with_progress(
    url: &str,
    set: &MigrationSet,
    only: Option<&str>,
    mut on_progress: impl FnMut(RoundTripProgress),
) -> Result<RoundTripReport, RoundTripError> {
    let versioned: Vec<&Migration> = (set.migrations.iter())
        .filter(|m| m.kind == MigrationKind::Versioned)
        .collect();
    let last = match only {
        Some(v) => {
            let wanted = engine::parse_version(set, v)?;
            let at = versioned.iter().position(|m| m.version == wanted);
            let at = at.ok_or_else(|| RoundTripError::NoSuchMigration {
                version: v.to_owned(),
                dir: set.dir.display().to_string(),
            })?;
            Some(at)
        }
        None => None,
    };
    let walk = &versioned[..last.map_or(versioned.len(), |at| at + 1)];
    let scratch = Scratch::create(url).await?;
    let mut report = RoundTripReport {
        target: redact_url(url),
        steps: Vec::new(),
        untested: Vec::new(),
        stopped_after: None,
    };
    let result = walk_steps(
        (url, scratch.url()),
        set,
        walk,
        last.is_some(),
        &mut report,
        &mut on_progress,
    )
    .await;
    let dropped = scratch.drop_now().await;
    result?;
    dropped?;
    Ok(report)
}

async fn walk_steps(
    (target_url, url): (&str, &str),
    set: &MigrationSet,
    walk: &[&Migration],
    only_last: bool,
    report: &mut RoundTripReport,
    on_progress: &mut impl FnMut(RoundTripProgress),
) -> Result<(), RoundTripError> {
    let total = u32::try_from(walk.len()).unwrap_or(u32::MAX);
    // On MySQL the scratch database is the namespace: shown under the target's name.
    let kind = DatabaseKind::from_url(target_url);
    let introspect = || async move {
        let mut schema = introspect_url(url).await?;
        if let Some(kind) = kind {
            name_after_target(target_url, kind, &mut schema);
        }
        Ok::<Schema, IntrospectError>(schema)
    };
    let run = |target| async move {
        let options = RunOptions::new(target);
        engine::run(url, set, &options, |_| {}, |_| {}).await
    };
    for (i, m) in walk.iter().enumerate() {
        let (version, name) = (m.version.as_str().to_owned(), m.name.clone());
        let tested = !only_last || i + 1 == walk.len();
        let said = (version.clone(), name.clone());
        let mut tell = |phase| {
            on_progress(RoundTripProgress {
                index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                total,
                version: said.0.clone(),
                name: said.1.clone(),
                phase,
            });
        };
        tell(RoundTripPhase::Up);
        let s0 = introspect().await?;
        run(Target::UpTo(m.version.clone()))
            .await
            .map_err(|e| RoundTripError::Apply {
                version: version.clone(),
                name: name.clone(),
                source: Box::new(e),
            })?;
        if !tested {
            continue;
        }
        if !m.is_reversible() {
            report.untested.push(Untested {
                version,
                name,
                reason: "it has no down part".into(),
            });
            continue;
        }
        let s1 = introspect().await?;
        let mut step = RoundTripStep {
            version: version.clone(),
            name,
            not_restored: None,
            down_failed: None,
            up_again_failed: None,
            up_again_differs: None,
        };
        tell(RoundTripPhase::Down);
        if let Err(e) = run(Target::DownSteps(1)).await {
            step.down_failed = Some(e.to_string());
            report.steps.push(step);
            report.stopped_after = Some(version);
            return Ok(());
        }
        let s2 = introspect().await?;
        step.not_restored = Some(diff(&s0, &s2));
        tell(RoundTripPhase::UpAgain);
        match run(Target::UpTo(m.version.clone())).await {
            Err(e) => step.up_again_failed = Some(e.to_string()),
            Ok(_) => {
                let s3 = introspect().await?;
                let again = diff(&s1, &s3);
                step.up_again_differs = (!again.is_empty()).then_some(again);
            }
        }
        let failed = step.up_again_failed.is_some();
        report.steps.push(step);
        if failed {
            report.stopped_after = Some(version);
            return Ok(());
        }
    }
    Ok(())
}
