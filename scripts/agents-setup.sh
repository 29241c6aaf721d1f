#!/usr/bin/env bash
# Installs the real agent CLIs that test/agents/ drives (Claude Code, Codex, Gemini CLI, Copilot CLI)
# at the versions locked in test/agents/package-lock.json.
# They live in a cache folder keyed by the lockfile's hash and test/agents/node_modules links to it,
# so a second run costs a second. Safe to run again and again; never prompts.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
agents=$root/test/agents
cache_root=${INTERLOCK_AGENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/interlock-agents}
started=$SECONDS

log() { echo "agents-setup: $*"; }
# shellcheck source=lib/toolchain.sh
. "$root/scripts/lib/toolchain.sh"

# No install scripts: each CLI's native binary comes as a platform optional dependency, and the
# harness starts it directly. The scripts left (Claude Code's stub-to-binary swap, keytar and
# node-pty builds for interactive use) are not needed headless, and builds would want headers
# from the internet.
install_agents() {
  npm ci --ignore-scripts --no-audit --no-fund --engine-strict=false || return 1
  [ -x node_modules/@anthropic-ai/claude-code-linux-x64/claude ] \
    && [ -f node_modules/@openai/codex/bin/codex.js ] \
    && [ -f node_modules/@google/gemini-cli/package.json ] \
    && [ -x node_modules/@github/copilot-linux-x64/copilot ]
}
toolchain_install agents "$agents" "$cache_root" 600 install_agents

log "ready in $((SECONDS - started))s: $(cd "$agents/node_modules" && for p in @anthropic-ai/claude-code @openai/codex @google/gemini-cli @github/copilot; do
  printf '%s@%s ' "$p" "$(node -p "require('./$p/package.json').version")"; done)"
