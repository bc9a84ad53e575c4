import { describe, expect, it } from "vitest";
import { projectRef } from "./fixtures";
import { pickProject } from "./ProjectPicker";

describe("pickProject", () => {
  const shop = projectRef();
  const billing = projectRef({ root: "/srv/billing", name: "billing", default: false });

  it("keeps the session's choice while the project is still known", () => {
    expect(pickProject([shop, billing], "/srv/billing")).toBe("/srv/billing");
  });

  it("falls back to the default project, then to the first", () => {
    expect(pickProject([billing, shop], "/gone")).toBe(shop.root);
    expect(pickProject([billing, shop], null)).toBe(shop.root);
    expect(pickProject([billing], null)).toBe("/srv/billing");
    expect(pickProject([], "/srv/billing")).toBeNull();
  });
});
