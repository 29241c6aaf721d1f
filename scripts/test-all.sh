#!/usr/bin/env bash
# Set up and run every test, on a fresh Debian machine or a developer's: the shells the terminal
# hooks are tested in (bash, zsh, fish), npm packages, the unit and real-shell tests, then the
# end-to-end suite in a real VS Code (code-server + Chromium; its toolchain is cached by lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# The resident engines this checkout's CLI starts (see src/cli/resident/) leave with the run.
root=$(pwd)
trap 'pkill -f "$root/dist/cli.js resident" 2>/dev/null || true' EXIT

missing=()
for shell in zsh fish; do command -v "$shell" >/dev/null 2>&1 || missing+=("$shell"); done
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== unit, CLI and real-shell tests"
npm test

echo "== Interlock inside the real agent CLIs (Claude Code, Codex, Gemini CLI, Copilot CLI)"
bash scripts/agents-run.sh

echo "== end-to-end tests in a real VS Code"
npm run test:e2e

echo "== all tests passed in $(( $(date +%s) - start )) s"
