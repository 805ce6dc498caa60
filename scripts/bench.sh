#!/usr/bin/env bash
# Measures a release build of Waymark on this machine: requests/s, p50 and
# p99 at 32 connections for a server-rendered page, a page that queries the
# database, a static asset and the liveness probe; and the size of the
# WebAssembly the browser downloads. Every page is also given as a share of
# a hello-world Leptos page (the cargo-leptos template's, served by
# server/examples/hello_world.rs) measured in the same run, so figures from
# a busy or a quiet machine can be compared. Prints a table and writes
# target/bench/results.json.
#
#   scripts/bench.sh PATH/TO/waymark PATH/TO/hello_world [PATH/TO/event_fanout [PATH/TO/sqlite_inserts]]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:?usage: $0 PATH/TO/waymark PATH/TO/hello_world}"
HELLO_BIN="${2:?usage: $0 PATH/TO/waymark PATH/TO/hello_world [PATH/TO/event_fanout]}"
# Opens many live-update streams and times one change reaching them all
# (server/examples/event_fanout.rs); built beside hello_world.
FANOUT_BIN="${3:-$(dirname "$HELLO_BIN")/event_fanout}"
FANOUT_STREAMS="${WAYMARK_BENCH_STREAMS:-2000}"
# A bare SQLite insert loop (server/examples/sqlite_inserts.rs), the
# yardstick for the API's item creation; built beside hello_world.
INSERTS_BIN="${4:-$(dirname "$HELLO_BIN")/sqlite_inserts}"
PORT="${WAYMARK_BENCH_PORT:-3200}"
HELLO_PORT=$((PORT + 1))
CONNECTIONS="${WAYMARK_BENCH_CONNECTIONS:-32}"
DURATION="${WAYMARK_BENCH_DURATION:-10s}"
BASE="http://127.0.0.1:$PORT"
OUT="$ROOT/target/bench"
SITE="$ROOT/target/site"
mkdir -p "$OUT"

DATA="$(mktemp -d)"
SERVER_PID=""
HELLO_PID=""
cleanup() {
  for pid in $SERVER_PID $HELLO_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$DATA"
}
trap cleanup EXIT

# A fresh server on its own database, with one account to sign in to.
BENCH_EMAIL="bench@example.com"
BENCH_PASSWORD="bench password for sign-in load"
printf '%s\n' "$BENCH_PASSWORD" | DATABASE_URL="sqlite://$DATA/bench.db" WAYMARK_LOG=warn \
  "$BIN" create-admin --email "$BENCH_EMAIL" --name "Bench" >/dev/null
# A workspace of 10,000 items, written in one transaction (not through HTTP);
# its first item has 20 comments.
DATABASE_URL="sqlite://$DATA/bench.db" WAYMARK_LOG=warn \
  "$BIN" seed-demo --owner "$BENCH_EMAIL" --slug items --items 10000 --comments 20 >/dev/null
# The fan-out opens all its streams as one signed-in browser: the caps on
# a session's and a user's streams are raised to as many.
WAYMARK_ADDR="127.0.0.1:$PORT" WAYMARK_PUBLIC_URL="$BASE" WAYMARK_LOG=warn \
  WAYMARK_API_RATE_LIMIT=1000000 DATABASE_URL="sqlite://$DATA/bench.db" LEPTOS_SITE_ROOT="$SITE" \
  WAYMARK_LIVE_STREAMS_PER_SESSION="$FANOUT_STREAMS" WAYMARK_LIVE_STREAMS_PER_USER="$FANOUT_STREAMS" \
  "$BIN" serve >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$BASE/readyz" >/dev/null || { echo "the server did not start; see $OUT/server.log" >&2; exit 1; }
# Resident memory in MB, from the kernel's view of the process.
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
RSS_IDLE="$(rss_mb)"

(cd "$ROOT" && exec "$HELLO_BIN" "127.0.0.1:$HELLO_PORT" >"$OUT/hello_world.log" 2>&1) &
HELLO_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$HELLO_PORT/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$HELLO_PORT/" >/dev/null || { echo "the hello-world server did not start; see $OUT/hello_world.log" >&2; exit 1; }

CSS="$(cd "$SITE" && ls pkg/*.css | grep -v '\.\(br\|gz\)$' | head -n1)"

# wrk prints latencies as 812.00us, 1.23ms or 1.02s; convert to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
    printf "%.3f", n
  }'
}

declare -a ROWS JSON
HELLO_RPS=""
# measure NAME PATH [COOKIE [ORIGIN [BODY [AUTHORIZATION]]]]; a BODY makes
# it a form post to a server function, as the hydrated page sends it, or
# with an AUTHORIZATION a JSON post to the REST API.
measure() {
  local name="$1" path="$2" cookie="${3:-}" origin="${4:-$BASE}" body="${5:-}" authorization="${6:-}"
  local -a options=(-H 'Accept-Encoding: br, gzip')
  [ -n "$cookie" ] && options+=(-H "Cookie: $cookie")
  [ -n "$authorization" ] && options+=(-H "Authorization: $authorization")
  if [ -n "$body" ] && [ -n "$authorization" ]; then
    printf 'wrk.method = "POST"\nwrk.body = [[%s]]\n' "$body" >"$DATA/post.lua"
    options+=(-s "$DATA/post.lua" -H 'Content-Type: application/json')
  elif [ -n "$body" ]; then
    printf 'wrk.method = "POST"\nwrk.body = "%s"\n' "$body" >"$DATA/post.lua"
    options+=(-s "$DATA/post.lua" -H 'Content-Type: application/x-www-form-urlencoded'
      -H "Origin: $BASE" -H 'Accept: application/json')
  fi
  # Warm up, then measure.
  wrk -t2 -c"$CONNECTIONS" -d2s "${options[@]}" "$origin$path" >/dev/null
  local report
  report="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${options[@]}" "$origin$path")"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$report")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$report")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$report")")"
  errors="$(awk '/Non-2xx or 3xx responses:/ { print $NF } /Socket errors:/ { print "socket" }' <<<"$report" | head -n1)"
  [ -n "$HELLO_RPS" ] || HELLO_RPS="$rps"
  LAST_RPS="$rps"
  local share
  share="$(awk -v r="$rps" -v h="$HELLO_RPS" 'BEGIN { printf "%.1f", (h > 0 ? 100 * r / h : 0) }')"
  ROWS+=("$(printf '%-24s %-34s %10s %8s %10s %10s %s' "$name" "$path" "$rps" "$share%" "$p50" "$p99" "${errors:+errors: $errors}")")
  JSON+=("$(printf '{"name":"%s","path":"%s","requests_per_second":%s,"share_of_hello_world_percent":%s,"p50_ms":%s,"p99_ms":%s,"errors":"%s"}' \
    "$name" "$path" "$rps" "$share" "$p50" "$p99" "${errors:-}")")
}

# A signed-in member of a workspace, for the pages behind the access rule.
SESSION="$(curl -fsS -D - -o /dev/null -H "Origin: $BASE" -H 'Accept: application/json' \
  --data-urlencode "email=$BENCH_EMAIL" --data-urlencode "password=$BENCH_PASSWORD" \
  "$BASE/fn/sign_in" | tr -d '\r' | awk -F'[:;] *' 'tolower($1) == "set-cookie" { print $2; exit }')"
[ -n "$SESSION" ] || { echo "the bench account could not sign in" >&2; exit 1; }
curl -fsS -o /dev/null -H "Origin: $BASE" -H 'Accept: application/json' -H "Cookie: $SESSION" \
  --data-urlencode "name=Bench" --data-urlencode "slug=bench" \
  --data-urlencode "description=Measured by make bench" --data-urlencode "key_prefix=BEN" \
  "$BASE/fn/workspaces/create"

# A saved roadmap of the 10,000 items and a share link to it.
VIEW_ID="$(curl -fsS -H "Origin: $BASE" -H 'Accept: application/json' -H "Cookie: $SESSION" \
  --data-urlencode "slug=items" --data-urlencode "name=Bench roadmap" \
  --data-urlencode "kind=roadmap" --data-urlencode "params=" \
  "$BASE/fn/w/views/create" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')"
SHARE_PATH="$(curl -fsS -H "Origin: $BASE" -H 'Accept: application/json' -H "Cookie: $SESSION" \
  --data-urlencode "slug=items" --data-urlencode "id=$VIEW_ID" \
  "$BASE/fn/w/views/share" | sed -n 's/.*"url":"[^"]*\(\/s\/[A-Za-z0-9_-]*\)".*/\1/p')"
[ -n "$SHARE_PATH" ] || { echo "the bench could not share a view" >&2; exit 1; }

measure "hello-world Leptos page" "/" "" "http://127.0.0.1:$HELLO_PORT"
kill "$HELLO_PID" 2>/dev/null || true
wait "$HELLO_PID" 2>/dev/null || true
HELLO_PID=""
measure "landing page (SSR)" "/"
measure "about (SSR + query)" "/about"
measure "home, signed in" "/" "$SESSION"
measure "workspace members" "/w/bench/settings/members" "$SESSION"
measure "items, first page" "/w/items/items" "$SESSION"
measure "items, past item 9,000" "/w/items/items?sort=key&dir=asc&after=9000%3A9000" "$SESSION"
# The demo is rated: four items in five have a score.
measure "items by score" "/w/items/items?sort=score" "$SESSION"
measure "items by score, lowest first" "/w/items/items?sort=score&dir=asc" "$SESSION"
measure "board" "/w/items/board" "$SESSION"
measure "roadmap" "/w/items/roadmap" "$SESSION"
measure "timeline" "/w/items/timeline" "$SESSION"
measure "saved roadmap" "/w/items/roadmap?view=$VIEW_ID" "$SESSION"
measure "shared roadmap, no account" "$SHARE_PATH"
measure "chart" "/w/items/chart" "$SESSION"
# The demo workspace is the database's first, so its first criterion has id 1.
measure "chart sized by a criterion" "/w/items/chart?size=1" "$SESSION"
measure "item, 20 comments" "/w/items/items/DEMO-1" "$SESSION"
measure "items, text search" "/w/items/items?q=sync" "$SESSION"
# The same search typed into the filter bar of a hydrated page: the browser
# asks the server function for the rows, not for a page.
measure "text search, in-page" "/fn/w/items" "$SESSION" "$BASE" "slug=items&params=q%3Dsync"
# A word few items have: their rows are read from the matches.
measure "rare word, in-page" "/fn/w/items" "$SESSION" "$BASE" "slug=items&params=q%3Drea"
measure "static asset" "/$CSS"
measure "liveness" "/healthz"

# The REST API with a read-write token: reads of the 10,000 items, and
# items made in the (otherwise empty) bench workspace. The server's rate
# limit is raised for the bench.
API_TOKEN="$(curl -fsS -H "Origin: $BASE" -H 'Accept: application/json' -H "Cookie: $SESSION" \
  --data-urlencode "name=Bench" --data-urlencode "scope=write" --data-urlencode "days=1" \
  "$BASE/fn/account/tokens/create" | sed -n 's/.*"token":"\(wm_[A-Za-z0-9_-]*\)".*/\1/p')"
[ -n "$API_TOKEN" ] || { echo "the bench could not make an API token" >&2; exit 1; }
measure "API: list items" "/api/v1/workspaces/items/items" "" "$BASE" "" "Bearer $API_TOKEN"
measure "API: get item" "/api/v1/workspaces/items/items/DEMO-1" "" "$BASE" "" "Bearer $API_TOKEN"
measure "API: create item" "/api/v1/workspaces/bench/items" "" "$BASE" \
  '{"title": "Bench item", "tags": ["bench"], "horizon": "next"}' "Bearer $API_TOKEN"
API_CREATE_RPS="$LAST_RPS"
# The same machine's bare SQLite insert loop, one transaction per row.
INSERTS_JSON="$("$INSERTS_BIN" "$DATA/inserts.db" 5)"
INSERTS_RPS="$(sed -n 's/.*"per_second":\([0-9]*\).*/\1/p' <<<"$INSERTS_JSON")"
API_CREATE_SHARE="$(awk -v a="$API_CREATE_RPS" -v b="$INSERTS_RPS" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')"

# Live updates: FANOUT_STREAMS pages open on the workspace, one change.
FANOUT_JSON="$("$FANOUT_BIN" "$BASE" "$SESSION" items "$FANOUT_STREAMS")"
fanout_field() {
  node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$FANOUT_JSON" "$1"
}

# A framework edit rescores every item in one transaction: the demo's
# Value vs Effort criteria with the first one's weight changed, saved five
# times (weights 2, 1, 2, 1, 2); the median time of the whole request.
CRITERIA=($(curl -fsS -H "Origin: $BASE" -H 'Accept: application/json' -H "Cookie: $SESSION" \
  --data "slug=items" "$BASE/fn/w/scoring" | grep -o '"id":[0-9]*' | cut -d: -f2))
[ "${#CRITERIA[@]}" -eq 5 ] || { echo "the demo's framework was not Value vs Effort" >&2; exit 1; }
declare -a RESCORES
for weight in 2 1 2 1 2; do
  form="slug=items"
  n=0
  for spec in "Business%20value:value:$weight:zero_to_ten" "Customer%20value:value:1:zero_to_ten" \
    "Strategic%20fit:value:1:zero_to_ten" "Development%20effort:effort:1:tshirt" "Risk:effort:1:zero_to_ten"; do
    IFS=: read -r name factor w scale <<<"$spec"
    form+="&criteria%5B$n%5D%5Bid%5D=${CRITERIA[$n]}&criteria%5B$n%5D%5Bname%5D=$name"
    form+="&criteria%5B$n%5D%5Bfactor%5D=$factor&criteria%5B$n%5D%5Bweight%5D=$w"
    form+="&criteria%5B$n%5D%5Bscale%5D=$scale&criteria%5B$n%5D%5Bdirection%5D=more_is_more"
    n=$((n + 1))
  done
  seconds="$(curl -fsS -o /dev/null -w '%{time_total}' -H "Origin: $BASE" -H 'Accept: application/json' \
    -H "Cookie: $SESSION" --data "$form" "$BASE/fn/w/scoring/save")"
  RESCORES+=("$(awk -v s="$seconds" 'BEGIN { printf "%.1f", s * 1000 }')")
done
rescore_ms="$(printf '%s\n' "${RESCORES[@]}" | sort -n | sed -n 3p)"

# Page latency while 20 clients keep signing in (each sign-in is a full
# argon2id hash), against the same page load without them.
cat >"$DATA/sign_in.lua" <<LUA
wrk.method = "POST"
wrk.body = "email=bench%40example.com&password=bench+password+for+sign-in+load"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "$BASE"
wrk.headers["Accept"] = "application/json"
LUA
page_p99() {
  wrk -t1 -c8 -d"$DURATION" --latency "$BASE/about" | awk '$1 == "99%" { print $2 }'
}
quiet_p99="$(to_ms "$(page_p99)")"
wrk -t1 -c20 -d"$DURATION" -s "$DATA/sign_in.lua" "$BASE/fn/sign_in" >"$OUT/sign_in.txt" 2>&1 &
SIGN_IN_PID=$!
sleep 1
busy_p99="$(to_ms "$(page_p99)")"
wait "$SIGN_IN_PID"
sign_ins="$(awk '/^Requests\/sec:/ { printf "%.1f", $2 }' "$OUT/sign_in.txt")"
sign_in_errors="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$OUT/sign_in.txt")"

# Memory under a crowd: 256 connections on the members page for 30 s.
STRESS_CONNECTIONS="${WAYMARK_BENCH_STRESS_CONNECTIONS:-256}"
STRESS_DURATION="${WAYMARK_BENCH_STRESS_DURATION:-30s}"
stress="$(wrk -t2 -c"$STRESS_CONNECTIONS" -d"$STRESS_DURATION" --latency -H 'Accept-Encoding: br, gzip' \
  -H "Cookie: $SESSION" "$BASE/w/bench/settings/members")"
stress_rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$stress")"
stress_p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$stress")")"
RSS_LOADED="$(rss_mb)"

# Scale-out: the items table's first page on PostgreSQL (same 10,000
# items), straight and through nginx to one and to three instances. Skipped
# when no PostgreSQL answers or nginx and psql are missing.
PG_ADMIN_URL="${WAYMARK_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SCALE_JSON="null"
PG_PIDS=""
NGINX_DIR=""
stop_scale_out() {
  for pid in $PG_PIDS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PG_PIDS=""
  [ -n "$NGINX_DIR" ] && [ -f "$NGINX_DIR/nginx.pid" ] && kill "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null || true
}
# nginx on PROXY_PORT, round robin over the given ports.
start_nginx() {
  local proxy_port="$1"; shift
  stop_nginx
  NGINX_DIR="$DATA/nginx-$proxy_port"
  mkdir -p "$NGINX_DIR"
  {
    echo "worker_processes 1; pid $NGINX_DIR/nginx.pid; error_log $NGINX_DIR/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; proxy_temp_path $NGINX_DIR/proxy; client_body_temp_path $NGINX_DIR/body;"
    echo "  fastcgi_temp_path $NGINX_DIR/f; uwsgi_temp_path $NGINX_DIR/u; scgi_temp_path $NGINX_DIR/s;"
    echo "  upstream waymark { keepalive 64;"
    for port in "$@"; do echo "    server 127.0.0.1:$port;"; done
    echo "  }"
    echo "  server { listen 127.0.0.1:$proxy_port; location / { proxy_pass http://waymark;"
    echo "    proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host \$host; } } }"
  } >"$NGINX_DIR/nginx.conf"
  nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf"
}
stop_nginx() {
  if [ -n "$NGINX_DIR" ] && [ -f "$NGINX_DIR/nginx.pid" ]; then
    kill "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null || true
    sleep 0.3
  fi
}
if command -v nginx >/dev/null && command -v psql >/dev/null && psql -q "$PG_ADMIN_URL" -c 'SELECT 1' >/dev/null 2>&1; then
  PG_DB="waymark_bench_$$"
  PG_URL="${PG_ADMIN_URL%/*}/$PG_DB"
  psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $PG_DB"
  trap 'stop_scale_out; psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1; cleanup' EXIT
  printf '%s\n' "$BENCH_PASSWORD" | DATABASE_URL="$PG_URL" WAYMARK_LOG=warn \
    "$BIN" create-admin --email "$BENCH_EMAIL" --name "Bench" >/dev/null
  DATABASE_URL="$PG_URL" WAYMARK_LOG=warn \
    "$BIN" seed-demo --owner "$BENCH_EMAIL" --slug items --items 10000 --comments 20 >/dev/null
  PG_PORTS=($((PORT + 10)) $((PORT + 11)) $((PORT + 12)))
  PROXY_PORT=$((PORT + 13))
  PROXY="http://127.0.0.1:$PROXY_PORT"
  for port in "${PG_PORTS[@]}"; do
    WAYMARK_ADDR="127.0.0.1:$port" WAYMARK_PUBLIC_URL="$PROXY" WAYMARK_LOG=warn DATABASE_URL="$PG_URL" \
      WAYMARK_TRUSTED_PROXIES=127.0.0.1 LEPTOS_SITE_ROOT="$SITE" "$BIN" serve >"$OUT/pg-$port.log" 2>&1 &
    PG_PIDS="$PG_PIDS $!"
  done
  for port in "${PG_PORTS[@]}"; do
    for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  done
  PG_SESSION="$(curl -fsS -D - -o /dev/null -H "Origin: $PROXY" -H 'Accept: application/json' \
    --data-urlencode "email=$BENCH_EMAIL" --data-urlencode "password=$BENCH_PASSWORD" \
    "http://127.0.0.1:${PG_PORTS[0]}/fn/sign_in" | tr -d '\r' | awk -F'[:;] *' 'tolower($1) == "set-cookie" { print $2; exit }')"
  [ -n "$PG_SESSION" ] || { echo "the bench account could not sign in on PostgreSQL" >&2; exit 1; }
  # One instance straight, then through nginx to one and to three (all
  # three run throughout, on the same 2 cores).
  measure "items, PostgreSQL" "/w/items/items" "$PG_SESSION" "http://127.0.0.1:${PG_PORTS[0]}"
  PG_DIRECT_RPS="$LAST_RPS"
  start_nginx "$PROXY_PORT" "${PG_PORTS[0]}"
  measure "items, PG, nginx → 1" "/w/items/items" "$PG_SESSION" "$PROXY"
  PG_ONE_RPS="$LAST_RPS"
  start_nginx "$PROXY_PORT" "${PG_PORTS[@]}"
  measure "items, PG, nginx → 3" "/w/items/items" "$PG_SESSION" "$PROXY"
  PG_THREE_RPS="$LAST_RPS"
  stop_scale_out
  SCALE_JSON="$(printf '{"postgres_direct_rps":%s,"nginx_one_instance_rps":%s,"nginx_three_instances_rps":%s}' \
    "$PG_DIRECT_RPS" "$PG_ONE_RPS" "$PG_THREE_RPS")"
else
  echo "scale-out rows skipped: no PostgreSQL at $PG_ADMIN_URL, or nginx/psql missing" >&2
fi
BINARY_BYTES="$(stat -c %s "$BIN")"

# The main module every page loads, and what the heaviest lazy route's
# first visit adds to it.
WASM_JSON="$(node "$ROOT/scripts/wasm-size.mjs" "$SITE")"
wasm_field() {
  node -e 'console.log(process.argv[2].split(".").reduce((o, k) => o?.[k], JSON.parse(process.argv[1])))' \
    "$WASM_JSON" "$1"
}

echo
echo "Waymark $("$BIN" version | awk '{print $2}') on $(nproc) cores, $CONNECTIONS connections, $DURATION per row"
printf '%-24s %-34s %10s %8s %10s %10s\n' "what" "path" "req/s" "share" "p50 ms" "p99 ms"
printf '%s\n' "${ROWS[@]}"
echo
printf '/about p99 at 8 connections: %s ms alone, %s ms while 20 clients sign in (%s sign-ins/s%s)\n' \
  "$quiet_p99" "$busy_p99" "$sign_ins" "${sign_in_errors:+, $sign_in_errors non-2xx}"
printf 'memory: %s MB idle, %s MB after %s at %s connections on the members page (%s req/s, p99 %s ms)\n' \
  "$RSS_IDLE" "$RSS_LOADED" "$STRESS_DURATION" "$STRESS_CONNECTIONS" "$stress_rps" "$stress_p99"
printf 'wasm %s (every page): %s bytes raw, %s gzip, %s brotli\n' \
  "$(wasm_field main.file)" "$(wasm_field main.raw)" "$(wasm_field main.gzip)" "$(wasm_field main.brotli)"
printf 'wasm the heaviest route (%s) adds on its first visit: %s chunks, %s bytes raw, %s gzip, %s brotli\n' \
  "$(wasm_field largest_route.route)" "$(wasm_field largest_route.chunks)" "$(wasm_field largest_route.raw)" \
  "$(wasm_field largest_route.gzip)" "$(wasm_field largest_route.brotli)"
printf 'binary: %s bytes (%.1f MB), the site inside\n' "$BINARY_BYTES" "$(awk -v b="$BINARY_BYTES" 'BEGIN { print b / 1e6 }')"
printf 'framework edit rescoring 10,000 items: %s ms (median of 5: %s)\n' "$rescore_ms" "${RESCORES[*]}"
printf 'API item creation: %s req/s, %s%% of a bare SQLite insert loop (%s inserts/s, one transaction each)\n' \
  "$API_CREATE_RPS" "$API_CREATE_SHARE" "$INSERTS_RPS"
printf 'live updates: %s of %s event streams open in %s s; one change reached %s of them, all within %s ms (p50 %s, p99 %s)\n' \
  "$(fanout_field connected)" "$(fanout_field streams)" "$(fanout_field connect_s)" "$(fanout_field reached)" \
  "$(fanout_field all_ms)" "$(fanout_field p50_ms)" "$(fanout_field p99_ms)"

{
  printf '{"version":"%s","cores":%s,"connections":%s,"duration":"%s","http":[' \
    "$("$BIN" version | awk '{print $2}')" "$(nproc)" "$CONNECTIONS" "$DURATION"
  (IFS=,; printf '%s' "${JSON[*]}")
  printf '],"sign_in_load":{"page":"/about","connections":8,"p99_ms_alone":%s,"p99_ms_with_20_signing_in":%s,"sign_ins_per_second":%s,"sign_in_errors":"%s"}' \
    "$quiet_p99" "$busy_p99" "${sign_ins:-0}" "${sign_in_errors:-}"
  printf ',"memory":{"rss_idle_mb":%s,"rss_after_stress_mb":%s,"stress_connections":%s,"stress_duration":"%s","stress_requests_per_second":%s,"stress_p99_ms":%s}' \
    "$RSS_IDLE" "$RSS_LOADED" "$STRESS_CONNECTIONS" "$STRESS_DURATION" "${stress_rps:-0}" "$stress_p99"
  printf ',"wasm":%s' "$WASM_JSON"
  printf ',"framework_edit_rescore_ms":%s' "$rescore_ms"
  printf ',"api_create":{"requests_per_second":%s,"bare_sqlite_inserts_per_second":%s,"share_percent":%s}' \
    "$API_CREATE_RPS" "$INSERTS_RPS" "$API_CREATE_SHARE"
  printf ',"live_updates":%s' "$FANOUT_JSON"
  printf ',"scale_out":%s,"binary_bytes":%s}\n' "$SCALE_JSON" "$BINARY_BYTES"
} >"$OUT/results.json"
echo "written: target/bench/results.json"
