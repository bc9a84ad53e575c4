/** Global keyboard shortcuts: Ctrl/⌘+K for the palette, Ctrl/⌘+1…6 for the screens. */
import { useEffect } from "react";
import { isApplePlatform } from "../platform/os";
import { SCREENS, type Screen } from "./routes";

export const MOD_KEY_LABEL = isApplePlatform() ? "⌘" : "Ctrl";
export const PALETTE_SHORTCUT: readonly string[] = [MOD_KEY_LABEL, "K"];

function hasOnlyMod(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}

/** 1-based digit from the physical key, so non-US layouts work too. */
function digitOf(event: KeyboardEvent): number | null {
  const fromCode = /^(?:Digit|Numpad)([0-9])$/.exec(event.code);
  const raw = fromCode?.[1] ?? (/^[0-9]$/.test(event.key) ? event.key : null);
  return raw === null ? null : Number(raw);
}

export function useGlobalShortcuts(handlers: {
  togglePalette: () => void;
  goTo: (screen: Screen) => void;
}): void {
  const { togglePalette, goTo } = handlers;
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!hasOnlyMod(event) || event.repeat) return;
      if (event.key.toLowerCase() === "k" || event.code === "KeyK") {
        event.preventDefault();
        togglePalette();
        return;
      }
      const digit = digitOf(event);
      const screen = digit === null ? undefined : SCREENS[digit - 1];
      if (screen) {
        event.preventDefault();
        goTo(screen);
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [togglePalette, goTo]);
}
