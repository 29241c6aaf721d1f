// @ts-check
// End-to-end scenarios in a real VS Code: packages the extension, installs the .vsix into
// code-server, opens a fixture workspace in headless Chromium and lets each scenario drive it.
//
//   node test/e2e/run.mjs [--vsix FILE] [FILTER...]
//
// Runs on the toolchain's Node 24 (scripts/e2e-run.sh installs it, builds dist/, then calls this).
// FILTER keeps the scenarios whose name contains it. Screenshots, logs and results.json go to
// .test-output/e2e/. INTERLOCK_E2E_TIMEOUT bounds the whole run in seconds (default 600).
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Cleanup, baseSettings, codeServerFiles, e2eDir, installExtension, isolatedEnv, launchBrowser, packageExtension, repoRoot,
  startCodeServer,
} from './lib/harness.mjs';
import { scenarios } from './lib/scenario.mjs';
import { waitForWorkbench } from './lib/workbench.mjs';

/** @typedef {import('./lib/scenario.mjs').Scenario} Scenario */
/** @typedef {{ name: string, passed: boolean, skipped?: string, seconds: number, notes: string[], error?: string }} Result */

const { values: flags, positionals: filters } = parseArgs({ options: { vsix: { type: 'string' } }, allowPositionals: true });
const outDir = join(repoRoot, '.test-output', 'e2e');
const overallMs = Number(process.env.INTERLOCK_E2E_TIMEOUT ?? 600) * 1000;
const startedAt = performance.now();
const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)}s`;

/** @type {Result[]} */
const results = [];
let failed = 0;
const cleanup = new Cleanup();
/** @type {{ aborted?: { reason: string, code: number } }} */
const run = {};
// A function, not a read of run.aborted: it changes under awaits, where the type checker can't see.
const abortReason = () => run.aborted?.reason;
const passed = () => results.filter((r) => r.passed).length;
const skipped = () => results.filter((r) => r.skipped !== undefined).length;
/** The closing line; skipped scenarios are counted apart, as neither passed nor failed. */
const tally = (/** @type {number} */ failures) => `${passed()} passed, ${failures} failed${skipped() > 0 ? `, ${skipped()} skipped` : ''}`;

/**
 * Ends the processes, which makes whatever the run is waiting on fail, so that the run reports
 * and exits by its usual path; if it is stuck elsewhere, exits anyway after a grace period.
 * @param {string} reason @param {number} code
 */
function abort(reason, code) {
  if (run.aborted) return;
  run.aborted = { reason, code };
  console.error(`e2e: ${reason}; stopping code-server and Chromium`);
  void cleanup.runAll().then(() => cleanup.forgetGroups());
  setTimeout(() => {
    console.log(tally(failed + 1));
    process.exit(code);
  }, 30_000).unref();
}
process.once('SIGINT', () => abort('interrupted', 130));
process.once('SIGTERM', () => abort('terminated', 143));
const overallTimer = setTimeout(() => abort(`the whole run exceeded ${seconds(overallMs)}`, 1), overallMs);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
// Short paths: code-server puts unix sockets under here, and a socket's path must fit in 107 bytes.
const runDir = mkdtempSync(join(tmpdir(), 'ie2e-'));
cleanup.add('run folder', async () => rmSync(runDir, { recursive: true, force: true }));
const env = isolatedEnv(runDir);

try {
  const selected = await loadScenarios();
  const vsix = flags.vsix ? resolve(flags.vsix) : await packageVsix();
  const extensionsDir = join(runDir, 'extensions');
  let t = performance.now();
  await installExtension(vsix, extensionsDir, env, runDir);
  console.log(`installed ${basename(vsix)} into code-server in ${seconds(performance.now() - t)}`);
  t = performance.now();
  const browser = await launchBrowser(env, cleanup);
  console.log(`Chromium ${browser.version()} up in ${seconds(performance.now() - t)}`);

  for (const [index, s] of selected.entries()) {
    if (run.aborted) break;
    const skip = s.options.skipReason();
    if (skip !== undefined) {
      results.push({ name: s.name, passed: false, skipped: skip, seconds: 0, notes: [] });
      console.log(`SKIP ${s.name}: ${skip}`);
      continue;
    }
    const result = await runScenario(s, index, browser, extensionsDir);
    results.push(result);
    if (!result.passed) failed++;
    console.log(`${result.passed ? 'PASS' : 'FAIL'} ${s.name} (${result.seconds}s)`);
    for (const n of result.notes) console.log(`  ${n}`);
    if (result.error !== undefined) console.log(`  ${result.error.split('\n').join('\n  ')}`);
  }
} catch (e) {
  failed++;
  console.error(`e2e: ${abortReason() ?? (e instanceof Error ? (e.stack ?? e.message) : e)}`);
}
if (run.aborted && failed === 0) failed++;

clearTimeout(overallTimer);
await cleanup.runAll();
cleanup.forgetGroups();
const totalSeconds = Number(((performance.now() - startedAt) / 1000).toFixed(1));
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ seconds: totalSeconds, results }, null, 2)}\n`);
console.log(`e2e finished in ${totalSeconds}s`);
console.log(tally(failed));
process.exit(run.aborted?.code ?? (failed > 0 ? 1 : 0));

/** Imports every scenarios/*.mjs (each registers itself) and keeps those the filters name. */
async function loadScenarios() {
  const dir = join(e2eDir, 'scenarios');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    await import(pathToFileURL(join(dir, file)).href);
  }
  const selected = scenarios.filter((s) => filters.length === 0 || filters.some((f) => s.name.toLowerCase().includes(f.toLowerCase())));
  if (selected.length === 0) throw new Error(`no scenario matches ${filters.join(', ')}`);
  return selected;
}

async function packageVsix() {
  const t = performance.now();
  const packaged = await packageExtension(join(outDir, 'interlock.vsix'));
  writeFileSync(join(outDir, 'vsix-files.txt'), `${packaged.files.join('\n')}\n`);
  console.log(`packaged ${relative(repoRoot, packaged.file)}: ${packaged.files.length} files, ${(packaged.bytes / 1024).toFixed(1)} KiB, in ${seconds(performance.now() - t)}`);
  for (const f of packaged.files) console.log(`  ${f}`);
  return packaged.file;
}

/**
 * One scenario in a code-server, workspace copy and browser context of its own, bounded by its
 * timeout. On failure, a screenshot and VS Code's logs go to its evidence folder.
 * @param {Scenario} s @param {number} index @param {import('playwright-core').Browser} browser @param {string} extensionsDir
 * @returns {Promise<Result>}
 */
async function runScenario(s, index, browser, extensionsDir) {
  const number = String(index + 1).padStart(2, '0');
  const slug = `${number}-${s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  const evidence = join(outDir, slug);
  const dir = join(runDir, `s${number}`);
  mkdirSync(evidence, { recursive: true });
  mkdirSync(dir, { recursive: true });
  // Emptied when the scenario ends, or by the run's cleanup if the run is cut short first.
  const local = new Cleanup();
  cleanup.add(slug, () => local.runAll());
  /** @type {string[]} */
  const notes = [];
  /** @type {import('playwright-core').Page | undefined} */
  let page;
  let shots = 0;
  const shot = async (/** @type {string} */ name) => {
    const file = join(evidence, `${String(++shots).padStart(2, '0')}-${name}.png`);
    await page?.screenshot({ path: file, timeout: 10_000 });
    return file;
  };
  const pageErrors = join(dir, 'page-errors.log');

  const body = async () => {
    const workspace = join(dir, s.options.fixture);
    cpSync(join(e2eDir, 'fixtures', s.options.fixture), workspace, { recursive: true });
    const server = await startCodeServer({ dir, env, extensionsDir, settings: { ...baseSettings, ...s.options.settings }, cleanup: local });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    local.add('browser context', () => context.close());
    page = await context.newPage();
    page.on('pageerror', (e) => appendFileSync(pageErrors, `${e.stack ?? e.message}\n`));
    const navigatedAt = Date.now();
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`, { timeout: 30_000 });
    await waitForWorkbench(page, basename(workspace));
    notes.push(`workbench ready ${seconds(Date.now() - navigatedAt)} after navigation`);
    await s.body(page, { workspace, userDataDir: server.userDataDir, env, navigatedAt, shot, note: (text) => notes.push(text) });
  };

  const t0 = performance.now();
  /** @type {string | undefined} */
  let error;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  try {
    const running = body();
    running.catch(() => {}); // it still settles after a timeout, once its page is closed under it
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scenario timed out after ${seconds(s.options.timeoutMs)}`)), s.options.timeoutMs);
    });
    await Promise.race([running, timeout]);
  } catch (e) {
    error = abortReason() ?? (e instanceof Error ? e.message : String(e));
    await shot('failure').catch(() => {});
    error += `\nevidence: ${relative(repoRoot, evidence)}/`;
  } finally {
    clearTimeout(timer);
    await local.runAll();
  }
  // VS Code's logs, kept whatever the outcome: they show what the extension host did.
  const { userDataDir, logFile } = codeServerFiles(dir);
  for (const [from, to] of [[join(userDataDir, 'logs'), 'logs'], [logFile, 'logs/code-server.log'], [pageErrors, 'logs/page-errors.log']]) {
    // Best effort: after an abort the run folder may already be going.
    try {
      if (existsSync(from)) cpSync(from, join(evidence, to), { recursive: true });
    } catch {}
  }
  return { name: s.name, passed: error === undefined, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), notes, error };
}
