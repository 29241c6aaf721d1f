// @ts-check
// An agent's tool call with the editor open: the real `interlock hook claude` process, fed Claude
// Code's PreToolUse JSON, finds this window through the registry and asks the person in the same
// confirmation panel as terminals; the agent gets the person's answer in its own protocol.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../lib/harness.mjs';
import { scenario } from '../lib/scenario.mjs';
import { textOf, waitFor } from '../lib/workbench.mjs';
import { confirmation, confirmationGone, guardReady } from './guard.mjs';

const cli = join(repoRoot, 'dist', 'cli.js');

/**
 * Runs the hook as Claude Code would, with the environment the editor runs in.
 * @param {import('../lib/scenario.mjs').ScenarioContext} ctx @param {string} command
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function hook(ctx, command) {
  const input = JSON.stringify({
    session_id: 'e2e', transcript_path: join(ctx.workspace, '.transcript.jsonl'), cwd: ctx.workspace, permission_mode: 'default',
    hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command, description: 'push' }, tool_use_id: `toolu_${Date.now()}`,
  });
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, 'hook', 'claude'], { env: ctx.env, cwd: ctx.workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

/** @param {string} stdout */
const decisionOf = (stdout) => JSON.parse(stdout).hookSpecificOutput?.permissionDecision;

scenario('an agent hook with the editor open asks the person in the confirmation panel', async (page, ctx) => {
  await guardReady(page, ctx);

  const denied = hook(ctx, 'git push --force origin main');
  const modal = await confirmation(page);
  assert.match(await textOf(modal.locator('#source')), /Agent claude/, 'the panel names the agent');
  assert.equal(await textOf(modal.locator('#command')), 'git push --force origin main');
  await ctx.shot('agent-confirm');
  await modal.locator('#deny').click();
  await confirmationGone(page);
  const d = await denied;
  assert.equal(d.code, 0, d.stderr);
  assert.equal(decisionOf(d.stdout), 'deny', `the agent is told no: ${d.stdout}`);
  ctx.note(`denied in the panel → Claude hook answered: ${d.stdout.trim().slice(0, 160)}`);

  const approved = hook(ctx, 'git push --force origin main');
  const again = await confirmation(page);
  await waitFor(async () => (await textOf(again.locator('#unlock'))) === 'Approve is unlocked.', { timeoutMs: 30_000, what: 'the countdown to end' });
  await again.locator('#typed').fill('production');
  await again.locator('#approve-once').click();
  const a = await approved;
  assert.equal(a.code, 0, a.stderr);
  assert.equal(decisionOf(a.stdout), 'allow', `the person's approval reaches the agent: ${a.stdout}`);
  ctx.note(`approved in the panel → Claude hook answered: ${a.stdout.trim().slice(0, 160)}`);
}, { fixture: 'production', timeoutMs: 150_000 });
