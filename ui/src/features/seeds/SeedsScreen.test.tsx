import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ipc, type SeedDatasetResult, type SeedEvent } from "../../ipc/client";
import { renderWithQuery } from "../../test/render";
import { CATALOG, target } from "./fixtures";
import { SeedsScreen } from "./SeedsScreen";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: {
    listProjects: vi.fn(),
    seedCatalog: vi.fn(),
    seedTargets: vi.fn(),
    seedProfiles: vi.fn(),
    seedSecrets: vi.fn(),
    storeSeedSecret: vi.fn(),
    seedPreview: vi.fn(),
    seedRun: vi.fn(),
    cancelSeedRun: vi.fn(),
    saveSeedProfile: vi.fn(),
    deleteSeedProfile: vi.fn(),
  },
}));

const ROOT = "/projects/shop";

function result(dataset: string, over: Partial<SeedDatasetResult> = {}): SeedDatasetResult {
  return { dataset, table: dataset, outcome: "applied", mode: "upsert", rows: 4, inserted: 4, updated: 0, deleted: 0, unchanged: 0, ...over };
}

beforeEach(() => {
  vi.mocked(ipc.listProjects).mockResolvedValue([{ root: ROOT, name: "shop", connections: 0, default: true }]);
  vi.mocked(ipc.seedCatalog).mockResolvedValue({ project: "shop", seedsDir: `${ROOT}/seeds`, datasets: CATALOG });
  vi.mocked(ipc.seedTargets).mockResolvedValue([target()]);
  vi.mocked(ipc.seedProfiles).mockResolvedValue([
    {
      name: "demo-small",
      form: { environment: "development", datasets: ["sample_orders"], mode: "upsert", seed: 3, counts: [{ dataset: "sample_orders", rows: 20 }] },
    },
  ]);
  vi.mocked(ipc.seedSecrets).mockResolvedValue([{ name: "admin_password", datasets: ["production_admin"], stored: false }]);
});

describe("the datasets", () => {
  it("keeps what a ticked dataset needs ticked, and says which dataset needs it", async () => {
    const user = userEvent.setup();
    renderWithQuery(<SeedsScreen />);
    const users = await screen.findByTestId("seeds-dataset-users");
    expect(users).toBeChecked();
    await user.click(users);
    // sample_orders needs users: it stays ticked, locked, with the reason.
    expect(users).toBeChecked();
    expect(users).toBeDisabled();
    expect(screen.getByText("needed by sample_orders, sample_order_items")).toBeInTheDocument();

    await user.click(screen.getByTestId("seeds-dataset-sample_order_items"));
    await user.click(screen.getByTestId("seeds-dataset-sample_orders"));
    expect(users).not.toBeChecked();
    expect(users).toBeEnabled();
  });

  it("restores a saved profile's choices and counts", async () => {
    const user = userEvent.setup();
    renderWithQuery(<SeedsScreen />);
    await screen.findByRole("option", { name: "demo-small" });
    await user.selectOptions(screen.getByTestId("seeds-profile"), "demo-small");
    expect(screen.getByTestId("seeds-seed")).toHaveValue("3");
    expect(screen.getByTestId("seeds-count-sample_orders")).toHaveValue("20");
    expect(screen.getByTestId("seeds-dataset-roles")).not.toBeChecked();
    expect(screen.getByText("needed by sample_orders")).toBeInTheDocument();
  });
});

describe("profiles", () => {
  it("saves the form under a checked name and deletes a profile", async () => {
    vi.mocked(ipc.saveSeedProfile).mockImplementation((_p, name, form) =>
      Promise.resolve([{ name, form }]),
    );
    vi.mocked(ipc.deleteSeedProfile).mockResolvedValue([]);
    const user = userEvent.setup();
    renderWithQuery(<SeedsScreen />);
    await user.click(await screen.findByTestId("seeds-save-profile"));
    const name = screen.getByTestId("seeds-save-name");
    await user.type(name, "Big One");
    expect(screen.getByText(/lowercase letters, digits/, { selector: ".field__error" })).toBeInTheDocument();
    expect(screen.getByTestId("seeds-save-confirm")).toBeDisabled();
    await user.clear(name);
    await user.type(name, "qa-big{Enter}");
    await waitFor(() => expect(vi.mocked(ipc.saveSeedProfile)).toHaveBeenCalled());
    const [, saved, form, replace] = vi.mocked(ipc.saveSeedProfile).mock.calls[0] ?? [];
    expect(saved).toBe("qa-big");
    expect(replace).toBe(false);
    // Every development dataset is chosen: saved as "the whole environment".
    expect(form?.datasets).toEqual([]);
    await waitFor(() => expect(screen.getByTestId("seeds-profile")).toHaveValue("qa-big"));

    await user.click(screen.getByTestId("seeds-delete-profile"));
    await user.click(screen.getByTestId("seeds-delete-confirm"));
    expect(vi.mocked(ipc.deleteSeedProfile)).toHaveBeenCalledWith(ROOT, "qa-big");
    await waitFor(() => expect(screen.getByTestId("seeds-profile")).toHaveValue(""));
  });
});

describe("a run", () => {
  it("streams progress per dataset and shows the counts, unchanged in words", async () => {
    vi.mocked(ipc.seedRun).mockImplementation((_p, _t, form, confirmation, runKey, onEvent: (e: SeedEvent) => void) => {
      expect(confirmation).toBeNull();
      expect(form.datasets).toContain("sample_orders");
      onEvent({ event: "started", runKey, datasets: [{ dataset: "roles", table: "roles", total: 4 }, { dataset: "users", table: "users", total: 4 }] });
      onEvent({ event: "progress", dataset: "roles", done: 4, total: 4 });
      onEvent({ event: "finished", result: result("roles", { outcome: "unchanged", inserted: 0, unchanged: 4 }) });
      return Promise.resolve({
        outcome: "finished",
        datasets: [result("roles", { outcome: "unchanged", inserted: 0, unchanged: 4 }), result("users")],
        generatedPasswords: [],
      });
    });
    const user = userEvent.setup();
    renderWithQuery(<SeedsScreen />);
    await user.click(await screen.findByTestId("seeds-run"));
    const results = await screen.findByTestId("seeds-results");
    const roles = within(results).getByTestId("seeds-results-roles");
    expect(roles).toHaveAttribute("data-outcome", "unchanged");
    expect(roles).toHaveTextContent("unchanged");
    expect(screen.getByTestId("seeds-results-unchanged-note")).toHaveTextContent("1 of 2 datasets are unchanged since the last run");
    expect(within(results).getByTestId("seeds-results-users")).toHaveTextContent("applied");
    expect(screen.getByTestId("seeds-progress-users")).toHaveAttribute("data-status", "applied");
  });

  it("asks for the typed word before seeding production, and needs its secret stored", async () => {
    vi.mocked(ipc.storeSeedSecret).mockResolvedValue([{ name: "admin_password", datasets: ["production_admin"], stored: true }]);
    vi.mocked(ipc.seedRun).mockResolvedValue({
      outcome: "finished",
      datasets: [result("production_admin")],
      generatedPasswords: [{ dataset: "production_admin", row: 1, column: "password_hash", key: "admin@example.com", password: "Zq8generated" }],
    });
    const user = userEvent.setup();
    renderWithQuery(<SeedsScreen />);
    await user.selectOptions(await screen.findByTestId("seeds-environment"), "production");
    expect(screen.getByTestId("seeds-run")).toBeDisabled();
    expect(await screen.findByText("not stored")).toBeInTheDocument();
    await user.type(screen.getByTestId("seeds-secret-admin_password"), "s3cret");
    await user.click(screen.getByRole("button", { name: "Store" }));
    expect(vi.mocked(ipc.storeSeedSecret)).toHaveBeenCalledWith(ROOT, "admin_password", "s3cret");
    expect(await screen.findByText("stored in the keychain")).toBeInTheDocument();
    expect(screen.getByTestId("seeds-secret-admin_password")).toHaveValue("");

    await user.click(screen.getByTestId("seeds-run"));
    const go = screen.getByTestId("seeds-confirm-run");
    expect(go).toBeDisabled();
    await user.type(screen.getByTestId("seeds-confirm-input"), "production");
    await user.click(go);
    await waitFor(() => expect(vi.mocked(ipc.seedRun)).toHaveBeenCalled());
    expect(vi.mocked(ipc.seedRun).mock.calls[0]?.[3]).toBe("production");

    const dialog = await screen.findByTestId("seeds-passwords");
    expect(dialog).not.toHaveTextContent("Zq8generated");
    await user.click(within(dialog).getByRole("button", { name: "Reveal" }));
    expect(dialog).toHaveTextContent("Zq8generated");
    await user.click(within(dialog).getByRole("button", { name: "I have saved them" }));
    expect(screen.queryByTestId("seeds-passwords")).not.toBeInTheDocument();
  });
});
