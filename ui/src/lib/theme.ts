/** Theme choice (what the user picked) vs theme (what is painted), and its persistence. */

export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

export const THEME_CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];
export const THEME_STORAGE_KEY = "strata.theme";

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === "string" && (THEME_CHOICES as readonly string[]).includes(value);
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === "system") return systemPrefersDark ? "dark" : "light";
  return choice;
}

type ReadableStorage = Pick<Storage, "getItem">;
type WritableStorage = Pick<Storage, "setItem">;

/** The stored choice, or "system" when nothing (valid) is stored or storage is unavailable. */
export function readThemeChoice(storage: ReadableStorage | null | undefined): ThemeChoice {
  try {
    const raw = storage?.getItem(THEME_STORAGE_KEY);
    return isThemeChoice(raw) ? raw : "system";
  } catch {
    return "system";
  }
}

export function writeThemeChoice(
  storage: WritableStorage | null | undefined,
  choice: ThemeChoice,
): void {
  try {
    storage?.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Storage full or disabled: the choice still applies for this session.
  }
}

export function themeChoiceLabel(choice: ThemeChoice): string {
  switch (choice) {
    case "system":
      return "Follow system";
    case "light":
      return "Light";
    case "dark":
      return "Dark";
  }
}
