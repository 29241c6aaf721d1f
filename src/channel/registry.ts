/**
 * Which editor windows are guarding which folders: one small file per window in a per-user
 * directory (0700, files 0600), so an agent hook started anywhere can find the window open on its
 * workspace and ask it. Files of windows whose process is gone are ignored and cleaned up.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface WindowEntry {
  pid: number;
  port: number;
  secret: string;
  folders: string[];
  app: string;
  started: string;
}

/** The per-user registry directory; created private, refused if someone else could write it. */
export function registryDir(env: Record<string, string | undefined> = process.env): string {
  const base = env.INTERLOCK_REGISTRY_DIR ?? (env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'interlock') : join(tmpdir(), `interlock-${process.getuid?.() ?? 'user'}`));
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const st = lstatSync(base);
  if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) throw new Error(`${base} is not a directory owned by this user`);
  if ((st.mode & 0o077) !== 0) chmodSync(base, 0o700);
  return base;
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
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
      const entry = JSON.parse(readFileSync(file, 'utf8')) as WindowEntry;
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
