import { describe, expect, it } from "vitest";
import type { MigrationState } from "../../ipc/client";
import { row, timeline } from "./fixtures";
import {
  cellState,
  countByTarget,
  countLabel,
  countPhrases,
  filterRows,
  railState,
  rowMatches,
  STATE_FILTERS,
  STATE_INFO,
  stateInfo,
  type CellState,
} from "./state";

// Every variant of the generated MigrationState; the Record below fails to compile when the
// backend adds one that this list (and so STATE_INFO) does not name.
const EVERY_STATE = {
  pending: true,
  outOfOrder: true,
  applied: true,
  modified: true,
  changed: true,
  missingFile: true,
  partial: true,
  partialRollback: true,
} satisfies Record<MigrationState, true>;

const ALL: CellState[] = [...(Object.keys(EVERY_STATE) as MigrationState[]), "unknown"];

describe("state mapping", () => {
  it("gives every state a text label, an icon, a tone and a meaning", () => {
    for (const state of ALL) {
      const info = STATE_INFO[state];
      expect(info, state).toBeDefined();
      expect(info.label.trim(), state).not.toBe("");
      expect(info.icon, state).toBeTruthy();
      expect(info.meaning.length, state).toBeGreaterThan(20);
    }
    expect(Object.keys(STATE_INFO).sort()).toEqual([...ALL].sort());
  });

  it("never tells two states apart by colour alone: labels and icons are all distinct", () => {
    const labels = ALL.map((s) => STATE_INFO[s].label);
    const icons = ALL.map((s) => STATE_INFO[s].icon);
    expect(new Set(labels).size).toBe(ALL.length);
    expect(new Set(icons).size).toBe(ALL.length);
  });

  it("names the states as a user reads them", () => {
    expect(STATE_INFO.outOfOrder.label).toBe("out of order");
    expect(STATE_INFO.outOfOrder.meaning).toMatch(/older than the newest applied/);
    expect(STATE_INFO.missingFile.label).toBe("file missing");
    expect(STATE_INFO.partial.tone).toBe("danger");
    expect(STATE_INFO.applied.tone).toBe("success");
  });

  it("treats a cell the backend could not read as unknown", () => {
    expect(cellState(null)).toBe("unknown");
    expect(stateInfo(undefined).label).toBe("unknown");
    expect(cellState({ state: "modified", applied: null })).toBe("modified");
  });
});

describe("filter", () => {
  const { rows } = timeline();
  const versions = (indices: number[]) => indices.map((i) => rows[i]!.version);

  it("lets everything through with no filter", () => {
    expect(filterRows(rows, { state: "any", text: "" })).toEqual([0, 1, 2, 3]);
    expect(filterRows(rows, { state: "any", text: "   " })).toEqual([0, 1, 2, 3]);
  });

  it("matches a state in ANY target", () => {
    // add_orders is applied in one target and pending in the other: both filters find it.
    expect(versions(filterRows(rows, { state: "applied", text: "" }))).toEqual([
      "20240101090000",
      "20240102093000",
    ]);
    expect(versions(filterRows(rows, { state: "pending", text: "" }))).toEqual([
      "20240102093000",
      "20240103100000",
      "20240104110000",
    ]);
    expect(versions(filterRows(rows, { state: "modified", text: "" }))).toEqual(["20240103100000"]);
    expect(filterRows(rows, { state: "failed", text: "" })).toEqual([]);
    expect(filterRows(rows, { state: "outOfOrder", text: "" })).toEqual([]);
    expect(filterRows(rows, { state: "missing", text: "" })).toEqual([]);
  });

  it("groups failed with both partial states and modified with changed repeatables", () => {
    expect(rowMatches(row("1", "a", ["applied", "partial"]), { state: "failed", text: "" })).toBe(true);
    expect(rowMatches(row("1", "a", ["partialRollback"]), { state: "failed", text: "" })).toBe(true);
    expect(rowMatches(row("1", "a", ["changed"]), { state: "modified", text: "" })).toBe(true);
    expect(rowMatches(row("1", "a", ["missingFile"]), { state: "missing", text: "" })).toBe(true);
    expect(rowMatches(row("1", "a", ["outOfOrder"]), { state: "outOfOrder", text: "" })).toBe(true);
    expect(rowMatches(row("1", "a", [null]), { state: "pending", text: "" })).toBe(false);
  });

  it("searches version, name, description and author, ignoring case", () => {
    const find = (text: string) => versions(filterRows(rows, { state: "any", text }));
    expect(find("ORDER")).toEqual(["20240102093000", "20240103100000"]);
    expect(find("20240104")).toEqual(["20240104110000"]);
    expect(find("their emails")).toEqual(["20240101090000"]);
    expect(find("Alice")).toEqual(["20240101090000"]);
    expect(find("nothing like it")).toEqual([]);
  });

  it("combines state and text", () => {
    expect(versions(filterRows(rows, { state: "pending", text: "order" }))).toEqual([
      "20240102093000",
      "20240103100000",
    ]);
    expect(filterRows(rows, { state: "modified", text: "users" })).toEqual([]);
  });

  it("offers the brief's state choices in order", () => {
    expect(STATE_FILTERS.map((f) => f.label)).toEqual([
      "Any state",
      "Pending",
      "Applied",
      "Failed or partial",
      "Modified",
      "File missing",
      "Out of order",
    ]);
  });

  it("says how many pass, with thousands separated", () => {
    expect(countLabel(12, 5000)).toBe("12 of 5,000 migrations");
    expect(countLabel(5000, 5000)).toBe("5,000 migrations");
    expect(countLabel(1, 1)).toBe("1 migration");
    expect(countLabel(0, 1)).toBe("0 of 1 migration");
  });
});

describe("counts and rail", () => {
  it("counts each target's states in one pass", () => {
    const [embedded, prod] = countByTarget(timeline().rows, 2);
    expect(embedded).toMatchObject({ applied: 2, modified: 1, pending: 1, unknown: 0 });
    expect(prod).toMatchObject({ applied: 1, pending: 3 });
    expect(countPhrases(embedded!)).toEqual(["2 applied", "1 pending", "1 modified"]);
    expect(countPhrases(prod!)).toEqual(["1 applied", "3 pending"]);
  });

  it("words singular and plural groups", () => {
    const rows = [row("1", "a", ["missingFile"]), row("2", "b", ["missingFile"]), row("3", "c", ["partial"])];
    expect(countPhrases(countByTarget(rows, 1)[0]!)).toEqual(["2 files missing", "1 partial"]);
  });

  it("puts the most urgent state of a row on the rail", () => {
    expect(railState(row("1", "a", ["applied", "applied"]))).toBe("applied");
    expect(railState(row("1", "a", ["applied", "pending"]))).toBe("pending");
    expect(railState(row("1", "a", ["modified", "partial"]))).toBe("partial");
    expect(railState(row("1", "a", [null, "applied"]))).toBe("unknown");
    expect(railState(row("1", "a", []))).toBe("pending");
  });
});
