import { Icon } from "../components/Icon";

/** Shown when the page runs in a plain browser, without the desktop app's backend. */
export function NoBackend() {
  return (
    <div className="no-backend" data-testid="no-backend">
      <div className="no-backend__card" role="alert">
        <span className="no-backend__logo" aria-hidden="true">
          <Icon name="logo" size={28} />
        </span>
        <h1 className="no-backend__title">Strata needs its desktop backend</h1>
        <p>
          Strata’s interface needs the desktop app’s backend; run <code>make run</code> from the
          repository to start the app.
        </p>
        <p className="muted">
          This page was opened in a plain browser, where the Rust side that reads projects and
          talks to databases is not running.
        </p>
      </div>
    </div>
  );
}
