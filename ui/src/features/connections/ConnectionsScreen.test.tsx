import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc } from "../../ipc/client";
import {
  appInfo,
  connectionProfile,
  connectionRow,
  connectionSection,
  failedDiagnosis,
  projectSummary,
} from "../../test/fixtures";
import { renderWithQuery } from "../../test/render";
import { ConnectionsScreen } from "./ConnectionsScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: {
    appInfo: vi.fn(),
    currentProject: vi.fn(),
    listConnections: vi.fn(),
    setAsideConnectionsFile: vi.fn(),
    newConnection: vi.fn(),
    deleteConnection: vi.fn(),
    duplicateConnection: vi.fn(),
    unlockConnection: vi.fn(),
    lockConnection: vi.fn(),
    importConnections: vi.fn(),
    exportConnections: vi.fn(),
    testConnection: vi.fn(),
  },
}));
vi.mock("../../platform/dialog", () => ({
  chooseFile: vi.fn(),
  chooseFolder: vi.fn(),
  chooseSaveFile: vi.fn(),
}));

const prod = connectionProfile({
  id: "p".repeat(32),
  name: "shop prod",
  tier: "production",
  host: "prod.example.com",
  protection: { readOnly: true, confirmByName: true },
});
const staging = connectionProfile({
  id: "s".repeat(32),
  name: "shop staging",
  tier: "staging",
  host: "10.0.0.5",
  tls: { mode: "prefer", caFile: null, clientCert: null, clientKey: null },
  protection: { readOnly: true, confirmByName: false },
});
const local = connectionProfile({ id: "l".repeat(32), name: "local", host: "localhost" });
const lastOk = {
  ok: true,
  testedAt: "2025-01-01T10:00:00Z",
  latencyMs: 2.4,
  serverVersion: "PostgreSQL 15.19",
  problem: null,
  migrationVersion: "20240102093000",
  otherTool: null,
};

const sections = () => [
  connectionSection([connectionRow(staging, { plaintext: true }), connectionRow(prod)], "shop", "/home/dev/shop"),
  connectionSection([connectionRow(local, { lastTest: lastOk })]),
];

beforeEach(() => {
  vi.mocked(ipc.currentProject).mockResolvedValue(projectSummary());
  vi.mocked(ipc.appInfo).mockResolvedValue(appInfo());
  vi.mocked(ipc.listConnections).mockResolvedValue(sections());
});

async function renderScreen() {
  const user = userEvent.setup();
  renderWithQuery(<ConnectionsScreen />);
  await screen.findByTestId("conn-row-shop prod");
  return user;
}

describe("ConnectionsScreen", () => {
  it("lists connections by section with every status in words", async () => {
    await renderScreen();
    const group = screen.getByRole("region", { name: "shop" });
    expect(group).toHaveTextContent("/home/dev/shop");
    expect(within(group).getAllByRole("listitem").map((li) => li.dataset.testid)).toEqual([
      "conn-row-shop staging",
      "conn-row-shop prod",
    ]);
    expect(screen.getByRole("region", { name: "Other connections" })).toContainElement(
      screen.getByTestId("conn-row-local"),
    );

    const prodRow = screen.getByTestId("conn-row-shop prod");
    expect(within(prodRow).getByText("Production")).toHaveClass("badge--danger", "badge--solid");
    expect(within(prodRow).getByText(/Read-only/)).toBeInTheDocument();
    expect(prodRow).toHaveTextContent("PostgreSQL");
    expect(prodRow).toHaveTextContent("postgres://app@prod.example.com/shop");
    expect(within(prodRow).queryByText(/plaintext/)).not.toBeInTheDocument();

    const stagingRow = screen.getByTestId("conn-row-shop staging");
    expect(within(stagingRow).getByText(/plaintext/)).toBeInTheDocument();
    expect(within(screen.getByTestId("conn-row-local")).queryByText(/Read-only/)).not.toBeInTheDocument();
    // The demo database card is still there.
    expect(await screen.findByText("Existing file")).toBeInTheDocument();
  });

  it("shows what the last test found and tests a row on demand", async () => {
    const user = await renderScreen();
    const localRow = screen.getByTestId("conn-row-local");
    expect(localRow).toHaveTextContent("PostgreSQL 15.19");
    expect(localRow).toHaveTextContent("Test OK · 2.4 ms");
    expect(localRow).toHaveTextContent("at 20240102093000");

    vi.mocked(ipc.testConnection).mockResolvedValue({ diagnosis: failedDiagnosis(), row: null });
    await user.click(within(screen.getByTestId("conn-row-shop prod")).getByTestId("conn-test"));
    const dialog = screen.getByRole("dialog", { name: "Test “shop prod”" });
    expect(await within(dialog).findByTestId("conn-step-authenticate")).toHaveTextContent("Failed");
    expect(ipc.testConnection).toHaveBeenCalledWith(prod.id);
    expect(within(dialog).getByText("What the server said")).toBeInTheDocument();
  });

  it("asks before unlocking production, but not staging", async () => {
    const user = await renderScreen();
    vi.mocked(ipc.unlockConnection).mockImplementation((id) =>
      Promise.resolve(connectionRow(id === prod.id ? prod : staging, { locked: false })),
    );
    await user.click(within(screen.getByTestId("conn-row-shop staging")).getByTestId("conn-unlock"));
    await waitFor(() => expect(ipc.unlockConnection).toHaveBeenCalledWith(staging.id));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();

    await user.click(within(screen.getByTestId("conn-row-shop prod")).getByTestId("conn-unlock"));
    const dialog = screen.getByRole("alertdialog", { name: "Unlock production “shop prod”?" });
    expect(ipc.unlockConnection).toHaveBeenCalledTimes(1);
    await user.click(within(dialog).getByTestId("conn-unlock-confirm"));
    await waitFor(() => expect(ipc.unlockConnection).toHaveBeenCalledWith(prod.id));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    // The list is read again after the change.
    expect(vi.mocked(ipc.listConnections).mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it("confirms a delete by name, says the keychain password goes too, and refreshes", async () => {
    const user = await renderScreen();
    vi.mocked(ipc.deleteConnection).mockResolvedValue(undefined);
    await user.click(within(screen.getByTestId("conn-row-local")).getByTestId("conn-delete"));
    const dialog = screen.getByRole("alertdialog", { name: "Delete “local”?" });
    expect(dialog).toHaveTextContent("password is removed from the OS keychain too");
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();

    vi.mocked(ipc.listConnections).mockResolvedValue([sections()[0]!]);
    await user.click(within(dialog).getByTestId("conn-delete-confirm"));
    await waitFor(() => expect(screen.queryByTestId("conn-row-local")).not.toBeInTheDocument());
    expect(ipc.deleteConnection).toHaveBeenCalledWith(local.id);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("offers to set an unreadable connections file aside and says where it went", async () => {
    vi.mocked(ipc.listConnections).mockRejectedValue(
      new IpcFailure({
        code: "project",
        message: "/home/dev/.config/strata/connections.json is not valid JSON: line 3, column 1",
      }),
    );
    vi.mocked(ipc.setAsideConnectionsFile).mockResolvedValue(
      "/home/dev/.config/strata/connections.json.unreadable-1",
    );
    const user = userEvent.setup();
    renderWithQuery(<ConnectionsScreen />);
    const box = await screen.findByTestId("conn-file-unreadable");
    expect(box).toHaveTextContent("/home/dev/.config/strata/connections.json is not valid JSON");

    vi.mocked(ipc.listConnections).mockResolvedValue([]);
    await user.click(within(box).getByRole("button", { name: "Set the file aside and start empty" }));
    expect(await screen.findByTestId("conn-status")).toHaveTextContent(
      "moved to /home/dev/.config/strata/connections.json.unreadable-1",
    );
    expect(await screen.findByText("No saved connections yet")).toBeInTheDocument();
  });

  it("opens the sheet from the empty state with the backend's defaults", async () => {
    vi.mocked(ipc.listConnections).mockResolvedValue([]);
    vi.mocked(ipc.newConnection).mockResolvedValue(connectionProfile({ name: "", host: "" }));
    const user = userEvent.setup();
    renderWithQuery(<ConnectionsScreen />);
    await user.click(await screen.findByTestId("conn-new-empty"));
    expect(await screen.findByRole("dialog", { name: "New connection" })).toBeInTheDocument();
    expect(ipc.newConnection).toHaveBeenCalledWith("postgres", "development");
    expect(screen.getByTestId("conn-export")).toBeDisabled();
  });

  it("imports from a typed path and reports what was imported and rejected", async () => {
    const user = await renderScreen();
    vi.mocked(ipc.importConnections).mockResolvedValue({
      imported: [{ id: "n".repeat(32), name: "local (2)", originalName: "local" }],
      rejected: [{ index: 1, name: "broken", errors: [{ field: "host", message: "enter a host name" }] }],
    });
    await user.click(screen.getByTestId("conn-import"));
    const dialog = screen.getByRole("dialog", { name: "Import connections" });
    await user.type(within(dialog).getByTestId("conn-import-path"), "/tmp/export.json");
    await user.click(within(dialog).getByTestId("conn-import-confirm"));

    const report = await within(dialog).findByTestId("conn-import-report");
    expect(ipc.importConnections).toHaveBeenCalledWith("/tmp/export.json");
    expect(report).toHaveTextContent("Imported 1 connection; 1 connection rejected");
    expect(report).toHaveTextContent("local (2) (renamed from “local”)");
    expect(report).toHaveTextContent("broken");
    expect(report).toHaveTextContent("host enter a host name");
  });

  it("exports to a typed path and says passwords are not included", async () => {
    const user = await renderScreen();
    vi.mocked(ipc.exportConnections).mockResolvedValue(3);
    await user.click(screen.getByTestId("conn-export"));
    const dialog = screen.getByRole("dialog", { name: "Export connections" });
    expect(dialog).toHaveTextContent("Passwords are never included");
    await user.type(within(dialog).getByTestId("conn-export-path"), "/tmp/out.json");
    await user.click(within(dialog).getByTestId("conn-export-confirm"));
    expect(await within(dialog).findByTestId("conn-export-result")).toHaveTextContent(
      "Exported 3 connections to /tmp/out.json, without passwords.",
    );
  });
});
