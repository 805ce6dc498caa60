#!/usr/bin/env bash
# Whether the PostgreSQL the tests use is reachable: exit 0 if so. When it
# is not, exit 1 after saying what is skipped — or, under CI=true (where it
# must be), fail with exit 2.
# Usage: scripts/postgres-reachable.sh PATH/TO/waymark URL WHAT-IS-SKIPPED
set -uo pipefail
bin="$1" url="$2" skipped="$3"

if DATABASE_URL="$url" timeout 20 "$bin" check >/dev/null 2>&1; then
  exit 0
fi
if [ "${CI:-}" = true ]; then
  echo "CI=true but PostgreSQL is not reachable at $url" >&2
  exit 2
fi
echo "PostgreSQL not reachable at $url: skipping $skipped (set WAYMARK_TEST_POSTGRES_URL)"
exit 1
