/**
 * The Diff tab's "Test rollback" of one migration: the migrations before it, then it, are
 * applied in a scratch database beside the chosen database, it is rolled back and applied
 * again, and the result says in words whether down gave back the schema from before up, with
 * what it did not restore as a diff. The chosen database itself is not touched.
 */
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "../../../components/Badge";
import { Button } from "../../../components/Button";
import { LoadingState } from "../../../components/LoadingState";
import { progressText, rollbackHeadline, StepDetail } from "../../../components/sql/RoundTrip";
import { describeError, ipc, type RoundTripProgress, type TimelineTarget } from "../../../ipc/client";

export function RollbackCheck({ project, version, target }: { project: string; version: string; target: TimelineTarget }) {
  const [progress, setProgress] = useState<RoundTripProgress | null>(null);
  const run = useMutation({
    mutationFn: () => {
      setProgress(null);
      return ipc.testRollback(project, target.id, version, setProgress);
    },
  });
  const t = run.data;
  const failure = run.error === null ? null : describeError(run.error);
  return (
    <section className="diff-tab__rollback" aria-label={`Test rollback of ${version}`} data-testid="detail-rollback">
      <div className="diff-tab__rollback-bar">
        <p className="diff-tab__summary">
          Up, down and up again of {version} in a scratch database beside {target.label} (the migrations before it are
          applied first; {target.label} is not touched).
        </p>
        <Button data-testid="detail-rollback-run" disabled={run.isPending} onClick={() => run.mutate()}>
          {run.isPending ? "Running…" : t !== undefined ? "Test again" : "Test rollback"}
        </Button>
      </div>
      {run.isPending && (
        <LoadingState
          label={`Running… testing the rollback of ${version}${progress === null ? "" : ` · ${progressText(progress)}`}`}
        />
      )}
      {failure !== null && (
        <div className="notice notice--danger" role="alert" data-testid="detail-rollback-failure">
          <p className="notice__title">The rollback test could not run</p>
          <p>{failure.message}</p>
        </div>
      )}
      {t !== undefined && !run.isPending && (
        <div className="rt-detail" data-testid="detail-rollback-result">
          <p className="rt-headline">
            <Badge tone={t.clean ? "success" : "danger"} icon={t.clean ? "ok" : "failed"}>
              {t.clean ? "passed" : "failed"}
            </Badge>{" "}
            {rollbackHeadline(t)}
          </p>
          {t.report.steps[0] !== undefined ? (
            <StepDetail step={t.report.steps[0]} />
          ) : (
            <p>
              {version} was not tested: {t.report.untested[0]?.reason ?? "it has no down part"}.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
