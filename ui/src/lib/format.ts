/** Display helpers for backend values. */
import type { DatabaseKind, EnvironmentTier } from "../ipc/bindings";

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

/** Connect latency: "<1 ms", "2.4 ms", "38 ms", "1.2 s". */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "unknown";
  if (ms < 1) return "<1 ms";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
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
