/** Words for the run view: directions, step states and what an action does (durations: lib/format). */
import type { BadgeTone } from "../../../components/Badge";
import type { IconName } from "../../../components/Icon";
import type { Direction, IpcErrorCode, RunAction, RunOutcome, RunPlan } from "../../../ipc/client";
import { plural } from "../../../lib/format";
import type { StepStatus } from "./progress";

export const DIRECTION_LABELS: Record<Direction, string> = { up: "apply", down: "roll back" };

export const STEP_STATUS: Record<StepStatus, { label: string; icon: IconName; tone: BadgeTone }> = {
  pending: { label: "waiting", icon: "waiting", tone: "neutral" },
  running: { label: "running", icon: "running", tone: "accent" },
  done: { label: "done", icon: "ok", tone: "success" },
  failed: { label: "failed", icon: "failed", tone: "danger" },
  cancelled: { label: "cancelled", icon: "cancelled", tone: "warning" },
  notRun: { label: "not run", icon: "skipped", tone: "neutral" },
  undone: { label: "undone with the run", icon: "skipped", tone: "warning" },
};

/** The sheet's title for an action on a target. */
export function actionTitle(action: RunAction, target: string): string {
  switch (action.kind) {
    case "latest":
      return `Apply all pending to ${target}`;
    case "upTo":
      return `Apply up to ${action.version} on ${target}`;
    case "downTo":
      return `Roll back to ${action.version} on ${target}`;
    case "zero":
      return `Roll back everything on ${target}`;
    case "redo":
      return `Redo the newest migration on ${target}`;
  }
}

/** The Run button's label: what it will do, counted. */
export function runLabel(plan: RunPlan): string {
  const up = plan.steps.filter((s) => s.direction === "up").length;
  const down = plan.steps.length - up;
  if (up > 0 && down > 0) return `Run ${plural(plan.steps.length, "step")}`;
  if (down > 0) return `Roll back ${plural(down, "migration")}`;
  return `Apply ${plural(up, "migration")}`;
}

/** The version a `partial` plan error names (its message starts with it), when it names one. */
export function partialVersion(code: IpcErrorCode, message: string): string | null {
  if (code !== "partial") return null;
  const m = /^(\S+) is partially applied/.exec(message.trim());
  return m ? (m[1] ?? null) : null;
}

/** A fresh key naming one run for cancelRun. */
export function newRunKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** One line saying how a run ended, for an OS notification. */
export function outcomeSentence(outcome: RunOutcome): string {
  switch (outcome.outcome) {
    case "finished": {
      const up = outcome.report.steps.filter((s) => s.direction === "up").length;
      const down = outcome.report.steps.length - up;
      const parts = [];
      if (up > 0) parts.push(`applied ${plural(up, "migration")}`);
      if (down > 0) parts.push(`rolled back ${plural(down, "migration")}`);
      const done = parts.length > 0 ? parts.join(", ") : "nothing to do";
      return `Finished: ${done}.`;
    }
    case "failed":
      return `Failed at ${outcome.failure.version} (${outcome.failure.name}), statement ${outcome.failure.index} of ${outcome.failure.total}: ${outcome.failure.message}`;
    case "cancelled":
      return `Cancelled. ${outcome.message}`;
  }
}
