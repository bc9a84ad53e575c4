//! Timing the timeline as a user would feel it: from a page load to the first rendered row,
//! and the frame rate while the list scrolls, measured inside the page (`performance.now()`,
//! `requestAnimationFrame`) so the WebDriver round trips do not count.

use serde_json::{json, Value};

use super::ui::Ui;

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// The first timed render of the timeline.
#[derive(Debug)]
pub struct Load {
    /// From the page's navigation start to the first row in the DOM.
    pub ms: f64,
    /// The row appeared while a MutationObserver watched; `false`: it was already there, so
    /// `ms` is an upper bound.
    pub live: bool,
    /// `performance.timeOrigin + ms`: the same moment on the wall clock.
    pub at_epoch_ms: f64,
    /// From navigation start to the end of DOMContentLoaded (the page and its scripts loaded,
    /// before any data): the share of `ms` that is not the timeline's.
    pub dom_ready_ms: f64,
}

#[derive(Debug)]
pub struct Reload {
    /// From the reload's navigation start to the first row.
    pub ms: f64,
    /// From the moment the test asked for the reload to the first row.
    pub from_click_ms: f64,
    pub live: bool,
}

#[derive(Debug)]
pub struct Scroll {
    pub frames: u64,
    pub elapsed_ms: f64,
    pub fps: f64,
    pub worst_frame_ms: f64,
    /// The last row was rendered once the list reached its bottom.
    pub reached_end: bool,
    /// The list's scrollable height, px.
    pub height: f64,
}

impl Ui<'_> {
    /// The time from the page's navigation start until the row of `first` is in the DOM.
    pub fn time_first_row(&self, first: &str) -> Load {
        let script = "const [selector] = arguments;
            const done = arguments[arguments.length - 1];
            const report = (live) =>
              done({ live, ms: performance.now(), origin: performance.timeOrigin,
                dom: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null });
            if (document.querySelector(selector)) { report(false); return; }
            const observer = new MutationObserver(() => {
              if (document.querySelector(selector)) { observer.disconnect(); report(true); }
            });
            observer.observe(document.documentElement, { childList: true, subtree: true });";
        let v = self.js_async(script, json!([testid(&format!("migration-{first}"))]));
        let ms = v["ms"].as_f64().unwrap_or_else(|| panic!("timing: {v}"));
        Load {
            ms,
            live: v["live"] == true,
            at_epoch_ms: v["origin"].as_f64().unwrap() + ms,
            dom_ready_ms: v["dom"].as_f64().unwrap_or(f64::NAN),
        }
    }

    /// Reload the page (as a user's reload or project switch would) and time it until the row
    /// of `first` is back.
    pub fn time_reload(&self, first: &str) -> Reload {
        let asked = self.js(
            "window.__strataE2eOldPage = true;
             const at = performance.timeOrigin + performance.now();
             setTimeout(() => location.reload(), 0);
             return at;",
            json!([]),
        );
        let asked = asked.as_f64().unwrap();
        self.poll("the reloaded page", || {
            match self
                .session
                .script("return window.__strataE2eOldPage === true ? null : document.readyState;")
            {
                Ok(Value::String(state)) => Ok(state),
                other => Err(format!("{other:?}")),
            }
        });
        let load = self.time_first_row(first);
        Reload {
            ms: load.ms,
            from_click_ms: load.at_epoch_ms - asked,
            live: load.live,
        }
    }

    /// How many timeline rows are in the DOM.
    pub fn rendered_rows(&self) -> usize {
        let count = self.js(
            "return [...document.querySelectorAll('[data-testid^=\"migration-\"]')]
               .filter((el) => /^migration-\\d+$/.test(el.dataset.testid)).length;",
            json!([]),
        );
        count.as_u64().unwrap() as usize
    }

    /// How long the backend says building the timeline of `project` took (`readMs`).
    pub fn backend_read_ms(&self, project: &str) -> f64 {
        let answer = self.invoke("timeline", json!({ "project": project }));
        answer["ok"]["readMs"]
            .as_f64()
            .unwrap_or_else(|| panic!("timeline: {answer}"))
    }

    /// The page's frame rate while nothing happens, over `duration_ms`: what this display can
    /// give at best, to judge the scrolling frame rate against.
    pub fn idle_fps(&self, duration_ms: f64) -> f64 {
        let script = "const [duration] = arguments;
            const done = arguments[arguments.length - 1];
            let frames = 0;
            const start = performance.now();
            const step = (now) => {
              frames += 1;
              if (now - start < duration) { requestAnimationFrame(step); return; }
              done(frames * 1000 / (performance.now() - start));
            };
            requestAnimationFrame(step);";
        let v = self.js_async(script, json!([duration_ms]));
        v.as_f64().unwrap_or_else(|| panic!("idle frame rate: {v}"))
    }

    /// The control for [`Ui::scroll_through`]: the frame rate of the same scroll (same
    /// height, same number of frames asked for) of a plain element with no application code
    /// behind it, laid over the page and removed after. What this display can do at best.
    pub fn plain_scroll_fps(&self, height: f64, duration_ms: f64) -> f64 {
        let script = "const [height, duration] = arguments;
            const done = arguments[arguments.length - 1];
            const box = document.createElement('div');
            box.style.cssText = 'position:fixed;inset:0;overflow:auto;z-index:99999;background:white';
            const inner = document.createElement('div');
            inner.style.cssText = `height:${height}px;position:relative`;
            for (let i = 0; i < 2000; i += 1) {
              const row = document.createElement('div');
              row.textContent = `plain row ${i}`;
              row.style.cssText = `position:absolute;top:${i * (height / 2000)}px;height:52px`;
              inner.appendChild(row);
            }
            box.appendChild(inner);
            document.body.appendChild(box);
            const max = box.scrollHeight - box.clientHeight;
            let frames = 0;
            const start = performance.now();
            const step = (now) => {
              frames += 1;
              const p = Math.min(1, Math.max(0, now - start) / duration);
              box.scrollTop = p * max;
              if (p < 1) { requestAnimationFrame(step); return; }
              const elapsed = performance.now() - start;
              box.remove();
              done(frames * 1000 / elapsed);
            };
            requestAnimationFrame(step);";
        let v = self.js_async(script, json!([height, duration_ms]));
        v.as_f64().unwrap_or_else(|| panic!("plain scroll: {v}"))
    }

    /// Scroll the list holding the row of `first` from top to bottom in `duration_ms`, one
    /// step per animation frame, counting frames; then check the row of `last` rendered.
    pub fn scroll_through(&self, first: &str, last: &str, duration_ms: f64) -> Scroll {
        let script = "const [firstSel, lastSel, duration] = arguments;
            const done = arguments[arguments.length - 1];
            let el = document.querySelector(firstSel);
            while (el && !(el.scrollHeight > el.clientHeight + 10
                   && /(auto|scroll)/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
            if (!el) { done({ error: 'no scrolling container around ' + firstSel }); return; }
            const max = el.scrollHeight - el.clientHeight;
            let frames = 0, worst = 0, last = null;
            const start = performance.now();
            const step = (now) => {
              frames += 1;
              if (last !== null) worst = Math.max(worst, now - last);
              last = now;
              const p = Math.min(1, Math.max(0, now - start) / duration);
              el.scrollTop = p * max;
              if (p < 1) { requestAnimationFrame(step); return; }
              const elapsed = performance.now() - start;
              setTimeout(() => done({ frames, elapsed, worst, max, top: el.scrollTop,
                reachedEnd: !!document.querySelector(lastSel) }), 300);
            };
            requestAnimationFrame(step);";
        let v = self.js_async(
            script,
            json!([
                testid(&format!("migration-{first}")),
                testid(&format!("migration-{last}")),
                duration_ms
            ]),
        );
        assert!(v.get("error").is_none(), "scrolling: {v}");
        let frames = v["frames"].as_u64().unwrap();
        let elapsed_ms = v["elapsed"].as_f64().unwrap();
        Scroll {
            frames,
            elapsed_ms,
            fps: frames as f64 * 1000.0 / elapsed_ms,
            worst_frame_ms: v["worst"].as_f64().unwrap(),
            reached_end: v["reachedEnd"] == true,
            height: v["max"].as_f64().unwrap_or_default(),
        }
    }
}
