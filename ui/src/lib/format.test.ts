import { describe, expect, it } from "vitest";
import {
  EVENT_KINDS,
  EVENT_OUTCOMES,
  baseName,
  engineWithVersion,
  eventKindLabel,
  formatDuration,
  formatLatency,
  formatUtc,
  utcClock,
  outcomeLabel,
  relativeTime,
  relativeTo,
  versionTimestamp,
} from "./format";

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

describe("durations", () => {
  it.each([
    [0.4, "<1 ms"],
    [4.24, "4.2 ms"],
    [12.4, "12 ms"],
    [340.2, "340 ms"],
    [1234, "1.2 s"],
    [2000, "2.0 s"],
    [59_949, "59.9 s"],
    [120_000, "2 min 00 s"],
    [125_400, "2 min 05 s"],
    [185_000, "3 min 05 s"],
  ])("%s ms is %s", (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });

  it("has none for a duration not recorded or not a duration", () => {
    expect(formatDuration(null)).toBeNull();
    expect(formatDuration(undefined)).toBeNull();
    expect(formatDuration(-1)).toBeNull();
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe("times", () => {
  const NOW = Date.parse("2024-03-10T12:00:00.000Z");

  it.each([
    ["2024-03-10T11:59:30.000Z", "just now"],
    ["2024-03-10T11:55:00.000Z", "5 min ago"],
    ["2024-03-10T09:00:00.000Z", "3 h ago"],
    ["2024-03-09T06:00:00.000Z", "yesterday"],
    ["2024-02-28T12:00:00.000Z", "11 days ago"],
    ["2023-12-01T08:00:00.000Z", "2023-12-01"],
    ["2024-03-10T12:30:00.000Z", "2024-03-10 12:30:00 UTC"], // a clock ahead: exact time
    ["not a time", "not a time"],
  ])("%s is %s before 2024-03-10 12:00 UTC", (iso, want) => {
    expect(relativeTime(iso, NOW)).toBe(want);
  });

  it("writes the exact time in UTC, whatever offset it was given with", () => {
    expect(formatUtc("2024-01-15T10:30:00.123Z")).toBe("2024-01-15 10:30:00 UTC");
    expect(formatUtc("2024-01-15T12:30:00+02:00")).toBe("2024-01-15 10:30:00 UTC");
    expect(formatUtc("yesterday")).toBe("yesterday");
    expect(utcClock("2024-01-15T12:30:00+02:00")).toBe("2024-01-15 10:30:00");
    expect(utcClock("yesterday")).toBe("yesterday");
  });
});

describe("event words", () => {
  it("gives every kind and outcome its own word", () => {
    expect(eventKindLabel("rollback")).toBe("roll back");
    expect(outcomeLabel("partial")).toBe("partial");
    const kinds = EVENT_KINDS.map(eventKindLabel);
    const outcomes = EVENT_OUTCOMES.map(outcomeLabel);
    expect(new Set(kinds).size).toBe(7);
    expect(new Set(outcomes).size).toBe(4);
    expect([...kinds, ...outcomes].every((w) => w.trim() !== "")).toBe(true);
  });
});
