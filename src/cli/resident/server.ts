/**
 * `interlock resident`: the resident engine. Started in the background by the first `check` or
 * `hook` that finds none; serves later calls over a Unix socket in a private directory, each with
 * the caller's own arguments, directory, environment and input, through the same code a process
 * of its own would run; exits when idle. It keeps nothing between calls that a fresh process would
 * read afresh: rule files, the approval store and context files are read on every call, and an
 * engine is reused only for a workspace pack of identical content.
 */
import { createServer, createConnection } from 'node:net';
import type { Server, Socket } from 'node:net';
import { chmodSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../cliIo';
import { main } from '../main';
import { isPrivateDir, MAX_MESSAGE_BYTES, readRequest, residentDir, RESIDENT_VERSION, socketName } from './protocol';
import type { ResidentAnswer, ResidentRequest } from './protocol';

/** Idle this long, it exits; the next call starts it again. */
const DEFAULT_IDLE_MS = 10 * 60_000;
/** After this many calls it stops taking new ones and exits: a long-lived process's memory stays bounded. */
const MAX_SERVED = 100_000;
/** A caller sends its request at once; one that has not within this long is cut off. */
const REQUEST_WAIT_MS = 5_000;

function idleMs(env: Record<string, string | undefined>): number {
  const n = Number(env.INTERLOCK_RESIDENT_IDLE_MS);
  return Number.isFinite(n) && n >= 200 && n <= 24 * 3_600_000 ? n : DEFAULT_IDLE_MS;
}

/** Run one call as its caller would have, capturing what it prints. */
async function serve(req: ResidentRequest): Promise<Omit<ResidentAnswer, 'v' | 'build'>> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: req.env,
    cwd: req.cwd,
    stdin: () => Promise.resolve(req.stdin ?? { ok: false, error: 'no hook input was passed on' }),
    out: (text) => {
      stdout += text;
      return Promise.resolve();
    },
    err: (text) => {
      stderr += text;
    },
    stdoutIsTTY: () => req.stdoutIsTTY,
  };
  try {
    const code = await main(req.argv, io);
    return { stdout, stderr, code };
  } catch (e) {
    // The caller prints this and exits as the CLI does on an internal error; a hook's caller
    // treats a non-answer as a refusal.
    return { stdout, stderr: `${stderr}interlock: internal error: ${(e as Error)?.stack ?? String(e)}\n`, code: 70 };
  }
}

/** Whether something already answers on `path` (another resident engine of the same build). */
function live(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function runResident(args: string[]): Promise<number> {
  const build = args[0] === '--build' ? args[1] : undefined;
  if (!build) {
    process.stderr.write('interlock resident: started by interlock itself, with --build ID\n');
    return 64;
  }
  const env = process.env;
  const dir = residentDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Never made private after the fact: a directory others could enter may already hold their socket.
  if (!isPrivateDir(dir)) {
    process.stderr.write(`interlock resident: ${dir} is not a private directory of this user's; not started\n`);
    return 1;
  }
  const path = join(dir, socketName(build));
  const idle = idleMs(env);
  let active = 0;
  let served = 0;
  let idleTimer: NodeJS.Timeout | undefined;

  const server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    active++;
    clearTimeout(idleTimer);
    const chunks: Buffer[] = [];
    let size = 0;
    let handled = false;
    const finish = (): void => {
      active--;
      if (++served >= MAX_SERVED) server.close();
      armIdle();
    };
    // A caller that connects and says nothing (or goes away without a request) must not keep the
    // engine up: it is cut off, and counts as served.
    const silent = setTimeout(() => drop(), REQUEST_WAIT_MS);
    const drop = (): void => {
      clearTimeout(silent);
      if (handled) return;
      handled = true;
      socket.destroy();
      finish();
    };
    socket.on('close', drop);
    const handle = (): void => {
      clearTimeout(silent);
      if (handled) return;
      handled = true;
      const request = readRequest(Buffer.concat(chunks).toString('utf8'));
      if (typeof request === 'string' || request.build !== build) {
        // The caller sees no answer and decides in its own process.
        socket.destroy();
        finish();
        return;
      }
      void serve(request).then((a) => {
        socket.end(JSON.stringify({ v: RESIDENT_VERSION, build, ...a }) + '\n');
        finish();
      });
    };
    socket.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_MESSAGE_BYTES) {
        drop();
        return;
      }
      chunks.push(c);
      if (c.includes(10)) handle();
    });
    socket.on('end', handle);
    // A caller that went away (an agent that killed its hook) costs nothing more.
    socket.on('error', () => undefined);
  });

  const armIdle = (): void => {
    clearTimeout(idleTimer);
    if (active > 0) return;
    idleTimer = setTimeout(() => server.close(), served >= MAX_SERVED ? 0 : idle);
  };

  try {
    await listen(server, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (await live(path))) return 0;
    // Left behind by an engine that is gone.
    unlinkSync(path);
    await listen(server, path);
  }
  chmodSync(path, 0o600);
  const ours = lstatSync(path).ino;
  armIdle();
  await new Promise<void>((resolve) => server.on('close', resolve));
  try {
    // Only our own socket: a newer engine may have taken the name since.
    if (statSync(path).ino === ours) unlinkSync(path);
  } catch {
    // already gone
  }
  return 0;
}
