//! A small W3C WebDriver client: just the calls Strata's end-to-end tests make, over plain
//! HTTP to tauri-driver. Every failure names the call and what the driver said.

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The WebDriver key code for Control (W3C "Keys").
pub const CONTROL: &str = "\u{E009}";
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";

pub struct Session {
    base: String,
    id: String,
    agent: ureq::Agent,
}

#[derive(Debug, Clone)]
pub struct Element(String);

fn call(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let request = agent.request(method, url);
    let response = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    let text = match response {
        Ok(r) => r
            .into_string()
            .map_err(|e| format!("{method} {url}: {e}"))?,
        Err(ureq::Error::Status(code, r)) => {
            let body = r.into_string().unwrap_or_default();
            return Err(format!("{method} {url}: HTTP {code}: {body}"));
        }
        Err(e) => return Err(format!("{method} {url}: {e}")),
    };
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{method} {url}: {e}: {text}"))?;
    Ok(value.get("value").cloned().unwrap_or(Value::Null))
}

impl Session {
    /// Start a session on the Tauri app at `application` through tauri-driver at `base`.
    pub fn start(base: &str, application: &str) -> Result<Self, String> {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": application}
        }}});
        let value = call(&agent, "POST", &format!("{base}/session"), Some(caps))?;
        let id = value["sessionId"]
            .as_str()
            .ok_or(format!("no session id in {value}"))?
            .to_owned();
        Ok(Self {
            base: base.to_owned(),
            id,
            agent,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.id, path)
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        call(&self.agent, "GET", &self.url(path), None)
    }

    fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        call(&self.agent, "POST", &self.url(path), Some(body))
    }

    pub fn title(&self) -> Result<String, String> {
        Ok(self.get("/title")?.as_str().unwrap_or_default().to_owned())
    }

    pub fn find(&self, css: &str) -> Result<Element, String> {
        let value = self.post("/element", json!({"using": "css selector", "value": css}))?;
        value[ELEMENT_KEY]
            .as_str()
            .map(|id| Element(id.to_owned()))
            .ok_or(format!("{css}: {value}"))
    }

    /// Wait until `css` matches an element whose rendered text (`innerText`) satisfies `ok`;
    /// returns that text. (WebKitWebDriver's own element-text call drops text inside
    /// `overflow: hidden` boxes, which users do see.)
    pub fn wait_text(
        &self,
        css: &str,
        timeout: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let started = Instant::now();
        let mut last = String::from("(no element)");
        while started.elapsed() < timeout {
            let script =
                "const el = document.querySelector(arguments[0]); return el ? el.innerText : null;";
            if let Ok(Value::String(text)) = self.script_with(script, json!([css])) {
                if ok(&text) {
                    return Ok(text);
                }
                last = text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("waited {timeout:?} for {css}; last text: {last:?}"))
    }

    pub fn text(&self, el: &Element) -> Result<String, String> {
        Ok(self
            .get(&format!("/element/{}/text", el.0))?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    pub fn click(&self, el: &Element) -> Result<(), String> {
        self.post(&format!("/element/{}/click", el.0), json!({}))
            .map(drop)
    }

    pub fn type_into(&self, el: &Element, text: &str) -> Result<(), String> {
        self.post(&format!("/element/{}/value", el.0), json!({"text": text}))
            .map(drop)
    }

    /// Set the value of the input, textarea or select `css` as a user's edit would (React
    /// sees an input and a change event), replacing what was there.
    pub fn set_value(&self, css: &str, value: &str) -> Result<(), String> {
        let script = "const el = document.querySelector(arguments[0]);
            if (!el) return 'missing';
            const proto = Object.getPrototypeOf(el);
            Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);
            el.dispatchEvent(new Event('input', { bubbles: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));
            return 'ok';";
        match self.script_with(script, json!([css, value]))? {
            Value::String(s) if s == "ok" => Ok(()),
            other => Err(format!("set_value {css}: {other}")),
        }
    }

    /// Wait until `css` matches an element; it.
    pub fn wait_find(&self, css: &str, timeout: Duration) -> Result<Element, String> {
        let started = Instant::now();
        loop {
            match self.find(css) {
                Ok(el) => return Ok(el),
                Err(e) if started.elapsed() >= timeout => {
                    return Err(format!("waited {timeout:?} for {css}: {e}"))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Wait until nothing matches `css`.
    pub fn wait_gone(&self, css: &str, timeout: Duration) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if self.find(css).is_err() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("{css} was still there after {timeout:?}"))
    }

    /// The page's rendered text (`document.body.innerText`).
    pub fn page_text(&self) -> Result<String, String> {
        Ok(self
            .script("return document.body.innerText;")?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// Press a chord such as Ctrl+K: every key down in order, then up in reverse.
    pub fn chord(&self, keys: &[&str]) -> Result<(), String> {
        let mut actions: Vec<Value> = keys
            .iter()
            .map(|k| json!({"type": "keyDown", "value": k}))
            .collect();
        actions.extend(
            keys.iter()
                .rev()
                .map(|k| json!({"type": "keyUp", "value": k})),
        );
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )?;
        call(&self.agent, "DELETE", &self.url("/actions"), None).map(drop)
    }

    /// Run `source` (a sync script with `args`) every 100 ms until it returns something other
    /// than `null` or `false`; that value. On timeout the error names `what` and the last
    /// value (or error) seen, so a failed wait says what the page showed instead.
    pub fn wait_script(
        &self,
        what: &str,
        source: &str,
        args: Value,
        timeout: Duration,
    ) -> Result<Value, String> {
        let started = Instant::now();
        let mut last = String::from("(not run)");
        while started.elapsed() < timeout {
            match self.script_with(source, args.clone()) {
                Ok(Value::Null | Value::Bool(false)) => last = "null/false".into(),
                Ok(value) => return Ok(value),
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("waited {timeout:?} for {what}; last: {last}"))
    }

    /// Run an async script with `args`: it calls `arguments[arguments.length - 1]` with its
    /// result.
    pub fn script_async_with(&self, source: &str, args: Value) -> Result<Value, String> {
        self.post("/execute/async", json!({"script": source, "args": args}))
    }

    pub fn script(&self, source: &str) -> Result<Value, String> {
        self.script_with(source, json!([]))
    }

    /// Run an async script: it calls `arguments[arguments.length - 1]` with its result.
    pub fn script_async(&self, source: &str) -> Result<Value, String> {
        self.post("/execute/async", json!({"script": source, "args": []}))
    }

    pub fn script_with(&self, source: &str, args: Value) -> Result<Value, String> {
        self.post("/execute/sync", json!({"script": source, "args": args}))
    }

    /// The page as the user sees it, as PNG bytes.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let b64 = self.get("/screenshot")?;
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .map_err(|e| format!("screenshot: {e}"))
    }

    pub fn close(self) {
        let _ = call(
            &self.agent,
            "DELETE",
            &format!("{}/session/{}", self.base, self.id),
            None,
        );
    }
}
