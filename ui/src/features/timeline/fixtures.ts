/**
 * Test-only timelines shaped like the backend's answers (see src-tauri/src/commands/timeline.rs).
 * Never imported by app code.
 */
import type {
  AppliedMigration,
  MigrationState,
  ProjectRef,
  Timeline,
  TimelineCell,
  TimelineRow,
  TimelineTarget,
} from "../../ipc/client";

export const ROOT = "/home/dev/shop";

export function projectRef(overrides: Partial<ProjectRef> = {}): ProjectRef {
  return { root: ROOT, name: "shop", connections: 1, default: true, ...overrides };
}

export function target(overrides: Partial<TimelineTarget> = {}): TimelineTarget {
  return {
    id: "embedded",
    label: "Embedded",
    engine: "sqlite",
    tier: "development",
    colour: null,
    location: "/home/dev/.local/share/strata/shop.sqlite3",
    protection: { readOnly: false, confirmName: null },
    current: null,
    foreign: null,
    error: null,
    readMs: 1.5,
    ...overrides,
  };
}

export function prodTarget(overrides: Partial<TimelineTarget> = {}): TimelineTarget {
  return target({
    id: "0123456789abcdef0123456789abcdef",
    label: "shop prod",
    engine: "postgres",
    tier: "production",
    location: "db.example.com/shop",
    protection: { readOnly: false, confirmName: "shop" },
    ...overrides,
  });
}

export function appliedRow(version: string, overrides: Partial<AppliedMigration> = {}): AppliedMigration {
  return {
    version,
    name: "m",
    checksum: "0".repeat(64),
    appliedAt: "2024-03-01T10:00:00.000Z",
    appliedBy: "alice@build-box",
    executionMs: 42,
    state: "applied",
    statementsTotal: 2,
    statementsCommitted: 2,
    ...overrides,
  };
}

/** A cell in `state`; states with a history row get one. */
export function cell(state: MigrationState, version = "v", overrides: Partial<AppliedMigration> = {}): TimelineCell {
  const inHistory = state !== "pending" && state !== "outOfOrder";
  const historyState = state === "partial" ? "partial" : state === "partialRollback" ? "partial_rollback" : "applied";
  return {
    state,
    applied: inHistory ? appliedRow(version, { state: historyState, ...overrides }) : null,
  };
}

export function row(
  version: string,
  name: string,
  states: (MigrationState | null)[],
  overrides: Partial<TimelineRow> = {},
): TimelineRow {
  return {
    version,
    name,
    description: null,
    author: null,
    onDisk: true,
    reversible: true,
    noTransaction: false,
    repeatable: false,
    cells: states.map((s) => (s === null ? null : cell(s, version, { name }))),
    ...overrides,
  };
}

/**
 * Four migrations against the embedded database and a production PostgreSQL connection:
 * create_users applied in both, add_orders applied then pending, backfill (no down part)
 * modified then pending, add_index (no transaction) pending in both.
 */
export function timeline(overrides: Partial<Timeline> = {}): Timeline {
  return {
    project: { name: "shop", root: ROOT, migrationsDir: `${ROOT}/migrations`, layout: "strata" },
    targets: [target({ current: "20240103100000" }), prodTarget({ current: "20240101090000" })],
    rows: [
      row("20240101090000", "create_users", ["applied", "applied"], {
        description: "Users and their emails",
        author: "alice",
      }),
      row("20240102093000", "add_orders", ["applied", "pending"]),
      row("20240103100000", "backfill_order_totals", ["modified", "pending"], { reversible: false }),
      row("20240104110000", "add_index", ["pending", "pending"], { noTransaction: true }),
    ],
    readMs: 12,
    ...overrides,
  };
}

/** `count` pending migrations against the embedded database. */
export function bigTimeline(count: number): Timeline {
  return timeline({
    targets: [target()],
    rows: Array.from({ length: count }, (_, i) => row(String(20240101000000 + i), `step_${i}`, ["pending"])),
  });
}
