import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { chooseTargets, copilotAutoApproveEntries, hookCommand, hookTargets, installedCommands, isInterlockCommand, planFile, unifiedDiff } from '../../src/install/installHooks';
import type { HookTarget } from '../../src/install/installHooks';
import { readLauncher } from '../../src/install/launcher';
import type { AgentId } from '../../src/cli/hooks/protocols';
import { buildPrivateCli } from './privateCli';
import { loadPacks } from './helpers';

const HOME = '/home/dev';
const PROJECT = '/home/dev/shop';
const targets = hookTargets(HOME, PROJECT);
const target = (agent: AgentId, scope: 'user' | 'project' = 'user'): HookTarget => targets.find((t) => t.agent === agent && t.scope === scope)!;
const cmd = (agent: AgentId): string => hookCommand('/home/dev/.local/share/interlock/bin/interlock', agent);

type Json = Record<string, unknown>;
const value = (text: string | undefined): Json => parseJsonc(text ?? '{}') as Json;

/** Existing configuration with other people's hooks, unknown keys and comments. */
const FIXTURES: Record<AgentId, { file: string; others: (v: Json) => unknown }> = {
  claude: {
    file: `{
  // team settings
  "model": "opus",
  "hooks": {
    "PreToolUse": [
      { "matcher": "Write|Edit", "hooks": [{ "type": "command", "command": "prettier --check \\"$CLAUDE_PROJECT_DIR\\"" }] }
    ],
    "Stop": [{ "hooks": [{ "type": "command", "command": "say done" }] }]
  },
  "permissions": { "allow": ["Bash(npm test)"] }, // trailing comma next
}
`,
    others: (v) => [((v.hooks as Json).PreToolUse as unknown[])[0], (v.hooks as Json).Stop, v.model, v.permissions],
  },
  cursor: {
    file: `{
\t"version": 1,
\t"hooks": {
\t\t"afterFileEdit": [{ "command": "./hooks/format.sh" }],
\t\t"beforeShellExecution": [{ "command": "./hooks/audit.sh", "timeout": 5 }]
\t},
\t"x-team": true
}
`,
    others: (v) => [(v.hooks as Json).afterFileEdit, ((v.hooks as Json).beforeShellExecution as unknown[])[0], v['x-team']],
  },
  copilot: {
    file: `{
  "version": 1,
  "hooks": {
    "sessionStart": [{ "type": "command", "bash": "echo hi" }],
    "preToolUse": [{ "type": "command", "bash": "./scripts/log.sh", "timeoutSec": 5 }]
  }
}
`,
    others: (v) => [(v.hooks as Json).sessionStart, ((v.hooks as Json).preToolUse as unknown[])[0]],
  },
  gemini: {
    file: `{
  // Gemini CLI settings
  "theme": "GitHub",
  "mcpServers": { "db": { "command": "db-mcp" } },
  "hooks": {
    "BeforeTool": [
      { "matcher": "write_file", "hooks": [{ "type": "command", "command": "./check-write.sh", "timeout": 5000 }] }
    ]
  }
}
`,
    others: (v) => [v.theme, v.mcpServers, ((v.hooks as Json).BeforeTool as unknown[])[0]],
  },
  codex: {
    file: `{
  "hooks": {
    "PreToolUse": [{ "matcher": "apply_patch", "hooks": [{ "type": "command", "command": "python3 check_patch.py" }] }],
    "SessionStart": [{ "matcher": "startup", "hooks": [{ "type": "command", "command": "echo start" }] }]
  }
}
`,
    others: (v) => [((v.hooks as Json).PreToolUse as unknown[])[0], (v.hooks as Json).SessionStart],
  },
};

for (const agent of Object.keys(FIXTURES) as AgentId[]) {
  const { file, others } = FIXTURES[agent];

  test(`${agent}: install merges beside other hooks, keeps comments and unknown keys, and says exactly what changed`, () => {
    const plan = planFile(target(agent), file, cmd(agent), 'install');
    assert.equal(plan.changed, true);
    assert.equal(plan.error, undefined);
    assert.deepEqual(others(value(plan.after)), others(value(file)));
    assert.deepEqual(installedCommands(agent, plan.after), [cmd(agent)]);
    for (const comment of file.match(/\/\/[^\n]*/g) ?? []) assert.ok(plan.after!.includes(comment), `keeps ${comment}`);
    assert.match(plan.diff, new RegExp(`^--- a${target(agent).file}\\n\\+\\+\\+ b${target(agent).file}\\n@@ `));
    // Additions only: a line the diff takes out comes back with the new element after it.
    const lines = plan.diff.split('\n');
    for (const removed of lines.filter((l) => l.startsWith('-') && !l.startsWith('---'))) {
      const kept = removed.slice(1).replace(/[\],]*$/, '');
      assert.ok(lines.some((l) => l.startsWith(`+${kept}`)), `removes ${removed}`);
    }
  });

  test(`${agent}: a second install changes nothing`, () => {
    const once = planFile(target(agent), file, cmd(agent), 'install');
    const twice = planFile(target(agent), once.after, cmd(agent), 'install');
    assert.equal(twice.changed, false);
    assert.equal(twice.after, once.after);
    assert.equal(twice.diff, '');
  });

  test(`${agent}: uninstall removes Interlock's entries and only those`, () => {
    const installed = planFile(target(agent), file, cmd(agent), 'install').after;
    const removed = planFile(target(agent), installed, cmd(agent), 'uninstall');
    assert.equal(removed.changed, true);
    assert.equal(removed.after, file, 'gives back the file byte for byte');
    assert.deepEqual(installedCommands(agent, removed.after), []);
    assert.equal(planFile(target(agent), removed.after, cmd(agent), 'uninstall').changed, false);
  });

  test(`${agent}: a new configuration file is created with just Interlock's hook, and uninstall takes it away again`, () => {
    const created = planFile(target(agent), undefined, cmd(agent), 'install');
    assert.match(created.diff, /^--- \/dev\/null\n/);
    assert.ok(created.after!.endsWith('\n'));
    assert.deepEqual(installedCommands(agent, created.after), [cmd(agent)]);
    // Nothing of the user's is in it: the file goes, rather than staying behind as `{}`.
    const removed = planFile(target(agent), created.after, cmd(agent), 'uninstall');
    assert.equal(removed.after, undefined);
    assert.match(removed.diff, /\n\+\+\+ \/dev\/null\n/);
  });
}

const matcherOf = (agent: AgentId, event: string): RegExp => {
  const groups = (value(planFile(target(agent), undefined, cmd(agent), 'install').after).hooks as Json)[event] as Json[];
  return new RegExp(groups[0].matcher as string);
};

// The tools each matcher must let through to Interlock (shell, reads, MCP, and every file tool:
// an agent can switch Interlock off by editing its files) and tools it need not run for.
const COVERAGE: { agent: AgentId; event: string; covers: string[]; skips: string[] }[] = [
  {
    agent: 'claude',
    event: 'PreToolUse',
    covers: [
      'Bash', 'PowerShell', 'Read', 'Grep', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'mcp__github__delete_repository',
      'run_in_terminal', 'read_file', 'create_file', 'replace_string_in_file', 'multi_replace_string_in_file', 'insert_edit_into_file', 'edit_notebook_file', 'apply_patch',
    ],
    skips: ['Glob', 'BashOutput', 'WebFetch', 'TodoWrite', 'Writer', 'xWrite'],
  },
  { agent: 'gemini', event: 'BeforeTool', covers: ['run_shell_command', 'read_file', 'read_many_files', 'write_file', 'replace', 'mcp_db_drop_table', 'mcp__db__drop_table'], skips: ['glob', 'list_directory', 'web_fetch'] },
  { agent: 'codex', event: 'PreToolUse', covers: ['Bash', 'apply_patch', 'mcp__db__drop_table'], skips: ['view_image', 'update_plan'] },
];

for (const { agent, event, covers, skips } of COVERAGE) {
  test(`${agent}: the installed matcher covers shell, reads, MCP and file tools`, () => {
    const matcher = matcherOf(agent, event);
    for (const tool of covers) assert.match(tool, matcher);
    for (const tool of skips) assert.doesNotMatch(tool, matcher);
  });
}

test('cursor: every blocking event is hooked, fail-closed; preToolUse only for file changes', () => {
  const cursor = value(planFile(target('cursor'), undefined, cmd('cursor'), 'install').after);
  const hooks = cursor.hooks as Record<string, Json[]>;
  assert.deepEqual(Object.keys(hooks).sort(), ['beforeMCPExecution', 'beforeReadFile', 'beforeShellExecution', 'preToolUse']);
  for (const entries of Object.values(hooks)) assert.equal(entries[0].failClosed, true);
  const matcher = new RegExp(`^(${hooks.preToolUse[0].matcher as string})$`);
  for (const tool of ['Write', 'Edit', 'StrReplace', 'MultiEdit', 'Delete', 'edit_file', 'search_replace', 'delete_file', 'apply_patch']) assert.match(tool, matcher);
  // Those have events of their own: a second hook would ask twice.
  for (const tool of ['Shell', 'Read', 'Grep', 'MCP:db']) assert.doesNotMatch(tool, matcher);
  assert.equal(hooks.beforeShellExecution[0].matcher, undefined);
});

test('gemini: the hook timeout is in milliseconds', () => {
  const gemini = value(planFile(target('gemini'), undefined, cmd('gemini'), 'install').after);
  assert.equal(((((gemini.hooks as Json).BeforeTool as Json[])[0].hooks as Json[])[0]).timeout, 60_000);
});

test('an Interlock entry from another install is updated in place, and duplicates are folded into one', () => {
  const old = '/usr/local/bin/node /home/dev/.vscode/extensions/interlock.interlock-0.0.9/dist/cli.js hook claude';
  const text = JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: old }] }, { matcher: 'Bash', hooks: [{ type: 'command', command: 'interlock hook claude' }] }] } }, null, 2);
  const plan = planFile(target('claude'), text, cmd('claude'), 'install');
  assert.deepEqual(installedCommands('claude', plan.after), [cmd('claude')]);
  assert.equal(((value(plan.after).hooks as Json).PreToolUse as unknown[]).length, 1);
});

/** What an older Interlock wrote: its matchers covered the shell, reads and MCP, not file tools. */
const OLDER: Record<'claude' | 'gemini' | 'codex', { event: string; matcher: string; entry: Json }> = {
  claude: { event: 'PreToolUse', matcher: '^(Bash|run_in_terminal|Read|read_file|Grep|mcp__.*)$', entry: { type: 'command', command: cmd('claude'), timeout: 60 } },
  gemini: { event: 'BeforeTool', matcher: '^(run_shell_command|read_file|read_many_files|search_file_content|grep_search|mcp__.*)$', entry: { type: 'command', name: 'interlock', command: cmd('gemini'), timeout: 60_000 } },
  codex: { event: 'PreToolUse', matcher: '^(Bash|mcp__.*)$', entry: { type: 'command', command: cmd('codex'), timeout: 60 } },
};

for (const agent of Object.keys(OLDER) as (keyof typeof OLDER)[]) {
  test(`${agent}: re-installing over an older install's matcher updates it, once, and keeps other hooks`, () => {
    const { event, matcher, entry } = OLDER[agent];
    const theirs = { matcher: 'write_file|Write', hooks: [{ type: 'command', command: './check.sh' }] };
    const text = JSON.stringify({ hooks: { [event]: [theirs, { matcher, hooks: [entry] }] } }, null, 2);
    const plan = planFile(target(agent), text, cmd(agent), 'install');
    assert.equal(plan.changed, true);
    const groups = (value(plan.after).hooks as Json)[event] as Json[];
    assert.equal(groups.length, 2);
    assert.deepEqual(groups[0], theirs);
    assert.equal(groups[1].matcher, matcherOf(agent, event).source);
    assert.deepEqual(installedCommands(agent, plan.after), [cmd(agent)]);
    assert.match(plan.diff, /^-.*"matcher"/m);
    assert.equal(planFile(target(agent), plan.after, cmd(agent), 'install').changed, false);
  });
}

test('cursor: re-installing over an older install adds the file-change hook, once', () => {
  const entry = { command: cmd('cursor'), timeout: 60, failClosed: true };
  const text = JSON.stringify({ version: 1, hooks: { beforeShellExecution: [entry], beforeMCPExecution: [entry], beforeReadFile: [entry], afterFileEdit: [{ command: './fmt.sh' }] } }, null, 2);
  const plan = planFile(target('cursor'), text, cmd('cursor'), 'install');
  const hooks = value(plan.after).hooks as Record<string, Json[]>;
  assert.equal(hooks.preToolUse.length, 1);
  assert.deepEqual(hooks.afterFileEdit, [{ command: './fmt.sh' }]);
  assert.equal(planFile(target('cursor'), plan.after, cmd('cursor'), 'install').changed, false);
});

test('an Interlock entry sharing a group under another matcher moves to a group of its own; the others stay', () => {
  const text = JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'audit.sh' }, { type: 'command', command: 'interlock hook claude' }] }] } }, null, 2);
  const plan = planFile(target('claude'), text, cmd('claude'), 'install');
  const groups = (value(plan.after).hooks as Json).PreToolUse as Json[];
  assert.deepEqual(groups[0], { matcher: 'Bash', hooks: [{ type: 'command', command: 'audit.sh' }] });
  assert.equal(groups[1].matcher, matcherOf('claude', 'PreToolUse').source);
  assert.deepEqual(installedCommands('claude', plan.after), [cmd('claude')]);
  assert.equal(planFile(target('claude'), plan.after, cmd('claude'), 'install').changed, false);
  const removed = planFile(target('claude'), plan.after, cmd('claude'), 'uninstall');
  assert.deepEqual((value(removed.after).hooks as Json).PreToolUse, [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'audit.sh' }] }]);
});

test('an Interlock entry sharing a group under its own matcher is updated there', () => {
  const matcher = matcherOf('claude', 'PreToolUse').source;
  const text = JSON.stringify({ hooks: { PreToolUse: [{ matcher, hooks: [{ type: 'command', command: 'audit.sh' }, { type: 'command', command: 'interlock hook claude' }] }] } }, null, 2);
  const plan = planFile(target('claude'), text, cmd('claude'), 'install');
  const groups = (value(plan.after).hooks as Json).PreToolUse as Json[];
  assert.equal(groups.length, 1);
  assert.deepEqual((groups[0].hooks as Json[]).map((h) => h.command), ['audit.sh', cmd('claude')]);
});

test('a file that is not valid JSON is left untouched with the reason', () => {
  for (const text of ['{ "hooks": ', '[1, 2]', '{ "a": 1 } trailing']) {
    const plan = planFile(target('claude'), text, cmd('claude'), 'install');
    assert.equal(plan.changed, false);
    assert.equal(plan.after, text);
    assert.match(plan.error ?? '', /not valid JSON|not a JSON object/);
  }
});

test('other tools’ hooks named like ours are not taken for Interlock', () => {
  assert.equal(isInterlockCommand('/opt/other/cli.js hook claude', 'claude'), false);
  assert.equal(isInterlockCommand('interlock hook claude', 'claude'), true);
  assert.equal(isInterlockCommand("'/x/interlock.interlock-0.1.0/dist/cli.js' hook cursor", 'cursor'), true);
  assert.equal(isInterlockCommand('interlock hook cursor', 'claude'), false);
  assert.equal(hookCommand("/home/a b/it's/.local/share/interlock/bin/interlock", 'claude'), `'/home/a b/it'\\''s/.local/share/interlock/bin/interlock' hook claude`);
  assert.equal(isInterlockCommand(hookCommand('/home/a b/.local/share/interlock/bin/interlock', 'gemini'), 'gemini'), true);
});

test('unified diffs apply with patch(1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interlock-diff-'));
  try {
    const before = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const lines = before.split('\n');
    lines.splice(2, 1, 'changed 2');
    lines.splice(20, 0, 'inserted');
    lines.splice(35, 2);
    const afterText = lines.join('\n');
    const file = join(dir, 'f.txt');
    writeFileSync(file, before);
    writeFileSync(join(dir, 'd.diff'), unifiedDiff(file, before, afterText));
    const r = spawnSync('patch', ['-s', file, join(dir, 'd.diff')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.equal(readFileSync(file, 'utf8'), afterText);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('targets: configured agents at user scope by default; named agents even when not configured yet', () => {
  const present = new Set([`${HOME}/.claude`, `${HOME}/.cursor`, `${PROJECT}/.github`, `${PROJECT}/.codex`]);
  const exists = (p: string): boolean => present.has(p);
  const pick = (opts: Parameters<typeof chooseTargets>[1]): string[] => chooseTargets(targets, opts, exists).map((t) => `${t.agent}:${t.scope}`);
  assert.deepEqual(pick({ action: 'install' }), ['claude:user', 'cursor:user', 'copilot:project', 'codex:project']);
  assert.deepEqual(pick({ action: 'install', scope: 'project' }), ['copilot:project', 'codex:project']);
  assert.deepEqual(pick({ action: 'install', agents: ['gemini'] }), ['gemini:user']);
  assert.deepEqual(pick({ action: 'install', agents: ['gemini'], scope: 'project' }), ['gemini:project']);
});

// The real CLI process, in a fake home and project.

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function sandbox(): { home: string; project: string; run: (args: string[]) => { code: number | null; stdout: string; stderr: string } } {
  const home = mkdtempSync(join(tmpdir(), 'interlock-install-home-'));
  dirs.push(home);
  const project = join(home, 'src', 'shop');
  mkdirSync(project, { recursive: true });
  const cli = buildPrivateCli();
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [cli, 'install-hooks', ...args], { encoding: 'utf8', cwd: project, env: { PATH: process.env.PATH ?? '', HOME: home } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { home, project, run };
}

test('install-hooks: --dry-run shows the diff and writes nothing; install, reinstall, uninstall', () => {
  const { home, project, run } = sandbox();
  mkdirSync(join(home, '.claude'));
  mkdirSync(join(home, '.cursor'));
  mkdirSync(join(project, '.github'));
  const claudeFile = join(home, '.claude', 'settings.json');
  writeFileSync(claudeFile, FIXTURES.claude.file);
  const mtime = statSync(claudeFile).mtimeMs;

  const dry = run(['--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /would change Claude Code .*settings\.json\n--- a.*\n\+\+\+ b.*\n@@/);
  assert.match(dry.stdout, /would change Cursor, user: .*hooks\.json\n--- \/dev\/null/);
  assert.match(dry.stdout, /\(dry run: nothing was written\)/);
  assert.equal(readFileSync(claudeFile, 'utf8'), FIXTURES.claude.file);
  assert.equal(statSync(claudeFile).mtimeMs, mtime);
  assert.equal(existsSync(join(home, '.cursor', 'hooks.json')), false);
  assert.equal(existsSync(join(project, '.github', 'hooks')), false); // user scope by default

  const install = run([]);
  assert.equal(install.code, 0, install.stderr);
  const cli = buildPrivateCli();
  assert.deepEqual(installedCommands('claude', readFileSync(claudeFile, 'utf8')), [`${join(home, '.local', 'share', 'interlock', 'bin', 'interlock')} hook claude`]);
  assert.equal(readLauncher(join(home, '.local', 'share', 'interlock', 'bin', 'interlock'))?.cli, cli);
  const cursorText = readFileSync(join(home, '.cursor', 'hooks.json'), 'utf8');

  const again = run([]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already up to date/);
  assert.doesNotMatch(again.stdout, /^(changed|---)/m);
  assert.equal(readFileSync(join(home, '.cursor', 'hooks.json'), 'utf8'), cursorText);

  // The installed command really runs the hook.
  const installed = installedCommands('claude', readFileSync(claudeFile, 'utf8'))[0];
  const hook = spawnSync('sh', ['-c', installed], { input: JSON.stringify({ hook_event_name: 'PreToolUse', cwd: project, tool_name: 'Bash', tool_input: { command: 'git reset --hard' } }), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: home, INTERLOCK_REGISTRY_DIR: join(home, 'reg') } });
  assert.equal(JSON.parse(hook.stdout).hookSpecificOutput.permissionDecision, 'ask');

  const removed = run(['--uninstall']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(readFileSync(claudeFile, 'utf8'), FIXTURES.claude.file);
  assert.equal(existsSync(join(home, '.cursor', 'hooks.json')), false);
});

test('install-hooks: --agent and --project install where asked, even before the agent is set up', () => {
  const { project, run } = sandbox();
  const r = run(['--agent', 'copilot', '--agent=gemini', '--project']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(project, '.github', 'hooks', 'interlock.json')));
  assert.ok(existsSync(join(project, '.gemini', 'settings.json')));
  assert.match(r.stdout, /note: Project files now hold absolute paths/);
  const u = run(['--uninstall', '--project']);
  assert.equal(u.code, 0);
  assert.equal(existsSync(join(project, '.github', 'hooks', 'interlock.json')), false);
});

test('install-hooks: a broken settings file is reported and left alone; usage errors exit 64', () => {
  const { home, run } = sandbox();
  mkdirSync(join(home, '.claude'));
  writeFileSync(join(home, '.claude', 'settings.json'), '{ "hooks": ');
  const r = run([]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^! Claude Code .*: not valid JSON at line 1 .*left untouched\.$/m);
  assert.equal(readFileSync(join(home, '.claude', 'settings.json'), 'utf8'), '{ "hooks": ');
  for (const args of [['--agent', 'windsurf'], ['--project', '--user'], ['--bogus']]) assert.equal(run(args).code, 64, args.join(' '));
  const none = sandbox().run([]);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /No agent configuration found/);
});

test('Copilot auto-approve entries make VS Code ask before flagged commands, and only those', () => {
  const entries = copilotAutoApproveEntries(loadPacks().flatMap((p) => p.rules));
  const asks = (line: string): boolean =>
    Object.keys(entries).some((k) => (k.startsWith('/') ? new RegExp(k.slice(1, k.lastIndexOf('/'))).test(line) : line === k || line.startsWith(`${k} `)));
  assert.ok(Object.values(entries).every((v) => v === false));
  for (const line of ['git stash drop', 'terraform workspace delete prod', 'zfs destroy tank/data', 'killall5 -9']) assert.ok(asks(line), line);
  for (const line of ['git status', 'git stash list', 'terraform workspace list', 'echo hi', 'cat notes.txt', 'ls -la', 'npm test']) assert.ok(!asks(line), line);
});
