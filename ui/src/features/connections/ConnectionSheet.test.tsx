import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectionProfile } from "../../ipc/bindings";
import { IpcFailure, ipc } from "../../ipc/client";
import { connectionProfile, connectionRow, failedDiagnosis } from "../../test/fixtures";
import { renderWithQuery } from "../../test/render";
import { ConnectionSheet } from "./ConnectionSheet";

vi.mock("../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/client")>()),
  ipc: {
    newConnection: vi.fn(),
    parseConnectionUrl: vi.fn(),
    saveConnection: vi.fn(),
    testConnectionDraft: vi.fn(),
  },
}));
vi.mock("../../platform/dialog", () => ({
  chooseFile: vi.fn(),
  chooseFolder: vi.fn(),
  chooseSaveFile: vi.fn(),
}));

const PASSWORD = "s3cret-Pa55";
const URL = `postgres://app:${PASSWORD}@db.example.com:5433/shop?sslmode=require`;

function blank(overrides: Partial<ConnectionProfile> = {}) {
  return connectionProfile({ name: "", host: "", database: "", user: "", ...overrides });
}

function renderSheet(profile: ConnectionProfile = blank(), saved = false) {
  const onClose = vi.fn();
  const onSaved = vi.fn();
  const user = userEvent.setup();
  renderWithQuery(
    <ConnectionSheet initial={{ profile, saved }} onClose={onClose} onSaved={onSaved} groups={[]} />,
  );
  return { user, onClose, onSaved };
}

const input = (testId: string) => screen.getByTestId<HTMLInputElement>(testId);

beforeEach(() => {
  vi.mocked(ipc.saveConnection).mockImplementation((profile) => Promise.resolve(connectionRow(profile)));
});

describe("ConnectionSheet", () => {
  it("fills the fields from a pasted URL and never shows its password", async () => {
    vi.mocked(ipc.parseConnectionUrl).mockResolvedValue({
      profile: blank({
        host: "db.example.com",
        port: 5433,
        database: "shop",
        user: "app",
        tls: { mode: "require", caFile: null, clientCert: null, clientKey: null },
      }),
      hasPassword: true,
    });
    const { user, onSaved } = renderSheet();
    expect(input("conn-url")).toHaveFocus();

    await user.paste(URL);

    await waitFor(() => expect(input("conn-host")).toHaveValue("db.example.com"));
    expect(ipc.parseConnectionUrl).toHaveBeenCalledWith(URL);
    expect(input("conn-port")).toHaveValue("5433");
    expect(input("conn-database")).toHaveValue("shop");
    expect(input("conn-user")).toHaveValue("app");
    expect(input("conn-tls-mode")).toHaveValue("require");
    expect(input("conn-name")).toHaveValue("shop on db.example.com");
    expect(screen.getByText("Password from the URL will be saved in the keychain.")).toBeInTheDocument();
    // Nowhere on screen: not in the URL field, not in the password field, not in any text.
    expect(input("conn-url")).toHaveValue("");
    expect(input("conn-password")).toHaveValue("");
    for (const element of document.querySelectorAll("input")) {
      expect(element.value).not.toContain(PASSWORD);
    }
    expect(document.body.textContent).not.toContain(PASSWORD);

    await user.click(screen.getByTestId("conn-save"));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(ipc.saveConnection).toHaveBeenCalledWith(
      expect.objectContaining({ host: "db.example.com", port: 5433, name: "shop on db.example.com" }),
      { kind: "fromUrl", url: URL },
    );
  });

  it("sends a typed password instead of the URL's", async () => {
    vi.mocked(ipc.parseConnectionUrl).mockResolvedValue({
      profile: blank({ host: "db.example.com", database: "shop" }),
      hasPassword: true,
    });
    const { user } = renderSheet();
    await user.paste(URL);
    await waitFor(() => expect(input("conn-host")).toHaveValue("db.example.com"));
    await user.type(input("conn-password"), "typed");
    expect(screen.queryByText(/Password from the URL/)).not.toBeInTheDocument();
    await user.click(screen.getByTestId("conn-save"));
    await waitFor(() => expect(ipc.saveConnection).toHaveBeenCalled());
    expect(vi.mocked(ipc.saveConnection).mock.calls[0]?.[1]).toEqual({ kind: "set", value: "typed" });
  });

  it("shows a URL the backend cannot read under the URL field", async () => {
    vi.mocked(ipc.parseConnectionUrl).mockRejectedValue(
      new IpcFailure({
        code: "invalidInput",
        message: "the URL could not be read",
        fields: [{ field: "url", message: "unknown URL scheme: use postgres://, mysql:// or sqlite://" }],
      }),
    );
    const { user } = renderSheet();
    await user.type(input("conn-url"), "oracle://x{Enter}");
    expect(await screen.findByTestId("conn-error-url")).toHaveTextContent("unknown URL scheme");
    expect(input("conn-url")).toHaveAccessibleDescription(/unknown URL scheme/);
  });

  it("places each backend field error under its field", async () => {
    vi.mocked(ipc.saveConnection).mockRejectedValue(
      new IpcFailure({
        code: "invalidInput",
        message: "host: enter a host name or IP address; tls.caFile: cannot read /etc/ca.pem",
        fields: [
          { field: "host", message: "enter a host name or IP address" },
          { field: "tls.caFile", message: "cannot read /etc/ca.pem: No such file" },
        ],
      }),
    );
    const { user, onSaved } = renderSheet(blank({ name: "shop" }));
    await user.type(input("conn-tls-caFile"), "/etc/ca.pem");
    await user.click(screen.getByTestId("conn-save"));

    expect(await screen.findByTestId("conn-error-host")).toHaveTextContent("enter a host name or IP address");
    expect(input("conn-host")).toHaveAccessibleDescription(/enter a host name or IP address/);
    expect(input("conn-host")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("conn-error-tls.caFile")).toHaveTextContent("cannot read /etc/ca.pem");
    expect(input("conn-tls-caFile")).toHaveAccessibleDescription(/cannot read \/etc\/ca\.pem/);
    expect(screen.queryByTestId("conn-error-database")).not.toBeInTheDocument();
    expect(onSaved).not.toHaveBeenCalled();

    // Editing a field clears its error.
    await user.type(input("conn-host"), "db");
    expect(screen.queryByTestId("conn-error-host")).not.toBeInTheDocument();
    expect(screen.getByTestId("conn-error-tls.caFile")).toBeInTheDocument();
  });

  it("rejects a port that is not a number before asking the backend", async () => {
    const { user } = renderSheet(blank({ name: "shop", host: "localhost" }));
    await user.type(input("conn-port"), "54x");
    await user.click(screen.getByTestId("conn-save"));
    expect(await screen.findByTestId("conn-error-port")).toHaveTextContent("from 1 to 65535");
    expect(ipc.saveConnection).not.toHaveBeenCalled();
  });

  it("offers to ask for the password each session when the keychain fails, and saves that way", async () => {
    vi.mocked(ipc.saveConnection).mockRejectedValueOnce(
      new IpcFailure({
        code: "keychain",
        message: "the password of \"shop\" could not be saved in the OS keychain: no secret service",
      }),
    );
    const { user, onSaved } = renderSheet(blank({ name: "shop", host: "db.example.com", database: "shop" }));
    await user.type(input("conn-password"), "pw");
    await user.click(screen.getByTestId("conn-save"));

    const alert = await screen.findByTestId("conn-save-error");
    expect(alert).toHaveTextContent("no secret service");
    expect(onSaved).not.toHaveBeenCalled();
    await user.click(within(alert).getByRole("button", { name: "Ask for the password each session instead" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(ipc.saveConnection).toHaveBeenCalledTimes(2);
    const [profile, password] = vi.mocked(ipc.saveConnection).mock.calls[1]!;
    expect(profile.password).toBe("askEachTime");
    expect(password).toEqual({ kind: "set", value: "pw" });
    expect(screen.getByTestId("conn-password-mode-askEachTime")).toBeChecked();
  });

  it("switches protection on with the production tier and shows it in red with text", async () => {
    vi.mocked(ipc.newConnection).mockImplementation((engine, tier) =>
      Promise.resolve(
        connectionProfile({
          engine,
          tier,
          protection: { readOnly: tier === "production", confirmByName: tier === "production" },
        }),
      ),
    );
    const { user } = renderSheet();
    expect(screen.getByTestId("conn-read-only")).not.toBeChecked();
    expect(screen.getByTestId("conn-confirm-by-name")).not.toBeChecked();

    await user.selectOptions(screen.getByTestId("conn-tier"), "production");

    await waitFor(() => expect(screen.getByTestId("conn-read-only")).toBeChecked());
    expect(ipc.newConnection).toHaveBeenCalledWith("postgres", "production");
    expect(screen.getByTestId("conn-confirm-by-name")).toBeChecked();
    const badge = within(screen.getByTestId("conn-tier-badge")).getByText("Production");
    expect(badge).toHaveClass("badge--danger", "badge--solid");
    expect(input("conn-colour")).toBeDisabled();
    expect(screen.getByText("Production is always red.")).toBeInTheDocument();
  });

  it("warns that disable or prefer to a remote host may travel in plaintext", async () => {
    const { user } = renderSheet(blank({ name: "shop" }));
    const warning = /may cross the network unencrypted/;
    await user.type(input("conn-host"), "localhost");
    // A local host gets `prefer` by default and no warning.
    expect(input("conn-tls-mode")).toHaveValue("prefer");
    expect(screen.queryByText(warning)).not.toBeInTheDocument();

    await user.clear(input("conn-host"));
    await user.type(input("conn-host"), "db.example.com");
    expect(input("conn-tls-mode")).toHaveValue("verify-full");
    await user.selectOptions(screen.getByTestId("conn-tls-mode"), "disable");
    expect(screen.getByText(warning)).toHaveTextContent("db.example.com");
    expect(input("conn-tls-mode")).toHaveAccessibleDescription(warning);

    await user.selectOptions(screen.getByTestId("conn-tls-mode"), "verify-full");
    expect(screen.queryByText(warning)).not.toBeInTheDocument();
  });

  it("keeps the saved password when editing with the field left empty", async () => {
    const { user, onSaved } = renderSheet(connectionProfile(), true);
    expect(screen.getByRole("dialog", { name: "Edit shop dev" })).toBeInTheDocument();
    expect(input("conn-password")).toHaveValue("");
    expect(input("conn-password")).toHaveAttribute("type", "password");
    expect(input("conn-password")).toHaveAccessibleDescription("Leave empty to keep the saved password.");
    await user.clear(input("conn-database"));
    await user.type(input("conn-database"), "shop2");
    await user.click(screen.getByTestId("conn-save"));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(ipc.saveConnection).toHaveBeenCalledWith(
      expect.objectContaining({ id: connectionProfile().id, database: "shop2" }),
      { kind: "keep" },
    );
  });

  it("tests the form's values and shows each step, the explanation, and the raw message one click away", async () => {
    vi.mocked(ipc.testConnectionDraft).mockResolvedValue({ diagnosis: failedDiagnosis(), row: null });
    const { user } = renderSheet(blank({ name: "shop", host: "db.example.com", database: "shop" }));
    await user.type(input("conn-password"), "pw");
    await user.click(screen.getByTestId("conn-test-draft"));

    const diagnosis = await screen.findByTestId("conn-diagnosis");
    expect(ipc.testConnectionDraft).toHaveBeenCalledWith(
      expect.objectContaining({ host: "db.example.com", database: "shop" }),
      { kind: "set", value: "pw" },
    );
    expect(ipc.saveConnection).not.toHaveBeenCalled();
    expect(within(diagnosis).getByRole("alert")).toHaveTextContent(
      'Connection failed The server rejected the password for user "app". Edit the connection',
    );
    expect(screen.getByTestId("conn-step-resolve")).toHaveTextContent("Resolve host");
    expect(screen.getByTestId("conn-step-resolve")).toHaveTextContent("OK");
    expect(screen.getByTestId("conn-step-resolve")).toHaveTextContent("1.2 ms");
    expect(screen.getByTestId("conn-step-tls")).toHaveTextContent("13 ms");
    const auth = screen.getByTestId("conn-step-authenticate");
    expect(auth).toHaveTextContent("Failed");
    expect(screen.getByTestId("conn-step-latency")).toHaveTextContent("Skipped");
    // The raw server message sits in a closed <details>: one click away.
    const raw = within(auth).getByText(/password authentication failed/);
    expect(raw.closest("details")).not.toHaveAttribute("open");
    await user.click(within(auth).getByText("What the server said"));
    expect(raw.closest("details")).toHaveAttribute("open");
  });

  it("closes on Escape and keeps Tab inside the sheet", async () => {
    const { user, onClose } = renderSheet();
    const sheet = screen.getByTestId("conn-sheet");
    for (let i = 0; i < 60; i++) {
      await user.tab();
      expect(sheet).toContainElement(document.activeElement as HTMLElement);
    }
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
