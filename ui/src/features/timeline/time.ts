/**
 * How the timeline words an applied migration: when (relative, with the exact UTC time for
 * the tooltip), by whom and how long, in lib/format's words. A timestamp that does not parse
 * is shown as written, never as "Invalid Date".
 */
import type { AppliedMigration } from "../../ipc/client";
import { formatDuration, formatUtc, relativeTime } from "../../lib/format";

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
    `${partial ? "Started" : "Applied"} ${formatUtc(applied.appliedAt)}`,
    `by ${applied.appliedBy}`,
    partial ? progress : duration !== null ? `took ${duration}` : null,
  ]
    .filter((part): part is string => part !== null)
    .join(", ");
  return { short, full };
}
