// A listener on a loopback port that plays the guard, for tests of what the guard's clients (the
// CLI, the shell hooks) do with a listener that is not the guard: a squatter, a forger, a mute.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface Fake {
  port: number;
  /** Everything the fake was sent, as text. */
  received(): string;
  close(): Promise<void>;
}

/**
 * A listener on a loopback port that plays the guard: `greet` is what it sends when a connection
 * opens (before anything is asked), `prove` what it answers to the first line (a hello), and
 * `answer` what it answers to each later line (a request). Records every byte it is sent.
 */
export async function fakeGuard(opts: { port?: number; greet?: () => string; prove?: (hello: string) => string | undefined; answer?: (req: Record<string, unknown>) => string }): Promise<Fake> {
  const chunks: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    let buf = '';
    let lines = 0;
    s.setEncoding('utf8');
    s.on('error', () => undefined);
    if (opts.greet) s.write(opts.greet());
    s.on('data', (d: string) => {
      chunks.push(d);
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (lines++ === 0 && opts.prove) {
          const reply = opts.prove(line);
          if (reply === undefined) s.destroy();
          else s.write(reply);
          continue;
        }
        let req: Record<string, unknown> = {};
        try {
          req = JSON.parse(line) as Record<string, unknown>;
        } catch {
          // answered all the same
        }
        if (opts.answer) s.write(opts.answer(req));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    received: () => chunks.join(''),
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
