// `node --import tsx bench/impact.ts [--quick]`: impact on a tree of 100,000 files; snapshot time
// and space for a 1 GB folder kept with hard links versus copies; the undo property over random
// cases. Trees are made under the system temp folder and removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assess } from '../src/impact/assess';
import { restoreSnapshot, takeSnapshot } from '../src/snapshot/store';
import { engine } from '../test/unit/helpers';
import { undoCase } from '../test/unit/undoProperty';
import { removeTempDirs } from '../test/unit/gitFixture';

const quick = process.argv.includes('--quick');
const FILES = quick ? 20_000 : 100_000;
const GB_FILES = quick ? 128 : 1024;
const CASES = quick ? 50 : 300;

const du = (dir: string): number => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) * 1024;
const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

async function impactOnTree(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'interlock-bench-impact-'));
  try {
    const tree = join(root, 'tree');
    const perDir = 100;
    for (let d = 0; d < FILES / perDir; d++) {
      const dir = join(tree, `d${d % 10}`, `sub${d}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < perDir; f++) writeFileSync(join(dir, `f${f}.txt`), `file ${d}/${f}\n`);
    }
    // Cold caches cannot be forced here without root's drop_caches: the first run is the warm-up.
    for (const [label, budgetMs] of [['default 2 s budget', 2000], ['no practical budget', 120_000], ['no practical budget, again', 120_000]] as const) {
      const started = performance.now();
      const a = await assess('rm -rf tree', { engine: engine(), cwd: root, home: '/nonexistent', budgetMs });
      const ms = performance.now() - started;
      console.log(`impact of rm -rf on ${FILES.toLocaleString('en-US')} files (${label}): ${ms.toFixed(0)} ms, measured=${a.impact.measured}, ${a.impact.summary}`);
    }
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['add', '-A'], { cwd: root });
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'x'], { cwd: root });
    writeFileSync(join(tree, 'd0', 'sub0', 'f0.txt'), 'changed');
    const started = performance.now();
    const a = await assess('rm -rf tree', { engine: engine(), cwd: root, home: '/nonexistent', budgetMs: 120_000 });
    console.log(`impact of rm -rf on ${FILES.toLocaleString('en-US')} files in a git repository (status and ls-files included): ${(performance.now() - started).toFixed(0)} ms, ${a.impact.summary}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function snapshotGigabyte(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'interlock-bench-snap-'));
  try {
    const data = join(root, 'data');
    mkdirSync(data);
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
    for (let i = 0; i < GB_FILES; i++) {
      chunk.writeUInt32LE(i, 0);
      writeFileSync(join(data, `blob${i}.bin`), chunk);
    }
    const total = du(data);
    for (const copyOnly of [false, true]) {
      const store = join(root, copyOnly ? 'store-copies' : 'store-links');
      const started = performance.now();
      const a = await assess('rm -rf data', { engine: engine(), cwd: root, home: '/nonexistent', budgetMs: 120_000 });
      const r = await takeSnapshot(a, 'rm -rf data', root, { dir: store, copyOnly, budgetBytes: 4 * 1024 ** 3 });
      const ms = performance.now() - started;
      if (!r.ok) throw new Error(r.reason);
      // du counts a hard-linked inode once per run: measured alone, the store's links show their full size.
      const alone = du(store);
      const both = Number(execFileSync('du', ['-sk', data, store], { encoding: 'utf8' }).trim().split('\n')[1].split('\t')[0]) * 1024;
      rmSync(data, { recursive: true });
      const undoStarted = performance.now();
      const back = await restoreSnapshot(r.manifest.id, { dir: store });
      const undoMs = performance.now() - undoStarted;
      if (!back.ok || du(data) !== total) throw new Error(`undo failed: ${JSON.stringify(back).slice(0, 300)}`);
      console.log(`snapshot of ${mb(total)} (${GB_FILES} files) with ${copyOnly ? 'copies' : 'hard links'}: ${ms.toFixed(0)} ms; store ${mb(alone)} by itself, ${mb(both)} of new space beside the originals (${r.manifest.linked} linked, ${r.manifest.copied} copied); undo after rm -rf: ${undoMs.toFixed(0)} ms`);
      rmSync(store, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function property(): Promise<void> {
  const store = mkdtempSync(join(tmpdir(), 'interlock-bench-store-'));
  const started = performance.now();
  const byCommand = new Map<string, { ok: number; all: number }>();
  let failed = 0;
  for (let seed = 1000; seed < 1000 + CASES; seed++) {
    const r = await undoCase(seed, store);
    const kind = r.line.split(' ').slice(0, 2).join(' ').replace(/'.*$/, '');
    const k = byCommand.get(kind) ?? { ok: 0, all: 0 };
    k.all++;
    if (r.ok) k.ok++;
    else {
      failed++;
      console.log(`  FAILED seed ${seed}: ${r.line}: ${r.problem}`);
    }
    byCommand.set(kind, k);
  }
  rmSync(store, { recursive: true, force: true });
  removeTempDirs();
  console.log(`undo property: ${CASES - failed}/${CASES} random cases restored byte for byte in ${((performance.now() - started) / 1000).toFixed(1)} s — ${[...byCommand].map(([k, v]) => `${k} ${v.ok}/${v.all}`).join(', ')}`);
}

async function main(): Promise<void> {
  await impactOnTree();
  await snapshotGigabyte();
  await property();
}

void main();
