/**
 * The audit log: one JSON object per line, each carrying the SHA-256 of the line before it, so a
 * removed, edited or reordered entry breaks the chain `verifyAuditText` checks. Appends are
 * synchronous and fsync'd before the caller answers anyone, and serialised across processes by a
 * lock file, because every editor window of a user shares the one log.
 *
 * A damaged log (a torn last line after a crash, garbage, an edited line) never stops appends:
 * the next entry chains from the damaged line's text, so the chain stays checkable after it and
 * `verifyAuditText` names the damaged lines. An append that fails (a full disk) leaves the file as
 * it was and throws; one that returns is on disk.
 */
import {
  accessSync, closeSync, constants, existsSync, fstatSync, fsync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, statfsSync, writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { lockFile } from '../fsutil/lockFile';
import type { Impact } from '../impact/assess';

export type AuditOutcome = 'allowed' | 'approved' | 'denied' | 'blocked' | 'timed-out' | 'ran-unguarded' | 'paused' | 'resumed';

export interface AuditFields {
  source: string;
  workspace?: string;
  environment?: string;
  production?: boolean;
  command?: string;
  decision?: string;
  rules?: string[];
  outcome: AuditOutcome;
  by: string;
  user?: string;
  detail?: string;
  /** What the command would destroy here, measured before a person was asked. */
  impact?: Impact;
  /** The snapshot kept before it ran: `interlock undo <id>`. */
  snapshot?: string;
}

export interface AuditEntry extends AuditFields {
  seq: number;
  time: string;
  prev: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;

/** The entry a line holds, or undefined for anything that is not one (torn, garbage, not an object). */
export function parseAuditEntry(line: string): AuditEntry | undefined {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
  const r = e as Record<string, unknown>;
  return typeof r.hash === 'string' && HASH.test(r.hash) && typeof r.prev === 'string' && Number.isSafeInteger(r.seq) ? (e as AuditEntry) : undefined;
}

/** What the next line chains from: the last entry's hash, or the hash of a damaged line's text. */
function chainHash(line: string): string {
  return parseAuditEntry(line)?.hash ?? createHash('sha256').update(line).digest('hex');
}

/** How far back an append looks for the last good entry's sequence number behind damaged lines. */
const SEQ_LOOKBACK_BYTES = 1024 * 1024;

interface Tail {
  size: number;
  /** The last line, without its newline; undefined for an empty file. */
  last?: string;
  /** The file ends in the middle of a line (a torn write). */
  torn: boolean;
  /** Sequence number of the last well-formed entry found, if any. */
  seq?: number;
}

/** Read the end of the log without reading the whole file. */
function readTail(fd: number): Tail {
  const size = fstatSync(fd).size;
  if (size === 0) return { size, torn: false };
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  let end = size;
  let text = '';
  let torn = false;
  let last: string | undefined;
  while (end > 0 && (last === undefined || size - end < SEQ_LOOKBACK_BYTES)) {
    const len = Math.min(chunk.length, end);
    readSync(fd, chunk, 0, len, end - len);
    // latin1 keeps bytes apart: a chunk boundary inside a UTF-8 character must not mangle it.
    text = chunk.subarray(0, len).toString('latin1') + text;
    if (end === size) torn = !text.endsWith('\n');
    end -= len;
    // Only the file's own final newline goes: an empty line before it is a line, as verify sees it.
    const lines = (torn ? text : text.slice(0, -1)).split('\n');
    // The first piece may be the cut end of a longer line, unless the file starts there.
    const whole = end === 0 ? lines : lines.slice(1);
    if (whole.length === 0) continue;
    last ??= Buffer.from(whole[whole.length - 1], 'latin1').toString('utf8');
    for (let i = whole.length - 1; i >= 0; i--) {
      const entry = parseAuditEntry(Buffer.from(whole[i], 'latin1').toString('utf8'));
      if (entry) return { size, last, torn, seq: entry.seq };
    }
  }
  return { size, last, torn };
}

export interface AuditLog {
  readonly path: string;
  /** Append an entry and flush it to disk; throws if it could not be written. */
  append(fields: AuditFields): AuditEntry;
  /**
   * The same, as a group commit: entries that arrive together are written under one lock and one
   * fsync. Resolves once the entry is on disk; rejects if it could not be written.
   */
  commit(fields: AuditFields): Promise<AuditEntry>;
  /**
   * Why an append would fail now (no room left on the disk, no write access), or undefined. Cheap:
   * for checking before a person is asked to approve something that could not then be recorded.
   * An append can still fail after a clean check (the disk fills in between).
   */
  problem(): string | undefined;
}

/** Room an append needs, with margin: an entry is a few KiB at most, plus the lock file. */
const MIN_FREE_BYTES = 64 * 1024;

/** Write all of `data`: a write to a filling disk may take part of it and fail on the rest. */
function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) {
    const n = writeSync(fd, data, off, data.length - off);
    if (n <= 0) throw Object.assign(new Error('the write made no progress'), { code: 'EIO' });
    off += n;
  }
}

export function openAuditLog(path: string): AuditLog {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const failure = (e: unknown): Error => {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EDQUOT' ? 'the disk quota is used up' : err.message;
    return Object.assign(new Error(`the audit log ${path} could not be written: ${reason}${err.code && !reason.includes(err.code) ? ` (${err.code})` : ''}`), { code: err.code, cause: e });
  };

  /**
   * Write entries under one lock, each chained to the one before, and return them with the open
   * file still locked: `finish` makes them durable (or takes them back) and lets go. All or none:
   * a failure takes back whatever part landed, so an acknowledged entry is always whole.
   */
  const begin = (batch: AuditFields[]): { fd: number; entries: AuditEntry[]; size: number; release: () => void } => {
    const release = lockFile(path, 'the audit log');
    let fd: number | undefined;
    let handedOff = false;
    try {
      fd = openSync(path, 'a+', 0o600);
      const tail = readTail(fd);
      let prev = tail.last === undefined ? GENESIS : chainHash(tail.last);
      let seq = tail.seq ?? 0;
      const entries = batch.map((fields) => {
        const body: Omit<AuditEntry, 'hash'> = { seq: ++seq, time: new Date().toISOString(), ...fields, prev };
        const entry: AuditEntry = { ...body, hash: entryHash(body) };
        prev = chainHash(JSON.stringify(entry));
        return entry;
      });
      // After a torn last line the entries start a line of their own, so the first is not glued
      // to the fragment (which would make both unreadable) and the fragment stays visible.
      const text = `${tail.torn ? '\n' : ''}${entries.map((e) => JSON.stringify(e)).join('\n')}\n`;
      const pending = { fd, entries, size: tail.size, release };
      handedOff = true; // from here on, finish closes the file and lets go of the lock
      try {
        writeAll(pending.fd, Buffer.from(text, 'utf8'));
      } catch (e) {
        finish(pending, e);
      }
      return pending;
    } catch (e) {
      if (!handedOff) {
        // Failed before the write: close and unlock here (once; finish has not run).
        try {
          if (fd !== undefined) closeSync(fd);
        } finally {
          release();
        }
      }
      throw e;
    }
  };

  /** After the fsync (or its failure `error`): take back a failed batch, close, unlock; throws on failure. */
  const finish = (p: { fd: number; size: number; release: () => void }, error?: unknown): void => {
    try {
      if (error !== undefined) {
        // Take back whatever part did land, so the log does not end in a torn line.
        try {
          ftruncateSync(p.fd, p.size);
          fsyncSync(p.fd);
        } catch {
          // the next append starts a new line after it
        }
      }
    } finally {
      try {
        closeSync(p.fd);
      } finally {
        p.release();
      }
    }
    if (error !== undefined) throw error;
  };

  const writeBatch = (batch: AuditFields[]): AuditEntry[] => {
    try {
      const p = begin(batch);
      try {
        fsyncSync(p.fd);
      } catch (e) {
        finish(p, e);
      }
      finish(p);
      return p.entries;
    } catch (e) {
      throw failure(e);
    }
  };

  /**
   * The group commit's batch: the fsync runs in libuv's thread pool, so the guard goes on deciding
   * (and queueing the next batch) while the disk works, instead of stopping for every flush.
   */
  const writeBatchAsync = (batch: AuditFields[]): Promise<AuditEntry[]> =>
    new Promise((resolve, reject) => {
      let p: ReturnType<typeof begin>;
      try {
        p = begin(batch);
      } catch (e) {
        reject(failure(e));
        return;
      }
      fsync(p.fd, (err) => {
        try {
          finish(p, err ?? undefined);
          resolve(p.entries);
        } catch (e) {
          reject(failure(e));
        }
      });
    });

  const queue: { fields: AuditFields; resolve: (e: AuditEntry) => void; reject: (e: Error) => void }[] = [];
  let flushing = false;
  const flush = (): void => {
    flushing = true;
    const batch = queue.splice(0, 256);
    void writeBatchAsync(batch.map((b) => b.fields)).then(
      (entries) => batch.forEach((b, i) => b.resolve(entries[i])),
      (e: Error) => batch.forEach((b) => b.reject(e)),
    ).finally(() => {
      flushing = false;
      // Whatever arrived while this batch was on its way to the disk goes in the next one.
      if (queue.length > 0) flush();
    });
  };

  return {
    path,
    problem() {
      const dir = dirname(path);
      try {
        accessSync(dir, constants.W_OK);
        if (existsSync(path)) accessSync(path, constants.W_OK);
      } catch (e) {
        return `the audit log ${path} cannot be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
      try {
        const fs = statfsSync(dir);
        if (fs.bavail * fs.bsize < MIN_FREE_BYTES) return `the audit log ${path} could not be written: the disk is full`;
      } catch {
        // statfs unavailable here: only an append can tell
      }
      return undefined;
    },
    append(fields) {
      return writeBatch([fields])[0];
    },
    commit(fields) {
      return new Promise<AuditEntry>((resolve, reject) => {
        queue.push({ fields, resolve, reject });
        // Decisions that arrive while one batch is on its way to the disk share the next fsync.
        if (queue.length === 1 && !flushing) setImmediate(() => flushing || flush());
      });
    },
  };
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** 1-based line numbers with what is wrong there. */
  problems: { line: number; problem: string }[];
}

/** Check every line parses, hashes to its `hash`, and names the previous line's hash. */
export function verifyAuditText(text: string): VerifyResult {
  const problems: VerifyResult['problems'] = [];
  let prev = GENESIS;
  let entries = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const e = parseAuditEntry(line);
    if (!e) {
      problems.push({ line: i + 1, problem: 'not an audit entry (a torn, corrupted or foreign line)' });
      prev = chainHash(line);
      return;
    }
    entries++;
    const { hash, ...body } = e;
    if (e.prev !== prev) problems.push({ line: i + 1, problem: 'does not follow the line before it (an entry was removed, inserted or reordered)' });
    if (entryHash(body) !== hash) problems.push({ line: i + 1, problem: 'its content does not match its hash (edited)' });
    prev = hash;
  });
  return { ok: problems.length === 0, entries, problems };
}
