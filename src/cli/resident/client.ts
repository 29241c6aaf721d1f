/**
 * The short-lived side of the resident engine: offer one `check` or `hook` call to it and print its
 * answer. Anything short of a well-formed answer from the same build — no socket, a refused or
 * broken connection, a malformed reply — returns undefined, and the caller decides in its own
 * process. Never an allow by default.
 */
import { existsSync, lstatSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { hookBudget } from '../hooks/budget';
import type { StdinText } from '../stdin';
import { isPrivateDir, readAnswer, residentDir, RESIDENT_VERSION, socketName } from './protocol';
import type { ResidentAnswer, ResidentRequest } from './protocol';

export type Offer = { kind: 'answered'; answer: ResidentAnswer } | { kind: 'unreachable'; start: boolean } | { kind: 'timeout' };

/** Past this a `check` is decided in process instead: deciding a line takes milliseconds. */
const CHECK_TIMEOUT_MS = 15_000;
/** Kept back from a hook's budget so the refusal reaches the agent before it gives up. */
const HOOK_MARGIN_MS = 1_000;

/**
 * The socket to offer calls to: only in a directory nobody else can enter, and only one of this
 * user's — a socket planted by another account would otherwise be asked to decide. `start` says
 * whether starting an engine there is safe (the directory is absent or private).
 */
export function socketPath(env: Record<string, string | undefined>, build: string): { path?: string; start: boolean } {
  const dir = residentDir(env);
  const path = join(dir, socketName(build));
  if (path.length >= 100) return { start: false };
  if (!isPrivateDir(dir)) return { start: !existsSync(dir) };
  try {
    const st = lstatSync(path);
    if (!st.isSocket() || (process.getuid && st.uid !== process.getuid())) return { start: false };
  } catch {
    return { start: true };
  }
  return { path, start: true };
}

export function offer(build: string, argv: string[], stdin: StdinText | undefined, stdoutIsTTY: boolean): Promise<Offer> {
  const env = process.env;
  const { path, start } = socketPath(env, build);
  if (!path) return Promise.resolve({ kind: 'unreachable', start });
  const request: ResidentRequest = { v: RESIDENT_VERSION, build, argv, cwd: process.cwd(), env: env as Record<string, string>, stdin, stdoutIsTTY };
  const timeoutMs = argv[0] === 'hook' ? hookBudget(env) + HOOK_MARGIN_MS : CHECK_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    const done = (o: Offer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const socket = createConnection(path);
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    socket.on('connect', () => socket.end(JSON.stringify(request) + '\n'));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      const answer = readAnswer(Buffer.concat(chunks).toString('utf8'), build);
      done(answer ? { kind: 'answered', answer } : { kind: 'unreachable', start: false });
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // No socket, or one left by an engine that is gone: start one for the next call.
      done({ kind: 'unreachable', start: e.code === 'ENOENT' || e.code === 'ECONNREFUSED' });
    });
  });
}

/** Start a resident engine in the background for later calls; this call does not wait for it. */
export function startResident(launcher: string, build: string): void {
  try {
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    // Without the starting call's git variables (a call made inside a git hook has GIT_DIR set):
    // the engine's own git queries, for impact and snapshots, serve every later caller.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
    spawn(process.execPath, [launcher, 'resident', '--build', build], { detached: true, stdio: 'ignore', env, cwd: '/' }).unref();
  } catch {
    // Not started: every call is decided in its own process, as before.
  }
}
