/** Test-only values shaped like the backend's run answers. Never imported by app code. */
import type { PlannedRun, RunEvent, RunFailure, RunPlan, TimelineTarget } from "../../../ipc/client";

export function planned(version: string, name: string, statements: string[], overrides: Partial<PlannedRun> = {}): PlannedRun {
  return { version, name, direction: "up", transactional: true, statements, notes: [], ...overrides };
}

export const STEPS: PlannedRun[] = [
  planned("20240101090000", "create_users", [
    "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)",
    "CREATE UNIQUE INDEX users_email ON users (email)",
  ]),
  planned("20240102093000", "add_orders", [
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users)",
    "INSERT INTO orders SELECT 1, 1",
    "UPDATE orders SET user_id = 1",
  ]),
];

export function target(overrides: Partial<TimelineTarget> = {}): TimelineTarget {
  return {
    id: "c".repeat(32),
    label: "shop staging",
    engine: "postgres",
    tier: "staging",
    colour: null,
    location: "db.example.com/shop",
    protection: { readOnly: false, confirmName: null },
    current: "20231231000000",
    foreign: null,
    error: null,
    readMs: 3,
    ...overrides,
  };
}

export function runPlan(overrides: Partial<RunPlan> = {}): RunPlan {
  return {
    target: target(),
    steps: STEPS,
    notes: [],
    lock: { held: false, holder: null },
    irreversible: [],
    ...overrides,
  };
}

/** The events of a run that applies `STEPS` completely, in the order the backend sends them. */
export function fullRun(): RunEvent[] {
  const events: RunEvent[] = [
    { event: "lockWaiting", holder: "strata on build-7 (pid 4411) since 10:02" },
    { event: "started", runKey: "k1", steps: STEPS },
  ];
  STEPS.forEach((step) => {
    events.push({
      event: "progress",
      progress: { event: "stepStarted", version: step.version, name: step.name, direction: "up", statements: step.statements.length },
    });
    step.statements.forEach((_, i) => {
      events.push({ event: "progress", progress: { event: "statementStarted", version: step.version, index: i + 1, line: 3 * i + 1 } });
      events.push({
        event: "progress",
        progress: { event: "statementFinished", version: step.version, index: i + 1, rows: i, ms: 1.5 },
      });
    });
    events.push({ event: "progress", progress: { event: "stepFinished", version: step.version, direction: "up", ms: 12 } });
  });
  return events;
}

export function failure(overrides: Partial<RunFailure> = {}): RunFailure {
  return {
    version: "20240102093000",
    name: "add_orders",
    direction: "up",
    file: "/home/dev/shop/migrations/20240102093000_add_orders.up.sql",
    index: 3,
    total: 3,
    line: 7,
    column: 1,
    statement: "UPDATE orders SET user_id = 1",
    message: 'relation "orders" does not exist',
    rolledBack: true,
    committed: [],
    completed: ["20240101090000"],
    connectionLost: null,
    ...overrides,
  };
}
