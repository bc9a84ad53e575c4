import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc, type MigrationEffect } from "../../../ipc/client";
import { renderWithQuery } from "../../../test/render";
import { pgA, ROOT, schemaDiff, schemaView, target } from "../../../test/schemaFixtures";
import { DiffTab } from "./DiffTab";

vi.mock("../../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../ipc/client")>()),
  ipc: { migrationEffect: vi.fn() },
}));

const migrationEffect = vi.mocked(ipc.migrationEffect);
const V = "20240212110000";

function effect(overrides: Partial<MigrationEffect> = {}): MigrationEffect {
  return {
    target: "embedded",
    targetLabel: "Demo database",
    version: V,
    pending: ["20240205093000", V],
    method: { kind: "transactional" },
    before: schemaView({ ddl: "" }),
    after: schemaView(),
    diff: schemaDiff(),
    counts: { added: 2, removed: 2, changed: 2 },
    ...overrides,
  };
}

beforeEach(() => migrationEffect.mockResolvedValue(effect()));

describe("Diff tab", () => {
  it("previews the migration cut at its version and lists what it changes with text labels", async () => {
    renderWithQuery(<DiffTab project={ROOT} version={V} targets={[target(), pgA]} />);
    const summary = await screen.findByTestId("diff-summary");
    expect(migrationEffect).toHaveBeenCalledWith(ROOT, "embedded", V);
    expect(summary).toHaveTextContent("2 added, 2 removed, 2 changed (after 1 earlier pending migration, applied first in the preview)");
    expect(summary).toHaveTextContent("rolled-back transaction");
    const rows = screen.getAllByTestId("diff-row");
    expect(rows.find((r) => r.dataset.name === "users_email_idx")).toHaveTextContent("+added index users_email_idx");
  });

  it("says an applied migration has no pending effect and points to Compare", async () => {
    migrationEffect.mockResolvedValue(effect({ pending: [], counts: { added: 0, removed: 0, changed: 0 } }));
    const user = userEvent.setup();
    renderWithQuery(<DiffTab project={ROOT} version={V} targets={[target(), pgA]} />);
    expect(await screen.findByTestId("diff-not-pending")).toHaveTextContent("already applied on Demo database");
    expect(screen.getByTestId("diff-not-pending")).toHaveTextContent("Compare on the Schema screen");
    await user.selectOptions(screen.getByTestId("diff-target"), pgA.id);
    expect(migrationEffect).toHaveBeenLastCalledWith(ROOT, pgA.id, V);
  });

  it("shows why the preview failed, and recovers on Retry", async () => {
    migrationEffect.mockRejectedValueOnce(new IpcFailure({ code: "database", message: "syntax error at line 3" }));
    const user = userEvent.setup();
    renderWithQuery(<DiffTab project={ROOT} version={V} targets={[target()]} />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("could not be previewed");
    expect(alert).toHaveTextContent("syntax error at line 3");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("diff-summary")).toHaveTextContent("2 added");
  });
});
