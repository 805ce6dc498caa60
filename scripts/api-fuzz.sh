#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis, a tool we did not write: it reads
# the running server's /api/v1/openapi.json and sends every operation
# requests made from the schema, valid and invalid, with a read-write
# token on a seeded workspace. It fails on any 5xx, any answer that does
# not match the schema (status, content type, body), and any request the
# schema forbids that the server accepts.
#
#   scripts/api-fuzz.sh PATH/TO/waymark
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:?usage: $0 PATH/TO/waymark}"
SCHEMATHESIS="$ROOT/.tools/venv/bin/schemathesis"
PORT="${WAYMARK_FUZZ_PORT:-3300}"
BASE="http://127.0.0.1:$PORT"
# Test cases per operation and phase; more finds more, slower.
EXAMPLES="${WAYMARK_FUZZ_EXAMPLES:-60}"
OUT="$ROOT/target/api-fuzz"
mkdir -p "$OUT"

DATA="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

EMAIL="fuzz@example.com"
PASSWORD="fuzzing the api with a long password"
export DATABASE_URL="sqlite://$DATA/fuzz.db" WAYMARK_LOG=warn
printf '%s\n' "$PASSWORD" | "$BIN" create-admin --email "$EMAIL" --name "Fuzz" >/dev/null
# The schema's examples name the workspace `demo` and its item DEMO-12.
"$BIN" seed-demo --owner "$EMAIL" --slug demo --items 300 --comments 5 >/dev/null
# The fuzzer sends thousands of requests a minute with one token.
WAYMARK_ADDR="127.0.0.1:$PORT" WAYMARK_PUBLIC_URL="$BASE" WAYMARK_API_RATE_LIMIT=1000000 \
  LEPTOS_SITE_ROOT="$ROOT/target/site" "$BIN" serve >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$BASE/readyz" >/dev/null || { echo "the server did not start; see $OUT/server.log" >&2; exit 1; }

SESSION="$(curl -fsS -D - -o /dev/null -H "Origin: $BASE" -H 'Accept: application/json' \
  --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
  "$BASE/fn/sign_in" | tr -d '\r' | awk -F'[:;] *' 'tolower($1) == "set-cookie" { print $2; exit }')"
[ -n "$SESSION" ] || { echo "the fuzzing account could not sign in" >&2; exit 1; }
TOKEN="$(curl -fsS -H "Origin: $BASE" -H 'Accept: application/json' -H "Cookie: $SESSION" \
  --data-urlencode "name=Fuzzer" --data-urlencode "scope=write" --data-urlencode "days=1" \
  "$BASE/fn/account/tokens/create" | sed -n 's/.*"token":"\(wm_[A-Za-z0-9_-]*\)".*/\1/p')"
[ -n "$TOKEN" ] || { echo "the fuzzing account could not make a token" >&2; exit 1; }
curl -fsS -H "Origin: $BASE" -H 'Accept: application/json' -H "Cookie: $SESSION" \
  --data-urlencode "slug=demo" --data-urlencode "name=Fuzzed view" \
  --data-urlencode "kind=board" --data-urlencode "params=sort=title&dir=asc" \
  "$BASE/fn/w/views/create" >/dev/null

echo "schemathesis $("$SCHEMATHESIS" --version | awk '{print $NF}') against $BASE/api/v1/openapi.json"
# It keeps a cache folder where it runs: keep it with the reports.
cd "$OUT"
# Requests the schema forbids must be refused; answers must match it.
"$SCHEMATHESIS" run "$BASE/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection \
  --mode all \
  --phases examples,coverage,fuzzing \
  --max-examples "$EXAMPLES" \
  --seed "${WAYMARK_FUZZ_SEED:-1}" \
  --workers 2 \
  --generation-database none \
  --suppress-health-check too_slow,filter_too_much \
  --report junit --report-dir "$OUT" \
  --no-color
