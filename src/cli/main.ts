/**
 * `interlock` command line: `check` decides command lines; later subcommands speak agents' hook
 * protocols. Exit statuses are part of the contract (see `--help`).
 */

import { processIo } from './cliIo';
import type { CliIo } from './cliIo';
import type { StdinText } from './stdin';

const HELP = `Interlock — a safety interlock between AI agents and the things they can destroy.

Usage:
  interlock check [--json] [--impact] [--env LABEL] [--cwd DIR] [--shell SHELL] -- <command line>
  interlock check --jsonl [--env LABEL] [--cwd DIR] [--shell SHELL]   < requests.jsonl
  interlock snapshot [--json] [--cwd DIR] -- <command line>
  interlock undo [--list [--json] | ID [--force] [--json]]
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
  --impact     Also measure what the command would destroy here (read-only, within
               INTERLOCK_IMPACT_BUDGET_MS, default 2000; past it "not measured"): with --json,
               "impact": {files, bytes, untracked, modified, commits, measured, summary}.
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

snapshot       Keep what a command line would delete or overwrite here (files, modes, symlinks,
               git's index, branches, stash entries) and print the snapshot's id; exit 1, with the
               reason, when no snapshot can be taken (over the budget, unreadable, targets only
               known at run time). Kept in $XDG_STATE_HOME/interlock/snapshots for
               INTERLOCK_SNAPSHOT_DAYS (7), within INTERLOCK_SNAPSHOT_BUDGET (1G) for all together.
undo           --list (the default) shows recent snapshots; ID restores one. It refuses, restoring
               nothing, when a path changed since the command ran, and lists those (--force
               overwrites them). Exit status: 0 restored, 1 refused or incomplete, 64 usage.
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

Resident engine: a check or hook hands its call to a background engine that keeps Interlock's
code, rule packs and grammar loaded (a private socket in $XDG_RUNTIME_DIR/interlock, else
/tmp/interlock-UID); the first call starts it, it exits after 10 idle minutes, and a call that
cannot reach it decides in its own process. INTERLOCK_RESIDENT=0: always decide in process.
INTERLOCK_RESIDENT_IDLE_MS: how long it stays up idle.
  Exit status: 0 the chain verifies, 1 it is broken (each broken line is listed), 64 no log found, 66 unreadable.`;

/** One run of the command line. `check` and `hook` read and write through `io` (see cliIo.ts). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP + '\n');
    return sub === undefined ? 64 : 0;
  }
  if (sub === '--version') {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  if (sub === 'check') return (require('./check') as typeof import('./check')).runCheck(rest, io);
  if (sub === 'doctor') return (require('./doctor') as typeof import('./doctor')).runDoctor(rest);
  if (sub === 'snapshot') return (require('./snapshotCommand') as typeof import('./snapshotCommand')).runSnapshot(rest);
  if (sub === 'undo') return (require('./snapshotCommand') as typeof import('./snapshotCommand')).runUndo(rest);
  if (sub === 'log') return (require('./logCommand') as typeof import('./logCommand')).runLog(rest);
  // Loaded on use: an agent hook process pays only for what the hook needs.
  if (sub === 'hook') return (require('./hooks/run') as typeof import('./hooks/run')).runHook(rest, io);
  if (sub === 'install-hooks') return (require('../install/installHooks') as typeof import('../install/installHooks')).runInstallHooks(rest);
  if (sub === 'resident') return (require('./resident/server') as typeof import('./resident/server')).runResident(rest);
  process.stderr.write(`interlock: unknown command "${sub}". See interlock --help.\n`);
  return 64;
}

/**
 * Run the command line in this process and end it. The launcher calls this, with the standard
 * input it already read when it first offered the call to the resident engine.
 */
export function start(argv: string[], preread?: StdinText | Promise<StdinText>): void {
  // A reader that goes away early (`interlock doctor | head`) is not an error worth a stack trace.
  // Caught here rather than on the streams: touching process.stdout would build it (and load its
  // stream modules) in every hook process, most of which never write a byte.
  process.on('uncaughtException', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`interlock: internal error: ${e?.stack ?? String(e)}\n`);
    process.exit(70);
  });
  main(argv, processIo(preread)).then(
    (code) => {
      process.exitCode = code;
      if (argv[0] === 'hook') {
        // An input that never ended must not keep the process waiting for more, and whatever
        // else is still pending (a guard that never answered) must not hold the agent.
        process.stdin.destroy();
        setTimeout(() => process.exit(code), 200).unref();
      }
    },
    (e: unknown) => {
      process.stderr.write(`interlock: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
