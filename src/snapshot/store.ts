/**
 * Snapshots: what an approved command is about to delete or overwrite, kept in the user's state
 * folder (`$XDG_STATE_HOME/interlock/snapshots`, 0700) so one step undoes it.
 *
 * How content is kept: a file the command deletes (`rm`, `find -delete`, `git clean`) is hard-linked
 * into the store when it is on the same file system — instant, and no second copy, because after the
 * delete the store's link is the only one left. A file the command overwrites in place (`> f`,
 * `sed -i`, `truncate`, a git checkout) is copied (a reflink where the file system has them): a hard
 * link shares the inode, so the overwrite would destroy the kept content too. Across file systems,
 * or where the kernel refuses a link (protected hard links), a copy. Folders are recorded with their
 * modes and times, symlinks as links (never followed), git's index as a copy of the file, and refs
 * (a branch, a stash entry, a moved HEAD) as the commit ids they pointed to — the commits stay in the
 * object store, which keeps unreachable objects for two weeks by default (gc.pruneExpire), longer
 * than a snapshot lives. Nothing is written in the repository or outside the store when taking one.
 *
 * A snapshot is complete when its manifest exists: the manifest is written last, whole (through a
 * temporary file renamed over), so a snapshot cut short (a crash, a full disk) is never listed and is
 * swept away later. Budget (bytes kept, all snapshots together) and expiry are checked on every take.
 */
import {
  closeSync, copyFileSync, constants, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, realpathSync,
  renameSync, rmSync, statfsSync, symlinkSync, unlinkSync, utimesSync, chmodSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stateDir } from '../approvals/approvalStore';
import { privateDir, replaceFile } from '../fsutil/privateFiles';
import { lockFile } from '../fsutil/lockFile';
import type { Assessment, GitKeep, TargetHow } from '../impact/assess';
import { runGit } from '../impact/git';
import { walk } from '../impact/walk';
import { formatBytes } from '../impact/assess';

export interface Entry {
  /** Absolute, with no symlink among its folders when it was taken. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'absent';
  how: TargetHow;
  mode?: number;
  mtimeMs?: number;
  atimeMs?: number;
  size?: number;
  /** Where the content is, relative to the snapshot's folder. */
  blob?: string;
  kept?: 'link' | 'copy';
  /** A symlink's target, as stored in the link. */
  target?: string;
}

export type GitRecord = GitKeep & { blob?: string };

export interface Manifest {
  v: 1;
  id: string;
  command: string;
  cwd: string;
  createdAt: number;
  expiresAt: number;
  /** The impact line shown to the person, e.g. `deletes 12 files (3 MB)`. */
  summary: string;
  files: number;
  bytes: number;
  linked: number;
  copied: number;
  entries: Entry[];
  git: GitRecord[];
  /** Files that went away while the snapshot was taken: nothing of them was left to lose. */
  vanished: string[];
  /** State of each entry's path right after the command ran, when the guard saw it end. */
  after?: Record<string, StatKey | null>;
  restoredAt?: number;
}

/** What "changed since" compares: type, size, modification time and inode. */
type StatKey = string;

export interface StoreOptions {
  /** The store's folder; default `$XDG_STATE_HOME/interlock/snapshots`. */
  dir?: string;
  /** Bytes all snapshots together may keep; default 1 GiB (`INTERLOCK_SNAPSHOT_BUDGET`, e.g. `512M`). */
  budgetBytes?: number;
  /** How long a snapshot is kept; default 7 days (`INTERLOCK_SNAPSHOT_DAYS`). */
  expiryMs?: number;
  /** Never hard-link, always copy (for measuring the two). */
  copyOnly?: boolean;
  /** Called before each file is kept (tests make files vanish here). */
  beforeKeep?: (path: string) => void;
}

export const DEFAULT_BUDGET_BYTES = 1024 ** 3;
export const DEFAULT_EXPIRY_MS = 7 * 24 * 3600 * 1000;
/** A snapshot folder without a manifest older than this was cut short: swept away. */
const PARTIAL_GRACE_MS = 3600 * 1000;
const MANIFEST = 'manifest.json';

export function storeDir(env: Record<string, string | undefined> = process.env): string {
  return join(stateDir(env), 'snapshots');
}

/** `512M`, `2G`, `1048576`: bytes. */
export function parseBytes(text: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text ?? '');
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()));
}

/** Options from the environment (the CLI) with explicit ones (the editor's settings) over them. */
export function storeOptions(env: Record<string, string | undefined> = process.env, over: StoreOptions = {}): Required<Omit<StoreOptions, 'beforeKeep'>> & StoreOptions {
  const days = Number(env.INTERLOCK_SNAPSHOT_DAYS);
  return {
    dir: storeDir(env),
    budgetBytes: parseBytes(env.INTERLOCK_SNAPSHOT_BUDGET) ?? DEFAULT_BUDGET_BYTES,
    expiryMs: Number.isFinite(days) && days > 0 ? days * 24 * 3600 * 1000 : DEFAULT_EXPIRY_MS,
    copyOnly: false,
    ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)),
  };
}

export type TakeResult =
  | { ok: true; manifest: Manifest }
  /** `nothing`: the command destroys nothing a snapshot could keep (a device, a socket, a remote). */
  | { ok: false; reason: string; nothing?: true };

function newId(now: number): string {
  const d = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${d}-${randomBytes(3).toString('hex')}`;
}

/** `a/b/c` with its folders resolved (`/tmp` → `/private/tmp`), the last part left as it is. */
function canonical(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

const errText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOSPC') return 'the disk is full';
  if (err.code === 'EDQUOT') return 'the disk quota is used up';
  if (err.code === 'EACCES' || err.code === 'EPERM') return `permission denied${err.path ? ` (${err.path})` : ''}`;
  return err.message;
};

/** Every snapshot with a manifest, newest first. */
export function listSnapshots(opts: StoreOptions = {}): Manifest[] {
  const dir = opts.dir ?? storeDir();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Manifest[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(readFileSync(join(dir, n, MANIFEST), 'utf8')) as Manifest);
    } catch {
      // no manifest: cut short, not a snapshot
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt);
}

export function readSnapshot(id: string, opts: StoreOptions = {}): Manifest | undefined {
  if (!/^[\w-]+$/.test(id)) return undefined;
  try {
    return JSON.parse(readFileSync(join(opts.dir ?? storeDir(), id, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

function removeSnapshot(dir: string, id: string): void {
  rmSync(join(dir, id), { recursive: true, force: true });
}

/** Remove expired snapshots and ones cut short; then the oldest until `need` more bytes fit the budget. */
function prune(o: ReturnType<typeof storeOptions>, need: number, now: number): void {
  let names: string[] = [];
  try {
    names = readdirSync(o.dir);
  } catch {
    return;
  }
  const live = listSnapshots(o);
  const ids = new Set(live.map((m) => m.id));
  for (const n of names) {
    if (ids.has(n)) continue;
    try {
      if (now - lstatSync(join(o.dir, n)).mtimeMs > PARTIAL_GRACE_MS) removeSnapshot(o.dir, n);
    } catch {
      // gone already
    }
  }
  const kept: Manifest[] = [];
  for (const m of live) {
    if (m.expiresAt <= now) removeSnapshot(o.dir, m.id);
    else kept.push(m);
  }
  let total = kept.reduce((s, m) => s + m.bytes, 0);
  for (const m of kept.reverse()) {
    if (total + need <= o.budgetBytes) break;
    removeSnapshot(o.dir, m.id);
    total -= m.bytes;
  }
}

/** What a snapshot of `a` would keep, without writing anything: for saying "no undo" before asking. */
export async function planSnapshot(a: Assessment, over: StoreOptions = {}, timeMs = 30_000): Promise<{ ok: true; entries: Entry[]; bytes: number } | { ok: false; reason: string }> {
  const o = storeOptions(process.env, over);
  if (a.unknown.length > 0) return { ok: false, reason: `what it changes is not fully known before it runs (${a.unknown[0]})` };
  const deadline = performance.now() + timeMs;
  const entries: Entry[] = [];
  let bytes = 0;
  let problem: string | undefined;
  for (const t of a.targets) {
    const root = canonical(t.path);
    if (t.how === 'absent') {
      entries.push({ path: root, type: 'absent', how: t.how });
      continue;
    }
    const r = await walk(root, deadline, ({ path, stat }) => {
      const e = entryOf(path, stat, t.how);
      if (!e) return;
      if (e.type === 'file') {
        // Reading what is kept is the least a snapshot needs.
        if (!readable(path)) {
          problem ??= `${path} cannot be read (permission denied)`;
          return false;
        }
        bytes += e.size ?? 0;
      }
      entries.push(e);
    });
    if (problem) return { ok: false, reason: problem };
    if (!r.complete) return { ok: false, reason: `${root} could not be listed in full (${r.problems[0] ?? 'unknown'})` };
  }
  if (bytes > o.budgetBytes) return { ok: false, reason: `it would keep ${formatBytes(bytes)}, more than the snapshot budget of ${formatBytes(o.budgetBytes)}` };
  try {
    privateDir(o.dir);
    const fs = statfsSync(o.dir);
    // Links cost no space; copies do, and the disk must keep some room after them.
    if (fs.bavail * fs.bsize < bytes + 16 * 1024 * 1024 && bytes > 0) {
      const sameDevice = entries.every((e) => e.how === 'delete' && !o.copyOnly);
      if (!sameDevice) return { ok: false, reason: `the disk has ${formatBytes(fs.bavail * fs.bsize)} free, not enough to keep ${formatBytes(bytes)}` };
    }
  } catch (e) {
    return { ok: false, reason: `the snapshot store ${o.dir} cannot be written (${errText(e)})` };
  }
  return { ok: true, entries, bytes };
}

function readable(path: string): boolean {
  try {
    closeSync(openSync(path, 'r'));
    return true;
  } catch {
    return false;
  }
}

function entryOf(path: string, st: Stats, how: TargetHow): Entry | undefined {
  const base = { path, how, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, atimeMs: st.atimeMs };
  if (st.isDirectory()) return how === 'delete' || how === 'move' ? { ...base, type: 'dir' } : undefined;
  if (st.isSymbolicLink()) return { ...base, type: 'symlink', target: readlinkSync(path) };
  if (st.isFile()) return { ...base, type: 'file', size: st.size };
  return undefined; // sockets, fifos, devices: nothing a snapshot can keep
}

/**
 * Keep what `a` says the command will destroy. Writes only inside the store; on any failure the
 * half-made snapshot is removed and the reason returned, so a person is told there is no undo.
 */
export async function takeSnapshot(a: Assessment, command: string, cwd: string, over: StoreOptions = {}): Promise<TakeResult> {
  const o = storeOptions(process.env, over);
  const now = Date.now();
  const plan = await planSnapshot(a, over);
  if (!plan.ok) return plan;
  if (plan.entries.length === 0 && a.git.length === 0) return { ok: false, reason: 'it destroys nothing here that a snapshot could keep', nothing: true };
  try {
    privateDir(o.dir);
    prune(o, plan.bytes, now);
  } catch (e) {
    return { ok: false, reason: `the snapshot store ${o.dir} cannot be written (${errText(e)})` };
  }
  const id = newId(now);
  const dir = join(o.dir, id);
  const m: Manifest = {
    v: 1, id, command, cwd, createdAt: now, expiresAt: now + o.expiryMs, summary: a.impact.summary,
    files: 0, bytes: 0, linked: 0, copied: 0, entries: [], git: [], vanished: [],
  };
  try {
    mkdirSync(dir, { mode: 0o700 });
    mkdirSync(join(dir, 'blobs'), { mode: 0o700 });
    let storeDev: number | undefined;
    try {
      storeDev = lstatSync(dir).dev;
    } catch {
      storeDev = undefined;
    }
    let n = 0;
    for (const e of plan.entries) {
      if (e.type !== 'file') {
        m.entries.push(e);
        continue;
      }
      o.beforeKeep?.(e.path);
      const blob = join('blobs', String(n++));
      const kept = keepFile(e, join(dir, blob), !o.copyOnly && e.how === 'delete', storeDev);
      if (kept === 'vanished') {
        m.vanished.push(e.path);
        continue;
      }
      m.entries.push({ ...e, blob, kept: kept.how, size: kept.size });
      m.files++;
      m.bytes += kept.size;
      if (kept.how === 'link') m.linked++;
      else m.copied++;
    }
    for (const g of a.git) {
      if (g.kind === 'index') {
        const blob = join('blobs', `index-${n++}`);
        try {
          copyFileSync(g.indexPath, join(dir, blob));
          m.git.push({ ...g, blob });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          m.git.push(g); // no index yet: restoring means none
        }
      } else m.git.push(g);
    }
    replaceFile(join(dir, MANIFEST), JSON.stringify(m));
    return { ok: true, manifest: m };
  } catch (e) {
    removeSnapshot(o.dir, id);
    return { ok: false, reason: `the snapshot could not be taken: ${errText(e)}` };
  }
}

/** Hard-link (when allowed and possible) or copy one file into the store; checks it did not change meanwhile. */
function keepFile(e: Entry, dest: string, mayLink: boolean, storeDev: number | undefined): { how: 'link' | 'copy'; size: number } | 'vanished' {
  for (let attempt = 0; attempt < 3; attempt++) {
    let before: Stats;
    try {
      before = lstatSync(e.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'vanished';
      throw err;
    }
    if (!before.isFile()) return 'vanished';
    let how: 'link' | 'copy' = 'copy';
    if (mayLink && before.dev === storeDev) {
      try {
        linkSync(e.path, dest);
        how = 'link';
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return 'vanished';
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
      }
    }
    if (how === 'copy') {
      try {
        copyFileSync(e.path, dest, constants.COPYFILE_FICLONE);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'vanished';
        throw err;
      }
    }
    const after = lstatSync(dest);
    // A copy taken while someone wrote the file may be torn: take it again.
    if (how === 'link' || (after.size === before.size && lstatSync(e.path).mtimeMs === before.mtimeMs)) return { how, size: after.size };
    unlinkSync(dest);
  }
  throw new Error(`${e.path} kept changing while it was being copied`);
}

function statKey(path: string): StatKey | null {
  try {
    const s = lstatSync(path);
    return `${s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : 'f'}:${s.isDirectory() ? 0 : s.size}:${s.isDirectory() ? 0 : s.mtimeMs}:${s.ino}`;
  } catch {
    return null;
  }
}

/**
 * Record what the command left at each path, right after it ran: an undo then refuses to overwrite
 * only what changed after that (a person's later edits), not the command's own changes.
 */
export function sealSnapshot(id: string, over: StoreOptions = {}): void {
  const dir = over.dir ?? storeDir();
  const m = readSnapshot(id, { dir });
  if (!m || m.after) return;
  m.after = Object.fromEntries(m.entries.map((e) => [e.path, statKey(e.path)]));
  replaceFile(join(dir, id, MANIFEST), JSON.stringify(m));
}

export interface RestoreResult {
  ok: boolean;
  restored: number;
  /** Paths changed since the command ran; nothing was restored because of them (unless forced). */
  conflicts: { path: string; why: string }[];
  /** Paths that failed to restore: the restore is partial. */
  failed: { path: string; why: string }[];
}

/** Same content as the blob (size first, then bytes). */
function sameContent(path: string, blob: string, size: number): boolean {
  const a = openSync(path, 'r');
  const b = openSync(blob, 'r');
  try {
    if (lstatSync(path).size !== size) return false;
    const ba = Buffer.alloc(1 << 16);
    const bb = Buffer.alloc(1 << 16);
    for (;;) {
      const na = readSync(a, ba, 0, ba.length, null);
      const nb = readSync(b, bb, 0, bb.length, null);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(a);
    closeSync(b);
  }
}

/** The nearest existing folder above `path` must be a real folder, not a symlink put there since. */
function safeParents(path: string): string | undefined {
  let p = dirname(path);
  for (;;) {
    try {
      const real = realpathSync(p);
      return real === p ? undefined : `${p} is now a link to ${real}`;
    } catch {
      const up = dirname(p);
      if (up === p) return undefined;
      p = up;
    }
  }
}

function conflictOf(e: Entry, m: Manifest, dir: string): string | undefined {
  const unsafe = safeParents(e.path);
  if (unsafe) return unsafe;
  if (m.after) {
    const before = m.after[e.path];
    if (before !== undefined && statKey(e.path) !== before) return 'changed since the command ran';
    return undefined;
  }
  // Not sealed: what the command itself overwrote or created is expected to differ.
  if (e.how !== 'delete') return undefined;
  let st: Stats;
  try {
    st = lstatSync(e.path);
  } catch {
    return undefined;
  }
  if (e.type === 'dir') return st.isDirectory() ? undefined : 'something else is there now';
  if (e.type === 'symlink') return st.isSymbolicLink() && readlinkSync(e.path) === e.target ? undefined : 'something else is there now';
  if (e.type === 'file') return st.isFile() && sameContent(e.path, join(dir, e.blob!), e.size ?? 0) ? undefined : 'a different file is there now';
  return undefined;
}

/**
 * Put back what snapshot `id` kept: content, modes, times, symlinks, git's index and refs. Without
 * `force` it refuses (restoring nothing) when a path changed since; with it, those are overwritten.
 * Each file is written beside its place and renamed over it, so none is ever half-restored.
 */
export async function restoreSnapshot(id: string, opts: { force?: boolean } & StoreOptions = {}): Promise<RestoreResult> {
  const dir = join(opts.dir ?? storeDir(), id);
  const result: RestoreResult = { ok: false, restored: 0, conflicts: [], failed: [] };
  if (!readSnapshot(id, opts)) {
    result.failed.push({ path: id, why: 'no such snapshot (expired, removed, or never completed)' });
    return result;
  }
  // Two undos of one snapshot at once (the notification and the command, two windows) take turns.
  let release: () => void;
  try {
    release = lockFile(join(dir, 'restore'), `snapshot ${id}`, 10 * 60_000, 15_000);
  } catch (e) {
    result.failed.push({ path: id, why: (e as Error).message });
    return result;
  }
  try {
    return await restoreLocked(id, dir, opts, result);
  } finally {
    release();
  }
}

async function restoreLocked(id: string, dir: string, opts: { force?: boolean } & StoreOptions, result: RestoreResult): Promise<RestoreResult> {
  const m = readSnapshot(id, opts);
  if (!m) {
    result.failed.push({ path: id, why: 'the snapshot went away' });
    return result;
  }
  for (const e of m.entries) {
    const why = conflictOf(e, m, dir);
    if (why) result.conflicts.push({ path: e.path, why });
  }
  for (const g of m.git) {
    if (g.kind === 'branch') {
      const now = await runGit(g.root, ['rev-parse', '--verify', '-q', `refs/heads/${g.name}`], 10_000);
      if (now.ok && now.stdout.toString().trim() !== g.oid) result.conflicts.push({ path: `branch ${g.name}`, why: 'exists again, at another commit' });
    }
  }
  if (result.conflicts.length > 0 && !opts.force) return result;
  const unsafe = new Set(result.conflicts.filter((c) => / is now a link to /.test(c.why)).map((c) => c.path));
  const entries = [...m.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const fail = (path: string, e: unknown): void => {
    result.failed.push({ path, why: errText(e) });
  };
  for (const e of entries) {
    // Never written through a folder that became a link: that could land outside the workspace.
    if (unsafe.has(e.path) || safeParents(e.path)) {
      result.failed.push({ path: e.path, why: 'a folder on its way is now a link; not restored' });
      continue;
    }
    try {
      restoreEntry(e, dir);
      result.restored++;
    } catch (err) {
      fail(e.path, err);
    }
  }
  // Folder modes and times last, deepest first: writing into a folder changes its time.
  for (const e of [...entries].reverse()) {
    if (e.type !== 'dir') continue;
    try {
      chmodSync(e.path, e.mode!);
      utimesSync(e.path, e.atimeMs! / 1000, e.mtimeMs! / 1000);
    } catch (err) {
      if (!result.failed.some((f) => f.path === e.path)) fail(e.path, err);
    }
  }
  for (const g of m.git) {
    try {
      await restoreGit(g, dir);
    } catch (err) {
      fail(g.kind === 'index' ? g.indexPath : `${g.kind} in ${g.root}`, err);
    }
  }
  result.ok = result.failed.length === 0;
  if (result.ok) {
    m.restoredAt = Date.now();
    try {
      replaceFile(join(dir, MANIFEST), JSON.stringify(m));
    } catch {
      // restored all the same; only the mark is missing
    }
  }
  return result;
}

function restoreEntry(e: Entry, dir: string): void {
  if (e.type === 'absent') {
    // The command created it (a git checkout of a deleted file): it goes again.
    let st: Stats | undefined;
    try {
      st = lstatSync(e.path);
    } catch {
      return;
    }
    if (st.isDirectory()) rmSync(e.path, { recursive: true });
    else unlinkSync(e.path);
    return;
  }
  if (e.type === 'dir') {
    let st: Stats | undefined;
    try {
      st = lstatSync(e.path);
    } catch {
      st = undefined;
    }
    if (st && !st.isDirectory()) unlinkSync(e.path);
    if (!st || !st.isDirectory()) mkdirSync(e.path, { mode: 0o700 });
    return;
  }
  mkdirSync(dirname(e.path), { recursive: true });
  const tmp = join(dirname(e.path), `.interlock-restore-${randomBytes(6).toString('hex')}`);
  try {
    if (e.type === 'symlink') symlinkSync(e.target!, tmp);
    else {
      // A linked blob goes back as a link (instant, no space); a copied one as a copy.
      if (e.kept === 'link') {
        try {
          linkSync(join(dir, e.blob!), tmp);
        } catch {
          copyFileSync(join(dir, e.blob!), tmp, constants.COPYFILE_FICLONE);
        }
      } else copyFileSync(join(dir, e.blob!), tmp, constants.COPYFILE_FICLONE);
      chmodSync(tmp, e.mode!);
      utimesSync(tmp, e.atimeMs! / 1000, e.mtimeMs! / 1000);
    }
    let st: Stats | undefined;
    try {
      st = lstatSync(e.path);
    } catch {
      st = undefined;
    }
    // A folder standing where the file was (forced) is moved out of the way, not merged.
    if (st?.isDirectory()) rmSync(e.path, { recursive: true });
    renameSync(tmp, e.path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

async function restoreGit(g: GitRecord, dir: string): Promise<void> {
  const ok = async (args: string[]): Promise<void> => {
    const r = await runGit(g.root, args, 30_000);
    if (!r.ok) throw new Error(`git ${args[0]}: ${r.error}`);
  };
  if (g.kind === 'index') {
    if (!g.blob) return rmSync(g.indexPath, { force: true });
    const tmp = `${g.indexPath}.interlock-${randomBytes(6).toString('hex')}`;
    copyFileSync(join(dir, g.blob), tmp);
    renameSync(tmp, g.indexPath);
  } else if (g.kind === 'ref') await ok(['update-ref', g.ref, g.oid]);
  else if (g.kind === 'branch') {
    const now = await runGit(g.root, ['rev-parse', '--verify', '-q', `refs/heads/${g.name}`], 10_000);
    if (!now.ok) await ok(['update-ref', `refs/heads/${g.name}`, g.oid, '']);
  } else {
    const list = await runGit(g.root, ['stash', 'list', '--format=%H'], 10_000);
    const present = new Set(list.ok ? list.stdout.toString().split('\n') : []);
    // Oldest first, so the stash list comes back in its order; an entry still there is not doubled.
    for (const s of [...g.entries].reverse()) if (!present.has(s.oid)) await ok(['stash', 'store', '-m', s.message, s.oid]);
  }
}
