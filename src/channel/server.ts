/**
 * The guard's end of the channel: a loopback TCP server that answers check requests carrying the
 * window's secret. Hostile or broken clients cannot stall it for others: requests are bounded in
 * size, a connection that says nothing is closed, each connection has few requests in flight, the
 * number of connections is capped, and a request without the right secret is dropped unanswered.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_REQUEST_BYTES, PROTOCOL_VERSION, isGuardRequest } from './protocol';
import type { GuardAnswer, GuardRequest } from './protocol';

export type GuardHandler = (req: GuardRequest & { type: 'check'; command: string }) => Promise<Omit<GuardAnswer, 'v' | 'id'>>;

export interface GuardServerOptions {
  handler: GuardHandler;
  secret?: string;
  /** Close a connection that has not sent a whole request within this time. */
  idleMs?: number;
  maxConnections?: number;
  maxInFlightPerConnection?: number;
  log?: (message: string) => void;
}

export interface GuardServer {
  readonly port: number;
  readonly secret: string;
  /** Requests answered and refused so far, for the status view and tests. */
  readonly stats: { answered: number; refused: number; connections: number };
  close(): Promise<void>;
}

export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startGuardServer(opts: GuardServerOptions): Promise<GuardServer> {
  const secret = opts.secret ?? newSecret();
  const idleMs = opts.idleMs ?? 10_000;
  const maxConnections = opts.maxConnections ?? 256;
  const maxInFlight = opts.maxInFlightPerConnection ?? 4;
  const log = opts.log ?? (() => undefined);
  const stats = { answered: 0, refused: 0, connections: 0 };
  const seenIds = new Set<string>();
  const sockets = new Set<Socket>();

  const refuse = (socket: Socket, why: string): void => {
    stats.refused++;
    log(`guard channel: refused a client (${why})`);
    socket.destroy();
  };

  const server: Server = createServer({ allowHalfOpen: false }, (socket) => {
    if (sockets.size >= maxConnections) return refuse(socket, 'too many connections');
    sockets.add(socket);
    stats.connections++;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    socket.setTimeout(idleMs, () => refuse(socket, 'idle'));
    let buffer = '';
    let inFlight = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) return refuse(socket, 'oversized request');
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim() === '') continue;
        let req: unknown;
        try {
          req = JSON.parse(line);
        } catch {
          return refuse(socket, 'malformed request');
        }
        if (!isGuardRequest(req) || !sameSecret(req.secret, secret)) return refuse(socket, 'bad secret or malformed request');
        if (req.v !== PROTOCOL_VERSION) return refuse(socket, `protocol version ${req.v}`);
        if (seenIds.has(req.id)) return refuse(socket, 'replayed request id');
        seenIds.add(req.id);
        if (seenIds.size > 10_000) seenIds.delete(seenIds.values().next().value as string);
        if (req.type === 'ping') {
          socket.write(JSON.stringify({ v: PROTOCOL_VERSION, id: req.id, outcome: 'allow', decision: 'allow', by: 'policy', message: 'pong' }) + '\n');
          continue;
        }
        if (typeof req.command !== 'string') return refuse(socket, 'check without a command');
        if (++inFlight > maxInFlight) return refuse(socket, 'too many requests in flight');
        // A request may wait on a person for a minute; the idle timer is only for silent clients.
        socket.setTimeout(0);
        const id = req.id;
        opts
          .handler(req as GuardRequest & { type: 'check'; command: string })
          .catch((e: unknown): Omit<GuardAnswer, 'v' | 'id'> => ({
            outcome: 'deny', decision: 'confirm', by: 'guard-error',
            message: `Interlock's guard failed (${(e as Error).message}); the command was not run.`,
          }))
          .then((answer) => {
            inFlight--;
            stats.answered++;
            if (inFlight === 0) socket.setTimeout(idleMs);
            if (!socket.destroyed) socket.write(JSON.stringify({ v: PROTOCOL_VERSION, id, ...answer }) + '\n');
          }, () => undefined);
      }
    });
  });
  server.maxConnections = maxConnections * 2;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    secret,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
