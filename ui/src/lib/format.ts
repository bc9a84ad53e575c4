/**
 * Display helpers for backend values: the one place each value (engine, tier, event kind and
 * outcome, duration, time) gets its words, so every screen says it the same way. Pure; a value
 * that cannot be read (a negative duration, a time that does not parse) never shows as
 * "NaN" or "Invalid Date".
 */
import type { DatabaseKind, EnvironmentTier, EventKind, EventOutcome } from "../ipc/bindings";

const ENGINE_NAMES: Record<DatabaseKind, string> = {
  postgres: "PostgreSQL",
  mysql: "MySQL/MariaDB",
  sqlite: "SQLite",
};

export function engineName(kind: DatabaseKind): string {
  return ENGINE_NAMES[kind];
}

/** "SQLite 3.46.0" */
export function engineWithVersion(kind: DatabaseKind, serverVersion: string): string {
  const version = serverVersion.trim();
  return version ? `${engineName(kind)} ${version}` : engineName(kind);
}

const TIER_LABELS: Record<EnvironmentTier, string> = {
  development: "Development",
  testing: "Testing",
  staging: "Staging",
  production: "Production",
};

export function tierLabel(tier: EnvironmentTier): string {
  return TIER_LABELS[tier];
}

const EVENT_KIND_LABELS: Record<EventKind, string> = {
  apply: "apply",
  rollback: "roll back",
  repair: "repair",
  baseline: "baseline",
  adopt: "adopt",
  resolve: "resolve",
  seed: "seed",
};

export const EVENT_KINDS = Object.keys(EVENT_KIND_LABELS) as EventKind[];

export function eventKindLabel(kind: EventKind): string {
  return EVENT_KIND_LABELS[kind];
}

const OUTCOME_LABELS: Record<EventOutcome, string> = {
  ok: "ok",
  failed: "failed",
  partial: "partial",
  cancelled: "cancelled",
};

export const EVENT_OUTCOMES = Object.keys(OUTCOME_LABELS) as EventOutcome[];

export function outcomeLabel(outcome: EventOutcome): string {
  return OUTCOME_LABELS[outcome];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration at a useful precision: "<1 ms", "4.2 ms", "340 ms", "2.4 s", "3 min 05 s"
 * (seconds padded, so a ticking counter keeps its width); null when unknown or negative.
 */
export function formatDuration(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1) return "<1 ms";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE_MS) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / MINUTE_MS);
  const seconds = Math.floor((ms % MINUTE_MS) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

/** Connect latency: "<1 ms", "2.4 ms", "38 ms", "1.2 s"; "unknown" when not a duration. */
export function formatLatency(ms: number): string {
  return formatDuration(ms) ?? "unknown";
}

function parseTime(iso: string): number | null {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}

/** "2024-01-15 10:30:00" in UTC, for a column headed as UTC; the text as given when it is not a time. */
export function utcClock(iso: string): string {
  const at = parseTime(iso);
  if (at === null) return iso;
  return new Date(at).toISOString().slice(0, 19).replace("T", " ");
}

/** "2024-01-15 10:30:00 UTC" (histories store UTC); the text as given when it is not a time. */
export function formatUtc(iso: string): string {
  const clock = utcClock(iso);
  return clock === iso ? iso : `${clock} UTC`;
}

/**
 * How long ago, as of `now` (ms since the epoch): "just now", "5 min ago", "3 h ago",
 * "yesterday", "12 days ago", else the UTC date; a time ahead of `now` by more than a minute
 * (a clock ahead of ours) is given exactly.
 */
export function relativeTime(iso: string, now: number): string {
  const at = parseTime(iso);
  if (at === null) return iso;
  const ago = now - at;
  if (ago < -MINUTE_MS) return formatUtc(iso);
  if (ago < 45_000) return "just now";
  if (ago < HOUR_MS) return `${Math.max(1, Math.round(ago / MINUTE_MS))} min ago`;
  if (ago < DAY_MS) return `${Math.round(ago / HOUR_MS)} h ago`;
  if (ago < 2 * DAY_MS) return "yesterday";
  if (ago < 30 * DAY_MS) return `${Math.floor(ago / DAY_MS)} days ago`;
  return formatUtc(iso).slice(0, 10);
}

/** Last path segment, for either separator. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** Strata's versions are UTC timestamps (YYYYMMDDHHMMSS); show them readably when they are. */
export function versionTimestamp(version: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m;
  return `${y}-${mo}-${d} ${h}:${mi} UTC`;
}

export function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** `path` relative to `root` when it lies inside it ("migrations"), else `path` unchanged. */
export function relativeTo(root: string, path: string): string {
  const trimmedRoot = root.replace(/[\\/]+$/, "");
  if (trimmedRoot && (path.startsWith(`${trimmedRoot}/`) || path.startsWith(`${trimmedRoot}\\`))) {
    return path.slice(trimmedRoot.length + 1) || path;
  }
  return path;
}
