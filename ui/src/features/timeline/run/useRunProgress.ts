/**
 * The run's progress as React state, updated at most once per animation frame: events
 * arriving between two frames are queued and folded in together, so a storm of statement
 * events costs one render per frame, not one per event. The outcome flushes the queue first,
 * so no event is lost or applied after it.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { PlannedRun, RunEvent, RunOutcome } from "../../../ipc/client";
import { initialProgress, reduceRunEvents, settleRun, type RunProgress } from "./progress";

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

type Frame = { cancel: () => void };

function requestFrame(callback: () => void): Frame {
  if (typeof window !== "undefined" && typeof window.requestAnimationFrame === "function") {
    const id = window.requestAnimationFrame(callback);
    return { cancel: () => window.cancelAnimationFrame(id) };
  }
  const id = setTimeout(callback, 16);
  return { cancel: () => clearTimeout(id) };
}

export type RunProgressControls = {
  progress: RunProgress;
  /** Queue one event (the channel's callback). */
  push: (event: RunEvent) => void;
  /** Apply the outcome after every queued event. */
  settle: (outcome: RunOutcome) => void;
  /** Start over from a plan. */
  reset: (plan: readonly PlannedRun[]) => void;
};

export function useRunProgress(plan: readonly PlannedRun[]): RunProgressControls {
  const [progress, setProgress] = useState(() => initialProgress(plan));
  const queue = useRef<RunEvent[]>([]);
  const frame = useRef<Frame | null>(null);

  const flush = useCallback(() => {
    frame.current = null;
    const events = queue.current;
    if (events.length === 0) return;
    queue.current = [];
    const at = now();
    setProgress((state) => reduceRunEvents(state, events, at));
  }, []);

  const push = useCallback(
    (event: RunEvent) => {
      queue.current.push(event);
      frame.current ??= requestFrame(flush);
    },
    [flush],
  );

  const settle = useCallback(
    (outcome: RunOutcome) => {
      frame.current?.cancel();
      flush();
      const at = now();
      setProgress((state) => settleRun(state, outcome, at));
    },
    [flush],
  );

  const reset = useCallback((next: readonly PlannedRun[]) => {
    frame.current?.cancel();
    frame.current = null;
    queue.current = [];
    setProgress(initialProgress(next));
  }, []);

  useEffect(
    () => () => {
      frame.current?.cancel();
    },
    [],
  );

  return { progress, push, settle, reset };
}
