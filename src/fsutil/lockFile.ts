/**
 * A lock file shared by processes of one user: every editor window and hook process appends to the
 * one audit log and updates the one approval store, each change a read-modify-write.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Move a lock aside, and delete it only if it is still the one judged stale: another writer may
 * have broken it and taken a fresh one in between, and that one is put back.
 */
function breakLock(lockPath: string, judged: string): void {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return;
  }
  let now = '';
  try {
    now = readFileSync(aside, 'utf8');
  } catch {
    // unreadable: treat as changed
  }
  if (now !== judged) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // the place is taken again; that holder and this one overlap
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

/**
 * Take `path`'s lock file (`path.lock`) and return its release. A lock whose holder is known dead
 * (its pid, on this host) is broken at once; any lock older than `staleMs` is broken too (its
 * holder hung or was on another host). `what` names the locked thing in the error after `waitMs`.
 */
export function lockFile(path: string, what: string, staleMs = 5000, waitMs = 10_000): () => void {
  const lockPath = `${path}.lock`;
  const me = `${process.pid}@${hostname()}`;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, me);
      } catch {
        // A full disk may refuse even these few bytes; the lock is held all the same (the file
        // exists), only a crash now would leave it to the age rule.
      } finally {
        closeSync(fd);
      }
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
        const holder = readFileSync(lockPath, 'utf8');
        const [pid, host] = holder.split('@');
        const dead = host === hostname() && /^\d+$/.test(pid) && processGone(Number(pid));
        if (dead || Date.now() - statSync(lockPath).mtimeMs > staleMs) breakLock(lockPath, holder);
      } catch {
        // it went away between the checks
      }
      if (Date.now() > deadline) throw new Error(`${what} is locked (${lockPath})`);
      sleepSync(Math.min(20, 1 + attempt));
    }
  }
}

