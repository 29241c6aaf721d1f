/**
 * A hook's standard input, read whole and bounded. Shared by the launcher (which reads it before
 * handing the call to a resident engine) and the in-process hook.
 */
import { isatty } from 'node:tty';

export type StdinText = { ok: true; text: string } | { ok: false; error: string };

/** Hook input beyond this is refused: a tool call's JSON is kilobytes, not megabytes. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

export function readStdin(max: number = MAX_INPUT_BYTES): Promise<StdinText> {
  // Checked on the descriptor: touching process.stdin.isTTY would set up the stream for a terminal.
  if (isatty(0)) return Promise.resolve({ ok: false, error: 'no hook input: agents run this command with their hook JSON on standard input' });
  // The stream, not fs.read on fd 0: a read blocked in the thread pool would hold the process at exit.
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (r: StdinText): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        process.stdin.destroy();
        done({ ok: false, error: `the hook input is larger than ${max} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    process.stdin.on('end', () => {
      try {
        done({ ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) });
      } catch {
        done({ ok: false, error: 'the hook input is not valid UTF-8' });
      }
    });
    process.stdin.on('error', (e) => done({ ok: false, error: `cannot read standard input (${e.message})` }));
  });
}
