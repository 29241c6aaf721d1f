/** The asking end of the guard channel, for Node hooks (agents, fish, tasks). */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PROTOCOL_VERSION, handshakeFor, helloLine } from './protocol';
import type { GuardAnswer, GuardRequest } from './protocol';

export interface Endpoint {
  port: number;
  secret: string;
  host?: string;
}

export type AskResult = { ok: true; answer: GuardAnswer } | { ok: false; error: string };

/** An answer is a decision and a line of text; anything this large is not one. */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * The uid that owns the far end of a loopback TCP connection (from our `localPort` to
 * `remotePort`), read from /proc/net/tcp and tcp6; undefined where that cannot be told (not
 * Linux, no /proc, or the entry is not there).
 */
export function loopbackPeerUid(remotePort: number, localPort: number, files = ['/proc/net/tcp', '/proc/net/tcp6']): number | undefined {
  const hex = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');
  // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid": the far end's
  // entry has our port as its remote address, and is established (01).
  const entry = new RegExp(`:${hex(remotePort)} +[0-9A-F]+:${hex(localPort)} +01 +\\S+ +\\S+ +\\S+ +(\\d+) `);
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    const m = entry.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Whether `line` is the guard's proof `want`: only the window's real guard can send it (see protocol.ts). */
function isProof(line: string, want: string): boolean {
  let got: unknown;
  try {
    got = (JSON.parse(line) as { proof?: unknown } | null)?.proof;
  } catch {
    return false;
  }
  return typeof got === 'string' && got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want));
}

/** Ask the guard; resolves with its answer or with why there is none (never throws). */
export function askGuard(endpoint: Endpoint, req: Omit<GuardRequest, 'v' | 'secret' | 'id'>, timeoutMs: number): Promise<AskResult> {
  const id = randomBytes(16).toString('hex');
  const handshake = handshakeFor(endpoint.secret);
  return new Promise((resolve) => {
    let settled = false;
    let buffer = '';
    let proven = false;
    const done = (r: AskResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    let socket: Socket;
    try {
      socket = connect({ port: endpoint.port, host: endpoint.host ?? '127.0.0.1' });
    } catch (e) {
      // A port out of range: connect throws before there is a socket.
      resolve({ ok: false, error: `cannot reach the guard (${(e as Error).message})` });
      return;
    }
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      // The port a window registered may now belong to someone else (the window died and another
      // user's process took the port): such a listener must neither learn the secret nor answer.
      const uid = process.getuid?.();
      const owner = uid === undefined || socket.localPort === undefined ? undefined : loopbackPeerUid(endpoint.port, socket.localPort);
      if (owner !== undefined && owner !== uid) {
        done({ ok: false, error: `port ${endpoint.port} is held by another user's process (uid ${owner}), not the editor's guard` });
        return;
      }
      // The secret goes out only once the listener has proved it is this window's guard.
      socket.write(helloLine(handshake.hello));
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      if (nl >= 0 && !proven) {
        if (!isProof(buffer.slice(0, nl), handshake.proof)) {
          done({ ok: false, error: `the listener on port ${endpoint.port} did not prove it is this window's guard` });
          return;
        }
        proven = true;
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        socket.write(JSON.stringify({ v: PROTOCOL_VERSION, secret: endpoint.secret, id, ...req }) + '\n');
      }
      if (nl < 0) {
        if (buffer.length > MAX_ANSWER_BYTES) done({ ok: false, error: 'the guard sent an oversized answer' });
        return;
      }
      try {
        const answer = JSON.parse(buffer.slice(0, nl)) as GuardAnswer;
        // An answer to some other request (a replay, a confused server) is no answer.
        if (typeof answer !== 'object' || answer === null || answer.id !== id || (answer.outcome !== 'allow' && answer.outcome !== 'deny')) {
          done({ ok: false, error: 'the guard answered a different request' });
        } else done({ ok: true, answer });
      } catch {
        done({ ok: false, error: 'the guard sent a malformed answer' });
      }
    });
    socket.on('error', (e) => done({ ok: false, error: `cannot reach the guard (${(e as NodeJS.ErrnoException).code ?? e.message})` }));
    socket.on('close', () => done({ ok: false, error: 'the guard closed the connection without answering' }));
  });
}
