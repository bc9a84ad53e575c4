/** The app frame: header, navigation, the current screen, and the palette above them. */
import { useCallback, useEffect, useRef, useState } from "react";
import { CommandPalette } from "../../features/palette/CommandPalette";
import { ConnectionsScreen } from "../../features/connections/ConnectionsScreen";
import { HistoryScreen } from "../../features/history/HistoryScreen";
import { SchemaScreen } from "../../features/schema/SchemaScreen";
import { SeedsScreen } from "../../features/seeds/SeedsScreen";
import { SettingsScreen } from "../../features/settings/SettingsScreen";
import { TimelineScreen } from "../../features/timeline/TimelineScreen";
import { buildCommands } from "../commands";
import type { Screen } from "../routes";
import { navigate, useScreen } from "../router";
import { useGlobalShortcuts } from "../shortcuts";
import { useTheme } from "../theme";
import { Header } from "./Header";
import { Nav } from "./Nav";

export function Shell() {
  const screen = useScreen();
  const { choice, theme, setChoice } = useTheme();
  const [paletteOpen, setPaletteOpen] = useState(false);

  const togglePalette = useCallback(() => setPaletteOpen((open) => !open), []);
  const closePalette = useCallback(() => setPaletteOpen(false), []);
  const goTo = useCallback((target: Screen) => {
    setPaletteOpen(false);
    navigate(target);
  }, []);
  useGlobalShortcuts({ togglePalette, goTo });

  // After a navigation, put focus on the new screen's title.
  const mainRef = useRef<HTMLElement>(null);
  const shownScreen = useRef(screen);
  useEffect(() => {
    if (shownScreen.current === screen) return;
    shownScreen.current = screen;
    mainRef.current?.scrollTo?.({ top: 0 });
    mainRef.current?.querySelector<HTMLElement>("h1")?.focus();
  }, [screen]);

  return (
    <>
      <div className="app-frame" inert={paletteOpen}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Header onOpenPalette={() => setPaletteOpen(true)} />
        <Nav current={screen} />
        <main id="main" ref={mainRef} className="app-main" tabIndex={-1}>
          {screen === "connections" && <ConnectionsScreen />}
          {screen === "timeline" && <TimelineScreen />}
          {screen === "schema" && <SchemaScreen />}
          {screen === "seeds" && <SeedsScreen />}
          {screen === "history" && <HistoryScreen />}
          {screen === "settings" && (
            <SettingsScreen themeChoice={choice} theme={theme} onThemeChoice={setChoice} />
          )}
        </main>
      </div>
      {paletteOpen && (
        <CommandPalette
          commands={buildCommands({
            screen,
            themeChoice: choice,
            goTo,
            setThemeChoice: setChoice,
          })}
          onClose={closePalette}
        />
      )}
    </>
  );
}
