/**
 * The run view: the plan (a dry run from planRun) with the lock and the target's guards, then
 * the run with live progress and Cancel, then its end (summary, failure account or
 * cancellation) with the recovery actions. The Run button stays disabled until the typed name
 * matches for a target that asks for it; a read-only target offers only Close. While a run
 * goes the sheet does not close (its events need a listener); it ends, or it is cancelled.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../../components/Button";
import { ErrorState } from "../../../components/ErrorState";
import { LoadingState } from "../../../components/LoadingState";
import { Sheet } from "../../../components/Sheet";
import { TierBadge } from "../../../components/TierBadge";
import {
  describeError,
  ipc,
  type ErrorDescription,
  type RunOutcome,
  type RunRequest,
  type Timeline,
} from "../../../ipc/client";
import { queryKeys } from "../../../ipc/queries";
import { engineName } from "../../../lib/format";
import { actionTitle, newRunKey, outcomeSentence, partialVersion, runLabel } from "./format";
import { notifyInBackground } from "../../../platform/notify";
import { PlanView } from "./PlanView";
import { ProgressView } from "./ProgressView";
import { ConfirmNameField, ReadOnlyNotice, confirmationReady, confirmationValue } from "./Protection";
import { ResolveDialog } from "./ResolveDialog";
import { CancelledAccount, FailureAccount, RunSummary, needsResolve } from "./RunResult";
import { useRunProgress } from "./useRunProgress";
import "./run.css";

/** Runs at least this long notify the OS when they end while the window is in the background. */
const LONG_RUN_MS = 5000;

type Stage =
  | { kind: "plan" }
  | { kind: "running"; runKey: string; cancelling: boolean }
  | { kind: "ended"; outcome: RunOutcome }
  | { kind: "error"; error: ErrorDescription };

export function RunView({
  request,
  onClose,
  onFinished,
}: {
  request: RunRequest;
  onClose: () => void;
  onFinished?: () => void;
}) {
  const client = useQueryClient();
  const [allowOutOfOrder, setAllowOutOfOrder] = useState(request.allowOutOfOrder);
  const [typed, setTyped] = useState("");
  const [stage, setStage] = useState<Stage>({ kind: "plan" });
  const [note, setNote] = useState<string | null>(null);
  const [resolving, setResolving] = useState<string | null>(null);
  const planRequest: RunRequest = { ...request, allowOutOfOrder, confirmation: null };
  const plan = useQuery({
    queryKey: [...queryKeys.timeline(request.project), "plan", request.target, request.action, allowOutOfOrder],
    queryFn: () => ipc.planRun(planRequest),
    enabled: stage.kind === "plan",
    staleTime: 0,
    gcTime: 0,
  });
  const { progress, push, settle, reset } = useRunProgress(plan.data?.steps ?? []);
  const target = plan.data?.target ?? null;
  // A plan error names no target: the timeline the view was opened from does.
  const knownTarget =
    target ??
    client.getQueryData<Timeline>(queryKeys.timeline(request.project))?.targets.find((t) => t.id === request.target) ??
    null;

  async function changed() {
    await client.invalidateQueries({ queryKey: queryKeys.timeline(request.project) });
    onFinished?.();
  }

  function start() {
    if (!plan.data || !target || !confirmationReady(target, typed)) return;
    const runKey = newRunKey();
    reset(plan.data.steps);
    setNote(null);
    setStage({ kind: "running", runKey, cancelling: false });
    const run = { ...request, allowOutOfOrder, confirmation: confirmationValue(target, typed) };
    const startedAt = performance.now();
    ipc
      .runMigrations(run, runKey, push)
      .then((outcome) => {
        setNote(null);
        settle(outcome);
        setStage({ kind: "ended", outcome });
        // A long run the user stopped watching ends with an OS notification.
        if (performance.now() - startedAt >= LONG_RUN_MS) {
          void notifyInBackground(`Strata: ${target.label}`, outcomeSentence(outcome));
        }
      })
      .catch((thrown: unknown) => setStage({ kind: "error", error: describeError(thrown) }))
      .finally(() => void changed());
  }

  function cancel() {
    if (stage.kind !== "running" || stage.cancelling) return;
    setStage({ ...stage, cancelling: true });
    const notCancelling = (message: string) => {
      setNote(message);
      setStage((s) => (s.kind === "running" ? { ...s, cancelling: false } : s));
    };
    ipc
      .cancelRun(stage.runKey)
      .then((found) => {
        // Not registered yet (it is still connecting) or just ended: the outcome will tell.
        if (!found) notCancelling("The run was not going yet, or had just ended: press Cancel again if it goes on.");
      })
      .catch((thrown: unknown) => notCancelling(`Cancel did not reach the run: ${describeError(thrown).message}`));
  }

  function again() {
    setStage({ kind: "plan" });
    void plan.refetch();
  }

  function close() {
    if (stage.kind === "running") {
      setNote("The run is still going: cancel it, or wait for it to end.");
      return;
    }
    onClose();
  }

  const title = actionTitle(request.action, knownTarget?.label ?? request.target);
  const description = knownTarget ? (
    <span className="run-target">
      <TierBadge tier={knownTarget.tier} /> {engineName(knownTarget.engine)} · {knownTarget.location}
    </span>
  ) : undefined;

  return (
    <>
      <Sheet title={title} description={description} onClose={close} testId="run-view" footer={footer()}>
        <div className="run-view" data-stage={stage.kind}>
          {note !== null && (
            <p className="notice notice--warning" role="status">
              {note}
            </p>
          )}
          {body()}
        </div>
      </Sheet>
      {resolving !== null && knownTarget && (
        <ResolveDialog
          project={request.project}
          target={knownTarget}
          version={resolving}
          onClose={() => setResolving(null)}
          onDone={() => {
            void changed();
          }}
        />
      )}
    </>
  );

  function body() {
    switch (stage.kind) {
      case "plan":
        return planBody();
      case "running":
        return <ProgressView progress={progress} />;
      case "error":
        return (
          <ErrorState
            title="The run did not start"
            summary={stage.error.summary}
            message={stage.error.message}
            code={stage.error.code}
          />
        );
      case "ended":
        return (
          <>
            {stage.outcome.outcome === "finished" && (
              <RunSummary report={stage.outcome.report} progress={progress} targetLabel={knownTarget?.label ?? request.target} />
            )}
            {stage.outcome.outcome === "failed" && (
              <FailureAccount failure={stage.outcome.failure} error={stage.outcome.error} progress={progress} />
            )}
            {stage.outcome.outcome === "cancelled" && <CancelledAccount outcome={stage.outcome} progress={progress} />}
            <ProgressView progress={progress} />
          </>
        );
    }
  }

  function planBody() {
    if (plan.isPending) return <LoadingState label="Planning the run (nothing is changed)…" />;
    if (plan.isError) {
      const error = describeError(plan.error);
      const partial = partialVersion(error.code, error.message);
      return (
        <div className="run-plan-error" data-testid="run-plan-error">
          <ErrorState
            title="This run cannot be planned"
            summary={error.summary}
            message={error.message}
            code={error.code}
            onRetry={() => void plan.refetch()}
            retrying={plan.isFetching}
          />
          {partial !== null && knownTarget && (
            <Button onClick={() => setResolving(partial)} data-testid="run-plan-resolve">
              Resolve {partial}…
            </Button>
          )}
          {(error.code === "outOfOrder" || allowOutOfOrder) && outOfOrderBox()}
        </div>
      );
    }
    const data = plan.data;
    return (
      <>
        {allowOutOfOrder && outOfOrderBox()}
        <PlanView plan={data} />
        {data.target.protection.readOnly ? (
          <ReadOnlyNotice target={data.target} />
        ) : (
          data.steps.length > 0 && (
            <ConfirmNameField target={data.target} value={typed} onChange={setTyped} testId="run-confirm-input" />
          )
        )}
      </>
    );
  }

  function outOfOrderBox() {
    return (
      <label className="check run-out-of-order">
        <input
          type="checkbox"
          data-testid="run-allow-out-of-order"
          checked={allowOutOfOrder}
          onChange={(event) => setAllowOutOfOrder(event.target.checked)}
        />
        <span>
          Apply out of order
          <span className="check__hint">
            Also apply the older migrations that were never applied here (they come from a
            parallel branch), in version order. Check that they do not depend on newer ones.
          </span>
        </span>
      </label>
    );
  }

  function footer() {
    const closeButton = (primary: boolean) => (
      <Button variant={primary ? "primary" : "secondary"} onClick={close} data-testid="run-close">
        Close
      </Button>
    );
    switch (stage.kind) {
      case "plan": {
        const data = plan.data;
        const runnable = data && !data.target.protection.readOnly && data.steps.length > 0;
        if (!runnable) return closeButton(true);
        return (
          <>
            {closeButton(false)}
            <Button
              variant="primary"
              className={data.target.tier === "production" ? "btn--danger" : undefined}
              disabled={!confirmationReady(data.target, typed) || plan.isFetching}
              onClick={start}
              data-testid="run-start"
            >
              {runLabel(data)}
            </Button>
          </>
        );
      }
      case "running":
        return (
          <Button onClick={cancel} disabled={stage.cancelling} data-testid="run-cancel">
            {stage.cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        );
      case "error":
        return (
          <>
            <Button onClick={again} data-testid="run-retry">
              Plan again
            </Button>
            {closeButton(true)}
          </>
        );
      case "ended": {
        const outcome = stage.outcome;
        if (outcome.outcome === "finished") return closeButton(true);
        const failure = outcome.outcome === "failed" ? outcome.failure : null;
        return (
          <>
            {failure && needsResolve(failure) && knownTarget && (
              <Button onClick={() => setResolving(failure.version)} data-testid="run-resolve">
                Resolve…
              </Button>
            )}
            <Button onClick={again} data-testid="run-retry">
              {failure ? "Retry" : "Plan again"}
            </Button>
            {closeButton(true)}
          </>
        );
      }
    }
  }
}
