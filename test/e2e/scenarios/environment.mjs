// @ts-check
// The environment a folder is labelled with, as a person sees it: the status-bar item, its menu,
// Explain Command, and a broken rule file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interlockLogFile, repoRoot } from '../lib/harness.mjs';
import { scenario } from '../lib/scenario.mjs';
import {
  answerInputBox, notifications, pickQuickItem, pickQuickItemMatching, runCommand, statusBarItem, statusBarItems, textOf, waitFor, webviewFrame,
} from '../lib/workbench.mjs';

/** Screenshots for the README are taken in the dark theme the extension's gallery banner uses. */
const dark = { 'workbench.colorTheme': 'Default Dark Modern' };

/**
 * The Interlock status-bar item once it says `label`, with what the workbench drew for it.
 * @param {import('playwright-core').Page} page @param {string} label @param {number} [timeoutMs]
 */
async function environmentItem(page, label, timeoutMs = 60_000) {
  const item = statusBarItem(page, { id: 'interlock.environment' });
  await waitFor(async () => (await item.count()) > 0 && (await textOf(item.first())).trim() === label, {
    timeoutMs,
    what: `the Interlock status-bar item to say ${label} (now: ${JSON.stringify(await statusBarItems(page).catch(() => []))})`,
  });
  return item.first();
}

/**
 * The item's computed background, its classes, and the colour the theme gives a status-bar
 * background `kind` (error, warning), resolved the same way the browser resolves the item's own.
 * @param {import('playwright-core').Locator} item @param {string} kind
 */
function background(item, kind) {
  return item.evaluate((e, k) => {
    const probe = document.createElement('div');
    probe.style.backgroundColor = `var(--vscode-statusBarItem-${k}Background)`;
    e.closest('.monaco-workbench')?.appendChild(probe);
    const themed = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return { actual: getComputedStyle(e).backgroundColor, themed, classes: Array.from(e.classList) };
  }, kind);
}

/** `.interlock.jsonc` as data (it may carry // comments). @param {string} file */
function readRuleFile(file) {
  return JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, ''));
}

scenario('a production folder shows PRODUCTION on the error background', async (page, ctx) => {
  const item = await environmentItem(page, 'PRODUCTION');
  const bg = await background(item, 'error');
  assert.ok(bg.classes.includes('error-kind'), `the item is drawn as an error item (classes: ${bg.classes.join(' ')})`);
  assert.equal(bg.actual, bg.themed, "the item's background is the theme's statusBarItem.errorBackground");
  assert.equal(await item.getAttribute('aria-label'), 'Interlock environment: PRODUCTION', 'screen readers hear the environment');

  // The picture for the README: the rule file that says so, and the item's tooltip explaining it.
  await runCommand(page, 'Interlock: Open Workspace Rule File');
  await page.locator('.tabs-container .tab.active', { hasText: '.interlock.jsonc' }).waitFor({ state: 'visible', timeout: 15_000 });
  await item.hover();
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Environment: production' }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await textOf(hover), /from \.interlock\.jsonc/, 'the tooltip names where the label comes from');
  await ctx.shot('status-production');
}, { fixture: 'production', settings: dark });

scenario('relabelling a folder development from the status-bar menu rewrites .interlock.jsonc', async (page, ctx) => {
  const item = await environmentItem(page, 'PRODUCTION');
  await item.click();
  await pickQuickItemMatching(page, /^\s*Set environment label…$/);
  await pickQuickItem(page, 'development');

  const relabelled = await environmentItem(page, 'DEV', 15_000);
  const bg = await background(relabelled, 'error');
  assert.ok(!bg.classes.includes('error-kind') && !bg.classes.includes('warning-kind'), `DEV is drawn plainly (classes: ${bg.classes.join(' ')})`);
  assert.notEqual(bg.actual, bg.themed, 'DEV is not on the error background');

  const file = join(ctx.workspace, '.interlock.jsonc');
  assert.deepEqual(readRuleFile(file), { environment: 'development' }, `${file} now labels the folder development`);
  assert.match(readFileSync(file, 'utf8'), /^\/\/ This folder is production/, 'the comment in the file was kept');
}, { fixture: 'production' });

scenario('an agent relabelling production to development is held on every surface until a person approves it', async (page, ctx) => {
  const item = await environmentItem(page, 'PRODUCTION');
  const file = join(ctx.workspace, '.interlock.jsonc');
  const before = readFileSync(file, 'utf8');
  // What an agent's file tool would do: the label is one write away.
  writeFileSync(file, before.replace('"production"', '"development"'));

  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: /loosens protection/ }).first();
  await toast.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await textOf(toast), /environment production → development/, 'the notification says what would loosen');
  await environmentItem(page, 'PRODUCTION', 5_000);
  await waitFor(async () => (await item.locator('.codicon-warning').count()) > 0, { timeoutMs: 15_000, what: 'the status-bar item to mark the waiting change' });

  // The CLI and an agent hook read the same store: still production there too.
  const cli = join(repoRoot, 'dist', 'cli.js');
  const check = spawnSync(process.execPath, [cli, 'check', '--json', '--cwd', ctx.workspace, '--', 'kubectl delete pod web-1'], { encoding: 'utf8', env: ctx.env });
  assert.equal(JSON.parse(check.stdout).environment.label, 'production', `check still says production: ${check.stdout}${check.stderr}`);
  assert.match(check.stderr, /held back until a person approves it/);
  const doctor = spawnSync(process.execPath, [cli, 'doctor', '--cwd', ctx.workspace], { encoding: 'utf8', env: ctx.env });
  assert.equal(doctor.status, 1, doctor.stdout);
  assert.match(doctor.stdout, /WAITING for a person's approval/);
  await ctx.shot('rule-file-change-waiting');

  // A person reviews and approves that exact content: now every surface says development.
  await toast.locator('.monaco-button', { hasText: 'Review…' }).click();
  const approve = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Approve$/ });
  await approve.waitFor({ state: 'visible', timeout: 15_000 });
  await approve.click();
  await environmentItem(page, 'DEV', 15_000);
  const after = spawnSync(process.execPath, [cli, 'check', '--json', '--cwd', ctx.workspace, '--', 'kubectl delete pod web-1'], { encoding: 'utf8', env: ctx.env });
  assert.equal(JSON.parse(after.stdout).environment.label, 'development', after.stdout);
  ctx.note('held: status bar, check and doctor; approved in the editor → development everywhere');
}, { fixture: 'production' });

scenario('Explain Command shows why kubectl delete ns production needs a person', async (page, ctx) => {
  const command = 'kubectl delete ns production';
  await environmentItem(page, 'PRODUCTION');
  await runCommand(page, 'Interlock: Explain Command…');
  await answerInputBox(page, 'Interlock: Explain Command', command);

  const frame = await webviewFrame(page, '#decision');
  await page.locator('.tabs-container .tab.active', { hasText: 'Interlock: CONFIRM' }).waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await textOf(frame.locator('#decision')), /^CONFIRM\b/, 'the heading gives the decision');
  const body = await textOf(frame.locator('body'));
  assert.match(body, /Environment: production \(from \.interlock\.jsonc\)/, 'the page says which environment decided it');

  // The same reasons the CLI gives for that folder: the page explains the engine, not a copy of it.
  const cli = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'check', '--json', '--cwd', ctx.workspace, '--', command], { encoding: 'utf8' });
  assert.equal(cli.status, 1, `the CLI says confirm (exit 1):\n${cli.stdout}${cli.stderr}`);
  /** @type {{ reasons: Array<{ rule: string, message: string }> }} */
  const expected = JSON.parse(cli.stdout);
  assert.ok(expected.reasons.some((r) => r.rule.startsWith('kubernetes/')), `a kubernetes/ rule decides it: ${cli.stdout}`);
  for (const r of expected.reasons) {
    assert.ok(body.includes(r.rule), `the page names rule ${r.rule}`);
    assert.ok(body.includes(r.message), `the page gives the reason "${r.message}"`);
  }
  ctx.note(`explained: ${expected.reasons.map((r) => r.rule).join(', ')}`);
  await ctx.shot('explain-command');
}, { fixture: 'production', settings: dark });

scenario('a malformed .interlock.jsonc is an error at its line, and the production label it still states holds', async (page, ctx) => {
  // A broken file never makes a folder look safer: the label it states still counts.
  const item = await environmentItem(page, 'PRODUCTION');
  const bg = await background(item, 'error');
  assert.ok(bg.classes.includes('error-kind'), `PRODUCTION from a broken file is still drawn on the error background (classes: ${bg.classes.join(' ')})`);

  // The fixture misses a comma at the start of line 4, column 3.
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Interlock:' }).first();
  await problem.waitFor({ state: 'visible', timeout: 15_000 });
  const problemText = await textOf(problem);
  assert.match(problemText, /Interlock: invalid JSON: CommaExpected/, 'the problem says what is wrong');
  assert.match(problemText, /\binterlock\b[\s\S]*\[Ln 4, Col 3\]/, 'from source interlock, at line 4 column 3');

  // In the editor: the squiggle sits on line 4.
  await problem.dblclick();
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await page.locator('.tabs-container .tab.active', { hasText: '.interlock.jsonc' }).waitFor({ state: 'visible', timeout: 15_000 });
  const squiggle = editor.locator('.squiggly-error').first();
  const lineFour = editor.locator('.margin-view-overlays .line-numbers', { hasText: /^4$/ });
  /** @type {unknown} */
  let seen;
  // The editor redraws its decorations as it settles: measure until both are there, together.
  await waitFor(async () => {
    const [s, l] = [await squiggle.boundingBox().catch(() => null), await lineFour.boundingBox().catch(() => null)];
    seen = { squiggle: s, line4: l };
    return s && l && Math.abs(s.y + s.height / 2 - (l.y + l.height / 2)) < l.height / 2;
  }, { timeoutMs: 15_000, what: 'the squiggle to sit on line 4' }).catch((e) => {
    throw new Error(`${e.message} (last seen: ${JSON.stringify(seen)})`);
  });
  await ctx.shot('malformed-rule-file');

  // Nothing crashed: no error logged or shown, and fixing the file on disk brings production back.
  const log = await interlockLogFile(ctx.userDataDir);
  assert.doesNotMatch(readFileSync(log, 'utf8'), /\[error\]/, 'the Interlock log has no errors');
  assert.deepEqual((await notifications(page)).filter((n) => /interlock/i.test(n)), [], 'no Interlock notification');
  const file = join(ctx.workspace, '.interlock.jsonc');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"production"\n', '"production",\n'));
  await environmentItem(page, 'PRODUCTION', 15_000);
  await waitFor(async () => (await page.locator('.markers-panel .monaco-list-row', { hasText: 'Interlock:' }).count()) === 0, {
    timeoutMs: 15_000,
    what: 'the Interlock problem to go once the file is fixed',
  });
}, { fixture: 'malformed' });
