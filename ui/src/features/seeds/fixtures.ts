/** A small catalog shaped like the demo project's seeds, for the Seeds screen's tests. */
import type { SeedDatasetInfo, TimelineTarget } from "../../ipc/client";

function dataset(name: string, over: Partial<SeedDatasetInfo> = {}): SeedDatasetInfo {
  return {
    name,
    table: name,
    description: null,
    source: "rows",
    environments: ["development", "testing", "staging", "production"],
    dependsOn: [],
    owned: false,
    rows: 4,
    file: `seeds/${name}.yaml`,
    secrets: [],
    passwordColumns: [],
    generatesPasswords: false,
    ...over,
  };
}

export const CATALOG: SeedDatasetInfo[] = [
  dataset("roles", { owned: true }),
  dataset("users", { environments: ["development", "testing"], passwordColumns: ["password_hash"] }),
  dataset("categories", { owned: true }),
  dataset("products", { source: "csv", rows: 12, dependsOn: ["categories"], environments: ["development", "testing", "staging"] }),
  dataset("production_admin", {
    table: "users",
    environments: ["staging", "production"],
    secrets: ["admin_password"],
    passwordColumns: ["password_hash"],
  }),
  dataset("sample_orders", { table: "orders", source: "generated", rows: 200, dependsOn: ["users"], environments: ["development"] }),
  dataset("sample_order_items", {
    table: "order_items",
    source: "generated",
    rows: 400,
    dependsOn: ["sample_orders", "products"],
    environments: ["development"],
  }),
];

export function target(over: Partial<TimelineTarget> = {}): TimelineTarget {
  return {
    id: "embedded",
    label: "Demo database (embedded)",
    engine: "sqlite",
    tier: "development",
    colour: null,
    location: "/tmp/demo.sqlite3",
    protection: { readOnly: false, confirmName: null },
    current: null,
    foreign: null,
    error: null,
    readMs: 0,
    ...over,
  };
}
