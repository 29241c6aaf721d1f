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

hash=$(sha256sum "$agents/package-lock.json" | cut -c1-16)
toolchain=$cache_root/$hash
mkdir -p "$cache_root"
# Two setups at once (two clones, or a developer and a CI run) must not install into one folder.
exec 9>"$cache_root/.lock"
flock -w 600 9 || { log "timed out waiting for $cache_root/.lock"; exit 1; }

if [ -f "$toolchain/.complete" ]; then
  log "agents $hash reused from $toolchain"
else
  log "installing agents $hash into $toolchain (log: $toolchain.log)"
  rm -rf "$toolchain"
  mkdir -p "$toolchain"
  cp "$agents/package.json" "$agents/package-lock.json" "$toolchain/"
  # (set -e does not hold inside a function called from `if`, hence the explicit returns.)
  install_agents() {
    cd "$toolchain" || return 1
    # Under `npm run`, npm exports its config as npm_config_* (and npm_*) to every child; the
    # nested npm would read them as its own config. Start from a clean slate.
    local var
    for var in $(compgen -e); do
      case "$var" in npm_config_cache|NPM_CONFIG_CACHE) ;; npm_*|NPM_CONFIG_*|NODE_OPTIONS) unset "$var" ;; esac
    done
    # No install scripts: each CLI's native binary comes as a platform optional dependency, and the
    # harness starts it directly. The scripts left (Claude Code's stub-to-binary swap, keytar and
    # node-pty builds for interactive use) are not needed headless, and builds would want headers
    # from the internet.
    npm ci --ignore-scripts --no-audit --no-fund --engine-strict=false || return 1
    [ -x node_modules/@anthropic-ai/claude-code-linux-x64/claude ] \
      && [ -f node_modules/@openai/codex/bin/codex.js ] \
      && [ -f node_modules/@google/gemini-cli/package.json ] \
      && [ -x node_modules/@github/copilot-linux-x64/copilot ]
  }
  if ! (install_agents) >"$toolchain.log" 2>&1; then
    tail -n 40 "$toolchain.log"
    log "agents install failed; full log: $toolchain.log"
    exit 1
  fi
  touch "$toolchain/.complete"
fi

# Drop the installs of other lockfiles that no run has used for two weeks.
touch "$toolchain/.last-used"
find "$cache_root" -mindepth 2 -maxdepth 2 -name .last-used -mtime +14 -printf '%h\n' | while read -r stale; do
  [ "$stale" = "$toolchain" ] && continue
  log "removing unused agents $stale"
  rm -rf "$stale" "$stale.log"
done

# test/agents/node_modules is a link so that test/agents/*.mjs resolve the installed CLIs.
if [ -e "$agents/node_modules" ] && [ ! -L "$agents/node_modules" ]; then rm -rf "$agents/node_modules"; fi
ln -sfn "$toolchain/node_modules" "$agents/node_modules"

log "ready in $((SECONDS - started))s: $(cd "$agents/node_modules" && for p in @anthropic-ai/claude-code @openai/codex @google/gemini-cli @github/copilot; do
  printf '%s@%s ' "$p" "$(node -p "require('./$p/package.json').version")"; done)"
