import { describe, expect, it } from "vitest";
import {
  THEME_STORAGE_KEY,
  readThemeChoice,
  resolveTheme,
  writeThemeChoice,
} from "./theme";

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    data,
  };
}

describe("resolveTheme", () => {
  it("follows the OS when the choice is system", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
  });

  it("lets an explicit choice win over the OS", () => {
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
  });
});

describe("theme choice persistence", () => {
  it("restores a persisted choice", () => {
    const storage = memoryStorage();
    writeThemeChoice(storage, "dark");
    expect(storage.data.get(THEME_STORAGE_KEY)).toBe("dark");
    expect(readThemeChoice(storage)).toBe("dark");
  });

  it("falls back to system for nothing, garbage, or unusable storage", () => {
    expect(readThemeChoice(memoryStorage())).toBe("system");
    expect(readThemeChoice(memoryStorage({ [THEME_STORAGE_KEY]: "purple" }))).toBe("system");
    expect(readThemeChoice(null)).toBe("system");
    const throwing = {
      getItem: () => {
        throw new Error("SecurityError");
      },
    };
    expect(readThemeChoice(throwing)).toBe("system");
  });

  it("does not throw when storage refuses a write", () => {
    const full = {
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(() => writeThemeChoice(full, "light")).not.toThrow();
  });
});
