// `npm run bench`: speed and memory of the engine and the CLI, each against a baseline measured
// in the same run (the machines are shared and noisy: read the ratios and medians, not one number).
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../src/engine/index';
import { UNKNOWN_ENVIRONMENT } from '../src/engine/evaluate';
import { lexPlainWords } from '../src/engine/parse';
import { grammarBytes, loadPacks, CORPUS } from '../test/unit/helpers';
import { benchHooks } from './hooks';
import { benchShells } from './shells';
import { benchLoad } from './load';
import { benchResident } from './resident';
import { quantile } from './stats';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const quick = process.argv.includes('--quick');

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

function corpusCommands(): string[] {
  if (!existsSync(CORPUS)) {
    console.log('(../shared/corpus/peers.jsonl is absent: using a small built-in sample instead)');
    return ['git status', 'ls -la', 'git reset --hard', 'rm -rf /', 'echo hi && ls | grep x', 'kubectl get pods', 'bash -c "rm -rf ~"'];
  }
  return readFileSync(CORPUS, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { command: string }).command);
}

async function inProcess(commands: string[]): Promise<void> {
  const engine = createEngine({ packs: loadPacks(), grammarBytes });
  await engine.warm();
  const opts = { environment: UNKNOWN_ENVIRONMENT, cwd: '/home/user/project', home: '/home/user' };
  for (const c of commands) await engine.check(c, opts); // warm-up pass (JIT, caches, each grammar a line needs)
  const times: number[] = [];
  const passes = quick ? 2 : 5;
  for (let p = 0; p < passes; p++) {
    for (const c of commands) {
      const t = process.hrtime.bigint();
      engine.checkSync(c, opts);
      times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  }
  const plain = commands.filter((c) => lexPlainWords(c) !== undefined).length;
  console.log(`\n## In-process decision latency (${commands.length} corpus lines × ${passes} passes, grammar loaded)`);
  console.log(`p50 ${fmt(quantile(times, 0.5))} µs · p90 ${fmt(quantile(times, 0.9))} µs · p99 ${fmt(quantile(times, 0.99))} µs · max ${fmt(Math.max(...times))} µs (goal p50 ≤ 50, p99 ≤ 500)`);
  console.log(`${plain} of ${commands.length} lines are plain words and skip the grammar`);

  const big = 'x'.repeat(1024 * 1024);
  const deep = '$('.repeat(10_000) + 'ls' + ')'.repeat(10_000);
  for (const [name, line] of [['1 MB command line', big], ['10,000-deep nesting', deep]] as const) {
    const t = performance.now();
    const d = engine.checkSync(line, opts);
    console.log(`${name}: ${d.decision} in ${fmt(performance.now() - t, 2)} ms (goal ≤ 100 ms)`);
  }
}

function throughput(commands: string[]): void {
  const target = quick ? 5000 : 20000;
  const lines: string[] = [];
  while (lines.length < target) for (const c of commands) lines.push(JSON.stringify({ command: c, cwd: '/home/user/project' }));
  lines.length = target;
  const input = lines.join('\n') + '\n';
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'check', '--jsonl'], { input, maxBuffer: 256 * 1024 * 1024 });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`--jsonl exited ${r.status}`);
    rates.push(target / (ms / 1000));
  }
  console.log(`\n## --jsonl throughput (${target} lines, whole process including startup, 3 runs)`);
  console.log(`median ${fmt(quantile(rates, 0.5), 0)} commands/s (goal ≥ 5,000)`);
}

function wall(args: string[], env?: NodeJS.ProcessEnv): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'], env });
  if (r.error) throw r.error;
  return Number(process.hrtime.bigint() - t) / 1e6;
}


/**
 * One `check` process per command, where users run it: in a workspace labelled by a
 * `.interlock.jsonc` (the usual case) or in an unlabelled folder, in a home of its own.
 */
function processPerCommand(commands: string[], labelled: boolean, resident: boolean): void {
  const rounds = quick ? 15 : 40;
  const scratch = mkdtempSync(join(tmpdir(), 'interlock-bench-check-'));
  const ws = join(scratch, 'shop');
  mkdirSync(ws, { recursive: true });
  if (labelled) writeFileSync(join(ws, '.interlock.jsonc'), '// the shop\n{ "environment": "staging", "productionHosts": ["*.shop.internal"] }\n');
  // A runtime directory of its own: the resident engine started here serves this run only.
  mkdirSync(join(scratch, 'run'), { mode: 0o700 });
  const env = { ...process.env, HOME: join(scratch, 'home'), XDG_STATE_HOME: '', XDG_RUNTIME_DIR: join(scratch, 'run'), INTERLOCK_RESIDENT: resident ? '1' : '0', INTERLOCK_RESIDENT_IDLE_MS: '3000' };
  const plain = commands.filter((c) => lexPlainWords(c) !== undefined);
  const parsed = commands.filter((c) => lexPlainWords(c) === undefined && c.length < 2000);
  const pick = (xs: string[], i: number): string => xs[(i * 7919) % xs.length];
  const check = (line: string): number => wall([CLI, 'check', '--json', '--cwd', ws, '--', line], env);
  const base: number[] = [];
  const fast: number[] = [];
  const full: number[] = [];
  const mixed: number[] = [];
  check('true'); // the folder's first sight records its baseline, as any first use would
  spawnSync('sleep', ['0.5']); // and starts the resident engine, where used
  for (let i = 0; i < rounds; i++) {
    // Alternate baseline and CLI so drift in machine load hits both alike.
    base.push(wall(['-e', '0'], env));
    fast.push(check(pick(plain, i)));
    base.push(wall(['-e', '0'], env));
    full.push(check(pick(parsed, i)));
    base.push(wall(['-e', '0'], env));
    mixed.push(check(pick(commands, i)));
  }
  rmSync(scratch, { recursive: true, force: true });
  const b = quantile(base, 0.5);
  const b99 = quantile(base, 0.99);
  const row = (name: string, xs: number[]): string => `| ${name} | ${fmt(quantile(xs, 0.5))} | ${fmt(quantile(xs, 0.99))} | ${fmt(quantile(xs, 0.5) / b, 2)} | ${fmt(quantile(xs, 0.99) / b99, 2)} |`;
  const how = resident ? 'answered by the resident engine' : 'deciding in process (`INTERLOCK_RESIDENT=0`)';
  console.log(`\n## One \`node dist/cli.js check\` process per command, ${labelled ? 'in a workspace with a `.interlock.jsonc`' : 'in a folder without a rule file'}, ${how} (${rounds} rounds each, alternating with \`node -e 0\`)`);
  console.log(`| run | p50 ms | p99 ms | p50 ratio | p99 ratio |\n|---|---:|---:|---:|---:|`);
  console.log(`| node -e 0 | ${fmt(b)} | ${fmt(b99)} | 1.00 | 1.00 |`);
  console.log(row('plain-word line (no grammar)', fast));
  console.log(row('line needing the grammar', full));
  console.log(row(`corpus mix (${Math.round((plain.length / commands.length) * 100)}% plain)`, mixed));
  console.log(`goal: median ≤ 1.3× node -e 0`);
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  console.log(`# Interlock benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  const commands = corpusCommands();
  await inProcess(commands);
  throughput(commands);
  processPerCommand(commands, true, true);
  processPerCommand(commands, false, true);
  processPerCommand(commands, true, false);
  await benchHooks(CLI, quick ? 10 : 30, true);
  await benchHooks(CLI, quick ? 10 : 30, false);
  await benchHooks(CLI, quick ? 10 : 30, true, false);
  await benchResident(CLI, commands, quick ? 2_000 : 10_000);
  await benchShells(quick ? 50 : 200);
  await benchLoad();
}

void main();
