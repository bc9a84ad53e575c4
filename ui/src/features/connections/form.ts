/**
 * The connection form's state, kept apart from React: a draft is a profile being edited plus
 * what the profile never holds (the typed password, a pasted URL that carries one). The
 * password leaves the draft only as the `PasswordInput` sent on save.
 */
import type {
  ConnectionProfile,
  DatabaseKind,
  EnvironmentTier,
  FieldError,
  PasswordInput,
  PasswordMode,
  TlsMode,
} from "../../ipc/bindings";

export type Draft = {
  profile: ConnectionProfile;
  /** The port as typed; "" means the engine's default. */
  port: string;
  /** A typed password; "" means none typed. Never pre-filled, never shown back. */
  password: string;
  /** A pasted URL that carries a password, sent back on save unless one was typed. */
  urlWithPassword: string | null;
  /** False for a connection not saved yet. */
  saved: boolean;
  /** The user chose a TLS mode: host changes no longer pick one. */
  tlsTouched: boolean;
};

export const ENGINES: readonly { kind: DatabaseKind; label: string }[] = [
  { kind: "postgres", label: "PostgreSQL" },
  { kind: "mysql", label: "MySQL/MariaDB" },
  { kind: "sqlite", label: "SQLite" },
];

export const TIERS: readonly EnvironmentTier[] = ["development", "testing", "staging", "production"];

export const DEFAULT_PORTS: Record<DatabaseKind, number | null> = {
  postgres: 5432,
  mysql: 3306,
  sqlite: null,
};

export const TLS_MODES: readonly { mode: TlsMode; label: string; explanation: string }[] = [
  {
    mode: "disable",
    label: "disable",
    explanation: "No encryption: the password and every query cross the network in the clear.",
  },
  {
    mode: "prefer",
    label: "prefer",
    explanation: "Encrypts when the server offers it, silently falls back to plaintext when not.",
  },
  {
    mode: "require",
    label: "require",
    explanation: "Always encrypted, but any server certificate is accepted.",
  },
  {
    mode: "verify-ca",
    label: "verify-ca",
    explanation: "Encrypted, with a certificate signed by a trusted CA (any host name).",
  },
  {
    mode: "verify-full",
    label: "verify-full",
    explanation: "Encrypted, with a trusted certificate for this very host name. The safest.",
  },
];

export const PASSWORD_MODES: readonly { mode: PasswordMode; label: string; hint: string }[] = [
  { mode: "keychain", label: "Save in the OS keychain", hint: "Stored by the operating system." },
  {
    mode: "askEachTime",
    label: "Ask each session",
    hint: "Kept in memory until Strata quits; never written to disk.",
  },
  {
    mode: "none",
    label: "No password",
    hint: "Trust, peer or certificate authentication.",
  },
];

/** Whether `host` is this machine: localhost, a loopback address or a Unix socket folder. */
export function isLocalHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  const bare = h.replace(/^\[/, "").replace(/\]$/, "");
  return (
    h.startsWith("/") ||
    h === "localhost" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    bare === "::1" ||
    bare === "0:0:0:0:0:0:0:1"
  );
}

export function draftFromProfile(profile: ConnectionProfile, saved: boolean): Draft {
  return {
    profile,
    port: profile.port == null ? "" : String(profile.port),
    password: "",
    urlWithPassword: null,
    saved,
    tlsTouched: saved,
  };
}

/** The TLS mode a draft gets when its host changes and the user has not picked one. */
function tlsForHost(engine: DatabaseKind, host: string): TlsMode {
  if (engine === "sqlite") return "disable";
  return isLocalHost(host) ? "prefer" : "verify-full";
}

export function setHost(draft: Draft, host: string): Draft {
  const profile = { ...draft.profile, host };
  if (!draft.tlsTouched) {
    profile.tls = { ...profile.tls, mode: tlsForHost(profile.engine, host) };
  }
  return { ...draft, profile };
}

/**
 * Switch engine, taking TLS and password mode from the backend's defaults for it (`fresh`,
 * from newConnection) when the family changes between server and file.
 */
export function setEngine(draft: Draft, fresh: ConnectionProfile): Draft {
  const old = draft.profile;
  const familyChanged = (old.engine === "sqlite") !== (fresh.engine === "sqlite");
  const profile: ConnectionProfile = { ...old, engine: fresh.engine };
  if (familyChanged) {
    profile.password = fresh.password;
    profile.tls = { ...fresh.tls, mode: tlsForHost(fresh.engine, old.host ?? "") };
  }
  return { ...draft, profile, port: "", tlsTouched: draft.tlsTouched && !familyChanged };
}

/**
 * Switch tier. Protection follows the tier's defaults (`fresh`, from newConnection) for a new
 * connection; on a saved one it is only ever switched on, never silently off.
 */
export function setTier(draft: Draft, fresh: ConnectionProfile): Draft {
  const old = draft.profile.protection;
  const defaults = fresh.protection;
  const protection = draft.saved
    ? { readOnly: old.readOnly || defaults.readOnly, confirmByName: old.confirmByName || defaults.confirmByName }
    : defaults;
  return { ...draft, profile: { ...draft.profile, tier: fresh.tier, protection } };
}

/**
 * Fill the form from a parsed URL: where and how to connect come from the URL; what the
 * user set about the connection itself (id, name, tier, colour, group, project, protection)
 * stays.
 */
export function applyParsedUrl(draft: Draft, parsed: ConnectionProfile, url: string, hasPassword: boolean): Draft {
  const old = draft.profile;
  const familyChanged = (old.engine === "sqlite") !== (parsed.engine === "sqlite");
  const profile: ConnectionProfile = {
    ...old,
    engine: parsed.engine,
    host: parsed.host ?? "",
    port: parsed.port ?? null,
    database: parsed.database ?? "",
    user: parsed.user ?? "",
    sqlitePath: parsed.sqlitePath ?? null,
    tls: parsed.tls ?? old.tls,
    options: parsed.options ?? [],
    name: old.name.trim() ? old.name : suggestedName(parsed),
    password: familyChanged ? parsed.password : old.password,
  };
  if (hasPassword && profile.password === "none") profile.password = "keychain";
  return {
    ...draft,
    profile,
    port: profile.port == null ? "" : String(profile.port),
    urlWithPassword: hasPassword ? url : null,
    tlsTouched: true,
  };
}

function suggestedName(profile: ConnectionProfile): string {
  if (profile.engine === "sqlite") {
    const path = profile.sqlitePath ?? "";
    return path.split(/[\\/]/).filter(Boolean).pop() ?? "";
  }
  const db = profile.database ?? "";
  const host = profile.host ?? "";
  return db && host ? `${db} on ${host}` : db || host;
}

/** The port as the profile holds it, or the error to show under the field. */
export function parsePort(text: string): { port: number | null } | { error: string } {
  const t = text.trim();
  if (t === "") return { port: null };
  if (!/^\d+$/.test(t)) return { error: "the port must be a number from 1 to 65535" };
  const n = Number(t);
  if (n < 1 || n > 65535) return { error: "the port must be a number from 1 to 65535" };
  return { port: n };
}

const emptyToNull = (value: string | null | undefined) => (value?.trim() ? value : null);

/** The profile to save; `port` must have parsed. */
export function profileToSave(draft: Draft, port: number | null): ConnectionProfile {
  const p = draft.profile;
  const sqlite = p.engine === "sqlite";
  const tls = p.tls ?? { mode: "verify-full" };
  return {
    ...p,
    name: p.name.trim(),
    host: sqlite ? "" : (p.host ?? "").trim(),
    port: sqlite ? null : port,
    database: sqlite ? "" : (p.database ?? ""),
    user: sqlite ? "" : (p.user ?? ""),
    sqlitePath: sqlite ? emptyToNull(p.sqlitePath) : null,
    tls: sqlite
      ? { mode: "disable", caFile: null, clientCert: null, clientKey: null }
      : {
          mode: tls.mode,
          caFile: emptyToNull(tls.caFile),
          clientCert: emptyToNull(tls.clientCert),
          clientKey: emptyToNull(tls.clientKey),
        },
    colour: emptyToNull(p.colour),
    group: emptyToNull(p.group)?.trim() ?? null,
    projectDir: emptyToNull(p.projectDir),
    password: sqlite ? "none" : p.password,
  };
}

/** What to send about the password: a typed one wins over the pasted URL's; else keep. */
export function passwordInput(draft: Draft): PasswordInput {
  if (draft.profile.password === "none" || draft.profile.engine === "sqlite") return { kind: "keep" };
  if (draft.password !== "") return { kind: "set", value: draft.password };
  if (draft.urlWithPassword !== null) return { kind: "fromUrl", url: draft.urlWithPassword };
  return { kind: "keep" };
}

/** Whether the form should warn that traffic may be unencrypted. */
export function plaintextRisk(profile: ConnectionProfile): boolean {
  const host = (profile.host ?? "").trim();
  const mode = profile.tls?.mode ?? "verify-full";
  return (
    profile.engine !== "sqlite" &&
    (mode === "disable" || mode === "prefer") &&
    host !== "" &&
    !isLocalHost(host)
  );
}

/** Field errors by field name; several for one field are joined. */
export function errorsByField(fields: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, message } of fields) {
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return out;
}
