import { Badge } from "../../components/Badge";
import { ErrorState } from "../../components/ErrorState";
import { LoadingState } from "../../components/LoadingState";
import { Panel } from "../../components/Panel";
import { Screen } from "../../components/Screen";
import { describeError } from "../../ipc/client";
import { useAppInfo } from "../../ipc/queries";
import { THEME_CHOICES, themeChoiceLabel, type Theme, type ThemeChoice } from "../../lib/theme";
import "./settings.css";

const CHOICE_HINTS: Record<ThemeChoice, string> = {
  system: "Matches your operating system and changes with it.",
  light: "Always light.",
  dark: "Always dark.",
};

export function SettingsScreen({
  themeChoice,
  theme,
  onThemeChoice,
}: {
  themeChoice: ThemeChoice;
  theme: Theme;
  onThemeChoice: (choice: ThemeChoice) => void;
}) {
  return (
    <Screen id="settings" title="Settings">
      <Panel title="Appearance">
        <fieldset className="choice-group">
          <legend className="choice-group__legend">Theme</legend>
          {THEME_CHOICES.map((choice) => (
            <label key={choice} className="choice">
              <input
                type="radio"
                name="theme"
                value={choice}
                checked={themeChoice === choice}
                onChange={() => onThemeChoice(choice)}
              />
              <span className="choice__text">
                <span className="choice__label">
                  {themeChoiceLabel(choice)}
                  {choice === "system" && (
                    <span className="choice__note"> (now {theme === "dark" ? "dark" : "light"})</span>
                  )}
                </span>
                <span className="choice__hint">{CHOICE_HINTS[choice]}</span>
              </span>
            </label>
          ))}
        </fieldset>
      </Panel>
      <About />
    </Screen>
  );
}

function About() {
  const appInfo = useAppInfo();
  let body;
  if (appInfo.isPending) {
    body = <LoadingState label="Reading version information…" />;
  } else if (appInfo.isError) {
    const d = describeError(appInfo.error);
    body = (
      <ErrorState
        title="Version information could not be read"
        summary={d.summary}
        message={d.message}
        code={d.code}
        onRetry={() => void appInfo.refetch()}
        retrying={appInfo.isFetching}
      />
    );
  } else {
    const info = appInfo.data;
    body = (
      <dl className="facts">
        <div>
          <dt>App version</dt>
          <dd className="facts__mono">{info.appVersion}</dd>
        </div>
        <div>
          <dt>Engine version</dt>
          <dd className="facts__mono">{info.engineVersion}</dd>
        </div>
        <div>
          <dt>Engines</dt>
          <dd>
            {info.engines.length === 0 ? (
              "none reported"
            ) : (
              <ul className="about-engines">
                {info.engines.map((engine) => (
                  <li key={engine.kind}>
                    <span>{engine.name}</span>
                    {engine.compiledIn ? (
                      <Badge tone="success">built in</Badge>
                    ) : (
                      <Badge tone="neutral">not in this build</Badge>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    );
  }
  return <Panel title="About Strata">{body}</Panel>;
}
