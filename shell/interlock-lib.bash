# Interlock: what the interactive hook (interlock.bash) and the non-interactive one
# (interlock-noninteractive.bash) share: the local fast path, one round trip to the guard, and what
# to do when the guard cannot be reached. Sourced by those two files only; defines functions and
# read-only variables, runs nothing else.
#
# Everything here avoids starting processes: the guard is asked over bash's /dev/tcp redirection
# (https://www.gnu.org/software/bash/manual/bash.html#Redirections), JSON is built and read with
# parameter expansion, and ids come from $SRANDOM. Only the rare paths fork: the Node fallback when
# /dev/tcp is unavailable, the permission check of the endpoint file when the guard has moved, and
# typed confirmations.
#
# Every function starts with `local -` and resets -e/-u/-x/-v so that the user's shell options
# (an interactive `set -u`, a script's `set -ex`) neither break it nor trace its internals; builtins
# are called through `builtin` so that a shell function named `read` or `printf` cannot answer for
# the guard.

# The contract's environment, captured once and made read-only: changing INTERLOCK_* later in this
# shell (say an agent's `export INTERLOCK_FAST_PATH=1`) does not change how this shell is guarded.
# $1 is "interactive" or "script": what a first word can hide differs (see below).
__interlock_snapshot() {
  { local -; builtin set +euxv; } 2>/dev/null
  local IFS=$' \t\n' t
  declare -gr __interlock_dir=${INTERLOCK_HOOK_DIR%/}
  declare -gr __interlock_endpoint_file=${INTERLOCK_ENDPOINT_FILE-}
  # Where the guard listens: the terminal's environment at first, then whatever the endpoint file
  # says once that stops answering (__interlock_reload). Not read-only for that reason; a line that
  # names these is refused like any line naming the hook's internals.
  declare -g __interlock_port=${INTERLOCK_PORT-} __interlock_secret=${INTERLOCK_SECRET-} \
    __interlock_hello=${INTERLOCK_HELLO-} __interlock_proof=${INTERLOCK_PROOF-} __interlock_tcp_ok=
  t=" ${INTERLOCK_PROGRAMS-} "
  declare -gr __interlock_programs=${t,,}
  builtin set -f
  # shellcheck disable=SC2206 # split on blanks on purpose, globbing is off (set -f above)
  declare -ga __interlock_globs=(${INTERLOCK_PROGRAM_GLOBS-})
  readonly __interlock_globs
  t=0
  [[ ${INTERLOCK_FAST_PATH-} == 1 ]] && t=1
  declare -gr __interlock_fast_on=$t
  declare -gr __interlock_production=${INTERLOCK_PRODUCTION:-0}
  case ${INTERLOCK_UNREACHABLE-} in
    deny | allow) t=$INTERLOCK_UNREACHABLE ;;
    *) t=ask ;;
  esac
  declare -gr __interlock_unreachable_mode=$t
  t=${INTERLOCK_ASK_TIMEOUT-}
  [[ $t =~ ^[0-9]+([.][0-9]+)?$ ]] || t=70
  declare -gr __interlock_timeout=$t
  declare -gr __interlock_node=${INTERLOCK_NODE-}
  # Characters that make a line more than a plain command with plain arguments: anything with
  # them goes to the guard. `^` is here too: a line starting with it is bash's quick history
  # substitution (https://www.gnu.org/software/bash/manual/bash.html#Event-Designators).
  declare -gr __interlock_special=';&|<>()$`\!{}#"'"'"'*?[]^'
  # Words after which the first word does not say what will run: builtins that run other code,
  # asked whatever INTERLOCK_PROGRAMS says. In a typed line, so are the words that open or close a
  # compound command (`if rm -rf x` on one line, `then …` on the next). A script's DEBUG trap sees
  # one simple command or one loop header at a time, so there only the first kind matters.
  t=' eval exec source . command builtin trap fc coproc time bind enable '
  declare -gr __interlock_code_words=$t
  [[ ${1-} == interactive ]] && t+='! [[ { } ( ) case do done elif else esac fi for function if in select then until while '
  declare -gr __interlock_shell_words=$t
}

# Whether a line may run without asking: plain words only, a first word that names no program the
# guard has rules for. No I/O. Returns 0 for "run it".
__interlock_fast() {
  { local -; builtin set +euxv; } 2>/dev/null
  local t=$1 w g
  [[ $t == *[![:space:]]* ]] || builtin return 0
  (( __interlock_fast_on )) || builtin return 1
  [[ $t == *["$__interlock_special"]* ]] && builtin return 1
  t=${t//$'\t'/ }
  [[ $t == *[[:cntrl:]]* ]] && builtin return 1
  t=${t#"${t%%[! ]*}"}
  w=${t%% *}
  [[ $w == *=* ]] && builtin return 1
  w=${w##*/}
  w=${w,,}
  w=${w%.exe}
  [[ $__interlock_programs == *" $w "* || $__interlock_shell_words == *" $w "* ]] && builtin return 1
  for g in "${__interlock_globs[@]}"; do
    # shellcheck disable=SC2053 # the glob is the point
    [[ $w == $g ]] && builtin return 1
  done
  builtin return 0
}

# JSON string contents for $1 in REPLY: backslash, quote and control characters escaped
# (https://www.rfc-editor.org/rfc/rfc8259#section-7). Quoted replacement strings keep bash 5.2's
# patsub_replacement from treating `&` specially.
__interlock_json() {
  { local -; builtin set +euxv; } 2>/dev/null
  local s=$1 c h i
  s=${s//'\'/'\\'}
  s=${s//'"'/'\"'}
  if [[ $s == *[[:cntrl:]]* ]]; then
    s=${s//$'\n'/'\n'}
    s=${s//$'\r'/'\r'}
    s=${s//$'\t'/'\t'}
    if [[ $s == *[[:cntrl:]]* ]]; then
      for ((i = 1; i < 32; i++)); do
        builtin printf -v h '%02x' "$i"
        builtin printf -v c "\\x$h"
        s=${s//"$c"/"\\u00$h"}
      done
    fi
  fi
  REPLY=$s
}

# A JSON string's contents ($1, as the guard wrote it) as one printable line in REPLY.
__interlock_unjson() {
  { local -; builtin set +euxv; } 2>/dev/null
  local s=$1
  s=${s//'\\'/$'\x01'}
  s=${s//'\"'/'"'}
  s=${s//'\/'/'/'}
  s=${s//'\n'/' '}
  s=${s//'\r'/' '}
  s=${s//'\t'/' '}
  s=${s//\\u[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]/'?'}
  s=${s//\\[bf]/}
  s=${s//$'\x01'/'\'}
  REPLY=${s//[[:cntrl:]]/}
}

# One command line, squeezed onto one printable line of at most 200 characters, in REPLY.
__interlock_oneline() {
  { local -; builtin set +euxv; } 2>/dev/null
  local s=${1//[[:cntrl:]]/ }
  ((${#s} > 200)) && s="${s:0:197}..."
  REPLY=$s
}

__interlock_new_id() {
  if ((BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1))); then
    builtin printf -v REPLY '%08x%08x%08x%08x' "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM"
  else
    builtin printf -v REPLY '%04x%04x%04x%04x%04x%04x%04x%04x' "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$$"
  fi
}

# Close the guard connection: after a check, or one left open by a check that Ctrl-C interrupted.
# Plain `exec`, not `builtin exec`: with `builtin` in front the redirection belongs to `builtin`,
# which undoes it afterwards, and the descriptor stays open.
__interlock_close() {
  if [[ -n ${__interlock_fd-} ]]; then
    { exec {__interlock_fd}>&-; } 2>/dev/null
    __interlock_fd=
  fi
}

# Ask the guard about command $1 (shell name $2). Returns 0 allowed, 1 refused, 3 no usable answer;
# __interlock_reply holds the guard's one-line message or why there was no answer. When the request
# could not be sent where the guard was, the endpoint file may say where it is now: one more try.
__interlock_ask() {
  { local -; builtin set +euxv; } 2>/dev/null
  local cmd=$1 shell=$2 id body rc jcmd jcwd
  __interlock_reply=
  if ((${#cmd} > 65536)); then
    __interlock_reply='the command is longer than 64 KiB, too long to check'
    builtin return 1
  fi
  __interlock_new_id
  id=$REPLY
  __interlock_json "$cmd"
  jcmd=$REPLY
  __interlock_json "$PWD"
  jcwd=$REPLY
  builtin printf -v body '"id":"%s","type":"check","command":"%s","cwd":"%s","source":{"kind":"terminal","shell":"%s","pid":%d}}' \
    "$id" "$jcmd" "$jcwd" "$shell" "${__interlock_pid:-$$}"
  __interlock_send "$body" "$id"
  rc=$?
  if ((rc >= 4)) && __interlock_reload; then
    __interlock_send "$body" "$id"
    rc=$?
  fi
  # Nothing accepted the connection, and this bash has never opened one: it may be a build without
  # /dev/tcp. The Node client can tell "refused" from "unsupported" (and reads the endpoint file too).
  if ((rc == 5)) && [[ -z $__interlock_tcp_ok && -n $__interlock_node && -r $__interlock_dir/ask.js ]]; then
    __interlock_ask_node "$cmd" "$shell"
    builtin return
  fi
  ((rc >= 4)) && builtin return 3
  builtin return "$rc"
}

# One try at the guard where this shell last knew it to be, with the request whose fields after the
# secret are $1 and whose id is $2. Returns as __interlock_ask, or 4 when the request was not sent
# because whatever listens did not prove it is this window's guard, 5 when nothing accepted the
# connection. The handshake is the one in src/channel/protocol.ts: our hello, then the guard's
# proof, compared as a whole line; the secret goes out only after that. The proof is read with a
# short timeout of its own: the guard sends it at once, and a listener that says nothing is not it.
__interlock_send() {
  { local -; builtin set +euxv; } 2>/dev/null
  local line rc jsecret
  if [[ ! $__interlock_port =~ ^[0-9]+$ || -z $__interlock_secret || -z $__interlock_hello || -z $__interlock_proof ]]; then
    __interlock_reply='this terminal has no guard address (INTERLOCK_PORT/INTERLOCK_SECRET/INTERLOCK_PROOF unset)'
    builtin return 4
  fi
  __interlock_close
  if ! { exec {__interlock_fd}<>"/dev/tcp/127.0.0.1/$__interlock_port"; } 2>/dev/null; then
    __interlock_fd=
    __interlock_reply="cannot reach the guard at 127.0.0.1:$__interlock_port"
    builtin return 5
  fi
  __interlock_tcp_ok=1
  if ! builtin printf '{"v":2,"hello":"%s"}\n' "$__interlock_hello" >&"$__interlock_fd"; then
    __interlock_close
    __interlock_reply="cannot reach the guard at 127.0.0.1:$__interlock_port"
    builtin return 4
  fi 2>/dev/null
  IFS= builtin read -r -t 5 -u "$__interlock_fd" line
  if [[ $line != "{\"v\":2,\"proof\":\"$__interlock_proof\"}" ]]; then
    __interlock_close
    __interlock_reply="what listens on 127.0.0.1:$__interlock_port is not this window's guard (it did not prove it)"
    builtin return 4
  fi
  __interlock_json "$__interlock_secret"
  jsecret=$REPLY
  if ! builtin printf '{"v":2,"secret":"%s",%s\n' "$jsecret" "$1" >&"$__interlock_fd"; then
    __interlock_close
    __interlock_reply='the guard closed the connection'
    builtin return 3
  fi 2>/dev/null
  IFS= builtin read -r -t "$__interlock_timeout" -u "$__interlock_fd" line
  rc=$?
  __interlock_close
  if ((rc > 128)); then
    __interlock_reply="no answer from the guard within $__interlock_timeout s"
    builtin return 3
  fi
  __interlock_read_answer "$line" "$2"
}

# The guard moved (its extension host restarted) or went away: take its address from the window's
# endpoint file (src/channel/registry.ts), if that is a regular file of this user's that nobody else
# can read: one that others can read may have told them how to pass as the guard. bash has no
# builtin that shows permission bits, hence one `ls`, on this path only. 0 when the file names an
# address other than the one that just failed; the shell keeps it from then on.
__interlock_reload() {
  { local -; builtin set +euxv; } 2>/dev/null
  local f=$__interlock_endpoint_file tag v port secret hello proof rest mode
  [[ -n $f && ! -L $f && -f $f && -O $f ]] || builtin return 1
  mode=$(LC_ALL=C command ls -lnd -- "$f" 2>/dev/null) || builtin return 1
  mode=${mode%%[[:space:]]*}
  mode=${mode%[.@]}
  [[ $mode == -r?------- ]] || builtin return 1
  IFS=' ' builtin read -r tag v port secret hello proof rest <"$f" || [[ -n $proof ]] || builtin return 1
  [[ $tag == interlock-endpoint && $v == 2 && $port =~ ^[0-9]{1,5}$ && $secret =~ ^[0-9A-Za-z_-]+$ &&
    $hello =~ ^[0-9a-f]{64}$ && $proof =~ ^[0-9a-f]{64}$ && -z $rest ]] || builtin return 1
  [[ $port != "$__interlock_port" || $secret != "$__interlock_secret" ]] || builtin return 1
  __interlock_port=$port
  __interlock_secret=$secret
  __interlock_hello=$hello
  __interlock_proof=$proof
}

# Read the guard's answer line $1 to request id $2. Patterns match JSON syntax (an unescaped quote
# before the colon), so text inside a string value, where quotes are escaped, cannot imitate a key.
__interlock_read_answer() {
  { local -; builtin set +euxv; } 2>/dev/null
  local line=$1 want=$2
  local re_id='"id":"([^"\\]*)"'
  local re_msg='"message":"(([^"\\]|\\.)*)"'
  if [[ -z $line ]]; then
    __interlock_reply='the guard closed the connection without answering'
    builtin return 3
  fi
  # An answer to some other request (a replay, a confused server) is no answer.
  if ! [[ $line =~ $re_id ]] || [[ ${BASH_REMATCH[1]} != "$want" ]]; then
    __interlock_reply='the guard answered a different request'
    builtin return 3
  fi
  __interlock_by=
  [[ $line =~ \"by\":\"([a-z-]*)\" ]] && __interlock_by=${BASH_REMATCH[1]}
  if [[ $line =~ $re_msg ]]; then
    __interlock_unjson "${BASH_REMATCH[1]}"
    __interlock_reply=$REPLY
  fi
  if [[ $line == *'"outcome":"deny"'* ]]; then
    builtin return 1
  elif [[ $line == *'"outcome":"allow"'* ]]; then
    builtin return 0
  fi
  __interlock_reply='the guard sent an answer without an outcome'
  builtin return 3
}

# The Node client (ask.js), for a bash without /dev/tcp. ELECTRON_RUN_AS_NODE makes an Electron
# binary behave as node; plain node ignores it.
__interlock_ask_node() {
  { local -; builtin set +euxv; } 2>/dev/null
  local out rc
  out=$(builtin printf '%s' "$1" | ELECTRON_RUN_AS_NODE=1 "$__interlock_node" "$__interlock_dir/ask.js" --shell "$2" --pid "${__interlock_pid:-$$}" 2>/dev/null)
  rc=$?
  __interlock_reply=${out%%$'\n'*}
  case $rc in
    0 | 1) builtin return "$rc" ;;
    *)
      [[ -n $__interlock_reply ]] || __interlock_reply="cannot reach the guard at 127.0.0.1:$__interlock_port"
      builtin return 3
      ;;
  esac
}

# A typed answer read from the terminal itself, in REPLY. Byte by byte with our own echo: inside a
# readline key binding the terminal is in raw mode (no echo, Enter arrives as CR), and in a script
# it is in cooked mode; this reads the same way in both. Empty when there is no terminal.
__interlock_read_tty() {
  { local -; builtin set +euxv; } 2>/dev/null
  local c s=''
  REPLY=
  { : </dev/tty; } 2>/dev/null || builtin return 1
  while IFS= builtin read -rsn1 -t 120 c </dev/tty; do
    case $c in
      '' | $'\r' | $'\n') break ;;
      $'\x7f' | $'\b')
        if [[ -n $s ]]; then
          s=${s%?}
          builtin printf '\b \b' >/dev/tty
        fi
        ;;
      $'\x03' | $'\x04') s= ; break ;;
      *)
        s+=$c
        builtin printf '%s' "$c" >/dev/tty
        ;;
    esac
  done
  builtin printf '\r\n' >/dev/tty
  REPLY=$s
}

# The guard gave no answer (reason $1) about command $2: production refuses, otherwise the
# INTERLOCK_UNREACHABLE setting decides. Returns 0 to run; __interlock_msg is the line to print.
__interlock_unreachable() {
  { local -; builtin set +euxv; } 2>/dev/null
  local why=$1
  __interlock_oneline "$2"
  local shown=$REPLY
  __interlock_msg=
  if [[ $__interlock_production == 1 ]]; then
    __interlock_msg="interlock: not run: $why, and commands in production are refused without it."
    builtin return 1
  fi
  case $__interlock_unreachable_mode in
    allow)
      __interlock_msg="interlock: warning: $why; running it unchecked."
      builtin return 0
      ;;
    deny)
      __interlock_msg="interlock: not run: $why."
      builtin return 1
      ;;
  esac
  if ! { builtin printf 'interlock: %s, so this was not checked: %s\r\n' "$why" "$shown" >/dev/tty; } 2>/dev/null; then
    __interlock_msg="interlock: not run: $why, and there is no terminal to confirm it in."
    builtin return 1
  fi
  builtin printf 'Type "run" to run it anyway: ' >/dev/tty
  __interlock_read_tty
  if [[ $REPLY == run ]]; then
    __interlock_msg=
    builtin return 0
  fi
  __interlock_msg='interlock: not run.'
  builtin return 1
}

# The whole decision for command $1 from shell $2, after the fast path: 0 to run it. On a refusal
# __interlock_msg holds the one line to print; on a run it may hold a warning.
__interlock_decide() {
  { local -; builtin set +euxv; } 2>/dev/null
  __interlock_msg=
  __interlock_ask "$1" "$2"
  case $? in
    0) builtin return 0 ;;
    1)
      __interlock_msg="interlock: not run: ${__interlock_reply:-refused by the guard}"
      builtin return 1
      ;;
  esac
  __interlock_unreachable "$__interlock_reply" "$1"
}

# Whether this file was loaded from $INTERLOCK_HOOK_DIR (path $1 is how it was sourced); a copy
# loaded from anywhere else refuses to install rather than guard with unknown code.
__interlock_from_hook_dir() {
  { local -; builtin set +euxv; } 2>/dev/null
  local here=${1%/*} want=${INTERLOCK_HOOK_DIR%/}
  [[ -n $want && $1 == */* ]] || builtin return 1
  [[ $here == "$want" ]] && builtin return 0
  # Same directory by another spelling (a symlink, a relative path): compare physical paths.
  here=$(builtin cd -P -- "${here:-/}" 2>/dev/null && builtin pwd -P) || builtin return 1
  want=$(builtin cd -P -- "$want" 2>/dev/null && builtin pwd -P) || builtin return 1
  [[ -n $here && $here == "$want" ]]
}
