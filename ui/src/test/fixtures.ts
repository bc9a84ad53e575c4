/** Test-only values shaped like the backend's answers. Never imported by app code. */
import type { AppInfo, Migration, ProjectSummary } from "../ipc/bindings";

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
