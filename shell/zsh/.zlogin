# Interlock: runs the user's .zlogin (see .zshenv in this directory for why and how).
if (( ${+functions[__interlock_enter_user]} )) && __interlock_enter_user .zlogin; then
  builtin source "${__interlock_zdotdir:-$HOME}/.zlogin"
  __interlock_leave_user
fi
# .zlogin runs after .zshrc in a login shell: put the hook back if the user's .zlogin replaced it.
(( ${+functions[__interlock_heal]} )) && __interlock_heal
