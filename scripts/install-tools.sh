#!/usr/bin/env bash
# Installs what building (and, with `test`, testing) Waymark needs, each tool
# at the version this repository expects. Safe to run again: a tool that is
# already there at the right version is left alone.
#
#   scripts/install-tools.sh build   wasm32 target, cargo-leptos, wasm-bindgen, wasm-opt
#   scripts/install-tools.sh test    the above, plus Chromium and the end2end npm packages
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
CARGO_LEPTOS_VERSION="0.3.10"
BINARYEN_VERSION="132"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")"

say() { printf '  %-14s %s\n' "$1" "$2"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say wasm32 "ok"
  else
    say wasm32 "installing"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
    say cargo-leptos "ok ($CARGO_LEPTOS_VERSION)"
  else
    say cargo-leptos "installing $CARGO_LEPTOS_VERSION (takes ~10 minutes)"
    # no_downloads: take wasm-bindgen and wasm-opt from PATH instead of
    # downloading them; a debug build of the tool is plenty fast and builds
    # in a third of the time.
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" \
      --features no_downloads --debug
  fi
}

ensure_wasm_bindgen() {
  if [ -z "$WASM_BINDGEN_VERSION" ]; then
    echo "cannot read wasm-bindgen's version from Cargo.lock" >&2
    exit 1
  fi
  if wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    say wasm-bindgen "ok ($WASM_BINDGEN_VERSION)"
  else
    say wasm-bindgen "installing $WASM_BINDGEN_VERSION to match Cargo.lock (takes ~5 minutes)"
    # Not --locked: its lock file pins a crate the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_wasm_opt() {
  if "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    say wasm-opt "ok ($BINARYEN_VERSION)"
  else
    say wasm-opt "installing binaryen $BINARYEN_VERSION into .tools"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
  fi
}

# Debian packages, quietly.
apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    say chromium "ok ($(chromium --version 2>/dev/null | awk '{print $2}'))"
  else
    say chromium "installing from Debian's packages"
    apt_install chromium
  fi
}

ensure_end2end_packages() {
  local stamp="$ROOT/end2end/node_modules/.installed-lock"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$ROOT/end2end/package-lock.json"; then
    say end2end "ok"
  else
    say end2end "installing npm packages"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/end2end/package-lock.json" "$stamp"
  fi
}

# The REST API is fuzzed by schemathesis, from PyPI, in a virtualenv of its
# own under .tools (pinned: a new release may add checks).
SCHEMATHESIS_VERSION=4.32.5
ensure_schemathesis() {
  local venv="$TOOLS/venv"
  if [ -x "$venv/bin/schemathesis" ] &&
    [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" = "$SCHEMATHESIS_VERSION" ]; then
    say schemathesis "ok ($SCHEMATHESIS_VERSION)"
    return
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    say python3 "installing python3 and its venv module from Debian's packages"
    apt_install python3 python3-venv
  fi
  say schemathesis "installing $SCHEMATHESIS_VERSION into .tools/venv"
  mkdir -p "$TOOLS"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

# The cluster test puts nginx in front of three instances and makes its
# database with psql.
ensure_cluster_tools() {
  if command -v nginx >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then
    say nginx "ok ($(nginx -v 2>&1 | sed 's/.*nginx\///'))"
  else
    say nginx "installing nginx-light and postgresql-client from Debian's packages"
    apt_install nginx-light postgresql-client
  fi
}

ensure_bench_tools() {
  if command -v wrk >/dev/null 2>&1 && command -v brotli >/dev/null 2>&1; then
    say wrk "ok"
  else
    say wrk "installing wrk and brotli from Debian's packages"
    apt_install wrk brotli
  fi
}

echo "tools:"
case "${1:-build}" in
  build) ensure_wasm_target; ensure_cargo_leptos; ensure_wasm_bindgen; ensure_wasm_opt ;;
  test) ensure_wasm_target; ensure_cargo_leptos; ensure_wasm_bindgen; ensure_wasm_opt; ensure_chromium; ensure_end2end_packages; ensure_schemathesis; ensure_cluster_tools ;;
  bench) ensure_wasm_target; ensure_cargo_leptos; ensure_wasm_bindgen; ensure_wasm_opt; ensure_bench_tools; ensure_cluster_tools ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
