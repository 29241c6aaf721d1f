import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyPath } from '../../src/engine/paths';
import type { PathClass } from '../../src/engine/paths';

const ctx = { cwd: '/work/project', home: '/home/user' };

// One path word at a time; `dynamic` says whether the parser found an unknown expansion in it.
const cases: { path: string; dynamic?: boolean; cls: PathClass }[] = [
  { path: '/', cls: 'root' },
  { path: '/*', cls: 'root' },
  { path: '/e*', cls: 'system' },
  { path: '/etc', cls: 'system' },
  { path: '/tmp/../etc', cls: 'system' },
  { path: '/dev/sda1', cls: 'device' },
  { path: '/dev/null', cls: 'temp' },
  { path: '/dev/fd/63', cls: 'temp' },
  { path: '/tmp/build', cls: 'temp' },
  { path: '~', cls: 'home' },
  { path: '/home/user/', cls: 'home' },
  { path: '~/*', cls: 'home' }, // every file of the home: a whole-directory glob is the home itself
  { path: '/home/user/.*', cls: 'home' },
  { path: '~/Documents', cls: 'home-data' },
  { path: '~/.cache/pip', cls: 'disposable' },
  { path: '~someone/x', cls: 'home-data' },
  { path: '..', cls: 'parent' },
  { path: '.', cls: 'workspace' },
  { path: '*', cls: 'workspace' },
  { path: '.*', cls: 'workspace' },
  { path: '*.txt', cls: 'workspace-files' },
  { path: '*.log', cls: 'disposable' },
  { path: 'src', cls: 'source' },
  { path: '.git', cls: 'git' },
  { path: 'node_modules', cls: 'disposable' },
  { path: '/data/pg', cls: 'outside' },
  // Variables count only where the parser saw an expansion.
  { path: '$TMPDIR/x', dynamic: true, cls: 'temp' },
  { path: '$TMPDIR/x', dynamic: false, cls: 'source' },
  { path: '$TMPDIR/../etc', dynamic: true, cls: 'system' },
  { path: '$HOME', dynamic: true, cls: 'home' },
  { path: '$HOME/docs', dynamic: false, cls: 'source' },
  { path: '$PWD/src', dynamic: true, cls: 'source' },
  { path: '$X', dynamic: true, cls: 'dynamic' },
  { path: '{stdin}', dynamic: true, cls: 'dynamic' },
  { path: '$(mktemp -d)', dynamic: true, cls: 'temp' },
  { path: '$(mktemp -d -p /etc)', dynamic: true, cls: 'dynamic' },
  { path: '~/.npm/_cacache', cls: 'disposable' },
  // What find reaches: everything below a start, or the files one -name picks.
  { path: './{found}', dynamic: true, cls: 'workspace' },
  { path: '/{found}', dynamic: true, cls: 'root' },
  { path: '~/{found}', dynamic: true, cls: 'home' },
  { path: '/tmp/{found}', dynamic: true, cls: 'temp' },
  { path: 'src/{found}', dynamic: true, cls: 'source' },
  { path: './**/*.pyc', dynamic: true, cls: 'disposable' },
  { path: './**/node_modules', dynamic: true, cls: 'disposable' },
  { path: './**/.git', dynamic: true, cls: 'git' },
  { path: './**/*.ts', dynamic: true, cls: 'workspace-files' },
  { path: '~/**/*.txt', dynamic: true, cls: 'home-data' },
  { path: '/**/*.log', dynamic: true, cls: 'system' },
  // Windows paths, with and without the separators bash quoting removes.
  { path: 'C:\\', cls: 'root' },
  { path: 'C:', cls: 'root' },
  { path: 'C:\\Windows\\System32', cls: 'system' },
  { path: 'C:Windows', cls: 'system' },
  { path: 'C:\\Users\\bob', cls: 'home' },
  { path: 'C:\\Users\\bob\\docs', cls: 'home-data' },
  { path: 'C:Usersbobdocs', cls: 'home-data' },
  { path: 'D:\\data', cls: 'outside' },
  { path: '%TEMP%\\x', cls: 'temp' },
  { path: '$env:TEMP/x', dynamic: true, cls: 'temp' },
  { path: '$env:USERPROFILE', dynamic: true, cls: 'home' },
];

for (const c of cases) {
  test(`classifyPath ${JSON.stringify(c.path)}${c.dynamic ? ' (dynamic)' : ''} → ${c.cls}`, () => {
    assert.equal(classifyPath(c.path, c.dynamic ?? false, ctx), c.cls);
  });
}

test('a workspace checked out under /tmp keeps its sources, and the rest of /tmp stays temp', () => {
  const tmpCtx = { cwd: '/tmp/ci-clone/project', home: '/home/user' };
  assert.equal(classifyPath('src', false, tmpCtx), 'source');
  assert.equal(classifyPath('.git', false, tmpCtx), 'git');
  assert.equal(classifyPath('.', false, tmpCtx), 'workspace');
  assert.equal(classifyPath('dist', false, tmpCtx), 'disposable');
  assert.equal(classifyPath('/tmp/other', false, tmpCtx), 'temp');
});

test('a home directory under /tmp is still a home', () => {
  const ctx2 = { cwd: '/tmp/sandbox/home/project', home: '/tmp/sandbox/home' };
  assert.equal(classifyPath('~', false, ctx2), 'home');
  assert.equal(classifyPath('~/Documents', false, ctx2), 'home-data');
  assert.equal(classifyPath('/tmp/other', false, ctx2), 'temp');
});

test('the home directory itself is a home even inside the working folder (an agent started above its home)', () => {
  for (const ctx3 of [{ cwd: '/tmp', home: '/tmp/agent-home' }, { cwd: '/home', home: '/home/user' }, { cwd: '/home/user', home: '/home/user' }]) {
    assert.equal(classifyPath('~/', false, ctx3), 'home', JSON.stringify(ctx3));
    assert.equal(classifyPath(ctx3.home, false, ctx3), 'home', JSON.stringify(ctx3));
  }
});
