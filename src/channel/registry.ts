/**
 * Which editor windows are guarding which folders: one small file per window in a per-user
 * directory (0700, files 0600), so an agent hook started anywhere can find the window open on its
 * workspace and ask it. Files of windows whose process is gone are ignored and cleaned up.
 *
 * The same directory holds each window's endpoint file, which its terminals read when the address
 * they were started with stops answering (see writeEndpoint).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { handshakeFor } from './protocol';
import { privateDir, replaceFile } from '../fsutil/privateFiles';

export interface WindowEntry {
  pid: number;
  port: number;
  secret: string;
  folders: string[];
  app: string;
  started: string;
}

/**
 * The per-user registry directory; created private, refused if someone else could write it. An
 * explicit INTERLOCK_REGISTRY_DIR is used or refused as it is. Otherwise the usual place (under
 * XDG_RUNTIME_DIR, else the shared temporary directory); if another user holds that name first
 * (their directory, or a symlink), a directory in this user's home instead: every window and hook
 * of the user makes the same choice, so they still find each other.
 */
export function registryDir(env: Record<string, string | undefined> = process.env): string {
  if (env.INTERLOCK_REGISTRY_DIR) return privateDir(env.INTERLOCK_REGISTRY_DIR);
  const uid = process.getuid?.() ?? 'user';
  const usual = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'interlock') : join(tmpdir(), `interlock-${uid}`);
  try {
    return privateDir(usual);
  } catch {
    return privateDir(join(env.HOME || homedir(), '.cache', 'interlock', `registry-${uid}`));
  }
}

export function registerWindow(entry: Omit<WindowEntry, 'started'>, env?: Record<string, string | undefined>): { file: string; dispose(): void } {
  const dir = registryDir(env);
  const file = join(dir, `window-${entry.pid}-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify({ ...entry, started: new Date().toISOString() }), { mode: 0o600 });
  return {
    file,
    dispose: () => {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}

/** A window file as registerWindow writes it; anything else is not an endpoint to trust. */
function isWindowEntry(x: unknown): x is WindowEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    Number.isSafeInteger(e.pid) && (e.pid as number) > 0 &&
    Number.isInteger(e.port) && (e.port as number) > 0 && (e.port as number) < 65536 &&
    typeof e.secret === 'string' && e.secret.length > 0 &&
    Array.isArray(e.folders) && e.folders.every((f) => typeof f === 'string')
  );
}

/**
 * Whether the window's process still runs as this user. A pid now held by someone else's process
 * (the window died and the number was reused) is a dead window: its port may be theirs too.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: a process of another user, so not the window that registered.
    return false;
  }
  if (!process.getuid) return true;
  try {
    return statSync(`/proc/${pid}`).uid === process.getuid();
  } catch {
    // Gone since the signal check, or no /proc here (not Linux: the signal check is all there is).
    return !existsSync('/proc/self');
  }
}

/** Windows whose process still runs; stale files are removed as they are found. */
export function liveWindows(env?: Record<string, string | undefined>): WindowEntry[] {
  let dir: string;
  try {
    dir = registryDir(env);
  } catch {
    return [];
  }
  const out: WindowEntry[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('window-') || !name.endsWith('.json')) continue;
    const file = join(dir, name);
    try {
      const st = lstatSync(file);
      // Only regular files we own and nobody else can read: anything else is not ours to trust.
      if (!st.isFile() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) continue;
      const entry: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!isWindowEntry(entry)) continue;
      if (!alive(entry.pid)) {
        unlinkSync(file);
        continue;
      }
      out.push(entry);
    } catch {
      // unreadable or half-written: skip
    }
  }
  return out;
}

function within(path: string, folder: string): boolean {
  const f = folder.replace(/\/+$/, '');
  return path === f || path.startsWith(f + '/');
}

/** The window guarding `path` (the deepest folder that contains it), if any. */
export function windowFor(paths: string[], env?: Record<string, string | undefined>): WindowEntry | undefined {
  let best: { entry: WindowEntry; depth: number } | undefined;
  for (const entry of liveWindows(env)) {
    for (const folder of entry.folders) {
      if (!paths.some((p) => within(p, folder))) continue;
      const depth = folder.length;
      if (!best || depth > best.depth) best = { entry, depth };
    }
  }
  return best?.entry;
}

/** Where a window's guard listens now, with the handshake values the shells compare (see protocol.ts). */
export interface EndpointRecord {
  port: number;
  secret: string;
  hello: string;
  proof: string;
}

/**
 * The endpoint file of the window `windowId` names: the same path for as long as the window lives,
 * so a terminal keeps finding its window's guard when the extension host restarts (its port and
 * secret change then, the terminal's environment does not). `windowId` is vscode.env.sessionId,
 * which belongs to the window's renderer: an extension-host restart keeps it and the terminals.
 */
export function endpointFile(windowId: string, env?: Record<string, string | undefined>): string {
  return join(registryDir(env), `endpoint-${createHash('sha256').update(windowId).digest('hex').slice(0, 32)}`);
}

/**
 * The file's one line, `interlock-endpoint 2 PORT SECRET HELLO PROOF`: words a shell splits with
 * `read`, nothing to parse. 2 is the protocol version.
 */
export function formatEndpoint(e: EndpointRecord): string {
  return `interlock-endpoint 2 ${e.port} ${e.secret} ${e.hello} ${e.proof}\n`;
}

/** Write (or replace) the endpoint file: 0600, and renamed into place so no reader sees half of it. */
export function writeEndpoint(file: string, e: Omit<EndpointRecord, 'hello' | 'proof'>): EndpointRecord {
  const record = { port: e.port, secret: e.secret, ...handshakeFor(e.secret) };
  if (!/^[0-9A-Za-z_-]+$/.test(record.secret)) throw new Error('a secret for the endpoint file must be one plain word');
  replaceFile(file, formatEndpoint(record));
  return record;
}

/**
 * The endpoint in `file`, if it is a regular file of this user's that nobody else can read and
 * holds a well-formed line; undefined otherwise. A file others can read may have told them the
 * secret, and with it how to pass as the guard.
 */
export function readEndpoint(file: string): EndpointRecord | undefined {
  try {
    const st = lstatSync(file);
    if (!st.isFile() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) return undefined;
    const m = /^interlock-endpoint 2 (\d{1,5}) ([0-9A-Za-z_-]+) ([0-9a-f]{64}) ([0-9a-f]{64})\n?$/.exec(readFileSync(file, 'utf8'));
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) return undefined;
    return { port: Number(m[1]), secret: m[2], hello: m[3], proof: m[4] };
  } catch {
    return undefined;
  }
}

/** Remove the endpoint file if it still names the guard with `secret` (a newer guard's file stays). */
export function removeEndpoint(file: string, secret: string): void {
  if (readEndpoint(file)?.secret !== secret) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
