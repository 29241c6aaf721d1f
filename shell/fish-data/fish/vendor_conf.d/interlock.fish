# Interlock: the pre-execution guard for interactive fish. fish sources every vendor_conf.d
# snippet found under $XDG_DATA_DIRS at startup, before the user's config.fish
# (https://fishshell.com/docs/current/language.html#configuration-files); the extension puts
# $INTERLOCK_HOOK_DIR/fish-data in front of XDG_DATA_DIRS.
#
# Mechanism: Enter (\r and \n, in the default and insert binding modes) runs __interlock_enter, which
# reads the whole buffer with `commandline` and either queues `execute` or replaces the buffer
# with `interlock_refused '<the line>'`, which runs nothing, prints the reason and fails with
# status 1 (so an agent driving the terminal through VS Code's shell integration sees a failed
# command and why). An incomplete buffer (an open `begin`, a trailing pipe) is handed to `execute`
# unchecked, which only adds a newline to it: fish runs nothing until the buffer is complete, and
# then the whole buffer is checked at once. So is a buffer with a syntax error, which `execute`
# only reports.
#
# fish cannot open a TCP connection without a process, so the guard is asked through ask.js with
# the editor's node ($INTERLOCK_NODE); plain commands take the fast path and start nothing.
#
# fish has no read-only functions or variables. The bindings are put back at every prompt, a
# function of this file that was erased is restored by sourcing this file again, and lines naming
# these internals are refused. Limits: see README.md.

status is-interactive; or return 0
functions -q __interlock_enter; and return 0

set -l __interlock_here (builtin realpath (status dirname) 2>/dev/null)
set -l __interlock_want (builtin realpath "$INTERLOCK_HOOK_DIR/fish-data/fish/vendor_conf.d" 2>/dev/null)
if test -z "$INTERLOCK_HOOK_DIR" -o -z "$__interlock_here" -o "$__interlock_here" != "$__interlock_want"
    printf 'interlock: %s was not loaded from INTERLOCK_HOOK_DIR (%s); not installing, commands in this terminal are NOT checked.\n' (status filename) "$INTERLOCK_HOOK_DIR" >&2
    return 0
end

# The contract's environment, captured once: a later `set -gx INTERLOCK_FAST_PATH 1` changes nothing
# here (and a line that touches these copies is refused, see below).
set -g __interlock_dir (string replace -r '/$' '' -- $INTERLOCK_HOOK_DIR)
set -g __interlock_self (status filename)
set -g __interlock_port "$INTERLOCK_PORT"
set -g __interlock_secret "$INTERLOCK_SECRET"
set -g __interlock_endpoint_file "$INTERLOCK_ENDPOINT_FILE"
set -g __interlock_timeout "$INTERLOCK_ASK_TIMEOUT"
set -g __interlock_programs " "(string lower -- "$INTERLOCK_PROGRAMS")" "
set -g __interlock_globs (string split -n ' ' -- "$INTERLOCK_PROGRAM_GLOBS")
set -g __interlock_fast_on (test "$INTERLOCK_FAST_PATH" = 1; and echo 1; or echo 0)
set -g __interlock_production (test "$INTERLOCK_PRODUCTION" = 1; and echo 1; or echo 0)
set -g __interlock_unreachable_mode ask
contains -- "$INTERLOCK_UNREACHABLE" deny allow; and set __interlock_unreachable_mode $INTERLOCK_UNREACHABLE
set -g __interlock_node "$INTERLOCK_NODE"
set -g __interlock_hello "$INTERLOCK_HELLO"
set -g __interlock_proof "$INTERLOCK_PROOF"
# A bash to make the round trip with (ask.bash): its /dev/tcp costs a few milliseconds where
# starting Node costs tens. Without one, or without the handshake values, ask.js does it.
set -g __interlock_bash (command -s bash 2>/dev/null)[1]
set -g __interlock_refusal
# First words after which the first word does not say what runs: the guard is asked whatever
# INTERLOCK_PROGRAMS says (https://fishshell.com/docs/current/commands.html#keywords).
set -g __interlock_shell_words begin end if else switch case while for in function and or not '!' \
    time command builtin exec eval source . emit bind functions

# Whether text $argv[1], whose first word is $argv[2], may run without asking: plain words, a first
# word naming no program the guard has rules for. Builtins only, no process, and as few command
# substitutions as possible: each costs tens of microseconds in fish. 0 means run it.
function __interlock_fast --argument-names text first
    string match -qr '\S' -- $text; or return 0
    test "$__interlock_fast_on" = 1; or return 1
    string match -qr '[;&|<>()$`\\\\!{}#"\'*?\[\]^\x00-\x08\x0a-\x1f\x7f]' -- $text; and return 1
    string match -q -- '*=*' $first; and return 1
    # The basename, without a trailing .exe; case is ignored in the comparisons below.
    set -l w (string replace -ri '^(?:.*/)?(.*?)(?:\.exe)?$' '$1' -- $first)
    string match -qi -- "* $w *" $__interlock_programs; and return 1
    contains -- $w $__interlock_shell_words; and return 1
    for g in $__interlock_globs
        string match -qi -- $g $w; and return 1
    end
    return 0
end

# What the first word stands for, applied the way it will run: an alias is a function here
# (`alias k=kubectl` defines `k`), and an abbreviation left unexpanded (typed without a space after
# it) is expanded by `execute`; the guard should see `kubectl delete ns prod`, not `k delete ns prod`.
# Abbreviations defined with --regex or --function are not resolved.
function __interlock_expand_alias --argument-names text
    set -l t $text
    # One line only: several lines never take the fast path, and go to the guard as typed.
    string match -q -- '*'\n'*' $t; and begin
        printf '%s' $t
        return
    end
    for i in 1 2 3 4 5 6 7 8
        set -l trimmed (string trim -l -- $t)
        set -l w (string split -m1 ' ' -- $trimmed)[1]
        test -n "$w"; or break
        set -l target
        if abbr -q -- $w
            set -l def (abbr --show | string match -r -- '^abbr -a(?: --position command)? -- '(string escape --style=regex -- (string escape -- $w))' (.*)$')[2]
            test -n "$def"; and set target (string unescape -- $def)
        else if functions -q -- $w
            set -l desc (functions --details --verbose -- $w)[5]
            # `alias k=kubectl` and `alias nuke 'rm -rf'` describe themselves as "alias k=kubectl"
            # and "alias nuke rm -rf".
            set target (string replace -rf '^alias '(string escape --style=regex -- $w)'[= ](.*)$' '$1' -- $desc)
        end
        test -n "$target"; or break
        set t "$target"(string sub -s (math (string length -- $w) + 1) -- $trimmed)
    end
    printf '%s' $t
end

function __interlock_ask --argument-names cmd
    set -g __interlock_reply
    if test -z "$__interlock_endpoint_file"; and test -z "$__interlock_port" -o -z "$__interlock_secret"
        set -g __interlock_reply 'this terminal has no guard address (INTERLOCK_PORT/INTERLOCK_SECRET unset)'
        return 3
    end
    set -l out
    if test -n "$__interlock_bash" -a -n "$__interlock_hello" -a -n "$__interlock_proof"
        # The address and handshake come from the copies taken at startup, not from the environment
        # as it is now; BASH_ENV is emptied so the terminal's script hook is not loaded into it.
        set out (printf '%s' $cmd | BASH_ENV= INTERLOCK_HOOK_DIR=$__interlock_dir INTERLOCK_PORT=$__interlock_port \
            INTERLOCK_SECRET=$__interlock_secret INTERLOCK_HELLO=$__interlock_hello INTERLOCK_PROOF=$__interlock_proof \
            INTERLOCK_ENDPOINT_FILE=$__interlock_endpoint_file INTERLOCK_ASK_TIMEOUT=$__interlock_timeout INTERLOCK_NODE=$__interlock_node \
            $__interlock_bash --noprofile --norc $__interlock_dir/ask.bash --shell fish --pid $fish_pid --cwd $PWD 2>/dev/null)
    else if test -n "$__interlock_node"
        # ELECTRON_RUN_AS_NODE makes an Electron binary behave as node; plain node ignores it.
        # ask.js reads the endpoint file first (where the guard listens now, should it have moved).
        set out (printf '%s' $cmd | ELECTRON_RUN_AS_NODE=1 INTERLOCK_PORT=$__interlock_port INTERLOCK_SECRET=$__interlock_secret \
            INTERLOCK_ENDPOINT_FILE=$__interlock_endpoint_file INTERLOCK_ASK_TIMEOUT=$__interlock_timeout \
            $__interlock_node $__interlock_dir/ask.js --shell fish --pid $fish_pid --cwd $PWD 2>/dev/null)
    else
        set -g __interlock_reply 'fish asks the guard through bash or node, and neither is available'
        return 3
    end
    set -l rc $status
    set -g __interlock_reply (string replace -ra '[\x00-\x1f\x7f]' ' ' -- "$out[1]")
    switch $rc
        case 0 1
            return $rc
    end
    # Killed by a signal: Ctrl-C while the guard was deciding. That abandons the line.
    if test $rc -gt 128
        set -g __interlock_reply 'interrupted'
        return 1
    end
    test -n "$__interlock_reply"; or set -g __interlock_reply "cannot reach the guard at 127.0.0.1:$__interlock_port"
    return 3
end

# One line squeezed to at most 200 printable characters.
function __interlock_oneline --argument-names text
    set -l s (string replace -ra '[\x00-\x1f\x7f]' ' ' -- $text | string join ' ')
    test (string length -- $s) -gt 200; and set s (string sub -l 197 -- $s)...
    printf '%s' $s
end

# No answer (reason $argv[1]) about command $argv[2]: production refuses, otherwise
# INTERLOCK_UNREACHABLE decides. 0 to run; __interlock_msg is the line to print.
function __interlock_unreachable --argument-names why cmd
    set -g __interlock_msg
    if test "$__interlock_production" = 1
        set -g __interlock_msg "interlock: not run: $why, and commands in production are refused without it."
        return 1
    end
    switch $__interlock_unreachable_mode
        case allow
            set -g __interlock_msg "interlock: warning: $why; running it unchecked."
            return 0
        case deny
            set -g __interlock_msg "interlock: not run: $why."
            return 1
    end
    if not printf '\ninterlock: %s, so this was not checked: %s\n' $why (__interlock_oneline $cmd) >/dev/tty 2>/dev/null
        set -g __interlock_msg "interlock: not run: $why, and there is no terminal to confirm it in."
        return 1
    end
    set -l answer
    read -P 'Type "run" to run it anyway: ' answer </dev/tty
    test "$answer" = run; and return 0
    set -g __interlock_msg 'interlock: not run.'
    return 1
end

function __interlock_decide --argument-names cmd
    set -g __interlock_msg
    __interlock_ask $cmd
    switch $status
        case 0
            return 0
        case 1
            test -n "$__interlock_reply"; or set -g __interlock_reply 'refused by the guard'
            set -g __interlock_msg "interlock: not run: $__interlock_reply"
            return 1
    end
    __interlock_unreachable $__interlock_reply $cmd
end

# Enter.
function __interlock_enter
    set -g __interlock_msg
    # One list element per line of the buffer; a command substitution splits at newlines, so
    # several lines are joined back through `string collect`.
    set -l line (commandline)
    set -q line[2]; and set line (string join \n -- $line | string collect)
    set -l text $line
    set -l first (string match -r '^\s*([^\s]*)' -- $line)[2]
    # Only a first word that is an alias (a function) or an abbreviation needs resolving.
    if test -n "$first"; and begin; functions -q -- $first; or abbr -q -- $first; end
        set text (__interlock_expand_alias $line | string collect)
        set first (string match -r '^\s*([^\s]*)' -- $text)[2]
    end
    set -l verdict 0
    if string match -q -- '*__interlock*' $text
        set -g __interlock_msg "interlock: not run: the line names Interlock's own hook."
        set verdict 1
    else if not __interlock_fast $text $first
        # 2: incomplete, execute only adds a newline and the complete buffer is checked later; 1:
        # a syntax error, execute only reports it. Neither runs anything. (A line that passes the
        # fast path can be neither: it has no quotes, no operators and no keyword in front.)
        if not commandline --is-valid
            commandline -f execute
            return
        end
        __interlock_decide $text
        set verdict $status
    end
    if test $verdict -eq 0
        if test -n "$__interlock_msg"
            printf '\n%s\n' $__interlock_msg >&2
            set -g __interlock_msg
        end
        commandline -f execute
        return
    end
    set -g __interlock_refusal $__interlock_msg
    # fish 4 can put the refused line in history for the person to recall (`history append`; fish 3
    # has no such command, and this does nothing there). The leading space keeps the replacement out
    # of the saved history (fish does not save lines that start with a space).
    builtin history append -- $line 2>/dev/null
    # Single quotes: inside them fish knows only \\ and \' as escapes.
    commandline -r -- " interlock_refused '"(string replace -a -- '\\' '\\\\' $line | string replace -a -- "'" "\\'" | string collect)"'"
    commandline -f execute
end

# What a refused line became: prints why, runs nothing, fails.
function interlock_refused
    test -n "$__interlock_refusal"; or set -g __interlock_refusal 'interlock: not run.'
    printf '%s\n' $__interlock_refusal >&2
    set -g __interlock_refusal
    return 1
end

function __interlock_bind
    for mode in default insert
        bind -M $mode \r __interlock_enter
        bind -M $mode \n __interlock_enter
    end
end

# Each prompt: bindings back in place (fish_vi_key_bindings or a user's `bind \r` replace them),
# and any function of this file that was erased defined again.
function __interlock_on_prompt --on-event fish_prompt
    if not functions -q __interlock_fast __interlock_expand_alias __interlock_ask __interlock_oneline \
            __interlock_unreachable __interlock_decide __interlock_enter interlock_refused __interlock_bind
        functions -e __interlock_enter
        source $__interlock_self
    end
    __interlock_bind
end

__interlock_bind
