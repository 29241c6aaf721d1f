// @ts-check
// Faults in a real VS Code: the extension host, which runs the guard, is killed (SIGKILL) while a
// production terminal waits on a confirmation. The shell must say the guard is unreachable and
// refuse; the command must not run. Then: what VS Code does about the dead extension host, and
// whether that terminal and a new one are guarded again (noted as found).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { interlockLogFile, repoRoot } from '../lib/harness.mjs';
import { scenario } from '../lib/scenario.mjs';
import { notifications, openTerminal, statusBarItem, terminalText, typeInTerminal, waitFor } from '../lib/workbench.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('../lib/scenario.mjs').ScenarioContext} ScenarioContext */

const needsShellHooks = () =>
  existsSync(join(repoRoot, 'shell', 'interlock.bash')) ? undefined : 'shell/interlock.bash is not in this checkout yet, so terminals have no hook to ask the guard';

/**
 * The window registry the extension writes (XDG_RUNTIME_DIR/interlock, which the harness puts
 * under the run's folder, two levels above the scenario's user-data dir).
 * @param {ScenarioContext} ctx
 */
const registryOf = (ctx) => join(ctx.userDataDir, '..', '..', 'runtime', 'interlock');

/**
 * Windows registered as guarding `folder`, newest first, with their process's command line
 * (from /proc) and whether it still runs.
 * @param {string} registry @param {string} folder
 */
function windowsGuarding(registry, folder) {
  if (!existsSync(registry)) return [];
  return readdirSync(registry)
    .filter((f) => /^window-\d+-.*\.json$/.test(f))
    .map((f) => {
      const file = join(registry, f);
      const entry = /** @type {{ pid: number, port: number, folders: string[], started: string }} */ (JSON.parse(readFileSync(file, 'utf8')));
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        // not running
      }
      return { ...entry, file, cmdline, alive: cmdline !== '', mtime: statSync(file).mtimeMs };
    })
    .filter((w) => w.folders.includes(folder))
    .sort((a, b) => b.mtime - a.mtime);
}

/** @param {Page} page @param {ScenarioContext} ctx */
async function guardReady(page, ctx) {
  await statusBarItem(page, { id: 'interlock.environment' }).first().waitFor({ state: 'visible', timeout: 60_000 });
  const log = await interlockLogFile(ctx.userDataDir);
  await waitFor(() => /guard listening on 127\.0\.0\.1:\d+/.test(readFileSync(log, 'utf8')), { timeoutMs: 30_000, what: `"guard listening" in ${log}` });
}

/**
 * The confirmation panel asking about `command`, once its countdown runs. By the command: after
 * the extension host dies, its panel stays on screen (frozen), beside the new host's.
 * @param {Page} page @param {string} command
 * @returns {Promise<import('playwright-core').Frame>}
 */
function confirmationFor(page, command, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame() || frame.isDetached()) continue;
        if ((await frame.locator('#command').count().catch(() => 0)) === 0) continue;
        const shown = await frame.locator('#command').innerText().catch(() => '');
        const unlock = await frame.locator('#unlock').innerText().catch(() => '');
        if (shown.trim() === command && /unlock/i.test(unlock)) return frame;
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 50, what: `the confirmation panel for "${command}"` },
  );
}

/** What the terminal printed after the last echo of `command`. @param {Page} page @param {string} command */
async function outputAfter(page, command) {
  const text = await terminalText(page);
  const at = text.lastIndexOf(command);
  return at < 0 ? '' : text.slice(at + command.length);
}

/**
 * Waits for the shell's "interlock:" line about `command` and the prompt after it: the shell is
 * idle again, so whatever that line would have run has run or never will. (Nothing else can be
 * typed to probe it: with the guard dead, production refuses every line that needs the guard.)
 * @param {Page} page @param {string} command
 */
async function refusedAndIdle(page, command, timeoutMs = 30_000) {
  const found = await waitFor(
    async () => {
      const rows = (await outputAfter(page, command)).trimEnd().split('\n');
      // The last row is the next prompt: the shell is waiting again. The rows before it are the
      // message, wrapped at the terminal's width: joined back into one line.
      if (rows.length < 2 || !/[#$]$/.test(rows[rows.length - 1])) return undefined;
      return /interlock:.*/.exec(rows.slice(0, -1).join('')) ?? undefined;
    },
    { timeoutMs, what: `the terminal to refuse "${command}" and show its prompt again` },
  );
  return found[0].trim();
}

scenario('the extension host killed while a production terminal waits: refused, nothing runs', async (page, ctx) => {
  await guardReady(page, ctx);
  const registry = registryOf(ctx);
  const [host] = windowsGuarding(registry, ctx.workspace);
  assert.ok(host?.alive, `a live window guarding ${ctx.workspace} in ${registry}`);
  assert.match(host.cmdline, /extensionHost/, 'the registered pid is the extension host');
  ctx.note(`guard: extension host pid ${host.pid}, port ${host.port}`);

  await openTerminal(page);
  const command = 'git push -f; touch k1';
  await typeInTerminal(page, command);
  await confirmationFor(page, command);
  await ctx.shot('pending-confirmation');

  process.kill(host.pid, 'SIGKILL');
  const killedAt = Date.now();
  const said = await refusedAndIdle(page, command);
  ctx.note(`killed the extension host (SIGKILL) with the panel open → terminal answered in ${Date.now() - killedAt} ms: ${said}`);
  assert.match(said, /not run: .*(closed the connection|cannot reach|unreachable|no answer).*production/i, 'the shell says the guard is gone, and production refuses');
  assert.ok(!existsSync(join(ctx.workspace, 'k1')), 'nothing on the line ran');
  await ctx.shot('refused-after-kill');

  // Afterwards: does VS Code bring the extension host, and the guard, back?
  /** @type {ReturnType<typeof windowsGuarding>[number] | undefined} */
  let restarted;
  /** @type {string[]} */
  let seen = [];
  try {
    restarted = await waitFor(
      async () => {
        seen = await notifications(page);
        return windowsGuarding(registry, ctx.workspace).find((w) => w.alive && w.pid !== host.pid);
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'a new extension host to register a guard' },
    );
  } catch {
    restarted = undefined;
  }
  if (seen.length > 0) ctx.note(`notifications after the kill: ${seen.map((s) => s.replace(/\s+/g, ' ')).join(' | ')}`);
  if (!restarted) {
    // No automatic restart: try the notification's own button, as a person would.
    const button = page.locator('.notifications-toasts .monaco-button', { hasText: /restart/i }).first();
    if ((await button.count()) > 0) {
      ctx.note('no automatic restart within 30 s; pressing the notification\'s Restart button');
      await button.click();
      restarted = await waitFor(() => windowsGuarding(registry, ctx.workspace).find((w) => w.alive && w.pid !== host.pid), { timeoutMs: 60_000, intervalMs: 250, what: 'the restarted extension host to register a guard' }).catch(() => undefined);
    }
  }
  const stale = windowsGuarding(registry, ctx.workspace).filter((w) => !w.alive);
  ctx.note(`the dead host's registry file ${stale.length > 0 ? 'is still there (hooks skip it: its pid is gone)' : 'is gone'}`);
  if (!restarted) {
    ctx.note(`VS Code did not bring the extension host back within the wait: terminals stay unguarded-and-refusing in production until the window is reloaded`);
  } else {
    ctx.note(`a new extension host (pid ${restarted.pid}) registered a guard on port ${restarted.port}, ${((restarted.mtime - killedAt) / 1000).toFixed(1)} s after the kill`);
  }

  // The old terminal follows the guard to its new address (the window's endpoint file): with a guard
  // back, the line is asked about again; without one, production refuses.
  const again = 'git push -f; touch k2';
  await typeInTerminal(page, again);
  if (restarted) {
    const asked = await confirmationFor(page, again);
    ctx.note('same terminal, after the restart: it found the new guard, and a confirmation asks about the line');
    await asked.locator('#deny').click();
    ctx.note(`same terminal: ${await refusedAndIdle(page, again, 90_000)}`);
  } else {
    ctx.note(`same terminal, no guard back: ${await refusedAndIdle(page, again)}`);
  }
  assert.ok(!existsSync(join(ctx.workspace, 'k2')), 'the old terminal did not run the line');

  if (restarted) {
    // A new terminal gets the new guard's address: the flagged command asks a person again.
    await openTerminal(page);
    const fresh = 'git push -f; touch k3';
    await typeInTerminal(page, fresh);
    const panel = await confirmationFor(page, fresh).catch(() => undefined);
    ctx.note(`new terminal after the restart: ${panel ? 'a new confirmation panel asks about the line (guarded again)' : 'no confirmation panel appeared'}`);
    const stalePanels = (await Promise.all(page.frames().map((f) => f.locator('#command').innerText().catch(() => undefined)))).filter((t) => t?.trim() === command).length;
    if (stalePanels > 0) ctx.note('the dead host\'s confirmation panel is still on screen, frozen, asking about the first line');
    await ctx.shot('after-restart');
    if (panel) await panel.locator('#deny').click();
    ctx.note(`new terminal: ${await refusedAndIdle(page, fresh, 90_000)}`);
    assert.ok(!existsSync(join(ctx.workspace, 'k3')), 'the new terminal did not run the denied line');
  }
}, { fixture: 'production', skipReason: needsShellHooks, timeoutMs: 240_000 });
