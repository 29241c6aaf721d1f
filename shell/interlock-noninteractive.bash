# Interlock: the guard for non-interactive bash started inside a guarded terminal (scripts,
# `bash -c '…'`). Bash sources $BASH_ENV before running a non-interactive shell's commands
# (https://www.gnu.org/software/bash/manual/bash.html#Bash-Startup-Files); the extension points
# BASH_ENV here and keeps any BASH_ENV the user had in INTERLOCK_USER_BASH_ENV.
#
# Mechanism: `shopt -s extdebug` with a DEBUG trap. The trap runs before every simple command with
# the command's text in $BASH_COMMAND (before expansion), and with extdebug a non-zero status from
# it skips the command; extdebug also makes functions, subshells and command substitutions inherit
# the trap (https://www.gnu.org/software/bash/manual/bash.html#index-extdebug), so the body of a
# function or of `$(…)` is checked as well. A refused command is skipped and the script then exits
# with status 126: a skipped command leaves $? as it was, usually 0, and `a && b` or `set -e`
# would carry on as though the refused step had succeeded.
#
# Cost: the fast path is a few pattern matches per command. A command that needs the guard costs
# one loopback round trip; an allowed one whose program the guard has no rules for and that
# substitutes no commands is remembered per directory, so a loop asks once, not once per pass.

[[ -n ${__interlock_ni_loaded-} ]] && builtin return 0

# The user's own BASH_ENV first, as bash would have sourced it. A DEBUG trap it sets is set aside
# until the end of this file, then runs after this hook's own check. `trap -p` prints a quoted
# command; splicing it into an array assignment unquotes it exactly.
__interlock_prev_trap=
if [[ -n ${INTERLOCK_USER_BASH_ENV-} && ${INTERLOCK_USER_BASH_ENV} != "${BASH_SOURCE[0]}" ]]; then
  # shellcheck disable=SC1090 # the user's file
  . "$INTERLOCK_USER_BASH_ENV"
  __interlock_prev_trap=$(builtin trap -p DEBUG)
  if [[ -n $__interlock_prev_trap ]]; then
    builtin trap - DEBUG
    builtin eval "__interlock_terms=( ${__interlock_prev_trap} )"
    __interlock_prev_trap=${__interlock_terms[2]-}
    builtin unset __interlock_terms
  fi
fi

# Interactive shells never read BASH_ENV; one that sources this file by hand is guarded by
# interlock.bash, not by a DEBUG trap.
[[ $- == *i* ]] && builtin return 0
((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4))) || builtin return 0

if ! { [[ ${BASH_SOURCE[0]%/*} == "${INTERLOCK_HOOK_DIR%/}" ]] && . "${INTERLOCK_HOOK_DIR%/}/interlock-lib.bash"; } ||
  ! __interlock_from_hook_dir "${BASH_SOURCE[0]}"; then
  builtin printf 'interlock: %s was not loaded from INTERLOCK_HOOK_DIR (%s); commands in this script are NOT checked.\n' "${BASH_SOURCE[0]}" "${INTERLOCK_HOOK_DIR-}" >&2
  builtin return 0
fi

__interlock_snapshot script
declare -g __interlock_msg='' __interlock_reply='' __interlock_fd='' __interlock_by=''
# Commands that may run again without asking, by directory and text: the fast path's answers and
# the guard's remembered ones (see __interlock_cacheable).
declare -gA __interlock_ok=()
declare -gr __interlock_sep=$'\x1f'

# Whether an allowed command may be remembered: no word of it names a program the guard has rules
# for (so no context the guard reads, like a kube context, can change the answer), its command
# word is not computed (`$cmd args`), and it substitutes no commands whose output could differ
# next time. Assignments in front of the command word are skipped; `$((…))` is arithmetic.
__interlock_cacheable() {
  { local -; builtin set +euxv -f; } 2>/dev/null
  local t=$1 w g first=1 IFS=$' \t\n'
  [[ $t == *'$('[!\(]* || $t == *'`'* || $t == *'<('* || $t == *'>('* ]] && builtin return 1
  for w in $t; do
    if ((first)); then
      [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*(\[.*\])?\+?= ]] && continue
      first=0
      [[ $w == *[\$\"\'\\]* ]] && builtin return 1
    fi
    w=${w##*/}
    w=${w,,}
    [[ $__interlock_programs == *" $w "* || $__interlock_code_words == *" $w "* ]] && builtin return 1
    for g in "${__interlock_globs[@]}"; do
      # shellcheck disable=SC2053 # the glob is the point
      [[ $w == $g ]] && builtin return 1
    done
  done
  builtin return 0
}

# The DEBUG trap. Commands inside a trap do not trigger the trap again, so this cannot recurse.
# extdebug is turned on here, at the first command, and not while this file is sourced: set in a
# startup file it makes bash look for the bashdb debugger before running a script, and without
# bashdb it prints two errors and turns extdebug off again.
__interlock_ni_check() {
  [[ :$BASHOPTS: == *:extdebug:* ]] || builtin shopt -s extdebug
  { local -; builtin set +euxv; } 2>/dev/null
  local cmd=$BASH_COMMAND key=$PWD$__interlock_sep$BASH_COMMAND
  ((${#__interlock_ok[@]} < 4096)) || __interlock_ok=()
  # The guard's address is in variables a command could change (see __interlock_snapshot).
  if [[ $cmd == *__interlock* ]]; then
    __interlock_oneline "$cmd"
    builtin printf "interlock: not run: the command names Interlock's own hook; refused at %s:%s: %s\n" "${BASH_SOURCE[1]:-$0}" "${BASH_LINENO[0]}" "$REPLY" >&2
    builtin exit 126
  fi
  if __interlock_fast "$cmd"; then
    __interlock_ok[$key]=1
    builtin return 0
  fi
  if __interlock_decide "$cmd" bash; then
    # The unreachable-guard warning, once per script rather than once per command.
    if [[ -n $__interlock_msg && -z ${__interlock_warned-} ]]; then
      __interlock_warned=1
      builtin printf '%s\n' "$__interlock_msg" >&2
    fi
    if [[ -z $__interlock_msg && $__interlock_by == policy ]] && __interlock_cacheable "$cmd"; then
      __interlock_ok[$key]=1
    fi
    builtin return 0
  fi
  __interlock_oneline "$cmd"
  builtin printf '%s; refused at %s:%s: %s\n' "$__interlock_msg" "${BASH_SOURCE[1]:-$0}" "${BASH_LINENO[0]}" "$REPLY" >&2
  builtin exit 126
}

builtin readonly -f __interlock_snapshot __interlock_fast __interlock_json __interlock_unjson \
  __interlock_oneline __interlock_new_id __interlock_close __interlock_ask __interlock_send \
  __interlock_reload __interlock_read_answer __interlock_ask_node __interlock_read_tty __interlock_unreachable __interlock_decide \
  __interlock_from_hook_dir __interlock_cacheable __interlock_ni_check

# A command already answered is looked up in the trap itself, which spares a function call on most
# commands of a loop.
# shellcheck disable=SC2016 # expanded when the trap runs
__interlock_trap='[[ -n ${__interlock_ok[$PWD$__interlock_sep$BASH_COMMAND]+set} ]] || __interlock_ni_check'
# shellcheck disable=SC2016
[[ -n $__interlock_prev_trap ]] && __interlock_trap="{ $__interlock_trap; } && builtin eval \"\$__interlock_prev_trap\""
declare -gr __interlock_ni_loaded=1 __interlock_prev_trap __interlock_trap
# Last: from here on the trap runs before every command, and no command of this file should meet
# it while bash is still reading its startup files.
# shellcheck disable=SC2064 # the trap text is complete now; it expands its variables when it runs
builtin trap "$__interlock_trap" DEBUG
