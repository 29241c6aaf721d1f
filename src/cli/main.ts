/**
 * `interlock` command line: `check` decides command lines; later subcommands speak agents' hook
 * protocols. Exit statuses are part of the contract (see `--help`).
 */
import { runCheck } from './check';

const HELP = `Interlock — a safety interlock between AI agents and the things they can destroy.

Usage:
  interlock check [--json] [--env LABEL] [--cwd DIR] -- <command line>
  interlock check --jsonl [--env LABEL] [--cwd DIR]   < requests.jsonl
  interlock --help | --version

check          Decide whether a command line may run: allow, confirm or block.
  --json       Print one JSON object: {"decision","risk","environment","reasons":[{"rule","message","span"}]}.
  --jsonl      Batch: read one JSON object per line from standard input
               ({"command", "cwd"?, "env"?, "vars"?}) and answer one JSON line each, in order.
               A malformed line gets {"error": "..."}; the batch goes on.
  --env LABEL  Environment label (production, staging, development, or a custom name).
  --cwd DIR    Working directory the command would run in (default: the current one).

Exit status (check):
  0   allow    — the command may run
  1   confirm  — a person must confirm it
  2   block    — it must not run
  64  usage error (bad arguments)
  70  internal error (the answer is then also "confirm")
In --jsonl mode the exit status is 0 when every line was answered, 64 on usage errors.`;

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
  if (sub === 'check') return runCheck(rest);
  process.stderr.write(`interlock: unknown command "${sub}". See interlock --help.\n`);
  return 64;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`interlock: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
