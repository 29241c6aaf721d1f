/**
 * The audit log: one JSON object per line, each carrying the SHA-256 of the line before it, so a
 * removed, edited or reordered entry breaks the chain `verifyAuditText` checks. Appends are
 * synchronous and fsync'd before the caller answers anyone, and serialised across processes by a
 * lock file, because every editor window of a user shares the one log.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';

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

/** Read the last line of a file without reading the whole file. */
function lastLine(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  let end = size;
  let tail = '';
  while (end > 0) {
    const len = Math.min(chunk.length, end);
    readSync(fd, chunk, 0, len, end - len);
    tail = chunk.subarray(0, len).toString('utf8') + tail;
    end -= len;
    const trimmed = tail.replace(/\n+$/, '');
    const nl = trimmed.lastIndexOf('\n');
    if (nl >= 0) return trimmed.slice(nl + 1);
    if (end === 0) return trimmed;
  }
  return undefined;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Take the log's lock file; a lock older than `staleMs` (its holder died) is broken. */
function lock(path: string, staleMs = 5000, waitMs = 10_000): () => void {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // already broken as stale by another writer
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > staleMs) unlinkSync(lockPath);
      } catch {
        // it went away between the checks
      }
      if (Date.now() > deadline) throw new Error(`the audit log is locked (${lockPath})`);
      sleepSync(Math.min(20, 1 + attempt));
    }
  }
}

export interface AuditLog {
  readonly path: string;
  /** Append an entry and flush it to disk; throws if it could not be written. */
  append(fields: AuditFields): AuditEntry;
}

export function openAuditLog(path: string): AuditLog {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  return {
    path,
    append(fields) {
      const release = lock(path);
      try {
        const fd = openSync(path, 'a+', 0o600);
        try {
          const last = lastLine(fd);
          let prev = GENESIS;
          let seq = 1;
          if (last) {
            try {
              const p = JSON.parse(last) as AuditEntry;
              prev = p.hash;
              seq = p.seq + 1;
            } catch {
              // A torn or corrupted last line: chain from its text, so verify shows the break here.
              prev = createHash('sha256').update(last).digest('hex');
            }
          }
          const body: Omit<AuditEntry, 'hash'> = { seq, time: new Date().toISOString(), ...fields, prev };
          const entry: AuditEntry = { ...body, hash: entryHash(body) };
          writeSync(fd, JSON.stringify(entry) + '\n');
          fsyncSync(fd);
          return entry;
        } finally {
          closeSync(fd);
        }
      } finally {
        release();
      }
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
    let e: AuditEntry;
    try {
      e = JSON.parse(line) as AuditEntry;
    } catch {
      problems.push({ line: i + 1, problem: 'not valid JSON (torn or corrupted line)' });
      prev = createHash('sha256').update(line).digest('hex');
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
