// @ts-check
// What would be lost, and getting it back: `rm -rf src` typed in a terminal shows in the
// confirmation what it deletes and that it can be undone; approved, it runs; Undo in the
// notification that follows puts `src/` back byte for byte — contents, modes, a symlink, a name
// with a space. The audit entry carries the impact and the snapshot's id.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { auditLogFile } from '../lib/harness.mjs';
import { scenario } from '../lib/scenario.mjs';
import { openTerminal, textOf, typeInTerminal, waitFor } from '../lib/workbench.mjs';
import { confirmation, confirmationGone, guardReady } from './guard.mjs';

/**
 * Every path under `dir` with its type, mode, and content or link target.
 * @param {string} dir @returns {Record<string, string>}
 */
function tree(dir) {
  /** @type {Record<string, string>} */
  const out = {};
  const visit = (/** @type {string} */ d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const key = p.slice(dir.length + 1);
      if (st.isDirectory()) {
        out[key] = `dir ${(st.mode & 0o7777).toString(8)}`;
        visit(p);
      } else if (st.isSymbolicLink()) out[key] = `link ${readlinkSync(p)}`;
      else out[key] = `file ${(st.mode & 0o7777).toString(8)} ${readFileSync(p).toString('base64')}`;
    }
  };
  visit(dir);
  return out;
}

scenario('rm -rf src: the panel says what it deletes; approved, it runs; Undo gives the tree back', async (page, ctx) => {
  const src = join(ctx.workspace, 'src');
  const before = tree(src);
  await guardReady(page, ctx);
  await openTerminal(page);

  const command = 'rm -rf src';
  await typeInTerminal(page, command);
  const modal = await confirmation(page);
  const impact = await textOf(modal.locator('#impact-summary'));
  const undo = await textOf(modal.locator('#impact-undo'));
  ctx.note(`panel: "${impact}" / "${undo}"`);
  assert.match(impact, /This command deletes 5 files \(\d+ bytes\)/, 'the panel says what it would delete');
  assert.match(undo, /^Undo: /, 'and that it can be undone');
  await ctx.shot('confirm-impact');

  await waitFor(async () => (await textOf(modal.locator('#unlock'))) === 'Approve is unlocked.', { timeoutMs: 30_000, what: 'the countdown to end' });
  await modal.locator('#approve-once').click();
  await confirmationGone(page);
  await waitFor(() => !existsSync(src), { timeoutMs: 15_000, what: 'the approved rm -rf src to run' });

  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Deleted 5 files' });
  const shownAt = Date.now();
  await toast.first().waitFor({ state: 'visible', timeout: 30_000 });
  ctx.note(`notification: "${(await textOf(toast.first().locator('.notification-list-item-message'))).trim()}" ${Date.now() - shownAt} ms after the tree was gone`);
  await ctx.shot('undo-notification');
  await toast.first().locator('.monaco-button', { hasText: 'Undo' }).click();

  await waitFor(() => existsSync(join(src, 'lib', 'util.ts')), { timeoutMs: 15_000, what: 'src/ to be restored' });
  await waitFor(() => JSON.stringify(tree(src)) === JSON.stringify(before), { timeoutMs: 5_000, what: 'the restored tree to match byte for byte' });
  assert.deepEqual(tree(src), before, 'the tree is back byte for byte, modes and the symlink included');

  const file = await waitFor(() => auditLogFile(ctx.userDataDir), { timeoutMs: 10_000, what: 'the audit log' });
  const entries = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const approved = entries.find((e) => e.command === command && e.outcome === 'approved');
  assert.ok(approved, 'an audit entry for the approval');
  assert.equal(approved.impact.files, 5);
  assert.match(approved.snapshot, /^\d{8}-\d{6}-[0-9a-f]{6}$/);
  ctx.note(`audit: impact ${JSON.stringify(approved.impact)}, snapshot ${approved.snapshot}`);
}, { fixture: 'undo', timeoutMs: 150_000 });
