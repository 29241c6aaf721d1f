/**
 * One case of the undo property: a random tree in a git repository (nested folders, modes,
 * symlinks in and out of it, names with spaces and newlines; committed, changed, staged,
 * untracked and ignored files), a random destructive command run by the real bash, then undo:
 * every file's bytes, mode and time, every symlink and git's index must be as before.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assess } from '../../src/impact/assess';
import { restoreSnapshot, takeSnapshot } from '../../src/snapshot/store';
import { engine } from './helpers';
import { git, tempDir } from './gitFixture';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const NAMES = ['a.txt', 'b.ts', 'notes.md', 'with space.txt', 'new\nline.txt', 'ünï.txt', '-dash.txt', 'data.bin', 'x'];
const DIRS = ['src', 'lib', 'docs', 'odd dir', 'deep'];

/** Shell-quoted for bash. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

type State = Map<string, string>;

/** Every path under `root` but .git, with type, mode, content or target, and a file's mtime. */
export function capture(root: string): State {
  const out: State = new Map();
  const visit = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      if (dir === root && n === '.git') continue;
      const p = join(dir, n);
      const st = lstatSync(p);
      const rel = p.slice(root.length + 1);
      if (st.isDirectory()) {
        out.set(rel, `dir ${(st.mode & 0o7777).toString(8)}`);
        visit(p);
      } else if (st.isSymbolicLink()) out.set(rel, `link -> ${readlinkSync(p)}`);
      else out.set(rel, `file ${(st.mode & 0o7777).toString(8)} ${Math.floor(st.mtimeMs)} ${readFileSync(p).toString('base64')}`);
    }
  };
  visit(root);
  const index = join(root, '.git', 'index');
  try {
    out.set('.git/index', readFileSync(index).toString('base64'));
  } catch {
    out.set('.git/index', 'none');
  }
  return out;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

export interface CaseResult {
  seed: number;
  line: string;
  ok: boolean;
  problem?: string;
}

export async function undoCase(seed: number, store: string): Promise<CaseResult> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const root = tempDir('interlock-prop-');
  const outside = tempDir('interlock-outside-');
  writeFileSync(join(outside, 'precious'), 'outside the workspace');
  git(root, 'init', '-q', '-b', 'main');
  writeFileSync(join(root, '.gitignore'), '*.bin\n');
  const files: string[] = [];
  const dirs: string[] = [];
  const past = Date.now() / 1000 - 86400 * (1 + Math.floor(r() * 100));
  const makeDir = (parent: string, depth: number): void => {
    const count = 1 + Math.floor(r() * 4);
    for (let i = 0; i < count; i++) {
      const p = parent ? join(parent, pick(NAMES)) : pick(NAMES);
      if (files.includes(p)) continue;
      const bytes = r() < 0.2 ? Buffer.from(Array.from({ length: Math.floor(r() * 3000) }, () => Math.floor(r() * 256))) : Buffer.from(`${p} ${seed} ${r()}\n`);
      writeFileSync(join(root, p), bytes);
      chmodSync(join(root, p), pick([0o644, 0o755, 0o600, 0o444]));
      utimesSync(join(root, p), past, past + Math.floor(r() * 1000));
      files.push(p);
    }
    const link = join(root, parent, `link${depth}`);
    if (r() < 0.4 && !exists(link)) symlinkSync(r() < 0.5 ? outside : pick(NAMES), link);
    if (depth < 3 && r() < 0.7) {
      const d = join(parent, pick(DIRS));
      if (dirs.includes(d)) return;
      mkdirSync(join(root, d), { recursive: true, mode: pick([0o755, 0o700, 0o750]) });
      dirs.push(d);
      makeDir(d, depth + 1);
      if (r() < 0.5) makeDir(d, depth + 1);
    }
  };
  makeDir('', 0);
  if (dirs.length === 0) {
    mkdirSync(join(root, 'src'));
    dirs.push('src');
    makeDir('src', 1);
  }
  // Commit some, then change, stage, delete and add others.
  const committed = files.filter(() => r() < 0.6);
  if (committed.length > 0) {
    git(root, 'add', '-f', '--', '.gitignore', ...committed);
    git(root, 'commit', '-qm', 'base');
  }
  for (const f of committed) {
    const roll = r();
    if (roll < 0.2) writeFileSync(join(root, f), `changed ${r()}\n`, { mode: 0o644, flag: 'w' });
    else if (roll < 0.3) {
      writeFileSync(join(root, f), `staged ${r()}\n`);
      git(root, 'add', '--', f);
    } else if (roll < 0.35) execFileSync('rm', ['-f', '--', join(root, f)]);
  }
  const untracked = files.filter((f) => !committed.includes(f));
  if (untracked.length > 0 && r() < 0.3) git(root, 'add', '-f', '--', untracked[0]);

  const existing = files.filter((f) => {
    try {
      return lstatSync(join(root, f)).isFile();
    } catch {
      return false;
    }
  });
  const commands = [
    () => `rm -rf ${q(pick(dirs))}`,
    () => `rm -f -- ${existing.slice(0, 3).map(q).join(' ')}`,
    () => `find . -name '*.txt' -delete`,
    () => 'git clean -fdx',
    () => `echo overwritten > ${q(pick(existing.length > 0 ? existing : ['fresh.txt']))}`,
    () => 'git reset --hard',
    () => 'git checkout .',
    () => (existing.length >= 2 ? `mv -f -- ${q(existing[0])} ${q(existing[1])}` : `rm -f -- ${q(pick(files))}`),
  ];
  const line = commands[Math.floor(r() * commands.length)]();
  const before = capture(root);
  const outsideBefore = capture(outside);
  const fail = (problem: string): CaseResult => ({ seed, line, ok: false, problem });
  const a = await assess(line, { engine: engine(), cwd: root, home: '/nonexistent', budgetMs: 20_000 });
  const taken = await takeSnapshot(a, line, root, { dir: store, budgetBytes: 1024 ** 3 });
  // Nothing to keep is right only if the command then destroys nothing.
  const nothing = !taken.ok && a.targets.length === 0 && a.git.length === 0;
  if (!taken.ok && !nothing) return fail(`no snapshot: ${taken.reason}`);
  try {
    execFileSync('bash', ['-c', line], { cwd: root, stdio: 'ignore', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  } catch {
    // a command that fails part way (rm of a read-only folder's file) still destroyed what it did
  }
  if (taken.ok) {
    const res = await restoreSnapshot(taken.manifest.id, { dir: store });
    if (!res.ok) return fail(`restore: ${JSON.stringify(res)}`);
  }
  const after = capture(root);
  for (const [k, v] of before) if (after.get(k) !== v) return fail(`${JSON.stringify(k)}: ${v.slice(0, 60)} ≠ ${String(after.get(k)).slice(0, 60)}`);
  for (const k of after.keys()) if (!before.has(k)) return fail(`${JSON.stringify(k)} was not there before`);
  const outsideAfter = capture(outside);
  if (JSON.stringify([...outsideAfter]) !== JSON.stringify([...outsideBefore])) return fail('a file outside the workspace changed');
  execFileSync('rm', ['-rf', root, outside]);
  return { seed, line, ok: true };
}
