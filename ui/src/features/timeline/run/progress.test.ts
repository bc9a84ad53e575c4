import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../../ipc/client";
import { STEPS, failure, fullRun, planned } from "./fixtures";
import { RECENT_RESULTS, formatRanges, initialProgress, reduceRun, reduceRunEvents, settleRun } from "./progress";

const report = { target: "shop staging", dryRun: false, steps: STEPS, notes: [], runId: "r1", durationMs: 40 };

describe("reduceRun", () => {
  it("follows a full run from the lock wait to the last step", () => {
    const events = fullRun();
    let state = initialProgress(STEPS);
    expect(state.statementsTotal).toBe(5);
    expect(state.phase).toBe("waiting");

    state = reduceRun(state, events[0]!, 0);
    expect(state.phase).toBe("lockWaiting");
    expect(state.lockHolder).toContain("build-7");

    state = reduceRun(state, events[1]!, 10);
    expect(state.phase).toBe("running");
    expect(state.lockHolder).toBeNull();
    expect(state.startedAt).toBe(10);

    // stepStarted, statementStarted of the first step
    state = reduceRunEvents(state, events.slice(2, 4), 20);
    expect(state.active).toBe(0);
    expect(state.steps[0]!.status).toBe("running");
    expect(state.steps[0]!.current).toEqual({ index: 1, line: 1 });
    expect(state.statementStartedAt).toBe(20);
    expect(state.steps[1]!.status).toBe("pending");

    // its first statement finishes
    state = reduceRun(state, events[4]!, 25);
    expect(state.statementsDone).toBe(1);
    expect(state.steps[0]!.current).toBeNull();
    expect(state.steps[0]!.recent).toEqual([{ index: 1, rows: 0, ms: 1.5 }]);

    state = reduceRunEvents(state, events.slice(5), 100);
    expect(state.statementsDone).toBe(5);
    expect(state.statementsTotal).toBe(5);
    expect(state.active).toBeNull();
    expect(state.steps.map((s) => s.status)).toEqual(["done", "done"]);
    expect(state.steps[1]).toMatchObject({ done: 3, rows: 0 + 1 + 2, ms: 12 });

    const settled = settleRun(state, { outcome: "finished", report }, 120);
    expect(settled.phase).toBe("finished");
    expect(settled.endedAt).toBe(120);
    expect(settled.steps.map((s) => s.status)).toEqual(["done", "done"]);
  });

  it("matches a redo's two steps of one version by position and direction", () => {
    const down = planned("20240102093000", "add_orders", ["DROP TABLE orders"], { direction: "down" });
    const up = planned("20240102093000", "add_orders", ["CREATE TABLE orders (id int)"]);
    let state = reduceRun(initialProgress(), { event: "started", runKey: "k", steps: [down, up] }, 0);
    const step = (direction: "up" | "down", statements = 1): RunEvent => ({
      event: "progress",
      progress: { event: "stepStarted", version: up.version, name: up.name, direction, statements },
    });
    const finished = (direction: "up" | "down"): RunEvent => ({
      event: "progress",
      progress: { event: "stepFinished", version: up.version, direction, ms: 3 },
    });
    state = reduceRunEvents(state, [step("down"), finished("down"), step("up")], 1);
    expect(state.steps.map((s) => s.status)).toEqual(["done", "running"]);
    expect(state.active).toBe(1);
  });

  it("takes the statement count the engine reports over the plan's", () => {
    let state = reduceRun(initialProgress(), { event: "started", runKey: "k", steps: STEPS }, 0);
    state = reduceRun(
      state,
      { event: "progress", progress: { event: "stepStarted", version: STEPS[0]!.version, name: "create_users", direction: "up", statements: 4 } },
      1,
    );
    expect(state.statementsTotal).toBe(4 + 3);
    expect(state.steps[0]!.total).toBe(4);
  });

  it("keeps only the last few statement results however many run", () => {
    const many = planned("1", "bulk", Array.from({ length: 500 }, (_, i) => `INSERT INTO t VALUES (${i})`));
    let state = reduceRun(initialProgress(), { event: "started", runKey: "k", steps: [many] }, 0);
    const events: RunEvent[] = [
      { event: "progress", progress: { event: "stepStarted", version: "1", name: "bulk", direction: "up", statements: 500 } },
    ];
    for (let i = 1; i <= 500; i++) {
      events.push({ event: "progress", progress: { event: "statementFinished", version: "1", index: i, rows: 1, ms: 0.2 } });
    }
    state = reduceRunEvents(state, events, 5);
    expect(state.steps[0]!.recent).toHaveLength(RECENT_RESULTS);
    expect(state.steps[0]!.recent.at(-1)!.index).toBe(500);
    expect(state.steps[0]!.rows).toBe(500);
    expect(state.statementsDone).toBe(500);
  });

  it("ignores statement events for a step that is not running", () => {
    const state = reduceRun(initialProgress(), { event: "started", runKey: "k", steps: STEPS }, 0);
    const after = reduceRun(
      state,
      { event: "progress", progress: { event: "statementFinished", version: "nope", index: 1, rows: 1, ms: 1 } },
      1,
    );
    expect(after.statementsDone).toBe(0);
  });
});

describe("settleRun", () => {
  function midway() {
    const events = fullRun();
    // Up to the start of the third statement of the second step.
    const cut = events.findIndex(
      (e) => e.event === "progress" && e.progress.event === "statementStarted" && e.progress.version === STEPS[1]!.version && e.progress.index === 3,
    );
    return reduceRunEvents(initialProgress(STEPS), events.slice(0, cut + 1), 0);
  }

  it("marks the failed step and leaves the finished one done", () => {
    const state = settleRun(midway(), { outcome: "failed", failure: failure(), error: { code: "database", message: "x", fields: [] } }, 9);
    expect(state.phase).toBe("failed");
    expect(state.steps.map((s) => s.status)).toEqual(["done", "failed"]);
    expect(state.steps[1]!.current).toBeNull();
  });

  it("marks the running step cancelled and the rest not run", () => {
    const three = [...STEPS, planned("20240103100000", "backfill", ["UPDATE orders SET total = 0"])];
    let state = reduceRun(initialProgress(), { event: "started", runKey: "k", steps: three }, 0);
    state = reduceRun(
      state,
      { event: "progress", progress: { event: "stepStarted", version: three[0]!.version, name: "create_users", direction: "up", statements: 2 } },
      1,
    );
    state = settleRun(state, { outcome: "cancelled", message: "cancelled before statement 1", completed: [] }, 2);
    expect(state.phase).toBe("cancelled");
    expect(state.steps.map((s) => s.status)).toEqual(["cancelled", "notRun", "notRun"]);
  });
});

describe("settleRun and the outcome's word", () => {
  it("marks steps the outcome lists as completed done, even when their events came late", () => {
    let state = reduceRun(initialProgress(), { event: "started", runKey: "k", steps: STEPS }, 0);
    state = reduceRun(
      state,
      { event: "progress", progress: { event: "stepStarted", version: STEPS[0]!.version, name: "create_users", direction: "up", statements: 2 } },
      1,
    );
    state = settleRun(state, { outcome: "cancelled", message: "stopped", completed: [STEPS[0]!.version] }, 2);
    expect(state.steps.map((s) => s.status)).toEqual(["done", "notRun"]);
    // A straggler after the outcome changes nothing.
    const late = reduceRun(
      state,
      { event: "progress", progress: { event: "stepStarted", version: STEPS[1]!.version, name: "add_orders", direction: "up", statements: 3 } },
      3,
    );
    expect(late).toBe(state);
  });

  it("says a finished step was undone when a single transaction took it back", () => {
    const events = fullRun().slice(0, 11); // the first step finished, the second running
    let state = reduceRunEvents(initialProgress(STEPS), events, 0);
    expect(state.steps[0]!.status).toBe("done");
    state = settleRun(
      state,
      {
        outcome: "failed",
        failure: failure({ completed: [], rolledBack: true }),
        error: { code: "database", message: "x", fields: [] },
      },
      5,
    );
    expect(state.steps.map((s) => s.status)).toEqual(["undone", "failed"]);
  });

  it("fills the bar when the run finished", () => {
    const state = settleRun(initialProgress(STEPS), { outcome: "finished", report }, 1);
    expect(state.statementsDone).toBe(5);
    expect(state.steps.every((s) => s.status === "done")).toBe(true);
  });
});

describe("formatRanges", () => {
  it("compresses consecutive statement numbers", () => {
    expect(formatRanges([1, 2, 3])).toBe("1–3");
    expect(formatRanges([5, 1, 2, 7, 8])).toBe("1–2, 5, 7–8");
    expect(formatRanges([4])).toBe("4");
    expect(formatRanges([])).toBe("");
  });
});
