/**
 * How the timeline words an applied migration: when (relative, with the exact UTC time for
 * the tooltip), by whom and how long. A timestamp that does not parse is shown as written,
 * never as "Invalid Date".
 */
import type { AppliedMigration } from "../../ipc/client";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parse(iso: string): number | null {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "12 days ago", else the UTC date. */
export function relativeTime(iso: string, now: number): string {
  const at = parse(iso);
  if (at === null) return iso;
  const ago = now - at;
  if (ago < -MINUTE) return absoluteUtc(iso); // a clock ahead of ours: say exactly when
  if (ago < 45_000) return "just now";
  if (ago < HOUR) return `${Math.max(1, Math.round(ago / MINUTE))} min ago`;
  if (ago < DAY) return `${Math.round(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return "yesterday";
  if (ago < 30 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  return absoluteUtc(iso).slice(0, 10);
}

/** "2024-01-15 10:30:00 UTC" (the history stores UTC). */
export function absoluteUtc(iso: string): string {
  const at = parse(iso);
  if (at === null) return iso;
  return `${new Date(at).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "<1 ms", "38 ms", "1.2 s", "2 min 5 s"; null when unknown. */
export function formatDuration(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / MINUTE);
  const seconds = Math.round((ms % MINUTE) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** The user part of `user@host`. */
export function actorName(appliedBy: string): string {
  const at = appliedBy.lastIndexOf("@");
  return at > 0 ? appliedBy.slice(0, at) : appliedBy;
}

/** The short line under an applied cell and its full tooltip. */
export function appliedSummary(
  applied: AppliedMigration,
  now: number,
): { short: string; full: string } {
  const when = relativeTime(applied.appliedAt, now);
  const duration = formatDuration(applied.executionMs);
  const partial = applied.state !== "applied";
  const progress = `${applied.statementsCommitted} of ${applied.statementsTotal} statements committed`;
  const short = [when, actorName(applied.appliedBy), partial ? progress : duration]
    .filter((part): part is string => part !== null && part !== "")
    .join(" · ");
  const full = [
    `${partial ? "Started" : "Applied"} ${absoluteUtc(applied.appliedAt)}`,
    `by ${applied.appliedBy}`,
    partial ? progress : duration !== null ? `took ${duration}` : null,
  ]
    .filter((part): part is string => part !== null)
    .join(", ");
  return { short, full };
}
