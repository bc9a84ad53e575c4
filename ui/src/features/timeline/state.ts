/**
 * What a migration's state means on screen: every `MigrationState` (and an unreadable cell)
 * has a text label, an icon and a tone, so status is never told by colour alone. Also the
 * timeline's filter (by state in any target, and by text) and the per-target counts, all
 * pure so they are tested without rendering.
 */
import type { BadgeTone } from "../../components/Badge";
import type { IconName } from "../../components/Icon";
import type { MigrationState, TimelineCell, TimelineRow } from "../../ipc/client";

/** A cell's state, or `unknown` when the target's history could not be read. */
export type CellState = MigrationState | "unknown";

export type StateInfo = {
  label: string;
  icon: IconName;
  tone: BadgeTone;
  /** One sentence for the tooltip and screen readers. */
  meaning: string;
};

export const STATE_INFO: Record<CellState, StateInfo> = {
  pending: {
    label: "pending",
    icon: "pending",
    tone: "neutral",
    meaning: "Not applied yet; newer than everything applied.",
  },
  outOfOrder: {
    label: "out of order",
    icon: "outOfOrder",
    tone: "warning",
    meaning:
      "Pending, but older than the newest applied migration (a parallel branch): it is applied only when you allow out-of-order.",
  },
  applied: {
    label: "applied",
    icon: "ok",
    tone: "success",
    meaning: "Applied, with the checksum the file has now.",
  },
  modified: {
    label: "modified",
    icon: "modified",
    tone: "warning",
    meaning:
      "Applied, but the file changed since (its checksum differs): restore the file or repair the checksum.",
  },
  changed: {
    label: "changed",
    icon: "changed",
    tone: "info",
    meaning: "A repeatable migration whose file changed since it was applied: the next run applies it again.",
  },
  missingFile: {
    label: "file missing",
    icon: "missingFile",
    tone: "warning",
    meaning: "Applied, but its file is gone (a rollback still works from the SQL stored at apply time).",
  },
  partial: {
    label: "partial",
    icon: "partial",
    tone: "danger",
    meaning:
      "Some statements committed, then one failed: resolve it (resume, mark resolved or roll back what committed) before anything else runs.",
  },
  partialRollback: {
    label: "rollback partial",
    icon: "partialRollback",
    tone: "danger",
    meaning: "Its rollback failed after some down statements committed: resolve it before anything else runs.",
  },
  unknown: {
    label: "unknown",
    icon: "unknown",
    tone: "neutral",
    meaning: "This database's state could not be read (see its column header).",
  },
};

export function cellState(cell: TimelineCell | null | undefined): CellState {
  return cell ? cell.state : "unknown";
}

export function stateInfo(cell: TimelineCell | null | undefined): StateInfo {
  return STATE_INFO[cellState(cell)];
}

// ---- Filter

export type StateFilter = "any" | "pending" | "applied" | "failed" | "modified" | "missing" | "outOfOrder";

export const STATE_FILTERS: readonly { value: StateFilter; label: string; states: readonly CellState[] }[] = [
  { value: "any", label: "Any state", states: [] },
  { value: "pending", label: "Pending", states: ["pending"] },
  { value: "applied", label: "Applied", states: ["applied"] },
  { value: "failed", label: "Failed or partial", states: ["partial", "partialRollback"] },
  { value: "modified", label: "Modified", states: ["modified", "changed"] },
  { value: "missing", label: "File missing", states: ["missingFile"] },
  { value: "outOfOrder", label: "Out of order", states: ["outOfOrder"] },
];

export type TimelineFilter = { state: StateFilter; text: string };

export const NO_FILTER: TimelineFilter = { state: "any", text: "" };

export function isFiltering(filter: TimelineFilter): boolean {
  return filter.state !== "any" || filter.text.trim() !== "";
}

/** Whether `row` passes: its state in ANY target is one of the filter's, and the text is in
 * its version, name, description or author (case-insensitive). */
export function rowMatches(row: TimelineRow, filter: TimelineFilter): boolean {
  if (filter.state !== "any") {
    const wanted = STATE_FILTERS.find((f) => f.value === filter.state)?.states ?? [];
    if (!row.cells.some((cell) => wanted.includes(cellState(cell)))) return false;
  }
  const needle = filter.text.trim().toLowerCase();
  if (needle === "") return true;
  return [row.version, row.name, row.description, row.author].some(
    (field) => field !== null && field.toLowerCase().includes(needle),
  );
}

/** Indices (into `rows`) of the rows that pass, in order. */
export function filterRows(rows: readonly TimelineRow[], filter: TimelineFilter): number[] {
  const out: number[] = [];
  if (!isFiltering(filter)) {
    for (let i = 0; i < rows.length; i++) out.push(i);
    return out;
  }
  rows.forEach((row, i) => {
    if (rowMatches(row, filter)) out.push(i);
  });
  return out;
}

/** "12 of 5,000 migrations", or "5,000 migrations" when nothing is filtered out. */
export function countLabel(shown: number, total: number): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const noun = total === 1 ? "migration" : "migrations";
  return shown === total ? `${n(total)} ${noun}` : `${n(shown)} of ${n(total)} ${noun}`;
}

// ---- Per-target counts

/** The count groups a column header shows, in this order, each with its label. */
export const COUNT_GROUPS: readonly { state: CellState; one: string; many: string }[] = [
  { state: "applied", one: "applied", many: "applied" },
  { state: "pending", one: "pending", many: "pending" },
  { state: "outOfOrder", one: "out of order", many: "out of order" },
  { state: "modified", one: "modified", many: "modified" },
  { state: "changed", one: "changed", many: "changed" },
  { state: "missingFile", one: "file missing", many: "files missing" },
  { state: "partial", one: "partial", many: "partial" },
  { state: "partialRollback", one: "rollback partial", many: "rollbacks partial" },
];

export type StateCounts = Record<CellState, number>;

function zeroCounts(): StateCounts {
  return {
    pending: 0,
    outOfOrder: 0,
    applied: 0,
    modified: 0,
    changed: 0,
    missingFile: 0,
    partial: 0,
    partialRollback: 0,
    unknown: 0,
  };
}

/** How many rows are in each state, for each target column (one pass over the rows). */
export function countByTarget(rows: readonly TimelineRow[], targets: number): StateCounts[] {
  const counts = Array.from({ length: targets }, zeroCounts);
  for (const row of rows) {
    for (let t = 0; t < targets; t++) {
      counts[t]![cellState(row.cells[t])] += 1;
    }
  }
  return counts;
}

/** The non-zero groups as short phrases: ["40 applied", "3 pending", "1 file missing"]. */
export function countPhrases(counts: StateCounts): string[] {
  return COUNT_GROUPS.filter((g) => counts[g.state] > 0).map(
    (g) => `${counts[g.state].toLocaleString("en-US")} ${counts[g.state] === 1 ? g.one : g.many}`,
  );
}

// ---- The rail

/** The row's overall tone on the rail: the most urgent state in any target. */
const URGENCY: readonly CellState[] = [
  "partial",
  "partialRollback",
  "modified",
  "missingFile",
  "outOfOrder",
  "changed",
  "pending",
  "unknown",
  "applied",
];

export function railState(row: TimelineRow): CellState {
  let best = URGENCY.length - 1;
  for (const cell of row.cells) {
    const rank = URGENCY.indexOf(cellState(cell));
    if (rank < best) best = rank;
  }
  return row.cells.length === 0 ? "pending" : URGENCY[best]!;
}
