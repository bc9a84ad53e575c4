/**
 * The result of a Test rollback (up, down, up of each migration in a scratch database): a
 * headline in words with a badge, every migration's outcome in a virtualised list (text
 * badges, never colour alone), and for the one selected, what its down part did not restore
 * as a diff tree, or the error of the part that failed. No IPC: the report comes in props.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import type { RollbackTest, RoundTripPhase, RoundTripProgress, RoundTripStep } from "../../ipc/bindings";
import { countsText, diffCounts, diffRows } from "../../lib/schemaTree";
import { Badge, type BadgeTone } from "../Badge";
import type { IconName } from "../Icon";
import { DiffTree } from "./DiffTree";

export type Outcome = { tone: BadgeTone; icon: IconName; text: string };

const PHASE_TEXT: Record<RoundTripPhase, string> = { up: "up", down: "down", upAgain: "up again" };

/** "3 of 15: 20240129101500 create_products, down". */
export function progressText(p: RoundTripProgress): string {
  return `${p.index} of ${p.total}: ${p.version} ${p.name}, ${PHASE_TEXT[p.phase]}`;
}

/** A step's outcome in words: the worst thing that happened to it. */
export function stepOutcome(s: RoundTripStep): Outcome {
  if (s.downFailed !== null) return { tone: "danger", icon: "failed", text: "down failed" };
  if (s.notRestored !== null && s.notRestored.namespaces.length > 0) {
    return { tone: "danger", icon: "failed", text: "down did not restore" };
  }
  if (s.upAgainFailed !== null) return { tone: "danger", icon: "failed", text: "up again failed" };
  if (s.upAgainDiffers !== null) return { tone: "warning", icon: "modified", text: "up again differs" };
  return { tone: "success", icon: "ok", text: "round-trips" };
}

type Row =
  | { kind: "step"; id: string; step: RoundTripStep; outcome: Outcome }
  | { kind: "untested"; id: string; version: string; name: string; reason: string };

function rowsOf(t: RollbackTest): Row[] {
  const rows: Row[] = t.report.steps.map((step) => ({
    kind: "step",
    id: `step/${step.version}`,
    step,
    outcome: stepOutcome(step),
  }));
  for (const u of t.report.untested) {
    rows.push({ kind: "untested", id: `untested/${u.version}`, version: u.version, name: u.name, reason: u.reason });
  }
  return rows;
}

/** "All 12 migrations round-trip" or "2 of 12 migrations did not round-trip". */
export function rollbackHeadline(t: RollbackTest): string {
  const n = `${t.tested} migration${t.tested === 1 ? "" : "s"}`;
  if (t.tested === 0) return "No migration with a down part was tested";
  if (t.clean) return t.tested === 1 ? `${t.report.steps[0]?.version ?? "The migration"} round-trips` : `All ${n} round-trip`;
  return `${t.failed} of ${n} did not round-trip`;
}

export function RollbackResult({ test }: { test: RollbackTest }) {
  const rows = useMemo(() => rowsOf(test), [test]);
  const firstBad = rows.find((r) => r.kind === "step" && r.outcome.tone !== "success");
  const [selected, setSelected] = useState<string | null>(firstBad?.id ?? rows[0]?.id ?? null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions each render by design.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 34,
    overscan: 10,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  const current = rows.find((r) => r.id === selected) ?? null;
  const skipped = test.report.untested.length;
  return (
    <>
      <div className="rt-summary">
        <p className="rt-headline" data-testid="rollback-headline">
          <Badge tone={test.clean ? "success" : "danger"} icon={test.clean ? "ok" : "failed"}>
            {test.clean ? "passed" : "failed"}
          </Badge>{" "}
          {rollbackHeadline(test)}
        </p>
        <p className="rt-muted">
          {skipped > 0 && `${skipped} skipped (no down part). `}
          {test.report.stoppedAfter !== null && `Stopped after ${test.report.stoppedAfter}: what follows could not be tested. `}
          {test.ms !== null && `Took ${(test.ms / 1000).toFixed(1)} s. `}Run in a scratch database beside {test.targetLabel}, since dropped.
        </p>
      </div>
      <div className="rt-body">
        <div
          ref={scrollRef}
          className="rt-list"
          tabIndex={0}
          aria-label="Each migration’s round trip, scrollable"
          data-testid="rollback-steps"
        >
          <div role="list" aria-label="Each migration’s round trip" className="rt-list__body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((v) => {
              const row = rows[v.index];
              if (row === undefined) return null;
              const version = row.kind === "step" ? row.step.version : row.version;
              const name = row.kind === "step" ? row.step.name : row.name;
              const outcome: Outcome =
                row.kind === "step" ? row.outcome : { tone: "neutral", icon: "skipped", text: "skipped" };
              return (
                <div
                  key={v.key}
                  role="listitem"
                  data-index={v.index}
                  ref={virtualizer.measureElement}
                  className={`rt-row${selected === row.id ? " is-selected" : ""}`}
                  style={{ transform: `translateY(${v.start}px)` }}
                  data-testid="rollback-step"
                  data-version={version}
                  data-outcome={outcome.text}
                >
                  <button
                    type="button"
                    className="rt-pick"
                    aria-pressed={selected === row.id}
                    onClick={() => setSelected(row.id)}
                  >
                    <Badge tone={outcome.tone} icon={outcome.icon}>
                      {outcome.text}
                    </Badge>
                    <span className="rt-mono">{version}</span>
                    <span className="rt-ellipsis">{name}</span>
                  </button>
                </div>
              );
            })}
          </div>
        </div>
        <div className="rt-detail" data-testid="rollback-detail">
          {current === null ? null : current.kind === "untested" ? (
            <p>
              <strong className="rt-mono">{current.version}</strong> {current.name} was applied but not tested:{" "}
              {current.reason}.
            </p>
          ) : (
            <StepDetail step={current.step} />
          )}
        </div>
      </div>
    </>
  );
}

export function StepDetail({ step }: { step: RoundTripStep }) {
  const left = step.notRestored !== null && step.notRestored.namespaces.length > 0 ? step.notRestored : null;
  return (
    <>
      <h3 className="rt-title">
        {step.version} <span className="rt-kind">{step.name}</span>
      </h3>
      {step.downFailed !== null && (
        <div className="notice notice--danger" data-testid="rollback-down-failed">
          <p className="notice__title">Down failed</p>
          <p className="rt-mono">{step.downFailed}</p>
        </div>
      )}
      {left !== null && (
        <>
          <p data-testid="rollback-not-restored">
            Down did not give back the schema from before up: {countsText(diffCounts(left))}. An added entry is
            something down left behind; a removed one, something it dropped that was there before.
          </p>
          <DiffTree rows={diffRows(left)} label={`What down did not restore, from before up to after down`} testId="rollback-diff" />
        </>
      )}
      {step.upAgainFailed !== null && (
        <div className="notice notice--danger">
          <p className="notice__title">Up failed when applied again after down</p>
          <p className="rt-mono">{step.upAgainFailed}</p>
        </div>
      )}
      {step.upAgainDiffers !== null && (
        <>
          <p>Up applied again gave a different schema than the first time: {countsText(diffCounts(step.upAgainDiffers))}.</p>
          <DiffTree rows={diffRows(step.upAgainDiffers)} label="From after up to after up again" testId="rollback-again-diff" />
        </>
      )}
      {stepOutcome(step).tone === "success" && (
        <p data-testid="rollback-ok">
          Down gave back exactly the schema from before up, and up applied again the same schema as the first time.
        </p>
      )}
    </>
  );
}
