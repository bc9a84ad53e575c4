import { describe, expect, it } from "vitest";
import { CATALOG, target } from "./fixtures";
import {
  confirmationWord,
  formErrors,
  fromProfile,
  initialForm,
  neededSecrets,
  parseCount,
  profileNameError,
  targetRefusal,
  toProfileForm,
  toSeedForm,
  withDependencies,
} from "./form";

describe("withDependencies", () => {
  it("adds what a dataset needs, transitively, and says which choice needs it", () => {
    const { included, neededBy } = withDependencies(CATALOG, new Set(["sample_order_items"]));
    expect([...included].sort()).toEqual(["categories", "products", "sample_order_items", "sample_orders", "users"]);
    expect(neededBy.get("users")).toEqual(["sample_order_items"]);
    expect(neededBy.get("categories")).toEqual(["sample_order_items"]);
    expect(neededBy.has("sample_order_items")).toBe(false);
  });

  it("lists every chosen dataset that needs a shared dependency, and none for a chosen one", () => {
    const { neededBy } = withDependencies(CATALOG, new Set(["sample_orders", "products", "categories"]));
    expect(neededBy.get("users")).toEqual(["sample_orders"]);
    expect(neededBy.has("categories")).toBe(false);
  });
});

describe("the form", () => {
  it("starts with every dataset of the environment and sends them in dependency order", () => {
    const state = initialForm(CATALOG, "development");
    expect(formErrors(CATALOG, state)).toEqual({});
    const form = toSeedForm(CATALOG, state);
    expect(form.datasets).toEqual(["roles", "users", "categories", "products", "sample_orders", "sample_order_items"]);
    expect(form).toMatchObject({ environment: "development", mode: "upsert", seed: 1, counts: [] });
    // Saved as a profile, "all of them" stays "all of the environment".
    expect(toProfileForm(CATALOG, state).datasets).toEqual([]);
  });

  it("sends typed counts for generated datasets only, and refuses bad ones", () => {
    const state = {
      ...initialForm(CATALOG),
      counts: { sample_orders: "1,000", sample_order_items: "", roles: "9" },
    };
    expect(toSeedForm(CATALOG, state).counts).toEqual([{ dataset: "sample_orders", rows: 1000 }]);
    expect(parseCount("12x").error).toMatch(/whole number/);
    expect(parseCount("20000000").error).toMatch(/At most 10,000,000/);
    expect(formErrors(CATALOG, { ...state, counts: { sample_orders: "-5" } })["count:sample_orders"]).toMatch(/whole number/);
    expect(formErrors(CATALOG, { ...state, seed: "abc" }).seed).toMatch(/whole number/);
  });

  it("refuses a choice whose dependencies are not for the environment", () => {
    const state = { ...initialForm(CATALOG, "staging"), chosen: new Set(["sample_orders"]) };
    expect(formErrors(CATALOG, state).datasets).toBe(
      "users, sample_orders are not for staging: untick what needs them, or choose another environment.",
    );
    expect(formErrors(CATALOG, { ...state, chosen: new Set<string>() }).datasets).toBe("Tick at least one dataset.");
  });

  it("restores a profile, empty datasets meaning the whole environment", () => {
    const small = fromProfile(CATALOG, {
      name: "demo-small",
      form: { environment: "development", datasets: [], mode: "sync", seed: 7, counts: [{ dataset: "sample_orders", rows: 20 }] },
    });
    expect(small.chosen.size).toBe(6);
    expect(small).toMatchObject({ mode: "sync", seed: "7", counts: { sample_orders: "20" } });
    const some = fromProfile(CATALOG, {
      name: "x",
      form: { environment: "development", datasets: ["sample_orders", "gone"], mode: "upsert", seed: 1, counts: [] },
    });
    expect([...some.chosen]).toEqual(["sample_orders"]);
    expect(toProfileForm(CATALOG, some).datasets).toEqual(["sample_orders"]);
  });

  it("collects the secrets of what is included", () => {
    expect(neededSecrets(CATALOG, new Set(["production_admin", "roles"]))).toEqual(["admin_password"]);
    expect(neededSecrets(CATALOG, new Set(["roles"]))).toEqual([]);
  });
});

describe("profile names", () => {
  it("explains what is wrong with a name", () => {
    expect(profileNameError("", [])).toMatch(/Type a name/);
    expect(profileNameError("Big Orders", [])).toMatch(/lowercase letters/);
    expect(profileNameError("load_test", ["load-test"])).toMatch(/Too close to the profile “load-test”/);
    expect(profileNameError("load-test", ["load-test"])).toBeUndefined();
    expect(profileNameError("qa-1", ["load-test"])).toBeUndefined();
  });
});

describe("targets", () => {
  it("asks for the word production, or the database name, before seeding production", () => {
    expect(confirmationWord(target(), "development")).toBeNull();
    expect(confirmationWord(target(), "production")).toBe("production");
    const prod = target({ tier: "production", protection: { readOnly: false, confirmName: "shop" } });
    expect(confirmationWord(prod, "production")).toBe("shop");
    const named = target({ protection: { readOnly: false, confirmName: "dev_db" } });
    expect(confirmationWord(named, "development")).toBe("dev_db");
  });

  it("says why a target cannot be seeded", () => {
    expect(targetRefusal(target(), "development")).toBeNull();
    const prod = target({ label: "Shop", tier: "production", protection: { readOnly: false, confirmName: "shop" } });
    expect(targetRefusal(prod, "development")).toMatch(/takes only the datasets marked for production/);
    expect(targetRefusal(prod, "production")).toBeNull();
    const locked = target({ label: "Shop", protection: { readOnly: true, confirmName: null } });
    expect(targetRefusal(locked, "development")).toMatch(/read-only/);
  });
});
