/** The theme choice (persisted) and the painted theme (choice + live OS preference). */
import {
  createContext,
  useCallback,
  useContext,
  useLayoutEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";
import { subscribeSystemTheme, systemPrefersDark } from "../platform/os";
import {
  readThemeChoice,
  resolveTheme,
  writeThemeChoice,
  type Theme,
  type ThemeChoice,
} from "../lib/theme";

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function readStoredThemeChoice(): ThemeChoice {
  return readThemeChoice(storage());
}

/** Paints a theme on <html>: `data-theme` drives the CSS tokens, `color-scheme` the native widgets. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

/** For the first paint, before React renders. */
export function applyInitialTheme(): void {
  applyTheme(resolveTheme(readStoredThemeChoice(), systemPrefersDark()));
}

type ThemeState = {
  choice: ThemeChoice;
  theme: Theme;
  setChoice: (choice: ThemeChoice) => void;
};

const ThemeContext = createContext<ThemeState | null>(null);

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [choice, setChoiceState] = useState<ThemeChoice>(readStoredThemeChoice);
  const systemDark = useSyncExternalStore(subscribeSystemTheme, systemPrefersDark, () => false);
  const theme = resolveTheme(choice, systemDark);

  useLayoutEffect(() => {
    applyTheme(theme);
  }, [theme]);

  const setChoice = useCallback((next: ThemeChoice) => {
    writeThemeChoice(storage(), next);
    setChoiceState(next);
  }, []);

  const value = useMemo(() => ({ choice, theme, setChoice }), [choice, theme, setChoice]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeState {
  const state = useContext(ThemeContext);
  if (!state) throw new Error("useTheme must be used inside <ThemeProvider>");
  return state;
}
