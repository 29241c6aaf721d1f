// Hook commands and the launcher as Interlock writes them on Windows. There is no Windows here:
// these check the strings produced (quoting, no `VAR=value` prefix), and that cmd-style quoting
// reads back as one word with bash, PowerShell and cmd semantics as modelled by the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseJsonc } from 'jsonc-parser';
import { hookCommand, hookTargets, planFile, powershellHookCommand } from '../../src/install/installHooks';
import { launcherPath, launcherScript } from '../../src/install/launcher';
import { AGENTS } from '../../src/cli/hooks/protocols';
import { parseLine } from '../../src/engine/dialects/index';
import { newScope } from '../../src/engine/parse';
import { loadGrammar } from '../../src/engine/grammar';
import { grammarBytes } from './helpers';

const WIN_ENV = { LOCALAPPDATA: 'C:\\Users\\Ana María O\'Neil\\AppData\\Local', USERPROFILE: 'C:\\Users\\Ana María O\'Neil' };
const LAUNCHER = launcherPath(WIN_ENV, 'win32');

test('windows: the launcher is a batch file under %LOCALAPPDATA%', () => {
  assert.equal(LAUNCHER, "C:\\Users\\Ana María O'Neil\\AppData\\Local\\interlock\\bin\\interlock.cmd");
  assert.equal(launcherPath({ USERPROFILE: 'C:\\Users\\bob' }, 'win32'), 'C:\\Users\\bob\\AppData\\Local\\interlock\\bin\\interlock.cmd');
  assert.equal(launcherPath({ HOME: '/home/bob' }, 'linux'), '/home/bob/.local/share/interlock/bin/interlock');
});

test('windows: hook commands quote the path for cmd.exe and Git Bash, with no VAR=value prefix', () => {
  for (const agent of AGENTS) {
    const c = hookCommand(LAUNCHER, agent, 'win32');
    assert.equal(c, `"${LAUNCHER}" hook ${agent}`);
    assert.doesNotMatch(c, /^\s*[A-Za-z_][A-Za-z0-9_]*=/, 'no environment prefix');
  }
  assert.equal(hookCommand('/home/bob smith/.local/share/interlock/bin/interlock', 'claude', 'linux'), "'/home/bob smith/.local/share/interlock/bin/interlock' hook claude");
});

const grammars = Promise.all([loadGrammar(grammarBytes(), 'bash'), loadGrammar(grammarBytes(), 'powershell')]);
async function argv(line: string, shell: 'bash' | 'cmd' | 'powershell'): Promise<string[]> {
  const [grammar, powershell] = await grammars;
  const parsed = parseLine(line, { grammar, powershell, scope: newScope(), depth: 0, via: [], mapSpan: (s) => s }, shell);
  assert.equal(parsed.issues.length, 0, JSON.stringify(parsed.issues));
  return parsed.commands[0].argv.map((w) => w.value);
}

test('windows: each shell reads the launcher path back as one word, spaces, quotes and backslashes kept', async () => {
  const c = hookCommand(LAUNCHER, 'claude', 'win32');
  assert.deepEqual(await argv(c, 'cmd'), [LAUNCHER, 'hook', 'claude']);
  assert.deepEqual(await argv(c, 'bash'), [LAUNCHER, 'hook', 'claude']);
  const ps = powershellHookCommand(c);
  assert.equal(ps, `& 'C:\\Users\\Ana María O''Neil\\AppData\\Local\\interlock\\bin\\interlock.cmd' hook claude`);
  assert.deepEqual(await argv(ps, 'powershell'), [LAUNCHER, 'hook', 'claude']);
  // A POSIX launcher path with a quote, as sh quotes it, converts too.
  assert.equal(powershellHookCommand(hookCommand("/home/o'neil/bin/interlock", 'copilot', 'linux')), "& '/home/o''neil/bin/interlock' hook copilot");
});

test('windows: Copilot CLI entries carry a powershell command beside the bash one', () => {
  const t = hookTargets('C:\\Users\\bob', 'C:\\src\\shop').find((x) => x.agent === 'copilot' && x.scope === 'user')!;
  const command = hookCommand(LAUNCHER, 'copilot', 'win32');
  const plan = planFile(t, undefined, command, 'install');
  const entry = (parseJsonc(plan.after ?? '{}') as { hooks: { preToolUse: { bash: string; powershell: string }[] } }).hooks.preToolUse[0];
  assert.equal(entry.bash, command);
  assert.equal(entry.powershell, powershellHookCommand(command));
});

test('windows: the batch launcher keeps paths literal and refuses (exit 2) when the CLI is gone', () => {
  const text = launcherScript({ node: 'C:\\Program Files\\nodejs\\node.exe', cli: 'C:\\Users\\a%b&c\\cli.js', electron: false }, 'win32');
  assert.match(text, /^@echo off\r\n/);
  assert.ok(text.includes('set "node=C:\\Program Files\\nodejs\\node.exe"\r\n'));
  assert.ok(text.includes('set "cli=C:\\Users\\a%%b&c\\cli.js"\r\n'), 'percent doubled, & kept inside set "…"');
  assert.ok(text.includes('"%node%" "%cli%" %*\r\n'));
  assert.match(text, /exit \/b 2\r\n$/);
  assert.ok(!/\n(?!\r)/.test(text.replace(/\r\n/g, '')), 'CRLF line ends throughout');
});
