/**
 * What one `check` or `hook` run reads and writes. In a process of its own that is the process's
 * environment, directory and streams; in the resident engine it is the calling process's, carried
 * over the socket, so a run decides exactly as it would have in the caller.
 */
import type { StdinText } from './stdin';

export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  /** Standard input read whole (bounded); only `hook` reads it. */
  stdin(): Promise<StdinText>;
  /** Write to standard output; resolves once written. */
  out(text: string): Promise<void>;
  err(text: string): void;
  /** Whether standard output is a terminal (colours in `check`'s plain answer). */
  stdoutIsTTY(): boolean;
}

/** The process's own: `preread` is the standard input the launcher already read, if it did. */
export function processIo(preread?: StdinText | Promise<StdinText>): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdin: () => (preread ? Promise.resolve(preread) : (require('./stdin') as typeof import('./stdin')).readStdin()),
    out: (text) => new Promise<void>((resolve) => process.stdout.write(text, () => resolve())),
    err: (text) => void process.stderr.write(text),
    // A getter, not a value: building process.stdout costs a hook that never prints plain text.
    stdoutIsTTY: () => process.stdout.isTTY === true,
  };
}
