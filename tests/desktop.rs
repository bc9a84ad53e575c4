//! The harness for end-to-end tests of the real desktop app: it starts Xvfb, a private D-Bus
//! session bus and tauri-driver (which starts WebKitWebDriver and the app), and stops them all
//! when dropped, also when a test fails.

use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process in its own process group; dropping it stops the whole group.
struct Guard {
    name: &'static str,
    child: Child,
}

impl Guard {
    fn spawn(name: &'static str, cmd: &mut Command) -> Result<Self, String> {
        let child = cmd.process_group(0).spawn().map_err(|e| {
            format!("cannot start {name}: {e}. `make test` installs it; see the README.")
        })?;
        Ok(Self { name, child })
    }

    fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(format!("{} exited early: {status}", self.name)),
            _ => None,
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        for (signal, wait) in [("-TERM", 30), ("-KILL", 10)] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            for _ in 0..wait {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

pub struct Desktop {
    pub driver_url: String,
    pub display: String,
    /// The private session bus and the keyring's folders, for tools that inspect the
    /// keychain the app sees (`secret-tool`).
    session_env: Vec<(String, PathBuf)>,
    bus_address: String,
    // Dropped in reverse order: tauri-driver (and the app) first, then the keyring, the bus,
    // then X.
    _xvfb: Guard,
    _bus: Guard,
    _keyring: Guard,
    _driver: Guard,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(
    what: &str,
    timeout: Duration,
    guard: &mut Guard,
    mut ready: impl FnMut() -> bool,
) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if ready() {
            return Ok(());
        }
        if let Some(why) = guard.exited() {
            return Err(why);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{what} was not ready after {timeout:?}"))
}

impl Desktop {
    /// Start the display, the bus and tauri-driver. `env` is passed to the app. The bus and
    /// tauri-driver (with WebKitWebDriver and the app) write their output to `logs/`.
    pub fn start(work: &Path, logs: &Path, env: &[(&str, &Path)]) -> Result<Self, String> {
        std::fs::create_dir_all(logs).map_err(|e| format!("{}: {e}", logs.display()))?;
        // One file per process for stdout and stderr together.
        let log = |name: &str| -> Result<(Stdio, Stdio), String> {
            let path = logs.join(name);
            let file =
                std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let copy = file
                .try_clone()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((Stdio::from(file), Stdio::from(copy)))
        };
        // Everything started on the bus (portals, a keyring daemon) gets a private home, so a
        // test run never touches the real user's keyrings or settings.
        let home: [(&str, PathBuf); 4] = [
            ("HOME", work.to_owned()),
            ("XDG_CONFIG_HOME", work.join("config")),
            ("XDG_DATA_HOME", work.join("data")),
            ("XDG_CACHE_HOME", work.join("cache")),
        ];
        let display_no = (99..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .ok_or("no free X display number between :99 and :199")?;
        let display = format!(":{display_no}");
        let mut xvfb = Guard::spawn(
            "Xvfb",
            Command::new("Xvfb")
                .args([&display, "-screen", "0", "1280x860x24", "-nolisten", "tcp"])
                .stderr(Stdio::null()),
        )?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{display_no}"));
        wait_for("Xvfb", Duration::from_secs(10), &mut xvfb, || {
            socket.exists()
        })?;

        let (bus_out, bus_err) = log("dbus.log")?;
        let (app_out, app_err) = log("app.log")?;
        let bus_path = work.join("bus");
        let bus_address = format!("unix:path={}", bus_path.display());
        let mut bus = Guard::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--nopidfile"])
                .arg(format!("--address={bus_address}"))
                .env("DISPLAY", &display)
                .envs(home.iter().map(|(k, v)| (k, v)))
                .stdout(bus_out)
                .stderr(bus_err),
        )?;
        wait_for(
            "the D-Bus session bus",
            Duration::from_secs(10),
            &mut bus,
            || bus_path.exists(),
        )?;

        // A real Secret Service on that bus (gnome-keyring, a fresh login keyring unlocked
        // with a throwaway password), so the app keeps passwords in a real OS keychain.
        let run_dir = work.join("run");
        std::fs::create_dir_all(&run_dir).map_err(|e| format!("{}: {e}", run_dir.display()))?;
        std::fs::set_permissions(
            &run_dir,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .map_err(|e| format!("{}: {e}", run_dir.display()))?;
        let mut session_env: Vec<(String, PathBuf)> = home
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        session_env.push(("XDG_RUNTIME_DIR".into(), run_dir.clone()));
        let (keyring_out, keyring_err) = log("keyring.log")?;
        let mut keyring_cmd = Command::new("gnome-keyring-daemon");
        keyring_cmd
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus_address)
            .envs(session_env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(keyring_out)
            .stderr(keyring_err);
        let mut keyring = Guard::spawn("gnome-keyring-daemon", &mut keyring_cmd)?;
        if let Some(mut stdin) = keyring.child.stdin.take() {
            use std::io::Write as _;
            stdin
                .write_all(b"strata-e2e")
                .map_err(|e| format!("unlocking the keyring: {e}"))?;
        }
        let probe_env = session_env.clone();
        let probe_bus = bus_address.clone();
        wait_for(
            "the Secret Service",
            Duration::from_secs(10),
            &mut keyring,
            || {
                // Ask whether the daemon holds the name before calling it: a call to a name
                // nobody owns yet makes the bus start a second, locked gnome-keyring from its
                // activation file, which takes the name and answers every save with an unlock
                // prompt no one sees ("another secret service is running" in keyring.log).
                let owned = Command::new("dbus-send")
                    .args([
                        "--session",
                        "--print-reply",
                        "--dest=org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus.NameHasOwner",
                        "string:org.freedesktop.secrets",
                    ])
                    .env("DBUS_SESSION_BUS_ADDRESS", &probe_bus)
                    .output()
                    .is_ok_and(|o| {
                        o.status.success()
                            && String::from_utf8_lossy(&o.stdout).contains("boolean true")
                    });
                owned
                    && Command::new("secret-tool")
                        .args(["search", "strata-probe", "1"])
                        .env("DBUS_SESSION_BUS_ADDRESS", &probe_bus)
                        .envs(probe_env.iter().map(|(k, v)| (k, v)))
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|s| s.success())
            },
        )?;

        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", &display)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus_address)
        .envs(session_env.iter().map(|(k, v)| (k, v)))
        .stdout(app_out)
        .stderr(app_err);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut driver = Guard::spawn("tauri-driver", &mut cmd)?;
        let driver_url = format!("http://127.0.0.1:{port}");
        let status_url = format!("{driver_url}/status");
        wait_for("tauri-driver", Duration::from_secs(20), &mut driver, || {
            ureq::get(&status_url).call().is_ok()
        })?;
        Ok(Self {
            driver_url,
            display,
            session_env,
            bus_address,
            _xvfb: xvfb,
            _bus: bus,
            _keyring: keyring,
            _driver: driver,
        })
    }

    /// The secret the app's keychain holds under `service` and `account` (keyring-core's
    /// Secret Service attributes `service` and `username`), read with `secret-tool`.
    pub fn keychain_secret(&self, service: &str, account: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", service, "username", account])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            .envs(self.session_env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("secret-tool (Debian package libsecret-tools) runs");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// A screenshot of the whole X display, as a user would see the screen.
    pub fn screen_png(&self, out: &Path) -> Result<(), String> {
        let status = Command::new("import")
            .args([
                "-display",
                &self.display,
                "-window",
                "root",
                &out.display().to_string(),
            ])
            .status()
            .map_err(|e| format!("import (ImageMagick): {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or(format!("import exited with {status}"))
    }
}

/// The app binary under test: `$STRATA_E2E_APP`, else the debug build `make e2e-app` makes
/// (with the UI embedded).
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("STRATA_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::target_dir().join("debug/strata-desktop"));
    assert!(
        path.is_file(),
        "{} does not exist. Build the app with its UI embedded first: `make e2e-app`.",
        path.display()
    );
    path
}

/// tauri-driver: `$TAURI_DRIVER`, else the one cargo installed.
fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return p.into();
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo")
        });
    let installed = cargo_home.join("bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}
