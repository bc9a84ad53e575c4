/**
 * A run as it goes (and as it ended): the overall bar (statements done of total), one row per
 * migration with its state in text and icon, and for the running one the statement text,
 * its elapsed time ticking, and the last finished statements with rows and time. Only the
 * elapsed counter re-renders on its own; everything else follows the batched progress state.
 */
import { useEffect, useState } from "react";
import { Badge } from "../../../components/Badge";
import { Icon } from "../../../components/Icon";
import { formatDuration, plural } from "../../../lib/format";
import { DIRECTION_LABELS, STEP_STATUS } from "./format";
import type { RunProgress, StepView } from "./progress";

const TICK_MS = 200;
/** Characters of the running statement shown (a huge statement is cut, not rendered whole). */
const STATEMENT_PREVIEW_CHARS = 2_000;

function clock(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/** Time since `since` (the same clock as useRunProgress), ticking while mounted. */
export function Elapsed({ since, label }: { since: number; label: string }) {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const id = setInterval(() => setNow(clock()), TICK_MS);
    return () => clearInterval(id);
  }, []);
  return (
    <span className="run-elapsed" title={label}>
      {formatDuration(Math.max(0, now - since))}
    </span>
  );
}

function ProgressBar({ progress }: { progress: RunProgress }) {
  const { statementsDone: done, statementsTotal: total } = progress;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className="run-progress">
      <div
        className="run-progress__bar"
        role="progressbar"
        aria-label="Statements run"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} statements`}
        data-testid="run-progress"
      >
        <span className="run-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="run-progress__text">
        {done.toLocaleString("en-US")} of {plural(total, "statement")} ({percent}%)
        {progress.startedAt !== null && progress.endedAt === null && (
          <>
            {" · "}
            <Elapsed since={progress.startedAt} label="Run time" />
          </>
        )}
      </p>
    </div>
  );
}

function RunningDetail({ step, statementStartedAt }: { step: StepView; statementStartedAt: number | null }) {
  const current = step.current;
  const text = current ? step.statements[current.index - 1] : undefined;
  return (
    <div className="run-step__detail">
      {current ? (
        <>
          <p className="run-step__current">
            Statement {current.index} of {step.total}, line {current.line}
            {statementStartedAt !== null && (
              <>
                {" · "}
                <Elapsed since={statementStartedAt} label="Statement time" />
              </>
            )}
          </p>
          {text !== undefined && (
            <pre className="run-statement" data-testid="run-current-statement">
              {text.length > STATEMENT_PREVIEW_CHARS ? `${text.slice(0, STATEMENT_PREVIEW_CHARS)}…` : text}
            </pre>
          )}
        </>
      ) : (
        <p className="run-step__current">
          {step.done} of {plural(step.total, "statement")} done
        </p>
      )}
      <StatementResults step={step} />
    </div>
  );
}

function StatementResults({ step }: { step: StepView }) {
  if (step.recent.length === 0) return null;
  return (
    <ol className="run-results" aria-label="Finished statements">
      {step.recent.map((r) => (
        <li key={r.index} className="run-results__item">
          <span className="run-results__index">#{r.index}</span>
          <span>{r.rows === null ? "rows: n/a" : plural(r.rows, "row")}</span>
          <span>{formatDuration(r.ms) ?? "—"}</span>
        </li>
      ))}
    </ol>
  );
}

function StepRow({ step, statementStartedAt }: { step: StepView; statementStartedAt: number | null }) {
  const status = STEP_STATUS[step.status];
  return (
    <li
      className={`run-step run-step--${step.status}`}
      data-testid={`run-step-${step.version}`}
      data-status={step.status}
      data-direction={step.direction}
    >
      <div className="run-step__head">
        <Badge tone={status.tone} icon={status.icon}>
          {status.label}
        </Badge>
        <span className={`run-direction run-direction--${step.direction}`}>
          <Icon name={step.direction} size={15} />
          {DIRECTION_LABELS[step.direction]}
        </span>
        <span className="run-version">{step.version}</span>
        <span className="run-step__name">{step.name}</span>
        <span className="run-step__stats">
          {step.status === "done"
            ? `${plural(step.done, "statement")} · ${plural(step.rows, "row")} · ${formatDuration(step.ms) ?? "—"}`
            : step.status === "pending" || step.status === "notRun"
              ? plural(step.total, "statement")
              : `${step.done}/${step.total}`}
        </span>
      </div>
      {step.status === "running" && <RunningDetail step={step} statementStartedAt={statementStartedAt} />}
      {(step.status === "failed" || step.status === "cancelled") && <StatementResults step={step} />}
    </li>
  );
}

export function ProgressView({ progress }: { progress: RunProgress }) {
  return (
    <div className="run-running">
      <ProgressBar progress={progress} />
      {progress.phase === "lockWaiting" && (
        <p className="notice notice--warning" role="status" data-testid="run-lock-waiting">
          Waiting for the migration lock, held by {progress.lockHolder ?? "another run"}.
        </p>
      )}
      {progress.phase === "waiting" && (
        <p className="run-waiting" role="status">
          Connecting and taking the migration lock…
        </p>
      )}
      <ol className="run-steps" aria-label="Migrations of this run">
        {progress.steps.map((step, i) => (
          <StepRow
            key={`${i}-${step.version}-${step.direction}`}
            step={step}
            statementStartedAt={i === progress.active ? progress.statementStartedAt : null}
          />
        ))}
      </ol>
    </div>
  );
}
