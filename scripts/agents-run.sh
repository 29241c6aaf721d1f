#!/usr/bin/env bash
# Proves Interlock inside the real agent CLIs (Claude Code, Codex, Gemini CLI, Copilot CLI): installs
# them (scripts/agents-setup.sh, cached by lockfile), then runs each headless against a scripted
# model server on 127.0.0.1 with the hooks Interlock's installer writes, in its default and its
# bypass mode. Prints a Markdown table and ends with "N passed, N failed"; exits 1 on any failure.
#   scripts/agents-run.sh [--agent ID]... [--record] [--keep]   (options: see test/agents/run.mjs)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/agents-setup.sh
# The hooks start the repository's own CLI: build it if this checkout has none yet.
[ -f dist/cli.js ] || npm run build --silent

echo "== agent CLIs against scripted model servers"
exec node test/agents/run.mjs "$@"
