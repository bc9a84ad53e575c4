/**
 * Pure models of the Schema screen's two trees, as flat rows for a virtualised list: a live
 * schema (namespaces, objects, their parts) and a schema diff (with +/−/~ and a text label on
 * every changed row). Search keeps a match's ancestors so its place in the tree stays visible.
 */
import type {
  Attribute,
  AttributeDiff,
  Change,
  ObjectKind,
  PartKind,
  SchemaDiff,
  SchemaObject,
  SchemaView,
} from "../ipc/bindings";

export const OBJECT_KIND_LABEL: Record<ObjectKind, string> = {
  enum: "enum type",
  sequence: "sequence",
  table: "table",
  view: "view",
  routine: "routine",
};

export const PART_KIND_LABEL: Record<PartKind, string> = {
  column: "column",
  primaryKey: "primary key",
  unique: "unique constraint",
  index: "index",
  foreignKey: "foreign key",
  check: "check constraint",
  trigger: "trigger",
};

export const CHANGE_SIGN: Record<Change, string> = { added: "+", removed: "−", changed: "~" };
export const CHANGE_LABEL: Record<Change, string> = { added: "added", removed: "removed", changed: "changed" };

const ATTRIBUTE_LABEL: Partial<Record<Attribute, string>> = {
  dataType: "type",
  generated: "generated as",
  parts: "key parts",
  referencedTable: "referenced table",
  referencedColumns: "referenced columns",
  onDelete: "on delete",
  onUpdate: "on update",
  minValue: "min value",
  maxValue: "max value",
  routineKind: "routine kind",
  columnOrder: "column order",
  constraintName: "constraint name",
};

/** "dataType" → "type", "onDelete" → "on delete". */
export function attributeLabel(a: Attribute): string {
  return ATTRIBUTE_LABEL[a] ?? a.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/** `type: integer → bigint`, with "none" for a missing side. */
export function attributeText(a: AttributeDiff): string {
  return `${attributeLabel(a.attribute)}: ${a.from ?? "none"} → ${a.to ?? "none"}`;
}

// ---- The live schema

export type SchemaRow =
  | { kind: "namespace"; id: string; depth: 0; name: string; count: number }
  | { kind: "object"; id: string; depth: 1; namespace: string; object: SchemaObject; expandable: boolean }
  | { kind: "part"; id: string; depth: 2; objectId: string; name: string; partKind: PartKind; summary: string };

export const objectId = (namespace: string, o: SchemaObject) => `${namespace}/${o.kind}/${o.name}`;

const matches = (text: string, query: string) => text.toLowerCase().includes(query);

/**
 * The rows to show: every namespace, its objects, and the parts of the `expanded` objects.
 * With a `query`, only objects whose name (or one of whose parts) matches, with the matching
 * parts shown; namespaces without a match are left out.
 */
export function schemaRows(schema: SchemaView, expanded: ReadonlySet<string>, query: string): SchemaRow[] {
  const q = query.trim().toLowerCase();
  const rows: SchemaRow[] = [];
  for (const ns of schema.namespaces) {
    const objectRows: SchemaRow[] = [];
    for (const o of ns.objects) {
      const id = objectId(ns.name, o);
      const selfMatch = q === "" || matches(o.name, q);
      const parts = o.parts.filter((p) => q === "" || selfMatch || matches(p.name, q));
      if (!selfMatch && parts.length === 0) continue;
      objectRows.push({ kind: "object", id, depth: 1, namespace: ns.name, object: o, expandable: o.parts.length > 0 });
      const open = expanded.has(id) || (q !== "" && !selfMatch);
      if (!open) continue;
      for (const p of parts) {
        objectRows.push({
          kind: "part",
          id: `${id}/${p.kind}/${p.name}`,
          depth: 2,
          objectId: id,
          name: p.name,
          partKind: p.kind,
          summary: p.summary,
        });
      }
    }
    if (q !== "" && objectRows.length === 0) continue;
    const count = objectRows.filter((r) => r.kind === "object").length;
    rows.push({ kind: "namespace", id: `ns/${ns.name}`, depth: 0, name: ns.name, count }, ...objectRows);
  }
  return rows;
}

/** The object `id` names, with its namespace. */
export function findObject(schema: SchemaView, id: string): { namespace: string; object: SchemaObject } | null {
  for (const ns of schema.namespaces) {
    for (const o of ns.objects) if (objectId(ns.name, o) === id) return { namespace: ns.name, object: o };
  }
  return null;
}

// ---- The diff

export type DiffRow = {
  id: string;
  depth: 0 | 1 | 2;
  change: Change;
  /** `+`, `−` or `~`: always shown with `label`, never alone. */
  sign: string;
  label: string;
  /** `table`, `column`, `namespace`, … */
  what: string;
  name: string;
  /** The attributes that differ, one line each. */
  details: string[];
};

export type DiffCountsModel = { added: number; removed: number; changed: number };

/** Every entry of `diff` as a row, filtered by `query` (a match keeps its object and namespace). */
export function diffRows(diff: SchemaDiff, query = ""): DiffRow[] {
  const q = query.trim().toLowerCase();
  const rows: DiffRow[] = [];
  for (const ns of diff.namespaces) {
    const nsRow: DiffRow = {
      id: `ns/${ns.name}`,
      depth: 0,
      change: ns.change,
      sign: CHANGE_SIGN[ns.change],
      label: CHANGE_LABEL[ns.change],
      what: "namespace",
      name: ns.nameInA && ns.nameInA !== ns.name ? `${ns.nameInA} → ${ns.name}` : ns.name,
      details: [],
    };
    const below: DiffRow[] = [];
    for (const o of ns.objects) {
      const oid = `${ns.name}/${o.kind}/${o.name}`;
      const selfMatch = q === "" || matches(o.name, q);
      const parts = o.parts.filter((p) => selfMatch || matches(p.name, q));
      if (!selfMatch && parts.length === 0) continue;
      below.push({
        id: oid,
        depth: 1,
        change: o.change,
        sign: CHANGE_SIGN[o.change],
        label: CHANGE_LABEL[o.change],
        what: OBJECT_KIND_LABEL[o.kind],
        name: o.renamedFrom ? `${o.renamedFrom} → ${o.name}` : o.name,
        details: o.attributes.map(attributeText),
      });
      for (const p of parts) {
        below.push({
          id: `${oid}/${p.kind}/${p.name}`,
          depth: 2,
          change: p.change,
          sign: CHANGE_SIGN[p.change],
          label: CHANGE_LABEL[p.change],
          what: PART_KIND_LABEL[p.kind],
          name: p.renamedFrom ? `${p.renamedFrom} → ${p.name}` : p.name,
          details: p.attributes.map(attributeText),
        });
      }
    }
    if (q !== "" && below.length === 0 && !matches(ns.name, q)) continue;
    rows.push(nsRow, ...below);
  }
  return rows;
}

/** Entries by change, as the backend counts them: namespaces (unless only changed), objects, parts. */
export function diffCounts(diff: SchemaDiff): DiffCountsModel {
  const c: DiffCountsModel = { added: 0, removed: 0, changed: 0 };
  for (const ns of diff.namespaces) {
    if (ns.change !== "changed") c[ns.change] += 1;
    for (const o of ns.objects) {
      c[o.change] += 1;
      for (const p of o.parts) c[p.change] += 1;
    }
  }
  return c;
}

/** "2 added, 1 changed", or "no differences". */
export function countsText(c: DiffCountsModel): string {
  const parts = (["added", "removed", "changed"] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  return parts.length === 0 ? "no differences" : parts.join(", ");
}
