import { describe, expect, it } from "vitest";
import { schemaDiff, schemaView } from "../test/schemaFixtures";
import { attributeLabel, countsText, diffCounts, diffRows, schemaRows } from "./schemaTree";

describe("diff rows", () => {
  it("lists every entry with its sign and text label, indented by depth", () => {
    const rows = diffRows(schemaDiff());
    expect(rows.map((r) => `${r.depth} ${r.sign} ${r.label} ${r.what} ${r.name}`)).toEqual([
      "0 ~ changed namespace public",
      "1 − removed table audit",
      "2 − removed column id",
      "1 ~ changed table users",
      "2 + added column phone",
      "2 ~ changed column email",
      "2 + added index users_email_idx",
    ]);
    expect(rows.find((r) => r.name === "email")?.details).toEqual(["type: text → varchar(200)"]);
  });

  it("counts namespaces only when added or removed, then objects and parts", () => {
    expect(diffCounts(schemaDiff())).toEqual({ added: 2, removed: 2, changed: 2 });
    expect(countsText({ added: 2, removed: 0, changed: 1 })).toBe("2 added, 1 changed");
    expect(countsText({ added: 0, removed: 0, changed: 0 })).toBe("no differences");
  });

  it("keeps a match's object and namespace when searching, and nothing else", () => {
    const rows = diffRows(schemaDiff(), "PHONE");
    expect(rows.map((r) => r.name)).toEqual(["public", "users", "phone"]);
    expect(diffRows(schemaDiff(), "audit").map((r) => r.name)).toEqual(["public", "audit", "id"]);
    expect(diffRows(schemaDiff(), "nothing-like-this")).toEqual([]);
  });

  it("names attributes in words", () => {
    expect(attributeLabel("dataType")).toBe("type");
    expect(attributeLabel("onDelete")).toBe("on delete");
    expect(attributeLabel("nullable")).toBe("nullable");
  });
});

describe("schema rows", () => {
  it("shows namespaces and objects, and the parts of opened objects only", () => {
    const closed = schemaRows(schemaView(), new Set(), "");
    expect(closed.map((r) => r.kind)).toEqual(["namespace", "object", "object"]);
    const open = schemaRows(schemaView(), new Set(["main/table/orders"]), "");
    expect(open.filter((r) => r.kind === "part").map((r) => (r.kind === "part" ? r.name : ""))).toEqual([
      "id",
      "user_id",
      "orders_user_idx",
    ]);
  });

  it("finds objects and parts by name, opening an object to show a matching part", () => {
    const byPart = schemaRows(schemaView(), new Set(), "email");
    expect(byPart.map((r) => (r.kind === "object" ? r.object.name : r.kind === "part" ? r.name : r.name))).toEqual([
      "main",
      "users",
      "email",
    ]);
    const byObject = schemaRows(schemaView(), new Set(), "ORDERS");
    expect(byObject.map((r) => r.kind)).toEqual(["namespace", "object"]);
    expect(schemaRows(schemaView(), new Set(), "zzz")).toEqual([]);
  });
});
