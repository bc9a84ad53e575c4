/**
 * A seed run as the screen shows it, folded from the run's events and its outcome: one row
 * per dataset with its rows done and, once it is done, its counts.
 */
import type { SeedDatasetResult, SeedEvent, SeedRunOutcome } from "../../ipc/client";

export type DatasetStatus = "waiting" | "running" | "applied" | "unchanged" | "failed" | "cancelled";

export type DatasetRow = {
  dataset: string;
  table: string;
  total: number;
  done: number;
  status: DatasetStatus;
  result: SeedDatasetResult | null;
  message: string | null;
};

export type RunPhase = "idle" | "running" | "finished" | "failed" | "cancelled";

export type SeedRunState = {
  phase: RunPhase;
  rows: DatasetRow[];
  /** The failure or cancel message, in the engine's words. */
  message: string | null;
};

export const idleRun: SeedRunState = { phase: "idle", rows: [], message: null };

export function startRun(): SeedRunState {
  return { phase: "running", rows: [], message: null };
}

function update(rows: DatasetRow[], dataset: string, change: (row: DatasetRow) => DatasetRow): DatasetRow[] {
  return rows.map((r) => (r.dataset === dataset ? change(r) : r));
}

function fromResult(row: DatasetRow, result: SeedDatasetResult): DatasetRow {
  return {
    ...row,
    done: result.rows,
    total: result.rows,
    status: result.outcome === "unchanged" ? "unchanged" : "applied",
    result,
  };
}

export function reduceSeedEvent(state: SeedRunState, event: SeedEvent): SeedRunState {
  switch (event.event) {
    case "started":
      return {
        ...state,
        rows: event.datasets.map((d) => ({
          dataset: d.dataset,
          table: d.table,
          total: d.total,
          done: 0,
          status: "waiting",
          result: null,
          message: null,
        })),
      };
    case "progress":
      return {
        ...state,
        rows: update(state.rows, event.dataset, (r) =>
          r.status === "waiting" || r.status === "running"
            ? { ...r, done: event.done, total: event.total, status: "running" }
            : r,
        ),
      };
    case "finished":
      return { ...state, rows: update(state.rows, event.result.dataset, (r) => fromResult(r, event.result)) };
    case "failed":
      return event.dataset === null
        ? state
        : {
            ...state,
            rows: update(state.rows, event.dataset, (r) => ({ ...r, status: "failed", message: event.message })),
          };
  }
}

/** The run's end: counts from the outcome win over what the events said. */
export function settleSeedRun(state: SeedRunState, outcome: SeedRunOutcome): SeedRunState {
  const results = outcome.outcome === "finished" ? outcome.datasets : outcome.completed;
  let rows = state.rows;
  for (const r of results) rows = update(rows, r.dataset, (row) => fromResult(row, r));
  switch (outcome.outcome) {
    case "finished":
      return { phase: "finished", rows, message: null };
    case "failed":
      return {
        phase: "failed",
        rows: rows.map((r) =>
          r.dataset === outcome.dataset
            ? { ...r, status: "failed", message: outcome.error.message }
            : r.status === "running"
              ? { ...r, status: "cancelled" }
              : r,
        ),
        message: outcome.error.message,
      };
    case "cancelled":
      return {
        phase: "cancelled",
        rows: rows.map((r) => (r.status === "running" ? { ...r, status: "cancelled" } : r)),
        message: outcome.message,
      };
  }
}

/** A dataset's share done, 0 to 1 (a dataset of no rows is done when it finishes). */
export function fraction(row: DatasetRow): number {
  if (row.status === "applied" || row.status === "unchanged") return 1;
  return row.total === 0 ? 0 : Math.min(1, row.done / row.total);
}

export const STATUS_LABELS: Record<DatasetStatus, string> = {
  waiting: "Waiting",
  running: "Running",
  applied: "Applied",
  unchanged: "Unchanged",
  failed: "Failed, rolled back",
  cancelled: "Cancelled, rolled back",
};
