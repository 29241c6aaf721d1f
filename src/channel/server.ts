/**
 * The guard's end of the channel: a loopback TCP server that proves itself to a client that says
 * the window's hello (see protocol.ts), then answers check requests carrying the window's secret.
 * Hostile or broken clients cannot stall it for others: lines are bounded in size, a connection
 * must send the hello soon after it opens (a deadline, not an idle timer, so a client trickling
 * bytes cannot hold its place), connections that never proved the secret are the first to go when
 * the cap is reached, each connection has few requests in flight, and a wrong hello or a request
 * without the right secret is dropped unanswered.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_REQUEST_BYTES, PROTOCOL_VERSION, handshakeFor, isGuardRequest, isHello, proofLine } from './protocol';
import type { GuardAnswer, GuardRequest } from './protocol';

/** Always passed by the server; optional in the type so that tests can call a handler directly. */
export interface HandlerContext {
  /** Aborted when the asking client goes away before its answer: nobody will act on it any more. */
  signal: AbortSignal;
}

export type GuardHandler = (req: GuardRequest & { type: 'check'; command: string }, ctx?: HandlerContext) => Promise<Omit<GuardAnswer, 'v' | 'id'>>;

export interface GuardServerOptions {
  handler: GuardHandler;
  secret?: string;
  /**
   * A new connection must have sent the right hello within this time. Every real client writes it
   * as soon as it connects; only a stalled or hostile one is slower. Never longer than `idleMs`.
   */
  firstRequestMs?: number;
  /** Close a proven connection that has nothing in flight and says nothing for this long. */
  idleMs?: number;
  maxConnections?: number;
  maxInFlightPerConnection?: number;
  log?: (message: string) => void;
}

export interface GuardServer {
  readonly port: number;
  readonly secret: string;
  /**
   * Requests answered and refused so far, connections accepted, connections that had not proved
   * the secret closed to make room for new ones, and connections open now; for the status view
   * and tests.
   */
  readonly stats: { answered: number; refused: number; connections: number; evicted: number; open: number };
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

/** At most one log line per reason per interval, with a count of what it left out. */
function throttledLog(log: (message: string) => void, intervalMs = 10_000): (reason: string) => void {
  const last = new Map<string, { at: number; skipped: number }>();
  return (reason) => {
    const now = Date.now();
    const seen = last.get(reason);
    if (seen && now - seen.at < intervalMs) {
      seen.skipped++;
      return;
    }
    const more = seen && seen.skipped > 0 ? ` (and ${seen.skipped} more since the last report)` : '';
    last.set(reason, { at: now, skipped: 0 });
    log(`guard channel: refused a client (${reason})${more}`);
  };
}

interface Connection {
  socket: Socket;
  /** Sent the right hello (a value derived from the secret) and was sent the proof. */
  proven: boolean;
  inFlight: number;
  /** Bytes of the line not yet ended by a newline. */
  partial: Buffer[];
  partialBytes: number;
  /** Aborted when the socket closes; handlers still working get told. */
  gone: AbortController;
}

export async function startGuardServer(opts: GuardServerOptions): Promise<GuardServer> {
  const secret = opts.secret ?? newSecret();
  const handshake = handshakeFor(secret);
  const proof = proofLine(handshake.proof);
  const idleMs = opts.idleMs ?? 10_000;
  const firstRequestMs = Math.min(opts.firstRequestMs ?? 3_000, idleMs);
  const maxConnections = opts.maxConnections ?? 256;
  const maxInFlight = opts.maxInFlightPerConnection ?? 4;
  const noteRefusal = throttledLog(opts.log ?? (() => undefined));
  const stats = { answered: 0, refused: 0, connections: 0, evicted: 0, open: 0 };
  const seenIds = new Set<string>();
  const connections = new Map<Socket, Connection>();
  // Connections that have not proved the secret yet, oldest first (a Set keeps insertion order).
  const unproven = new Set<Connection>();

  const refuse = (c: Connection, why: string): void => {
    stats.refused++;
    noteRefusal(why);
    c.socket.destroy();
  };

  /** Answers queued for a client that does not read them; past this it is cut off. */
  const MAX_UNREAD_BYTES = 1024 * 1024;
  const send = (c: Connection, line: string): void => {
    c.socket.write(line);
    if (c.socket.writableLength > MAX_UNREAD_BYTES) refuse(c, 'does not read its answers');
  };

  /** The refusal sent when the handler fails; one line, since a terminal prints it as one. */
  const failed = (e: unknown): Omit<GuardAnswer, 'v' | 'id'> => ({
    outcome: 'deny', decision: 'confirm', by: 'guard-error',
    message: `Interlock's guard failed (${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 500)}); the command was not run.`,
  });

  const answerLine = (id: string, answer: Omit<GuardAnswer, 'v' | 'id'>): string => JSON.stringify({ v: PROTOCOL_VERSION, id, ...answer }) + '\n';

  /** Handle one whole line; false when the connection was refused and reading must stop. */
  const onLine = (c: Connection, text: string): boolean => {
    if (text.trim() === '') return true;
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      refuse(c, 'malformed request');
      return false;
    }
    if (!c.proven) {
      // The first line must be the hello; a version 1 client's request (secret first) is not one.
      if (!isHello(req) || req.v !== PROTOCOL_VERSION || !sameSecret(req.hello, handshake.hello)) {
        refuse(c, isHello(req) || !isGuardRequest(req) ? 'no hello, or a wrong one' : `a request before the hello (protocol version ${req.v})`);
        return false;
      }
      c.proven = true;
      unproven.delete(c);
      send(c, proof);
      if (c.socket.destroyed) return false;
      c.socket.setTimeout(idleMs);
      return true;
    }
    if (!isGuardRequest(req) || !sameSecret(req.secret, secret)) {
      refuse(c, 'bad secret or malformed request');
      return false;
    }
    if (req.v !== PROTOCOL_VERSION) {
      refuse(c, `protocol version ${req.v}`);
      return false;
    }
    if (seenIds.has(req.id)) {
      refuse(c, 'replayed request id');
      return false;
    }
    seenIds.add(req.id);
    if (seenIds.size > 10_000) seenIds.delete(seenIds.values().next().value as string);
    if (req.type === 'ping') {
      send(c, answerLine(req.id, { outcome: 'allow', decision: 'allow', by: 'policy', message: 'pong' }));
      if (c.socket.destroyed) return false;
      c.socket.setTimeout(c.inFlight === 0 ? idleMs : 0);
      return true;
    }
    if (typeof req.command !== 'string') {
      refuse(c, 'check without a command');
      return false;
    }
    if (++c.inFlight > maxInFlight) {
      refuse(c, 'too many requests in flight');
      return false;
    }
    // A request may wait on a person for a minute; the idle timer is only for silent clients.
    c.socket.setTimeout(0);
    const id = req.id;
    let answer: Promise<Omit<GuardAnswer, 'v' | 'id'>>;
    try {
      answer = opts.handler(req as GuardRequest & { type: 'check'; command: string }, { signal: c.gone.signal });
    } catch (e) {
      answer = Promise.reject(e);
    }
    answer
      .then((a) => {
        // Whatever the handler returned must say allow or deny; anything else is a failure.
        if (typeof a !== 'object' || a === null || (a.outcome !== 'allow' && a.outcome !== 'deny')) throw new Error('the guard gave no outcome');
        return a;
      })
      .catch((e: unknown) => failed(e))
      .then((a) => {
        c.inFlight--;
        stats.answered++;
        if (c.socket.destroyed) return;
        let line: string;
        try {
          line = answerLine(id, a);
        } catch (e) {
          // An answer that cannot be serialised (a cycle, a BigInt) is still a refusal, not silence.
          line = answerLine(id, failed(e));
        }
        send(c, line);
        if (c.inFlight === 0 && !c.socket.destroyed) c.socket.setTimeout(idleMs);
      })
      .catch(() => undefined);
    return true;
  };

  const onData = (c: Connection, chunk: Buffer): void => {
    let start = 0;
    // Only the new bytes are searched for a newline: a client sending a long line in tiny pieces
    // costs the length of the line, not its square.
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (c.partialBytes + piece.length > MAX_REQUEST_BYTES) return refuse(c, 'oversized request');
      const line = c.partialBytes === 0 ? piece : Buffer.concat([...c.partial, piece]);
      c.partial = [];
      c.partialBytes = 0;
      start = nl + 1;
      if (!onLine(c, line.toString('utf8'))) return;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (c.partialBytes + rest.length > MAX_REQUEST_BYTES) return refuse(c, 'oversized request');
      c.partial.push(rest);
      c.partialBytes += rest.length;
    }
  };

  const server: Server = createServer({ allowHalfOpen: false }, (socket) => {
    socket.on('error', () => undefined);
    if (connections.size >= maxConnections) {
      // Make room by closing the oldest connection that never proved the secret: a flood of
      // strangers then churns among itself, while proven clients (who ask within a millisecond
      // of connecting) keep their places.
      const oldest = unproven.values().next().value as Connection | undefined;
      if (!oldest) {
        stats.refused++;
        noteRefusal('too many connections');
        socket.destroy();
        return;
      }
      stats.evicted++;
      unproven.delete(oldest);
      connections.delete(oldest.socket);
      oldest.socket.destroy();
    }
    const c: Connection = { socket, proven: false, inFlight: 0, partial: [], partialBytes: 0, gone: new AbortController() };
    connections.set(socket, c);
    unproven.add(c);
    stats.connections++;
    stats.open++;
    socket.setNoDelay(true);
    const deadline = setTimeout(() => {
      if (!c.proven) refuse(c, 'no hello in time');
    }, firstRequestMs);
    socket.on('close', () => {
      stats.open--;
      clearTimeout(deadline);
      connections.delete(socket);
      unproven.delete(c);
      c.partial = [];
      if (c.inFlight > 0) c.gone.abort();
    });
    socket.on('timeout', () => refuse(c, 'idle'));
    socket.on('data', (chunk: Buffer) => onData(c, chunk));
  });
  // The cap above is the real one; Node's own is a backstop for sockets between close and cleanup.
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
        for (const s of connections.keys()) s.destroy();
        server.close(() => resolve());
      }),
  };
}
