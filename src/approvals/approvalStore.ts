/**
 * The per-user approval store every surface reads: the editor, `interlock check` and every agent
 * hook. One JSON file in the user's state directory (0700, the file 0600) holds, per folder, the
 * baseline reading of its `.interlock.jsonc` and the contents a person approved, by SHA-256. A
 * second, append-only file keeps each folder's label history, so a store that cannot be read
 * still leaves every folder its last known label.
 *
 * Writes are whole-file replacements (a temporary file renamed over the store) under a lock, so a
 * reader never sees half a store, and each change is a compare-and-swap on the folder's baseline:
 * two hooks adopting at once cannot undo each other's tightening.
 */
import { appendFileSync, existsSync, lstatSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ApprovalsView } from '../engine/resolve';
import { EMPTY_READING, withBaseline } from '../engine/ruleFileTrust';
import type { FolderRecord, RuleFileReading } from '../engine/ruleFileTrust';
import { lockFile } from '../fsutil/lockFile';
import { privateDir, replaceFile } from '../fsutil/privateFiles';

export const STORE_FILE = 'approvals.json';
export const LABELS_FILE = 'labels.jsonl';

interface StoreData {
  version: 1;
  folders: Record<string, FolderRecord>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `$XDG_STATE_HOME/interlock`, else `~/.local/state/interlock`: state that outlives caches and editor installs. */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'state'), 'interlock');
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function isReading(v: unknown): v is RuleFileReading {
  const r = v as RuleFileReading | null;
  return (
    typeof r === 'object' && r !== null && (r.environment === undefined || typeof r.environment === 'string') &&
    isStrings(r.productionPatterns) && isStrings(r.productionHosts) && Array.isArray(r.rules) &&
    r.rules.every((x) => typeof x === 'object' && x !== null && typeof (x as { id?: unknown }).id === 'string')
  );
}

function isRecord(v: unknown): v is FolderRecord {
  const r = v as FolderRecord | null;
  if (typeof r !== 'object' || r === null || typeof r.baseline !== 'object' || r.baseline === null) return false;
  const b = r.baseline;
  return (
    typeof b.sha256 === 'string' && isReading(b.reading) && ['first-sight', 'tightening', 'person'].includes(b.by) && typeof b.at === 'string' &&
    Array.isArray(r.approved) && r.approved.every((a) => typeof a === 'object' && a !== null && typeof a.sha256 === 'string' && isReading(a.reading))
  );
}

type Loaded = { ok: true; data: StoreData } | { ok: false; reason: string };

/** Read the store. Absent is an empty store; anything else that is not exactly a store is unreadable. */
function load(path: string): Loaded {
  let text: string;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) return { ok: false, reason: `${path} is not a regular file` };
    if (process.getuid && st.uid !== process.getuid()) return { ok: false, reason: `${path} belongs to another user` };
    if ((st.mode & 0o022) !== 0) return { ok: false, reason: `${path} can be written by other users` };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, data: { version: 1, folders: {} } };
    return { ok: false, reason: `${path} cannot be read (${code ?? (e as Error).message})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `${path} is not valid JSON (${(e as Error).message})` };
  }
  const data = value as StoreData | null;
  if (typeof data !== 'object' || data === null || data.version !== 1 || typeof data.folders !== 'object' || data.folders === null || Array.isArray(data.folders)) {
    return { ok: false, reason: `${path} is not an approval store (version 1)` };
  }
  for (const [folder, record] of Object.entries(data.folders)) {
    if (!isRecord(record)) return { ok: false, reason: `${path}: the record of ${folder} is damaged` };
  }
  return { ok: true, data };
}

/** The last label the history gives each folder; lines that cannot be read are skipped. */
function lastLabels(path: string): Map<string, string> {
  const labels = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return labels;
  }
  for (const line of text.split('\n')) {
    try {
      const e = JSON.parse(line) as { folder?: unknown; label?: unknown };
      if (typeof e.folder === 'string' && typeof e.label === 'string') labels.set(e.folder, e.label);
    } catch {
      // a torn or damaged line: the lines around it still count
    }
  }
  return labels;
}

export interface Adoption {
  folder: string;
  baseline: FolderRecord['baseline'];
  /** The baseline's hash this adoption was judged against; it applies only if that is still the baseline. */
  expected: string | undefined;
}

export interface ApprovalStore {
  readonly dir: string;
  readonly path: string;
  /** The store as read when opened, for resolution. */
  view(): ApprovalsView;
  /** Store baselines that only tightened or were first seen; returns why not, when it could not. */
  adopt(adoptions: Adoption[]): string | undefined;
  /** A person approved this content of the folder's rule file (undefined: its removal). */
  approve(folder: string, text: string | undefined, reading: RuleFileReading | undefined): void;
  /**
   * A person chose to start again from an unreadable store: it is set aside and a new one begun,
   * each folder's baseline its last known label, so the rebuild itself loosens nothing.
   */
  rebuild(): string;
}

export function openApprovalStore(env: Record<string, string | undefined> = process.env): ApprovalStore {
  const dir = stateDir(env);
  const path = join(dir, STORE_FILE);
  const labelsPath = join(dir, LABELS_FILE);
  // A store that is gone while its label history remains was deleted, not never made: that is
  // as unreadable as a damaged one, or deleting it would reset every folder to first sight.
  const loadStore = (): Loaded => {
    const l = load(path);
    if (l.ok && Object.keys(l.data.folders).length === 0 && !existsSync(path) && existsSync(labelsPath)) {
      return { ok: false, reason: `${path} is missing while its label history ${LABELS_FILE} remains` };
    }
    return l;
  };
  let loaded = loadStore();
  let labels: Map<string, string> | undefined;

  /** Read, change and write the store under its lock; refuses when the store is unreadable. */
  const update = (change: (data: StoreData) => { folder: string; label: string | undefined }[]): void => {
    privateDir(dir);
    const release = lockFile(path, 'the approval store', 5000, 3000);
    try {
      const current = loadStore();
      if (!current.ok) throw new Error(`the approval store cannot be read (${current.reason}); only a person can rebuild it`);
      const before = new Map(Object.entries(current.data.folders).map(([f, r]) => [f, r.baseline.reading.environment]));
      const labelled = change(current.data);
      replaceFile(path, JSON.stringify(current.data));
      loaded = current;
      const at = new Date().toISOString();
      const lines = labelled.filter((l) => l.label !== undefined && l.label !== before.get(l.folder)).map((l) => JSON.stringify({ folder: l.folder, label: l.label, at }) + '\n');
      if (lines.length > 0) appendFileSync(labelsPath, lines.join(''), { mode: 0o600 });
    } finally {
      release();
    }
  };

  return {
    dir,
    path,
    view() {
      const state = loaded;
      if (!state.ok) {
        return {
          record: () => undefined,
          unreadable: { reason: state.reason, lastLabel: (folder) => (labels ??= lastLabels(labelsPath)).get(folder) },
          sha256,
        };
      }
      return { record: (folder) => state.data.folders[folder], sha256 };
    },
    adopt(adoptions) {
      if (adoptions.length === 0) return undefined;
      try {
        update((data) => {
          const changed: { folder: string; label: string | undefined }[] = [];
          for (const a of adoptions) {
            const record = data.folders[a.folder];
            if (record?.baseline.sha256 !== a.expected) continue;
            data.folders[a.folder] = withBaseline(record, a.baseline);
            changed.push({ folder: a.folder, label: a.baseline.reading.environment });
          }
          return changed;
        });
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
    approve(folder, text, reading) {
      const at = new Date().toISOString();
      const baseline: FolderRecord['baseline'] =
        text === undefined ? { sha256: 'absent', reading: EMPTY_READING, by: 'person', at } : { sha256: sha256(text), reading: reading ?? EMPTY_READING, by: 'person', at };
      update((data) => {
        data.folders[folder] = withBaseline(data.folders[folder], baseline);
        return [{ folder, label: baseline.reading.environment }];
      });
    },
    rebuild() {
      privateDir(dir);
      const aside = `${path}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const release = lockFile(path, 'the approval store', 5000, 3000);
      try {
        try {
          renameSync(path, aside);
        } catch {
          // nothing to set aside
        }
        const at = new Date().toISOString();
        const folders: Record<string, FolderRecord> = {};
        for (const [folder, label] of lastLabels(labelsPath)) {
          folders[folder] = { baseline: { sha256: 'last-known-label', reading: { ...EMPTY_READING, environment: label }, by: 'person', at }, approved: [] };
        }
        replaceFile(path, JSON.stringify({ version: 1, folders }));
        loaded = load(path);
      } finally {
        release();
      }
      return aside;
    },
  };
}

/** Create the state directory (private) if it is missing, so it can be watched from the start. */
export function ensureStateDir(env: Record<string, string | undefined> = process.env): string {
  const dir = stateDir(env);
  privateDir(dir);
  return dir;
}

/** Where the store lives, for messages: `~/.local/state/interlock/approvals.json`. */
export function storePath(env: Record<string, string | undefined> = process.env): string {
  return join(stateDir(env), STORE_FILE);
}
