import { describe, expect, it } from "vitest";
import { failure, planned } from "./fixtures";
import { outcomeSentence } from "./format";

describe("outcomeSentence", () => {
  it("counts what a finished run applied and rolled back", () => {
    const report = {
      target: "demo",
      dryRun: false,
      steps: [
        planned("1", "a", ["select 1"]),
        planned("2", "b", ["select 1"]),
        planned("2", "b", ["select 1"], { direction: "down" }),
      ],
      notes: [],
      runId: "r1",
      durationMs: 12,
    };
    expect(outcomeSentence({ outcome: "finished", report })).toBe(
      "Finished: applied 2 migrations, rolled back 1 migration.",
    );
    expect(outcomeSentence({ outcome: "finished", report: { ...report, steps: [] } })).toBe(
      "Finished: nothing to do.",
    );
  });

  it("names the failing migration, statement and the server's words", () => {
    const f = failure();
    const text = outcomeSentence({ outcome: "failed", failure: f, error: { code: "database", message: f.message, fields: [] } });
    expect(text).toContain(`Failed at ${f.version} (${f.name}), statement ${f.index} of ${f.total}`);
    expect(text).toContain(f.message);
  });

  it("says a cancelled run was cancelled", () => {
    expect(outcomeSentence({ outcome: "cancelled", message: "Nothing was left half done.", completed: [] })).toBe(
      "Cancelled. Nothing was left half done.",
    );
  });
});
