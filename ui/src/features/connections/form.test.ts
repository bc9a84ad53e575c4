import { describe, expect, it } from "vitest";
import { connectionProfile } from "../../test/fixtures";
import {
  draftFromProfile,
  isLocalHost,
  parsePort,
  passwordInput,
  plaintextRisk,
  profileToSave,
  setTier,
} from "./form";

describe("connection form logic", () => {
  it("knows which hosts are this machine", () => {
    for (const h of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "/var/run/postgresql"]) {
      expect(isLocalHost(h)).toBe(true);
    }
    for (const h of ["db.example.com", "10.0.0.5", "localhost.evil.com", "::2"]) {
      expect(isLocalHost(h)).toBe(false);
    }
  });

  it("reads a port or says why not", () => {
    expect(parsePort("")).toEqual({ port: null });
    expect(parsePort(" 5433 ")).toEqual({ port: 5433 });
    for (const bad of ["0", "65536", "54x", "-1", "1.5"]) expect(parsePort(bad)).toHaveProperty("error");
  });

  it("sends a typed password first, then the URL's, else keeps the saved one", () => {
    const draft = draftFromProfile(connectionProfile(), true);
    expect(passwordInput(draft)).toEqual({ kind: "keep" });
    const fromUrl = { ...draft, urlWithPassword: "postgres://a:b@h/d" };
    expect(passwordInput(fromUrl)).toEqual({ kind: "fromUrl", url: "postgres://a:b@h/d" });
    expect(passwordInput({ ...fromUrl, password: "typed" })).toEqual({ kind: "set", value: "typed" });
    const none = { ...fromUrl, password: "typed", profile: { ...draft.profile, password: "none" as const } };
    expect(passwordInput(none)).toEqual({ kind: "keep" });
  });

  it("never switches protection off when a saved connection changes tier", () => {
    const prod = connectionProfile({ tier: "production", protection: { readOnly: true, confirmByName: true } });
    const devDefaults = connectionProfile({ tier: "development" });
    expect(setTier(draftFromProfile(prod, true), devDefaults).profile.protection).toEqual({
      readOnly: true,
      confirmByName: true,
    });
    expect(setTier(draftFromProfile(prod, false), devDefaults).profile.protection).toEqual({
      readOnly: false,
      confirmByName: false,
    });
  });

  it("saves a SQLite connection without server fields, and empty paths as none", () => {
    const draft = draftFromProfile(
      connectionProfile({ engine: "sqlite", sqlitePath: "/tmp/a.db", colour: "", group: "  " }),
      false,
    );
    const saved = profileToSave(draft, 5432);
    expect(saved).toMatchObject({ host: "", port: null, database: "", user: "", password: "none" });
    expect(saved.tls).toEqual({ mode: "disable", caFile: null, clientCert: null, clientKey: null });
    expect(saved.colour).toBeNull();
    expect(saved.group).toBeNull();
  });

  it("flags plaintext risk only for disable/prefer to a remote host", () => {
    const tls = (mode: "disable" | "prefer" | "require") => ({ mode, caFile: null, clientCert: null, clientKey: null });
    expect(plaintextRisk(connectionProfile({ tls: tls("prefer") }))).toBe(true);
    expect(plaintextRisk(connectionProfile({ tls: tls("require") }))).toBe(false);
    expect(plaintextRisk(connectionProfile({ host: "localhost", tls: tls("disable") }))).toBe(false);
  });
});
