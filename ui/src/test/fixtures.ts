/** Test-only values shaped like the backend's answers. Never imported by app code. */
import type {
  AppInfo,
  ConnectionProfile,
  ConnectionRow,
  ConnectionSection,
  Diagnosis,
  Migration,
  ProjectSummary,
} from "../ipc/bindings";

export function migration(version: string, name: string, withDown = true): Migration {
  return {
    version,
    name,
    upPath: `/home/dev/shop/migrations/${version}_${name}.up.sql`,
    downPath: withDown ? `/home/dev/shop/migrations/${version}_${name}.down.sql` : null,
    kind: "versioned",
    description: null,
    author: null,
    requires: [],
    noTransaction: false,
    checksum: "0".repeat(64),
    downChecksum: withDown ? "0".repeat(64) : null,
    notes: [],
  };
}

export function projectSummary(overrides: Partial<ProjectSummary> = {}): ProjectSummary {
  const migrations = overrides.migrations ?? [
    migration("20240101090000", "create_users"),
    migration("20240102093000", "add_orders"),
    migration("20240103100000", "backfill_order_totals", false),
  ];
  return {
    name: "shop",
    root: "/home/dev/shop",
    migrationsDir: "/home/dev/shop/migrations",
    migrationCount: migrations.length,
    migrations,
    database: {
      label: "shop.sqlite3",
      tier: "development",
      path: "/home/dev/.local/share/strata/shop.sqlite3",
      created: false,
      server: { kind: "sqlite", serverVersion: "3.46.0", latencyMs: 2.4 },
    },
    ...overrides,
  };
}

export function appInfo(): AppInfo {
  return {
    appVersion: "0.1.0",
    engineVersion: "0.1.0",
    engines: [
      { kind: "postgres", name: "PostgreSQL", urlSchemes: ["postgres", "postgresql"], compiledIn: true },
      { kind: "mysql", name: "MySQL/MariaDB", urlSchemes: ["mysql", "mariadb"], compiledIn: false },
      { kind: "sqlite", name: "SQLite", urlSchemes: ["sqlite"], compiledIn: true },
    ],
  };
}

/** A PostgreSQL development connection as the backend's newConnection would shape it. */
export function connectionProfile(overrides: Partial<ConnectionProfile> = {}): ConnectionProfile {
  return {
    id: "0123456789abcdef0123456789abcdef",
    name: "shop dev",
    engine: "postgres",
    host: "db.example.com",
    port: null,
    database: "shop",
    user: "app",
    sqlitePath: null,
    tls: { mode: "verify-full", caFile: null, clientCert: null, clientKey: null },
    options: [],
    tier: "development",
    colour: null,
    group: null,
    projectDir: null,
    protection: { readOnly: false, confirmByName: false },
    password: "keychain",
    ...overrides,
  };
}

export function connectionRow(
  profile: ConnectionProfile = connectionProfile(),
  overrides: Partial<Omit<ConnectionRow, "profile">> = {},
): ConnectionRow {
  const port = profile.port ? `:${profile.port}` : "";
  return {
    profile,
    displayUrl:
      profile.engine === "sqlite"
        ? `sqlite://${profile.sqlitePath ?? ""}`
        : `${profile.engine}://${profile.user}@${profile.host}${port}/${profile.database}`,
    plaintext: false,
    locked: profile.protection.readOnly,
    passwordInSession: false,
    lastTest: null,
    ...overrides,
  };
}

export function connectionSection(
  connections: ConnectionRow[],
  name: string | null = null,
  projectDir: string | null = null,
): ConnectionSection {
  return { name, projectDir, connections };
}

/** A diagnosis of a PostgreSQL server whose password was refused at the authenticate step. */
export function failedDiagnosis(): Diagnosis {
  return {
    kind: "postgres",
    target: "postgres://app@db.example.com/shop",
    ok: false,
    latencyMs: null,
    totalMs: 41.5,
    steps: [
      { step: "resolve", outcome: "ok", durationMs: 1.2, detail: "db.example.com → 10.0.0.7", problem: null },
      { step: "tcp", outcome: "ok", durationMs: 3.4, detail: "10.0.0.7:5432", problem: null },
      { step: "tls", outcome: "ok", durationMs: 12.9, detail: "TLSv1.3, certificate verified", problem: null },
      {
        step: "authenticate",
        outcome: "failed",
        durationMs: 24,
        detail: "user app",
        problem: {
          code: "wrongPassword",
          explanation: "The server rejected the password for user \"app\".",
          action: "Edit the connection and enter the right password.",
          raw: "FATAL: password authentication failed for user \"app\" (28P01)",
        },
      },
      { step: "serverVersion", outcome: "skipped", durationMs: null, detail: "an earlier step failed", problem: null },
      { step: "latency", outcome: "skipped", durationMs: null, detail: "an earlier step failed", problem: null },
    ],
  };
}
