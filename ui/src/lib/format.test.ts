import { describe, expect, it } from "vitest";
import { baseName, engineWithVersion, formatLatency, relativeTo, versionTimestamp } from "./format";

describe("format", () => {
  it("names the engine with its server version", () => {
    expect(engineWithVersion("sqlite", "3.46.0")).toBe("SQLite 3.46.0");
    expect(engineWithVersion("mysql", "10.11.19-MariaDB")).toBe("MySQL/MariaDB 10.11.19-MariaDB");
    expect(engineWithVersion("postgres", "  ")).toBe("PostgreSQL");
  });

  it("formats connect latency at a useful precision", () => {
    expect(formatLatency(0.3)).toBe("<1 ms");
    expect(formatLatency(2.44)).toBe("2.4 ms");
    expect(formatLatency(38.6)).toBe("39 ms");
    expect(formatLatency(1250)).toBe("1.3 s");
    expect(formatLatency(Number.NaN)).toBe("unknown");
  });

  it("shows paths relative to the project root when inside it", () => {
    expect(relativeTo("/p/shop", "/p/shop/migrations")).toBe("migrations");
    expect(relativeTo("/p/shop/", "/p/shop/db/migrations")).toBe("db/migrations");
    expect(relativeTo("C:\\p\\shop", "C:\\p\\shop\\migrations")).toBe("migrations");
    expect(relativeTo("/p/shop", "/p/shopping/migrations")).toBe("/p/shopping/migrations");
    expect(baseName("/a/b/0001_init.up.sql")).toBe("0001_init.up.sql");
  });

  it("reads Strata's timestamp versions and leaves others alone", () => {
    expect(versionTimestamp("20240102093000")).toBe("2024-01-02 09:30 UTC");
    expect(versionTimestamp("0001")).toBeNull();
  });
});
