// `check --shell` and the `"shell"` field of --jsonl, through the real CLI process (dist/cli.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('check --shell powershell reads the line as PowerShell', () => {
  const r = run(['check', '--json', '--shell', 'powershell', '--', 'ri -rec -fo $env:USERPROFILE']);
  assert.equal(r.code, 2);
  const d = JSON.parse(r.stdout);
  assert.equal(d.decision, 'block');
  assert.ok(d.reasons.some((x: { rule: string }) => x.rule === 'filesystem/rm-root-or-home'));
  assert.equal(run(['check', '--shell=powershell', '--', 'Get-ChildItem | Select-Object Name, Length']).code, 0);
});

test('check --shell cmd reads the line as cmd.exe', () => {
  assert.equal(run(['check', '--shell', 'cmd', '--', 'rd /s /q %USERPROFILE%']).code, 2);
  assert.equal(run(['check', '--shell', 'cmd', '--', 'dir /s /b & git status']).code, 0);
});

test('check without --shell reads bash, as before', () => {
  assert.equal(run(['check', '--', 'rm -rf ~']).code, 2);
  assert.equal(run(['check', '--shell', 'bash', '--', 'git status']).code, 0);
});

test('an unknown --shell is a usage error', () => {
  const r = run(['check', '--shell', 'tcsh', '--', 'ls']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /--shell must be one of bash, zsh, fish, powershell, cmd/);
  assert.equal(run(['check', '--shell']).code, 64);
});

test('check --shell powershell: an unreadable line is confirm with a reason', () => {
  const r = run(['check', '--json', '--shell', 'powershell', '--', 'Remove-Item "unterminated']);
  assert.equal(r.code, 1);
  const d = JSON.parse(r.stdout);
  assert.ok(d.reasons.some((x: { rule: string }) => x.rule === 'interlock/unparsed'));
});

test('--jsonl takes a "shell" per line, --shell as the default; a bad one is an error line', () => {
  const input = [
    JSON.stringify({ command: 'Remove-Item -Recurse -Force ~', shell: 'powershell' }),
    JSON.stringify({ command: 'rd /s /q C:\\', shell: 'cmd' }),
    JSON.stringify({ command: 'Get-Content README.md' }),
    JSON.stringify({ command: 'ls', shell: 'nu' }),
    JSON.stringify({ command: 'rm -rf ~', shell: 'bash' }),
  ].join('\n');
  const r = run(['check', '--jsonl', '--shell', 'powershell'], input);
  assert.equal(r.code, 0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.decision ?? 'error'), ['block', 'block', 'allow', 'error', 'block']);
  assert.match(lines[3].error, /^line 4: "shell" must be one of/);
});
