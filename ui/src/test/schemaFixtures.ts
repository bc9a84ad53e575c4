/**
 * Test-only schemas, diffs and comparisons shaped like the backend's answers (see
 * src-tauri/src/commands/schema.rs). Never imported by app code.
 */
import type { SchemaDiff, SchemaView, TargetComparison, TargetSchema, Timeline, TimelineTarget } from "../ipc/client";

export const ROOT = "/home/dev/shop";

export function target(overrides: Partial<TimelineTarget> = {}): TimelineTarget {
  return {
    id: "embedded",
    label: "Demo database",
    engine: "sqlite",
    tier: "development",
    colour: null,
    location: "/data/shop.sqlite3",
    protection: { readOnly: false, confirmName: null },
    current: null,
    foreign: null,
    error: null,
    readMs: 1,
    ...overrides,
  };
}

export const pgA = target({ id: "pg-a", label: "pg dev", engine: "postgres", location: "localhost/a" });
export const pgB = target({ id: "pg-b", label: "pg staging", engine: "postgres", location: "localhost/b" });

export function timelineOf(targets: TimelineTarget[]): Timeline {
  return {
    project: { name: "shop", root: ROOT, migrationsDir: `${ROOT}/migrations`, layout: "strata" },
    targets,
    rows: [],
    readMs: 1,
  };
}

export function schemaView(overrides: Partial<SchemaView> = {}): SchemaView {
  return {
    engine: "sqlite",
    tableCount: 2,
    ddl: "CREATE TABLE users (id INTEGER PRIMARY KEY);\n\nCREATE TABLE orders (id INTEGER PRIMARY KEY);\n",
    namespaces: [
      {
        name: "main",
        objects: [
          {
            kind: "table",
            name: "orders",
            attributes: [{ label: "columns", value: "2" }],
            parts: [
              { kind: "column", name: "id", summary: "INTEGER", attributes: [] },
              { kind: "column", name: "user_id", summary: "INTEGER not null", attributes: [] },
              { kind: "index", name: "orders_user_idx", summary: "(user_id)", attributes: [] },
            ],
            ddl: "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);\n",
          },
          {
            kind: "table",
            name: "users",
            attributes: [{ label: "columns", value: "2" }],
            parts: [
              { kind: "column", name: "id", summary: "INTEGER", attributes: [] },
              { kind: "column", name: "email", summary: "TEXT", attributes: [] },
            ],
            ddl: "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n",
          },
        ],
      },
    ],
    ...overrides,
  };
}

export function targetSchema(view: SchemaView = schemaView()): TargetSchema {
  return { target: "embedded", targetLabel: "Demo database", schema: view, readMs: 3 };
}

export function schemaDiff(): SchemaDiff {
  return {
    kind: "postgres",
    namespaces: [
      {
        name: "public",
        nameInA: null,
        change: "changed",
        objects: [
          {
            kind: "table",
            name: "audit",
            renamedFrom: null,
            change: "removed",
            attributes: [],
            parts: [{ kind: "column", name: "id", renamedFrom: null, change: "removed", attributes: [] }],
          },
          {
            kind: "table",
            name: "users",
            renamedFrom: null,
            change: "changed",
            attributes: [],
            parts: [
              { kind: "column", name: "phone", renamedFrom: null, change: "added", attributes: [] },
              {
                kind: "column",
                name: "email",
                renamedFrom: null,
                change: "changed",
                attributes: [{ attribute: "dataType", from: "text", to: "varchar(200)" }],
              },
              { kind: "index", name: "users_email_idx", renamedFrom: null, change: "added", attributes: [] },
            ],
          },
        ],
      },
    ],
  };
}

export function comparison(overrides: Partial<TargetComparison> = {}): TargetComparison {
  return {
    a: pgA.id,
    aLabel: pgA.label,
    b: pgB.id,
    bLabel: pgB.label,
    aDdl: "CREATE TABLE users (id integer, phone text);\n",
    bDdl: "CREATE TABLE users (id integer);\n",
    diff: schemaDiff(),
    counts: { added: 2, removed: 2, changed: 2 },
    up: 'ALTER TABLE "public"."users" ADD COLUMN "phone" text;\n',
    down: 'ALTER TABLE "public"."users" DROP COLUMN "phone";\n',
    ...overrides,
  };
}
