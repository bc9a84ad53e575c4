import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc } from "../../ipc/client";
import { renderWithQuery } from "../../test/render";
import { bigTimeline, prodTarget, projectRef, ROOT, row, target, timeline } from "./fixtures";
import { PROJECT_STORAGE_KEY } from "./ProjectPicker";
import { TimelineScreen } from "./TimelineScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: {
    listProjects: vi.fn(),
    timeline: vi.fn(),
    newMigration: vi.fn(),
    migrationDetail: vi.fn(),
    planRun: vi.fn(),
  },
}));

const listProjects = vi.mocked(ipc.listProjects);
const readTimeline = vi.mocked(ipc.timeline);
const OTHER = "/home/dev/billing";

beforeEach(() => {
  window.sessionStorage.clear();
  // The detail pane reads the selected migration; the run view plans before it runs.
  vi.mocked(ipc.migrationDetail).mockImplementation((_project, version) => {
    const found = timeline().rows.find((r) => r.version === version);
    return Promise.resolve({
      version,
      name: found?.name ?? "added_later",
      description: null,
      author: null,
      up: null,
      down: null,
      checks: [],
      stored: [],
      events: [],
      failures: [],
    });
  });
  vi.mocked(ipc.planRun).mockReturnValue(new Promise(() => {}));
  listProjects.mockResolvedValue([projectRef(), projectRef({ root: OTHER, name: "billing", default: false })]);
  readTimeline.mockResolvedValue(timeline());
});

async function renderScreen() {
  const user = userEvent.setup();
  const view = renderWithQuery(<TimelineScreen />);
  await screen.findByTestId("timeline-grid");
  return { user, ...view };
}

describe("project picker", () => {
  it("shows the default project and remembers another choice for the session", async () => {
    const { user } = await renderScreen();
    const picker = screen.getByTestId("project-picker");
    expect(picker).toHaveValue(ROOT);
    expect(readTimeline).toHaveBeenCalledWith(ROOT);

    readTimeline.mockResolvedValue(timeline({ rows: [row("1", "billing_start", ["pending", "pending"])] }));
    await user.selectOptions(picker, OTHER);
    expect(await screen.findByTestId("migration-1")).toHaveTextContent("billing_start");
    expect(readTimeline).toHaveBeenLastCalledWith(OTHER);
    expect(window.sessionStorage.getItem(PROJECT_STORAGE_KEY)).toBe(OTHER);
  });

  it("opens the remembered project when it is still known", async () => {
    window.sessionStorage.setItem(PROJECT_STORAGE_KEY, OTHER);
    await renderScreen();
    expect(screen.getByTestId("project-picker")).toHaveValue(OTHER);
    expect(readTimeline).toHaveBeenCalledWith(OTHER);
    expect(readTimeline).not.toHaveBeenCalledWith(ROOT);
  });

  it("shows why the timeline could not be read, and recovers on Retry", async () => {
    readTimeline.mockRejectedValueOnce(new IpcFailure({ code: "project", message: "no strata.toml in /home/dev/shop" }));
    const user = userEvent.setup();
    renderWithQuery(<TimelineScreen />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The timeline could not be read");
    expect(alert).toHaveTextContent("no strata.toml in /home/dev/shop");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("timeline-grid")).toBeInTheDocument();
  });
});

describe("header", () => {
  it("shows each target's tier, engine, version, protection and counts", async () => {
    await renderScreen();
    const embedded = screen.getByTestId("target-embedded");
    expect(embedded).toHaveTextContent("Embedded");
    expect(embedded).toHaveTextContent("Development");
    expect(embedded).toHaveTextContent("SQLite");
    expect(embedded).toHaveTextContent("at 20240103100000");
    expect(screen.getByTestId("target-counts-embedded")).toHaveTextContent("2 applied · 1 pending · 1 modified");

    const prod = screen.getByTestId(`target-${prodTarget().id}`);
    expect(prod).toHaveTextContent("Production");
    expect(prod).toHaveTextContent("PostgreSQL");
    expect(prod).toHaveTextContent("confirm by name");
    expect(prod).not.toHaveTextContent("read-only");
    expect(prod).toHaveAttribute("data-tier", "production");
  });

  it("gives an unreadable target a short reason, the message on hover, and a Retry", async () => {
    const broken = prodTarget({
      protection: { readOnly: true, confirmName: "shop" },
      error: { code: "passwordNeeded", message: "shop prod asks for its password each session", fields: [] },
    });
    readTimeline.mockResolvedValue(
      timeline({ targets: [target(), broken], rows: [row("1", "create_users", ["applied", null])] }),
    );
    const { user } = await renderScreen();
    const header = screen.getByTestId(`target-${broken.id}`);
    expect(header).toHaveTextContent("Needs its password");
    expect(header).toHaveTextContent("version unknown");
    expect(header).toHaveTextContent("read-only");
    expect(within(header).getByTitle("shop prod asks for its password each session")).toBeInTheDocument();
    expect(screen.getByTestId(`cell-1-${broken.id}`)).toHaveAttribute("data-state", "unknown");
    expect(screen.getByTestId(`cell-1-${broken.id}`)).toHaveTextContent("unknown");

    readTimeline.mockResolvedValue(timeline());
    await user.click(screen.getByTestId(`target-retry-${broken.id}`));
    await waitFor(() => expect(screen.queryByTestId(`target-error-${broken.id}`)).not.toBeInTheDocument());
    expect(readTimeline).toHaveBeenCalledTimes(2);
  });
});

describe("rows", () => {
  it("shows each migration with its markers and one labelled cell per target", async () => {
    await renderScreen();
    const first = screen.getByTestId("migration-20240101090000");
    expect(first).toHaveTextContent("create_users");
    expect(first).toHaveTextContent("Users and their emails · by alice");
    const cell = screen.getByTestId("cell-20240101090000-embedded");
    expect(cell).toHaveAttribute("data-state", "applied");
    expect(cell).toHaveTextContent("applied");
    expect(cell).toHaveTextContent("alice · 42 ms");
    expect(within(cell).getByTitle(/^Applied 2024-03-01 10:00:00 UTC, by alice@build-box, took 42 ms$/)).toBeInTheDocument();

    expect(screen.getByTestId("cell-20240103100000-embedded")).toHaveAttribute("data-state", "modified");
    expect(screen.getByTestId("migration-20240103100000")).toHaveTextContent("no down part");
    expect(screen.getByTestId("migration-20240104110000")).toHaveTextContent("no transaction");
    expect(screen.getByTestId("timeline-count")).toHaveTextContent("4 migrations");
  });

  it("marks a row whose file is gone", async () => {
    readTimeline.mockResolvedValue(
      timeline({ targets: [target()], rows: [row("7", "dropped", ["missingFile"], { onDisk: false, reversible: false })] }),
    );
    await renderScreen();
    expect(screen.getByTestId("migration-7")).toHaveTextContent("file missing");
    expect(screen.getByTestId("migration-7")).not.toHaveTextContent("no down part");
    expect(screen.getByTestId("cell-7-embedded")).toHaveAttribute("data-state", "missingFile");
  });

  it("renders only a slice of 5,000 rows", async () => {
    readTimeline.mockResolvedValue(bigTimeline(5000));
    await renderScreen();
    const grid = screen.getByTestId("timeline-grid");
    expect(grid).toHaveAttribute("aria-rowcount", "5001");
    const rendered = within(grid).getAllByRole("row").length - 1;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(60);
    expect(screen.getByTestId("migration-20240101000000")).toBeInTheDocument();
    expect(screen.queryByTestId("migration-20240101004999")).not.toBeInTheDocument();
    expect(screen.getByTestId("timeline-count")).toHaveTextContent("5,000 migrations");
  });
});

describe("filter", () => {
  it("filters by state in any target and by text, with a count", async () => {
    const { user } = await renderScreen();
    await user.selectOptions(screen.getByTestId("timeline-filter-state"), "modified");
    await waitFor(() => expect(screen.getByTestId("timeline-count")).toHaveTextContent("1 of 4 migrations"));
    expect(screen.getByTestId("migration-20240103100000")).toBeInTheDocument();
    expect(screen.queryByTestId("migration-20240101090000")).not.toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("timeline-filter-state"), "any");
    await user.type(screen.getByTestId("timeline-filter-text"), "ORDER");
    await waitFor(() => expect(screen.getByTestId("timeline-count")).toHaveTextContent("2 of 4 migrations"));

    await user.type(screen.getByTestId("timeline-filter-text"), "zzz");
    expect(await screen.findByText("No migration matches the filter")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Clear the filter" }));
    await waitFor(() => expect(screen.getByTestId("timeline-count")).toHaveTextContent("4 migrations"));
    expect(screen.getByTestId("timeline-filter-text")).toHaveValue("");
  });
});

describe("refresh", () => {
  it("reads the files and every database's history again", async () => {
    const { user } = await renderScreen();
    expect(readTimeline).toHaveBeenCalledTimes(1);
    readTimeline.mockResolvedValue(timeline({ rows: [row("9", "edited_on_disk", ["modified", "applied"])] }));
    await user.click(screen.getByTestId("timeline-refresh"));
    expect(await screen.findByTestId("migration-9")).toHaveTextContent("edited_on_disk");
    expect(readTimeline).toHaveBeenCalledTimes(2);
  });
});

describe("keyboard and selection", () => {
  it("moves the selection with the arrow keys and opens the detail with Enter", async () => {
    const { user } = await renderScreen();
    const grid = screen.getByTestId("timeline-grid");
    grid.focus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByTestId("migration-20240101090000")).toHaveAttribute("aria-selected", "true");
    expect(grid.getAttribute("aria-activedescendant")).toBe(screen.getByTestId("migration-20240101090000").id);
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(screen.getByTestId("migration-20240103100000")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("migration-20240101090000")).toHaveAttribute("aria-selected", "false");
    expect(screen.queryByTestId("timeline-detail")).not.toBeInTheDocument();

    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByTestId("timeline-detail")).toHaveTextContent("backfill_order_totals"));
    await user.keyboard("{ArrowUp}");
    await waitFor(() => expect(screen.getByTestId("timeline-detail")).toHaveTextContent("add_orders")); // the pane follows
    screen.getByTestId("timeline-grid").focus();
    await user.keyboard("{End}");
    expect(screen.getByTestId("migration-20240104110000")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}"); // stays on the last row
    expect(screen.getByTestId("migration-20240104110000")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Home}");
    expect(screen.getByTestId("migration-20240101090000")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("timeline-detail")).not.toBeInTheDocument();
  });

  it("opens the detail on a click", async () => {
    const { user } = await renderScreen();
    await user.click(screen.getByTestId("migration-20240102093000"));
    expect(screen.getByTestId("migration-20240102093000")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("timeline-detail")).toHaveTextContent("20240102093000");
    expect(screen.getByTestId("timeline-grid")).toHaveFocus();
  });
});

describe("row actions", () => {
  it("lists each target's actions, disabled ones with their reason, and hands on the chosen one", async () => {
    const { user } = await renderScreen();
    const grid = screen.getByTestId("timeline-grid");
    await user.click(screen.getByTestId("migration-20240102093000"));
    grid.focus();
    await user.keyboard("{Shift>}{F10}{/Shift}");
    const menu = await screen.findByTestId("row-actions-menu");
    expect(within(menu).getAllByRole("group").map((g) => g.getAttribute("aria-labelledby"))).toHaveLength(2);

    const rollback = within(menu).getByTestId("action-rollback-embedded");
    expect(rollback).not.toHaveAttribute("aria-disabled");
    expect(rollback).toHaveFocus(); // the first enabled item

    const redo = within(menu).getByTestId("action-redo-embedded");
    expect(redo).toHaveAttribute("aria-disabled", "true");
    expect(redo).toHaveAttribute("title", "Redo is for the newest applied migration only (20240103100000).");
    expect(redo).toHaveAccessibleDescription(/newest applied migration only/);
    await user.click(redo);
    expect(screen.getByTestId("row-actions-menu")).toBeInTheDocument(); // a disabled item does nothing

    rollback.focus();
    await user.keyboard("{Enter}");
    expect(screen.queryByTestId("row-actions-menu")).not.toBeInTheDocument();
    expect(await screen.findByTestId("run-view")).toBeInTheDocument();
    expect(ipc.planRun).toHaveBeenCalledWith(
      expect.objectContaining({
        project: ROOT,
        target: "embedded",
        action: { kind: "downTo", version: "20240102093000" },
      }),
    );
  });

  it("closes with Escape and gives focus back to its button", async () => {
    const { user } = await renderScreen();
    const button = screen.getByTestId("row-actions-20240104110000");
    await user.click(button);
    // Apply is disabled here (a modified migration comes before it): Baseline is the first enabled.
    expect(screen.getByTestId("action-apply-embedded")).toHaveAttribute("aria-disabled", "true");
    expect(screen.getByTestId("action-baseline-embedded")).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByTestId("action-repair-embedded")).toHaveFocus();
    await user.keyboard("{End}");
    expect(screen.getByTestId(`action-resolve-${prodTarget().id}`)).toHaveFocus();
    await user.keyboard("{ArrowDown}"); // wraps around
    expect(screen.getByTestId("action-apply-embedded")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("row-actions-menu")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });

  it("offers Apply all pending per target in the header", async () => {
    const { user } = await renderScreen();
    await user.click(screen.getByTestId(`apply-all-${prodTarget().id}`));
    expect(await screen.findByTestId("run-view")).toBeInTheDocument();
    expect(ipc.planRun).toHaveBeenCalledWith(
      expect.objectContaining({ target: prodTarget().id, action: { kind: "latest" } }),
    );
  });
});

describe("new migration", () => {
  it("checks the name before sending it", async () => {
    const { user } = await renderScreen();
    await user.click(screen.getByTestId("new-migration"));
    const dialog = screen.getByTestId("new-migration-dialog");
    expect(screen.getByTestId("new-migration-name")).toHaveFocus();

    await user.click(within(dialog).getByTestId("new-migration-create"));
    expect(screen.getByTestId("new-migration-error")).toHaveTextContent("Enter a name");
    await user.type(screen.getByTestId("new-migration-name"), "../users");
    expect(screen.getByTestId("new-migration-error")).toHaveTextContent("cannot hold");
    await user.clear(screen.getByTestId("new-migration-name"));
    await user.type(screen.getByTestId("new-migration-name"), "café");
    expect(screen.getByTestId("new-migration-error")).toHaveTextContent("“é”");
    await user.click(within(dialog).getByTestId("new-migration-create"));
    expect(ipc.newMigration).not.toHaveBeenCalled();
  });

  it("creates the pair, refreshes the timeline and selects the new row", async () => {
    const { user } = await renderScreen();
    // A filter that would hide the new row is cleared.
    await user.type(screen.getByTestId("timeline-filter-text"), "users");
    vi.mocked(ipc.newMigration).mockResolvedValue({
      version: "20240105120000",
      name: "add_invoices",
      upPath: `${ROOT}/migrations/20240105120000_add_invoices.up.sql`,
      downPath: `${ROOT}/migrations/20240105120000_add_invoices.down.sql`,
    });
    const before = timeline();
    readTimeline.mockResolvedValue({
      ...before,
      rows: [...before.rows, row("20240105120000", "add_invoices", ["pending", "pending"])],
    });

    await user.click(screen.getByTestId("new-migration"));
    await user.type(screen.getByTestId("new-migration-name"), "Add invoices");
    expect(screen.getByTestId("new-migration-dialog")).toHaveTextContent("<version>_add_invoices.up.sql");
    await user.keyboard("{Enter}");

    await waitFor(() => expect(screen.queryByTestId("new-migration-dialog")).not.toBeInTheDocument());
    expect(ipc.newMigration).toHaveBeenCalledWith(ROOT, "Add invoices");
    expect(readTimeline).toHaveBeenCalledTimes(2);
    const created = await screen.findByTestId("migration-20240105120000");
    expect(created).toHaveAttribute("aria-selected", "true");
    await waitFor(() => expect(screen.getByTestId("timeline-detail")).toHaveTextContent("20240105120000"));
    expect(screen.getByTestId("timeline-filter-text")).toHaveValue("");
  });

  it("keeps the backend's refusal in the dialog", async () => {
    vi.mocked(ipc.newMigration).mockRejectedValue(
      new IpcFailure({ code: "project", message: "Flyway's layout has no `strata new`: name the file V<n>__<name>.sql yourself" }),
    );
    const { user } = await renderScreen();
    await user.click(screen.getByTestId("new-migration"));
    await user.type(screen.getByTestId("new-migration-name"), "add invoices");
    await user.click(screen.getByTestId("new-migration-create"));
    expect(await screen.findByTestId("new-migration-failure")).toHaveTextContent("Flyway's layout has no `strata new`");
    expect(screen.getByTestId("new-migration-dialog")).toBeInTheDocument();
  });
});
