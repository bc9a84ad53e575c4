import { describe, expect, it } from "vitest";
import type { MigrationState, Timeline } from "../../ipc/client";
import { applyAllOption, cellActions, describeAction, targetFacts, type ActionId, type ActionOption } from "./actions";
import { prodTarget, ROOT, row, target, timeline } from "./fixtures";

/** One target whose column has these states, one row each (versions 1, 2, 3…). */
function column(states: MigrationState[], overrides: Partial<Timeline> = {}): Timeline {
  return timeline({
    targets: [target()],
    rows: states.map((s, i) => row(String(i + 1), `m${i + 1}`, [s])),
    ...overrides,
  });
}

function options(tl: Timeline, rowIndex: number, targetIndex = 0): Record<ActionId, ActionOption> {
  const list = cellActions(ROOT, tl, targetFacts(tl), rowIndex, targetIndex);
  return Object.fromEntries(list.map((o) => [o.id, o])) as Record<ActionId, ActionOption>;
}

const enabled = (o: Record<ActionId, ActionOption>) =>
  (Object.keys(o) as ActionId[]).filter((id) => o[id].action !== null);

describe("cellActions", () => {
  it("offers the six actions in order, each disabled one with a reason", () => {
    const list = cellActions(ROOT, column(["applied"]), targetFacts(column(["applied"])), 0, 0);
    expect(list.map((o) => o.label)).toEqual([
      "Apply up to here",
      "Roll back to here",
      "Redo",
      "Baseline to here",
      "Repair checksum",
      "Resolve",
    ]);
    for (const o of list) {
      expect(o.action === null).toBe(o.reason !== null);
      if (o.reason !== null) expect(o.reason.length).toBeGreaterThan(10);
    }
  });

  it("applies up to a pending row, as a run request for that target", () => {
    const tl = column(["applied", "pending", "pending"]);
    const o = options(tl, 2);
    expect(o.apply.action).toEqual({
      kind: "run",
      target: tl.targets[0],
      request: {
        project: ROOT,
        target: "embedded",
        action: { kind: "upTo", version: "3" },
        allowOutOfOrder: false,
        singleTransaction: false,
        confirmation: null,
      },
    });
    expect(enabled(o)).toEqual(["apply", "baseline"]);
  });

  it("has nothing to apply up to an applied row with nothing pending before it", () => {
    const o = options(column(["applied", "applied", "pending"]), 1);
    expect(o.apply.reason).toBe("Nothing to apply: everything up to 2 in Embedded is applied.");
    expect(o.baseline.reason).toMatch(/Nothing to record/);
  });

  it("allows out of order when the row pointed at is out of order", () => {
    const o = options(column(["outOfOrder", "applied"]), 0);
    expect(o.apply.action?.kind === "run" && o.apply.action.request.allowOutOfOrder).toBe(true);
  });

  it("refuses to apply past a modified migration, naming it", () => {
    const tl = column(["applied", "modified", "pending"]);
    expect(options(tl, 2).apply.reason).toBe(
      "2 is modified in Embedded: repair its checksum or restore its file first.",
    );
    expect(options(tl, 1).repair.action).toMatchObject({ kind: "repair", version: "2", target: tl.targets[0] });
    expect(options(tl, 0).repair.reason).toMatch(/Only a modified migration/);
  });

  it("rolls back to a row when something newer is applied", () => {
    const tl = column(["applied", "applied", "applied", "pending"]);
    expect(options(tl, 0).rollback.action).toMatchObject({
      kind: "run",
      request: { action: { kind: "downTo", version: "1" } },
    });
    expect(options(tl, 2).rollback.reason).toBe("Nothing to roll back: nothing newer than 3 in Embedded is applied.");
    expect(options(tl, 3).rollback.action).toBeNull();
  });

  it("redoes only the newest applied migration", () => {
    const tl = column(["applied", "modified", "pending"]);
    expect(options(tl, 1).redo.action).toMatchObject({ request: { action: { kind: "redo" } } });
    expect(options(tl, 0).redo.reason).toBe("Redo is for the newest applied migration only (2).");
    expect(options(tl, 2).redo.reason).toMatch(/newest applied migration only/);
    expect(options(column(["pending"]), 0).redo.reason).toBe("Nothing is applied in Embedded.");
  });

  it("cannot redo a migration whose file is gone", () => {
    const tl = column(["applied", "missingFile"]);
    tl.rows[1] = { ...tl.rows[1]!, onDisk: false };
    expect(options(tl, 1).redo.reason).toMatch(/file is gone/);
    expect(options(tl, 1).baseline.reason).toMatch(/file is gone/);
  });

  it("blocks every run while a migration is partial, and offers Resolve on it", () => {
    const tl = column(["applied", "partial", "pending"]);
    const partial = options(tl, 1);
    expect(enabled(partial)).toEqual(["resolve"]);
    expect(partial.resolve.action).toMatchObject({ kind: "resolve", version: "2", name: "m2" });
    expect(partial.resolve.action?.kind === "resolve" && partial.resolve.action.cell?.state).toBe("partial");
    const after = options(tl, 2);
    expect(after.apply.reason).toBe("2 is partially applied in Embedded: resolve it first.");
    expect(after.rollback.reason).toBe(after.apply.reason);
    expect(after.baseline.reason).toBe(after.apply.reason);
    expect(options(column(["partialRollback"]), 0).resolve.action).not.toBeNull();
    expect(options(column(["applied"]), 0).resolve.reason).toMatch(/Only a partially applied/);
  });

  it("keeps run actions on a read-only target (the run view shows the plan) but not direct writes", () => {
    const tl = column(["modified", "pending"], {
      targets: [target({ protection: { readOnly: true, confirmName: null } })],
    });
    expect(options(tl, 1).apply.action).toBeNull(); // modified before it
    expect(options(tl, 0).redo.action).not.toBeNull();
    const readOnly = "Embedded is read-only: unlock it on the Connections screen first.";
    expect(options(tl, 0).repair.reason).toBe(readOnly);
    expect(options(tl, 1).baseline.reason).toBe(readOnly);
  });

  it("disables everything on a target whose state could not be read", () => {
    const tl = timeline({
      targets: [target(), prodTarget({ error: { code: "passwordNeeded", message: "shop prod needs its password", fields: [] } })],
      rows: [row("1", "a", ["pending", null])],
    });
    const o = options(tl, 0, 1);
    expect(enabled(o)).toEqual([]);
    expect(o.apply.reason).toMatch(/could not be read \(shop prod needs its password\)/);
    expect(enabled(options(tl, 0, 0))).toEqual(["apply", "baseline"]);
  });

  it("keeps repeatable migrations out of the version-order actions", () => {
    const tl = column(["applied", "changed"]);
    tl.rows[1] = { ...tl.rows[1]!, repeatable: true, version: "R__views" };
    const o = options(tl, 1);
    expect(o.apply.reason).toMatch(/repeatable/);
    expect(o.rollback.reason).toMatch(/no rollback/);
    expect(o.baseline.reason).toMatch(/repeatable/);
    // The newest *versioned* applied migration is the one Redo redoes.
    expect(options(tl, 0).redo.action).not.toBeNull();
  });
});

describe("applyAllOption", () => {
  it("applies everything pending on a target", () => {
    const tl = timeline();
    expect(applyAllOption(ROOT, tl, targetFacts(tl), 1).action).toMatchObject({
      kind: "run",
      request: { target: prodTarget().id, action: { kind: "latest" } },
    });
  });

  it("says when there is nothing to apply or a partial blocks it", () => {
    const done = column(["applied", "applied"]);
    expect(applyAllOption(ROOT, done, targetFacts(done), 0).reason).toBe("Nothing to apply: Embedded is up to date.");
    const partial = column(["partial", "pending"]);
    expect(applyAllOption(ROOT, partial, targetFacts(partial), 0).reason).toMatch(/partially applied/);
  });
});

describe("describeAction", () => {
  it("names each action and its target", () => {
    const tl = column(["applied", "modified", "pending"]);
    const at = (i: number) => options(tl, i);
    expect(describeAction(options(column(["pending", "pending", "pending"]), 2).apply.action!)).toBe(
      "Apply up to 3 on Embedded",
    );
    expect(describeAction(at(0).rollback.action!)).toBe("Roll back to 1 on Embedded");
    expect(describeAction(at(1).redo.action!)).toBe("Redo the newest migration on Embedded");
    expect(describeAction(at(1).repair.action!)).toBe("Repair the checksum of 2 on Embedded");
    expect(describeAction(at(2).baseline.action!)).toBe("Baseline to 3 on Embedded");
  });
});
