import { describe, expect, it } from "vitest";
import type { StatementSpan, StoredSql, TargetEvent, TimelineTarget } from "../../../ipc/client";
import {
  checkPlace,
  defaultChangesTarget,
  dialectOf,
  lineCountOf,
  markerText,
  newestFirst,
  statementLines,
  statementMarkers,
  statementPreview,
  targetChanges,
} from "./detail";

function span(index: number, line: number, sql = "select 1;"): StatementSpan {
  return { index, line, column: 1, sql };
}

function target(id: string, overrides: Partial<TimelineTarget> = {}): TimelineTarget {
  return {
    id,
    label: `${id} db`,
    engine: "postgres",
    tier: "development",
    colour: null,
    location: "localhost/shop",
    protection: { readOnly: false, confirmName: null },
    current: null,
    foreign: null,
    error: null,
    readMs: 1,
    ...overrides,
  };
}

function stored(targetId: string, overrides: Partial<StoredSql> = {}): StoredSql {
  return {
    target: targetId,
    upSql: "create table a (id int);\n",
    downSql: "drop table a;\n",
    checksum: "c".repeat(64),
    upMatchesFile: true,
    downMatchesFile: true,
    ...overrides,
  };
}

function part(sql: string, partSql = sql) {
  return { path: "/p/m.sql", sql, partSql, statements: [], noTransaction: false };
}

function event(at: string, targetId = "embedded"): TargetEvent {
  return {
    target: targetId,
    targetLabel: targetId,
    tier: "development",
    event: {
      runId: at,
      at,
      kind: "apply",
      version: "1",
      name: "a",
      outcome: "ok",
      durationMs: 1,
      error: null,
      detail: null,
      actor: "dev@host",
    },
  };
}

describe("dialectOf", () => {
  it("is the first target's engine, or none without targets", () => {
    expect(dialectOf([target("a", { engine: "mysql" }), target("b", { engine: "sqlite" })])).toBe("mysql");
    expect(dialectOf([])).toBeNull();
  });
});

describe("statementMarkers", () => {
  it("puts one marker per start line, statements sharing a line together, in line order", () => {
    const markers = statementMarkers([span(1, 3), span(2, 7), span(3, 7), span(4, 12)], 20);
    expect(markers).toEqual([
      { line: 3, indices: [1] },
      { line: 7, indices: [2, 3] },
      { line: 12, indices: [4] },
    ]);
  });

  it("drops statements whose line is outside the document (the file changed since)", () => {
    expect(statementMarkers([span(1, 1), span(2, 9)], 5)).toEqual([{ line: 1, indices: [1] }]);
    expect(statementMarkers([span(1, 0)], 5)).toEqual([]);
  });
});

describe("markerText", () => {
  it("lists one or two numbers and shortens runs", () => {
    expect(markerText([4])).toBe("4");
    expect(markerText([2, 3])).toBe("2,3");
    expect(markerText([5, 6, 7, 8])).toBe("5–8");
    expect(markerText([1, 4, 9])).toBe("1,…,9");
  });
});

describe("statementLines", () => {
  it("spans the statement's own lines, clamped to the document", () => {
    expect(statementLines(span(1, 4, "insert into t\nvalues (1),\n(2);\n\n"), 20)).toEqual({ from: 4, to: 6 });
    expect(statementLines(span(1, 9, "a\nb\nc"), 10)).toEqual({ from: 9, to: 10 });
  });
});

describe("lineCountOf and statementPreview", () => {
  it("counts lines for every line ending", () => {
    expect(lineCountOf("a\r\nb\nc\rd")).toBe(4);
    expect(lineCountOf("")).toBe(1);
  });

  it("previews the first non-comment line, collapsed and cut", () => {
    expect(statementPreview("-- why\n  create   table a (\n id int);")).toBe("create table a (");
    expect(statementPreview("x".repeat(200), 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("targetChanges", () => {
  const file = { up: part("create table a (id bigint);\n"), down: part("drop table a;\n") };

  it("compares a dbmate part's own block, not the whole shared file", () => {
    const whole = "-- migrate:up\ncreate table a (id bigint);\n\n-- migrate:down\ndrop table a;\n";
    const dbmate = {
      up: part(whole, "create table a (id bigint);\n"),
      down: part(whole, "drop table a;\n"),
    };
    const edited = stored("t1", { upMatchesFile: false });
    const changes = targetChanges({ ...dbmate, stored: [edited] }, [target("t1")]);
    // The diff sets the stored up block against the file's up block only.
    expect(changes[0]?.up).toEqual({
      kind: "diff",
      stored: "create table a (id int);\n",
      file: "create table a (id bigint);\n",
    });
  });

  it("finds nothing to show when the history matches the files", () => {
    const changes = targetChanges({ ...file, stored: [stored("t1")] }, [target("t1")]);
    expect(changes).toEqual([
      { target: "t1", label: "t1 db", tier: "development", up: { kind: "same" }, down: { kind: "same" }, differs: false },
    ]);
  });

  it("diffs an edited up part: the SQL as applied against the file now", () => {
    const [c] = targetChanges({ ...file, stored: [stored("t1", { upMatchesFile: false })] }, [target("t1")]);
    expect(c?.differs).toBe(true);
    expect(c?.up).toEqual({ kind: "diff", stored: "create table a (id int);\n", file: "create table a (id bigint);\n" });
    expect(c?.down).toEqual({ kind: "same" });
  });

  it("diffs the down part on its own", () => {
    const [c] = targetChanges(
      { ...file, stored: [stored("t1", { downSql: "drop table if exists a;\n", downMatchesFile: false })] },
      [target("t1")],
    );
    expect(c?.up).toEqual({ kind: "same" });
    expect(c?.down).toEqual({ kind: "diff", stored: "drop table if exists a;\n", file: "drop table a;\n" });
  });

  it("says when a file is gone, and when nothing was stored", () => {
    const [gone] = targetChanges(
      { up: null, down: null, stored: [stored("t1", { upMatchesFile: false, downMatchesFile: false })] },
      [target("t1")],
    );
    expect(gone?.up).toEqual({ kind: "fileGone", stored: "create table a (id int);\n" });
    expect(gone?.down).toEqual({ kind: "fileGone", stored: "drop table a;\n" });

    const [none] = targetChanges({ ...file, stored: [stored("t1", { downSql: null, downMatchesFile: false })] }, [
      target("t1"),
    ]);
    expect(none?.down).toEqual({ kind: "notStored", file: "drop table a;\n" });
  });

  it("tells a checksum-only difference apart from a text difference", () => {
    const [c] = targetChanges(
      { up: part("create table a (id int);\r\n"), down: file.down, stored: [stored("t1", { upMatchesFile: false })] },
      [target("t1")],
    );
    expect(c?.up).toEqual({ kind: "checksumOnly" });
    expect(c?.differs).toBe(true);
  });

  it("names targets it does not know by their id", () => {
    const [c] = targetChanges({ ...file, stored: [stored("gone-connection")] }, []);
    expect(c?.label).toBe("gone-connection");
    expect(c?.tier).toBeNull();
  });

  it("opens on the first target that differs", () => {
    const changes = targetChanges(
      { ...file, stored: [stored("t1"), stored("t2", { upMatchesFile: false }), stored("t3", { upMatchesFile: false })] },
      [target("t1"), target("t2"), target("t3")],
    );
    expect(defaultChangesTarget(changes)).toBe("t2");
    expect(defaultChangesTarget(changes.slice(0, 1))).toBe("t1");
    expect(defaultChangesTarget([])).toBeNull();
  });
});

describe("newestFirst", () => {
  it("orders by time, newest first, keeping the backend's order for equal times", () => {
    const a = event("2024-01-01T10:00:00.000Z", "a");
    const b = event("2024-03-01T10:00:00.000Z", "b");
    const c = event("2024-03-01T10:00:00.000Z", "c");
    const d = event("2024-02-01T10:00:00.000Z", "d");
    expect(newestFirst([a, b, c, d]).map((e) => e.target)).toEqual(["b", "c", "d", "a"]);
  });
});

describe("checkPlace", () => {
  it("places a check by part and line", () => {
    expect(checkPlace("up", 12)).toBe("up part, line 12");
    expect(checkPlace("down", null)).toBe("down part");
    expect(checkPlace(null, 3)).toBe("line 3");
    expect(checkPlace(null, null)).toBeNull();
  });
});
