import { describe, expect, it } from "vitest";
import { appliedRow } from "./fixtures";
import { absoluteUtc, actorName, appliedSummary, formatDuration, relativeTime } from "./time";

const NOW = Date.parse("2024-03-10T12:00:00.000Z");

describe("relativeTime", () => {
  it.each([
    ["2024-03-10T11:59:30.000Z", "just now"],
    ["2024-03-10T11:55:00.000Z", "5 min ago"],
    ["2024-03-10T09:00:00.000Z", "3 h ago"],
    ["2024-03-09T06:00:00.000Z", "yesterday"],
    ["2024-02-28T12:00:00.000Z", "11 days ago"],
    ["2023-12-01T08:00:00.000Z", "2023-12-01"],
    ["2024-03-10T12:30:00.000Z", "2024-03-10 12:30:00 UTC"], // a clock ahead: exact time
    ["not a time", "not a time"],
  ])("%s is %s", (iso, want) => {
    expect(relativeTime(iso, NOW)).toBe(want);
  });
});

describe("formats", () => {
  it("writes the exact time in UTC", () => {
    expect(absoluteUtc("2024-01-15T10:30:00.123Z")).toBe("2024-01-15 10:30:00 UTC");
    expect(absoluteUtc("garbage")).toBe("garbage");
  });

  it("writes durations at a useful precision", () => {
    expect(formatDuration(0.4)).toBe("<1 ms");
    expect(formatDuration(42)).toBe("42 ms");
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(120_000)).toBe("2 min");
    expect(formatDuration(null)).toBeNull();
    expect(formatDuration(-1)).toBeNull();
  });

  it("keeps the user of user@host", () => {
    expect(actorName("alice@build-box")).toBe("alice");
    expect(actorName("ci")).toBe("ci");
    expect(actorName("@host")).toBe("@host");
  });
});

describe("appliedSummary", () => {
  it("says when, by whom and how long, with the exact account in the tooltip", () => {
    const summary = appliedSummary(appliedRow("1", { appliedAt: "2024-03-10T09:00:00.000Z" }), NOW);
    expect(summary.short).toBe("3 h ago · alice · 42 ms");
    expect(summary.full).toBe("Applied 2024-03-10 09:00:00 UTC, by alice@build-box, took 42 ms");
  });

  it("says how far a partial migration got instead of a duration", () => {
    const summary = appliedSummary(
      appliedRow("1", { state: "partial", statementsTotal: 5, statementsCommitted: 2 }),
      NOW,
    );
    expect(summary.short).toBe("9 days ago · alice · 2 of 5 statements committed");
    expect(summary.full).toMatch(/^Started 2024-03-01 10:00:00 UTC, by alice@build-box, 2 of 5 statements/);
  });

  it("leaves out an unknown duration", () => {
    const summary = appliedSummary(appliedRow("1", { executionMs: null }), NOW);
    expect(summary.short).toBe("9 days ago · alice");
    expect(summary.full).not.toMatch(/took/);
  });
});
