// Whether each agent will actually run Interlock's hook, read from the agents' own files as they
// write them: Codex's review record, Gemini CLI's and Copilot CLI's trusted folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentStatuses, codexHookHash } from '../../src/install/agentStatus';
import { hookCommand, hookTargets, planFile } from '../../src/install/installHooks';
import type { Scope } from '../../src/install/installHooks';
import { writeLauncher } from '../../src/install/launcher';
import type { AgentId } from '../../src/cli/hooks/protocols';

function machine(): { home: string; project: string; vars: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'interlock-agents-status-'));
  const home = join(root, 'home');
  const project = join(root, 'work', 'shop');
  mkdirSync(project, { recursive: true });
  mkdirSync(home, { recursive: true });
  const vars = { HOME: home };
  writeLauncher({ node: process.execPath, cli: __filename, electron: false }, vars);
  return { home, project, vars };
}

function install(m: ReturnType<typeof machine>, agent: AgentId, scope: Scope): string {
  const t = hookTargets(m.home, m.project, m.vars).find((x) => x.agent === agent && x.scope === scope)!;
  mkdirSync(t.marker, { recursive: true });
  const plan = planFile(t, undefined, hookCommand(join(m.home, '.local', 'share', 'interlock', 'bin', 'interlock'), agent), 'install');
  mkdirSync(join(t.file, '..'), { recursive: true });
  writeFileSync(t.file, plan.after!);
  return t.file;
}

const status = (m: ReturnType<typeof machine>, agent: AgentId) => agentStatuses(m.home, m.project, m.vars).agents.find((a) => a.agent === agent)!;

test('Codex: a hook nobody reviewed does not run; reviewed, it does; edited since, it does not again', () => {
  const m = machine();
  const file = install(m, 'codex', 'user');
  assert.equal(status(m, 'codex').guarded, false);
  assert.match(status(m, 'codex').fix ?? '', /Hooks need review/);
  const groups = (JSON.parse(readFileSync(file, 'utf8')) as { hooks: { PreToolUse: { matcher: string; hooks: Record<string, unknown>[] }[] } }).hooks.PreToolUse;
  const review = `[hooks.state."${file}:pre_tool_use:0:0"]\ntrusted_hash = "${codexHookHash(groups[0], groups[0].hooks[0])}"\n`;
  writeFileSync(join(m.home, '.codex', 'config.toml'), `model = "o"\n\n${review}`);
  assert.equal(status(m, 'codex').guarded, true);
  // The matcher widened by a newer install: Codex asks for a review again, and so does doctor.
  writeFileSync(file, readFileSync(file, 'utf8').replace('apply_patch|', 'apply_patch|Read|'));
  assert.equal(status(m, 'codex').guarded, false);
});

test('Gemini CLI and Copilot CLI: project hooks run only in folders they trust; user hooks everywhere', () => {
  const m = machine();
  install(m, 'gemini', 'project');
  install(m, 'copilot', 'project');
  assert.equal(status(m, 'gemini').guarded, false);
  assert.equal(status(m, 'copilot').guarded, false);
  assert.match(status(m, 'gemini').fix ?? '', /--user/);
  mkdirSync(join(m.home, '.gemini'));
  mkdirSync(join(m.home, '.copilot'));
  writeFileSync(join(m.home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [join(m.project, '..')]: 'TRUST_FOLDER' }));
  writeFileSync(join(m.home, '.copilot', 'config.json'), JSON.stringify({ trusted_folders: [m.project] }));
  assert.equal(status(m, 'gemini').guarded, true);
  assert.equal(status(m, 'copilot').guarded, true);
  const user = machine();
  install(user, 'gemini', 'user');
  install(user, 'copilot', 'user');
  assert.equal(status(user, 'gemini').guarded, true);
  assert.equal(status(user, 'copilot').guarded, true);
});

test('a hook whose copy of Interlock is gone, and an agent set up with no hook, are named with their fix', () => {
  const m = machine();
  install(m, 'claude', 'user');
  assert.equal(status(m, 'claude').guarded, true);
  writeLauncher({ node: process.execPath, cli: join(m.home, 'gone', 'cli.js'), electron: false }, m.vars);
  assert.match(status(m, 'claude').problem ?? '', /copy of Interlock that is gone/);
  mkdirSync(join(m.home, '.cursor'));
  assert.deepEqual([status(m, 'cursor').problem, status(m, 'cursor').fix], ['configured on this machine, but Interlock\'s hook is not installed', 'interlock install-hooks --agent cursor --user']);
  rmSync(join(m.home, '.cursor'), { recursive: true });
  assert.equal(status(m, 'cursor').problem, undefined, 'an agent that is not here is not a problem');
});
