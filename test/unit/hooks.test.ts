// `interlock hook <agent>` as agents run it: the real CLI process (a private build), fed each
// agent's hook JSON on stdin, in a fake home with no cloud or cluster context of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGuardServer } from '../../src/channel/server';
import type { GuardHandler, GuardServer } from '../../src/channel/server';
import type { GuardRequest } from '../../src/channel/protocol';
import { registerWindow } from '../../src/channel/registry';
import { buildPrivateCli } from './privateCli';
import { ROOT } from './helpers';
import { readHookInput } from '../../src/cli/hooks/protocols';
import { applyPatchWrites } from '../../src/engine/fileWrites';
import type { AgentId, Subject } from '../../src/cli/hooks/protocols';

const GOLDEN = join(ROOT, 'test', 'golden', 'hooks');
const AGENTS = ['claude', 'cursor', 'copilot', 'gemini', 'codex'] as const;

let cli: string;
let home: string;
let workspace: string;
let prod: string;
let registry: string;

before(() => {
  cli = buildPrivateCli();
  // Not named /tmp/interlock-*: that is where Interlock keeps its own state, and every file of
  // the fake home would be guarded as such.
  home = mkdtempSync(join(tmpdir(), 'agent-hooks-home-'));
  workspace = join(home, 'work', 'shop');
  prod = join(home, 'work', 'prod-api');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  mkdirSync(prod, { recursive: true });
  writeFileSync(join(prod, '.interlock.jsonc'), '{\n  // the live API\n  "environment": "production"\n}\n');
  registry = join(home, 'registry');
});

after(() => rmSync(home, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run the hook with a clean environment: no cloud profile, cluster or database of the test runner's. */
function runHook(args: string[], input: string | Buffer | undefined, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, INTERLOCK_REGISTRY_DIR: registry, NO_COLOR: '1', ...env },
      cwd: workspace,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined); // a hook that stops reading early closes the pipe
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    if (input !== undefined) child.stdin.end(input);
  });
}

function fill(text: string): string {
  return text.replaceAll('${HOME}', home).replaceAll('${WORKSPACE}', workspace).replaceAll('${PROD}', prod);
}

/** Expected values match exactly, except strings written `re:<regex>`, which match by pattern. */
function matches(expected: unknown, actual: unknown, at = '$'): void {
  if (typeof expected === 'string' && expected.startsWith('re:')) {
    assert.equal(typeof actual, 'string', `${at} is not a string`);
    assert.match(actual as string, new RegExp(expected.slice(3), 's'), at);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at} is not an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${at} length`);
    expected.forEach((e, i) => matches(e, (actual as unknown[])[i], `${at}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    assert.ok(typeof actual === 'object' && actual !== null && !Array.isArray(actual), `${at} is not an object`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${at} keys`);
    for (const [k, v] of Object.entries(expected)) matches(v, (actual as Record<string, unknown>)[k], `${at}.${k}`);
  } else {
    assert.deepEqual(actual, expected, at);
  }
}

for (const agent of AGENTS) {
  const dir = join(GOLDEN, agent);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.input.json')).sort()) {
    const name = file.slice(0, -'.input.json'.length);
    test(`golden ${agent}/${name}`, async () => {
      const input = fill(readFileSync(join(dir, file), 'utf8'));
      const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as { exit: number; stdout: unknown; stderr?: string };
      const r = await runHook(['hook', agent], input);
      assert.equal(r.code, expected.exit, `exit status (stderr: ${r.stderr})`);
      if (expected.stdout === null) assert.equal(r.stdout, '', 'stdout should be empty');
      else {
        assert.equal(r.stdout.trim().split('\n').length, 1, 'one line of JSON');
        matches(expected.stdout, JSON.parse(r.stdout));
      }
      if (expected.stderr !== undefined) matches(expected.stderr, r.stderr, 'stderr');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }
}

test('every agent has golden cases for allow, confirm, block, pass-through and bad input', () => {
  for (const agent of AGENTS) {
    const names = readdirSync(join(GOLDEN, agent)).filter((f) => f.endsWith('.input.json')).join(' ');
    for (const kind of [/allow/, /confirm|asks|denied/, /block/, /passes|other-/, /refused/]) assert.match(names, kind, `${agent}: ${kind}`);
  }
});

// How each agent's file tools are read: the files they change, how, and the text the rules see.

const claudeIn = (tool_name: string, tool_input: unknown): unknown => ({ hook_event_name: 'PreToolUse', cwd: '/w', tool_name, tool_input });
const vscodeIn = (tool_name: string, tool_input: unknown): unknown => ({ hookEventName: 'PreToolUse', cwd: '/w', tool_name, tool_input });
const cursorIn = (tool_name: string, tool_input: unknown): unknown => ({ hook_event_name: 'preToolUse', workspace_roots: ['/w'], tool_name, tool_input });
const geminiIn = (tool_name: string, tool_input: unknown, extra: object = {}): unknown => ({ hook_event_name: 'BeforeTool', cwd: '/w', tool_name, tool_input, ...extra });
const codexIn = (tool_input: unknown): unknown => ({ hook_event_name: 'PreToolUse', cwd: '/w', tool_name: 'apply_patch', tool_input });
const patch = (...body: string[]): string => ['*** Begin Patch', ...body, '*** End Patch', ''].join('\n');

const READINGS: { name: string; agent: AgentId; input: unknown; subject: Subject | 'invalid' }[] = [
  { name: 'Claude Write', agent: 'claude', input: claudeIn('Write', { file_path: '/w/.interlock.jsonc', content: '{}' }), subject: { kind: 'writes', writes: [{ path: '/w/.interlock.jsonc', how: 'write', text: '{}' }] } },
  { name: 'Claude Edit, relative path kept as given', agent: 'claude', input: claudeIn('Edit', { file_path: 'a.ts', old_string: 'x', new_string: 'y' }), subject: { kind: 'writes', writes: [{ path: 'a.ts', how: 'edit', text: 'x\ny' }] } },
  { name: 'Claude MultiEdit', agent: 'claude', input: claudeIn('MultiEdit', { file_path: '/w/a', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd' }] }), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'edit', text: 'a\nb' }, { path: '/w/a', how: 'edit', text: 'c\nd' }] } },
  { name: 'Claude NotebookEdit', agent: 'claude', input: claudeIn('NotebookEdit', { notebook_path: '/w/n.ipynb', new_source: 'print(1)' }), subject: { kind: 'writes', writes: [{ path: '/w/n.ipynb', how: 'edit', text: 'print(1)' }] } },
  { name: 'Claude PowerShell is a PowerShell line', agent: 'claude', input: claudeIn('PowerShell', { command: 'Remove-Item -Recurse x' }), subject: { kind: 'shell', command: 'Remove-Item -Recurse x', shell: 'powershell' } },
  { name: 'a terminal tool naming its shell picks the dialect', agent: 'claude', input: claudeIn('run_in_terminal', { command: 'dir', shell: 'C:\\Windows\\System32\\cmd.exe' }), subject: { kind: 'shell', command: 'dir', shell: 'cmd' } },
  { name: 'Copilot powershell tool', agent: 'copilot', input: { cwd: '/w', toolName: 'powershell', toolArgs: JSON.stringify({ command: 'ri -r x' }) }, subject: { kind: 'shell', command: 'ri -r x', shell: 'powershell' } },
  { name: 'Codex argv handing a script to pwsh', agent: 'codex', input: { hook_event_name: 'PreToolUse', cwd: '/w', tool_name: 'shell', tool_input: { command: ['pwsh.exe', '-NoProfile', '-Command', 'ri -r x'] } }, subject: { kind: 'shell', command: 'ri -r x', shell: 'powershell' } },
  { name: 'Codex argv handing a script to cmd', agent: 'codex', input: { hook_event_name: 'PreToolUse', cwd: '/w', tool_name: 'shell', tool_input: { command: ['cmd', '/c', 'rd /s /q x'] } }, subject: { kind: 'shell', command: 'rd /s /q x', shell: 'cmd' } },
  { name: 'Claude Write without a path', agent: 'claude', input: claudeIn('Write', { content: 'x' }), subject: 'invalid' },
  { name: 'Claude Edit with a blank path', agent: 'claude', input: claudeIn('Edit', { file_path: ' ', old_string: 'a', new_string: 'b' }), subject: 'invalid' },
  { name: 'Claude Edit with a non-string path', agent: 'claude', input: claudeIn('Edit', { file_path: 7, old_string: 'a', new_string: 'b' }), subject: 'invalid' },
  { name: 'VS Code create_file', agent: 'claude', input: vscodeIn('create_file', { filePath: '/w/x', content: 'c' }), subject: { kind: 'writes', writes: [{ path: '/w/x', how: 'write', text: 'c' }] } },
  { name: 'VS Code replace_string_in_file', agent: 'copilot', input: vscodeIn('replace_string_in_file', { filePath: '/w/x', oldString: 'o', newString: 'n' }), subject: { kind: 'writes', writes: [{ path: '/w/x', how: 'edit', text: 'o\nn' }] } },
  { name: 'VS Code multi_replace_string_in_file, a path each', agent: 'claude', input: vscodeIn('multi_replace_string_in_file', { replacements: [{ filePath: '/w/a', oldString: '1', newString: '2' }, { filePath: '/w/b', oldString: '3', newString: '4' }] }), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'edit', text: '1\n2' }, { path: '/w/b', how: 'edit', text: '3\n4' }] } },
  { name: 'VS Code multi_replace_string_in_file, one without a path', agent: 'claude', input: vscodeIn('multi_replace_string_in_file', { replacements: [{ filePath: '/w/a', oldString: '1', newString: '2' }, { oldString: '3', newString: '4' }] }), subject: 'invalid' },
  { name: 'VS Code insert_edit_into_file', agent: 'claude', input: vscodeIn('insert_edit_into_file', { filePath: '/w/a', code: 'x()', explanation: 'e' }), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'edit', text: 'x()' }] } },
  { name: 'VS Code apply_patch', agent: 'claude', input: vscodeIn('apply_patch', { input: patch('*** Delete File: /w/a'), explanation: 'e' }), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'delete' }] } },
  { name: 'Copilot create', agent: 'copilot', input: { cwd: '/w', toolName: 'create', toolArgs: JSON.stringify({ path: '/w/a', file_text: 't' }) }, subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'write', text: 't' }] } },
  { name: 'Copilot edit, toolArgs an object', agent: 'copilot', input: { cwd: '/w', toolName: 'edit', toolArgs: { path: '/w/a', old_str: 'o', new_str: 'n' } }, subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'edit', text: 'o\nn' }] } },
  { name: 'Copilot str_replace_editor create', agent: 'copilot', input: { cwd: '/w', toolName: 'str_replace_editor', toolArgs: { command: 'create', path: '/w/a', file_text: 't' } }, subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'write', text: 't' }] } },
  { name: 'Copilot apply_patch as JSON', agent: 'copilot', input: { cwd: '/w', toolName: 'apply_patch', toolArgs: JSON.stringify({ input: patch('*** Delete File: b') }) }, subject: { kind: 'writes', writes: [{ path: 'b', how: 'delete' }] } },
  { name: 'Copilot apply_patch given as the patch itself', agent: 'copilot', input: { cwd: '/w', toolName: 'apply_patch', toolArgs: patch('*** Add File: b', '+x') }, subject: { kind: 'writes', writes: [{ path: 'b', how: 'write', text: 'x' }] } },
  { name: 'Gemini write_file', agent: 'gemini', input: geminiIn('write_file', { file_path: '/w/a', content: 'c' }), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'write', text: 'c' }] } },
  { name: 'Gemini replace', agent: 'gemini', input: geminiIn('replace', { file_path: '/h/.bashrc', old_string: 'o', new_string: 'n', instruction: 'i' }), subject: { kind: 'writes', writes: [{ path: '/h/.bashrc', how: 'edit', text: 'o\nn' }] } },
  { name: 'Gemini MCP, mcp_<server>_<tool>', agent: 'gemini', input: geminiIn('mcp_github_delete_repository', { repo: 'r' }), subject: { kind: 'tool', call: { server: 'github', tool: 'delete_repository', args: { repo: 'r' } } } },
  { name: 'Gemini MCP, server with an underscore named by mcp_context', agent: 'gemini', input: geminiIn('mcp_my_db_drop_table', {}, { mcp_context: { server_name: 'my_db' } }), subject: { kind: 'tool', call: { server: 'my_db', tool: 'drop_table', args: {} } } },
  { name: 'Cursor Write', agent: 'cursor', input: cursorIn('Write', { file_path: '/w/a', content: 'c' }), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'write', text: 'c' }] } },
  { name: 'Cursor Delete', agent: 'cursor', input: cursorIn('Delete', { path: '/w/a' }), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'delete' }] } },
  { name: 'Cursor edit_file', agent: 'cursor', input: cursorIn('edit_file', { target_file: 'a', code_edit: 'x' }), subject: { kind: 'writes', writes: [{ path: 'a', how: 'edit', text: 'x' }] } },
  { name: 'Cursor StrReplace, tool_input a JSON string', agent: 'cursor', input: cursorIn('StrReplace', JSON.stringify({ file_path: '/w/a', old_string: 'o', new_string: 'n' })), subject: { kind: 'writes', writes: [{ path: '/w/a', how: 'edit', text: 'o\nn' }] } },
  { name: 'Codex apply_patch', agent: 'codex', input: codexIn({ command: patch('*** Add File: .interlock.jsonc', '+{}', '*** Update File: src/x.ts', '@@', '-a', '+b') }), subject: { kind: 'writes', writes: [{ path: '.interlock.jsonc', how: 'write', text: '{}' }, { path: 'src/x.ts', how: 'edit', text: 'a\nb' }] } },
  { name: 'Codex apply_patch, argv form', agent: 'codex', input: codexIn({ command: ['apply_patch', patch('*** Delete File: a')] }), subject: { kind: 'writes', writes: [{ path: 'a', how: 'delete' }] } },
  { name: 'Codex apply_patch that is not a patch', agent: 'codex', input: codexIn({ command: 'rm -rf /' }), subject: 'invalid' },
  { name: 'Codex apply_patch with a header it does not know', agent: 'codex', input: codexIn({ command: patch('*** Frobnicate File: .interlock.jsonc', '+x') }), subject: 'invalid' },
  { name: 'Codex apply_patch without a patch', agent: 'codex', input: codexIn({}), subject: 'invalid' },
];

for (const { name, agent, input, subject } of READINGS) {
  test(`reads ${name}`, () => {
    const r = readHookInput(agent, input);
    if (subject === 'invalid') assert.equal(r.kind, 'invalid', JSON.stringify(r));
    else {
      assert.equal(r.kind, 'call', JSON.stringify(r));
      assert.deepEqual(r.kind === 'call' && r.call.subject, subject);
    }
  });
}

const PATCHES: { name: string; patch: string; writes: unknown }[] = [
  { name: 'add, update, delete', patch: patch('*** Add File: a', '+1', '+2', '*** Update File: b', '@@ fn', ' keep', '-old', '+new', '*** End of File', '*** Delete File: c'), writes: [{ path: 'a', how: 'write', text: '1\n2' }, { path: 'b', how: 'edit', text: 'old\nnew' }, { path: 'c', how: 'delete' }] },
  { name: 'a move: the old name and the new', patch: patch('*** Update File: a', '*** Move to: .interlock.jsonc', '@@', '-x', '+y'), writes: [{ path: 'a', how: 'move', text: 'x\ny' }, { path: '.interlock.jsonc', how: 'move', text: 'x\ny' }] },
  { name: 'CRLF line ends and a heredoc around it', patch: `apply_patch <<'EOF'\r\n${patch('*** Delete File: /p/.interlock.jsonc').replace(/\n/g, '\r\n')}EOF\r\n`, writes: [{ path: '/p/.interlock.jsonc', how: 'delete' }] },
  { name: 'a header indented as context still counts', patch: patch('*** Update File: a', '@@', '-x', '+y', ' *** Delete File: b'), writes: [{ path: 'a', how: 'edit', text: 'x\ny' }, { path: 'b', how: 'delete' }] },
  { name: 'no end', patch: '*** Begin Patch\n*** Add File: a\n+x\n', writes: undefined },
  { name: 'an unknown header', patch: patch('*** Replace File: a'), writes: undefined },
  { name: 'an added line without +', patch: patch('*** Add File: a', 'x'), writes: undefined },
  { name: 'a move outside an update', patch: patch('*** Add File: a', '+x', '*** Move to: b'), writes: undefined },
  { name: 'text before the first file', patch: patch('hello', '*** Add File: a', '+x'), writes: undefined },
  { name: 'no files', patch: patch(), writes: undefined },
];

for (const { name, patch: text, writes } of PATCHES) {
  test(`apply_patch: ${name}`, () => {
    assert.deepEqual(applyPatchWrites(text), writes);
  });
}

const BAD_INPUTS: { name: string; input: string | Buffer | undefined; stderr: RegExp }[] = [
  { name: 'malformed JSON', input: '{"tool_name": ', stderr: /not valid JSON/ },
  { name: 'empty input', input: '', stderr: /empty/ },
  { name: 'only whitespace', input: ' \n\t\n', stderr: /empty/ },
  { name: 'a JSON string', input: '"Bash"', stderr: /not a JSON object/ },
  { name: 'null', input: 'null', stderr: /not a JSON object/ },
  { name: 'invalid UTF-8', input: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), stderr: /UTF-8/ },
  { name: 'more than 4 MiB', input: JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'echo ' + 'x'.repeat(5 * 1024 * 1024) } }), stderr: /larger than 4194304 bytes/ },
];

for (const agent of AGENTS) {
  for (const bad of BAD_INPUTS) {
    test(`${agent}: ${bad.name} is refused with one clear line and exit 2`, async () => {
      const r = await runHook(['hook', agent], bad.input);
      assert.equal(r.code, 2);
      assert.match(r.stderr, bad.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr, /^interlock hook: .*refused\.\n$/);
      if (agent === 'cursor') assert.equal(JSON.parse(r.stdout).permission, 'deny');
      else assert.equal(r.stdout, '');
    });
  }
}

test('an unknown agent or extra arguments are refused with exit 2 (block), not a usage error', async () => {
  for (const args of [['hook'], ['hook', 'windsurf'], ['hook', 'claude', 'extra']]) {
    const r = await runHook(args, '{}');
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /expected one agent/);
  }
});

test('an input that never ends is answered with a deny when the budget runs out', async () => {
  for (const agent of ['claude', 'codex', 'cursor'] as const) {
    const started = Date.now();
    const r = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [cli, 'hook', agent], { env: { PATH: process.env.PATH ?? '', HOME: home, INTERLOCK_REGISTRY_DIR: registry, INTERLOCK_HOOK_TIMEOUT_MS: '700' } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.write('{"hook_event_name": "PreToolUse", '); // and never more
      child.on('close', (code) => {
        child.stdin.destroy();
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
    assert.ok(r.ms < 5000, `${agent} answered in ${r.ms} ms`);
    assert.match(r.stderr, /no decision within 700 ms/);
    const out = JSON.parse(r.stdout);
    if (agent === 'cursor') assert.equal(out.permission, 'deny');
    else assert.equal(out.hookSpecificOutput.permissionDecision, 'deny');
  }
});

// Routing: a real guard server registered as the editor window guarding the workspace.

async function withEditor<T>(handler: GuardHandler, folders: string[], fn: (seen: GuardRequest[], server: GuardServer) => Promise<T>): Promise<T> {
  const seen: GuardRequest[] = [];
  const server = await startGuardServer({ handler: (req) => (seen.push(req), handler(req)) });
  const entry = registerWindow({ pid: process.pid, port: server.port, secret: server.secret, folders, app: 'test' }, { INTERLOCK_REGISTRY_DIR: registry });
  try {
    return await fn(seen, server);
  } finally {
    entry.dispose();
    await server.close();
  }
}

const claudeBash = (command: string, cwd = workspace): string =>
  JSON.stringify({ session_id: 's', cwd, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: 't' });

const person = (outcome: 'allow' | 'deny'): GuardHandler => async () => ({ outcome, decision: 'confirm', by: 'person', rule: 'git/reset-hard', message: outcome === 'allow' ? 'approved' : 'denied (git/reset-hard: discards work)' });

test('with the editor open, a confirm goes to its modal and the person’s approval is the answer', async () => {
  await withEditor(person('allow'), [workspace], async (seen) => {
    const r = await runHook(['hook', 'claude'], claudeBash('git reset --hard'));
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout).hookSpecificOutput;
    assert.deepEqual([out.permissionDecision, out.permissionDecisionReason], ['allow', 'Interlock: approved']);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].command, 'git reset --hard');
    assert.equal(seen[0].cwd, workspace);
    assert.deepEqual(seen[0].source, { kind: 'agent', agent: 'claude', tool: 'Bash', event: 'PreToolUse' });
  });
});

test('with the editor open, the person’s refusal is the answer, for every agent', async () => {
  const inputs: Record<(typeof AGENTS)[number], string> = {
    claude: claudeBash('git reset --hard'),
    cursor: JSON.stringify({ hook_event_name: 'beforeShellExecution', command: 'git reset --hard', cwd: workspace, workspace_roots: [workspace] }),
    copilot: JSON.stringify({ timestamp: 1, cwd: workspace, toolName: 'bash', toolArgs: JSON.stringify({ command: 'git reset --hard' }) }),
    gemini: JSON.stringify({ hook_event_name: 'BeforeTool', cwd: workspace, tool_name: 'run_shell_command', tool_input: { command: 'git reset --hard' } }),
    codex: JSON.stringify({ hook_event_name: 'PreToolUse', cwd: workspace, tool_name: 'Bash', tool_input: { command: 'git reset --hard' } }),
  };
  await withEditor(person('deny'), [workspace], async (seen) => {
    for (const agent of AGENTS) {
      const r = await runHook(['hook', agent], inputs[agent]);
      assert.equal(r.code, 0, agent);
      const out = JSON.parse(r.stdout);
      const decision = out.hookSpecificOutput?.permissionDecision ?? out.permissionDecision ?? out.permission ?? out.decision;
      const reason = out.hookSpecificOutput?.permissionDecisionReason ?? out.permissionDecisionReason ?? out.user_message ?? out.reason;
      assert.equal(decision, 'deny', agent);
      assert.equal(reason, 'Interlock: denied (git/reset-hard: discards work)', agent);
    }
    assert.deepEqual(seen.map((s) => (s.source as { agent: string }).agent), [...AGENTS]);
  });
});

test('with the editor open, Gemini and Codex get the person’s approval as an allow', async () => {
  await withEditor(person('allow'), [workspace], async () => {
    const gemini = await runHook(['hook', 'gemini'], JSON.stringify({ hook_event_name: 'BeforeTool', cwd: workspace, tool_name: 'run_shell_command', tool_input: { command: 'git reset --hard' } }));
    assert.deepEqual(JSON.parse(gemini.stdout), { decision: 'allow' });
    // Codex reads any allow as a failed hook: approval is silence.
    const codex = await runHook(['hook', 'codex'], JSON.stringify({ hook_event_name: 'PreToolUse', cwd: workspace, tool_name: 'Bash', tool_input: { command: 'git reset --hard' } }));
    assert.deepEqual([codex.code, codex.stdout], [0, '']);
  });
});

test('Cursor finds the editor window by its workspace roots', async () => {
  await withEditor(person('allow'), [workspace], async (seen) => {
    const input = JSON.stringify({ hook_event_name: 'beforeShellExecution', command: 'git reset --hard', cwd: '/', workspace_roots: [workspace] });
    const r = await runHook(['hook', 'cursor'], input);
    assert.equal(JSON.parse(r.stdout).permission, 'allow');
    assert.equal(seen.length, 1);
  });
});

test('allow and block never ask the editor', async () => {
  await withEditor(person('allow'), [workspace], async (seen) => {
    const allow = await runHook(['hook', 'claude'], claudeBash('git status'));
    assert.equal(allow.stdout, '');
    const block = await runHook(['hook', 'claude'], claudeBash('rm -rf /'));
    assert.equal(JSON.parse(block.stdout).hookSpecificOutput.permissionDecision, 'deny');
    assert.equal(seen.length, 0);
  });
});

test('a modal nobody answers is a deny before the agent’s own timeout', async () => {
  const never: GuardHandler = () => new Promise(() => undefined);
  await withEditor(never, [workspace], async (seen) => {
    const r = await runHook(['hook', 'claude'], claudeBash('git reset --hard'), { INTERLOCK_HOOK_TIMEOUT_MS: '1500' });
    assert.ok(r.ms < 4000, `answered in ${r.ms} ms`);
    const out = JSON.parse(r.stdout).hookSpecificOutput;
    assert.equal(out.permissionDecision, 'deny');
    assert.match(out.permissionDecisionReason, /nobody answered/);
    assert.equal(seen.length, 1);
  });
});

test('an editor that lets a confirm through without a person does not count as approval', async () => {
  const harmless: GuardHandler = async () => ({ outcome: 'allow', decision: 'allow', by: 'policy', message: 'allowed' });
  await withEditor(harmless, [workspace], async () => {
    const r = await runHook(['hook', 'claude'], claudeBash('git reset --hard'));
    const out = JSON.parse(r.stdout).hookSpecificOutput;
    assert.equal(out.permissionDecision, 'ask');
    assert.match(out.permissionDecisionReason, /the editor did not ask a person/);
  });
});

test('a paused guard (confirm let through by policy) is honoured for shell commands', async () => {
  const paused: GuardHandler = async () => ({ outcome: 'allow', decision: 'confirm', by: 'policy', message: 'allowed while the guard is paused' });
  await withEditor(paused, [workspace], async () => {
    const r = await runHook(['hook', 'claude'], claudeBash('git reset --hard'));
    assert.equal(r.stdout, '');
  });
});

test('an MCP tool call reaches the modal as a readable call, and only a person can approve it', async () => {
  await withEditor(person('allow'), [workspace], async (seen) => {
    const input = JSON.stringify({ hook_event_name: 'PreToolUse', cwd: workspace, tool_name: 'mcp__github__delete_repository', tool_input: { repo: 'shop' } });
    const r = await runHook(['hook', 'claude'], input);
    assert.equal(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision, 'allow');
    assert.equal(seen[0].command, 'github.delete_repository {"repo":"shop"}');
    assert.deepEqual(seen[0].source, { kind: 'agent', agent: 'claude', tool: 'mcp__github__delete_repository', event: 'PreToolUse' });
  });
});

test('a window whose guard is gone: the agent asks; in production the hook refuses', async () => {
  const dead = await startGuardServer({ handler: person('allow') });
  const { port, secret } = dead;
  await dead.close();
  const entry = registerWindow({ pid: process.pid, port, secret, folders: [home], app: 'test' }, { INTERLOCK_REGISTRY_DIR: registry });
  try {
    const dev = JSON.parse((await runHook(['hook', 'claude'], claudeBash('git reset --hard'))).stdout).hookSpecificOutput;
    assert.equal(dev.permissionDecision, 'ask');
    assert.match(dev.permissionDecisionReason, /could not be reached/);
    const production = JSON.parse((await runHook(['hook', 'claude'], claudeBash('git reset --hard', prod))).stdout).hookSpecificOutput;
    assert.equal(production.permissionDecision, 'deny');
    assert.match(production.permissionDecisionReason, /production; refused/);
  } finally {
    entry.dispose();
  }
});

test('Codex steps aside for a command its own prefix_rule prompts for', async () => {
  const codexHome = join(home, 'codex-home');
  mkdirSync(join(codexHome, 'rules'), { recursive: true });
  writeFileSync(join(codexHome, 'rules', 'default.rules'), '# mine\nprefix_rule(\n    pattern = ["git", ["push", "fetch"]],\n    decision = "prompt",\n    justification = "ask me (really)",\n)\n');
  const input = (command: string): string => JSON.stringify({ hook_event_name: 'PreToolUse', cwd: workspace, tool_name: 'Bash', tool_input: { command } });
  const covered = await runHook(['hook', 'codex'], input('git push --force origin main'), { CODEX_HOME: codexHome });
  assert.deepEqual([covered.code, covered.stdout], [0, '']);
  const notCovered = await runHook(['hook', 'codex'], input('git reset --hard'), { CODEX_HOME: codexHome });
  assert.equal(JSON.parse(notCovered.stdout).hookSpecificOutput.permissionDecision, 'deny');
  // Operators hide what else runs: no stepping aside.
  const compound = await runHook(['hook', 'codex'], input('git push --force && rm -rf build'), { CODEX_HOME: codexHome });
  assert.equal(JSON.parse(compound.stdout).hookSpecificOutput.permissionDecision, 'deny');
});

test('Gemini steps aside for a command its own ask_user policy covers', async () => {
  mkdirSync(join(home, '.gemini', 'policies'), { recursive: true });
  writeFileSync(join(home, '.gemini', 'policies', 'mine.toml'), '[[rule]]\ntoolName = "run_shell_command"\ncommandPrefix = ["git reset", "git clean"]\ndecision = "ask_user"\npriority = 500\n');
  try {
    const input = (command: string): string => JSON.stringify({ hook_event_name: 'BeforeTool', cwd: workspace, tool_name: 'run_shell_command', tool_input: { command } });
    assert.equal((await runHook(['hook', 'gemini'], input('git reset --hard'))).stdout, '');
    assert.equal(JSON.parse((await runHook(['hook', 'gemini'], input('git push --force'))).stdout).decision, 'deny');
  } finally {
    rmSync(join(home, '.gemini'), { recursive: true, force: true });
  }
});

test('two Interlock hooks on the same call (VS Code runs Claude’s and Copilot’s hook files) ask once', async () => {
  const slow: GuardHandler = async () => {
    await new Promise((r) => setTimeout(r, 400));
    return { outcome: 'allow', decision: 'confirm', by: 'person', message: 'approved' };
  };
  await withEditor(slow, [workspace], async (seen) => {
    const input = JSON.stringify({ hookEventName: 'PreToolUse', cwd: workspace, tool_name: 'run_in_terminal', tool_input: { command: 'git reset --hard' }, tool_use_id: 'call-42' });
    const [a, b] = await Promise.all([runHook(['hook', 'claude'], input), runHook(['hook', 'copilot'], input)]);
    assert.equal(seen.length, 1);
    assert.deepEqual([a.stdout === '', b.stdout === ''].sort(), [false, true]);
    const answered = JSON.parse(a.stdout || b.stdout).hookSpecificOutput;
    assert.equal(answered.permissionDecision, 'allow');
    // The claim is released: the next call with that id is asked again.
    await runHook(['hook', 'claude'], input);
    assert.equal(seen.length, 2);
  });
});

test('with no editor, the agent’s own prompt says what would be lost, and a snapshot is kept for undo', async () => {
  const ws = join(home, 'work', 'undoable');
  mkdirSync(join(ws, 'src'), { recursive: true });
  writeFileSync(join(ws, 'src', 'main.ts'), 'export {};\n');
  const out = JSON.parse((await runHook(['hook', 'claude'], claudeBash('rm -rf src', ws))).stdout).hookSpecificOutput;
  assert.equal(out.permissionDecision, 'ask');
  assert.match(out.permissionDecisionReason, /This command deletes 1 file \(11 bytes\)\. A snapshot was kept: `interlock undo \d{8}-\d{6}-[0-9a-f]{6}` puts it back\./);
  assert.equal(readdirSync(join(home, '.local', 'state', 'interlock', 'snapshots')).length >= 1, true);
});
