/**
 * The timeline's actions and when each makes sense. Choosing one yields a `TimelineAction`
 * (a run request, or an administrative operation on one target and version) for the run view
 * and the admin dialogs; nothing runs here. The enabling rules mirror the engine's planner
 * (crates/strata-core/src/plan.rs) so a disabled item says why before a plan would refuse:
 * a partially applied migration blocks every run, a modified one blocks applying past it,
 * Redo is the newest applied migration only. The backend still decides; this only avoids
 * offering what cannot work.
 */
import type {
  RunRequest,
  Timeline,
  TimelineCell,
  TimelineRow,
  TimelineTarget,
} from "../../ipc/client";
import { cellState } from "./state";

export type AdminActionKind = "baseline" | "repair" | "resolve";

export type TimelineAction =
  | { kind: "run"; request: RunRequest; target: TimelineTarget }
  | {
      kind: AdminActionKind;
      project: string;
      target: TimelineTarget;
      version: string;
      name: string;
      /** The migration's cell in that target (its history row: statements committed…). */
      cell: TimelineCell | null;
    };

export type ActionId = "apply" | "rollback" | "redo" | "baseline" | "repair" | "resolve";

export const ACTION_LABELS: Record<ActionId, string> = {
  apply: "Apply up to here",
  rollback: "Roll back to here",
  redo: "Redo",
  baseline: "Baseline to here",
  repair: "Repair checksum",
  resolve: "Resolve",
};

export type ActionOption = {
  id: ActionId;
  label: string;
  /** Null when the action cannot be taken; `reason` says why. */
  action: TimelineAction | null;
  reason: string | null;
};

/** Per target, what the rules need, computed once per timeline in one pass per column. */
export type TargetFacts = {
  /** `toApply[i]`: versioned rows at or before `i` not applied (pending or out of order). */
  toApply: Int32Array;
  /** `appliedUpTo[i]`: versioned rows at or before `i` with a history row. */
  appliedUpTo: Int32Array;
  /** First versioned row that is modified, or -1. */
  firstModified: number;
  /** First partially applied (or partially rolled back) row, or -1. */
  firstPartial: number;
  /** The newest versioned row with a history row (what Redo redoes), or -1. */
  newestApplied: number;
};

function hasHistoryRow(cell: TimelineCell | null | undefined): boolean {
  if (!cell) return false;
  return cell.state !== "pending" && cell.state !== "outOfOrder";
}

export function targetFacts(timeline: Timeline): TargetFacts[] {
  const n = timeline.rows.length;
  return timeline.targets.map((_, t) => {
    const toApply = new Int32Array(n);
    const appliedUpTo = new Int32Array(n);
    let pending = 0;
    let applied = 0;
    let firstModified = -1;
    let firstPartial = -1;
    let newestApplied = -1;
    timeline.rows.forEach((row, i) => {
      const cell = row.cells[t];
      const state = cellState(cell);
      if (state === "partial" || state === "partialRollback") {
        if (firstPartial < 0) firstPartial = i;
      }
      if (!row.repeatable) {
        if (state === "pending" || state === "outOfOrder") pending += 1;
        if (hasHistoryRow(cell)) {
          applied += 1;
          newestApplied = i;
        }
        if (state === "modified" && firstModified < 0) firstModified = i;
      }
      toApply[i] = pending;
      appliedUpTo[i] = applied;
    });
    return { toApply, appliedUpTo, firstModified, firstPartial, newestApplied };
  });
}

/** Why nothing can be done on this target at all, or null. */
function targetBlock(target: TimelineTarget): string | null {
  if (target.error !== null) {
    return `${target.label}: its state could not be read (${target.error.message}). Retry from its column header.`;
  }
  return null;
}

function readOnlyBlock(target: TimelineTarget): string | null {
  return target.protection.readOnly
    ? `${target.label} is read-only: unlock it on the Connections screen first.`
    : null;
}

function runRequest(
  project: string,
  target: TimelineTarget,
  action: RunRequest["action"],
  allowOutOfOrder = false,
): TimelineAction {
  return {
    kind: "run",
    target,
    request: {
      project,
      target: target.id,
      action,
      allowOutOfOrder,
      singleTransaction: false,
      confirmation: null,
    },
  };
}

/** The actions of one cell: row `rowIndex` (into `timeline.rows`) in target `targetIndex`. */
export function cellActions(
  project: string,
  timeline: Timeline,
  facts: readonly TargetFacts[],
  rowIndex: number,
  targetIndex: number,
): ActionOption[] {
  const row = timeline.rows[rowIndex];
  const target = timeline.targets[targetIndex];
  const fact = facts[targetIndex];
  if (!row || !target || !fact) return [];
  const cell = row.cells[targetIndex] ?? null;
  const state = cellState(cell);
  const option = (id: ActionId, action: TimelineAction | null, reason: string | null): ActionOption =>
    reason === null && action !== null
      ? { id, label: ACTION_LABELS[id], action, reason: null }
      : { id, label: ACTION_LABELS[id], action: null, reason: reason ?? "Not available." };
  const admin = (kind: AdminActionKind): TimelineAction => ({
    kind,
    project,
    target,
    version: row.version,
    name: row.name,
    cell,
  });

  const blocked = targetBlock(target) ?? (cell === null ? `${target.label}: this migration's state is unknown.` : null);
  if (blocked !== null) {
    return (Object.keys(ACTION_LABELS) as ActionId[]).map((id) => option(id, null, blocked));
  }
  const partialRow = fact.firstPartial >= 0 ? timeline.rows[fact.firstPartial] : undefined;
  const partialBlock =
    partialRow !== undefined
      ? `${partialRow.version} is partially applied in ${target.label}: resolve it first.`
      : null;
  const here = `${row.version} in ${target.label}`;
  const repeatableNote = "A repeatable migration has no place in the version order: use Apply all pending.";

  const apply = (): ActionOption => {
    if (partialBlock) return option("apply", null, partialBlock);
    if (row.repeatable) return option("apply", null, repeatableNote);
    if (fact.toApply[rowIndex] === 0) {
      return option("apply", null, `Nothing to apply: everything up to ${here} is applied.`);
    }
    if (fact.firstModified >= 0 && fact.firstModified <= rowIndex) {
      const modified = timeline.rows[fact.firstModified]!;
      return option(
        "apply",
        null,
        `${modified.version} is modified in ${target.label}: repair its checksum or restore its file first.`,
      );
    }
    // Pointing at an out-of-order migration is asking for it; the run view shows the plan.
    const action = runRequest(project, target, { kind: "upTo", version: row.version }, state === "outOfOrder");
    return option("apply", action, null);
  };

  const rollback = (): ActionOption => {
    if (partialBlock) return option("rollback", null, partialBlock);
    if (row.repeatable) return option("rollback", null, "Repeatable migrations have no rollback.");
    const newer = fact.appliedUpTo[fact.appliedUpTo.length - 1]! - fact.appliedUpTo[rowIndex]!;
    if (newer === 0) {
      return option("rollback", null, `Nothing to roll back: nothing newer than ${here} is applied.`);
    }
    return option("rollback", runRequest(project, target, { kind: "downTo", version: row.version }), null);
  };

  const redo = (): ActionOption => {
    if (partialBlock) return option("redo", null, partialBlock);
    if (fact.newestApplied < 0) return option("redo", null, `Nothing is applied in ${target.label}.`);
    if (fact.newestApplied !== rowIndex) {
      const newest = timeline.rows[fact.newestApplied]!;
      return option("redo", null, `Redo is for the newest applied migration only (${newest.version}).`);
    }
    if (!row.onDisk) return option("redo", null, `${row.version}'s file is gone, so it cannot be applied again.`);
    return option("redo", runRequest(project, target, { kind: "redo" }), null);
  };

  const baseline = (): ActionOption => {
    const readOnly = readOnlyBlock(target);
    if (readOnly) return option("baseline", null, readOnly);
    if (row.repeatable) {
      return option("baseline", null, "A repeatable migration has no place in the version order: baseline to a versioned one.");
    }
    if (!row.onDisk) return option("baseline", null, `${row.version}'s file is gone: a baseline records migrations from their files.`);
    if (fact.firstPartial >= 0 && fact.firstPartial <= rowIndex) return option("baseline", null, partialBlock);
    if (fact.toApply[rowIndex] === 0) {
      return option("baseline", null, `Nothing to record: everything up to ${here} is applied.`);
    }
    return option("baseline", admin("baseline"), null);
  };

  const repair = (): ActionOption => {
    const readOnly = readOnlyBlock(target);
    if (readOnly) return option("repair", null, readOnly);
    if (state !== "modified") {
      return option("repair", null, "Only a modified migration (its file changed since it was applied) can be repaired.");
    }
    return option("repair", admin("repair"), null);
  };

  const resolve = (): ActionOption => {
    const readOnly = readOnlyBlock(target);
    if (readOnly) return option("resolve", null, readOnly);
    if (state !== "partial" && state !== "partialRollback") {
      return option("resolve", null, "Only a partially applied migration needs resolving.");
    }
    return option("resolve", admin("resolve"), null);
  };

  return [apply(), rollback(), redo(), baseline(), repair(), resolve()];
}

/** The column header's "Apply all pending" for one target. */
export function applyAllOption(
  project: string,
  timeline: Timeline,
  facts: readonly TargetFacts[],
  targetIndex: number,
): ActionOption {
  const target = timeline.targets[targetIndex];
  const fact = facts[targetIndex];
  const label = "Apply all pending";
  if (!target || !fact) return { id: "apply", label, action: null, reason: "No such target." };
  const no = (reason: string): ActionOption => ({ id: "apply", label, action: null, reason });
  const blocked = targetBlock(target);
  if (blocked) return no(blocked);
  if (fact.firstPartial >= 0) {
    return no(`${timeline.rows[fact.firstPartial]!.version} is partially applied in ${target.label}: resolve it first.`);
  }
  const waiting = timeline.rows.some((row: TimelineRow) => {
    const state = cellState(row.cells[targetIndex]);
    return state === "pending" || state === "outOfOrder" || state === "changed";
  });
  if (!waiting) return no(`Nothing to apply: ${target.label} is up to date.`);
  return { id: "apply", label, action: runRequest(project, target, { kind: "latest" }), reason: null };
}

/** A sentence naming an action, e.g. "Apply up to 20240102093000 on Embedded". */
export function describeAction(action: TimelineAction): string {
  if (action.kind === "run") {
    const on = `on ${action.target.label}`;
    const a = action.request.action;
    switch (a.kind) {
      case "latest":
        return `Apply all pending ${on}`;
      case "upTo":
        return `Apply up to ${a.version} ${on}`;
      case "downTo":
        return `Roll back to ${a.version} ${on}`;
      case "zero":
        return `Roll back everything ${on}`;
      case "redo":
        return `Redo the newest migration ${on}`;
    }
  }
  const verb = { baseline: "Baseline to", repair: "Repair the checksum of", resolve: "Resolve" }[action.kind];
  return `${verb} ${action.version} on ${action.target.label}`;
}
