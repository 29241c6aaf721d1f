// Impact measured on real folders and real git repositories: what a command would destroy.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assess } from '../../src/impact/assess';
import { engine } from './helpers';
import { git, removeTempDirs, repo, tempDir, writeTree } from './gitFixture';

after(removeTempDirs);

const HOME = '/nonexistent-home';
const impactOf = async (line: string, cwd: string, budgetMs?: number) => (await assess(line, { engine: engine(), cwd, home: HOME, budgetMs })).impact;

test('rm -rf counts files and bytes, the untracked ones and those with uncommitted changes', async () => {
  const root = repo({ 'src/a.ts': 'aaaa', 'src/deep/b.ts': 'bb', 'README.md': 'r' });
  appendFileSync(join(root, 'src/a.ts'), 'changed');
  writeTree(root, { 'src/new.ts': 'new', 'src/odd\nname': 'x' });
  const i = await impactOf('rm -rf src', root);
  assert.deepEqual({ ...i, summary: undefined }, { files: 4, bytes: 11 + 2 + 3 + 1, untracked: 2, modified: 1, measured: true, summary: undefined });
  assert.match(i.summary, /^deletes 4 files \(17 bytes\), 2 untracked, 1 file with uncommitted changes$/);
});

test('outside a repository only files and bytes apply; a symlink counts as itself, never followed', async () => {
  const outside = tempDir();
  writeTree(outside, { 'big.bin': 'x'.repeat(5000) });
  const dir = tempDir();
  writeTree(dir, { 'build/a.o': '123' });
  symlinkSync(outside, join(dir, 'build', 'link'));
  const i = await impactOf('rm -rf build', dir);
  assert.equal(i.files, 2);
  assert.equal(i.bytes, 3 + outside.length);
  assert.equal(i.untracked, undefined);
  assert.equal(i.modified, undefined);
});

test('a redirect over an existing file overwrites it; over nothing, it destroys nothing', async () => {
  const dir = tempDir();
  writeTree(dir, { 'notes.txt': 'keep me' });
  const i = await impactOf('echo hi > notes.txt', dir);
  assert.equal(i.files, 1);
  assert.equal(i.bytes, 7);
  assert.match(i.summary, /overwrites 1 file/);
  const none = await impactOf('echo hi > fresh.txt', dir);
  assert.equal(none.files, undefined);
});

test('find -delete and globs are expanded as the shell and find would', async () => {
  const dir = tempDir();
  writeTree(dir, { 'a.log': '1', 'sub/b.log': '22', 'sub/c.txt': '333', '.hidden.log': '4' });
  assert.equal((await impactOf('find . -name "*.log" -delete', dir)).files, 3);
  // A shell glob skips dot files.
  assert.equal((await impactOf('rm *.log', dir)).files, 1);
});

test('git clean -fdx: untracked and ignored files, as its dry run lists them', async () => {
  const root = repo({ '.gitignore': 'dist/\n', 'a.ts': 'a' });
  writeTree(root, { 'dist/x.js': 'xx', 'dist/y.js': 'yy', 'scratch.txt': 's' });
  const i = await impactOf('git clean -fdx', root);
  assert.deepEqual([i.files, i.bytes, i.untracked], [3, 5, 3]);
  const without = await impactOf('git clean -fd', root);
  assert.equal(without.files, 1);
});

test('git reset --hard, checkout . and restore: the uncommitted changes they discard', async () => {
  const root = repo({ 'a.ts': 'a', 'b.ts': 'b', 'c.ts': 'c' });
  writeFileSync(join(root, 'a.ts'), 'changed a');
  writeFileSync(join(root, 'b.ts'), 'staged b');
  git(root, 'add', 'b.ts');
  const reset = await impactOf('git reset --hard', root);
  assert.equal(reset.modified, 2);
  const checkout = await impactOf('git checkout .', root);
  assert.equal(checkout.modified, 1);
  assert.match(checkout.summary, /discards uncommitted changes to 1 file/);
  assert.equal((await impactOf('git restore a.ts', root)).modified, 1);
  assert.equal((await impactOf('git checkout -- c.ts', root)).modified, 0);
});

test('stash drop and clear, branch -D, reset to an older commit: commits dropped', async () => {
  const root = repo({ 'a.ts': 'a' });
  for (const n of [1, 2]) {
    writeFileSync(join(root, 'a.ts'), `stash ${n}`);
    git(root, 'stash', '-q');
  }
  assert.equal((await impactOf('git stash drop', root)).commits, 1);
  assert.equal((await impactOf('git stash clear', root)).commits, 2);
  git(root, 'checkout', '-qb', 'feature');
  for (const n of [1, 2, 3]) {
    writeFileSync(join(root, 'a.ts'), `feature ${n}`);
    git(root, 'commit', '-qam', `f${n}`);
  }
  git(root, 'checkout', '-q', 'main');
  const del = await impactOf('git branch -D feature', root);
  assert.equal(del.commits, 3);
  assert.match(del.summary, /deletes branch feature with 3 commits/);
  git(root, 'merge', '-q', '--ff-only', 'feature');
  assert.equal((await impactOf('git reset --hard HEAD~2', root)).commits, 2);
});

test('a force-push drops the remote-tracking branch commits the pushed commit lacks (no network)', async () => {
  const root = repo({ 'a.ts': 'a' });
  const base = git(root, 'rev-parse', 'HEAD').trim();
  for (const n of [1, 2, 3, 4]) {
    writeFileSync(join(root, 'a.ts'), `remote ${n}`);
    git(root, 'commit', '-qam', `r${n}`);
  }
  git(root, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
  git(root, 'reset', '-q', '--hard', base);
  const i = await impactOf('git push --force origin main', root);
  assert.equal(i.commits, 4);
  assert.match(i.summary, /drops 4 commits from origin\/main/);
  assert.equal((await impactOf('git push origin main', root)).commits, undefined);
});

test('past the time budget the answer is "not measured", and it comes back promptly', async () => {
  const dir = tempDir();
  for (let d = 0; d < 40; d++) {
    mkdirSync(join(dir, 'big', `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(dir, 'big', `d${d}`, `f${f}`), 'x');
  }
  const started = performance.now();
  const i = await impactOf('rm -rf big', dir, 1);
  assert.ok(performance.now() - started < 1000);
  assert.equal(i.measured, false);
  assert.match(i.summary, /not fully measured/);
});

test('a path only known at run time is not measured', async () => {
  const i = await impactOf('rm -rf "$TARGET"/x', tempDir());
  assert.equal(i.measured, false);
  assert.match(i.summary, /only known when the command runs/);
});

test('rm -rf link/ follows the link out of the workspace: not measured, and said so', async () => {
  const outside = tempDir();
  writeTree(outside, { 'data.db': 'precious' });
  const ws = tempDir();
  symlinkSync(outside, join(ws, 'link'));
  const followed = await impactOf('rm -rf link/', ws);
  assert.equal(followed.measured, false);
  assert.match(followed.summary, /link\/ is a symlink the command follows/);
  // Without the slash only the link goes.
  const link = await impactOf('rm -rf link', ws);
  assert.deepEqual([link.files, link.measured], [1, true]);
});
