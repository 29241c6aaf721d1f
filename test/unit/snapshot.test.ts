// Snapshots and undo on real folders and repositories; the property test runs random cases.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assess } from '../../src/impact/assess';
import { listSnapshots, readSnapshot, restoreSnapshot, sealSnapshot, takeSnapshot } from '../../src/snapshot/store';
import type { StoreOptions } from '../../src/snapshot/store';
import { engine } from './helpers';
import { git, removeTempDirs, repo, tempDir, writeTree } from './gitFixture';

after(removeTempDirs);
import { capture, undoCase } from './undoProperty';

const bash = (line: string, cwd: string): void => {
  execFileSync('bash', ['-c', line], { cwd, stdio: 'ignore' });
};

/** Assess and snapshot `line` in a store of its own (or `opts.dir`). */
async function snapIn(line: string, cwd: string, opts: StoreOptions = {}) {
  const dir = opts.dir ?? tempDir('interlock-store-');
  const a = await assess(line, { engine: engine(), cwd, home: '/nonexistent', budgetMs: 10_000 });
  return { r: await takeSnapshot(a, line, cwd, { ...opts, dir }), dir };
}

test('rm -rf, then undo: the tree is back byte for byte, modes and times included; deleted files were hard-linked', async () => {
  const ws = tempDir();
  writeTree(ws, { 'src/a.ts': 'a', 'src/odd\nname': 'newline', 'src/with space/b.bin': 'b'.repeat(10_000) });
  chmodSync(join(ws, 'src/a.ts'), 0o755);
  const before = capture(ws);
  const { r: taken, dir } = await snapIn('rm -rf src', ws);
  assert.ok(taken.ok, !taken.ok ? taken.reason : '');
  assert.equal(taken.manifest.linked, 3);
  assert.equal(taken.manifest.copied, 0);
  bash('rm -rf src', ws);
  const res = await restoreSnapshot(taken.manifest.id, { dir });
  assert.deepEqual(res.failed, []);
  assert.deepEqual(capture(ws), before);
});

test('an overwrite in place is copied, never linked: the redirect would empty a shared inode', async () => {
  const ws = tempDir();
  writeTree(ws, { 'notes.txt': 'precious notes' });
  const { r, dir } = await snapIn('echo gone > notes.txt', ws);
  assert.ok(r.ok);
  assert.equal(r.manifest.copied, 1);
  assert.equal(r.manifest.linked, 0);
  bash('echo gone > notes.txt', ws);
  assert.ok((await restoreSnapshot(r.manifest.id, { dir })).ok);
  assert.equal(readFileSync(join(ws, 'notes.txt'), 'utf8'), 'precious notes');
});

test('a symlink out of the workspace is kept as a link: nothing behind it is read, copied or written', async () => {
  const outside = tempDir();
  writeTree(outside, { 'secret.txt': 'x'.repeat(50_000) });
  const ws = tempDir();
  writeTree(ws, { 'build/a.o': 'o' });
  symlinkSync(outside, join(ws, 'build', 'out'));
  const { r, dir } = await snapIn('rm -rf build', ws);
  assert.ok(r.ok);
  assert.equal(r.manifest.bytes, 1);
  assert.deepEqual(r.manifest.entries.find((e) => e.type === 'symlink')?.target, outside);
  bash('rm -rf build', ws);
  assert.ok((await restoreSnapshot(r.manifest.id, { dir })).ok);
  assert.deepEqual(readdirSync(outside), ['secret.txt']);
});

test('undo refuses, naming them, to write through a folder that became a link out of the workspace', async () => {
  const outside = tempDir();
  const ws = tempDir();
  writeTree(ws, { 'sub/src/a.ts': 'a' });
  const { r, dir } = await snapIn('rm -rf sub/src', ws);
  assert.ok(r.ok);
  rmSync(join(ws, 'sub'), { recursive: true });
  symlinkSync(outside, join(ws, 'sub'));
  const res = await restoreSnapshot(r.manifest.id, { dir });
  assert.equal(res.ok, false);
  assert.match(res.conflicts[0].why, /is now a link/);
  const forced = await restoreSnapshot(r.manifest.id, { dir, force: true });
  assert.equal(forced.ok, false);
  assert.ok(forced.failed.length > 0);
  assert.deepEqual(readdirSync(outside), []);
});

test('a file that vanishes while the snapshot is taken is recorded as such; the rest is kept', async () => {
  const ws = tempDir();
  writeTree(ws, { 'd/a': 'a', 'd/b': 'b' });
  const { r } = await snapIn('rm -rf d', ws, { beforeKeep: (p) => p.endsWith('/b') && unlinkSync(p) });
  assert.ok(r.ok);
  assert.deepEqual(r.manifest.vanished, [join(ws, 'd/b')]);
  assert.equal(r.manifest.files, 1);
});

test('over the budget there is no snapshot, and the reason says so; nothing is left in the store', async () => {
  const ws = tempDir();
  writeTree(ws, { 'big/a': 'x'.repeat(4096) });
  const { r, dir } = await snapIn('rm -rf big', ws, { budgetBytes: 1000 });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /more than the snapshot budget/);
  assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
});

test('a command whose targets are only known when it runs gets no snapshot, with the reason', async () => {
  const { r } = await snapIn('rm -rf "$DIR"', tempDir());
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /not fully known/);
});

test('a file unreadable to the snapshot means no undo, said before anything is kept', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async () => {
  const ws = tempDir();
  writeTree(ws, { 'd/locked': 'x' });
  chmodSync(join(ws, 'd/locked'), 0);
  const { r } = await snapIn('echo > d/locked', ws);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /permission denied/);
});

test('undo refuses to overwrite what changed since, lists it, restores nothing; --force overwrites', async () => {
  const ws = tempDir();
  writeTree(ws, { 'src/a.ts': 'old a', 'src/b.ts': 'old b' });
  const { r, dir } = await snapIn('rm -rf src', ws);
  assert.ok(r.ok);
  bash('rm -rf src', ws);
  writeTree(ws, { 'src/a.ts': 'written since' });
  const res = await restoreSnapshot(r.manifest.id, { dir });
  assert.equal(res.ok, false);
  assert.deepEqual(res.conflicts.map((c) => c.path), [join(ws, 'src/a.ts')]);
  assert.equal(existsSync(join(ws, 'src/b.ts')), false);
  const forced = await restoreSnapshot(r.manifest.id, { dir, force: true });
  assert.ok(forced.ok);
  assert.equal(readFileSync(join(ws, 'src/a.ts'), 'utf8'), 'old a');
});

test('sealed after the command ran, an overwrite edited again since is a conflict', async () => {
  const ws = tempDir();
  writeTree(ws, { 'f.txt': 'before' });
  const { r, dir } = await snapIn('echo cmd > f.txt', ws);
  assert.ok(r.ok);
  bash('echo cmd > f.txt', ws);
  sealSnapshot(r.manifest.id, { dir });
  writeFileSync(join(ws, 'f.txt'), 'a person typed this later, and longer');
  const res = await restoreSnapshot(r.manifest.id, { dir });
  assert.deepEqual(res.conflicts.map((c) => c.why), ['changed since the command ran']);
});

test('a partial restore is reported as a failure, never as complete', async () => {
  const ws = tempDir();
  writeTree(ws, { 'keep/a': 'a', 'gone/b': 'b' });
  const { r, dir } = await snapIn('rm -f keep/a gone/b', ws);
  assert.ok(r.ok);
  bash('rm -f keep/a gone/b', ws);
  // A file now stands where a folder of the snapshot was: that path cannot be restored.
  rmSync(join(ws, 'gone'), { recursive: true });
  writeFileSync(join(ws, 'gone'), 'a file now');
  const res = await restoreSnapshot(r.manifest.id, { dir });
  assert.equal(res.ok, false);
  assert.equal(res.restored, 1);
  assert.deepEqual(res.failed.map((f) => f.path), [join(ws, 'gone/b')]);
  assert.equal(readFileSync(join(ws, 'keep/a'), 'utf8'), 'a');
  assert.equal(readSnapshot(r.manifest.id, { dir })?.restoredAt, undefined, 'not marked as undone');
});

test('only snapshots with a manifest are listed; expired ones and ones cut short are pruned on the next take', async () => {
  const ws = tempDir();
  writeTree(ws, { a: 'a', b: 'b' });
  const dir = tempDir('interlock-store-');
  mkdirSync(join(dir, '20200101-000000-abcdef'));
  const first = await snapIn('rm -f a', ws, { dir, expiryMs: 1 });
  assert.ok(first.r.ok);
  assert.deepEqual(listSnapshots({ dir }).map((m) => m.id), [first.r.manifest.id]);
  await new Promise((res) => setTimeout(res, 5));
  const second = await snapIn('rm -f b', ws, { dir });
  assert.ok(second.r.ok);
  assert.deepEqual(listSnapshots({ dir }).map((m) => m.id), [second.r.manifest.id]);
  assert.equal(readSnapshot(first.r.manifest.id, { dir }), undefined);
});

test('git stash drop, branch -D and reset --hard to an older commit are undone through their refs', async () => {
  const root = repo({ 'a.ts': 'a' });
  writeFileSync(join(root, 'a.ts'), 'stashed');
  git(root, 'stash', '-q');
  git(root, 'checkout', '-qb', 'feature');
  writeFileSync(join(root, 'a.ts'), 'feature');
  git(root, 'commit', '-qam', 'f');
  git(root, 'checkout', '-q', 'main');
  git(root, 'merge', '-q', '--ff-only', 'feature');
  const head = git(root, 'rev-parse', 'HEAD');
  for (const line of ['git stash drop', 'git branch -D feature', 'git reset --hard HEAD~1']) {
    const stash = git(root, 'stash', 'list');
    const branches = git(root, 'branch', '--list');
    const { r, dir } = await snapIn(line, root);
    assert.ok(r.ok, line);
    bash(line, root);
    assert.ok((await restoreSnapshot(r.manifest.id, { dir })).ok, line);
    assert.equal(git(root, 'stash', 'list'), stash, line);
    assert.equal(git(root, 'branch', '--list'), branches, line);
    assert.equal(git(root, 'rev-parse', 'HEAD'), head, line);
    assert.equal(readFileSync(join(root, 'a.ts'), 'utf8'), 'feature');
  }
});

const CASES = Number(process.env.INTERLOCK_UNDO_CASES ?? 40);
test(`property: ${CASES} random trees and destructive commands, each undone byte for byte (git index included)`, async () => {
  const store = tempDir('interlock-store-');
  for (let seed = 1; seed <= CASES; seed++) {
    const r = await undoCase(seed, store);
    assert.ok(r.ok, `seed ${seed}: ${r.line}: ${r.problem}`);
  }
});
