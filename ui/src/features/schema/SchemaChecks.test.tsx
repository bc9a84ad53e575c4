import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  IpcFailure,
  ipc,
  type RollbackTest,
  type RoundTripProgress,
  type RoundTripStep,
  type TargetDrift,
  type TimelineRow,
} from "../../ipc/client";
import { renderWithQuery } from "../../test/render";
import { comparison, pgA, ROOT, schemaDiff, target, targetSchema, timelineOf } from "../../test/schemaFixtures";
import { driftHeadline } from "./DriftPanel";
import { rollbackHeadline, stepOutcome } from "../../components/sql/RoundTrip";
import { SchemaScreen } from "./SchemaScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: {
    listProjects: vi.fn(),
    timeline: vi.fn(),
    schemaOf: vi.fn(),
    compareTargets: vi.fn(),
    compareVersion: vi.fn(),
    schemaDrift: vi.fn(),
    testRollback: vi.fn(),
    writeGeneratedMigration: vi.fn(),
  },
}));

function row(version: string, name: string, overrides: Partial<TimelineRow> = {}): TimelineRow {
  return {
    version,
    name,
    description: null,
    author: null,
    onDisk: true,
    reversible: true,
    noTransaction: false,
    repeatable: false,
    cells: [],
    ...overrides,
  };
}

const ROWS = [
  row("20240101000000", "create_users"),
  row("20240102000000", "add_email"),
  row("20240103000000", "create_orders", { reversible: false }),
  row("R__views", "views", { repeatable: true, reversible: false }),
];

const NO_DIFF = { kind: "sqlite" as const, namespaces: [] };

function drift(overrides: Partial<TargetDrift> = {}): TargetDrift {
  return {
    target: "embedded",
    targetLabel: "Demo database",
    replayed: ["20240101000000", "20240102000000", "20240103000000"],
    expectedDdl: "CREATE TABLE users (id integer);\n",
    actualDdl: "CREATE TABLE users (id integer, phone text);\n",
    diff: schemaDiff(),
    counts: { added: 2, removed: 2, changed: 2 },
    up: 'ALTER TABLE "users" ADD COLUMN "phone" text;\n',
    down: 'ALTER TABLE "users" DROP COLUMN "phone";\n',
    generateRefused: null,
    ...overrides,
  };
}

function step(version: string, overrides: Partial<RoundTripStep> = {}): RoundTripStep {
  return {
    version,
    name: `m${version}`,
    notRestored: NO_DIFF,
    downFailed: null,
    upAgainFailed: null,
    upAgainDiffers: null,
    ...overrides,
  };
}

function rollback(steps: RoundTripStep[], overrides: Partial<RollbackTest> = {}): RollbackTest {
  const failed = steps.filter((s) => stepOutcome(s).tone !== "success").length;
  return {
    target: "embedded",
    targetLabel: "Demo database",
    version: null,
    report: {
      target: "sqlite:demo",
      steps,
      untested: [{ version: "20240103000000", name: "create_orders", reason: "it has no down part" }],
      stoppedAfter: null,
    },
    clean: failed === 0,
    tested: steps.length,
    failed,
    ms: 1234,
    ...overrides,
  };
}

beforeEach(() => {
  vi.mocked(ipc.listProjects).mockResolvedValue([{ root: ROOT, name: "shop", connections: 1, default: true }]);
  vi.mocked(ipc.timeline).mockResolvedValue({ ...timelineOf([target(), pgA]), rows: ROWS });
  vi.mocked(ipc.schemaOf).mockResolvedValue(targetSchema());
});

describe("headlines", () => {
  it("says in words whether there is drift and how many objects", () => {
    expect(driftHeadline(NO_DIFF, 12)).toBe("No drift: the database matches its 12 applied migrations");
    expect(driftHeadline(NO_DIFF, 1)).toBe("No drift: the database matches its 1 applied migration");
    expect(driftHeadline(schemaDiff(), 3)).toBe("2 objects changed outside migrations");
  });

  it("names the worst outcome of each round trip", () => {
    expect(stepOutcome(step("1")).text).toBe("round-trips");
    expect(stepOutcome(step("1", { notRestored: schemaDiff() })).text).toBe("down did not restore");
    expect(stepOutcome(step("1", { notRestored: null, downFailed: "no such table" })).text).toBe("down failed");
    expect(stepOutcome(step("1", { upAgainFailed: "exists" })).text).toBe("up again failed");
    expect(stepOutcome(step("1", { upAgainDiffers: schemaDiff() })).tone).toBe("warning");
    expect(rollbackHeadline(rollback([step("1"), step("2")]))).toBe("All 2 migrations round-trip");
    expect(rollbackHeadline(rollback([step("1"), step("2", { notRestored: schemaDiff() })]))).toBe(
      "1 of 2 migrations did not round-trip",
    );
  });
});

describe("check drift", () => {
  it("shows what changed outside migrations and generates the migration that records it", async () => {
    vi.mocked(ipc.schemaDrift).mockResolvedValue(drift());
    vi.mocked(ipc.writeGeneratedMigration).mockResolvedValue({
      version: "20261126090000",
      name: "record_changes",
      upPath: `${ROOT}/migrations/20261126090000_record_changes.up.sql`,
      downPath: `${ROOT}/migrations/20261126090000_record_changes.down.sql`,
    });
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.click(screen.getByTestId("schema-check-drift"));
    expect(screen.getByTestId("schema-check-drift")).toHaveAttribute("aria-pressed", "true");
    expect(await screen.findByTestId("drift-headline")).toHaveTextContent("2 objects changed outside migrations");
    expect(ipc.schemaDrift).toHaveBeenCalledWith(ROOT, "embedded");
    const panel = screen.getByTestId("schema-drift");
    expect(within(panel).getAllByTestId("diff-row").find((r) => r.dataset.name === "phone")).toHaveTextContent("+added");

    await user.click(within(panel).getByTestId("generate-migration"));
    const dialog = await screen.findByTestId("generate-dialog");
    expect(within(dialog).getByTestId("generate-note")).toHaveTextContent("Baseline");
    await user.click(within(dialog).getByTestId("generate-write"));
    expect(await screen.findByTestId("generate-written")).toHaveTextContent("record_changes.up.sql");
    expect(ipc.writeGeneratedMigration).toHaveBeenCalledWith(ROOT, "record changes made to Demo database", drift().up, drift().down);

    // Pressed again: back to browsing.
    await user.click(screen.getByTestId("schema-check-drift"));
    expect(await screen.findByTestId("schema-tree")).toBeInTheDocument();
  });

  it("says there is no drift, and offers nothing to generate", async () => {
    vi.mocked(ipc.schemaDrift).mockResolvedValue(drift({ diff: NO_DIFF, counts: { added: 0, removed: 0, changed: 0 }, up: "", down: "" }));
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.click(screen.getByTestId("schema-check-drift"));
    expect(await screen.findByTestId("drift-headline")).toHaveTextContent(
      "No drift: the database matches its 3 applied migrations",
    );
    expect(screen.queryByTestId("generate-migration")).toBeNull();
  });

  it("explains why the changes cannot be generated", async () => {
    vi.mocked(ipc.schemaDrift).mockResolvedValue(
      drift({ up: "", down: "", generateRefused: "sqlite cannot change a column's type (users.email) in place." }),
    );
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.click(screen.getByTestId("schema-check-drift"));
    expect(await screen.findByTestId("drift-generate-refused")).toHaveTextContent("cannot change a column's type");
    expect(screen.getByTestId("generate-migration")).toBeDisabled();
  });
});

describe("test rollback", () => {
  it("runs for the folder, says it is running, then lists each outcome and what down did not restore", async () => {
    let finish: (t: RollbackTest) => void = () => undefined;
    let tell: (p: RoundTripProgress) => void = () => undefined;
    vi.mocked(ipc.testRollback).mockImplementation((_p, _t, _v, onProgress) => {
      tell = onProgress;
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.click(screen.getByTestId("schema-test-rollback"));
    const scope = screen.getByTestId("rollback-scope");
    // Only versioned migrations with a down part can be tested one by one.
    expect(within(scope).getAllByRole("option").map((o) => o.getAttribute("value"))).toEqual([
      "",
      "20240101000000",
      "20240102000000",
    ]);
    await user.click(screen.getByTestId("rollback-run"));
    expect(ipc.testRollback).toHaveBeenCalledWith(ROOT, "embedded", null, expect.any(Function));
    expect(await screen.findByRole("status")).toHaveTextContent("Running…");
    act(() => tell({ index: 2, total: 3, version: "20240102000000", name: "add_email", phase: "upAgain" }));
    expect(screen.getByRole("status")).toHaveTextContent("2 of 3: 20240102000000 add_email, up again");
    expect(screen.getByTestId("rollback-run")).toBeDisabled();

    finish(rollback([step("20240101000000"), step("20240102000000", { notRestored: schemaDiff() })]));
    expect(await screen.findByTestId("rollback-headline")).toHaveTextContent("failed 1 of 2 migrations did not round-trip");
    const steps = screen.getAllByTestId("rollback-step");
    expect(steps.map((s) => [s.dataset.version, s.dataset.outcome])).toEqual([
      ["20240101000000", "round-trips"],
      ["20240102000000", "down did not restore"],
      ["20240103000000", "skipped"],
    ]);
    // The failing one is selected first, its diff shown.
    const detail = screen.getByTestId("rollback-detail");
    expect(within(detail).getByTestId("rollback-not-restored")).toHaveTextContent("2 added, 2 removed, 2 changed");
    expect(within(detail).getAllByTestId("diff-row").find((r) => r.dataset.name === "phone")).toBeDefined();
    await user.click(within(steps[2]!).getByRole("button"));
    expect(detail).toHaveTextContent("was applied but not tested: it has no down part.");
  });

  it("tests one migration, and shows the engine's words when no scratch database can be made", async () => {
    const message =
      "cannot create a scratch database on postgres://app@db/shop: the connected user lacks the CREATEDB privilege (error returned from database: permission denied to create database). Grant it (ALTER ROLE <user> CREATEDB) or preview against a database where the user has it.";
    vi.mocked(ipc.testRollback).mockRejectedValueOnce(new IpcFailure({ code: "database", message }));
    vi.mocked(ipc.testRollback).mockResolvedValueOnce(rollback([step("20240102000000")], { version: "20240102000000" }));
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.click(screen.getByTestId("schema-test-rollback"));
    await user.selectOptions(screen.getByTestId("rollback-scope"), "20240102000000");
    await user.click(screen.getByTestId("rollback-run"));
    expect(ipc.testRollback).toHaveBeenCalledWith(ROOT, "embedded", "20240102000000", expect.any(Function));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(message);
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("rollback-headline")).toHaveTextContent("20240102000000 round-trips");
    expect(screen.getByTestId("rollback-ok")).toBeInTheDocument();
  });
});

describe("compare with a version", () => {
  it("offers the project's versions, newest first, and compares with the chosen one", async () => {
    vi.mocked(ipc.compareVersion).mockImplementation((_p, _t, version) =>
      Promise.resolve(comparison({ a: "embedded", aLabel: "Demo database", b: version, bLabel: `schema at ${version} (x)` })),
    );
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.selectOptions(screen.getByTestId("schema-compare-with"), "@version");
    const pick = screen.getByTestId("schema-compare-version-pick");
    expect(within(pick).getAllByRole("option").map((o) => o.getAttribute("value"))).toEqual([
      "20240103000000",
      "20240102000000",
      "20240101000000",
    ]);
    await screen.findByTestId("schema-compare-version");
    expect(ipc.compareVersion).toHaveBeenLastCalledWith(ROOT, "embedded", "20240103000000");
    await user.selectOptions(pick, "20240101000000");
    await waitFor(() => expect(ipc.compareVersion).toHaveBeenLastCalledWith(ROOT, "embedded", "20240101000000"));
    expect(await screen.findByTestId("compare-summary")).toHaveTextContent(
      "To make schema at 20240101000000 (x) like Demo database: 2 added, 2 removed, 2 changed",
    );
    await user.click(screen.getByTestId("generate-migration"));
    expect(within(await screen.findByTestId("generate-dialog")).getByTestId("generate-name")).toHaveValue(
      "Demo database changes since 20240101000000",
    );
  });
});
