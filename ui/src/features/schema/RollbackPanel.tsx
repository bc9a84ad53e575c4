/**
 * "Test rollback": each migration with a down part (or one chosen migration) is applied,
 * rolled back and applied again in a scratch database beside the target, which Strata creates
 * and drops; the target is not touched. While it runs the panel says so with the time spent;
 * the result lists every migration's outcome in words, and for one that did not round-trip,
 * what its down part did not restore, as a diff.
 */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "../../components/Button";
import { ErrorState } from "../../components/ErrorState";
import { LoadingState } from "../../components/LoadingState";
import { progressText, RollbackResult } from "../../components/sql/RoundTrip";
import { describeError, ipc, type RoundTripProgress, type TimelineTarget } from "../../ipc/client";

/** A migration the test can be limited to. */
export type RollbackChoice = { version: string; name: string };

export function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    const timer = window.setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => {
      window.clearInterval(timer);
      setSeconds(0);
    };
  }, [running]);
  return seconds;
}

export function RollbackPanel({
  project,
  target,
  choices,
}: {
  project: string;
  target: TimelineTarget;
  /** The migrations with a down part on disk, in apply order. */
  choices: readonly RollbackChoice[];
}) {
  const [scope, setScope] = useState("");
  const [progress, setProgress] = useState<RoundTripProgress | null>(null);
  const run = useMutation({
    mutationFn: (version: string | null) => {
      setProgress(null);
      return ipc.testRollback(project, target.id, version, setProgress);
    },
  });
  const elapsed = useElapsed(run.isPending);
  const start = () => run.mutate(scope === "" ? null : scope);

  let body;
  if (run.isPending) {
    body = (
      <LoadingState
        label={`Running… up, down and up again ${scope === "" ? "for each migration" : `for ${scope}`} in a scratch database beside ${target.label} (${elapsed} s)${progress === null ? "" : ` · ${progressText(progress)}`}`}
      />
    );
  } else if (run.isError) {
    const error = describeError(run.error);
    body = (
      <ErrorState
        title="The rollback test could not run"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={start}
      />
    );
  } else if (run.data !== undefined) {
    body = <RollbackResult key={run.submittedAt} test={run.data} />;
  } else {
    body = (
      <p className="sc-muted sc-rollback__intro">
        Strata creates a scratch database beside {target.label}, applies each migration, rolls it back and applies it
        again there, and compares the schema after each step. {target.label} itself is not touched; the scratch
        database is dropped afterwards.
      </p>
    );
  }

  return (
    <div className="sc-compare" data-testid="schema-rollback">
      <div className="sc-rollback__bar">
        <label className="sc-picker">
          <span className="sc-picker__label">Migrations to test</span>
          <select
            className="select"
            data-testid="rollback-scope"
            value={scope}
            disabled={run.isPending}
            onChange={(e) => setScope(e.target.value)}
          >
            <option value="">Every migration with a down part</option>
            {choices.map((c) => (
              <option key={c.version} value={c.version}>
                Only {c.version} {c.name}
              </option>
            ))}
          </select>
        </label>
        <Button variant="primary" data-testid="rollback-run" disabled={run.isPending} onClick={start}>
          {run.isPending ? "Running…" : run.data !== undefined || run.isError ? "Run again" : "Run test rollback"}
        </Button>
      </div>
      {body}
    </div>
  );
}

