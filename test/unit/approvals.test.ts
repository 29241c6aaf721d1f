// The approval store shared by every surface, through the real CLI process (a private build): a
// production label survives every route an agent could take to remove it, a person's approval
// is what moves it, and a store that cannot be read keeps each folder's last known label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPrivateCli } from './privateCli';
import { ROUTES, hookWord, runRoute } from '../../scripts/tamperRoutes';
import { openApprovalStore } from '../../src/approvals/approvalStore';
import { ruleFileReading } from '../../src/engine/resolve';

let cli: string;
let root: string;

before(() => {
  cli = buildPrivateCli();
  root = mkdtempSync(join(tmpdir(), 'interlock-approvals-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

for (const route of ROUTES) {
  test(`production holds: ${route.name}`, () => {
    const r = runRoute(cli, route, 'production');
    assert.equal(r.label, 'production', `label after: ${JSON.stringify(r)}`);
    assert.equal(r.after, 'confirm', 'kubectl delete pod is still confirmed as production');
    assert.equal(r.afterHook, 'ask', 'and the agent hook still asks');
  });
}

let n = 0;
function place(label?: string): { dir: string; home: string; env: Record<string, string> } {
  const base = join(root, `case-${++n}`);
  const dir = join(base, 'prod-api');
  const home = join(base, 'home');
  mkdirSync(dir, { recursive: true });
  mkdirSync(home, { recursive: true });
  if (label) writeFileSync(join(dir, '.interlock.jsonc'), `{ "environment": "${label}" }\n`);
  return { dir, home, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, INTERLOCK_REGISTRY_DIR: join(home, 'registry'), NO_COLOR: '1' } };
}

function cliRun(p: { dir: string; env: Record<string, string> }, args: string[], input = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: p.dir, env: p.env, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const labelOf = (p: { dir: string; env: Record<string, string> }, cwd = p.dir): string =>
  (JSON.parse(cliRun({ ...p, dir: cwd }, ['check', '--json', '--', 'true']).stdout) as { environment: { label: string } }).environment.label;

test('the first check records the baseline in a private store, with the label in its history', () => {
  const p = place('production');
  assert.equal(labelOf(p), 'production');
  const dir = join(p.home, '.local', 'state', 'interlock');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'approvals.json')).mode & 0o777, 0o600);
  const store = JSON.parse(readFileSync(join(dir, 'approvals.json'), 'utf8')) as { folders: Record<string, { baseline: { by: string; reading: { environment: string } } }> };
  assert.deepEqual(Object.values(store.folders).map((r) => [r.baseline.by, r.baseline.reading.environment]), [['first-sight', 'production']]);
  assert.match(readFileSync(join(dir, 'labels.jsonl'), 'utf8'), /"label":"production"/);
});

test('tightening applies at once; going back down waits, and check says why on stderr', () => {
  const p = place('development');
  assert.equal(labelOf(p), 'development');
  writeFileSync(join(p.dir, '.interlock.jsonc'), '{ "environment": "production" }\n');
  assert.equal(labelOf(p), 'production');
  writeFileSync(join(p.dir, '.interlock.jsonc'), '{ "environment": "development" }\n');
  const r = cliRun(p, ['check', '--json', '--', 'kubectl delete pod web-1']);
  assert.equal(JSON.parse(r.stdout).decision, 'confirm');
  assert.match(r.stderr, /held back until a person approves it.*environment production → development/);
});

test('a person’s approval (as the editor records it) is what lets a relabel down apply, on every surface', () => {
  const p = place('production');
  assert.equal(labelOf(p), 'production');
  const dev = '{ "environment": "development" }\n';
  writeFileSync(join(p.dir, '.interlock.jsonc'), dev);
  assert.equal(labelOf(p), 'production');
  openApprovalStore({ HOME: p.home }).approve(p.dir, dev, ruleFileReading(dev, join(p.dir, '.interlock.jsonc')));
  assert.equal(labelOf(p), 'development');
  const hook = cliRun(p, ['hook', 'claude'], JSON.stringify({ session_id: 's', cwd: p.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'kubectl delete pod web-1' }, tool_use_id: 't' }));
  assert.equal(hookWord(hook), 'allow');
});

test('a symlinked path to a production folder is that folder', () => {
  const p = place('production');
  assert.equal(labelOf(p), 'production');
  writeFileSync(join(p.dir, '.interlock.jsonc'), '{ "environment": "development" }\n');
  const link = join(p.home, 'link');
  symlinkSync(p.dir, link);
  assert.equal(labelOf(p, link), 'production');
});

test('doctor says what waits and exits 1; with nothing waiting it exits 0', () => {
  const p = place('production');
  assert.equal(labelOf(p), 'production');
  const clean = cliRun(p, ['doctor', '--json']);
  assert.equal(clean.code, 0, clean.stderr);
  assert.deepEqual(JSON.parse(clean.stdout).ruleFiles.map((f: { pending: string[] }) => f.pending), [[]]);
  rmSync(join(p.dir, '.interlock.jsonc'));
  const waiting = cliRun(p, ['doctor', '--json']);
  assert.equal(waiting.code, 1);
  const report = JSON.parse(waiting.stdout);
  assert.equal(report.environment.label, 'production');
  assert.deepEqual(report.ruleFiles[0].pending, ['the rule file was deleted or cannot be read']);
  const text = cliRun(p, ['doctor']);
  assert.match(text.stdout, /WAITING for a person's approval/);
  assert.equal(cliRun(p, ['doctor', '--bogus']).code, 64);
});

test('an unreadable store: the stricter of the file and the last known label applies, nothing overwrites the store, doctor reports it', () => {
  const p = place('production');
  assert.equal(labelOf(p), 'production');
  const store = join(p.home, '.local', 'state', 'interlock', 'approvals.json');
  for (const damage of ['{"version": 1, "folders": {"x": {"baseline": 3}}}', 'garbage', '[]']) {
    writeFileSync(store, damage);
    writeFileSync(join(p.dir, '.interlock.jsonc'), '{ "environment": "development" }\n');
    const r = cliRun(p, ['check', '--json', '--', 'kubectl delete pod web-1']);
    assert.equal(JSON.parse(r.stdout).environment.label, 'production', damage);
    assert.match(r.stderr, /approval store cannot be read/);
    assert.equal(readFileSync(store, 'utf8'), damage, 'only a person rebuilds the store');
    const doctor = cliRun(p, ['doctor', '--json']);
    assert.equal(doctor.code, 1);
    assert.equal(JSON.parse(doctor.stdout).store.readable, false);
  }
  // Tightening still applies at once from the file.
  writeFileSync(join(p.dir, '.interlock.jsonc'), '{ "environment": "production", "rules": [{"id": "workspace/no-ls", "command": "ls", "decision": "block", "risk": "low", "reason": "no listing here", "examples": {"match": ["ls"], "noMatch": []}}] }\n');
  assert.equal(JSON.parse(cliRun(p, ['check', '--json', '--', 'ls']).stdout).decision, 'block');
  // A person's rebuild starts from the last known labels: it loosens nothing by itself.
  openApprovalStore({ HOME: p.home }).rebuild();
  writeFileSync(join(p.dir, '.interlock.jsonc'), '{ "environment": "development" }\n');
  assert.equal(labelOf(p), 'production');
});

test('a store written by someone else’s rights is unreadable, not trusted', () => {
  const p = place('production');
  assert.equal(labelOf(p), 'production');
  const store = join(p.home, '.local', 'state', 'interlock', 'approvals.json');
  const text = readFileSync(store, 'utf8').replace('"production"', '"development"');
  writeFileSync(store, text, { mode: 0o666 });
  const { chmodSync } = require('node:fs') as typeof import('node:fs');
  chmodSync(store, 0o666);
  writeFileSync(join(p.dir, '.interlock.jsonc'), '{ "environment": "development" }\n');
  const r = cliRun(p, ['check', '--json', '--', 'true']);
  assert.equal(JSON.parse(r.stdout).environment.label, 'production');
  assert.match(r.stderr, /can be written by other users/);
});

test('a line that moves into a production folder is judged as production there, through check and the hooks', () => {
  const p = place('development');
  const app = join(p.dir, 'prod-app');
  mkdirSync(app);
  writeFileSync(join(app, '.interlock.jsonc'), '{ "environment": "production" }\n');
  for (const line of ['cd prod-app && kubectl delete pod web-1', 'cd ./prod-app; kubectl delete pod web-1', `cd ${app} && kubectl delete pod web-1`, 'pushd prod-app && kubectl delete pod web-1']) {
    const d = JSON.parse(cliRun(p, ['check', '--json', '--', line]).stdout);
    assert.deepEqual([d.decision, d.environment.production], ['confirm', true], line);
    assert.match(d.reasons[0].message, /prod-app/, 'the reason names the folder that made it production');
    const hook = cliRun(p, ['hook', 'claude'], JSON.stringify({ session_id: 's', cwd: p.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: line }, tool_use_id: 't' }));
    assert.equal(hookWord(hook), 'ask', line);
  }
  // Moving out of production does not make a line safer; staying in development stays silent.
  const fromProd = JSON.parse(cliRun({ ...p, dir: app }, ['check', '--json', '--', 'cd .. && kubectl delete pod web-1']).stdout);
  assert.equal(fromProd.environment.production, true);
  assert.equal(JSON.parse(cliRun(p, ['check', '--json', '--', 'mkdir -p sandbox && cd sandbox && kubectl delete pod web-1']).stdout).decision, 'allow');
});
