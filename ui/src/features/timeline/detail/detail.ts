/**
 * Pure data shaping for the migration detail pane: which dialect the SQL is read in, where
 * each statement starts (as the engine split it), which stored-vs-file differences each
 * target has, the event log in order, and the words a check is shown with (events' words are
 * lib/format's). Nothing here touches the DOM or the backend; every status has a text label.
 */
import type { DatabaseKind, EnvironmentTier } from "../../../ipc/bindings";
import type {
  CheckKind,
  CheckLevel,
  MigrationDetail,
  StatementSpan,
  StoredSql,
  TargetEvent,
  TimelineTarget,
} from "../../../ipc/client";

export type Part = "up" | "down";

/** The dialect the SQL is highlighted in: the first target's, as the backend split it. */
export function dialectOf(targets: readonly TimelineTarget[]): DatabaseKind | null {
  return targets[0]?.engine ?? null;
}

/** The statements that start on one line of the file (several when they share it). */
export type StatementMarker = { line: number; indices: number[] };

/**
 * One marker per line where statements start, in line order, for the editor's gutter.
 * Lines outside the document (`lineCount`) are dropped: the file may have changed since the
 * engine split it.
 */
export function statementMarkers(
  statements: readonly StatementSpan[],
  lineCount: number,
): StatementMarker[] {
  const byLine = new Map<number, number[]>();
  for (const statement of statements) {
    if (statement.line < 1 || statement.line > lineCount) continue;
    const indices = byLine.get(statement.line) ?? [];
    indices.push(statement.index);
    byLine.set(statement.line, indices);
  }
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, indices]) => ({ line, indices: indices.sort((a, b) => a - b) }));
}

/** A gutter marker's text: "3", "3,4", or "3–9" for a run of statements on one line. */
export function markerText(indices: readonly number[]): string {
  if (indices.length <= 2) return indices.join(",");
  const first = indices[0];
  const last = indices[indices.length - 1];
  const consecutive = indices.every((n, i) => i === 0 || n === (indices[i - 1] ?? n) + 1);
  return consecutive ? `${first}–${last}` : `${first},…,${last}`;
}

/** The lines a statement spans, first and last (1-based, inclusive), within `lineCount`. */
export function statementLines(
  statement: StatementSpan,
  lineCount: number,
): { from: number; to: number } {
  const from = Math.min(Math.max(statement.line, 1), Math.max(lineCount, 1));
  const span = statement.sql.replace(/\s+$/, "").split(/\r\n|\r|\n/).length;
  return { from, to: Math.min(from + span - 1, Math.max(lineCount, 1)) };
}

/** How many lines `text` has, as an editor counts them. */
export function lineCountOf(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** The first line of a statement, for a one-line list entry. */
export function statementPreview(sql: string, max = 120): string {
  const line = sql
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("--"));
  const text = (line ?? sql.trim()).replace(/\s+/g, " ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One part (up or down) of one target: what its history stored against the file now. */
export type PartChange =
  /** The stored SQL and the file agree. */
  | { kind: "same" }
  /** Both exist and differ: a side-by-side diff. */
  | { kind: "diff"; stored: string; file: string }
  /** The recorded checksum differs but the text is the same apart from line endings. */
  | { kind: "checksumOnly" }
  /** The file is gone; only the stored SQL is left. */
  | { kind: "fileGone"; stored: string }
  /** Nothing was stored when it was applied; the file has SQL now. */
  | { kind: "notStored"; file: string };

export type TargetChanges = {
  target: string;
  label: string;
  tier: EnvironmentTier | null;
  up: PartChange;
  down: PartChange;
  /** Either part differs. */
  differs: boolean;
};

function sameText(a: string, b: string): boolean {
  const normal = (s: string) => s.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  return normal(a) === normal(b);
}

function upChange(stored: StoredSql, file: string | null): PartChange {
  if (stored.upMatchesFile) return { kind: "same" };
  if (file === null) return { kind: "fileGone", stored: stored.upSql };
  if (sameText(stored.upSql, file)) return { kind: "checksumOnly" };
  return { kind: "diff", stored: stored.upSql, file };
}

function downChange(stored: StoredSql, file: string | null): PartChange {
  if (stored.downMatchesFile) return { kind: "same" };
  if (stored.downSql === null && file === null) return { kind: "same" };
  if (stored.downSql === null) return { kind: "notStored", file: file ?? "" };
  if (file === null) return { kind: "fileGone", stored: stored.downSql };
  if (sameText(stored.downSql, file)) return { kind: "checksumOnly" };
  return { kind: "diff", stored: stored.downSql, file };
}

/** Per target where the migration is applied, what differs between its history and the files. */
export function targetChanges(
  detail: Pick<MigrationDetail, "up" | "down" | "stored">,
  targets: readonly TimelineTarget[],
): TargetChanges[] {
  return detail.stored.map((stored) => {
    const target = targets.find((t) => t.id === stored.target);
    const up = upChange(stored, detail.up?.partSql ?? null);
    const down = downChange(stored, detail.down?.partSql ?? null);
    return {
      target: stored.target,
      label: target?.label ?? stored.target,
      tier: target?.tier ?? null,
      up,
      down,
      differs: up.kind !== "same" || down.kind !== "same",
    };
  });
}

/** The target the Changes tab opens on: the first one that differs, else the first. */
export function defaultChangesTarget(changes: readonly TargetChanges[]): string | null {
  return (changes.find((c) => c.differs) ?? changes[0])?.target ?? null;
}

/** Events newest first (ISO-8601 UTC sorts as text); equal times keep the backend's order. */
export function newestFirst(events: readonly TargetEvent[]): TargetEvent[] {
  return events
    .map((event, order) => ({ event, order }))
    .sort((a, b) => {
      if (a.event.event.at === b.event.event.at) return a.order - b.order;
      return a.event.event.at < b.event.event.at ? 1 : -1;
    })
    .map(({ event }) => event);
}

export const CHECK_LEVEL_LABELS: Record<CheckLevel, string> = {
  info: "Info",
  warning: "Warning",
};

export const CHECK_KIND_LABELS: Record<CheckKind, string> = {
  noTransactionDirective: "Runs outside a transaction",
  cannotRunInTransaction: "Cannot run in a transaction",
  transactionControl: "Controls its own transaction",
  missingDown: "No down part",
  implicitCommit: "Commits implicitly (MySQL/MariaDB)",
  emptyPart: "Empty part",
  other: "Note",
};

/** "up part, line 12", "down part", "line 3", or null when the check is about no place. */
export function checkPlace(direction: Part | null, line: number | null): string | null {
  const part = direction === null ? null : `${direction} part`;
  const at = line === null ? null : `line ${line}`;
  if (part && at) return `${part}, ${at}`;
  return part ?? at;
}
