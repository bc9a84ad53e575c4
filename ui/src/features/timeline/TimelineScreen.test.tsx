import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc } from "../../ipc/client";
import { migration, projectSummary } from "../../test/fixtures";
import { renderWithQuery } from "../../test/render";
import { TimelineScreen } from "./TimelineScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: { appInfo: vi.fn(), currentProject: vi.fn() },
}));

const currentProject = vi.mocked(ipc.currentProject);

describe("TimelineScreen", () => {
  beforeEach(() => {
    currentProject.mockReset();
  });

  it("shows the project, its migration count and one row per migration", async () => {
    currentProject.mockResolvedValue(projectSummary());
    renderWithQuery(<TimelineScreen />);

    expect(await screen.findByTestId("project-name")).toHaveTextContent("shop");
    expect(screen.getByTestId("migration-count")).toHaveTextContent(/^3$/);
    expect(screen.getByText("/home/dev/shop")).toBeInTheDocument();

    const table = screen.getByRole("table");
    const rows = within(table).getAllByRole("row").slice(1); // minus the header row
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent("20240101090000");
    expect(rows[0]).toHaveTextContent("create_users");
    expect(within(rows[0]!).getByText("down part")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("no down part")).toBeInTheDocument();
    // Honest about what is not there yet.
    expect(screen.getByText(/arrives with the migration engine/)).toBeInTheDocument();
  });

  it("renders only the visible slice of a long list", async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      migration(String(20240101000000 + i), `step_${i}`),
    );
    currentProject.mockResolvedValue(projectSummary({ migrations: many, migrationCount: 5000 }));
    renderWithQuery(<TimelineScreen />);

    expect(await screen.findByTestId("migration-count")).toHaveTextContent(/^5000$/);
    const table = screen.getByRole("table");
    expect(table).toHaveAttribute("aria-rowcount", "5001");
    const rendered = within(table).getAllByRole("row").length - 1;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    expect(within(table).getByText("step_0")).toBeInTheDocument();
    expect(within(table).queryByText("step_4999")).not.toBeInTheDocument();
  });

  it("says so when the project has no migrations", async () => {
    currentProject.mockResolvedValue(projectSummary({ migrations: [], migrationCount: 0 }));
    renderWithQuery(<TimelineScreen />);
    expect(await screen.findByTestId("migration-count")).toHaveTextContent(/^0$/);
    expect(screen.getByText("No migrations yet")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows the backend's message and code on failure, and recovers on Retry", async () => {
    currentProject.mockRejectedValue(
      new IpcFailure({ code: "project", message: "no strata.toml in /home/dev/shop" }),
    );
    renderWithQuery(<TimelineScreen />);

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The project could not be opened");
    expect(alert).toHaveTextContent("no strata.toml in /home/dev/shop");
    expect(alert).toHaveTextContent("project");
    expect(alert).toHaveTextContent(/strata\.toml could not be read/);
    expect(screen.queryByTestId("migration-count")).not.toBeInTheDocument();

    currentProject.mockResolvedValue(projectSummary());
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.getByTestId("project-name")).toHaveTextContent("shop"));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(currentProject).toHaveBeenCalledTimes(2);
  });
});
