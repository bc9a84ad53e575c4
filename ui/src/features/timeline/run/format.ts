/** Words for the run view: durations, directions, step states and what an action does. */
import type { BadgeTone } from "../../../components/Badge";
import type { Direction, RunAction, RunPlan } from "../../../ipc/client";
import { plural } from "../../../lib/format";
import type { RunIconName } from "./icons";
import type { StepStatus } from "./progress";

/** "<1 ms", "4.2 ms", "340 ms", "2.4 s", "3 min 05 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1) return "<1 ms";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

export const DIRECTION_LABELS: Record<Direction, string> = { up: "apply", down: "roll back" };

export const STEP_STATUS: Record<StepStatus, { label: string; icon: RunIconName; tone: BadgeTone }> = {
  pending: { label: "waiting", icon: "pending", tone: "neutral" },
  running: { label: "running", icon: "running", tone: "accent" },
  done: { label: "done", icon: "done", tone: "success" },
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

/** Out of order is a plan error the user may override: the backend's message says so. */
export function isOutOfOrderError(message: string): boolean {
  return /out[- ]of[- ]order|older than the newest applied/i.test(message);
}

/** The version a "partially applied" plan error names, when it names one. */
export function partialVersion(message: string): string | null {
  const m = /^(\S+) is partially applied/.exec(message.trim());
  return m ? (m[1] ?? null) : null;
}

/** A fresh key naming one run for cancelRun. */
export function newRunKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
