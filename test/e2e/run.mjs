// @ts-check
// End-to-end scenarios in a real VS Code: packages the extension, installs the .vsix into
// code-server, opens a fixture workspace in headless Chromium and lets each scenario drive it.
//
//   node test/e2e/run.mjs [--vsix FILE] [FILTER...]
//
// Runs on the toolchain's Node 24 (scripts/e2e-run.sh installs it, builds dist/, then calls this).
// FILTER keeps the scenarios whose name contains it. Screenshots, logs and results.json go to
// .test-output/e2e/. INTERLOCK_E2E_TIMEOUT bounds the whole run in seconds (default 600).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Cleanup, baseSettings, e2eDir, installExtension, isolatedEnv, launchBrowser, packageExtension, repoRoot, startCodeServer,
} from './lib/harness.mjs';
import { scenarios } from './lib/scenario.mjs';
import { waitForWorkbench } from './lib/workbench.mjs';

const { values: flags, positionals: filters } = parseArgs({ options: { vsix: { type: 'string' } }, allowPositionals: true });
const outDir = join(repoRoot, '.test-output', 'e2e');
const overallMs = Number(process.env.INTERLOCK_E2E_TIMEOUT ?? 600) * 1000;
const startedAt = performance.now();
const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)}s`;

let failed = 0;
/** @type {Array<{ name: string, passed: boolean, seconds: number, notes: string[], error?: string }>} */
const results = [];
const cleanup = new Cleanup();
/** @param {string} reason @param {number} code */
async function abort(reason, code) {
  console.error(`e2e: ${reason}; stopping code-server and Chromium`);
  await cleanup.runAll();
  console.log(`${results.filter((r) => r.passed).length} passed, ${failed + 1} failed`);
  process.exit(code);
}
process.once('SIGINT', () => void abort('interrupted', 130));
process.once('SIGTERM', () => void abort('terminated', 143));
const overallTimer = setTimeout(() => void abort(`the whole run exceeded ${seconds(overallMs)}`, 1), overallMs);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const runDir = mkdtempSync(join(tmpdir(), 'interlock-e2e-'));
cleanup.add('run folder', async () => rmSync(runDir, { recursive: true, force: true }));
const env = isolatedEnv(runDir);

try {
  const scenarioDir = join(e2eDir, 'scenarios');
  for (const file of readdirSync(scenarioDir).filter((f) => f.endsWith('.mjs')).sort()) {
    await import(pathToFileURL(join(scenarioDir, file)).href);
  }
  const selected = scenarios.filter((s) => filters.length === 0 || filters.some((f) => s.name.toLowerCase().includes(f.toLowerCase())));
  if (selected.length === 0) throw new Error(`no scenario matches ${filters.join(', ')}`);

  let vsix = flags.vsix;
  if (!vsix) {
    const t = performance.now();
    const packaged = await packageExtension(join(outDir, 'interlock.vsix'));
    vsix = packaged.file;
    writeFileSync(join(outDir, 'vsix-files.txt'), `${packaged.files.join('\n')}\n`);
    console.log(`packaged ${relative(repoRoot, vsix)}: ${packaged.files.length} files, ${(packaged.bytes / 1024).toFixed(1)} KiB, in ${seconds(performance.now() - t)}`);
    for (const f of packaged.files) console.log(`  ${f}`);
  }
  const extensionsDir = join(runDir, 'extensions');
  let t = performance.now();
  await installExtension(vsix, extensionsDir, env, runDir);
  console.log(`installed ${basename(vsix)} into code-server in ${seconds(performance.now() - t)}`);
  t = performance.now();
  const browser = await launchBrowser(env, cleanup);
  console.log(`Chromium ${browser.version()} up in ${seconds(performance.now() - t)}`);

  for (const [index, s] of selected.entries()) {
    const slug = `${String(index + 1).padStart(2, '0')}-${s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    const evidence = join(outDir, slug);
    const dir = join(runDir, slug);
    mkdirSync(evidence, { recursive: true });
    mkdirSync(dir, { recursive: true });
    // One scope per scenario: emptied when it ends, and by the run's cleanup if the run is cut short.
    const local = new Cleanup();
    cleanup.add(slug, () => local.runAll());
    /** @type {string[]} */
    const notes = [];
    /** @type {import('playwright-core').Page | undefined} */
    let page;
    /** @type {{ userDataDir: string, logFile: string } | undefined} */
    let server;
    let shots = 0;
    const shot = async (/** @type {string} */ name) => {
      const file = join(evidence, `${String(++shots).padStart(2, '0')}-${name}.png`);
      await page?.screenshot({ path: file, timeout: 10_000 });
      return file;
    };

    const body = async () => {
      const workspace = join(dir, s.options.fixture);
      cpSync(join(e2eDir, 'fixtures', s.options.fixture), workspace, { recursive: true });
      server = await startCodeServer({ dir, env, extensionsDir, settings: { ...baseSettings, ...s.options.settings }, cleanup: local });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      local.add('browser context', () => context.close());
      page = await context.newPage();
      const pageLog = join(dir, 'page-errors.log');
      page.on('pageerror', (e) => appendFileSync(pageLog, `${e.stack ?? e.message}\n`));
      const navigatedAt = Date.now();
      await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`, { timeout: 30_000 });
      await waitForWorkbench(page, basename(workspace));
      notes.push(`workbench ready ${seconds(Date.now() - navigatedAt)} after navigation`);
      await s.body(page, { workspace, userDataDir: server.userDataDir, navigatedAt, shot, note: (text) => notes.push(text) });
    };

    const t0 = performance.now();
    /** @type {unknown} */
    let error;
    let timer;
    try {
      const running = body();
      running.catch(() => {}); // still settles after a timeout, when its page is closed under it
      await Promise.race([
        running,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`scenario timed out after ${seconds(s.options.timeoutMs)}`)), s.options.timeoutMs))),
      ]);
    } catch (e) {
      error = e;
      await shot('failure').catch(() => {});
      if (server) {
        cpSync(join(server.userDataDir, 'logs'), join(evidence, 'logs'), { recursive: true, force: true });
        cpSync(server.logFile, join(evidence, 'logs', 'code-server.log'));
      }
      if (existsSync(join(dir, 'page-errors.log'))) cpSync(join(dir, 'page-errors.log'), join(evidence, 'logs', 'page-errors.log'));
    } finally {
      clearTimeout(timer);
      await local.runAll();
    }
    const elapsed = (performance.now() - t0) / 1000;
    const passed = error === undefined;
    if (!passed) failed++;
    const message = error instanceof Error ? error.message : error === undefined ? undefined : String(error);
    results.push({ name: s.name, passed, seconds: Number(elapsed.toFixed(1)), notes, error: message });
    console.log(`${passed ? 'PASS' : 'FAIL'} ${s.name} (${elapsed.toFixed(1)}s)`);
    for (const n of notes) console.log(`  ${n}`);
    if (!passed) console.log(`  ${message?.split('\n').join('\n  ')}\n  evidence: ${relative(repoRoot, evidence)}/`);
  }
} catch (e) {
  failed++;
  console.error(`e2e: ${e instanceof Error ? (e.stack ?? e.message) : e}`);
}

clearTimeout(overallTimer);
await cleanup.runAll();
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ seconds: Number(((performance.now() - startedAt) / 1000).toFixed(1)), results }, null, 2)}\n`);
const passedCount = results.filter((r) => r.passed).length;
console.log(`e2e finished in ${seconds(performance.now() - startedAt)}`);
console.log(`${passedCount} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
