/**
 * `interlock` command line: `check` decides command lines; later subcommands speak agents' hook
 * protocols. Exit statuses are part of the contract (see `--help`).
 */

const HELP = `Interlock — a safety interlock between AI agents and the things they can destroy.

Usage:
  interlock check [--json] [--env LABEL] [--cwd DIR] [--shell SHELL] -- <command line>
  interlock check --jsonl [--env LABEL] [--cwd DIR] [--shell SHELL]   < requests.jsonl
  interlock hook <agent>                              < hook-input.json
  interlock install-hooks [--agent NAME]... [--project | --user] [--dir DIR] [--dry-run] [--uninstall]
  interlock log verify [FILE]
  interlock doctor [--json] [--cwd DIR]
  interlock --help | --version

check          Decide whether a command line may run: allow, confirm or block.
  --json       Print one JSON object: {"decision","risk","environment","reasons":[{"rule","message","span"}]}.
  --jsonl      Batch: read one JSON object per line from standard input
               ({"command", "cwd"?, "env"?, "vars"?, "shell"?}) and answer one JSON line each, in order.
               A malformed line gets {"error": "..."}; the batch goes on.
  --env LABEL  Environment label (production, staging, development, or a custom name).
  --cwd DIR    Working directory the command would run in (default: the current one).
  --shell SHELL  The line's dialect: bash (default), zsh, fish, powershell or cmd.

Exit status (check):
  0   allow    — the command may run
  1   confirm  — a person must confirm it
  2   block    — it must not run
  64  usage error (bad arguments)
  70  internal error (the answer is then also "confirm")
In --jsonl mode the exit status is 0 when every line was answered, 64 on usage errors.

hook           Answer an agent's pre-tool-use hook in its own protocol (agent: claude, cursor,
               copilot, gemini, codex). A command that needs confirming goes to the editor window
               guarding the workspace, else to the agent's own prompt; agents that cannot ask get
               a refusal saying how to go ahead. Unreadable input is refused (exit 2).
               INTERLOCK_HOOK_TIMEOUT_MS: answer (deny) after this long; default 55000.
install-hooks  Add Interlock's hook to the agents configured on this machine, showing each change
               as a unified diff; other hooks and settings are kept.
  --agent NAME Only this agent (repeatable); also installs where the agent is not yet configured.
  --project    The project's files (in --dir, default the current directory) instead of the user's.
  --user       The user's files (the default).
  --dry-run    Show the changes; write nothing.
  --uninstall  Remove Interlock's entries, and only those.
  Exit status: 0 done (or nothing to do), 1 a file could not be read as JSON and was left alone, 64 usage.
doctor         Report what protects a folder: its environment, its rule files judged against the
               per-user approval store and any change waiting for a person's approval, each
               agent's hook (installed, live, and whether the agent will run it), the hook
               launcher and the editor's guard — with the step that fixes each problem.
  Exit status: 0 nothing needs attention, 1 something does (a held-back change, an unreadable
  store, an invalid rule file, an agent that is set up but not guarded), 64 usage.
log verify     Check the audit log's hash chain (default: the editor's global storage).
  Exit status: 0 the chain verifies, 1 it is broken (each broken line is listed), 64 no log found, 66 unreadable.`;

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP + '\n');
    return sub === undefined ? 64 : 0;
  }
  if (sub === '--version') {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  if (sub === 'check') return (require('./check') as typeof import('./check')).runCheck(rest);
  if (sub === 'doctor') return (require('./doctor') as typeof import('./doctor')).runDoctor(rest);
  if (sub === 'log') return (require('./logCommand') as typeof import('./logCommand')).runLog(rest);
  // Loaded on use: an agent hook process pays only for what the hook needs.
  if (sub === 'hook') return (require('./hooks/run') as typeof import('./hooks/run')).runHook(rest);
  if (sub === 'install-hooks') return (require('../install/installHooks') as typeof import('../install/installHooks')).runInstallHooks(rest);
  process.stderr.write(`interlock: unknown command "${sub}". See interlock --help.\n`);
  return 64;
}

// A reader that goes away early (`interlock doctor | head`) is not an error worth a stack trace.
// Caught here rather than on the streams: touching process.stdout would build it (and load its
// stream modules) in every hook process, most of which never write a byte.
process.on('uncaughtException', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`interlock: internal error: ${e?.stack ?? String(e)}\n`);
  process.exit(70);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`interlock: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
