import { describe, expect, it } from "vitest";
import { appliedRow } from "./fixtures";
import { actorName, appliedSummary } from "./time";

const NOW = Date.parse("2024-03-10T12:00:00.000Z");

describe("actorName", () => {
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
