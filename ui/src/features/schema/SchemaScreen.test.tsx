import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc } from "../../ipc/client";
import { renderWithQuery } from "../../test/render";
import { comparison, pgA, pgB, ROOT, schemaView, target, targetSchema, timelineOf } from "../../test/schemaFixtures";
import { SchemaScreen } from "./SchemaScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: {
    listProjects: vi.fn(),
    timeline: vi.fn(),
    schemaOf: vi.fn(),
    compareTargets: vi.fn(),
    writeGeneratedMigration: vi.fn(),
  },
}));

const schemaOf = vi.mocked(ipc.schemaOf);

beforeEach(() => {
  vi.mocked(ipc.listProjects).mockResolvedValue([{ root: ROOT, name: "shop", connections: 2, default: true }]);
  vi.mocked(ipc.timeline).mockResolvedValue(timelineOf([target(), pgA, pgB]));
  schemaOf.mockResolvedValue(targetSchema());
});

describe("browse", () => {
  it("shows the first database's tables, finds a column and shows an object's DDL", async () => {
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    const tree = await screen.findByTestId("schema-tree");
    expect(schemaOf).toHaveBeenCalledWith(ROOT, "embedded");
    expect(within(tree).getAllByTestId("schema-object").map((o) => o.dataset.name)).toEqual(["orders", "users"]);
    expect(screen.getByText("2 tables")).toBeInTheDocument();

    await user.type(screen.getByTestId("schema-search"), "email");
    await waitFor(() => expect(within(tree).getAllByTestId("schema-object").map((o) => o.dataset.name)).toEqual(["users"]));
    expect(within(tree).getByTestId("schema-part")).toHaveTextContent("email");

    await user.click(within(tree).getByRole("button", { name: "table users" }));
    const detail = screen.getByTestId("schema-detail");
    expect(detail).toHaveTextContent("main.users");
    expect(await within(detail).findByTestId("schema-ddl")).toHaveTextContent("CREATE TABLE users");

    await user.clear(screen.getByTestId("schema-search"));
    await user.type(screen.getByTestId("schema-search"), "zzz");
    expect(await screen.findByTestId("schema-no-match")).toHaveTextContent("Clear the search");
  });

  it("says what to do when the database has no tables", async () => {
    schemaOf.mockResolvedValue(targetSchema(schemaView({ tableCount: 0, ddl: "", namespaces: [{ name: "main", objects: [] }] })));
    renderWithQuery(<SchemaScreen />);
    expect(await screen.findByText("Demo database has no tables yet")).toBeInTheDocument();
    expect(screen.getByText(/Apply its migrations on the Timeline screen/)).toBeInTheDocument();
  });

  it("shows why a schema could not be read, and recovers on Retry", async () => {
    schemaOf.mockRejectedValueOnce(new IpcFailure({ code: "database", message: "connection refused" }));
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("could not be read");
    expect(alert).toHaveTextContent("connection refused");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("schema-tree")).toBeInTheDocument();
  });

  it("says how to get a database when the project has none", async () => {
    vi.mocked(ipc.timeline).mockResolvedValue(timelineOf([]));
    renderWithQuery(<SchemaScreen />);
    expect(await screen.findByText("No database to show")).toBeInTheDocument();
  });
});

describe("compare", () => {
  it("shows the differences with text labels and writes the generated migration", async () => {
    vi.mocked(ipc.compareTargets).mockResolvedValue(comparison());
    vi.mocked(ipc.writeGeneratedMigration).mockResolvedValue({
      version: "20261126080000",
      name: "make_pg_staging_like_pg_dev",
      upPath: `${ROOT}/migrations/20261126080000_make_pg_staging_like_pg_dev.up.sql`,
      downPath: `${ROOT}/migrations/20261126080000_make_pg_staging_like_pg_dev.down.sql`,
    });
    const user = userEvent.setup();
    const { client } = renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.selectOptions(screen.getByTestId("schema-target"), pgA.id);
    await user.selectOptions(screen.getByTestId("schema-compare-with"), pgB.id);

    const compare = await screen.findByTestId("schema-compare");
    expect(ipc.compareTargets).toHaveBeenCalledWith(ROOT, pgA.id, pgB.id);
    expect(screen.getByTestId("compare-summary")).toHaveTextContent("To make pg staging like pg dev: 2 added, 2 removed, 2 changed");
    const rows = within(compare).getAllByTestId("diff-row");
    const phone = rows.find((r) => r.dataset.name === "phone");
    expect(phone).toHaveTextContent("+added");
    expect(rows.find((r) => r.dataset.name === "audit")).toHaveTextContent("removed");

    const invalidate = vi.spyOn(client, "invalidateQueries");
    await user.click(screen.getByTestId("generate-migration"));
    const dialog = await screen.findByTestId("generate-dialog");
    expect(within(dialog).getByTestId("generate-name")).toHaveValue("make pg staging like pg dev");
    expect(await within(dialog).findByTestId("generate-up")).toHaveTextContent("ADD COLUMN");
    await user.click(within(dialog).getByTestId("generate-write"));
    expect(await screen.findByTestId("generate-written")).toHaveTextContent("20261126080000_make_pg_staging_like_pg_dev.up.sql");
    expect(ipc.writeGeneratedMigration).toHaveBeenCalledWith(
      ROOT,
      "make pg staging like pg dev",
      comparison().up,
      comparison().down,
    );
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["timeline", ROOT] });
  });

  it("keeps the dialog open with the backend's words when writing is refused", async () => {
    vi.mocked(ipc.compareTargets).mockResolvedValue(comparison());
    vi.mocked(ipc.writeGeneratedMigration).mockRejectedValue(
      new IpcFailure({ code: "io", message: "the migrations folder is read-only" }),
    );
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.selectOptions(screen.getByTestId("schema-compare-with"), pgB.id);
    await user.click(await screen.findByTestId("generate-migration"));
    await user.click(await screen.findByTestId("generate-write"));
    expect(await screen.findByTestId("generate-failure")).toHaveTextContent("the migrations folder is read-only");
    expect(screen.getByTestId("generate-dialog")).toBeInTheDocument();
  });

  it("says when two databases are the same and offers nothing to generate", async () => {
    vi.mocked(ipc.compareTargets).mockResolvedValue(comparison({ diff: { kind: "postgres", namespaces: [] }, counts: { added: 0, removed: 0, changed: 0 } }));
    const user = userEvent.setup();
    renderWithQuery(<SchemaScreen />);
    await screen.findByTestId("schema-tree");
    await user.selectOptions(screen.getByTestId("schema-target"), pgA.id);
    await user.selectOptions(screen.getByTestId("schema-compare-with"), pgB.id);
    expect(await screen.findByText("No differences")).toBeInTheDocument();
    expect(screen.getByTestId("generate-migration")).toBeDisabled();
  });
});
