#!/usr/bin/env bash
# Installs what building and testing Strata needs and a fresh Debian/Ubuntu machine lacks:
# system packages for Tauri on Linux, tauri-driver, and the UI's npm packages.
# Idempotent and quiet when everything is already there. Needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  libsecret-1-dev libdbus-1-dev
  webkit2gtk-driver xvfb xauth dbus-x11 gnome-keyring libsecret-tools
  sqlite3 imagemagick file
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed. Install Rust (https://rustup.rs) and Node.js 20+ first." >&2; exit 1; }
done
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt

# tauri-driver 2.x (the WebDriver bridge for end-to-end tests); never the 3.0 alphas.
if ! tauri-driver --help >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  echo "==> installing tauri-driver 2.x"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

# The real sqlx-cli and dbmate: the adoption tests migrate databases with them, then adopt.
if ! command -v sqlx >/dev/null && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/sqlx" ]; then
  echo "==> installing sqlx-cli 0.9.0 (a few minutes, once)"
  cargo install sqlx-cli --version 0.9.0 --no-default-features --features rustls,postgres,sqlite,mysql --locked --quiet
fi
# Under the cargo target folder, where the tests look for it (CARGO_TARGET_DIR when set).
tools="${CARGO_TARGET_DIR:-target}/tools"
if [ ! -x "$tools/dbmate/node_modules/.bin/dbmate" ]; then
  echo "==> installing dbmate 2.36.0"
  npm install --prefix "$tools/dbmate" --no-audit --no-fund --loglevel=error dbmate@2.36.0
fi

# The UI's packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
