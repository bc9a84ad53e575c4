/** The screens, in navigation order; Ctrl/⌘ + position selects one. */
import type { IconName } from "../components/Icon";

export const SCREENS = ["connections", "timeline", "schema", "seeds", "history", "settings"] as const;
export type Screen = (typeof SCREENS)[number];

export const DEFAULT_SCREEN: Screen = "timeline";

export const SCREEN_META: Record<Screen, { label: string; icon: IconName; keywords: string[] }> = {
  connections: { label: "Connections", icon: "connections", keywords: ["database", "environment"] },
  timeline: { label: "Timeline", icon: "timeline", keywords: ["migrations"] },
  schema: { label: "Schema", icon: "schema", keywords: ["diff", "drift", "tables"] },
  seeds: { label: "Seeds", icon: "seeds", keywords: ["datasets", "data"] },
  history: { label: "History", icon: "history", keywords: ["log", "events"] },
  settings: { label: "Settings", icon: "settings", keywords: ["preferences", "about", "theme"] },
};

export function isScreen(value: string): value is Screen {
  return (SCREENS as readonly string[]).includes(value);
}

/** "1".."6" for the screen's keyboard shortcut. */
export function screenShortcutDigit(screen: Screen): string {
  return String(SCREENS.indexOf(screen) + 1);
}

/** "#/schema" -> "schema"; anything unknown -> the default screen. */
export function screenFromHash(hash: string): Screen {
  const name = hash.replace(/^#\/?/, "").split(/[/?]/)[0] ?? "";
  return isScreen(name) ? name : DEFAULT_SCREEN;
}

export function hashForScreen(screen: Screen): string {
  return `#/${screen}`;
}
