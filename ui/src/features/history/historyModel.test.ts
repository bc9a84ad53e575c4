import { describe, expect, it } from "vitest";
import { EMPTY_FORM, exportFileName, isFiltered, mergeTargets, toFilter } from "./historyModel";

describe("toFilter", () => {
  it("turns empty choices into empty lists (all) and trims the migration text", () => {
    expect(toFilter(EMPTY_FORM)).toEqual({ targets: [], kinds: [], outcomes: [], migration: null });
    expect(toFilter({ target: "prod", kind: "seed", outcome: "partial", migration: "  orders " })).toEqual({
      targets: ["prod"],
      kinds: ["seed"],
      outcomes: ["partial"],
      migration: "orders",
    });
    expect(isFiltered({ ...EMPTY_FORM, migration: "   " })).toBe(false);
    expect(isFiltered({ ...EMPTY_FORM, outcome: "ok" })).toBe(true);
  });
});

describe("mergeTargets", () => {
  it("keeps targets seen before and adds new ones from events and failures, once each", () => {
    const event = (target: string, targetLabel: string) => ({
      target,
      targetLabel,
      tier: "staging" as const,
      event: { runId: "r", at: "", kind: "apply" as const, version: null, name: null, outcome: "ok" as const, durationMs: null, error: null, detail: null, actor: "a" },
    });
    const first = mergeTargets([], { events: [event("a", "A"), event("a", "A")], failures: [] });
    expect(first.map((t) => t.id)).toEqual(["a"]);
    const second = mergeTargets(first, {
      events: [event("b", "B")],
      failures: [{ target: "c", targetLabel: "C", error: { code: "database", message: "down", fields: [] } }],
    });
    expect(second).toEqual([
      { id: "a", label: "A", tier: "staging" },
      { id: "b", label: "B", tier: "staging" },
      { id: "c", label: "C", tier: null },
    ]);
  });
});

describe("exportFileName", () => {
  it("names the export after the project", () => {
    expect(exportFileName("My Shop!", "json")).toBe("strata-history-my-shop.json");
    expect(exportFileName("", "csv")).toBe("strata-history.csv");
  });
});
