import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc, type HistoryFilter, type HistoryLog, type TargetEvent } from "../../ipc/client";
import { chooseSaveFile } from "../../platform/dialog";
import { renderWithQuery } from "../../test/render";
import { HistoryScreen } from "./HistoryScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: { listProjects: vi.fn(), historyLog: vi.fn(), exportHistory: vi.fn() },
}));
vi.mock("../../platform/dialog", () => ({
  chooseFile: vi.fn(),
  chooseFolder: vi.fn(),
  chooseSaveFile: vi.fn(),
}));

const historyLog = vi.mocked(ipc.historyLog);
const SHOP = "/home/dev/shop";

function ev(
  target: "embedded" | "prod",
  at: string,
  kind: TargetEvent["event"]["kind"],
  outcome: TargetEvent["event"]["outcome"],
  version: string | null,
  name: string | null,
  error: string | null = null,
): TargetEvent {
  return {
    target,
    targetLabel: target === "prod" ? "shop prod" : "Demo database",
    tier: target === "prod" ? "production" : "development",
    event: { runId: `run-${at}`, at, kind, version, name, outcome, durationMs: 42, error, detail: null, actor: "dev@laptop" },
  };
}

const EVENTS: TargetEvent[] = [
  ev("prod", "2025-03-02T10:00:00Z", "rollback", "failed", "20240102093000", "add_orders", 'relation "orders" is used by a view'),
  ev("embedded", "2025-03-01T10:00:00Z", "apply", "ok", "20240102093000", "add_orders"),
  ev("embedded", "2025-02-28T10:00:00Z", "apply", "ok", "20240101090000", "create_users"),
];

/** The backend's filtering, over the fixture events. */
function serve(events: TargetEvent[], failures: HistoryLog["failures"] = []) {
  historyLog.mockImplementation((_project: string, f: HistoryFilter) =>
    Promise.resolve({
      events: events.filter(
        (e) =>
          (f.targets.length === 0 || f.targets.includes(e.target)) &&
          (f.kinds.length === 0 || f.kinds.includes(e.event.kind)) &&
          (f.outcomes.length === 0 || f.outcomes.includes(e.event.outcome)) &&
          (f.migration === null || `${e.event.version} ${e.event.name}`.includes(f.migration)),
      ),
      failures,
    }),
  );
}

const ALL: HistoryFilter = { targets: [], kinds: [], outcomes: [], migration: null };

beforeEach(() => {
  sessionStorage.clear();
  vi.mocked(ipc.listProjects).mockResolvedValue([
    { root: "/home/dev/other", name: "other", connections: 1, default: false },
    { root: SHOP, name: "shop", connections: 2, default: true },
  ]);
  serve(EVENTS);
});

describe("HistoryScreen", () => {
  it("shows the default project's events newest first, with outcome words and unreadable targets above", async () => {
    serve(EVENTS, [{ target: "stg", targetLabel: "shop staging", error: { code: "database", message: "connection refused (127.0.0.1:5433)", fields: [] } }]);
    renderWithQuery(<HistoryScreen />);
    const rows = await screen.findAllByTestId("history-row");
    expect(historyLog).toHaveBeenCalledWith(SHOP, ALL);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent("shop prod");
    expect(rows[0]).toHaveTextContent("Production");
    expect(rows[0]).toHaveTextContent("roll back");
    expect(rows[0]).toHaveTextContent("20240102093000 add_orders");
    expect(rows[0]).toHaveTextContent("failed");
    expect(rows[0]).toHaveTextContent('relation "orders" is used by a view');
    // In UTC, as the timeline's log gives it, whatever the machine's time zone.
    expect(screen.getByRole("columnheader", { name: "Time (UTC)" })).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent("2025-03-02 10:00:00");
    expect(rows[1]).toHaveTextContent("ok");
    expect(rows[2]).toHaveTextContent("create_users");
    expect(screen.getByTestId("history-failure")).toHaveTextContent("The log of shop staging could not be read");
    expect(screen.getByTestId("history-failure")).toHaveTextContent("connection refused");
    expect(screen.getByTestId("history-count")).toHaveTextContent("3 events, newest first");
    expect(screen.getByTestId("history-project")).toHaveValue(SHOP);
  });

  it("filters by kind, outcome, target and migration text through the backend", async () => {
    const user = userEvent.setup();
    renderWithQuery(<HistoryScreen />);
    await screen.findAllByTestId("history-row");

    await user.selectOptions(screen.getByTestId("history-filter-kind"), "apply");
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(2));
    expect(historyLog).toHaveBeenLastCalledWith(SHOP, { ...ALL, kinds: ["apply"] });
    expect(screen.getByTestId("history-count")).toHaveTextContent("2 events match the filters");

    // The target picker still offers prod although no prod event is shown.
    const target = screen.getByTestId("history-filter-target");
    expect(within(target).getByRole("option", { name: "shop prod (Production)" })).toBeInTheDocument();

    await user.type(screen.getByTestId("history-filter-migration"), "create");
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(1));
    expect(historyLog).toHaveBeenLastCalledWith(SHOP, { ...ALL, kinds: ["apply"], migration: "create" });

    await user.click(screen.getByTestId("history-filter-clear"));
    await user.selectOptions(screen.getByTestId("history-filter-outcome"), "failed");
    await user.selectOptions(target, "prod");
    await waitFor(() => expect(historyLog).toHaveBeenLastCalledWith(SHOP, { ...ALL, targets: ["prod"], outcomes: ["failed"] }));
    expect(screen.getAllByTestId("history-row")).toHaveLength(1);

    await user.selectOptions(screen.getByTestId("history-filter-target"), "embedded");
    expect(await screen.findByText("No event matches the filters")).toBeInTheDocument();
  });

  it("exports with the filter shown and says where it wrote how many", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValue("/tmp/history.csv");
    vi.mocked(ipc.exportHistory).mockResolvedValue(42);
    const user = userEvent.setup();
    renderWithQuery(<HistoryScreen />);
    await screen.findAllByTestId("history-row");
    await user.selectOptions(screen.getByTestId("history-filter-outcome"), "ok");
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(2));

    await user.click(screen.getByTestId("history-export-csv"));
    expect(await screen.findByTestId("history-export-status")).toHaveTextContent("Exported 42 events to /tmp/history.csv");
    expect(chooseSaveFile).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: "strata-history-shop.csv" }));
    expect(ipc.exportHistory).toHaveBeenCalledWith(SHOP, { ...ALL, outcomes: ["ok"] }, "csv", "/tmp/history.csv");
  });

  it("does nothing when the save dialog is cancelled, and shows a failed export's reason", async () => {
    vi.mocked(chooseSaveFile).mockResolvedValueOnce(null).mockResolvedValueOnce("/root/h.json");
    vi.mocked(ipc.exportHistory).mockRejectedValue(new IpcFailure({ code: "io", message: "permission denied: /root/h.json" }));
    const user = userEvent.setup();
    renderWithQuery(<HistoryScreen />);
    await screen.findAllByTestId("history-row");
    await user.click(screen.getByTestId("history-export-json"));
    await waitFor(() => expect(chooseSaveFile).toHaveBeenCalledTimes(1));
    expect(ipc.exportHistory).not.toHaveBeenCalled();
    expect(screen.queryByTestId("history-export-status")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("history-export-json"));
    expect(await screen.findByTestId("history-export-status")).toHaveTextContent("The export failed: permission denied: /root/h.json");
    expect(ipc.exportHistory).toHaveBeenCalledWith(SHOP, ALL, "json", "/root/h.json");
  });

  it("renders only the visible slice of a long log, and shows the selected event in full", async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      ev("embedded", new Date(Date.UTC(2025, 0, 1, 0, 0, 5000 - i)).toISOString(), "apply", "ok", String(20240101000000 + i), `step_${i}`),
    );
    many[0] = ev("prod", "2025-06-01T00:00:00Z", "apply", "partial", "1", "bulk", "statement 3 failed:\nduplicate key value");
    serve(many);
    const user = userEvent.setup();
    renderWithQuery(<HistoryScreen />);
    const rows = await screen.findAllByTestId("history-row");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByRole("table")).toHaveAttribute("aria-rowcount", "5001");
    expect(screen.queryByText("step_4999")).not.toBeInTheDocument();

    await user.click(rows[0]!);
    const selected = screen.getByTestId("history-selected");
    expect(selected).toHaveTextContent("partial");
    expect(selected).toHaveTextContent("duplicate key value");
    expect(rows[0]).toHaveAttribute("aria-selected", "true");
  });

  it("switches project and remembers the choice for the session", async () => {
    const user = userEvent.setup();
    renderWithQuery(<HistoryScreen />);
    await screen.findAllByTestId("history-row");
    await user.selectOptions(screen.getByTestId("history-project"), "/home/dev/other");
    await waitFor(() => expect(historyLog).toHaveBeenLastCalledWith("/home/dev/other", ALL));
    expect(sessionStorage.getItem("strata.history.project")).toBe("/home/dev/other");
  });

  it("shows the backend's message when the log cannot be read", async () => {
    historyLog.mockRejectedValue(new IpcFailure({ code: "project", message: "no strata.toml in /home/dev/shop" }));
    renderWithQuery(<HistoryScreen />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The event log could not be read");
    expect(alert).toHaveTextContent("no strata.toml in /home/dev/shop");
  });
});
