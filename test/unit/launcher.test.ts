// The stable hook launcher as agents run it: a real sh process starting the real CLI (a private
// build), and refusing in every agent's blocking form when that CLI is gone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildPrivateCli } from './privateCli';
import { launcherPath, readLauncher, writeLauncher } from '../../src/install/launcher';

let cli: string;
let root: string;
before(() => {
  cli = buildPrivateCli();
  root = mkdtempSync(join(tmpdir(), 'interlock-launcher-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function home(): Record<string, string> {
  const h = join(root, `home-${++n}`);
  mkdirSync(h, { recursive: true });
  // A resident engine started from one of these short-lived installs goes away soon after the test.
  return { HOME: h, PATH: process.env.PATH ?? '/usr/bin:/bin', INTERLOCK_REGISTRY_DIR: join(h, 'registry'), XDG_STATE_HOME: join(h, 'state'), INTERLOCK_RESIDENT_IDLE_MS: '2000' };
}

const bash = (command: string): string => JSON.stringify({ session_id: 's', cwd: '/tmp', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: 't' });

function launch(env: Record<string, string>, args: string[], input = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(launcherPath(env), args, { env, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the launcher starts the CLI it names, with the agent’s hook input, in a private folder', () => {
  const env = home();
  const first = writeLauncher({ node: process.execPath, cli, electron: false }, env);
  assert.equal(first.changed, true);
  assert.equal(writeLauncher({ node: process.execPath, cli, electron: false }, env).changed, false, 'rewriting the same launcher is a no-op');
  assert.equal(statSync(first.path).mode & 0o777, 0o755);
  assert.equal(statSync(dirname(first.path)).mode & 0o777, 0o700);
  assert.deepEqual(readLauncher(first.path), { node: process.execPath, cli, electron: false });
  const r = launch(env, ['hook', 'claude'], bash('rm -rf ~/'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision, 'deny');
  assert.equal(launch(env, ['hook', 'claude'], bash('ls')).stdout, '', 'a benign command gets the agent’s “no opinion” answer');
});

test('a runtime that moved is replaced by any Node on PATH', () => {
  const env = home();
  writeLauncher({ node: '/nonexistent/node', cli, electron: true }, env);
  const r = launch({ ...env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }, ['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
});

test('with the CLI gone (an update or uninstall), every agent gets a refusal that says how to fix it', () => {
  const env = home();
  writeLauncher({ node: process.execPath, cli: join(root, 'gone', 'dist', 'cli.js'), electron: false }, env);
  for (const agent of ['claude', 'codex', 'gemini', 'copilot', 'cursor']) {
    const r = launch(env, ['hook', agent], bash('rm -rf ~/'));
    assert.equal(r.code, 2, `${agent}: exit 2 is "block" to every agent`);
    assert.match(r.stderr, /refused: the Interlock CLI this hook starts is missing .*install-hooks --uninstall/);
    if (agent === 'cursor') assert.equal(JSON.parse(r.stdout).permission, 'deny');
    else assert.equal(r.stdout, '');
  }
});

test('install-hooks writes the launcher and names it in the hooks; after an update moves the CLI, installing again repairs it', () => {
  const env = home();
  const v1 = join(root, `ext-${n}`, 'interlock.interlock-0.1.0', 'dist');
  mkdirSync(v1, { recursive: true });
  for (const f of readdirSync(dirname(cli))) cpSync(join(dirname(cli), f), join(v1, f));
  const install = spawnSync(process.execPath, [join(v1, 'cli.js'), 'install-hooks', '--agent', 'claude', '--user'], { env, encoding: 'utf8' });
  assert.equal(install.status, 0, install.stderr);
  const settings = readFileSync(join(env.HOME, '.claude', 'settings.json'), 'utf8');
  assert.ok(settings.includes(`"${launcherPath(env)} hook claude"`), settings);
  assert.equal(readLauncher(launcherPath(env))?.cli, join(v1, 'cli.js'));
  assert.equal(JSON.parse(launch(env, ['hook', 'claude'], bash('git reset --hard')).stdout).hookSpecificOutput.permissionDecision, 'ask');
  // The update: the old folder goes. The hook refuses instead of failing open…
  rmSync(dirname(v1), { recursive: true, force: true });
  assert.equal(launch(env, ['hook', 'claude'], bash('git reset --hard')).code, 2);
  // …until the new copy runs (the extension does this on activation; here, install-hooks).
  const again = spawnSync(process.execPath, [cli, 'install-hooks', '--agent', 'claude', '--user'], { env, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.equal(readFileSync(join(env.HOME, '.claude', 'settings.json'), 'utf8'), settings, 'the hook entry itself never had to change');
  assert.equal(JSON.parse(launch(env, ['hook', 'claude'], bash('git reset --hard')).stdout).hookSpecificOutput.permissionDecision, 'ask');
});
