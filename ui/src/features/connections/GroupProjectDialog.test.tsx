import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc } from "../../ipc/client";
import { chooseFolder } from "../../platform/dialog";
import { appInfo, connectionProfile, connectionRow, connectionSection, projectSummary } from "../../test/fixtures";
import { renderWithQuery } from "../../test/render";
import { ConnectionsScreen } from "./ConnectionsScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: {
    appInfo: vi.fn(),
    currentProject: vi.fn(),
    listConnections: vi.fn(),
    setGroupProject: vi.fn(),
  },
}));
vi.mock("../../platform/dialog", () => ({
  chooseFile: vi.fn(),
  chooseFolder: vi.fn(),
  chooseSaveFile: vi.fn(),
}));

const shop = connectionProfile({ id: "s".repeat(32), name: "shop staging", group: "shop" });
const blog = connectionProfile({ id: "b".repeat(32), name: "blog dev", group: "blog" });
const local = connectionProfile({ id: "l".repeat(32), name: "local" });

beforeEach(() => {
  vi.mocked(ipc.currentProject).mockResolvedValue(projectSummary());
  vi.mocked(ipc.appInfo).mockResolvedValue(appInfo());
  vi.mocked(ipc.listConnections).mockResolvedValue([
    connectionSection([connectionRow(shop)], "shop", "/home/dev/shop"),
    connectionSection([connectionRow(blog)], "blog"),
    connectionSection([connectionRow(local)]),
  ]);
});

async function renderScreen() {
  const user = userEvent.setup();
  renderWithQuery(<ConnectionsScreen />);
  await screen.findByTestId("conn-row-shop staging");
  return user;
}

describe("group project folder", () => {
  it("offers the action on named groups only and shows the attached folder", async () => {
    await renderScreen();
    const shopSection = screen.getByRole("region", { name: "shop" });
    expect(shopSection.querySelector(".conn-section__dir")).toHaveTextContent("/home/dev/shop");
    expect(within(shopSection).getByTestId("group-project-shop")).toHaveTextContent("Project folder…");
    expect(within(screen.getByRole("region", { name: "blog" })).getByTestId("group-project-blog")).toBeVisible();
    expect(
      within(screen.getByRole("region", { name: "Other connections" })).queryByRole("button", {
        name: /Project folder/,
      }),
    ).not.toBeInTheDocument();
  });

  it("saves the typed path, refreshes the list and closes", async () => {
    const user = await renderScreen();
    vi.mocked(ipc.setGroupProject).mockResolvedValue(undefined);
    await user.click(screen.getByTestId("group-project-blog"));
    const dialog = screen.getByRole("dialog", { name: "Project folder for “blog”" });
    expect(dialog).toHaveTextContent("No project folder is attached yet.");
    expect(within(dialog).queryByTestId("group-project-detach")).not.toBeInTheDocument();
    expect(within(dialog).getByTestId("group-project-save")).toBeDisabled();

    const listed = vi.mocked(ipc.listConnections).mock.calls.length;
    vi.mocked(ipc.listConnections).mockResolvedValue([
      connectionSection([connectionRow(blog)], "blog", "/home/dev/blog"),
    ]);
    await user.type(within(dialog).getByTestId("group-project-path"), "  /home/dev/blog ");
    await user.click(within(dialog).getByTestId("group-project-save"));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(ipc.setGroupProject).toHaveBeenCalledWith("blog", "/home/dev/blog");
    expect(vi.mocked(ipc.listConnections).mock.calls.length).toBeGreaterThan(listed);
    expect(await screen.findByRole("region", { name: "blog" })).toHaveTextContent("/home/dev/blog");
    expect(screen.getByTestId("conn-status")).toHaveTextContent("“blog” now uses the project folder /home/dev/blog.");
  });

  it("starts from the current folder, fills a chosen one and detaches with null", async () => {
    const user = await renderScreen();
    vi.mocked(chooseFolder).mockResolvedValue("/srv/shop");
    vi.mocked(ipc.setGroupProject).mockResolvedValue(undefined);
    await user.click(screen.getByTestId("group-project-shop"));
    const dialog = screen.getByRole("dialog", { name: "Project folder for “shop”" });
    const input = within(dialog).getByTestId("group-project-path");
    expect(input).toHaveValue("/home/dev/shop");
    expect(dialog).toHaveTextContent("Attached now: /home/dev/shop");

    await user.click(within(dialog).getByTestId("group-project-choose"));
    expect(chooseFolder).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: "/home/dev/shop" }));
    await waitFor(() => expect(input).toHaveValue("/srv/shop"));

    await user.click(within(dialog).getByTestId("group-project-detach"));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(ipc.setGroupProject).toHaveBeenCalledTimes(1);
    expect(ipc.setGroupProject).toHaveBeenCalledWith("shop", null);
    expect(screen.getByTestId("conn-status")).toHaveTextContent("Detached the project folder from “shop”.");
  });

  it("keeps the dialog open with the backend's message and field errors", async () => {
    const user = await renderScreen();
    vi.mocked(ipc.setGroupProject).mockRejectedValue(
      new IpcFailure({
        code: "invalidInput",
        message: "The project folder cannot be used.",
        fields: [
          { field: "projectDir", message: "/nope has no migrations/ folder" },
          { field: "group", message: "no connection is in the group “blog”" },
        ],
      }),
    );
    await user.click(screen.getByTestId("group-project-blog"));
    const dialog = screen.getByRole("dialog", { name: "Project folder for “blog”" });
    await user.type(within(dialog).getByTestId("group-project-path"), "/nope");
    await user.click(within(dialog).getByTestId("group-project-save"));

    const error = await within(dialog).findByTestId("group-project-error");
    expect(error).toHaveTextContent("The project folder cannot be used.");
    expect(error).toHaveTextContent("Group: no connection is in the group “blog”");
    expect(within(dialog).getByTestId("group-project-path-error")).toHaveTextContent(
      "/nope has no migrations/ folder",
    );
    expect(within(dialog).getByTestId("group-project-path")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("dialog")).toBe(dialog);
    expect(within(dialog).getByTestId("group-project-save")).toBeEnabled();
  });
});
