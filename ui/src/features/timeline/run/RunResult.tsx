/**
 * How a run ended, in the engine's own terms: a summary when it finished; when a statement
 * failed, the exact account (which migration, statement n of m, file:line:column, the
 * statement, the server's message, what committed or rolled back, what finished before);
 * when cancelled, the backend's message and what completed.
 */
import { Icon } from "../../../components/Icon";
import type { IpcError, RunFailure, RunOutcome, RunReport } from "../../../ipc/client";
import { formatDuration, plural } from "../../../lib/format";
import { formatRanges, type RunProgress } from "./progress";

/** "20240101090000 create_users" for the versions a run names, from its steps. */
function describeVersions(versions: readonly string[], progress: RunProgress): string[] {
  return versions.map((version) => {
    const step = progress.steps.find((s) => s.version === version);
    return step ? `${version} ${step.name}` : version;
  });
}

function Completed({ versions, progress, none }: { versions: readonly string[]; progress: RunProgress; none: string }) {
  if (versions.length === 0) return <p>{none}</p>;
  return (
    <div>
      <p>Completed before it stopped ({versions.length}):</p>
      <ul className="run-completed">
        {describeVersions(versions, progress).map((line, i) => (
          <li key={`${i}-${line}`}>
            <Icon name="ok" size={13} /> {line}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RunSummary({
  report,
  progress,
  targetLabel,
}: {
  report: RunReport;
  progress: RunProgress;
  targetLabel: string;
}) {
  const done = progress.steps.filter((s) => s.status === "done");
  const applied = done.filter((s) => s.direction === "up").length;
  const rolledBack = done.length - applied;
  const measured =
    progress.startedAt !== null && progress.endedAt !== null ? progress.endedAt - progress.startedAt : null;
  const duration = report.durationMs ?? measured;
  return (
    <div className="notice notice--success" role="status" data-testid="run-summary">
      <p className="notice__title">
        <Icon name="ok" size={15} /> Finished on {targetLabel}
      </p>
      <p>
        Applied {plural(applied, "migration")}, rolled back {plural(rolledBack, "migration")}
        {report.steps.length === 0 ? " (there was nothing to run)" : ""} in {formatDuration(duration) ?? "—"}.
      </p>
      {report.notes.length > 0 && (
        <ul className="run-plan__notes">
          {report.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function whatWasKept(failure: RunFailure): string {
  if (failure.connectionLost !== null) {
    return failure.connectionLost;
  }
  if (failure.rolledBack) {
    return "Rolled back: nothing of it was kept. The database and its history are as before it.";
  }
  if (failure.committed.length > 0) {
    return (
      `Committed statements ${formatRanges(failure.committed)} of ${failure.total}: they stay in ` +
      "the database, and the history records it as partially applied."
    );
  }
  return "No statement of it committed, but it ran outside a transaction: check its state on the timeline.";
}

export function FailureAccount({
  failure,
  error,
  progress,
}: {
  failure: RunFailure;
  error: IpcError;
  progress: RunProgress;
}) {
  const verb = failure.direction === "up" ? "applying" : "rolling back";
  const lost = failure.connectionLost !== null;
  return (
    <div className="notice notice--danger run-failure" role="alert" data-testid="run-failure">
      <p className="notice__title">
        <Icon name="failed" size={15} /> {failure.version} {failure.name}{" "}
        {lost ? `lost its connection while ${verb}` : `failed while ${verb}`}
      </p>
      {failure.index > 0 ? (
        <p>
          Statement {failure.index} of {failure.total}, at{" "}
          <code className="run-failure__where">
            {failure.file}:{failure.line}
            {failure.column > 0 && `:${failure.column}`}
          </code>
        </p>
      ) : (
        <p>
          While committing, in <code className="run-failure__where">{failure.file}</code>
        </p>
      )}
      {failure.statement !== "" && (
        <pre className="run-statement" data-testid="run-failure-statement">
          {failure.statement}
        </pre>
      )}
      <p className="run-failure__message">
        <span className="run-failure__label">{lost ? "The driver said:" : "The server said:"}</span>{" "}
        <span data-testid="run-failure-message">{failure.message}</span>
      </p>
      <p data-testid="run-failure-kept">{whatWasKept(failure)}</p>
      <Completed
        versions={failure.completed}
        progress={progress}
        none="No migration of this run had finished before it."
      />
      {error.message !== failure.message && (
        <details className="run-failure__full">
          <summary>Full error</summary>
          <pre>{error.message}</pre>
        </details>
      )}
    </div>
  );
}

export function CancelledAccount({
  outcome,
  progress,
}: {
  outcome: Extract<RunOutcome, { outcome: "cancelled" }>;
  progress: RunProgress;
}) {
  return (
    <div className="notice notice--warning" role="status" data-testid="run-cancelled">
      <p className="notice__title">
        <Icon name="cancelled" size={15} /> Cancelled
      </p>
      <p>{outcome.message}</p>
      <Completed versions={outcome.completed} progress={progress} none="No migration of this run had completed." />
    </div>
  );
}

/** Whether the failure left a partially applied migration to resolve. */
export function needsResolve(failure: RunFailure): boolean {
  if (failure.connectionLost !== null) {
    // Only what the journal recorded as committed is known to need settling.
    return failure.committed.length > 0;
  }
  return !failure.rolledBack;
}
