#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service,
# so keyring tests talk to a real OS keychain. Every run gets a fresh, empty login keyring.
# Usage: scripts/with-keyring.sh <command> [args...]
set -euo pipefail
if [ -z "${STRATA_IN_KEYRING_SESSION:-}" ]; then
  export STRATA_IN_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
work=$(mktemp -d /tmp/strata-keyring.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data" "$work/run"
chmod 700 "$work/run"
export XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/run"
# gnome-keyring-daemon prints the variables its clients need (GNOME_KEYRING_CONTROL, ...).
eval "$(printf 'strata' | gnome-keyring-daemon --unlock --components=secrets | sed 's/^/export /')"
"$@"
