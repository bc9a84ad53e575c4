import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  IpcFailure,
  ipc,
  type MigrationDetail,
  type TargetEvent,
  type TimelineTarget,
} from "../../../ipc/client";
import { renderWithQuery } from "../../../test/render";
import { MigrationDetailPane } from "./index";

vi.mock("../../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../ipc/client")>()),
  ipc: { migrationDetail: vi.fn() },
}));

const migrationDetail = vi.mocked(ipc.migrationDetail);

beforeAll(() => {
  // jsdom lays nothing out and has no Range rects: CodeMirror measures text ranges when it
  // scrolls to a line.
  const range = Range.prototype as Partial<Range>;
  if (typeof range.getClientRects !== "function") {
    Object.defineProperty(Range.prototype, "getClientRects", { configurable: true, value: () => [] });
  }
  if (typeof range.getBoundingClientRect !== "function") {
    Object.defineProperty(Range.prototype, "getBoundingClientRect", {
      configurable: true,
      value: () => new DOMRect(0, 0, 0, 0),
    });
  }
});

const UP = [
  "-- strata:description Orders and their lines",
  "create table orders (",
  "  id bigint primary key",
  ");",
  "",
  "create index orders_id on orders (id); insert into orders values (1);",
].join("\n");

const DOWN = "drop table orders;\n";

function target(id: string, overrides: Partial<TimelineTarget> = {}): TimelineTarget {
  return {
    id,
    label: id === "embedded" ? "Demo database" : `Staging ${id}`,
    engine: "postgres",
    tier: id === "embedded" ? "development" : "staging",
    colour: null,
    location: "localhost/shop",
    protection: { readOnly: false, confirmName: null },
    current: null,
    foreign: null,
    error: null,
    readMs: 2,
    ...overrides,
  };
}

function targetEvent(at: string, overrides: Partial<TargetEvent["event"]> = {}, where = "embedded"): TargetEvent {
  return {
    target: where,
    targetLabel: where === "embedded" ? "Demo database" : `Staging ${where}`,
    tier: where === "embedded" ? "development" : "staging",
    event: {
      runId: `run-${at}`,
      at,
      kind: "apply",
      version: "20240102093000",
      name: "add_orders",
      outcome: "ok",
      durationMs: 42,
      error: null,
      detail: null,
      actor: "dev@laptop",
      ...overrides,
    },
  };
}

function detail(overrides: Partial<MigrationDetail> = {}): MigrationDetail {
  return {
    version: "20240102093000",
    name: "add_orders",
    description: "Orders and their lines",
    author: "Ada",
    up: {
      path: "/home/dev/shop/migrations/20240102093000_add_orders.up.sql",
      sql: UP,
      partSql: UP,
      statements: [
        { index: 1, line: 2, column: 1, sql: "create table orders (\n  id bigint primary key\n);" },
        { index: 2, line: 6, column: 1, sql: "create index orders_id on orders (id);" },
        { index: 3, line: 6, column: 40, sql: "insert into orders values (1);" },
      ],
      noTransaction: false,
    },
    down: {
      path: "/home/dev/shop/migrations/20240102093000_add_orders.down.sql",
      sql: DOWN,
      partSql: DOWN,
      statements: [{ index: 1, line: 1, column: 1, sql: "drop table orders;" }],
      noTransaction: false,
    },
    checks: [],
    stored: [],
    events: [],
    failures: [],
    ...overrides,
  };
}

const TARGETS = [target("embedded"), target("c1")];

function renderPane(props: Partial<Parameters<typeof MigrationDetailPane>[0]> = {}) {
  const onClose = vi.fn();
  const view = renderWithQuery(
    <MigrationDetailPane
      project="/home/dev/shop"
      version="20240102093000"
      targets={TARGETS}
      onClose={onClose}
      {...props}
    />,
  );
  return { onClose, ...view };
}

describe("MigrationDetailPane", () => {
  beforeEach(() => {
    migrationDetail.mockReset();
  });

  it("asks for the project's migration and shows its header and actions", async () => {
    migrationDetail.mockResolvedValue(detail());
    renderPane({ actions: <button type="button">Apply up to here</button> });

    expect(screen.getByRole("status")).toHaveTextContent("Reading migration 20240102093000");
    const pane = screen.getByTestId("detail-pane");
    expect(await within(pane).findByRole("heading", { name: "add_orders" })).toBeInTheDocument();
    expect(migrationDetail).toHaveBeenCalledWith("/home/dev/shop", "20240102093000");
    expect(pane).toHaveTextContent("20240102093000");
    expect(pane).toHaveTextContent("Orders and their lines");
    expect(pane).toHaveTextContent("Author: Ada");
    expect(within(pane).getByRole("button", { name: "Apply up to here" })).toBeInTheDocument();
  });

  it("shows the up SQL read-only with line numbers and each statement's number at its line", async () => {
    migrationDetail.mockResolvedValue(detail());
    const { container } = renderPane();

    const editor = await screen.findByTestId("sql-editor");
    const content = editor.querySelector(".cm-content");
    expect(content).toHaveTextContent("create table orders (");
    expect(content).toHaveAttribute("aria-readonly", "true");
    expect(content).toHaveAttribute("aria-label", expect.stringContaining("Up SQL of 20240102093000"));
    const lineNumbers = [...editor.querySelectorAll(".cm-lineNumbers .cm-gutterElement")].map((e) => e.textContent);
    expect(lineNumbers).toEqual(expect.arrayContaining(["1", "2", "6"]));
    const markers = [...editor.querySelectorAll(".cm-statement-marker[data-statements]")].map((e) => e.textContent);
    expect(markers).toEqual(["1", "2,3"]);
    expect(screen.getByText("3 statements as split for PostgreSQL")).toBeInTheDocument();

    // The list names each statement with its line; picking one shades its lines.
    expect(screen.getByTestId("detail-statement-1")).toHaveTextContent("line 2");
    expect(screen.getByTestId("detail-statement-3")).toHaveTextContent("insert into orders values (1);");
    expect(container.querySelectorAll(".cm-statement-focus")).toHaveLength(0);
    await userEvent.click(screen.getByTestId("detail-statement-1"));
    expect(container.querySelectorAll(".cm-statement-focus")).toHaveLength(3);
    expect(screen.getByTestId("detail-statement-1")).toHaveAttribute("aria-current", "true");
    expect(screen.getByTestId("detail-statement-2")).not.toHaveAttribute("aria-current");
  });

  it("renders only the visible slice of a long statement list", async () => {
    const statements = Array.from({ length: 2000 }, (_, i) => ({
      index: i + 1,
      line: i + 1,
      column: 1,
      sql: `insert into t values (${i + 1});`,
    }));
    const sql = statements.map((s) => s.sql).join("\n");
    migrationDetail.mockResolvedValue(detail({ up: { ...detail().up!, sql, statements } }));
    renderPane();

    expect(await screen.findByTestId("detail-statement-1")).toHaveTextContent("insert into t values (1);");
    const list = screen.getByRole("list", { name: "Statements" });
    const rendered = within(list).getAllByRole("listitem");
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(100);
    expect(rendered[0]).toHaveAttribute("aria-setsize", "2000");
    expect(screen.queryByTestId("detail-statement-2000")).not.toBeInTheDocument();
  });

  it("highlights in the first target's dialect", async () => {
    const sql = "create table t (id int auto_increment);";
    const withSql = detail({ up: { ...detail().up!, sql, statements: [{ index: 1, line: 1, column: 1, sql }] } });
    migrationDetail.mockResolvedValue(withSql);
    const styled = async (engine: TimelineTarget["engine"]) => {
      const view = renderPane({ targets: [target("embedded", { engine })] });
      const editor = await screen.findByTestId("sql-editor");
      await waitFor(() => expect(editor.querySelector(".cm-line span")).not.toBeNull());
      const word = [...editor.querySelectorAll(".cm-line span")].find((s) => s.textContent === "auto_increment");
      view.unmount();
      return word !== undefined;
    };
    // AUTO_INCREMENT is a MySQL keyword; PostgreSQL reads it as a plain name.
    expect(await styled("mysql")).toBe(true);
    expect(await styled("postgres")).toBe(false);
  });

  it("switches to the down part, and says so when there is none or the file is gone", async () => {
    migrationDetail.mockResolvedValue(detail());
    const first = renderPane();
    await userEvent.click(await screen.findByRole("button", { name: "Down" }));
    expect(screen.getByTestId("sql-editor").querySelector(".cm-content")).toHaveTextContent("drop table orders;");
    expect(screen.getByTestId("detail-statement-1")).toHaveTextContent("drop table orders;");
    first.unmount();

    migrationDetail.mockResolvedValue(detail({ down: null }));
    const second = renderPane();
    await userEvent.click(await screen.findByRole("button", { name: "Down (none)" }));
    expect(screen.getByText("No down part: this migration cannot be rolled back")).toBeInTheDocument();
    expect(screen.queryByTestId("sql-editor")).not.toBeInTheDocument();
    second.unmount();

    migrationDetail.mockResolvedValue(detail({ up: null, down: null }));
    renderPane();
    expect(await screen.findByText("File missing")).toBeInTheDocument();
    // With the whole file gone, the down part is missing too, not "cannot be rolled back".
    await userEvent.click(screen.getByRole("button", { name: "Down (none)" }));
    expect(screen.getByText("File missing")).toBeInTheDocument();
    expect(screen.queryByText(/cannot be rolled back/)).not.toBeInTheDocument();
  });

  it("lists checks with a level word, place and engine, and jumps to their line", async () => {
    migrationDetail.mockResolvedValue(
      detail({
        checks: [
          {
            kind: "cannotRunInTransaction",
            level: "warning",
            message: "CREATE INDEX CONCURRENTLY cannot run inside a transaction",
            direction: "up",
            line: 6,
            engine: "postgres",
          },
          { kind: "missingDown", level: "info", message: "no down part", direction: null, line: null, engine: null },
        ],
      }),
    );
    const { container } = renderPane();
    await userEvent.click(await screen.findByTestId("detail-tab-checks"));
    expect(screen.getByTestId("detail-tab-checks")).toHaveTextContent("Checks2");

    const [warning, info] = screen.getAllByTestId("detail-check");
    expect(warning).toHaveTextContent("Warning");
    expect(warning).toHaveTextContent("Cannot run in a transaction");
    expect(warning).toHaveTextContent("up part, line 6");
    expect(warning).toHaveTextContent("PostgreSQL only");
    expect(warning?.querySelector('[data-icon="alert"]')).not.toBeNull();
    expect(info).toHaveTextContent("Info");
    expect(info).toHaveTextContent("Every engine");

    await userEvent.click(within(warning!).getByRole("button", { name: "Show in SQL" }));
    expect(screen.getByTestId("detail-tab-sql")).toHaveAttribute("aria-selected", "true");
    expect(container.querySelectorAll(".cm-statement-focus")).toHaveLength(1);
  });

  it("says when there are no checks", async () => {
    migrationDetail.mockResolvedValue(detail());
    renderPane();
    await userEvent.click(await screen.findByTestId("detail-tab-checks"));
    expect(screen.getByText("No checks")).toBeInTheDocument();
  });

  it("diffs the SQL a target stored against the file, and says when a target matches", async () => {
    migrationDetail.mockResolvedValue(
      detail({
        stored: [
          { target: "embedded", upSql: UP, downSql: DOWN, checksum: "a", upMatchesFile: true, downMatchesFile: true },
          {
            target: "c1",
            upSql: UP.replace("bigint", "integer"),
            downSql: DOWN,
            checksum: "b",
            upMatchesFile: false,
            downMatchesFile: true,
          },
        ],
      }),
    );
    renderPane();
    await userEvent.click(await screen.findByTestId("detail-tab-changes"));
    expect(screen.getByTestId("detail-tab-changes")).toHaveTextContent("1 differ");

    // It opens on the target that differs.
    const diff = screen.getByTestId("detail-diff-c1");
    await within(diff).findByTestId("sql-diff"); // the merge view loads on first use
    expect(diff).toHaveTextContent("As applied in Staging c1");
    expect(diff).toHaveTextContent("File now");
    const editors = diff.querySelectorAll(".cm-mergeView .cm-content");
    expect(editors).toHaveLength(2);
    expect(editors[0]).toHaveTextContent("id integer primary key");
    expect(editors[1]).toHaveTextContent("id bigint primary key");
    expect(editors[0]).toHaveAttribute("aria-readonly", "true");
    expect(within(diff).getByText("The stored SQL matches the file.")).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Database" }), "embedded");
    expect(screen.queryByTestId("detail-diff-c1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("detail-diff-embedded")).not.toBeInTheDocument();
    expect(screen.getByTestId("detail-changes-embedded")).toHaveTextContent(
      "The up and down SQL stored in Demo database when it was applied match the files now.",
    );
    expect(screen.getByTestId("detail-changes-embedded")).toHaveTextContent("Matches the files");
  });

  it("says when no database has the migration applied", async () => {
    migrationDetail.mockResolvedValue(detail());
    renderPane();
    await userEvent.click(await screen.findByTestId("detail-tab-changes"));
    expect(screen.getByText("Not applied anywhere")).toBeInTheDocument();
    expect(screen.queryByRole("combobox")).not.toBeInTheDocument();
  });

  it("lists events newest first with outcome words, and the databases it could not read", async () => {
    migrationDetail.mockResolvedValue(
      detail({
        events: [
          targetEvent("2024-01-02T10:00:00.000Z"),
          targetEvent(
            "2024-03-05T08:15:30.250Z",
            { outcome: "failed", durationMs: 1500, error: "relation \"orders\" already exists\nat line 2", detail: "statement 1 of 3" },
            "c1",
          ),
        ],
        failures: [
          {
            target: "c2",
            targetLabel: "Production",
            error: { code: "passwordNeeded", message: "Production needs its password for this session", fields: [] },
          },
        ],
      }),
    );
    renderPane();
    await userEvent.click(await screen.findByTestId("detail-tab-log"));

    const rows = screen.getAllByTestId("detail-event");
    expect(rows).toHaveLength(2);
    const [newest, oldest] = rows;
    expect(newest).toHaveTextContent("2024-03-05 08:15:30 UTC");
    expect(newest).toHaveTextContent("Staging c1");
    expect(newest).toHaveTextContent("Staging"); // its tier
    expect(newest).toHaveTextContent("apply");
    // The outcome badge: its icon and its word.
    expect(newest?.querySelector('[data-icon="failed"]')?.parentElement).toHaveTextContent(/^failed$/);
    expect(newest).toHaveTextContent("1.5 s");
    expect(newest).toHaveTextContent("dev@laptop");
    expect(newest).toHaveTextContent("statement 1 of 3");
    expect(oldest?.querySelector('[data-icon="ok"]')?.parentElement).toHaveTextContent(/^ok$/);
    expect(oldest).toHaveTextContent("Development");
    expect(oldest).toHaveTextContent("42 ms");

    // The error shows its first line until expanded.
    expect(newest).not.toHaveTextContent("at line 2");
    await userEvent.click(within(newest!).getByRole("button", { name: "Show error" }));
    expect(within(newest!).getByRole("button", { name: "Hide error" })).toHaveAttribute("aria-expanded", "true");
    expect(screen.getAllByTestId("detail-event")[0]).toHaveTextContent("at line 2");

    const failure = screen.getByTestId("detail-failure");
    expect(failure).toHaveTextContent("Not read");
    expect(failure).toHaveTextContent("Production");
    expect(failure).toHaveTextContent("Production needs its password for this session");
    expect(screen.getByText("1 database not read")).toBeInTheDocument();
  });

  it("shows a failure with the backend's words and retries", async () => {
    migrationDetail
      .mockRejectedValueOnce(new IpcFailure({ code: "notFound", message: "shop has no migration 20240102093000" }))
      .mockResolvedValueOnce(detail());
    renderPane();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Migration 20240102093000 could not be read");
    expect(alert).toHaveTextContent("shop has no migration 20240102093000");
    expect(alert).toHaveTextContent("notFound");
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("heading", { name: "add_orders" })).toBeInTheDocument();
    expect(migrationDetail).toHaveBeenCalledTimes(2);
  });

  it("closes with its button and with Escape, but leaves Escape to an open dialog", async () => {
    migrationDetail.mockResolvedValue(detail());
    const { onClose } = renderPane();
    await screen.findByRole("heading", { name: "add_orders" });

    await userEvent.click(screen.getByRole("button", { name: "Close the migration detail" }));
    expect(onClose).toHaveBeenCalledTimes(1);

    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(2);

    const modal = document.createElement("div");
    modal.setAttribute("aria-modal", "true");
    document.body.append(modal);
    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(2);
    modal.remove();

    const search = document.createElement("input");
    document.body.append(search);
    fireEvent.keyDown(search, { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(2);
    search.remove();
  });

  it("moves between tabs with the arrow keys", async () => {
    migrationDetail.mockResolvedValue(detail());
    renderPane();
    const sql = await screen.findByTestId("detail-tab-sql");
    sql.focus();
    await userEvent.keyboard("{ArrowRight}");
    expect(screen.getByTestId("detail-tab-checks")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("detail-tab-checks")).toHaveFocus();
    await userEvent.keyboard("{End}");
    expect(screen.getByTestId("detail-tab-log")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("detail-panel-log")).toBeInTheDocument();
  });
});
