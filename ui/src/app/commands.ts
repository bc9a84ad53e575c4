/** The palette's command list: the screens and the theme choices. */
import type { PaletteCommand } from "../features/palette/CommandPalette";
import type { ThemeChoice } from "../lib/theme";
import { SCREENS, SCREEN_META, screenShortcutDigit, type Screen } from "./routes";
import { MOD_KEY_LABEL } from "./shortcuts";

const THEME_COMMANDS: { choice: ThemeChoice; title: string; keywords: string[] }[] = [
  { choice: "light", title: "Use light theme", keywords: ["appearance", "day"] },
  { choice: "dark", title: "Use dark theme", keywords: ["appearance", "night"] },
  { choice: "system", title: "Follow system theme", keywords: ["appearance", "auto", "os"] },
];

export function buildCommands({
  screen,
  themeChoice,
  goTo,
  setThemeChoice,
}: {
  screen: Screen;
  themeChoice: ThemeChoice;
  goTo: (screen: Screen) => void;
  setThemeChoice: (choice: ThemeChoice) => void;
}): PaletteCommand[] {
  const navigation = SCREENS.map(
    (target): PaletteCommand => ({
      id: `go-${target}`,
      title: `Go to ${SCREEN_META[target].label}`,
      group: "Navigate",
      keywords: SCREEN_META[target].keywords,
      shortcut: [MOD_KEY_LABEL, screenShortcutDigit(target)],
      current: target === screen,
      run: () => goTo(target),
    }),
  );
  const theme = THEME_COMMANDS.map(
    ({ choice, title, keywords }): PaletteCommand => ({
      id: `theme-${choice}`,
      title,
      group: "Theme",
      keywords,
      current: choice === themeChoice,
      run: () => setThemeChoice(choice),
    }),
  );
  return [...navigation, ...theme];
}
