import { describe, expect, it } from "vitest";
import { fuzzyFilter, fuzzyScore } from "./fuzzy";

const titles = (items: { title: string }[]) => items.map((i) => i.title);

describe("fuzzyScore", () => {
  it("matches characters in order, ignoring case", () => {
    expect(fuzzyScore("tmln", "Timeline")).not.toBeNull();
    expect(fuzzyScore("TIME", "Go to timeline")).not.toBeNull();
  });

  it("rejects out-of-order or missing characters", () => {
    expect(fuzzyScore("lt", "Timeline")).toBeNull(); // the only t comes before the l
    expect(fuzzyScore("enilemit", "Timeline")).toBeNull();
    expect(fuzzyScore("timelinex", "Timeline")).toBeNull();
    expect(fuzzyScore("q", "Timeline")).toBeNull();
  });

  it("scores a contiguous run above the same letters scattered", () => {
    const contiguous = fuzzyScore("set", "Settings");
    const scattered = fuzzyScore("set", "Use light theme");
    expect(contiguous).not.toBeNull();
    expect(scattered).not.toBeNull();
    expect(contiguous!).toBeGreaterThan(scattered!);
  });

  it("scores word starts above mid-word hits", () => {
    // "d" starts "dark" in one title and sits inside "Seeds"/"Folder" in others.
    expect(fuzzyScore("d", "Use dark theme")!).toBeGreaterThan(fuzzyScore("d", "Seeds")!);
    // Acronym-style: initials of words beat letters buried in a word.
    expect(fuzzyScore("ul", "Use light theme")!).toBeGreaterThan(fuzzyScore("ul", "Full")!);
  });

  it("treats an empty or blank query as matching everything", () => {
    expect(fuzzyScore("", "anything")).toBe(0);
    expect(fuzzyScore("   ", "anything")).toBe(0);
  });
});

describe("fuzzyFilter", () => {
  const items = [
    { title: "Go to Connections", keywords: ["database"] },
    { title: "Go to Timeline", keywords: ["migrations"] },
    { title: "Go to Schema", keywords: ["diff"] },
    { title: "Go to Seeds" },
    { title: "Go to History" },
    { title: "Go to Settings", keywords: ["theme"] },
    { title: "Use light theme" },
    { title: "Use dark theme" },
    { title: "Follow system theme" },
  ];

  it("returns every item, in order, for an empty query", () => {
    expect(titles(fuzzyFilter(items, ""))).toEqual(titles(items));
  });

  it("drops items that do not match", () => {
    expect(titles(fuzzyFilter(items, "dark"))).toEqual(["Use dark theme"]);
    expect(fuzzyFilter(items, "xyz")).toEqual([]);
  });

  it("ranks the best match first", () => {
    expect(titles(fuzzyFilter(items, "sch"))[0]).toBe("Go to Schema");
    expect(titles(fuzzyFilter(items, "set"))[0]).toBe("Go to Settings");
    expect(titles(fuzzyFilter(items, "tim"))[0]).toBe("Go to Timeline");
    expect(titles(fuzzyFilter(items, "sys"))[0]).toBe("Follow system theme");
    // A run at a word start ("th|eme") beats two scattered word starts ("t|o H|istory").
    expect(titles(fuzzyFilter(items, "th")).slice(0, 3).sort()).toEqual(
      ["Follow system theme", "Use dark theme", "Use light theme"].sort(),
    );
  });

  it("finds items by keyword, after every item whose title matches", () => {
    const result = titles(fuzzyFilter(items, "migrations"));
    expect(result).toEqual(["Go to Timeline"]);
    const themed = titles(fuzzyFilter(items, "theme"));
    // The three "... theme" titles match on their title; Settings only via its keyword.
    expect(themed.slice(0, 3).sort()).toEqual(
      ["Follow system theme", "Use dark theme", "Use light theme"].sort(),
    );
    expect(themed[3]).toBe("Go to Settings");
  });

  it("keeps input order between equal scores", () => {
    const same = [{ title: "Alpha one" }, { title: "Alpha two" }];
    expect(titles(fuzzyFilter(same, "alpha"))).toEqual(["Alpha one", "Alpha two"]);
  });
});
