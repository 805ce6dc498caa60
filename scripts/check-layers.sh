#!/usr/bin/env bash
# The adapters (server functions in app/src/api, REST handlers in
# server/src/rest) parse input, check access and call one backend function:
# the rules and their transactions live in app/src/backend, and only the
# backend reaches the database layer. Fails on any adapter line that
# reaches `backend::db` (directly or inside a `use … {db::…}`) or opens a
# transaction itself, and on a server function whose body does not run
# inside `request::answer` (which gives its errors their HTTP status).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

found=$(grep -rnE '(backend::db\b|[{ ,]db::|\.begin\(\))' app/src/api server/src/rest || true)
if [ -n "$found" ]; then
  echo "These adapter lines reach the database layer; move the work into app/src/backend:" >&2
  echo "$found" >&2
  exit 1
fi
for file in app/src/api/*.rs; do
  functions=$(grep -c '^#\[server(' "$file" || true)
  answered=$(grep -cE '(^|[^_[:alnum:]])answer\(' "$file" || true)
  if [ "$functions" != "$answered" ]; then
    echo "$file: $functions server functions but $answered bodies inside request::answer" >&2
    exit 1
  fi
done
echo "layers: no adapter reaches the database layer; every server function answers through request::answer"
