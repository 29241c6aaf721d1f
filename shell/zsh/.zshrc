# Interlock: runs the user's .zshrc (see .zshenv in this directory), then installs the hook.

# A global rc that derives HISTFILE from ZDOTDIR (macOS /etc/zshrc does, and so does VS Code's
# integration, from USER_ZDOTDIR) would keep history in this directory; it belongs to the user's.
if (( ${+__interlock_zsh_dir} )) && [[ ${HISTFILE:-} == $__interlock_zsh_dir/* ]]; then
  HISTFILE=${__interlock_zdotdir:-$HOME}/${HISTFILE:t}
fi

if (( ${+functions[__interlock_enter_user]} )) && __interlock_enter_user .zshrc; then
  builtin source "${__interlock_zdotdir:-$HOME}/.zshrc"
  __interlock_leave_user
fi

if (( ${+__interlock_zsh_dir} )) && [[ -r ${__interlock_zsh_dir:h}/interlock.zsh ]]; then
  builtin source "${__interlock_zsh_dir:h}/interlock.zsh"
else
  print -ru2 -- "interlock: ${${(%):-%x}:h:h}/interlock.zsh is missing; commands in this terminal are NOT checked."
fi
