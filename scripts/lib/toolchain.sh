# Sourced by agents-setup.sh and e2e-setup.sh: a toolchain installed from a directory's
# package-lock.json into a cache folder keyed by the lockfile's hash, reused by every later run,
# and linked as that directory's node_modules. The caller defines `log` and the install step.

# Under `npm run`, npm exports its config as npm_config_* (and npm_*) to every child; a nested npm
# would read them as its own config. Start nested installs from a clean slate (the cache excepted).
clean_npm_env() {
  local var
  for var in $(compgen -e); do
    case "$var" in npm_config_cache|NPM_CONFIG_CACHE) ;; npm_*|NPM_CONFIG_*|NODE_OPTIONS) unset "$var" ;; esac
  done
}

# toolchain_install LABEL DIR CACHE_ROOT WAIT_SECONDS INSTALL_FUNCTION
# Sets $toolchain. INSTALL_FUNCTION runs in a subshell inside $toolchain with a clean npm
# environment, its output in $toolchain.log; it returns non-zero on failure (set -e does not hold
# inside a function called from `if`). Installs of other lockfiles unused for two weeks are dropped.
toolchain_install() {
  local label=$1 dir=$2 cache_root=$3 wait=$4 install=$5 hash stale
  hash=$(sha256sum "$dir/package-lock.json" | cut -c1-16)
  toolchain=$cache_root/$hash
  mkdir -p "$cache_root"
  # Two setups at once (two clones, or a developer and a CI run) must not install into one folder.
  exec 9>"$cache_root/.lock"
  flock -w "$wait" 9 || { log "timed out waiting for $cache_root/.lock"; exit 1; }

  if [ -f "$toolchain/.complete" ]; then
    log "$label $hash reused from $toolchain"
  else
    log "installing $label $hash into $toolchain (log: $toolchain.log)"
    rm -rf "$toolchain"
    mkdir -p "$toolchain"
    cp "$dir/package.json" "$dir/package-lock.json" "$toolchain/"
    if ! (cd "$toolchain" && clean_npm_env && "$install") >"$toolchain.log" 2>&1; then
      tail -n 40 "$toolchain.log"
      log "$label install failed; full log: $toolchain.log"
      exit 1
    fi
    touch "$toolchain/.complete"
  fi

  touch "$toolchain/.last-used"
  find "$cache_root" -mindepth 2 -maxdepth 2 -name .last-used -mtime +14 -printf '%h\n' | while read -r stale; do
    [ "$stale" = "$toolchain" ] && continue
    log "removing unused $label $stale"
    rm -rf "$stale" "$stale.log"
  done

  # DIR/node_modules is a link so that DIR's scripts resolve the installed packages.
  if [ -e "$dir/node_modules" ] && [ ! -L "$dir/node_modules" ]; then rm -rf "$dir/node_modules"; fi
  ln -sfn "$toolchain/node_modules" "$dir/node_modules"
}
