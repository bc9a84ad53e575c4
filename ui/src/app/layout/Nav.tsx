import { Icon } from "../../components/Icon";
import { Kbd } from "../../components/Kbd";
import { SCREENS, SCREEN_META, hashForScreen, screenShortcutDigit, type Screen } from "../routes";
import { MOD_KEY_LABEL } from "../shortcuts";

export function Nav({ current }: { current: Screen }) {
  return (
    <nav className="app-nav" aria-label="Screens">
      <ul className="app-nav__list">
        {SCREENS.map((screen) => {
          const meta = SCREEN_META[screen];
          const digit = screenShortcutDigit(screen);
          return (
            <li key={screen}>
              <a
                className="app-nav__item"
                href={hashForScreen(screen)}
                data-testid={`nav-${screen}`}
                aria-current={screen === current ? "page" : undefined}
                aria-keyshortcuts={`Control+${digit} Meta+${digit}`}
              >
                <Icon name={meta.icon} />
                <span className="app-nav__label">{meta.label}</span>
                <Kbd keys={[MOD_KEY_LABEL, digit]} />
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
