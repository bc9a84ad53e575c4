import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ipc } from "../ipc/client";
import { THEME_STORAGE_KEY } from "../lib/theme";
import { isTauri } from "../platform/tauri";
import { appInfo, projectSummary } from "../test/fixtures";
import { setSystemDark } from "../test/matchMedia";
import { testQueryClient } from "../test/render";
import { App } from "./App";

vi.mock("../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../ipc/client")>()),
  ipc: {
    appInfo: vi.fn(),
    currentProject: vi.fn(),
    listConnections: vi.fn(),
    listProjects: vi.fn(),
    timeline: vi.fn(),
    historyLog: vi.fn(),
  },
}));
vi.mock("../platform/tauri", () => ({ isTauri: vi.fn(() => true) }));

async function renderApp() {
  const user = userEvent.setup();
  render(<App queryClient={testQueryClient()} />);
  await screen.findByTestId("project-picker");
  return user;
}

const palette = () => screen.queryByTestId("command-palette");

beforeEach(() => {
  vi.mocked(ipc.currentProject).mockResolvedValue(projectSummary());
  vi.mocked(ipc.appInfo).mockResolvedValue(appInfo());
  vi.mocked(ipc.listConnections).mockResolvedValue([]);
  vi.mocked(ipc.listProjects).mockResolvedValue([
    { root: "/home/dev/shop", name: "shop", connections: 0, default: true },
  ]);
  vi.mocked(ipc.timeline).mockResolvedValue({
    project: {
      name: "shop",
      root: "/home/dev/shop",
      migrationsDir: "/home/dev/shop/migrations",
      layout: "strata",
    },
    targets: [],
    rows: [],
    readMs: 1,
  });
  vi.mocked(ipc.historyLog).mockResolvedValue({ events: [], failures: [] });
  vi.mocked(isTauri).mockReturnValue(true);
  setSystemDark(false);
});

describe("app shell", () => {
  it("opens on the timeline with the environment strip in the header", async () => {
    await renderApp();
    expect(screen.getByTestId("screen-timeline")).toBeInTheDocument();
    expect(screen.getByTestId("nav-timeline")).toHaveAttribute("aria-current", "page");
    const strip = screen.getByTestId("env-strip");
    expect(strip).toHaveAttribute("data-tier", "development");
    expect(strip).toHaveTextContent("Development");
    expect(strip).toHaveTextContent("shop.sqlite3");
    expect(strip).toHaveTextContent("SQLite 3.46.0");
  });

  it("shows production as text, not only colour", async () => {
    const project = projectSummary();
    vi.mocked(ipc.currentProject).mockResolvedValue({
      ...project,
      database: { ...project.database, tier: "production" },
    });
    await renderApp();
    const strip = screen.getByTestId("env-strip");
    expect(strip).toHaveAttribute("data-tier", "production");
    expect(strip).toHaveTextContent("Production");
  });

  it("switches screens with Ctrl+number and moves focus to the new screen's title", async () => {
    const user = await renderApp();
    await user.keyboard("{Control>}3{/Control}");
    const schema = await screen.findByTestId("screen-schema");
    expect(window.location.hash).toBe("#/schema");
    expect(within(schema).getByRole("heading", { level: 1 })).toHaveFocus();
    expect(screen.getByTestId("nav-schema")).toHaveAttribute("aria-current", "page");

    await user.keyboard("{Control>}1{/Control}");
    expect(await screen.findByTestId("screen-connections")).toBeInTheDocument();
    expect(await screen.findByText("Existing file")).toBeInTheDocument();
    expect(screen.queryByText("Created on this launch")).not.toBeInTheDocument();
  });

  it("tells the user to start the desktop app when there is no backend", () => {
    vi.mocked(isTauri).mockReturnValue(false);
    render(<App queryClient={testQueryClient()} />);
    expect(screen.getByTestId("no-backend")).toHaveTextContent("make run");
    expect(ipc.currentProject).not.toHaveBeenCalled();
  });
});

describe("command palette", () => {
  it("opens on Ctrl+K with the input focused and every command listed with shortcuts", async () => {
    const user = await renderApp();
    expect(palette()).not.toBeInTheDocument();
    await user.keyboard("{Control>}k{/Control}");
    expect(palette()).toBeInTheDocument();
    expect(screen.getByTestId("command-palette-input")).toHaveFocus();
    const options = within(screen.getByTestId("command-palette")).getAllByRole("option");
    expect(options.map((o) => o.querySelector(".palette__title")?.textContent)).toEqual([
      "Go to Connections",
      "Go to Timeline",
      "Go to Schema",
      "Go to Seeds",
      "Go to History",
      "Go to Settings",
      "Use light theme",
      "Use dark theme",
      "Follow system theme",
    ]);
    expect(options[2]).toHaveTextContent("Ctrl+3");
  });

  it("also opens on ⌘K", async () => {
    const user = await renderApp();
    await user.keyboard("{Meta>}k{/Meta}");
    expect(palette()).toBeInTheDocument();
  });

  it("filters as you type and Enter runs the top match", async () => {
    const user = await renderApp();
    await user.keyboard("{Control>}k{/Control}");
    await user.type(screen.getByTestId("command-palette-input"), "sch");
    const options = within(screen.getByTestId("command-palette")).getAllByRole("option");
    expect(options[0]).toHaveTextContent("Go to Schema");
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    expect(screen.queryByText("Use dark theme")).not.toBeInTheDocument();

    await user.keyboard("{Enter}");
    expect(palette()).not.toBeInTheDocument();
    expect(await screen.findByTestId("screen-schema")).toBeInTheDocument();
    expect(window.location.hash).toBe("#/schema");
  });

  it("moves the selection with the arrow keys", async () => {
    const user = await renderApp();
    await user.keyboard("{Control>}k{/Control}");
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(within(screen.getByTestId("command-palette")).getAllByRole("option")[3]).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("command-palette-input")).toHaveAttribute(
      "aria-activedescendant",
      within(screen.getByTestId("command-palette")).getAllByRole("option")[3]!.id,
    );
    await user.keyboard("{ArrowUp}{Enter}");
    expect(await screen.findByTestId("screen-schema")).toBeInTheDocument();
  });

  it("says when nothing matches", async () => {
    const user = await renderApp();
    await user.keyboard("{Control>}k{/Control}");
    await user.type(screen.getByTestId("command-palette-input"), "zzzz");
    expect((palette() ? within(palette()!).queryAllByRole("option") : [])).toHaveLength(0);
    expect(screen.getByText(/No command matches/)).toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(palette()).toBeInTheDocument();
  });

  it("closes on Escape and gives focus back", async () => {
    const user = await renderApp();
    const navLink = screen.getByTestId("nav-history");
    navLink.focus();
    await user.keyboard("{Control>}k{/Control}");
    expect(palette()).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(palette()).not.toBeInTheDocument();
    expect(navLink).toHaveFocus();
  });

  it("keeps focus inside while open", async () => {
    const user = await renderApp();
    await user.keyboard("{Control>}k{/Control}");
    const input = screen.getByTestId("command-palette-input");
    await user.tab();
    expect(input).toHaveFocus();
    await user.tab({ shift: true });
    expect(input).toHaveFocus();
  });

  it("runs a command on click: the theme commands repaint and persist", async () => {
    const user = await renderApp();
    expect(document.documentElement.dataset.theme).toBe("light");
    await user.keyboard("{Control>}k{/Control}");
    await user.click(screen.getByRole("option", { name: /Use dark theme/ }));
    expect(palette()).not.toBeInTheDocument();
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");
  });
});

describe("theme", () => {
  it("follows the OS by default, live", async () => {
    setSystemDark(true);
    await renderApp();
    expect(document.documentElement.dataset.theme).toBe("dark");
    act(() => setSystemDark(false));
    expect(document.documentElement.dataset.theme).toBe("light");
  });

  it("restores a persisted explicit choice over the OS preference", async () => {
    window.localStorage.setItem(THEME_STORAGE_KEY, "light");
    setSystemDark(true);
    await renderApp();
    expect(document.documentElement.dataset.theme).toBe("light");
  });

  it("is chosen in Settings with a radio group", async () => {
    const user = await renderApp();
    await user.click(screen.getByTestId("nav-settings"));
    const settings = await screen.findByTestId("screen-settings");
    expect(within(settings).getByRole("radio", { name: /Follow system/ })).toBeChecked();

    await user.click(within(settings).getByRole("radio", { name: /^Dark/ }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");

    // About shows the real versions from appInfo().
    await waitFor(() => expect(settings).toHaveTextContent("Engine version"));
    expect(within(settings).getByText("MySQL/MariaDB")).toBeInTheDocument();
    expect(within(settings).getAllByText("not in this build")).toHaveLength(1);
  });
});
