import { describe, expect, it } from "vitest";
import { migrationNameProblem, normalizeMigrationName } from "./newMigration";

describe("migrationNameProblem", () => {
  it.each(["create users", "add_orders", "v2-api-keys", "AddUserEmail", "x"])("accepts %s", (name) => {
    expect(migrationNameProblem(name)).toBeNull();
  });

  it("asks for a name when there is none", () => {
    expect(migrationNameProblem("")).toMatch(/Enter a name/);
    expect(migrationNameProblem("   ")).toMatch(/Enter a name/);
  });

  it("refuses path separators and .. (the files always go in the migrations folder)", () => {
    expect(migrationNameProblem("../evil")).toMatch(/cannot hold/);
    expect(migrationNameProblem("a/b")).toMatch(/cannot hold/);
    expect(migrationNameProblem("a\\b")).toMatch(/cannot hold/);
  });

  it("names the characters it cannot use", () => {
    const problem = migrationNameProblem("café crème!");
    expect(problem).toMatch(/letters a–z, digits, spaces/);
    expect(problem).toContain("“é”");
    expect(problem).toContain("“è”");
    expect(problem).toContain("“!”");
  });

  it("needs at least one letter or digit", () => {
    expect(migrationNameProblem("_ - _")).toMatch(/at least one letter or digit/);
  });
});

describe("normalizeMigrationName", () => {
  // The engine's own table (strata-core source/new.rs names_become_snake_case).
  it.each([
    ["create users", "create_users"],
    ["Add phone to Users!", "add_phone_to_users"],
    ["  add--index__on  orders ", "add_index_on_orders"],
    ["AddUserEmail", "add_user_email"],
    ["v2 API keys", "v2_api_keys"],
    ["HTTPLog", "httplog"],
    ["café crème", "caf_cr_me"],
  ])("%s becomes %s", (input, want) => {
    expect(normalizeMigrationName(input)).toBe(want);
  });

  it.each(["", "   ", "!!!", "éè"])("%j leaves nothing", (input) => {
    expect(normalizeMigrationName(input)).toBeNull();
  });
});
