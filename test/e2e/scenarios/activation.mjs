// @ts-check
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFiles, repoRoot } from '../lib/harness.mjs';
import { scenario } from '../lib/scenario.mjs';
import { runCommand, showOutputChannel, textOf, waitFor } from '../lib/workbench.mjs';

const { version, displayName } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

/** VS Code's log lines start with a local time, "2026-11-25 12:24:12.696". @param {string} stamp */
const logTime = (stamp) => new Date(stamp.replace(' ', 'T')).getTime();

scenario('extension activates from the installed vsix', async (page, ctx) => {
  const logs = join(ctx.userDataDir, 'logs');

  // The extension host writes each log output channel to a file of its own; this one appears
  // only once activate() has run and logged.
  const channelLog = await waitFor(() => findFiles(logs, /exthost\d*\/interlock\.interlock\/Interlock\.log$/)[0], {
    timeoutMs: 60_000,
    what: 'the Interlock output channel to be created',
  });
  const active = await waitFor(() => /^(\S+ \S+) \[info\] Interlock (\S+) active\b/m.exec(readFileSync(channelLog, 'utf8')), {
    timeoutMs: 30_000,
    what: `"Interlock ${version} active" in ${channelLog}`,
  });
  assert.equal(active[2], version, 'the running extension is the version just packaged');

  const hostLog = findFiles(logs, /exthost\d*\/remoteexthost\.log$/)[0];
  const started = hostLog && /^(\S+ \S+) \[info\] ExtensionService#_doActivateExtension interlock\.interlock, .*activationEvent: '([^']+)'/m.exec(readFileSync(hostLog, 'utf8'));
  assert.ok(started, `the extension host logged activating interlock.interlock (${hostLog})`);
  ctx.note(
    `activation began ${((logTime(started[1]) - ctx.navigatedAt) / 1000).toFixed(1)}s after navigation (${started[2]}), ` +
      `"active" logged ${logTime(active[1]) - logTime(started[1])} ms later`,
  );

  // The same line as a person sees it: the Output view, Interlock channel.
  const outputText = await showOutputChannel(page, 'Interlock');
  await waitFor(async () => (await outputText()).includes(`Interlock ${version} active`), {
    timeoutMs: 10_000,
    what: 'the activation line in the Output view',
  });
  await ctx.shot('output-channel');

  // Installed from the .vsix (not loaded from a development folder): the Extensions view lists it.
  await runCommand(page, 'Extensions: Show Installed Extensions');
  const item = page.locator('.extensions-list .extension-list-item', { hasText: displayName }).first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  // The list shows how long activate() took, as the extension host measured it.
  const measured = await waitFor(async () => /(\d+)\s*ms/.exec(await textOf(item)), { timeoutMs: 10_000, what: 'the activation time in the Extensions view' });
  ctx.note(`activate() took ${measured[1]} ms by VS Code's own measure`);
  await ctx.shot('installed-extensions');
});
