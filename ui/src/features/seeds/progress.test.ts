import { describe, expect, it } from "vitest";
import type { SeedDatasetResult } from "../../ipc/client";
import { fraction, reduceSeedEvent, settleSeedRun, startRun } from "./progress";

function result(dataset: string, over: Partial<SeedDatasetResult> = {}): SeedDatasetResult {
  return {
    dataset,
    table: dataset,
    outcome: "applied",
    mode: "upsert",
    rows: 10,
    inserted: 10,
    updated: 0,
    deleted: 0,
    unchanged: 0,
    ...over,
  };
}

const started = reduceSeedEvent(startRun(), {
  event: "started",
  runKey: "k",
  datasets: [
    { dataset: "roles", table: "roles", total: 4 },
    { dataset: "sample_orders", table: "orders", total: 1000 },
  ],
});

describe("a seed run's progress", () => {
  it("moves each dataset from waiting through running to its counts", () => {
    expect(started.rows.map((r) => r.status)).toEqual(["waiting", "waiting"]);
    let s = reduceSeedEvent(started, { event: "progress", dataset: "roles", done: 2, total: 4 });
    expect(s.rows[0]).toMatchObject({ status: "running", done: 2 });
    expect(fraction(s.rows[0]!)).toBe(0.5);
    s = reduceSeedEvent(s, { event: "finished", result: result("roles", { rows: 4, inserted: 0, unchanged: 4, outcome: "unchanged" }) });
    expect(s.rows[0]).toMatchObject({ status: "unchanged", done: 4 });
    expect(fraction(s.rows[0]!)).toBe(1);
    s = reduceSeedEvent(s, { event: "progress", dataset: "sample_orders", done: 500, total: 1000 });
    const done = settleSeedRun(s, {
      outcome: "finished",
      datasets: [result("roles", { outcome: "unchanged" }), result("sample_orders", { rows: 1000, inserted: 1000 })],
      generatedPasswords: [],
    });
    expect(done.phase).toBe("finished");
    expect(done.rows.map((r) => r.status)).toEqual(["unchanged", "applied"]);
    expect(done.rows[1]!.result?.inserted).toBe(1000);
  });

  it("marks the failed dataset with the engine's message and keeps the completed ones", () => {
    let s = reduceSeedEvent(started, { event: "finished", result: result("roles") });
    s = reduceSeedEvent(s, { event: "progress", dataset: "sample_orders", done: 10, total: 1000 });
    const message = "seeds/sample_orders.yaml: dataset sample_orders, row 3, column user: no row of users has email = 'x'";
    const failed = settleSeedRun(s, {
      outcome: "failed",
      dataset: "sample_orders",
      error: { code: "database", message, fields: [] },
      completed: [result("roles")],
    });
    expect(failed.phase).toBe("failed");
    expect(failed.message).toBe(message);
    expect(failed.rows[0]!.status).toBe("applied");
    expect(failed.rows[1]).toMatchObject({ status: "failed", message });
  });

  it("marks the running dataset as cancelled", () => {
    const s = reduceSeedEvent(started, { event: "progress", dataset: "roles", done: 1, total: 4 });
    const cancelled = settleSeedRun(s, { outcome: "cancelled", message: "cancelled during dataset 'roles'", completed: [] });
    expect(cancelled.phase).toBe("cancelled");
    expect(cancelled.rows.map((r) => r.status)).toEqual(["cancelled", "waiting"]);
  });
});
