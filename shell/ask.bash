# Interlock: one question to the window's guard for a shell that cannot open a TCP connection
# itself (fish): the round trip the bash hook makes (interlock-lib.bash: /dev/tcp, the handshake,
# the endpoint file), run by a bash started for it — a few milliseconds, where starting Node for
# ask.js costs tens. Same contract as ask.js: the command on standard input, `--shell NAME --pid PID
# --cwd DIR`; exit 0 allowed, 1 refused, 3 no usable answer; the first line printed is the guard's
# message or why there was none. Run as `BASH_ENV= bash --noprofile --norc ask.bash …`, so the
# terminal's own non-interactive hook is not loaded into it.
builtin set +euxv
__interlock_shell=unknown __interlock_pid= __interlock_cwd=
while (($# > 1)); do
  case $1 in
    --shell) __interlock_shell=$2 ;;
    --pid) [[ $2 =~ ^[0-9]+$ ]] && __interlock_pid=$2 ;;
    --cwd) __interlock_cwd=$2 ;;
  esac
  builtin shift 2
done
builtin source "${INTERLOCK_HOOK_DIR%/}/interlock-lib.bash" || builtin exit 3
__interlock_snapshot script
[[ -n $__interlock_cwd ]] && { builtin cd -- "$__interlock_cwd" 2>/dev/null || PWD=$__interlock_cwd; }
IFS= builtin read -r -d '' __interlock_cmd
__interlock_ask "$__interlock_cmd" "$__interlock_shell"
__interlock_rc=$?
builtin printf '%s\n' "$__interlock_reply"
builtin exit "$__interlock_rc"
