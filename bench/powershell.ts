// PowerShell and cmd.exe latency, each against a baseline measured in the same run:
// `npm run build && node --import tsx bench/powershell.ts [--runs N]`.
// In process: a warm engine deciding lines (bash for comparison). Per CLI call: `node dist/cli.js
// check --shell …` against `node -e 0`, alternated so both see the same machine load; medians.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createEngine } from '../src/engine/index';
import { UNKNOWN_ENVIRONMENT } from '../src/engine/evaluate';
import type { Shell } from '../src/engine/types';
import { grammarBytes, loadPacks } from '../test/unit/helpers';
import { quantile } from './stats';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 21;

const median = (xs: number[]): number => quantile(xs, 0.5);

const LINES: { shell: Shell; line: string }[] = [
  { shell: 'powershell', line: 'Get-ChildItem -Recurse -Filter *.ts | Select-Object Name, Length' },
  { shell: 'powershell', line: 'Remove-Item -Recurse -Force $env:USERPROFILE\\Documents' },
  { shell: 'powershell', line: 'Invoke-RestMethod -Method Delete -Uri https://api.heroku.com/apps/shop -Headers @{Authorization="Bearer $env:HEROKU_API_KEY"}' },
  { shell: 'cmd', line: 'rd /s /q %USERPROFILE% & git status' },
  { shell: 'bash', line: 'find . -name "*.ts" | xargs wc -l && git status' },
];

async function inProcess(): Promise<void> {
  const engine = createEngine({ packs: loadPacks(), grammarBytes });
  const opts = { environment: UNKNOWN_ENVIRONMENT, cwd: '/work/project', home: '/home/user' };
  console.log('In process, warm engine (grammars loaded), median of 2,000 decisions per line:');
  console.log('| dialect | line | median µs | p99 µs |\n|---|---|---|---|');
  for (const { shell, line } of LINES) {
    await engine.check(line, { ...opts, shell });
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      engine.checkSync(line, { ...opts, shell });
      times.push((performance.now() - t) * 1000);
    }
    console.log(`| ${shell} | \`${line.length > 60 ? `${line.slice(0, 57)}…` : line}\` | ${median(times).toFixed(0)} | ${quantile(times, 0.99).toFixed(0)} |`);
  }
  const load = performance.now();
  const fresh = createEngine({ packs: loadPacks(), grammarBytes });
  await fresh.check('Get-Item x', { ...opts, shell: 'powershell' });
  console.log(`\nFirst PowerShell line in a fresh engine (loads and warms the PowerShell grammar): ${(performance.now() - load).toFixed(0)} ms`);
}

function time(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return performance.now() - t;
}

function perCall(): void {
  console.log(`\nPer CLI call, median of ${RUNS} alternated runs (ms):`);
  console.log('| command | node -e 0 | check | check − baseline |\n|---|---|---|---|');
  for (const { shell, line } of LINES) {
    const base: number[] = [];
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      base.push(time(['-e', '0']));
      cli.push(time([CLI, 'check', '--shell', shell, '--', line]));
    }
    const b = median(base);
    const c = median(cli);
    console.log(`| \`check --shell ${shell}\` ${line.length > 40 ? `${line.slice(0, 37)}…` : line} | ${b.toFixed(0)} | ${c.toFixed(0)} | ${(c - b).toFixed(0)} |`);
  }
}

void inProcess().then(perCall);
