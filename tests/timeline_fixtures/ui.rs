//! The timeline screens as a user drives them, for the end-to-end tests: the app started on a
//! [`Workspace`](super::Workspace), and each gesture (a row action, Run, Cancel, a repair,
//! the History screen) expressed through the `data-testid`s the screens publish. Every wait is
//! bounded and, when it runs out, says what the page showed instead.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::desktop::{app_binary, Desktop};
use crate::webdriver::{Session, ESCAPE};

use super::Workspace;

/// The target id of the embedded demo database.
pub const EMBEDDED: &str = "embedded";
/// How long any one thing may take to show.
pub const WAIT: Duration = Duration::from_secs(30);

/// One app at a time: each test has its own X display, bus and app, and the performance test
/// must not share two cores with another app.
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where screenshots go: `target/e2e/timeline/`.
pub fn shots_dir() -> PathBuf {
    crate::target_dir().join("e2e").join("timeline")
}

/// Copy the screenshot `file` into docs/screenshots/, cropped to the window.
pub fn keep_shot(file: &str) {
    let from = shots_dir().join(file);
    let to = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/screenshots")
        .join(file);
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    // The X display's screenshot holds the window on black: keep the window only.
    let status = std::process::Command::new("convert")
        .arg(&from)
        .args([
            "-bordercolor",
            "black",
            "-border",
            "1",
            "-fuzz",
            "2%",
            "-trim",
            "+repage",
        ])
        .arg(&to)
        .status()
        .unwrap_or_else(|e| panic!("convert (ImageMagick): {e}"));
    assert!(status.success(), "cropping {} failed", from.display());
}

/// The real app, started on a workspace under Xvfb with its own bus and keyring.
pub struct App {
    name: String,
    logs: PathBuf,
    session: Session,
    // Dropped after the session is closed.
    _desktop: Desktop,
}

impl App {
    /// Start the app on `ws` (its project, config and data folders). `name` names the log
    /// folder and the failure screenshot.
    pub fn launch(ws: &Workspace, name: &str) -> Self {
        Self::launch_with(ws, name, &[])
    }

    /// [`App::launch`] with more variables in the app's environment.
    pub fn launch_with(ws: &Workspace, name: &str, extra_env: &[(&str, &Path)]) -> Self {
        let app = app_binary();
        let logs = shots_dir().join(format!("logs-{name}"));
        let mut env = ws.app_env().to_vec();
        env.extend_from_slice(extra_env);
        let desktop = Desktop::start(ws.path(), &logs, &env)
            .expect("starting Xvfb, D-Bus, the keyring and tauri-driver");
        let session = Session::start(&desktop.driver_url, &app.display().to_string())
            .unwrap_or_else(|e| {
                panic!(
                    "starting the app: {e}; its output is in {}",
                    logs.join("app.log").display()
                )
            });
        Self {
            name: name.to_owned(),
            logs,
            session,
            _desktop: desktop,
        }
    }

    /// Run `body`; when it fails, keep a screenshot (`failure-<name>.png`) and say where the
    /// app's output is, then fail with its message.
    pub fn check(self, body: impl FnOnce(&Ui)) {
        let shots = shots_dir();
        std::fs::create_dir_all(&shots).unwrap();
        let ui = Ui {
            session: &self.session,
            shots: &shots,
            desktop: &self._desktop,
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&ui)));
        if result.is_err() {
            let png = shots.join(format!("failure-{}.png", self.name));
            if let Ok(bytes) = self.session.screenshot() {
                let _ = std::fs::write(&png, bytes);
                eprintln!("screenshot of the failure: {}", png.display());
            }
            eprintln!("the app's output: {}", self.logs.join("app.log").display());
        }
        self.session.close();
        if let Err(panic) = result {
            std::panic::resume_unwind(panic);
        }
    }
}

/// The window, as the tests drive it.
pub struct Ui<'a> {
    pub session: &'a Session,
    shots: &'a Path,
    desktop: &'a Desktop,
}

pub(super) fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl Ui<'_> {
    /// Poll `probe` until it gives a value; on timeout fail with `what` and the last thing
    /// `probe` saw (its `Err`).
    pub(super) fn poll<T>(&self, what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
        let started = Instant::now();
        loop {
            match probe() {
                Ok(value) => return value,
                Err(last) if started.elapsed() >= WAIT => {
                    let page = self.session.page_text().unwrap_or_default();
                    let page: String = page.chars().take(1500).collect();
                    panic!("waited {WAIT:?} for {what}; last seen: {last}\npage text: {page}")
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    pub(super) fn js(&self, source: &str, args: Value) -> Value {
        self.session
            .script_with(source, args)
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    pub(super) fn js_async(&self, source: &str, args: Value) -> Value {
        self.session
            .script_async_with(source, args)
            .unwrap_or_else(|e| panic!("async script failed: {e}"))
    }

    /// A screenshot of the window in `target/e2e/timeline/`, once it painted the DOM.
    pub fn shot(&self, file: &str) {
        std::thread::sleep(Duration::from_millis(500));
        let png = self.session.screenshot().unwrap();
        let path = self.shots.join(file);
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
    }

    /// A screenshot of the whole X display (taken by X, not by the web view).
    pub fn screen_shot(&self, file: &str) {
        std::thread::sleep(Duration::from_millis(500));
        let path = self.shots.join(file);
        self.desktop.screen_png(&path).unwrap();
        eprintln!("screenshot: {}", path.display());
    }

    /// Wait until `css` is there, then click it.
    pub fn click(&self, css: &str) {
        let el = self.session.wait_find(css, WAIT).unwrap();
        self.session
            .click(&el)
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Wait until `css`'s rendered text satisfies `ok`; that text.
    pub fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        self.session.wait_text(css, WAIT, ok).unwrap_or_else(|e| {
            let page = self.session.page_text().unwrap_or_default();
            panic!(
                "{e}\npage text: {}",
                page.chars().take(1500).collect::<String>()
            )
        })
    }

    /// The rendered text of `css` (waiting for it to exist).
    pub fn text(&self, css: &str) -> String {
        self.wait_text(css, |_| true)
    }

    pub fn set_value(&self, css: &str, value: &str) {
        self.session.wait_find(css, WAIT).unwrap();
        self.session.set_value(css, value).unwrap();
    }

    /// Whether the control `css` exists and can be used.
    pub fn enabled(&self, css: &str) -> bool {
        let script = "const el = document.querySelector(arguments[0]);
            return !!el && !el.disabled && el.getAttribute('aria-disabled') !== 'true';";
        self.js(script, json!([css])) == Value::Bool(true)
    }

    pub fn wait_enabled(&self, css: &str) {
        self.poll(&format!("{css} to be enabled"), || {
            self.enabled(css)
                .then_some(())
                .ok_or("disabled or missing".to_owned())
        });
    }

    /// The target ids of the timeline's columns, in order.
    pub fn target_ids(&self) -> Vec<String> {
        let script = "return [...document.querySelectorAll('[data-testid^=\"target-\"]')]
            .map((el) => el.dataset.testid.slice('target-'.length))
            .filter((id) => /^(embedded|[0-9a-f]{32})$/.test(id));";
        self.poll("the timeline's target columns", || {
            let ids: Vec<String> = serde_json::from_value(self.js(script, json!([]))).unwrap();
            (!ids.is_empty())
                .then_some(ids)
                .ok_or("no column".to_owned())
        })
    }

    /// `(state, text)` of the cell of `version` in `target`, when it is rendered.
    pub fn cell(&self, version: &str, target: &str) -> Option<(String, String)> {
        let script = "const el = document.querySelector(arguments[0]);
            return el ? [el.dataset.state ?? '', el.innerText] : null;";
        let css = testid(&format!("cell-{version}-{target}"));
        let value = self.js(script, json!([css]));
        serde_json::from_value(value).unwrap()
    }

    /// Wait until the cell of `version` in `target` is in `state` (`data-state`); its text.
    pub fn wait_cell(&self, version: &str, target: &str, state: &str) -> String {
        self.poll(
            &format!("{version} to be {state} in {target}"),
            || match self.cell(version, target) {
                Some((s, text)) if s == state => Ok(text),
                Some((s, text)) => Err(format!("state {s:?}, text {text:?}")),
                None => Err("no such cell".to_owned()),
            },
        )
    }

    /// Wait until `version` is applied in `target` and its cell shows how long it took.
    pub fn wait_applied_with_duration(&self, version: &str, target: &str) -> String {
        let text = self.wait_cell(version, target, "applied");
        let script = "return /(<1|\\d+) ms\\b|\\d+\\.\\d s\\b/.test(arguments[0]);";
        assert_eq!(
            self.js(script, json!([text])),
            Value::Bool(true),
            "the applied cell of {version} in {target} shows no duration: {text:?}"
        );
        text
    }

    /// Open the action menu of the row of `version` and choose `action` (`apply`, `rollback`,
    /// `redo`, `baseline`, `repair`, `resolve`) for `target`; fails with the item's reason
    /// when it is disabled.
    pub fn row_action(&self, version: &str, target: &str, action: &str) {
        self.click(&testid(&format!("row-actions-{version}")));
        let css = testid(&format!("action-{action}-{target}"));
        let item = self.session.wait_find(&css, WAIT).unwrap_or_else(|e| {
            let menu = self.js(
                "const m = document.querySelector('[data-testid=row-actions-menu]'); return m ? m.innerText : null;",
                json!([]),
            );
            panic!("no {action} for {target} in the menu of {version}: {e}; menu: {menu}")
        });
        let state = self.js(
            "const el = document.querySelector(arguments[0]);
             return [el.getAttribute('aria-disabled'), el.title, el.innerText];",
            json!([css]),
        );
        assert_ne!(
            state[0], "true",
            "{action} for {target} on {version} is disabled: {state}"
        );
        self.session
            .click(&item)
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Make the timeline read the project and its databases again (its refresh button, else
    /// a reload of the page), then wait for the row of `version`.
    pub fn refresh(&self, version: &str) {
        let clicked = self.js(
            "const b = document.querySelector('[data-testid=timeline-refresh]');
             if (b) { b.click(); return true; }
             setTimeout(() => location.reload(), 0);
             return false;",
            json!([]),
        );
        if clicked == Value::Bool(false) {
            std::thread::sleep(Duration::from_millis(500));
        }
        self.session
            .wait_find(&testid(&format!("migration-{version}")), WAIT)
            .unwrap_or_else(|e| panic!("after the refresh: {e}"));
    }

    /// Select the row of `version` and wait for the detail pane.
    pub fn open_detail(&self, version: &str) {
        self.click(&testid(&format!("migration-{version}")));
        self.session
            .wait_find("[data-testid=detail-pane]", WAIT)
            .unwrap();
    }

    pub fn close_detail(&self) {
        let script = "const pane = document.querySelector('[data-testid=detail-pane]');
            const close = pane && [...pane.querySelectorAll('button')]
              .find((b) => /close/i.test((b.getAttribute('aria-label') ?? '') + b.innerText));
            if (close) close.click();
            return !!close;";
        if self.js(script, json!([])) != Value::Bool(true) {
            self.session.chord(&[ESCAPE]).unwrap();
        }
        self.session
            .wait_gone("[data-testid=detail-pane]", WAIT)
            .unwrap();
    }

    /// Give the repair dialog its reason and accept the file; wait for its result, then close
    /// it. The result's text.
    pub fn repair_with(&self, reason: &str) -> String {
        self.set_value("[data-testid=repair-reason]", reason);
        self.wait_enabled("[data-testid=repair-dialog-submit]");
        self.click("[data-testid=repair-dialog-submit]");
        let done = self.wait_text("[data-testid=repair-dialog-done]", |t| !t.trim().is_empty());
        let closed = self.js(
            "const d = document.querySelector('[data-testid=repair-dialog]');
             if (!d) return 'gone';
             const close = [...d.querySelectorAll('button')].find((b) => b.innerText.trim() === 'Close');
             if (close) close.click();
             return close ? 'closed' : 'no Close button';",
            json!([]),
        );
        self.session
            .wait_gone("[data-testid=repair-dialog]", WAIT)
            .unwrap_or_else(|e| panic!("closing the repair dialog ({closed}): {e}"));
        done
    }

    /// Go to `screen` (`timeline`, `history`, …) through the navigation.
    pub fn nav(&self, screen: &str) {
        self.click(&testid(&format!("nav-{screen}")));
        self.session
            .wait_find(&testid(&format!("screen-{screen}")), WAIT)
            .unwrap();
    }

    /// Wait for the History row of a `kind` event of `version`, select it and return the
    /// selected event's full text (with its detail, which the row cuts).
    pub fn open_history_event(&self, kind: &str, version: &str) -> String {
        let script = "const [kind, version] = arguments;
            const rows = [...document.querySelectorAll('[data-testid=history-row]')];
            const row = rows.find((r) => r.dataset.kind === kind && r.innerText.includes(version));
            if (row) { row.click(); return 'ok'; }
            return 'rows: ' + rows.map((r) => r.dataset.kind + ' ' + r.innerText.replace(/\\s+/g, ' ')).join(' || ');";
        self.poll(
            &format!("a {kind} event of {version} in the history"),
            || {
                let value = self.js(script, json!([kind, version]));
                (value == "ok").then_some(()).ok_or(format!("{value}"))
            },
        );
        self.text("[data-testid=history-selected]")
    }

    /// Call the app's command `command` from the page as the UI would; `{"ok": …}` or
    /// `{"err": …}` (the IpcError).
    pub fn invoke(&self, command: &str, args: Value) -> Value {
        let script = "const [command, args] = arguments;
            const done = arguments[arguments.length - 1];
            window.__TAURI_INTERNALS__.invoke(command, args)
              .then((ok) => done({ ok: ok ?? null }), (err) => done({ err }));";
        self.js_async(script, json!([command, args]))
    }

    /// `run_migrations` from the page, with a channel nobody reads.
    pub fn invoke_run(&self, request: Value, run_key: &str) -> Value {
        let script = "const [request, runKey] = arguments;
            const done = arguments[arguments.length - 1];
            const events = '__CHANNEL__:' + window.__TAURI_INTERNALS__.transformCallback(() => {});
            window.__TAURI_INTERNALS__.invoke('run_migrations', { request, runKey, events })
              .then((ok) => done({ ok }), (err) => done({ err }));";
        self.js_async(script, json!([request, run_key]))
    }
}
