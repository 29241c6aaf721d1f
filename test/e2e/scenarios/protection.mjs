// @ts-check
// Is it actually on? An agent whose hook is installed but will not run (a Codex hook nobody has
// reviewed yet) is unguarded without any error anywhere; Interlock says so in the status bar, and
// Check Protection names the agent and the step that fixes it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/harness.mjs';
import { scenario } from '../lib/scenario.mjs';
import { runCommand, statusBarItem, textOf, waitFor, webviewFrame } from '../lib/workbench.mjs';

scenario('an agent whose hook will not run is named in the status bar and by Check Protection', async (page, ctx) => {
  const item = statusBarItem(page, { id: 'interlock.environment' });
  await waitFor(async () => (await item.count()) > 0 && (await textOf(item.first())).trim() === 'PRODUCTION', { timeoutMs: 60_000, what: 'the PRODUCTION label' });
  const home = /** @type {string} */ (ctx.env.HOME);
  try {
    // What a user does: install the hook for Codex with Interlock's own installer, then never review it.
    const install = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'install-hooks', '--agent', 'codex', '--user'], { env: ctx.env, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stdout + install.stderr);
    assert.match(install.stdout, /review/i, 'the installer says the hook needs a review in Codex');

    await runCommand(page, 'Interlock: Check Protection');
    const frame = await webviewFrame(page, '.markdown-body, body h1');
    await waitFor(async () => /Codex: NOT GUARDED/.test(await textOf(frame.locator('body'))), { timeoutMs: 15_000, what: 'the report to name Codex as not guarded' });
    const body = await textOf(frame.locator('body'));
    assert.match(body, /Hooks need review/, 'with the step that fixes it');
    assert.match(body, /Terminals in this window/, 'and the terminals section');
    await ctx.shot('check-protection');

    await waitFor(async () => (await item.first().locator('.codicon-warning').count()) > 0, { timeoutMs: 15_000, what: 'the status-bar item to carry a warning' });
    await item.first().hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Not guarded' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await textOf(hover), /Codex/, 'the tooltip names the agent');
    ctx.note('Codex hook installed, not reviewed: status-bar warning and Check Protection both name it');
  } finally {
    rmSync(join(home, '.codex'), { recursive: true, force: true });
  }
}, { fixture: 'production' });
