import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { RunEvent } from "../../../ipc/client";
import { STEPS, fullRun, planned } from "./fixtures";
import { useRunProgress } from "./useRunProgress";

describe("useRunProgress", () => {
  it("folds a storm of events into one render per frame", () => {
    const bulk = planned("1", "bulk", Array.from({ length: 2000 }, (_, i) => `INSERT INTO t VALUES (${i})`));
    let renders = 0;
    const { result } = renderHook(() => {
      renders += 1;
      return useRunProgress([bulk]);
    });
    const before = renders;
    const events: RunEvent[] = [
      { event: "started", runKey: "k", steps: [bulk] },
      { event: "progress", progress: { event: "stepStarted", version: "1", name: "bulk", direction: "up", statements: 2000 } },
    ];
    for (let i = 1; i <= 2000; i++) {
      events.push({ event: "progress", progress: { event: "statementStarted", version: "1", index: i, line: i } });
      events.push({ event: "progress", progress: { event: "statementFinished", version: "1", index: i, rows: 1, ms: 0.1 } });
    }
    // Hold the frame: nothing may reach React before it fires.
    const frames: FrameRequestCallback[] = [];
    const raf = vi.spyOn(window, "requestAnimationFrame").mockImplementation((cb) => frames.push(cb));
    act(() => events.forEach((e) => result.current.push(e)));
    expect(raf).toHaveBeenCalledTimes(1);
    expect(result.current.progress.statementsDone).toBe(0);
    expect(renders).toBe(before);

    act(() => frames.forEach((cb) => cb(0)));
    expect(result.current.progress.statementsDone).toBe(2000);
    expect(result.current.progress.steps[0]!.current).toBeNull();
    expect(renders - before).toBe(1);

    // The next event asks for a new frame.
    act(() => result.current.push({ event: "lockWaiting", holder: null }));
    expect(raf).toHaveBeenCalledTimes(2);
  });

  it("applies queued events before the outcome", () => {
    const { result } = renderHook(() => useRunProgress(STEPS));
    act(() => {
      fullRun().forEach((e) => result.current.push(e));
      result.current.settle({
        outcome: "finished",
        report: { target: "t", dryRun: false, steps: STEPS, notes: [], runId: "r", durationMs: 5 },
      });
    });
    expect(result.current.progress.phase).toBe("finished");
    expect(result.current.progress.steps.map((s) => s.ms)).toEqual([12, 12]);
  });
});
