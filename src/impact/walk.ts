/**
 * Walk what a path holds without following a symlink anywhere: a link counts as itself (its lstat
 * size), never as what it points to, so a link out of the workspace is neither measured nor read.
 * Iterative (a deep tree cannot overflow the stack) and bounded by a deadline; it yields to the
 * event loop now and then, so an editor's extension host keeps answering while it runs.
 */
import { lstatSync, readdirSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';

export interface WalkEntry {
  path: string;
  stat: Stats;
}

export interface WalkResult {
  files: number;
  bytes: number;
  /** False when the deadline came first or a folder could not be read: the counts are lower bounds. */
  complete: boolean;
  problems: string[];
}

const YIELD_EVERY_MS = 15;

/**
 * Visit `root` and, for a folder, everything under it (folders before their contents). `visit`
 * returning false stops the walk. Files are regular files and symlinks; folders are not counted.
 */
export async function walk(root: string, deadline: number, visit?: (e: WalkEntry) => boolean | void): Promise<WalkResult> {
  const out: WalkResult = { files: 0, bytes: 0, complete: true, problems: [] };
  const stack = [root];
  let lastYield = performance.now();
  while (stack.length > 0) {
    const now = performance.now();
    if (now > deadline) {
      out.complete = false;
      out.problems.push('out of time');
      break;
    }
    if (now - lastYield > YIELD_EVERY_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    }
    const path = stack.pop()!;
    let stat: Stats;
    try {
      stat = lstatSync(path);
    } catch (e) {
      // Vanished since it was listed: nothing of it is left to lose.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      out.complete = false;
      out.problems.push(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    if (visit?.({ path, stat }) === false) {
      out.complete = false;
      break;
    }
    if (stat.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(path);
      } catch (e) {
        out.complete = false;
        out.problems.push(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        continue;
      }
      // Reversed so the stack pops them in directory order.
      for (let i = names.length - 1; i >= 0; i--) stack.push(join(path, names[i]));
    } else {
      out.files++;
      out.bytes += stat.size;
    }
  }
  return out;
}
