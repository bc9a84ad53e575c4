//! The Run view as the tests drive it: the plan it shows, Run, the progress while it runs,
//! Cancel, and the summary, failure or cancelled account it ends on.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::ui::{testid, Ui, WAIT};

impl Ui<'_> {
    /// Wait for the Run view's plan and check it lists exactly `versions`.
    pub fn wait_plan(&self, versions: &[String]) {
        self.session
            .wait_find("[data-testid=run-view]", WAIT)
            .unwrap();
        for v in versions {
            self.session
                .wait_find(&testid(&format!("run-plan-step-{v}")), WAIT)
                .unwrap_or_else(|e| panic!("the plan lacks {v}: {e}"));
        }
        let count = self.js(
            "return document.querySelectorAll('[data-testid^=\"run-plan-step-\"]').length;",
            json!([]),
        );
        assert_eq!(
            count,
            versions.len(),
            "the plan's steps, expected {versions:?}"
        );
    }

    pub fn start_run(&self) {
        self.wait_enabled("[data-testid=run-start]");
        self.click("[data-testid=run-start]");
    }

    /// Wait for the run's summary; fails with the account when the run failed instead.
    pub fn wait_finished(&self) -> String {
        self.poll("the run's summary", || {
            if let Ok(Value::String(failure)) = self.session.script(
                "const el = document.querySelector('[data-testid=run-failure]'); return el ? el.innerText : null;",
            ) {
                panic!("the run failed: {failure}");
            }
            match self.session.script(
                "const el = document.querySelector('[data-testid=run-summary]'); return el ? el.innerText : null;",
            ) {
                Ok(Value::String(text)) if !text.trim().is_empty() => Ok(text),
                other => Err(format!("{other:?}")),
            }
        })
    }

    /// Wait until the run view's step for `version` has `data-status` `status`.
    pub fn wait_step(&self, version: &str, status: &str) {
        let css = testid(&format!("run-step-{version}"));
        self.poll(&format!("step {version} to be {status}"), || {
            let value = self.js(
                "const el = document.querySelector(arguments[0]); return el ? el.dataset.status : null;",
                json!([css]),
            );
            (value == status).then_some(()).ok_or(format!("{value}"))
        });
    }

    /// Watch the run view while the step of `version` runs: its text the first time `ok`
    /// holds, else (the step ended first) the texts it showed while running.
    pub fn watch_running_step(
        &self,
        version: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let css = testid(&format!("run-step-{version}"));
        let script = "const step = document.querySelector(arguments[0]);
            const view = document.querySelector('[data-testid=run-view]');
            return [step ? step.dataset.status : null, view ? view.innerText : '',
                    step ? step.innerText : ''];";
        let mut seen: Vec<String> = Vec::new();
        let started = Instant::now();
        while started.elapsed() < WAIT {
            let value = self.js(script, json!([css]));
            let status = value[0].as_str().unwrap_or_default();
            let text = value[1].as_str().unwrap_or_default().to_owned();
            if status == "running" && ok(&text) {
                return Ok(text);
            }
            if !matches!(status, "running" | "pending") {
                break;
            }
            if status == "running" {
                let step = value[2].as_str().unwrap_or_default().replace('\n', " ");
                let at = started.elapsed().as_millis();
                seen.push(format!("at {at} ms: {step}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // The first and the last look are enough to tell what it showed throughout.
        match (seen.first(), seen.last()) {
            (Some(first), Some(last)) if seen.len() > 1 => Err(format!("{first}\n{last}")),
            (Some(only), _) => Err(only.clone()),
            _ => Err("nothing: the step was never seen running".to_owned()),
        }
    }

    /// Whether the diff in `css` shows its two sides side by side (the merge view laid out by
    /// CodeMirror's own styles); what is wrong when not.
    pub fn diff_side_by_side(&self, css: &str) -> Result<(), String> {
        let script = "const root = document.querySelector(arguments[0]);
            const sides = root ? [...root.querySelectorAll('.cm-mergeViewEditor')] : [];
            if (sides.length < 2) return `found ${sides.length} sides of a merge view in ${arguments[0]}`;
            const [a, b] = sides.slice(0, 2).map((e) => e.getBoundingClientRect());
            const editor = root.querySelector('.cm-editor');
            const display = editor ? getComputedStyle(editor).display : 'no .cm-editor';
            if (a.right <= b.left + 1 && Math.abs(a.top - b.top) < 2 && display === 'flex') return 'ok';
            return `left side at x ${a.left}..${a.right} y ${a.top}, right side at x ${b.left}..${b.right} y ${b.top}; .cm-editor display: ${display} (CodeMirror's base styles make it flex)`;";
        let value = self.js(script, json!([css]));
        match value.as_str() {
            Some("ok") => Ok(()),
            _ => Err(format!("{value}")),
        }
    }

    /// Wait until the run ended cancelled: the cancelled account is shown and the step of
    /// `version` says cancelled. The account's text.
    pub fn wait_cancelled(&self, version: &str) -> String {
        let text = self.wait_text("[data-testid=run-cancelled]", |t| !t.trim().is_empty());
        self.wait_step(version, "cancelled");
        text
    }

    /// Close the Run view (its Close button) and wait until it is gone.
    pub fn close_run(&self) {
        self.click("[data-testid=run-close]");
        self.session
            .wait_gone("[data-testid=run-view]", WAIT)
            .unwrap_or_else(|e| panic!("closing the run view: {e}"));
    }
}
