/**
 * Every route an agent could take to remove a folder's production label, run through a real CLI
 * process: the tamper step as the agent sends it (a shell line through `check`, a file tool through
 * `hook <agent>`), then its effect applied to the folder as if it had run, then the command the
 * label protects (`kubectl delete pod web-1`) through `check` and `hook claude`. In a production
 * folder and in an unlabelled one, each in a fresh home.
 *
 *   node --import tsx scripts/tamperRoutes.ts [path/to/cli.js]   prints the table as Markdown
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FolderKind = 'production' | 'unlabelled';

const DEV = '{ "environment": "development" }\n';
const PROD = '{\n  // the live API\n  "environment": "production"\n}\n';

interface Place {
  dir: string;
  home: string;
}

type Step = { check: string } | { hook: 'claude' | 'gemini' | 'codex' | 'copilot' | 'cursor'; input: Record<string, unknown> };

export interface Route {
  name: string;
  /** What the agent sends. */
  step: (p: Place) => Step;
  /** The step's effect on disk, as if it had been let through. */
  apply: (p: Place) => void;
  /** Prepare the folder (a git history, a second file). */
  setup?: (p: Place, kind: FolderKind) => void;
  /** Where the protected command runs afterwards, when not the folder itself. */
  at?: (p: Place) => string;
}

const rf = (p: Place): string => join(p.dir, '.interlock.jsonc');
const claude = (p: Place, tool: string, input: Record<string, unknown>): Step => ({
  hook: 'claude',
  input: { session_id: 's', cwd: p.dir, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: 't' },
});
const git = (dir: string, ...args: string[]): void => {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
};

export const ROUTES: Route[] = [
  { name: 'shell: `echo … > .interlock.jsonc`', step: () => ({ check: `echo '{"environment": "development"}' > .interlock.jsonc` }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'shell: `rm .interlock.jsonc`', step: () => ({ check: 'rm .interlock.jsonc' }), apply: (p) => rmSync(rf(p), { force: true }) },
  { name: 'shell: `mv .interlock.jsonc /tmp/`', step: () => ({ check: 'mv .interlock.jsonc /tmp/x.jsonc' }), apply: (p) => rmSync(rf(p), { force: true }) },
  { name: 'shell: `cp dev.jsonc .interlock.jsonc`', step: () => ({ check: 'cp /tmp/dev.jsonc .interlock.jsonc' }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'shell: `sed -i s/production/development/`', step: () => ({ check: 'sed -i s/production/development/ .interlock.jsonc' }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'shell: `… | tee .interlock.jsonc`', step: () => ({ check: `echo '{}' | tee .interlock.jsonc` }), apply: (p) => writeFileSync(rf(p), '{}\n') },
  { name: 'shell: `cat <<EOF > .interlock.jsonc`', step: () => ({ check: 'cat <<EOF > .interlock.jsonc\n{ "environment": "development" }\nEOF' }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'shell: `git checkout sandbox -- .interlock.jsonc`', step: () => ({ check: 'git checkout sandbox -- .interlock.jsonc' }), apply: (p) => git(p.dir, 'checkout', 'sandbox', '--', '.interlock.jsonc'), setup: gitBranches },
  { name: 'branch switch: `git checkout sandbox`', step: () => ({ check: 'git checkout sandbox' }), apply: (p) => git(p.dir, 'checkout', '-q', 'sandbox'), setup: gitBranches },
  {
    name: 'shell: a new `sub/.interlock.jsonc`, command run in sub/',
    step: () => ({ check: `echo '{"environment": "development"}' > sub/.interlock.jsonc` }),
    apply: (p) => writeFileSync(join(p.dir, 'sub', '.interlock.jsonc'), DEV),
    setup: (p) => mkdirSync(join(p.dir, 'sub')),
    at: (p) => join(p.dir, 'sub'),
  },
  { name: 'shell: `chmod 000 .interlock.jsonc`', step: () => ({ check: 'chmod 000 .interlock.jsonc' }), apply: (p) => rmSync(rf(p), { force: true }) },
  {
    name: 'shell: delete the approval store, then relabel',
    step: () => ({ check: 'rm ~/.local/state/interlock/approvals.json' }),
    apply: (p) => (rmSync(join(p.home, '.local', 'state', 'interlock', 'approvals.json'), { force: true }), writeFileSync(rf(p), DEV)),
  },
  {
    name: 'shell: corrupt the approval store, then relabel',
    step: () => ({ check: `echo garbage > ~/.local/state/interlock/approvals.json` }),
    apply: (p) => {
      mkdirSync(join(p.home, '.local', 'state', 'interlock'), { recursive: true });
      writeFileSync(join(p.home, '.local', 'state', 'interlock', 'approvals.json'), 'garbage\n');
      writeFileSync(rf(p), DEV);
    },
  },
  { name: 'shell: `.vscode/settings.json` overwrite', step: () => ({ check: `echo '{"interlock.enabled": false}' > .vscode/settings.json` }), apply: () => undefined },
  { name: 'Claude `Write` .interlock.jsonc', step: (p) => claude(p, 'Write', { file_path: rf(p), content: DEV }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'Claude `Edit` .interlock.jsonc', step: (p) => claude(p, 'Edit', { file_path: rf(p), old_string: 'production', new_string: 'development' }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'Claude `MultiEdit` .interlock.jsonc', step: (p) => claude(p, 'MultiEdit', { file_path: rf(p), edits: [{ old_string: 'production', new_string: 'development' }] }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'VS Code agent `replace_string_in_file`', step: (p) => claude(p, 'replace_string_in_file', { filePath: rf(p), oldString: 'production', newString: 'development' }), apply: (p) => writeFileSync(rf(p), DEV) },
  { name: 'Claude `Edit` `.vscode/settings.json` (interlock.enabled)', step: (p) => claude(p, 'Edit', { file_path: join(p.dir, '.vscode', 'settings.json'), old_string: '{', new_string: '{ "interlock.enabled": false,' }), apply: () => undefined },
  {
    name: 'Gemini `write_file`',
    step: (p) => ({ hook: 'gemini', input: { session_id: 's', cwd: p.dir, hook_event_name: 'BeforeTool', tool_name: 'write_file', tool_input: { file_path: rf(p), content: DEV } } }),
    apply: (p) => writeFileSync(rf(p), DEV),
  },
  {
    name: 'Codex `apply_patch` (delete)',
    step: (p) => ({ hook: 'codex', input: { session_id: 's', cwd: p.dir, hook_event_name: 'PreToolUse', tool_name: 'apply_patch', tool_input: { command: '*** Begin Patch\n*** Delete File: .interlock.jsonc\n*** End Patch\n' } } }),
    apply: (p) => rmSync(rf(p), { force: true }),
  },
  {
    name: 'Copilot CLI `create`',
    step: (p) => ({ hook: 'copilot', input: { timestamp: 1, cwd: p.dir, toolName: 'create', toolArgs: { path: rf(p), file_text: DEV } } }),
    apply: (p) => writeFileSync(rf(p), DEV),
  },
];

function gitBranches(p: Place, kind: FolderKind): void {
  git(p.dir, 'init', '-q', '-b', 'main');
  if (kind === 'unlabelled') writeFileSync(rf(p), '{}\n');
  git(p.dir, 'add', '-A');
  git(p.dir, 'commit', '-q', '-m', 'main');
  git(p.dir, 'checkout', '-q', '-b', 'sandbox');
  writeFileSync(rf(p), DEV);
  git(p.dir, 'commit', '-q', '-am', 'sandbox');
  git(p.dir, 'checkout', '-q', 'main');
}

export interface Row {
  route: string;
  kind: FolderKind;
  /** The tamper step's own decision (allow / confirm / block, or what the hook answered). */
  step: string;
  /** `kubectl delete pod web-1` afterwards, through check and through hook claude. */
  after: string;
  afterHook: string;
  label: string;
}

function run(cli: string, p: Place, args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: p.dir,
    input: input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: p.home, INTERLOCK_REGISTRY_DIR: join(p.home, 'registry'), NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A hook's answer in one word: allow (silence or allow), ask, deny, or refused (exit 2). */
export function hookWord(r: { code: number | null; stdout: string }): string {
  if (r.code === 2) return 'refused';
  if (r.stdout.trim() === '') return 'allow';
  const o = JSON.parse(r.stdout) as Record<string, unknown> & { hookSpecificOutput?: { permissionDecision?: string } };
  return String(o.hookSpecificOutput?.permissionDecision ?? o.permissionDecision ?? o.decision ?? o.permission);
}

function stepWord(cli: string, p: Place, step: Step): string {
  if ('check' in step) return (JSON.parse(run(cli, p, ['check', '--json', '--', step.check]).stdout) as { decision: string }).decision;
  return hookWord(run(cli, p, ['hook', step.hook], JSON.stringify(step.input)));
}

export function runRoute(cli: string, route: Route, kind: FolderKind): Row {
  const root = mkdtempSync(join(tmpdir(), 'interlock-tamper-'));
  const p = { dir: join(root, 'prod-api'), home: join(root, 'home') };
  try {
    mkdirSync(p.dir, { recursive: true });
    mkdirSync(p.home, { recursive: true });
    mkdirSync(join(p.dir, '.vscode'));
    writeFileSync(join(p.dir, '.vscode', 'settings.json'), '{}\n');
    if (kind === 'production') writeFileSync(rf(p), PROD);
    route.setup?.(p, kind);
    const step = stepWord(cli, p, route.step(p));
    route.apply(p);
    const at = { ...p, dir: route.at?.(p) ?? p.dir };
    const payoff = run(cli, at, ['check', '--json', '--', 'kubectl delete pod web-1']);
    const d = JSON.parse(payoff.stdout) as { decision: string; environment: { label: string } };
    const hook = run(cli, at, ['hook', 'claude'], JSON.stringify({ session_id: 's', cwd: at.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'kubectl delete pod web-1' }, tool_use_id: 't' }));
    return { route: route.name, kind, step, after: d.decision, afterHook: hookWord(hook), label: d.environment.label };
  } finally {
    try {
      chmodSync(rf(p), 0o600);
    } catch {
      // gone
    }
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const cli = process.argv[2] ?? join(__dirname, '..', 'dist', 'cli.js');
  const lines = ['| route | folder | tamper step | then `kubectl delete pod web-1` (check / hook claude) | label after |', '|---|---|---|---|---|'];
  for (const route of ROUTES) {
    for (const kind of ['production', 'unlabelled'] as const) {
      const r = runRoute(cli, route, kind);
      lines.push(`| ${r.route} | ${kind} | ${r.step} | ${r.after} / ${r.afterHook} | ${r.label} |`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

