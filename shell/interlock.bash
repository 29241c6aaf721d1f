# Interlock: the pre-execution guard for interactive bash.
#
# Loaded by the line the extension puts in front of PROMPT_COMMAND (see README.md):
#     __interlock_s=$?; . "$INTERLOCK_HOOK_DIR/interlock.bash"
# The first time it installs the guard; at every later prompt it only puts the key bindings back
# and returns the last command's exit status, so the prompt commands after it still see it.
#
# Mechanism: Enter (C-m and C-j, in the emacs, vi-insert and vi-command keymaps) is bound to a
# readline macro of two private key sequences: the first runs __interlock_enter through `bind -x`,
# which sees the whole line in READLINE_LINE before bash does and may rewrite it; the second is
# plain accept-line. See https://www.gnu.org/software/bash/manual/bash.html#index-bind and
# https://www.gnu.org/software/bash/manual/bash.html#Readline-Init-File-Syntax (macros).
# Why not `extdebug` with a DEBUG trap: VS Code's shell integration and bash-preexec own that trap,
# it fires once per simple command instead of once per line (a refused `cd x && rm -rf y` would
# already have run `cd`), it needs the line from `history 1`, which HISTCONTROL=ignorespace and
# HISTIGNORE hide, and extdebug changes the semantics of every function the user runs. A key
# binding sees exactly the typed (or pasted, or agent-sent) line, once, and nothing has run yet.
#
# A refused line is replaced by `interlock_refused '<the line>'`: that runs nothing, prints the
# reason as the command's output and fails with status 1, so an agent that drives the terminal
# through VS Code's shell integration sees a failed command and why. The refused line itself goes
# to history for the person to recall and edit.
#
# Limits, by design of bash: see README.md ("What is not guarded").

# Already installed: this is a prompt, not a load.
if [[ -n ${__interlock_loaded-} ]]; then
  # Prompt frameworks set their DEBUG traps around the first prompts (bash-preexec installs itself
  # from PROMPT_COMMAND); `trap -p` costs a subshell, so only the first few prompts look.
  if ((__interlock_ticks < 3)); then
    ((++__interlock_ticks))
    __interlock_gate_debug_trap "$(builtin trap -p DEBUG)"
    # The gate evaluates this variable before every command: settled, it is read-only.
    ((__interlock_ticks < 3)) || readonly __interlock_debug_trap __interlock_ticks
  fi
  __interlock_tick
  builtin return "${__interlock_s:-0}"
fi

[[ $- == *i* ]] || builtin return 0

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  if [[ -z ${__interlock_warned-} ]]; then
    __interlock_warned=1
    builtin printf 'interlock: bash %s is too old to guard (4.4 or later is needed); commands in this terminal are NOT checked.\n' "$BASH_VERSION" >&2
  fi
  builtin return 0
fi

# Aliases from the user's rc must not change the code below as it is read: alias expansion
# happens when a line is read, so turning it off here covers every definition that follows
# (https://www.gnu.org/software/bash/manual/bash.html#Aliases).
if builtin shopt -q expand_aliases; then __interlock_aliases_were_on=1; else __interlock_aliases_were_on=; fi
builtin shopt -u expand_aliases

if ! { [[ ${BASH_SOURCE[0]%/*} == "${INTERLOCK_HOOK_DIR%/}" ]] && . "${INTERLOCK_HOOK_DIR%/}/interlock-lib.bash"; } ||
  ! __interlock_from_hook_dir "${BASH_SOURCE[0]}"; then
  [[ -n $__interlock_aliases_were_on ]] && builtin shopt -s expand_aliases
  if [[ -z ${__interlock_warned-} ]]; then
    __interlock_warned=1
    builtin printf 'interlock: %s was not loaded from INTERLOCK_HOOK_DIR (%s); not installing, commands in this terminal are NOT checked.\n' "${BASH_SOURCE[0]}" "${INTERLOCK_HOOK_DIR-}" >&2
  fi
  builtin return 0
fi

__interlock_snapshot interactive

declare -gr __interlock_loader='__interlock_s=$?; . "$INTERLOCK_HOOK_DIR/interlock.bash"'
declare -g __interlock_at_ps1=1 __interlock_ticks=0 __interlock_debug_trap='' __interlock_by='' __interlock_refusal='' __interlock_msg='' __interlock_reply='' __interlock_fd=''

# The first word's alias and the line's history expansion, applied the way bash will apply them
# when it reads the line, so the check sees what runs: `alias k=kubectl` then `k delete ns prod`
# is checked as `kubectl delete ns prod`, and `!!` as the line it recalls. Result in REPLY.
__interlock_expand() {
  { local -; builtin set +euxv; } 2>/dev/null
  local t=$1 x lead body w n=0 seen=' '
  if [[ $- == *H* ]] && [[ $t == *!* || $t =~ ^[[:space:]]*\^ ]]; then
    x=$(builtin history -p -- "$t" 2>/dev/null) && t=$x
  fi
  if builtin shopt -q expand_aliases; then
    while ((n++ < 16)); do
      lead=${t%%[![:space:]]*}
      body=${t#"$lead"}
      w=${body%%[[:space:]]*}
      [[ -n $w && $w != *[][*?@\$\`\"\'\\=]* && $seen != *" $w "* && -n ${BASH_ALIASES[$w]+set} ]] || break
      seen+="$w "
      t=$lead${BASH_ALIASES[$w]}${body#"$w"}
    done
  fi
  REPLY=$t
}

# `fc` re-runs history entries without going through readline, so the Enter binding would never
# see what it runs (https://www.gnu.org/software/bash/manual/bash.html#index-fc). `fc -s` is
# resolved to the entry it would run, with its pat=rep applied; the editor forms are refused,
# since what they run is only known after the editor exits. Returns 0 with the text to check in
# REPLY, 1 to refuse (message in __interlock_msg), 2 when $1 is not an fc that runs anything.
__interlock_resolve_fc() {
  { local -; builtin set +euxv -f; } 2>/dev/null
  local IFS=$' \t' t=$1 pat='' rep='' which=-1 a target
  local -a words
  # shellcheck disable=SC2206 # split on blanks on purpose, globbing is off (set -f above)
  words=($t)
  [[ ${words[0]-} == fc ]] || builtin return 2
  [[ " ${words[*]} " == *' -l'* || " ${words[*]} " == *' -'[nr]*l* ]] && builtin return 2
  if [[ ${words[1]-} == -s ]]; then
    words=("${words[@]:2}")
  elif [[ ${words[1]-} == -e && ${words[2]-} == - ]]; then
    words=("${words[@]:3}")
  else
    __interlock_msg='interlock: not run: fc edits history lines and runs the result without a check; recall the line with the Up arrow and edit it there.'
    builtin return 1
  fi
  for a in "${words[@]}"; do
    if [[ $a == *=* && -z $pat && $which == -1 ]]; then
      pat=${a%%=*}
      rep=${a#*=}
    elif [[ $which == -1 ]]; then
      which=$a
    else
      __interlock_msg='interlock: not run: this form of fc is not checked; type the command itself.'
      builtin return 1
    fi
  done
  target=$(builtin fc -ln -- "$which" "$which" 2>/dev/null) || {
    __interlock_msg='interlock: not run: fc found no such history entry to check.'
    builtin return 1
  }
  target=${target#"${target%%[![:space:]]*}"}
  [[ -n $pat ]] && target=${target//"$pat"/"$rep"}
  REPLY=$target
}

# Enter: decide about the whole line before readline hands it to bash.
__interlock_enter() {
  { local -; builtin set +euxv; } 2>/dev/null
  local line=$READLINE_LINE text cont=0 verdict sq="'\\''"
  __interlock_close
  __interlock_wrap_prompt_command
  # Nothing has shown a primary prompt since the last Enter: this line continues a command whose
  # earlier lines bash is still holding (PS2).
  ((__interlock_at_ps1)) || cont=1
  __interlock_at_ps1=0
  [[ $line == *[![:space:]]* ]] || builtin return 0
  # A lone closing word runs nothing: at PS2 it ends a command whose lines were each checked as they
  # were typed, at PS1 it is a syntax error.
  if [[ $line =~ ^[[:space:]]*(done|fi|esac|then|else|do|\}|\))[[:space:]]*$ ]]; then
    builtin return 0
  fi
  __interlock_msg=
  __interlock_expand "$line"
  text=$REPLY
  if [[ $text == *__interlock* ]]; then
    __interlock_msg="interlock: not run: the line names Interlock's own hook."
    verdict=1
  elif __interlock_fast "$text"; then
    builtin return 0
  else
    # From here on the line stands refused until the guard allows it: should this function stop
    # half-way (an expansion error aborts a bind -x function), readline runs the refusal instead.
    __interlock_refusal="interlock: not run: the check failed unexpectedly."
    READLINE_LINE="interlock_refused '${line//"'"/"$sq"}'"
    __interlock_resolve_fc "$text"
    case $? in
      1) verdict=1 ;;
      0)
        text=$REPLY
        __interlock_fast "$text" || __interlock_decide "$text" bash
        verdict=$?
        ;;
      *)
        __interlock_decide "$text" bash
        verdict=$?
        ;;
    esac
  fi
  if ((verdict == 0)); then
    READLINE_LINE=$line
    __interlock_refusal=''
    [[ -n $__interlock_msg ]] && builtin printf '%s\n' "$__interlock_msg" >&2
    builtin return 0
  fi
  [[ -o history ]] && builtin history -s -- "$line"
  if ((cont)); then
    # The earlier lines are already in bash's parser; only an interrupt discards them all.
    builtin printf '%s\n' "$__interlock_msg" >&2
    READLINE_LINE=
    READLINE_POINT=0
    builtin kill -INT "$$"
    builtin return 0
  fi
  __interlock_refusal=$__interlock_msg
  READLINE_LINE="interlock_refused '${line//"'"/"$sq"}'"
  READLINE_POINT=${#READLINE_LINE}
}

# What a refused line became: prints why, runs nothing, fails. Its own line is taken back out of
# history, where the refused line already is.
interlock_refused() {
  { local -; builtin set +euxv; } 2>/dev/null
  if [[ -o history ]] && ((BASH_VERSINFO[0] >= 5)) && [[ $(builtin history 1 2>/dev/null) == *interlock_refused* ]]; then
    builtin history -d -1 2>/dev/null
  fi
  builtin printf '%s\n' "${__interlock_refusal:-interlock: not run.}" >&2
  __interlock_refusal=
  builtin return 1
}

# C-x C-e (and `v` in vi-command mode) normally runs the edited text at once, out of readline's
# sight. This version puts the edited text back on the line; Enter then checks it like any other.
__interlock_edit() {
  { local -; builtin set +euxv -f; } 2>/dev/null
  local f editor=${VISUAL:-${EDITOR:-vi}}
  f=$(mktemp "${TMPDIR:-/tmp}/interlock-edit.XXXXXX") || builtin return 0
  builtin printf '%s\n' "$READLINE_LINE" >"$f"
  # The editor setting is a command line (`code --wait`), split into words as bash's own
  # edit-and-execute-command does.
  $editor "$f" </dev/tty >/dev/tty
  READLINE_LINE=$(<"$f")
  READLINE_POINT=${#READLINE_LINE}
  command rm -f -- "$f"
}

# The private key sequences start with C-x C-y, which nothing binds by default. They are not escape
# sequences: in vi-insert mode readline reads an ESC that arrives from a macro as "leave insert
# mode" (https://tiswww.case.edu/php/chet/readline/rluserman.html#Readline-vi-Mode).
__interlock_bind() {
  local m
  for m in emacs vi-insert vi-command; do
    builtin bind -m "$m" -x '"\C-x\C-y\C-a": __interlock_enter'
    builtin bind -m "$m" '"\C-x\C-y\C-b": accept-line'
    builtin bind -m "$m" '"\C-m": "\C-x\C-y\C-a\C-x\C-y\C-b"'
    builtin bind -m "$m" '"\C-j": "\C-x\C-y\C-a\C-x\C-y\C-b"'
  done
  builtin bind -m emacs '"\C-x\C-y\C-d": operate-and-get-next'
  builtin bind -m emacs '"\C-o": "\C-x\C-y\C-a\C-x\C-y\C-d"'
  builtin bind -m emacs -x '"\C-x\C-e": __interlock_edit'
  builtin bind -m vi-command -x '"v": __interlock_edit'
} 2>/dev/null

# A DEBUG trap also fires for the one command a `bind -x` binding runs. VS Code's shell integration
# and bash-preexec take the first DEBUG trap after a prompt to mean "the user's command starts
# now": on every Enter they would announce the previous history line as the new command, before it
# was even accepted. The trap they installed is therefore run through this gate, which passes
# everything on except this hook's own bindings (https://www.gnu.org/software/bash/manual/bash.html#index-trap).
__interlock_debug_gate() {
  case $BASH_COMMAND in
    __interlock_enter | __interlock_edit) builtin return 0 ;;
  esac
  # The trap's own "$_" must still be the last argument of the user's previous command.
  : "$1"
  builtin eval -- "$__interlock_debug_trap"
}

# Put the gate in front of the DEBUG trap, given as `trap -p DEBUG` printed it ($1), a quoted
# command that splicing into an array assignment unquotes exactly. Inside a function bash shows no
# DEBUG trap at all (functions do not inherit it), so $1 is captured by this file's top-level code
# and is empty when that code itself runs inside a function, as it does at the first prompt under
# VS Code's integration, which calls the loader from __vsc_prompt_cmd_original. Then the trap of a
# known owner is recognised by the functions that define it; from the next prompt on, the loader
# runs at the top level and $1 is exact.
__interlock_gate_debug_trap() {
  local cur=$1
  local -a terms
  if [[ -z $cur && ${#FUNCNAME[@]} -gt 1 ]]; then
    if builtin declare -F __vsc_preexec_all >/dev/null; then
      cur="trap -- '__vsc_preexec_all \"\$_\"' DEBUG"
    elif builtin declare -F __vsc_preexec_only >/dev/null; then
      cur="trap -- '__vsc_preexec_only \"\$_\"' DEBUG"
    elif builtin declare -F __bp_preexec_invoke_exec >/dev/null; then
      cur="trap -- '__bp_preexec_invoke_exec \"\$_\"' DEBUG"
    fi
  fi
  [[ -z $cur || $cur == *__interlock_debug_gate* ]] && builtin return 0
  builtin eval "terms=( $cur )"
  __interlock_debug_trap=${terms[2]-}
  # shellcheck disable=SC2016 # "$_" is expanded when the trap runs
  builtin trap '__interlock_debug_gate "$_"' DEBUG
}

# Each prompt: the next Enter starts a new command, and the bindings are put back if something
# removed them. Runs once per prompt even when the loader is in PROMPT_COMMAND twice (below).
__interlock_tick() {
  ((__interlock_at_ps1)) && builtin return 0
  __interlock_at_ps1=1
  __interlock_close
  __interlock_bind
}

# The loader goes first in PROMPT_COMMAND, and stays there if it already is (the extension put it
# there, or a child shell inherited it). First, not last: VS Code's integration (and bash-preexec)
# take any command that runs after their own prompt function as the start of the user's next
# command; before it they ignore it. The loader passes $? through, so what follows still sees the
# last command's status. With VS Code's integration the extension's loader also sits inside the
# PROMPT_COMMAND that VS Code saved and calls; that second tick does nothing.
#
# PROMPT_COMMAND came from the environment and stays exported, so a shell started in this terminal
# inherits it: the loader guards that shell too, but VS Code's __vsc_prompt_cmd_original, defined
# only where VS Code's script ran, would fail there at every prompt; it gets an empty stand-in.
__interlock_wrap_prompt_command() {
  local d=$__interlock_loader
  if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
    [[ ${PROMPT_COMMAND[0]-} == "$d" ]] || PROMPT_COMMAND=("$d" "${PROMPT_COMMAND[@]}")
  elif [[ ${PROMPT_COMMAND-} != "$d"* ]]; then
    # shellcheck disable=SC2178 # a string here: the array case is the branch above
    PROMPT_COMMAND=$d${PROMPT_COMMAND:+$'\n'}${PROMPT_COMMAND-}
  fi
  if [[ ${PROMPT_COMMAND[*]} == *__vsc_prompt_cmd_original* ]] && ! builtin declare -F __vsc_prompt_cmd_original >/dev/null; then
    __vsc_prompt_cmd_original() { builtin return; }
  fi
}

__interlock_bind
__interlock_gate_debug_trap "$(builtin trap -p DEBUG)"
__interlock_wrap_prompt_command

# Hardening: the functions cannot be redefined or unset, and the contract's variables cannot be
# changed or unset in this shell. A determined user can still get around it (see README.md), but
# not by accident and not with one innocuous-looking line.
readonly -f __interlock_snapshot __interlock_fast __interlock_json __interlock_unjson \
  __interlock_oneline __interlock_new_id __interlock_close __interlock_ask __interlock_send \
  __interlock_reload __interlock_read_answer __interlock_ask_node __interlock_read_tty __interlock_unreachable __interlock_decide \
  __interlock_from_hook_dir __interlock_expand __interlock_resolve_fc __interlock_enter \
  interlock_refused __interlock_edit __interlock_bind __interlock_debug_gate \
  __interlock_gate_debug_trap __interlock_tick __interlock_wrap_prompt_command
# shellcheck disable=SC2034 # read by child shells and by the extension, not here
readonly INTERLOCK_HOOK_DIR INTERLOCK_PORT INTERLOCK_SECRET INTERLOCK_HELLO INTERLOCK_PROOF \
  INTERLOCK_ENDPOINT_FILE INTERLOCK_PROGRAMS INTERLOCK_PROGRAM_GLOBS INTERLOCK_FAST_PATH INTERLOCK_PRODUCTION INTERLOCK_ENVIRONMENT \
  INTERLOCK_UNREACHABLE INTERLOCK_ASK_TIMEOUT INTERLOCK_NODE INTERLOCK_USER_BASH_ENV BASH_ENV 2>/dev/null
declare -gr __interlock_loaded=1

[[ -n $__interlock_aliases_were_on ]] && builtin shopt -s expand_aliases
builtin return "${__interlock_s:-0}"
