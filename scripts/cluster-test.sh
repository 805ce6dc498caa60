#!/usr/bin/env bash
# Three Waymark instances on one PostgreSQL behind nginx (round robin), on
# loopback: starts them at the same moment on a fresh database, then checks
# what must hold across instances (scripts/cluster-check.mjs): sessions,
# live updates, the sign-in throttle, and a SIGTERM under load that loses no
# request. Usage: scripts/cluster-test.sh PATH/TO/waymark [POSTGRES_URL]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$1"
ADMIN_URL="${2:-${WAYMARK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}"
OUT="$ROOT/target/cluster"
rm -rf "$OUT" && mkdir -p "$OUT"

# Free loopback ports: nginx, then the three instances.
read -r PROXY_PORT A_PORT B_PORT C_PORT < <(node -e '
const net = require("net");
const free = () => new Promise((ok) => {
  const server = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => ok(port));
  });
});
Promise.all([free(), free(), free(), free()]).then((ports) => console.log(ports.join(" ")));
')
PROXY="http://127.0.0.1:$PROXY_PORT"

DB="waymark_cluster_$(date +%s)_$$"
BASE="${ADMIN_URL%/*}"
DATABASE_URL="$BASE/$DB"
psql -q "$ADMIN_URL" -c "CREATE DATABASE $DB"

PIDS=()
cleanup() {
  local code=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  if [ "$code" != 0 ]; then
    echo "cluster test failed; logs in $OUT" >&2
    tail -n 20 "$OUT"/*.log >&2 || true
  fi
  exit "$code"
}
trap cleanup EXIT

export DATABASE_URL WAYMARK_PUBLIC_URL="$PROXY" WAYMARK_TRUSTED_PROXIES=127.0.0.1 \
  WAYMARK_LOG=info LEPTOS_SITE_ROOT="$ROOT/target/site"
echo "starting three instances at once on an empty database"
for name in a b c; do
  port_var="${name^^}_PORT"
  WAYMARK_ADDR="127.0.0.1:${!port_var}" "$BIN" serve >"$OUT/$name.log" 2>&1 &
  PIDS+=("$!")
done

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/readyz"; }
for port in "$A_PORT" "$B_PORT" "$C_PORT"; do
  for _ in $(seq 1 600); do ready "$port" && break; sleep 0.1; done
  ready "$port" || { echo "instance on $port never became ready" >&2; exit 1; }
done
applied=$(psql -tA "$DATABASE_URL" -c "SELECT COUNT(*) FROM _sqlx_migrations")
known=$(ls "$ROOT"/app/migrations/postgres/*.sql | wc -l)
[ "$applied" = "$known" ] || { echo "migrations: $applied applied, $known known" >&2; exit 1; }
echo "ok: all three ready; the $known migrations applied once"

cat >"$OUT/nginx.conf" <<NGINX
worker_processes 1;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $OUT/nginx-access.log;
  client_body_temp_path $OUT/client_body;
  proxy_temp_path $OUT/proxy;
  fastcgi_temp_path $OUT/fastcgi;
  uwsgi_temp_path $OUT/uwsgi;
  scgi_temp_path $OUT/scgi;
  # The test pins a browser to one instance with a cookie (waymark_pin=c);
  # everything else is balanced round robin.
  map \$cookie_waymark_pin \$backend {
    a 127.0.0.1:$A_PORT;
    b 127.0.0.1:$B_PORT;
    c 127.0.0.1:$C_PORT;
    default waymark;
  }
  upstream waymark {
    server 127.0.0.1:$A_PORT;
    server 127.0.0.1:$B_PORT;
    server 127.0.0.1:$C_PORT;
  }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    client_max_body_size 2m;
    proxy_next_upstream error timeout http_502 http_503;
    add_header X-Upstream \$upstream_addr always;
    location ~ ^/w/[^/]+/events\$ {
      proxy_pass http://\$backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
    location / {
      proxy_pass http://\$backend;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
NGINX
nginx -p "$OUT" -c "$OUT/nginx.conf"
for _ in $(seq 1 50); do curl -fs -o /dev/null "$PROXY/readyz" && break; sleep 0.1; done

printf '%s\n' "a cluster of three, checked" |
  "$BIN" create-admin --email ada@example.com --name Ada >/dev/null

PROXY="$PROXY" INSTANCES="http://127.0.0.1:$A_PORT,http://127.0.0.1:$B_PORT,http://127.0.0.1:$C_PORT" \
  STOP_PID="${PIDS[1]}" PASSWORD="a cluster of three, checked" \
  node "$ROOT/scripts/cluster-check.mjs"

# The stopped instance drained and exited cleanly.
if wait "${PIDS[1]}"; then
  echo "ok: the stopped instance exited 0"
else
  echo "the stopped instance exited $?" >&2
  exit 1
fi
echo "cluster test passed"
