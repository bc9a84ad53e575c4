import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { connectionProfile, connectionRow, projectSummary } from "../test/fixtures";
import { IpcFailure, describeError, ipc, toIpcFailure, unwrap } from "./client";

afterEach(() => {
  clearMocks();
});

describe("ipc client", () => {
  it("returns the data of an ok result", async () => {
    const project = projectSummary();
    mockIPC((cmd) => {
      if (cmd === "current_project") return project;
      throw new Error(`unexpected command ${cmd}`);
    });
    await expect(ipc.currentProject()).resolves.toEqual(project);
  });

  it("throws an IpcFailure carrying the backend's code and message for an error result", async () => {
    mockIPC(() => {
      // Tauri rejects the invoke with the serialised error value, not an Error.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw { code: "project", message: "no strata.toml in /home/dev/shop" };
    });
    const failure = await ipc.currentProject().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IpcFailure);
    expect(failure).toMatchObject({ code: "project", message: "no strata.toml in /home/dev/shop" });
  });

  it("maps a bare string rejection (e.g. an unregistered command) to an internal failure", async () => {
    mockIPC(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw "Command app_info not found";
    });
    const failure = await ipc.appInfo().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IpcFailure);
    expect(failure).toMatchObject({ code: "internal", message: "Command app_info not found" });
  });

  it("unwrap throws for an error status and returns data for ok", () => {
    expect(unwrap({ status: "ok", data: 42 })).toBe(42);
    expect(() => unwrap({ status: "error", error: { code: "io", message: "disk full" } })).toThrow(
      expect.objectContaining({ name: "IpcFailure", code: "io", message: "disk full" }),
    );
  });

  it("carries the rejected form fields of an invalidInput error", async () => {
    mockIPC((cmd) => {
      if (cmd !== "save_connection") throw new Error(`unexpected command ${cmd}`);
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw {
        code: "invalidInput",
        message: "host: enter a host name or IP address",
        fields: [
          { field: "host", message: "enter a host name or IP address" },
          { field: "tls.caFile", message: "cannot read /nope.pem" },
        ],
      };
    });
    const failure = await ipc
      .saveConnection(connectionProfile(), { kind: "keep" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IpcFailure);
    expect(failure).toMatchObject({
      code: "invalidInput",
      fields: [
        { field: "host", message: "enter a host name or IP address" },
        { field: "tls.caFile", message: "cannot read /nope.pem" },
      ],
    });
  });

  it("knows the connection manager's codes (keychain, passwordNeeded, protected)", () => {
    for (const code of ["keychain", "passwordNeeded", "protected"] as const) {
      const failure = toIpcFailure({ code, message: "m", fields: [] });
      expect(failure.code).toBe(code);
      expect(describeError(failure).summary).not.toBe("");
    }
  });

  it("gives an error without fields an empty list, and distrusts malformed fields", () => {
    expect(toIpcFailure({ code: "io", message: "disk full" }).fields).toEqual([]);
    expect(toIpcFailure({ code: "io", message: "disk full", fields: [{ field: 3 }] }).code).toBe(
      "internal",
    );
  });

  it("sends a saved connection's password input as the backend expects it", async () => {
    let sent: unknown;
    mockIPC((cmd, payload) => {
      if (cmd !== "save_connection") throw new Error(`unexpected command ${cmd}`);
      sent = payload;
      return connectionRow();
    });
    const profile = connectionProfile();
    await ipc.saveConnection(profile, { kind: "fromUrl", url: "postgres://a:b@h/d" });
    expect(sent).toEqual({ profile, password: { kind: "fromUrl", url: "postgres://a:b@h/d" } });
  });

  it("treats unknown error codes as internal rather than trusting them", () => {
    expect(toIpcFailure({ code: "teapot", message: "short and stout" }).code).toBe("internal");
  });

  it("describes a failure in plain language with the backend's words", () => {
    const d = describeError(new IpcFailure({ code: "database", message: "database is locked" }));
    expect(d.code).toBe("database");
    expect(d.message).toBe("database is locked");
    expect(d.summary).toMatch(/database/i);
  });
});
