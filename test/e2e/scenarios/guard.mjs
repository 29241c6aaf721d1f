// @ts-check
// The guard as a person meets it: a flagged command typed into a terminal waits for the
// confirmation panel; Deny, Approve (with the typed environment name) and no answer at all each
// settle it; a flagged task is stopped and asked about. Every answer is in the audit log.
//
// The flagged command, typed or in a task, is a force-push to a bare repository beside the
// workspace: its effect is observable (the remote's branch moves) and harmless. Not `rm -rf src`:
// the workspace copy lives under /tmp, where the engine counts `src` as a temporary path and lets
// its deletion run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { auditLogFile, interlockLogFile, repoRoot } from '../lib/harness.mjs';
import { scenario } from '../lib/scenario.mjs';
import {
  notifications, openTerminal, pickQuickItemMatching, runCommand, statusBarItem, terminalText, textOf, typeInTerminal, waitFor,
  waitForTerminalText, webviewFrameNow,
} from '../lib/workbench.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('../lib/scenario.mjs').ScenarioContext} ScenarioContext */

const cli = join(repoRoot, 'dist', 'cli.js');
const dark = { 'workbench.colorTheme': 'Default Dark Modern' };

/**
 * The terminal scenarios need the shell hooks, which the extension ships in shell/; until they
 * are in the checkout a terminal has no hook to ask the guard, and these scenarios cannot pass.
 */
const needsShellHooks = () =>
  existsSync(join(repoRoot, 'shell', 'interlock.bash'))
    ? undefined
    : 'shell/interlock.bash is not in this checkout yet, so terminals have no hook to ask the guard';

/** Local time of a VS Code log line, "2026-11-25 12:24:12.696", in ms since the epoch. @param {string} stamp */
const logTime = (stamp) => new Date(stamp.replace(' ', 'T')).getTime();

/**
 * Waits for the extension to be active and its guard to listen: a terminal opened before that
 * would miss the hook's environment.
 * @param {Page} page @param {ScenarioContext} ctx
 */
export async function guardReady(page, ctx) {
  await statusBarItem(page, { id: 'interlock.environment' }).first().waitFor({ state: 'visible', timeout: 60_000 });
  const log = await interlockLogFile(ctx.userDataDir);
  await waitFor(() => /guard listening on 127\.0\.0\.1:\d+/.test(readFileSync(log, 'utf8')), { timeoutMs: 30_000, what: `"guard listening" in ${log}` });
  return log;
}

/**
 * Waits, polling every 20 ms so the time it took means something, for the confirmation panel to
 * show a request with its countdown running. `timing.tabAt` is when the panel's tab appeared (the
 * guard had decided and created the panel), before its page had loaded.
 * @param {Page} page @param {{ tabAt?: number }} [timing] @param {number} [timeoutMs]
 * @returns {Promise<Frame>}
 */
export function confirmation(page, timing = {}, timeoutMs = 30_000) {
  const tab = page.locator('.tabs-container .tab', { hasText: 'Interlock: confirm command' });
  return waitFor(
    async () => {
      if (timing.tabAt === undefined && (await tab.count()) > 0) timing.tabAt = Date.now();
      const frame = await webviewFrameNow(page, '#unlock');
      const unlock = frame ? await frame.locator('#unlock').innerText().catch(() => '') : '';
      return /unlocks in \d+ s/.test(unlock) ? frame : undefined;
    },
    { timeoutMs, intervalMs: 20, what: 'the confirmation panel with its countdown ("Approve unlocks in …")' },
  );
}

/**
 * Makes the workspace a git repository whose `main` has diverged from its remote's (a bare
 * repository beside it), so that only `git push --force` moves the remote.
 * @param {string} workspace
 */
function repositoryWithRemote(workspace) {
  const remote = join(workspace, '..', 'remote.git');
  // Not the user's git configuration: no signing, hooks or aliases of theirs.
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (/** @type {string} */ cwd, /** @type {string[]} */ ...args) => {
    const r = spawnSync('git', ['-c', 'user.name=Interlock E2E', '-c', 'user.email=e2e@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}${r.error?.message ?? ''}`);
    return r.stdout.trim();
  };
  git(workspace, 'init', '-q', '--bare', remote);
  git(workspace, 'init', '-q');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'as deployed');
  git(workspace, 'remote', 'add', 'origin', remote);
  git(workspace, 'push', '-q', '-u', 'origin', 'main');
  const published = git(remote, 'rev-parse', 'main');
  git(workspace, 'commit', '-q', '--amend', '-m', 'history rewritten');
  return { published, rewritten: git(workspace, 'rev-parse', 'HEAD'), remoteHead: () => git(remote, 'rev-parse', 'main') };
}

/** @param {Page} page */
export async function confirmationGone(page) {
  await waitFor(async () => !(await webviewFrameNow(page, '#approve-once')), { timeoutMs: 10_000, what: 'the confirmation panel to close' });
}

/**
 * Types a command and presses Enter, returning when Enter was pressed.
 * @param {Page} page @param {string} command
 */
async function enter(page, command) {
  await typeInTerminal(page, command, { enter: false });
  const at = Date.now();
  await page.keyboard.press('Enter');
  return at;
}

/**
 * What the terminal printed after the last echo of `command`.
 * @param {Page} page @param {string} command
 */
async function outputAfter(page, command) {
  const text = await terminalText(page);
  const at = text.lastIndexOf(command);
  return at < 0 ? '' : text.slice(at + command.length);
}

/**
 * Returns once the shell has finished everything typed so far: bash reads and runs lines in order,
 * so when a later echo has printed, the earlier command line is done with.
 * @param {Page} page
 */
async function shellIdle(page) {
  const token = `idle-${Date.now() % 100000}`;
  await typeInTerminal(page, `echo ${token}-$((6*7))`);
  await waitForTerminalText(page, new RegExp(`${token}-42`), 30_000);
}

/** @param {ScenarioContext} ctx */
async function auditEntries(ctx) {
  const file = await waitFor(() => auditLogFile(ctx.userDataDir), { timeoutMs: 10_000, what: `audit.jsonl under ${ctx.userDataDir}` });
  /** @type {Array<Record<string, any>>} */
  const entries = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  return { file, entries };
}

/**
 * `interlock log verify FILE` checks the hash chain. A CLI without that subcommand gets the chain
 * checked here instead: each line's `prev` is the line before's `hash` (the first's is 64 zeros),
 * and `hash` is the SHA-256 of the line's JSON without it.
 * @param {string} file @param {ScenarioContext} ctx
 */
function verifyChain(file, ctx) {
  const r = spawnSync(process.execPath, [cli, 'log', 'verify', file], { encoding: 'utf8' });
  if (/unknown command "log"/.test(r.stderr)) {
    let prev = '0'.repeat(64);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const [i, line] of lines.entries()) {
      const { hash, ...body } = JSON.parse(line);
      assert.equal(body.prev, prev, `audit line ${i + 1} follows the line before it`);
      assert.equal(createHash('sha256').update(JSON.stringify(body)).digest('hex'), hash, `audit line ${i + 1} matches its hash`);
      prev = hash;
    }
    ctx.note(`audit chain of ${lines.length} entries checked by the scenario (this CLI has no \`log verify\` yet)`);
    return;
  }
  assert.equal(r.status, 0, `interlock log verify ${file}:\n${r.stdout}${r.stderr}`);
  ctx.note(`interlock log verify: ${r.stdout.trim().replace(file, 'audit.jsonl')}`);
}

/**
 * The entry the guard wrote for a command, with the outcome asked for.
 * @param {Array<Record<string, any>>} entries @param {string} command @param {string} outcome
 */
function entryFor(entries, command, outcome) {
  const entry = entries.find((e) => e.command === command && e.outcome === outcome);
  assert.ok(entry, `an audit entry "${outcome}" for ${command}; the log has:\n${entries.map((e) => JSON.stringify(e)).join('\n')}`);
  return entry;
}

scenario('a flagged command in a production terminal waits for Deny or a typed Approve', async (page, ctx) => {
  const repo = repositoryWithRemote(ctx.workspace);
  await guardReady(page, ctx);
  await openTerminal(page);

  const denied = 'git push --force && touch marker-denied';
  /** @type {{ tabAt?: number }} */
  const first = {};
  const pressed = await enter(page, denied);
  const modal = await confirmation(page, first);
  ctx.note(`Enter → confirmation visible: ${Date.now() - pressed} ms (the window's first; its tab after ${(first.tabAt ?? NaN) - pressed} ms)`);
  assert.equal(await textOf(modal.locator('#command')), denied, 'the panel shows the command');
  assert.match(await textOf(modal.locator('#reasons')), /git\/force-push/, 'and the rule that flagged it');
  assert.equal(await textOf(modal.locator('#env')), 'PRODUCTION');
  assert.ok(await modal.locator('#approve-once').isDisabled(), 'Approve is locked during the countdown');
  await ctx.shot('confirm-modal');

  await modal.locator('#deny').click();
  await confirmationGone(page);
  const why = await waitFor(async () => /^.*interlock.*$/im.exec(await outputAfter(page, denied)), { timeoutMs: 15_000, what: 'the terminal to say why the command did not run' });
  ctx.note(`terminal after Deny: ${why[0].trim()}`);
  await shellIdle(page);
  assert.ok(!existsSync(join(ctx.workspace, 'marker-denied')), 'nothing on the denied line ran');
  assert.equal(repo.remoteHead(), repo.published, 'the remote was not rewritten');

  const approved = 'git push --force && touch marker-approved';
  /** @type {{ tabAt?: number }} */
  const second = {};
  const pressedAgain = await enter(page, approved);
  const again = await confirmation(page, second);
  const shownAt = Date.now();
  ctx.note(`Enter → confirmation visible: ${shownAt - pressedAgain} ms (the second; its tab after ${(second.tabAt ?? NaN) - pressedAgain} ms)`);
  await waitFor(async () => (await textOf(again.locator('#unlock'))) === 'Approve is unlocked.', { timeoutMs: 30_000, what: 'the countdown to end' });
  ctx.note(`production countdown ended ${((Date.now() - shownAt) / 1000).toFixed(1)} s after the panel showed`);
  assert.ok(await again.locator('#approve-once').isDisabled(), 'unlocked, Approve still needs the environment name typed');
  await again.locator('#typed').fill('production');
  await waitFor(() => again.locator('#approve-once').isEnabled(), { timeoutMs: 5_000, what: 'Approve to be enabled by the typed name' });
  await again.locator('#approve-once').click();
  await waitFor(() => existsSync(join(ctx.workspace, 'marker-approved')), { timeoutMs: 15_000, what: 'the approved command to run (marker-approved)' });
  assert.equal(repo.remoteHead(), repo.rewritten, 'the force-push rewrote the remote');

  const { file, entries } = await auditEntries(ctx);
  assert.equal(entryFor(entries, denied, 'denied').by, 'person');
  assert.equal(entryFor(entries, approved, 'approved').by, 'person');
  assert.ok(!entries.some((e) => e.outcome === 'ran-unguarded'), 'the guarded terminal never ran a flagged command without a decision');
  verifyChain(file, ctx);
}, { fixture: 'production', settings: dark, skipReason: needsShellHooks, timeoutMs: 150_000 });

scenario('an unanswered confirmation denies when its time is up', async (page, ctx) => {
  const repo = repositoryWithRemote(ctx.workspace);
  await guardReady(page, ctx);
  await openTerminal(page);

  const command = 'git push --force; touch marker-timeout';
  const pressed = await enter(page, command);
  const modal = await confirmation(page);
  const expiry = /Denies automatically in (\d+) s/.exec(await textOf(modal.locator('#expiry')));
  assert.ok(expiry && Number(expiry[1]) <= 10, `the panel says when it gives up, within the 10 s set (${expiry?.[0]})`);

  const why = await waitFor(async () => /^.*interlock.*$/im.exec(await outputAfter(page, command)), { timeoutMs: 30_000, what: 'the terminal to say the command was not run' });
  ctx.note(`no answer (timeout 10 s) → terminal told ${((Date.now() - pressed) / 1000).toFixed(1)} s after Enter: ${why[0].trim()}`);
  assert.match(await outputAfter(page, command), /in time|timed? ?out|no answer|nobody answered/i, 'the terminal says it timed out');
  await confirmationGone(page);
  await shellIdle(page);
  assert.ok(!existsSync(join(ctx.workspace, 'marker-timeout')), 'nothing on the line ran');
  assert.equal(repo.remoteHead(), repo.published, 'the remote was not rewritten');

  const { file, entries } = await auditEntries(ctx);
  assert.equal(entryFor(entries, command, 'timed-out').by, 'timeout');
  assert.ok(!entries.some((e) => e.outcome === 'ran-unguarded'), 'the guarded terminal never ran a flagged command without a decision');
  verifyChain(file, ctx);
}, { fixture: 'production', settings: { 'interlock.confirm.timeoutSeconds': 10 }, skipReason: needsShellHooks });

/**
 * Processes running in `cwd` whose command line contains `text` (read from /proc).
 * @param {string} cwd @param {string} text
 */
function processesRunning(cwd, text) {
  /** @type {string[]} */
  const found = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text) && readlinkSync(`/proc/${pid}/cwd`) === cwd) found.push(`${pid}: ${cmdline}`);
    } catch {
      // ended while we looked
    }
  }
  return found;
}

/**
 * Watches, every 10 ms, for processes in `cwd` whose command line contains `text`: when one was
 * first and last seen. The task's own shell runs its steps, so this is how long the task ran.
 * @param {string} cwd @param {string} text
 */
function watchProcesses(cwd, text) {
  /** @type {{ first?: number, last?: number }} */
  const seen = {};
  const timer = setInterval(() => {
    if (processesRunning(cwd, text).length === 0) return;
    seen.first ??= Date.now();
    seen.last = Date.now();
  }, 10);
  return { seen, stop: () => clearInterval(timer) };
}

scenario('a flagged task is stopped as it starts and asked about', async (page, ctx) => {
  const repo = repositoryWithRemote(ctx.workspace);
  const log = await guardReady(page, ctx);
  const shell = watchProcesses(ctx.workspace, 'touch task-marker');
  try {
    await taskDenied(page, ctx, { log, repo, shell });
  } finally {
    shell.stop();
  }
}, { fixture: 'production', settings: dark });

/**
 * Runs the flagged task, denies it, and checks it was stopped before its last step.
 * @param {Page} page @param {ScenarioContext} ctx
 * @param {{ log: string, repo: ReturnType<typeof repositoryWithRemote>, shell: ReturnType<typeof watchProcesses> }} parts
 */
async function taskDenied(page, ctx, { log, repo, shell }) {
  await runCommand(page, 'Tasks: Run Task');
  await pickQuickItemMatching(page, /^\s*publish \(force\)$/);

  const modal = await confirmation(page);
  assert.match(await textOf(modal.locator('#source')), /Task “publish \(force\)”/, 'the panel says a task asks');
  assert.match(await textOf(modal.locator('#reasons')), /git\/force-push/);
  await ctx.shot('confirm-task');
  await modal.locator('#deny').click();
  await confirmationGone(page);
  await waitFor(async () => (await notifications(page)).some((n) => n.includes('Interlock stopped task "publish (force)"')), {
    timeoutMs: 15_000,
    what: 'the notification that the task was stopped',
  });

  const stopped = await waitFor(() => /^(\S+ \S+) \[info\] task "publish \(force\)" stopped ([\d.]+) ms after it was reported started/m.exec(readFileSync(log, 'utf8')), {
    timeoutMs: 10_000,
    what: `the task guard's "stopped" line in ${log}`,
  });
  // VS Code no longer counts the task as running, and its shell is gone (if it ever started), so
  // nothing after `sleep 1` can still run.
  await runCommand(page, 'Tasks: Terminate Task');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'No task is currently running' }).waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Escape');
  await waitFor(() => processesRunning(ctx.workspace, 'touch task-marker').length === 0, { timeoutMs: 15_000, what: 'the task shell to end' });
  shell.stop();
  assert.ok(!existsSync(join(ctx.workspace, 'task-marker')), 'the task never reached its last step');
  assert.equal(repo.remoteHead(), repo.published, 'the remote was not rewritten');
  await ctx.shot('task-stopped');

  // The task wrote the time its shell began (date +%s%3N) as its first step, if it got that far.
  const startedFile = join(ctx.workspace, 'task-started');
  const ranFor = existsSync(startedFile) ? `${logTime(stopped[1]) - Number(readFileSync(startedFile, 'utf8').trim())} ms after its shell began` : 'before its shell ran its first command';
  const { first, last } = shell.seen;
  const lived = first === undefined || last === undefined ? 'its shell was never seen running (/proc polled every 10 ms)' : `its shell was seen running for ${last - first} ms (/proc polled every 10 ms)`;
  ctx.note(`task stopped ${Number(stopped[2]).toFixed(0)} ms after VS Code reported it started, ${ranFor}; ${lived}`);

  const { file, entries } = await auditEntries(ctx);
  const entry = entries.find((e) => e.source === 'task publish (force)' && e.outcome === 'denied');
  assert.ok(entry, `an audit entry for the denied task; the log has:\n${entries.map((e) => JSON.stringify(e)).join('\n')}`);
  verifyChain(file, ctx);
}
