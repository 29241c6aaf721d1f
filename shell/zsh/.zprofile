# Interlock: runs the user's .zprofile (see .zshenv in this directory for why and how).
if (( ${+functions[__interlock_enter_user]} )) && __interlock_enter_user .zprofile; then
  builtin source "${__interlock_zdotdir:-$HOME}/.zprofile"
  __interlock_leave_user
fi
