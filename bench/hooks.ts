// Wall time of one `interlock hook <agent>` process per tool call, the way agents run it, against
// `node -e 0` measured alternately in the same run (shared machines drift; read the ratios). Run in
// a workspace labelled by a `.interlock.jsonc` (the usual case) and in an unlabelled folder.
// Alone: `node --import tsx bench/hooks.ts [rounds] [path/to/cli.js]` (default: a private build).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from './stats';

interface Case {
  name: string;
  agent: string;
  input: object;
}

const cases = (CWD: string): Case[] => [
  { name: 'Claude Bash, plain command (allow)', agent: 'claude', input: { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git status' }, cwd: CWD } },
  { name: 'Claude Bash, needs the grammar (allow)', agent: 'claude', input: { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls | grep -v x && echo "$(date)"' }, cwd: CWD } },
  { name: 'Claude Bash, confirm → ask', agent: 'claude', input: { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git reset --hard' }, cwd: CWD } },
  { name: 'Claude Read (file check)', agent: 'claude', input: { hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: '/tmp/notes.md' }, cwd: CWD } },
  { name: 'Claude other tool (pass through)', agent: 'claude', input: { hook_event_name: 'PreToolUse', tool_name: 'Glob', tool_input: { pattern: '*.ts' }, cwd: CWD } },
  { name: 'Cursor beforeShellExecution', agent: 'cursor', input: { hook_event_name: 'beforeShellExecution', command: 'npm test', cwd: CWD, workspace_roots: [CWD] } },
  { name: 'Copilot bash (toolArgs string)', agent: 'copilot', input: { timestamp: 1, cwd: CWD, toolName: 'bash', toolArgs: JSON.stringify({ command: 'git log -1' }) } },
  { name: 'Gemini MCP tool', agent: 'gemini', input: { hook_event_name: 'BeforeTool', tool_name: 'mcp__db__list_tables', tool_input: {}, cwd: CWD } },
  { name: 'Codex Bash', agent: 'codex', input: { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'cargo build' }, cwd: CWD } },
  { name: 'Claude Write (file-tool check)', agent: 'claude', input: { hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: `${CWD}/src/app.ts`, content: 'x' }, cwd: CWD } },
];


function wall(args: string[], input: string, env: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { input, env, stdio: ['pipe', 'ignore', 'ignore'] });
  if (r.error) throw r.error;
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * Print a markdown table of hook wall times (median, p99) and their ratio to `node -e 0`, in a
 * workspace with a `.interlock.jsonc` (`labelled`) or without one, in a home of its own.
 */
export async function benchHooks(cli: string, rounds: number, labelled = true, resident = true): Promise<void> {
  // An empty registry: no editor window, so a confirm is answered by the agent's own prompt.
  const scratch = mkdtempSync(join(tmpdir(), 'interlock-bench-hooks-'));
  const registry = join(scratch, 'registry');
  const CWD = join(scratch, 'work', 'shop');
  mkdirSync(join(CWD, 'src'), { recursive: true });
  if (labelled) writeFileSync(join(CWD, '.interlock.jsonc'), '// the shop\n{ "environment": "staging", "productionHosts": ["*.shop.internal"] }\n');
  // A runtime directory of its own: the resident engine the first call starts serves this run only,
  // and leaves soon after it.
  const runtime = join(scratch, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const env = { ...process.env, HOME: join(scratch, 'home'), XDG_STATE_HOME: '', INTERLOCK_REGISTRY_DIR: registry, XDG_RUNTIME_DIR: runtime, INTERLOCK_RESIDENT: resident ? '1' : '0', INTERLOCK_RESIDENT_IDLE_MS: '3000' };
  const CASES = cases(CWD);
  try {
    const base: number[] = [];
    const check: number[] = [];
    const times = CASES.map(() => [] as number[]);
    const all: number[] = [];
    // Warm the file cache and, where used, let the resident engine the first call started come up.
    for (let i = 0; i < 3; i++) {
      wall([cli, 'hook', 'claude'], JSON.stringify(CASES[0].input), env);
      spawnSync('sleep', ['0.5']);
    }
    for (let r = 0; r < rounds; r++) {
      CASES.forEach((c, k) => {
        // Baseline and hook alternate, so drift in machine load hits both alike.
        base.push(wall(['-e', '0'], '', env));
        const t = wall([cli, 'hook', c.agent], JSON.stringify(c.input), env);
        times[k].push(t);
        all.push(t);
      });
      // For reference: the same engine answering `check`, without a hook's protocol around it.
      check.push(wall([cli, 'check', '--json', '--cwd', CWD, '--', 'git status'], '', env));
    }
    const b50 = quantile(base, 0.5);
    const b99 = quantile(base, 0.99);
    const fmt = (n: number): string => n.toFixed(1);
    const how = resident ? 'answered by the resident engine' : 'deciding in process (`INTERLOCK_RESIDENT=0`)';
    console.log(`\n## Agent hook process per tool call, ${labelled ? 'in a workspace with a `.interlock.jsonc`' : 'in a folder without a rule file'}, ${how} (${rounds} rounds × ${CASES.length} cases, alternating with \`node -e 0\`)`);
    console.log('| case | median ms | p99 ms | median ratio |\n|---|---:|---:|---:|');
    console.log(`| node -e 0 | ${fmt(b50)} | ${fmt(b99)} | 1.00 |`);
    CASES.forEach((c, k) => console.log(`| ${c.name} | ${fmt(quantile(times[k], 0.5))} | ${fmt(quantile(times[k], 0.99))} | ${(quantile(times[k], 0.5) / b50).toFixed(2)} |`));
    console.log(`| (reference) \`interlock check --json -- git status\` | ${fmt(quantile(check, 0.5))} | ${fmt(quantile(check, 0.99))} | ${(quantile(check, 0.5) / b50).toFixed(2)} |`);
    console.log(`| **all hook calls** | **${fmt(quantile(all, 0.5))}** | **${fmt(quantile(all, 0.99))}** | **${(quantile(all, 0.5) / b50).toFixed(2)}** |`);
    console.log('goal: median ≤ 1.3× node -e 0');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rounds = Number(process.argv[2] ?? 30) || 30;
  const cli = process.argv[3] ?? (require('../test/unit/privateCli') as typeof import('../test/unit/privateCli')).buildPrivateCli();
  void benchHooks(cli, rounds, true)
    .then(() => benchHooks(cli, rounds, false))
    .then(() => benchHooks(cli, rounds, true, false));
}
