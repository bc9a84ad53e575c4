import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc, type AppliedMigration } from "../../../ipc/client";
import { renderWithQuery } from "../../../test/render";
import { BaselineDialog } from "./BaselineDialog";
import { target } from "./fixtures";
import { RepairDialog } from "./RepairDialog";
import { ResolveDialog } from "./ResolveDialog";

vi.mock("../../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../ipc/client")>()),
  ipc: { baselineMigrations: vi.fn(), repairMigration: vi.fn(), resolveMigration: vi.fn() },
}));

const project = "/home/dev/shop";
const version = "20240102093000";

function partialRow(overrides: Partial<AppliedMigration> = {}): AppliedMigration {
  return {
    version,
    name: "add_orders",
    checksum: "a".repeat(64),
    appliedAt: "2025-01-01T10:00:00Z",
    appliedBy: "dev@laptop",
    executionMs: 40,
    state: "partial",
    statementsTotal: 5,
    statementsCommitted: 2,
    ...overrides,
  };
}

beforeEach(() => {
  vi.mocked(ipc.repairMigration).mockResolvedValue({
    target: "t",
    version,
    name: "add_orders",
    oldChecksum: "a".repeat(64),
    newChecksum: "b".repeat(64),
    downChanged: true,
    runId: "r",
  });
});

describe("RepairDialog", () => {
  it("requires a reason before it sends anything, then reports and tells onDone", async () => {
    const user = userEvent.setup();
    const onDone = vi.fn();
    renderWithQuery(<RepairDialog project={project} target={target()} version={version} onClose={vi.fn()} onDone={onDone} />);
    await user.click(screen.getByTestId("repair-dialog-submit"));
    expect(screen.getByRole("alert")).toHaveTextContent("Enter a reason");
    expect(ipc.repairMigration).not.toHaveBeenCalled();

    await user.type(screen.getByTestId("repair-reason"), "  comment fixed after review ");
    await user.click(screen.getByTestId("repair-dialog-submit"));
    await waitFor(() =>
      expect(ipc.repairMigration).toHaveBeenCalledWith(project, "c".repeat(32), version, "comment fixed after review", null),
    );
    expect(await screen.findByTestId("repair-dialog-done")).toHaveTextContent("stored down SQL was replaced");
    expect(onDone).toHaveBeenCalledWith(expect.stringContaining("aaaaaaaa… → bbbbbbbb…"));
  });

  it("shows the backend's refusal in its words", async () => {
    vi.mocked(ipc.repairMigration).mockRejectedValue(
      new IpcFailure({ code: "invalidInput", message: "20240102093000 is not modified: nothing to repair" }),
    );
    const user = userEvent.setup();
    renderWithQuery(<RepairDialog project={project} target={target()} version={version} onClose={vi.fn()} onDone={vi.fn()} />);
    await user.type(screen.getByTestId("repair-reason"), "why");
    await user.click(screen.getByTestId("repair-dialog-submit"));
    expect(await screen.findByTestId("repair-dialog-error")).toHaveTextContent("nothing to repair");
  });
});

describe("BaselineDialog", () => {
  it("gates on the typed database name and sends it", async () => {
    vi.mocked(ipc.baselineMigrations).mockResolvedValue({
      target: "t",
      version,
      recorded: [
        { version: "20240101090000", name: "create_users" },
        { version, name: "add_orders" },
      ],
      alreadyApplied: 1,
      runId: "r",
    });
    const user = userEvent.setup();
    const guarded = target({ protection: { readOnly: false, confirmName: "shop_prod" } });
    renderWithQuery(<BaselineDialog project={project} target={guarded} version={version} onClose={vi.fn()} onDone={vi.fn()} />);
    const submit = screen.getByTestId("baseline-dialog-submit");
    expect(submit).toBeDisabled();
    await user.type(screen.getByTestId("baseline-dialog-confirm"), "shop_pro");
    expect(submit).toBeDisabled();
    await user.type(screen.getByTestId("baseline-dialog-confirm"), "d");
    await user.click(submit);
    await waitFor(() => expect(ipc.baselineMigrations).toHaveBeenCalledWith(project, "c".repeat(32), version, "shop_prod"));
    expect(await screen.findByTestId("baseline-dialog-done")).toHaveTextContent(
      "Recorded 2 migrations as applied in shop staging without running them; 1 was applied already.",
    );
  });

  it("offers only Close on a read-only target", () => {
    const locked = target({ protection: { readOnly: true, confirmName: null } });
    renderWithQuery(<BaselineDialog project={project} target={locked} version={version} onClose={vi.fn()} onDone={vi.fn()} />);
    expect(screen.getByTestId("run-read-only")).toBeInTheDocument();
    expect(screen.queryByTestId("baseline-dialog-submit")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Close" })).toBeInTheDocument();
  });
});

describe("ResolveDialog", () => {
  it("explains the three choices, needs one chosen, and sends it", async () => {
    vi.mocked(ipc.resolveMigration).mockResolvedValue({
      target: "t",
      version,
      name: "add_orders",
      action: "rollBackCommitted",
      was: "partial",
      applied: false,
      detail: "rolled back statements 1–2",
      runId: "r",
    });
    const user = userEvent.setup();
    renderWithQuery(
      <ResolveDialog project={project} target={target()} version={version} applied={partialRow()} onClose={vi.fn()} onDone={vi.fn()} />,
    );
    expect(screen.getByText("Resume from statement 3")).toBeInTheDocument();
    expect(screen.getByText("Mark resolved")).toBeInTheDocument();
    expect(screen.getByText("Roll back what committed")).toBeInTheDocument();
    expect(screen.getAllByText(/\(2 of 5 committed\)/)).toHaveLength(2);

    await user.click(screen.getByTestId("resolve-dialog-submit"));
    expect(screen.getByRole("alert")).toHaveTextContent("Choose how to resolve it.");
    expect(ipc.resolveMigration).not.toHaveBeenCalled();

    await user.click(screen.getByTestId("resolve-rollBackCommitted"));
    await user.click(screen.getByTestId("resolve-dialog-submit"));
    await waitFor(() =>
      expect(ipc.resolveMigration).toHaveBeenCalledWith(project, "c".repeat(32), version, "rollBackCommitted", null),
    );
    expect(await screen.findByTestId("resolve-dialog-done")).toHaveTextContent(
      "rolled back statements 1–2 It is not applied now.",
    );
  });

  it("does not offer rolling back what committed for a failed rollback", () => {
    renderWithQuery(
      <ResolveDialog
        project={project}
        target={target()}
        version={version}
        applied={partialRow({ state: "partial_rollback" })}
        onClose={vi.fn()}
        onDone={vi.fn()}
      />,
    );
    expect(screen.getByTestId("resolve-rollBackCommitted")).toBeDisabled();
    expect(screen.getByTestId("resolve-markResolved")).toBeEnabled();
    expect(screen.getByText(/partially rolled back/)).toBeInTheDocument();
  });
});
