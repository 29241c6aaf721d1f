/**
 * The resident engine's socket and messages. A `check` or `hook` process is mostly Node starting
 * and Interlock's code loading; a resident engine keeps the code, the packs and the grammar warm,
 * and the short-lived process hands it the whole call — arguments, directory, environment and
 * standard input — and prints what comes back. One request and one answer per connection, each a
 * JSON line.
 *
 * Kept free of heavy imports: the launcher loads this module in every hook process.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { StdinText } from '../stdin';

export const RESIDENT_VERSION = 1;
/** A request carries at most the hook input (4 MiB, escaped) and an environment; beyond is hostile. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export interface ResidentRequest {
  v: number;
  build: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: StdinText;
  stdoutIsTTY: boolean;
}

export interface ResidentAnswer {
  v: number;
  build: string;
  stdout: string;
  stderr: string;
  code: number;
}

/** The calls the resident engine serves: everything else runs in the process it was started in. */
export function servedHere(argv: string[]): boolean {
  return argv[0] === 'hook' || (argv[0] === 'check' && !argv.includes('--jsonl'));
}

/**
 * The directory the socket lives in: the user's runtime directory, else a per-user one in /tmp
 * (not $TMPDIR, which agents and sandboxes change per process, so callers would miss each other).
 */
export function residentDir(env: Record<string, string | undefined>): string {
  const uid = process.getuid?.() ?? 'user';
  return env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR.startsWith('/') ? join(env.XDG_RUNTIME_DIR, 'interlock') : join('/tmp', `interlock-${uid}`);
}

/** Short and stable per build: the socket path must fit the 104 bytes a Unix socket address allows. */
export function socketName(build: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < build.length; i++) h = Math.imul(h ^ build.charCodeAt(i), 0x01000193) >>> 0;
  return `engine-${h.toString(36)}.sock`;
}

/** True when `dir` is a directory of this user's that nobody else may enter: only then is its socket trusted. */
export function isPrivateDir(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && (!process.getuid || st.uid === process.getuid()) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isStdin(v: unknown): v is StdinText {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.ok === true ? typeof o.text === 'string' : o.ok === false && typeof o.error === 'string';
}

/** The request as the server may act on it, or why not. */
export function readRequest(text: string): ResidentRequest | string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'the request is not JSON';
  }
  if (typeof o !== 'object' || o === null || o.v !== RESIDENT_VERSION) return 'unknown request version';
  if (typeof o.build !== 'string') return 'the request names no build';
  if (!Array.isArray(o.argv) || !o.argv.every((a) => typeof a === 'string') || !servedHere(o.argv as string[])) return 'the request is not a check or a hook';
  if (typeof o.cwd !== 'string' || !o.cwd.startsWith('/')) return 'the request has no absolute directory';
  if (!isStringRecord(o.env)) return 'the request environment is not a map of strings';
  if (o.stdin !== undefined && !isStdin(o.stdin)) return 'the request input is malformed';
  if (typeof o.stdoutIsTTY !== 'boolean') return 'the request does not say where its output goes';
  return o as unknown as ResidentRequest;
}

/** The answer as the caller may print it, or undefined (the caller then decides in its own process). */
export function readAnswer(text: string, build: string): ResidentAnswer | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (o.v !== RESIDENT_VERSION || o.build !== build) return undefined;
    if (typeof o.stdout !== 'string' || typeof o.stderr !== 'string' || !Number.isInteger(o.code)) return undefined;
    return o as unknown as ResidentAnswer;
  } catch {
    return undefined;
  }
}
