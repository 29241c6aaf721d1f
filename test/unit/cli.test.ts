// The real CLI process (dist/cli.js, built by `npm test` first), as agents and scripts run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');

function run(args: string[], input?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help documents the exit statuses', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  for (const line of [/0\s+allow/, /1\s+confirm/, /2\s+block/, /64\s+usage/]) assert.match(r.stdout, line);
});

test('check --json prints the contract on one line; exit status follows the decision', () => {
  const allow = run(['check', '--json', '--', 'git', 'status']);
  assert.equal(allow.code, 0);
  assert.equal(allow.stdout.trim().split('\n').length, 1);
  const a = JSON.parse(allow.stdout);
  assert.deepEqual(Object.keys(a), ['decision', 'risk', 'environment', 'reasons']);
  assert.equal(a.decision, 'allow');

  const confirm = run(['check', '--json', '--', 'git reset --hard']);
  assert.equal(confirm.code, 1);
  const c = JSON.parse(confirm.stdout);
  assert.equal(c.decision, 'confirm');
  assert.equal(c.reasons[0].rule, 'git/reset-hard');
  assert.deepEqual(c.reasons[0].span, { start: 0, end: 16 });
});

test('--env sets the environment label', () => {
  const r = JSON.parse(run(['check', '--json', '--env', 'production', '--', 'ls']).stdout);
  assert.deepEqual([r.environment.label, r.environment.production, r.environment.source], ['production', true, '--env']);
});

test('the human explanation marks the offending part of the command', () => {
  const r = run(['check', '--', 'echo ok && git reset --hard']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^CONFIRM/);
  assert.match(r.stdout, /git\/reset-hard: git reset --hard discards/);
  assert.match(r.stdout, /\n {4}echo ok && git reset --hard\n {4} {11}\^{16}/);
});

test('--jsonl answers one line each, in order; a malformed line gets an error and the batch goes on', () => {
  const input = [
    JSON.stringify({ command: 'git status' }),
    '{not json',
    JSON.stringify({ command: 42 }),
    '',
    JSON.stringify({ command: 'git push --force', env: 'production' }),
    JSON.stringify({ command: 'ls', vars: 'nope' }),
    JSON.stringify({ command: 'kubectl get pods', vars: { KUBECONFIG: '/nonexistent' } }),
  ].join('\n');
  const r = run(['check', '--jsonl'], input);
  assert.equal(r.code, 0);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.length, 6);
  assert.equal(out[0].decision, 'allow');
  assert.match(out[1].error, /^line 2: /);
  assert.match(out[2].error, /^line 3: .*command/);
  assert.equal(out[3].decision, 'confirm');
  assert.equal(out[3].environment.label, 'production');
  assert.match(out[4].error, /vars/);
  assert.equal(out[5].decision, 'allow');
});

test('--cwd finds the workspace rule file; a malformed one is reported with file:line:col and never looks safer', () => {
  const ws = mkdtempSync(join(tmpdir(), 'interlock-cli-'));
  writeFileSync(join(ws, '.interlock.jsonc'), '{\n  // labelled\n  "environment": "production"\n}\n');
  const ok = JSON.parse(run(['check', '--json', '--cwd', ws, '--', 'ls']).stdout);
  assert.equal(ok.environment.label, 'production');
  writeFileSync(join(ws, '.interlock.jsonc'), '{\n  "environment": "development",\n  "colour": "red"\n}\n');
  const bad = run(['check', '--json', '--cwd', ws, '--', 'ls']);
  assert.match(bad.stderr, /\.interlock\.jsonc:3:3: .*colour/);
  // The file was production when last read: a broken file keeps that reading until a person approves.
  assert.equal(JSON.parse(bad.stdout).environment.label, 'production');
  assert.match(bad.stderr, /held back until a person approves it.*: the rule file is invalid/);
  // A broken file never seen before, with no label to read: unknown.
  const fresh = mkdtempSync(join(tmpdir(), 'interlock-cli-'));
  writeFileSync(join(fresh, '.interlock.jsonc'), '{\n  "colour": "red"\n}\n');
  assert.equal(JSON.parse(run(['check', '--json', '--cwd', fresh, '--', 'ls']).stdout).environment.label, 'unknown');
});

test('usage errors exit 64 with a message', () => {
  for (const args of [['check'], ['check', '--env'], ['check', '--bogus', '--', 'ls'], ['frobnicate']]) {
    const r = run(args);
    assert.equal(r.code, 64, args.join(' '));
    assert.match(r.stderr, /interlock/);
  }
});

test('check --json --impact adds "impact" with the keys that apply; the text output says it in a line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interlock-impact-'));
  writeFileSync(join(dir, 'a.txt'), 'hello');
  const r = run(['check', '--json', '--impact', '--cwd', dir, '--', 'rm -f a.txt']);
  const out = JSON.parse(r.stdout);
  assert.deepEqual({ files: out.impact.files, bytes: out.impact.bytes, measured: out.impact.measured }, { files: 1, bytes: 5, measured: true });
  assert.equal('commits' in out.impact, false);
  assert.match(run(['check', '--impact', '--cwd', dir, '--', 'rm -f a.txt']).stdout, /Impact: deletes 1 file \(5 bytes\)/);
  assert.equal('impact' in JSON.parse(run(['check', '--json', '--cwd', dir, '--', 'rm -f a.txt']).stdout), false);
});

test('snapshot -- <line> prints the id; undo --list shows it; undo ID puts the files back', () => {
  const state = mkdtempSync(join(tmpdir(), 'interlock-state-'));
  const ws = mkdtempSync(join(tmpdir(), 'interlock-ws-'));
  writeFileSync(join(ws, 'keep.txt'), 'content');
  const env = { XDG_STATE_HOME: state };
  const taken = run(['snapshot', '--json', '--cwd', ws, '--', 'rm -f keep.txt'], undefined, env);
  assert.equal(taken.code, 0, taken.stderr);
  const { id } = JSON.parse(taken.stdout);
  assert.match(id, /^\d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.equal(run(['snapshot', '--cwd', ws, '--', 'rm -f keep.txt'], undefined, env).stdout.trim().length, id.length);
  spawnSync('rm', ['-f', join(ws, 'keep.txt')]);
  const listed = JSON.parse(run(['undo', '--list', '--json'], undefined, env).stdout);
  assert.ok(listed.some((s: { id: string }) => s.id === id));
  const undone = run(['undo', id], undefined, env);
  assert.equal(undone.code, 0, undone.stderr);
  assert.equal(readFileSync(join(ws, 'keep.txt'), 'utf8'), 'content');
  const none = run(['snapshot', '--cwd', ws, '--', 'rm -rf "$NOPE"'], undefined, env);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no snapshot, so no undo/);
  assert.equal(run(['undo', 'no-such-id'], undefined, env).code, 1);
});
