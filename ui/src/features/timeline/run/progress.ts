/**
 * The run view's state as a pure function of the run's events: `reduceRun` folds each
 * `RunEvent` the backend streams (in order) into a `RunProgress`, and `settleRun` applies the
 * run's outcome. Steps are matched by position, not by version (a redo rolls back and applies
 * the same version), and every update costs O(1) whatever the number of statements: a step
 * keeps its totals and only its last few statement results.
 */
import type { Direction, PlannedRun, RunEvent, RunOutcome } from "../../../ipc/client";

/** `undone`: it finished, then the run's failure or cancel took it back (a single transaction). */
export type StepStatus = "pending" | "running" | "done" | "failed" | "cancelled" | "notRun" | "undone";

export type StatementResult = {
  /** 1-based, as the engine numbers statements. */
  index: number;
  rows: number | null;
  ms: number | null;
};

export type StepView = {
  version: string;
  name: string;
  direction: Direction;
  transactional: boolean;
  statements: readonly string[];
  status: StepStatus;
  /** Statements the step has (the engine's count once it starts). */
  total: number;
  /** Statements that finished. */
  done: number;
  /** Rows the finished statements affected, summed. */
  rows: number;
  /** The statement running now (1-based), with the line it starts at. */
  current: { index: number; line: number } | null;
  /** The last finished statements, newest last (at most `RECENT_RESULTS`). */
  recent: readonly StatementResult[];
  /** The step's own duration, once it finished. */
  ms: number | null;
};

export type RunPhase = "waiting" | "lockWaiting" | "running" | "finished" | "failed" | "cancelled";

export type RunProgress = {
  phase: RunPhase;
  /** Who holds the lock this run waits for, in words. */
  lockHolder: string | null;
  steps: readonly StepView[];
  /** Position in `steps` of the step running now. */
  active: number | null;
  /** Position from which the next `stepStarted` is looked for. */
  cursor: number;
  statementsDone: number;
  statementsTotal: number;
  /** When (the caller's clock) the running statement and the run started. */
  statementStartedAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
};

export const RECENT_RESULTS = 6;

function stepView(step: PlannedRun): StepView {
  return {
    version: step.version,
    name: step.name,
    direction: step.direction,
    transactional: step.transactional,
    statements: step.statements,
    status: "pending",
    total: step.statements.length,
    done: 0,
    rows: 0,
    current: null,
    recent: [],
    ms: null,
  };
}

function totalOf(steps: readonly StepView[]): number {
  return steps.reduce((sum, step) => sum + step.total, 0);
}

/** The state before any event: the plan as shown, nothing started. */
export function initialProgress(plan: readonly PlannedRun[] = []): RunProgress {
  const steps = plan.map(stepView);
  return {
    phase: "waiting",
    lockHolder: null,
    steps,
    active: null,
    cursor: 0,
    statementsDone: 0,
    statementsTotal: totalOf(steps),
    statementStartedAt: null,
    startedAt: null,
    endedAt: null,
  };
}

function replaceStep(state: RunProgress, at: number, step: StepView): readonly StepView[] {
  const steps = state.steps.slice();
  steps[at] = step;
  return steps;
}

/** The active step when it is the one `version` names. */
function activeStep(state: RunProgress, version: string): [number, StepView] | null {
  if (state.active === null) return null;
  const step = state.steps[state.active];
  return step && step.version === version ? [state.active, step] : null;
}

/** One event folded in; `now` is the caller's clock (ms), used only for elapsed times. */
export function reduceRun(state: RunProgress, event: RunEvent, now: number): RunProgress {
  // After the outcome, a straggling event changes nothing: the outcome has the last word.
  if (state.endedAt !== null) return state;
  switch (event.event) {
    case "lockWaiting":
      return { ...state, phase: "lockWaiting", lockHolder: event.holder };
    case "started": {
      // The plan as it runs now (the lock is held): it replaces the one shown before.
      const steps = event.steps.map(stepView);
      return {
        ...state,
        phase: "running",
        lockHolder: null,
        steps,
        active: null,
        cursor: 0,
        statementsDone: 0,
        statementsTotal: totalOf(steps),
        startedAt: state.startedAt ?? now,
      };
    }
    case "progress":
      return reduceProgress({ ...state, phase: "running", startedAt: state.startedAt ?? now }, event.progress, now);
  }
}

function reduceProgress(
  state: RunProgress,
  progress: Extract<RunEvent, { event: "progress" }>["progress"],
  now: number,
): RunProgress {
  switch (progress.event) {
    case "stepStarted": {
      let at = state.steps.findIndex(
        (s, i) => i >= state.cursor && s.version === progress.version && s.direction === progress.direction,
      );
      let steps = state.steps;
      if (at < 0) {
        // A step the plan did not show (it should not happen): show it rather than drop it.
        at = steps.length;
        steps = [
          ...steps,
          stepView({
            version: progress.version,
            name: progress.name,
            direction: progress.direction,
            transactional: true,
            statements: [],
            notes: [],
          }),
        ];
      }
      const before = steps[at]!;
      const step: StepView = { ...before, status: "running", total: progress.statements };
      const next = replaceStep({ ...state, steps }, at, step);
      return {
        ...state,
        steps: next,
        active: at,
        cursor: at + 1,
        statementsTotal: state.statementsTotal - before.total + progress.statements,
        statementStartedAt: null,
      };
    }
    case "statementStarted": {
      const found = activeStep(state, progress.version);
      if (!found) return state;
      const [at, step] = found;
      return {
        ...state,
        steps: replaceStep(state, at, {
          ...step,
          current: { index: progress.index, line: progress.line },
        }),
        statementStartedAt: now,
      };
    }
    case "statementFinished": {
      const found = activeStep(state, progress.version);
      if (!found) return state;
      const [at, step] = found;
      const result: StatementResult = { index: progress.index, rows: progress.rows, ms: progress.ms };
      const recent = [...step.recent.slice(-(RECENT_RESULTS - 1)), result];
      return {
        ...state,
        steps: replaceStep(state, at, {
          ...step,
          done: step.done + 1,
          rows: step.rows + (progress.rows ?? 0),
          current: null,
          recent,
        }),
        statementsDone: state.statementsDone + 1,
        statementStartedAt: null,
      };
    }
    case "stepFinished": {
      const found = activeStep(state, progress.version);
      if (!found) return state;
      const [at, step] = found;
      return {
        ...state,
        steps: replaceStep(state, at, { ...step, status: "done", current: null, ms: progress.ms }),
        active: null,
        statementStartedAt: null,
      };
    }
  }
}

/** Every event of a batch, in order. */
export function reduceRunEvents(state: RunProgress, events: readonly RunEvent[], now: number): RunProgress {
  return events.reduce((s, e) => reduceRun(s, e, now), state);
}

/** The position of the step a failure names: the running one, else the first not done. */
function failedAt(state: RunProgress, version: string, direction: Direction): number {
  const active = state.active !== null ? state.steps[state.active] : undefined;
  if (active && active.version === version && active.direction === direction) return state.active!;
  return state.steps.findIndex(
    (s) => s.version === version && s.direction === direction && s.status !== "done",
  );
}

/**
 * The run's end applied. The outcome is the authority on what completed (a channel message
 * may arrive after the command's answer, and a single-transaction failure takes finished
 * steps back with it): steps it lists are done, steps the events showed done that it does
 * not list were undone, the failed or cancelled step is marked, and the rest never ran.
 */
export function settleRun(state: RunProgress, outcome: RunOutcome, now: number): RunProgress {
  const base = { ...state, phase: outcome.outcome, active: null, statementStartedAt: null, endedAt: now };
  if (outcome.outcome === "finished") {
    const steps = state.steps.map((step): StepView =>
      step.status === "done" ? step : { ...step, status: "done", current: null, done: step.total },
    );
    return { ...base, steps, statementsDone: state.statementsTotal };
  }
  const completed = outcome.outcome === "failed" ? outcome.failure.completed : outcome.completed;
  const failed = outcome.outcome === "failed" ? failedAt(state, outcome.failure.version, outcome.failure.direction) : -1;
  let k = 0;
  const steps = state.steps.map((step, i): StepView => {
    if (k < completed.length && completed[k] === step.version && i !== failed) {
      k += 1;
      return step.status === "done" ? step : { ...step, status: "done", current: null };
    }
    if (i === failed) return { ...step, status: "failed", current: null };
    if (step.status === "done") return { ...step, status: "undone" };
    if (step.status === "running") {
      return { ...step, status: outcome.outcome === "cancelled" ? "cancelled" : "failed", current: null };
    }
    return { ...step, status: "notRun" };
  });
  return { ...base, steps };
}

/** "1–3, 5": 1-based statement numbers as short ranges. */
export function formatRanges(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start: number | undefined;
  let prev: number | undefined;
  for (const n of sorted) {
    if (start !== undefined && prev !== undefined && n === prev + 1) {
      prev = n;
      continue;
    }
    if (start !== undefined && prev !== undefined) parts.push(start === prev ? `${start}` : `${start}–${prev}`);
    start = n;
    prev = n;
  }
  if (start !== undefined && prev !== undefined) parts.push(start === prev ? `${start}` : `${start}–${prev}`);
  return parts.join(", ");
}
