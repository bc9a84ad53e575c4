/**
 * Both themes keep text readable: every text/background pair the stylesheets
 * use meets WCAG AA (4.5:1), and focus rings and indicators meet 3:1.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Vitest runs from ui/ (where vitest.config.ts is).
const css = readFileSync(resolve(process.cwd(), "src/styles/tokens.css"), "utf8");

function tokens(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} block in tokens.css`);
  const body = css.slice(start, css.indexOf("}", start));
  const found: Record<string, string> = {};
  for (const [, name, value] of body.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\b/g)) {
    if (name && value) found[name] = value;
  }
  return found;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT_PAIRS: [string, string][] = [
  ["text", "canvas"],
  ["text", "surface"],
  ["text", "chrome"],
  ["text", "selected"],
  ["text-muted", "canvas"],
  ["text-muted", "surface"],
  ["text-muted", "surface-alt"],
  ["text-muted", "surface-sunken"],
  ["text-muted", "chrome"],
  ["text-muted", "selected"],
  ["text-muted", "error-bg"],
  ["text-muted", "tone-neutral-bg"],
  ["accent-text", "canvas"],
  ["accent-text", "selected"],
  ["on-accent", "accent-solid"],
  ["on-accent", "accent-solid-hover"],
  ["tone-neutral-fg", "tone-neutral-bg"],
  ["tone-accent-fg", "tone-accent-bg"],
  ["tone-success-fg", "tone-success-bg"],
  ["tone-info-fg", "tone-info-bg"],
  ["tone-warning-fg", "tone-warning-bg"],
  ["tone-danger-fg", "tone-danger-bg"],
  ["tone-danger-fg", "error-bg"],
  ["tone-danger-solid-fg", "tone-danger-solid-bg"],
];

const UI_PAIRS: [string, string][] = [
  ["focus", "canvas"],
  ["focus", "chrome"],
  ["focus", "surface"],
  ["accent", "surface"],
  ["accent", "selected"],
];

describe.each([
  ["light", ':root[data-theme="light"]'],
  ["dark", ':root[data-theme="dark"]'],
])("%s theme contrast", (_name, selector) => {
  const t = tokens(selector);

  it.each(TEXT_PAIRS)("%s on %s is at least 4.5:1", (fg, bg) => {
    expect(t[fg], fg).toBeDefined();
    expect(t[bg], bg).toBeDefined();
    expect(contrast(t[fg]!, t[bg]!)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(UI_PAIRS)("%s on %s is at least 3:1", (fg, bg) => {
    expect(contrast(t[fg]!, t[bg]!)).toBeGreaterThanOrEqual(3);
  });
});
