# Waymark's commands. `make run` and `make test` are all a newcomer needs;
# each installs what it is missing first (see scripts/install-tools.sh).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
export PATH := $(ROOT)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)
# The PostgreSQL the tests use (a database they may create databases in).
export WAYMARK_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PG_URL := $(WAYMARK_TEST_POSTGRES_URL)

.PHONY: help tools run dev build release test test-rust test-api-fuzz test-browser test-cluster bench lint fmt clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

tools: ## Install the build tools (idempotent)
	@scripts/install-tools.sh build

release: tools ## Build the optimised site and server
	cargo leptos build --release --precompress --split

run: release ## Build in release mode and serve on http://127.0.0.1:3000 (SQLite in data/)
	$(TARGET_DIR)/release/waymark serve

dev: tools ## Rebuild and reload on every change
	cargo leptos watch --split

build: tools ## Debug build of the site and server
	cargo leptos build --split

test: ## Run every test: unit, integration (SQLite, PostgreSQL when reachable), end2end in Chromium
	@scripts/install-tools.sh test
	@$(MAKE) --no-print-directory test-rust test-api-fuzz test-browser test-cluster

test-rust: ## Rust unit and integration tests (SQLite, and PostgreSQL when reachable), and the scoring engine in wasm
	cargo build -q -p server --bin waymark
	@if scripts/postgres-reachable.sh "$(TARGET_DIR)/debug/waymark" "$(PG_URL)" "its tests"; then \
	  echo "PostgreSQL reachable at $(PG_URL): its tests run too"; \
	else [ $$? -eq 1 ]; fi
	cargo test --workspace --exclude frontend
	@echo "The scoring engine compiled to wasm, in Node.js: the same bits as natively"
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test -p app --lib --target wasm32-unknown-unknown --features hydrate scoring::

test-api-fuzz: ## Fuzz the REST API with schemathesis against its OpenAPI document
	cargo build -q -p server --bin waymark
	scripts/api-fuzz.sh "$(TARGET_DIR)/debug/waymark"

test-browser: ## Browser tests in headless Chromium, JavaScript on and off
	cargo leptos build --split
	rm -rf target/e2e
	cd end2end && WAYMARK_BIN="$(TARGET_DIR)/debug/waymark" npx playwright test

test-cluster: ## Three instances on one PostgreSQL behind nginx: sessions, live updates, throttling, a drain under load
	@scripts/install-tools.sh test
	cargo leptos build --split
	@if scripts/postgres-reachable.sh "$(TARGET_DIR)/debug/waymark" "$(PG_URL)" "the cluster test"; then \
	  scripts/cluster-test.sh "$(TARGET_DIR)/debug/waymark" "$(PG_URL)"; \
	else [ $$? -eq 1 ]; fi

bench: ## Measure throughput and latency of a release server, and the wasm size
	@scripts/install-tools.sh bench
	cargo leptos build --release --precompress --split
	cargo build --release -p server --example hello_world --example event_fanout --example sqlite_inserts
	scripts/bench.sh "$(TARGET_DIR)/release/waymark" "$(TARGET_DIR)/release/examples/hello_world" \
	  "$(TARGET_DIR)/release/examples/event_fanout" "$(TARGET_DIR)/release/examples/sqlite_inserts"

lint: ## Formatting, the layering rule, and clippy for both the server and the browser build
	cargo fmt --all --check
	scripts/check-layers.sh
	cargo clippy --all-targets -p app -p server --features app/ssr -- -D warnings
	cargo clippy --all-targets -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

fmt: ## Format the code
	cargo fmt --all

clean: ## Remove build output (keeps data/ and installed tools)
	cargo clean
