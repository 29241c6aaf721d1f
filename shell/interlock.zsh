# Interlock: the pre-execution guard for interactive zsh. Sourced by zsh/.zshrc once the user's
# .zshrc has run.
#
# Mechanism: the zle-line-finish hook widget, which zle runs after a line has been accepted and
# before the line is handed to the shell, with the line in $BUFFER; a change to $BUFFER there
# changes what runs (https://zsh.sourceforge.io/Doc/Release/Zsh-Line-Editor.html#Special-Widgets).
# It runs however the line was accepted: accept-line, .accept-line bound straight to Enter,
# accept-and-hold, or a plugin's widget that calls any of them, which wrapping the accept-line
# widget alone would miss. It does not run for a line abandoned with Ctrl-C. Any zle-line-finish
# that was already defined (add-zle-hook-widget's dispatcher, a prompt theme's) still runs, after
# this check, so that no failing hook before it can skip it.
#
# A refused line is replaced by `interlock_refused '<the line>'`, which runs nothing, prints the
# reason as the command's output and fails with status 1 (an agent driving the terminal through
# VS Code's shell integration sees a failed command and why); the refused line goes to history
# just before it.
# In a continuation line (PS2, $PREBUFFER holds the earlier lines) a refusal abandons the whole
# command with send-break, as Ctrl-C would.
#
# zsh has no read-only functions. What this does instead: the line-finish check restores any of
# these functions that were redefined or removed, from read-only copies, before it runs; it refuses
# lines that name these internals; a precmd hook reinstalls the widget if a command ran without
# passing through it. Limits: see README.md.

[[ -o interactive ]] || return 0
(( ${+__interlock_loaded} )) && return 0

typeset -g __interlock_self=${${(%):-%x}:A}

() {
  emulate -L zsh
  if [[ -z ${INTERLOCK_HOOK_DIR:-} || ${__interlock_self:h} != ${${INTERLOCK_HOOK_DIR%/}:A} ]]; then
    print -ru2 -- "interlock: $__interlock_self was not loaded from INTERLOCK_HOOK_DIR (${INTERLOCK_HOOK_DIR:-}); not installing, commands in this terminal are NOT checked."
    return 1
  fi
  zmodload zsh/parameter zsh/zleparameter 2>/dev/null
  # ztcp opens the guard's connection without a process; without the module, ask.js does it.
  local tcp=0
  zmodload zsh/net/tcp 2>/dev/null && tcp=1
  typeset -gr __interlock_have_tcp=$tcp

  # The contract's environment, captured once and read-only from here: an agent's
  # `export INTERLOCK_FAST_PATH=1` later changes nothing.
  typeset -gr __interlock_dir=${INTERLOCK_HOOK_DIR%/}
  typeset -gr __interlock_endpoint_file=${INTERLOCK_ENDPOINT_FILE:-}
  # Where the guard listens: the terminal's environment at first, then whatever the endpoint file
  # says once that stops answering (__interlock_reload). Not read-only for that reason; a line that
  # names these is refused like any line naming the hook's internals.
  typeset -g __interlock_port=${INTERLOCK_PORT:-} __interlock_secret=${INTERLOCK_SECRET:-} \
    __interlock_hello=${INTERLOCK_HELLO:-} __interlock_proof=${INTERLOCK_PROOF:-}
  # zstat alone (not the module's `stat`, which would hide the user's /usr/bin/stat): the endpoint
  # file's owner and permissions, without a process.
  zmodload -F zsh/stat b:zstat 2>/dev/null
  typeset -gr __interlock_programs=" ${(L)INTERLOCK_PROGRAMS:-} "
  typeset -ga __interlock_globs
  __interlock_globs=( ${=INTERLOCK_PROGRAM_GLOBS:-} )
  typeset -gr __interlock_globs
  local t=0
  [[ ${INTERLOCK_FAST_PATH:-} == 1 ]] && t=1
  typeset -gr __interlock_fast_on=$t
  typeset -gr __interlock_production=${INTERLOCK_PRODUCTION:-0}
  t=ask
  [[ ${INTERLOCK_UNREACHABLE:-} == (deny|allow) ]] && t=$INTERLOCK_UNREACHABLE
  typeset -gr __interlock_unreachable_mode=$t
  t=${INTERLOCK_ASK_TIMEOUT:-}
  [[ $t == <->(.<->|) ]] || t=70
  typeset -gr __interlock_timeout=$t
  typeset -gr __interlock_node=${INTERLOCK_NODE:-}
  # A line with any of these is more than a command with plain arguments. `^` starts a quick
  # history substitution (https://zsh.sourceforge.io/Doc/Release/Expansion.html#History-Expansion).
  typeset -gr __interlock_special=';&|<>()$`\!{}#"'"'"'*?[]^'
  # First words that run other code, open or close a compound command, or are precommand modifiers
  # (https://zsh.sourceforge.io/Doc/Release/Shell-Grammar.html#Precommand-Modifiers): the first
  # word does not say what runs, so the guard is asked whatever INTERLOCK_PROGRAMS says. `sched`
  # and `zpty` run a command later or elsewhere.
  typeset -gr __interlock_shell_words=' ! [[ { } ( ) case do done elif else esac fi for foreach function if in repeat select then until while eval exec source . command builtin noglob nocorrect - trap fc r coproc time sched zpty '
}
(( ${+__interlock_port} )) || return 0

typeset -g __interlock_fd= __interlock_msg= __interlock_reply= __interlock_by= __interlock_refusal= __interlock_ran=0

# Whether text $1 may run without asking: plain words, a first word naming no program the guard
# has rules for. No I/O. 0 means run it.
__interlock_fast() {
  emulate -L zsh
  setopt extended_glob
  local t=$1 w g
  [[ $t == *[^[:space:]]* ]] || return 0
  (( __interlock_fast_on )) || return 1
  [[ $t == *[${~${(b)__interlock_special}}]* ]] && return 1
  t=${t//$'\t'/ }
  [[ $t == *[[:cntrl:]]* ]] && return 1
  t=${t##[[:space:]]#}
  w=${t%% *}
  [[ $w == *=* ]] && return 1
  w=${(L)${w:t}}
  w=${w%.exe}
  [[ $__interlock_programs == *" $w "* || $__interlock_shell_words == *" $w "* ]] && return 1
  for g in $__interlock_globs; do
    [[ $w == ${~g} ]] && return 1
  done
  return 0
}

# JSON string contents for $1 in REPLY (https://www.rfc-editor.org/rfc/rfc8259#section-7).
__interlock_json() {
  emulate -L zsh
  local s=$1 h i
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  if [[ $s == *[[:cntrl:]]* ]]; then
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    s=${s//$'\t'/\\t}
    if [[ $s == *[[:cntrl:]]* ]]; then
      for (( i = 1; i < 32; i++ )); do
        h=${(l:2::0:)$(( [##16] i ))}
        s=${s//${(#)i}/\\u00${(L)h}}
      done
    fi
  fi
  REPLY=$s
}

# A JSON string's contents ($1, as the guard wrote it) as one printable line in REPLY.
__interlock_unjson() {
  emulate -L zsh
  setopt extended_glob
  local s=$1
  s=${s//\\\\/$'\x01'}
  s=${s//\\\"/\"}
  s=${s//\\\//\/}
  s=${s//\\[nrt]/ }
  s=${s//\\u[0-9a-fA-F](#c4)/?}
  s=${s//\\[bf]/}
  s=${s//$'\x01'/\\}
  REPLY=${s//[[:cntrl:]]/}
}

# One command line on one printable line of at most 200 characters, in REPLY.
__interlock_oneline() {
  emulate -L zsh
  local s=${1//[[:cntrl:]]/ }
  (( ${#s} > 200 )) && s="${s[1,197]}..."
  REPLY=$s
}

# Close a connection left open by a check that Ctrl-C interrupted.
__interlock_close() {
  if [[ -n $__interlock_fd ]]; then
    ztcp -c $__interlock_fd 2>/dev/null || exec {__interlock_fd}>&- 2>/dev/null
    __interlock_fd=
  fi
}

# Ask the guard about command $1. Returns 0 allowed, 1 refused, 3 no usable answer;
# __interlock_reply holds the guard's message or why there was none. When the request could not be
# sent where the guard was, the endpoint file may say where it is now: one more try.
__interlock_ask() {
  emulate -L zsh
  local cmd=$1 id body jcmd jcwd out rc
  __interlock_reply=
  __interlock_by=
  if (( ${#cmd} > 65536 )); then
    __interlock_reply='the command is longer than 64 KiB, too long to check'
    return 1
  fi
  if (( ! __interlock_have_tcp )); then
    # ask.js takes the address from the environment and the endpoint file itself.
    if [[ -n $__interlock_node && -r $__interlock_dir/ask.js ]]; then
      out=$(print -rn -- $cmd | ELECTRON_RUN_AS_NODE=1 $__interlock_node $__interlock_dir/ask.js --shell zsh --pid $$ 2>/dev/null)
      rc=$?
      __interlock_reply=${out%%$'\n'*}
      (( rc == 0 || rc == 1 )) && return rc
      [[ -n $__interlock_reply ]] || __interlock_reply="cannot reach the guard at 127.0.0.1:$__interlock_port"
      return 3
    fi
    __interlock_reply='this zsh has no zsh/net/tcp module and no node to ask the guard with'
    return 3
  fi
  printf -v id '%04x%04x%04x%04x%04x%04x%08x' $RANDOM $RANDOM $RANDOM $RANDOM $RANDOM $RANDOM $$
  __interlock_json $cmd; jcmd=$REPLY
  __interlock_json $PWD; jcwd=$REPLY
  printf -v body '"id":"%s","type":"check","command":"%s","cwd":"%s","source":{"kind":"terminal","shell":"zsh","pid":%d}}' \
    $id $jcmd $jcwd $$
  __interlock_send $body $id
  rc=$?
  if (( rc == 4 )) && __interlock_reload; then
    __interlock_send $body $id
    rc=$?
  fi
  (( rc == 4 )) && rc=3
  return rc
}

# One try at the guard where this shell last knew it to be, with the request whose fields after the
# secret are $1 and whose id is $2. Returns as __interlock_ask, or 4 when the request was not sent:
# nothing accepted the connection, or what did is not this window's guard. The handshake is the one
# in src/channel/protocol.ts: our hello, then the guard's proof, compared as a whole line; the
# secret goes out only after that. The proof has a short timeout of its own: the guard sends it at
# once, and a listener that says nothing is not it.
__interlock_send() {
  emulate -L zsh
  local line jsecret
  if [[ $__interlock_port != <-> || -z $__interlock_secret || -z $__interlock_hello || -z $__interlock_proof ]]; then
    __interlock_reply='this terminal has no guard address (INTERLOCK_PORT/INTERLOCK_SECRET/INTERLOCK_PROOF unset)'
    return 4
  fi
  __interlock_close
  if ! ztcp 127.0.0.1 $__interlock_port 2>/dev/null; then
    __interlock_reply="cannot reach the guard at 127.0.0.1:$__interlock_port"
    return 4
  fi
  __interlock_fd=$REPLY
  line=
  if print -r -u $__interlock_fd -- "{\"v\":2,\"hello\":\"$__interlock_hello\"}" 2>/dev/null; then
    IFS= read -r -t 5 -u $__interlock_fd line
  fi
  if [[ $line != "{\"v\":2,\"proof\":\"$__interlock_proof\"}" ]]; then
    __interlock_close
    __interlock_reply="what listens on 127.0.0.1:$__interlock_port is not this window's guard (it did not prove it)"
    return 4
  fi
  __interlock_json $__interlock_secret; jsecret=$REPLY
  if ! print -r -u $__interlock_fd -- "{\"v\":2,\"secret\":\"$jsecret\",$1" 2>/dev/null; then
    __interlock_close
    __interlock_reply='the guard closed the connection'
    return 3
  fi
  line=
  IFS= read -r -t $__interlock_timeout -u $__interlock_fd line
  __interlock_close
  if [[ -z $line ]]; then
    __interlock_reply="no answer from the guard (it closed the connection, or did not answer within $__interlock_timeout s)"
    return 3
  fi
  # Patterns match JSON syntax (an unescaped quote before the colon): text inside a string value,
  # where quotes are escaped, cannot imitate a key.
  if [[ ! $line =~ '"id":"([^"\\]*)"' || $match[1] != $2 ]]; then
    __interlock_reply='the guard answered a different request'
    return 3
  fi
  [[ $line =~ '"by":"([a-z-]*)"' ]] && __interlock_by=$match[1]
  if [[ $line =~ '"message":"(([^"\\]|\\.)*)"' ]]; then
    __interlock_unjson $match[1]
    __interlock_reply=$REPLY
  fi
  [[ $line == *'"outcome":"deny"'* ]] && return 1
  [[ $line == *'"outcome":"allow"'* ]] && return 0
  __interlock_reply='the guard sent an answer without an outcome'
  return 3
}

# The guard moved (its extension host restarted) or went away: take its address from the window's
# endpoint file (src/channel/registry.ts), if that is a regular file of this user's that nobody else
# can read: one that others can read may have told them how to pass as the guard. 0 when the file
# names an address other than the one that just failed; the shell keeps it from then on.
__interlock_reload() {
  emulate -L zsh
  local f=$__interlock_endpoint_file line
  local -a w
  local -A st
  [[ -n $f && ! -L $f && -f $f && -O $f ]] || return 1
  zstat -L -H st -- $f 2>/dev/null || return 1
  (( (st[mode] & 8#077) == 0 )) || return 1
  IFS= read -r line <$f || [[ -n $line ]] || return 1
  w=( ${(s: :)line} )
  [[ ${#w} == 6 && $w[1] == interlock-endpoint && $w[2] == 2 && $w[3] == <1-65535> && $w[4] =~ '^[0-9A-Za-z_-]+$' &&
    $w[5] =~ '^[0-9a-f]{64}$' && $w[6] =~ '^[0-9a-f]{64}$' ]] || return 1
  [[ $w[3] != $__interlock_port || $w[4] != $__interlock_secret ]] || return 1
  __interlock_port=$w[3]
  __interlock_secret=$w[4]
  __interlock_hello=$w[5]
  __interlock_proof=$w[6]
}

# A typed answer from the terminal itself, in REPLY; one key at a time with our own echo, since
# zle keeps the terminal in raw mode while the hook runs.
__interlock_read_tty() {
  emulate -L zsh
  local c s=
  REPLY=
  { : </dev/tty } 2>/dev/null || return 1
  while read -s -k 1 -t 120 c </dev/tty; do
    case $c in
      ($'\r'|$'\n') break ;;
      ($'\x7f'|$'\b') [[ -n $s ]] && { s=${s[1,-2]}; print -n -- $'\b \b' >/dev/tty } ;;
      ($'\x03'|$'\x04') s=; break ;;
      (*) s+=$c; print -rn -- $c >/dev/tty ;;
    esac
  done
  print -n -- $'\r\n' >/dev/tty
  REPLY=$s
}

# No answer from the guard (reason $1) about command $2: production refuses, otherwise
# INTERLOCK_UNREACHABLE decides. 0 to run; __interlock_msg is the line to print.
__interlock_unreachable() {
  emulate -L zsh
  local why=$1
  __interlock_oneline $2
  local shown=$REPLY
  __interlock_msg=
  if [[ $__interlock_production == 1 ]]; then
    __interlock_msg="interlock: not run: $why, and commands in production are refused without it."
    return 1
  fi
  case $__interlock_unreachable_mode in
    (allow) __interlock_msg="interlock: warning: $why; running it unchecked."; return 0 ;;
    (deny) __interlock_msg="interlock: not run: $why."; return 1 ;;
  esac
  if ! { print -rn -- $'\r\n'"interlock: $why, so this was not checked: $shown"$'\r\nType "run" to run it anyway: ' >/dev/tty } 2>/dev/null; then
    __interlock_msg="interlock: not run: $why, and there is no terminal to confirm it in."
    return 1
  fi
  __interlock_read_tty
  [[ $REPLY == run ]] && return 0
  __interlock_msg='interlock: not run.'
  return 1
}

__interlock_decide() {
  emulate -L zsh
  __interlock_msg=
  __interlock_ask $1
  case $? in
    (0) return 0 ;;
    (1) __interlock_msg="interlock: not run: ${__interlock_reply:-refused by the guard}"; return 1 ;;
  esac
  __interlock_unreachable $__interlock_reply $1
}

# Aliases applied the way zsh will apply them when it reads the line: global aliases anywhere,
# then the first word's alias, then a suffix alias (https://zsh.sourceforge.io/Doc/Release/Shell-Grammar.html#Aliasing).
# `alias -g X='| sh'` makes `curl x X` a pipe into a shell, though the line shows none. REPLY.
__interlock_expand_aliases() {
  emulate -L zsh
  setopt extended_glob
  local t=$1 lead body w n=0 seen=' ' i changed=0
  local -a words
  if (( ${#galiases} )); then
    words=( ${(z)t} )
    for (( i = 1; i <= ${#words}; i++ )); do
      if (( ${+galiases[${words[i]}]} )); then
        words[i]=${galiases[${words[i]}]}
        changed=1
      fi
    done
    (( changed )) && t=${(j: :)words}
  fi
  while (( n++ < 16 )); do
    lead=${(M)t##[[:space:]]#}
    body=${t#$lead}
    w=${body%%[[:space:]]*}
    [[ -n $w && $seen != *" $w "* ]] && (( ${+aliases[$w]} )) || break
    seen+="$w "
    t=$lead${aliases[$w]}${body#$w}
  done
  body=${t##[[:space:]]#}
  w=${body%%[[:space:]]*}
  [[ $w == ?*.?* ]] && (( ${+saliases[${w:e}]} )) && t="${saliases[${w:e}]} $body"
  REPLY=$t
}

# `r` and `fc -e -` re-run history entries without zle (https://zsh.sourceforge.io/Doc/Release/Shell-Builtin-Commands.html#index-fc):
# resolve them to the entry they would run, with old=new applied; refuse the editor forms.
# 0 with the text in REPLY; 1 to refuse (__interlock_msg); 2 when $1 is no such command.
__interlock_resolve_fc() {
  emulate -L zsh
  local -a words=( ${(z)1} ) subs
  local which=-1 a target
  if [[ ${words[1]} == r ]]; then
    words=( ${words[2,-1]} )
  elif [[ ${words[1]} == fc ]]; then
    [[ ${words[2]} == -*l* ]] && return 2
    if [[ ${words[2]} == -e && ${words[3]} == - ]]; then
      words=( ${words[4,-1]} )
    else
      __interlock_msg='interlock: not run: fc edits history lines and runs the result without a check; recall the line with the Up arrow and edit it there.'
      return 1
    fi
  else
    return 2
  fi
  for a in $words; do
    if [[ $a == *=* && $which == -1 ]]; then
      subs+=( $a )
    elif [[ $which == -1 && $a != -* ]]; then
      which=$a
    else
      __interlock_msg='interlock: not run: this form of fc is not checked; type the command itself.'
      return 1
    fi
  done
  target=$(builtin fc -ln $which $which 2>/dev/null) || {
    __interlock_msg='interlock: not run: fc found no such history entry to check.'
    return 1
  }
  for a in $subs; do
    target=${target//${a%%=*}/${a#*=}}
  done
  REPLY=$target
}

# The check itself. The user's options are read before `emulate` resets them for this function.
__interlock_zle_check() {
  local bang=${options[banghist]} aliases_on=${options[aliases]} saved
  emulate -L zsh
  setopt extended_glob
  local line=$BUFFER text cont=0 verdict
  __interlock_close
  [[ -n $PREBUFFER ]] && cont=1
  [[ $line == *[^[:space:]]* ]] || return 0
  # A lone closing word runs nothing: at PS2 it ends a command whose lines were each checked as they
  # were typed, at PS1 it is a syntax error.
  [[ $line == [[:space:]]#(done|fi|esac|then|else|do|\}|\))[[:space:]]# ]] && return 0
  text=$line
  if [[ $bang == on ]] && [[ $text == *!* || $text == [[:space:]]#^* ]]; then
    saved=$BUFFER
    zle .expand-history 2>/dev/null && text=$BUFFER
    BUFFER=$saved
  fi
  if [[ $aliases_on == on ]]; then
    __interlock_expand_aliases $text
    text=$REPLY
  fi
  if [[ $text == *__interlock* ]]; then
    __interlock_msg="interlock: not run: the line names Interlock's own hook."
    verdict=1
  elif __interlock_fast $text; then
    return 0
  else
    # From here on the line stands refused until the guard allows it: should this function stop
    # half-way (an expansion error aborts it), zsh runs the refusal instead.
    __interlock_refusal="interlock: not run: the check failed unexpectedly."
    BUFFER="interlock_refused ${(qq)line}"
    # Put back before they run, here rather than at every line: each comparison costs a deparse.
    __interlock_heal __interlock_resolve_fc __interlock_decide __interlock_ask __interlock_send __interlock_reload \
      __interlock_unreachable
    __interlock_resolve_fc $text
    case $? in
      (1) verdict=1 ;;
      (0) text=$REPLY; __interlock_fast $text || __interlock_decide $text; verdict=$? ;;
      (*) __interlock_decide $text; verdict=$? ;;
    esac
  fi
  if (( verdict == 0 )); then
    BUFFER=$line
    __interlock_refusal=
    [[ -n $__interlock_msg ]] && print -ru2 -- $'\n'"$__interlock_msg"
    return 0
  fi
  if (( cont )); then
    # The earlier lines are already in the parser; send-break abandons them all, as Ctrl-C does.
    print -ru2 -- $'\n'"$__interlock_msg"
    zle send-break
    return 1
  fi
  print -sr -- $line
  __interlock_refusal=$__interlock_msg
  BUFFER="interlock_refused ${(qq)line}"
  CURSOR=${#BUFFER}
}

# The zle-line-finish widget. A copy of it further down a chain of line-finish hooks (a plugin
# that wrapped it) sees __interlock_busy, local to the outer call, and does not ask twice.
__interlock_line_finish() {
  __interlock_ran=1
  if (( ! ${+__interlock_busy} )); then
    local __interlock_busy=1
    # The precmd hook put everything back before this prompt; what a line could have changed since
    # is checked here for the functions this check is about to run (and, by the check, for those
    # that ask the guard, when it asks).
    __interlock_heal __interlock_precmd __interlock_heal __interlock_zle_check __interlock_fast \
      __interlock_expand_aliases
    __interlock_zle_check || return 0
  fi
  (( ${+widgets[__interlock-orig-line-finish]} )) && zle __interlock-orig-line-finish -- "$@"
  return 0
}

# What a refused line became: prints why, runs nothing, fails.
interlock_refused() {
  print -ru2 -- "${__interlock_refusal:-interlock: not run.}"
  __interlock_refusal=
  return 1
}

# History keeps the refused line (added above), for the person to recall and edit. Its replacement
# stays in this shell's history list but is not written to the history file: status 2, not 1,
# because with 1 zsh hands preexec hooks an empty command line, and VS Code's integration then
# reports no command and no exit status (https://zsh.sourceforge.io/Doc/Release/Functions.html#index-zshaddhistory).
__interlock_addhistory() {
  [[ $1 == interlock_refused\ * ]] && return 2
  return 0
}

# A command started without passing through the line-finish check: something replaced the
# zle-line-finish widget without chaining to it. Installed again at the next prompt.
__interlock_preexec() {
  (( __interlock_ran )) || typeset -g __interlock_missed=1
}
__interlock_precmd() {
  __interlock_heal
  if (( ${+__interlock_missed} )) || [[ -z ${widgets[zle-line-finish]:-} ]]; then
    unset __interlock_missed
    __interlock_install_widget
  fi
  __interlock_ran=0
}

__interlock_install_widget() {
  [[ ${widgets[zle-line-finish]:-} == user:__interlock_line_finish ]] && return 0
  if [[ -n ${widgets[zle-line-finish]:-} ]]; then
    zle -A zle-line-finish __interlock-orig-line-finish
  else
    zle -D __interlock-orig-line-finish 2>/dev/null
  fi
  zle -N zle-line-finish __interlock_line_finish
}

# Put back any of these functions that was redefined or removed (all of them, or those named in
# $@), and the hooks that call them. Comparing a body costs zsh a deparse, a few microseconds each.
__interlock_heal() {
  local f
  for f in ${@:-${(k)__interlock_bodies}}; do
    [[ ${functions[$f]-} == ${__interlock_bodies[$f]} ]] || functions[$f]=${__interlock_bodies[$f]}
  done
  (( ${precmd_functions[(Ie)__interlock_precmd]} )) || precmd_functions+=(__interlock_precmd)
  (( ${preexec_functions[(Ie)__interlock_preexec]} )) || preexec_functions+=(__interlock_preexec)
  (( ${zshaddhistory_functions[(Ie)__interlock_addhistory]} )) || zshaddhistory_functions+=(__interlock_addhistory)
}

() {
  emulate -L zsh
  local f
  typeset -gA __interlock_bodies
  for f in __interlock_fast __interlock_json __interlock_unjson __interlock_oneline __interlock_close \
    __interlock_ask __interlock_send __interlock_reload __interlock_read_tty __interlock_unreachable __interlock_decide \
    __interlock_expand_aliases __interlock_resolve_fc __interlock_zle_check __interlock_line_finish \
    interlock_refused __interlock_addhistory __interlock_preexec __interlock_precmd \
    __interlock_install_widget __interlock_heal; do
    __interlock_bodies[$f]=$functions[$f]
  done
  typeset -gr __interlock_bodies
  typeset -ga precmd_functions preexec_functions zshaddhistory_functions
  __interlock_heal
  __interlock_install_widget
  # The contract's variables cannot be changed or unset in this shell.
  typeset -gr INTERLOCK_HOOK_DIR INTERLOCK_PORT INTERLOCK_SECRET INTERLOCK_HELLO INTERLOCK_PROOF \
    INTERLOCK_ENDPOINT_FILE INTERLOCK_PROGRAMS \
    INTERLOCK_PROGRAM_GLOBS INTERLOCK_FAST_PATH INTERLOCK_PRODUCTION INTERLOCK_UNREACHABLE \
    INTERLOCK_ASK_TIMEOUT INTERLOCK_NODE 2>/dev/null
  typeset -gr __interlock_loaded=1
}
