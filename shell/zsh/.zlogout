# Interlock: runs the user's .zlogout (see .zshenv in this directory for why and how).
if (( ${+functions[__interlock_enter_user]} )) && __interlock_enter_user .zlogout; then
  builtin source "${__interlock_zdotdir:-$HOME}/.zlogout"
  __interlock_leave_user
fi
