# Interlock: zsh reads this first because the extension points ZDOTDIR at this directory; zsh then
# reads .zprofile, .zshrc, .zlogin and .zlogout from $ZDOTDIR as it goes
# (https://zsh.sourceforge.io/Doc/Release/Files.html#Startup_002fShutdown-Files). Each file here
# runs the user's file of the same name, with ZDOTDIR set back to the user's value while it runs,
# then points ZDOTDIR here again so that zsh comes back for the next one. .zshrc ends by installing
# the hook (../interlock.zsh). ZDOTDIR stays pointed here afterwards, so that a zsh started inside
# this terminal is guarded too.
#
# The user's ZDOTDIR arrives in INTERLOCK_USER_ZDOTDIR (empty: $HOME). VS Code's shell integration
# plays the same trick and either may wrap the other. When VS Code's files run first they source
# these from USER_ZDOTDIR (this directory) and read ZDOTDIR back after .zshenv, which is why each
# file here leaves ZDOTDIR pointing here; when these run first, INTERLOCK_USER_ZDOTDIR is VS Code's
# directory and its files carry on to the user's.

typeset -g __interlock_zsh_dir=${${(%):-%x}:A:h}
typeset -g __interlock_zdotdir=${INTERLOCK_USER_ZDOTDIR:-}
[[ -n $__interlock_zdotdir && ${__interlock_zdotdir:A} == $__interlock_zsh_dir ]] && __interlock_zdotdir=

# ZDOTDIR as the user had it (unset when they had none) while their file $1 runs; 1 if it is absent.
__interlock_enter_user() {
  [[ -f ${__interlock_zdotdir:-$HOME}/$1 ]] || return 1
  if [[ -n $__interlock_zdotdir ]]; then export ZDOTDIR=$__interlock_zdotdir; else unset ZDOTDIR; fi
  return 0
}

# A ZDOTDIR the user's file set (a ~/.zshenv that moves the rest to ~/.config/zsh) is where their
# next file comes from; zsh itself comes back here.
__interlock_leave_user() {
  [[ -n ${ZDOTDIR:-} && ${ZDOTDIR:A} != $__interlock_zsh_dir ]] && __interlock_zdotdir=$ZDOTDIR
  export ZDOTDIR=$__interlock_zsh_dir
}

# Sourced here, at the top level, not inside a function: a `typeset` in the user's file must
# create a global, as it would have without Interlock.
if __interlock_enter_user .zshenv; then
  builtin source "${__interlock_zdotdir:-$HOME}/.zshenv"
fi
__interlock_leave_user
