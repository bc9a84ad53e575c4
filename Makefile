# Strata's two front-door commands are `make run` and `make test`; everything else is a piece
# of them. Both install what a fresh Debian/Ubuntu machine lacks (root or sudo for apt-get).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO_FEATURES := --features strata-desktop/custom-protocol
export STRATA_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export STRATA_TEST_MYSQL_URL ?= mysql://root@127.0.0.1:3306/test
# The read cache of the migrations folders the tests read stays in the build folder, not in the
# user's cache folder (`make run` keeps the user's).
test test-rust e2e: export STRATA_CACHE_DIR ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/strata-cache
# The TLS-only servers and throwaway certificates scripts/services.sh creates (tests/tls.rs).
export STRATA_TEST_TLS_DIR ?= /var/lib/strata-test-tls
export STRATA_TEST_POSTGRES_TLS_URL ?= postgres://postgres@localhost:5433/postgres
export STRATA_TEST_MYSQL_TLS_URL ?= mysql://root@localhost:3307/

.PHONY: run dev bundle deps ui app e2e-app test test-rust test-ui lint bindings boundary e2e services perf-timeline e2e-connections

## Set up and launch the desktop app on the demo project (embedded SQLite, no server needed).
run: app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "error: no display to open the window on. Run it from a desktop session, or headless: xvfb-run -a dbus-run-session make run" >&2; exit 1; fi
	$${CARGO_TARGET_DIR:-target}/debug/strata-desktop

## The app with the UI hot-reloading from Vite (the Tauri CLI reads ../tauri.conf.json via src-tauri/).
dev: deps
	cd ui && TAURI_APP_PATH=../src-tauri npm run tauri -- dev

## Release build and the Linux packages (.deb, .rpm) under target/release/bundle/.
bundle: deps
	cd ui && TAURI_APP_PATH=../src-tauri npm run tauri -- build

## Set up and run every test: Rust, UI, bindings freshness, engine boundary, end to end.
test: deps services lint test-ui test-rust boundary e2e
	@echo "All Strata checks passed."

deps:
	scripts/install-deps.sh

services:
	scripts/services.sh

ui: deps
	cd ui && npm run build

# The app binary with the UI embedded (what end users and the e2e tests run).
app: ui
	cargo build -p strata-desktop $(CARGO_FEATURES)

e2e-app: app

lint: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets $(CARGO_FEATURES) --features strata-system-tests/e2e -- -D warnings
	cd ui && npm run typecheck && npm run lint

test-ui: deps
	cd ui && npm test

# Unit and integration tests; keyring tests run against a real Secret Service. The bindings
# test regenerates ui/src/ipc/bindings.ts and fails when the committed file was stale.
test-rust: ui services
	scripts/with-keyring.sh cargo test --workspace $(CARGO_FEATURES)

bindings:
	cargo test -p strata-desktop --test bindings $(CARGO_FEATURES)

# The engine must not learn it runs in a GUI: no tauri, no keyring under strata-core.
boundary:
	@if cargo tree -p strata-core -e normal --prefix none | cut -d' ' -f1 | sort -u | grep -xE 'tauri|tauri-specta|keyring|keyring-core'; then \
	  echo "error: strata-core depends on the crates above; the engine must stay free of the desktop shell." >&2; exit 1; fi
	@echo "strata-core is free of tauri and keyring."

e2e: app
	timeout 900 cargo test -p strata-system-tests --features e2e --test e2e_desktop --test e2e_timeline --test e2e_connections --test e2e_schema --test e2e_seeds -- --nocapture

## The timeline's performance targets (5,000 migrations: rendered in under a second, scrolling
## at 30 fps or more), judged on the release build. Run it on a quiet machine; not part of `test`.
perf-timeline: ui services
	cargo build --release -p strata-desktop $(CARGO_FEATURES)
	STRATA_E2E_APP=$${CARGO_TARGET_DIR:-$(CURDIR)/target}/release/strata-desktop STRATA_PERF_ASSERT=1 timeout 600 \
	  cargo test -p strata-system-tests --features e2e --test e2e_timeline -- --nocapture five_thousand

## The Connections screen end to end with a real keychain (run on its own: see the closing
## notes; after the keyring tests in one make test, its first keychain save stalls).
e2e-connections: app
	timeout 600 cargo test -p strata-system-tests --features e2e --test e2e_connections -- --nocapture
