/** The asking end of the guard channel, for Node hooks (agents, fish, tasks). */
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { PROTOCOL_VERSION } from './protocol';
import type { GuardAnswer, GuardRequest } from './protocol';

export interface Endpoint {
  port: number;
  secret: string;
  host?: string;
}

export type AskResult = { ok: true; answer: GuardAnswer } | { ok: false; error: string };

/** Ask the guard; resolves with its answer or with why there is none (never throws). */
export function askGuard(endpoint: Endpoint, req: Omit<GuardRequest, 'v' | 'secret' | 'id'>, timeoutMs: number): Promise<AskResult> {
  const id = randomBytes(16).toString('hex');
  return new Promise((resolve) => {
    let settled = false;
    let buffer = '';
    const done = (r: AskResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = connect({ port: endpoint.port, host: endpoint.host ?? '127.0.0.1' });
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify({ v: PROTOCOL_VERSION, secret: endpoint.secret, id, ...req }) + '\n'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      try {
        const answer = JSON.parse(buffer.slice(0, nl)) as GuardAnswer;
        // An answer to some other request (a replay, a confused server) is no answer.
        if (answer.id !== id || (answer.outcome !== 'allow' && answer.outcome !== 'deny')) done({ ok: false, error: 'the guard answered a different request' });
        else done({ ok: true, answer });
      } catch {
        done({ ok: false, error: 'the guard sent a malformed answer' });
      }
    });
    socket.on('error', (e) => done({ ok: false, error: `cannot reach the guard (${(e as NodeJS.ErrnoException).code ?? e.message})` }));
    socket.on('close', () => done({ ok: false, error: 'the guard closed the connection without answering' }));
  });
}
