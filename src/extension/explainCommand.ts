/**
 * "Interlock: Explain Command…": the engine's decision for any command line, with each reason and
 * the part of the command it concerns marked. A static page: no script runs in it.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { EngineHost } from './engineHost';
import { currentFolder } from './environmentIndicator';
import type { Decision, Span } from '../engine/types';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The command as HTML with the given spans wrapped in <mark>. */
export function markSpans(command: string, spans: (Span | undefined)[]): string {
  const marks = new Array<boolean>(command.length + 1).fill(false);
  for (const s of spans) if (s) for (let i = Math.max(0, s.start); i < Math.min(command.length, s.end); i++) marks[i] = true;
  let html = '';
  let open = false;
  for (let i = 0; i < command.length; i++) {
    if (marks[i] !== open) {
      html += marks[i] ? '<mark>' : '</mark>';
      open = marks[i];
    }
    html += escapeHtml(command[i]);
  }
  return html + (open ? '</mark>' : '');
}

export function explainHtml(command: string, d: Decision, nonce: string, cspSource: string): string {
  const env = d.environment;
  const facts = env.facts.map((f) => `<li>${escapeHtml(f.kind)} <code>${escapeHtml(f.value)}</code> (from ${escapeHtml(f.source)})${f.production ? ' — <strong>production</strong>' : ''}</li>`).join('');
  const reasons = d.reasons.length === 0
    ? '<p>No rule matched: the command would run without asking.</p>'
    : d.reasons.map((r) => `<section class="reason ${r.decision}"><h3><span class="badge ${r.decision}">${r.decision.toUpperCase()}</span> <code>${escapeHtml(r.rule)}</code> · risk ${r.risk}</h3><p>${escapeHtml(r.message)}</p><pre>${markSpans(command, [r.span])}</pre></section>`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Interlock: Explain</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em 2em; line-height: 1.5; }
pre { background: var(--vscode-textCodeBlock-background); padding: .6em .8em; white-space: pre-wrap; word-break: break-all; font-family: var(--vscode-editor-font-family); }
mark { background: var(--vscode-editor-findMatchHighlightBackground); color: inherit; outline: 1px solid var(--vscode-editorError-foreground); }
.badge { font-weight: bold; padding: .1em .5em; border-radius: 3px; }
.badge.allow { background: var(--vscode-testing-iconPassed); color: var(--vscode-editor-background); }
.badge.confirm { background: var(--vscode-editorWarning-foreground); color: var(--vscode-editor-background); }
.badge.block { background: var(--vscode-editorError-foreground); color: var(--vscode-editor-background); }
.reason { border-left: 3px solid var(--vscode-editorWarning-foreground); padding-left: 1em; margin: 1em 0; }
.reason.block { border-color: var(--vscode-editorError-foreground); }
h1 { font-size: 1.4em; }
</style></head><body>
<h1 id="decision" aria-live="polite"><span class="badge ${d.decision}">${d.decision.toUpperCase()}</span> risk ${d.risk}</h1>
<pre aria-label="Command">${markSpans(command, d.reasons.map((r) => r.span))}</pre>
<p>Environment: <strong>${escapeHtml(env.label)}</strong>${env.source !== 'none' ? ` (from ${escapeHtml(env.source)})` : ''}${env.production ? ' — <strong>production</strong>' : ''}</p>
${facts ? `<ul>${facts}</ul>` : ''}
${reasons}
</body></html>`;
}

export function registerExplainCommand(host: EngineHost): vscode.Disposable {
  return vscode.commands.registerCommand('interlock.explainCommand', async (given?: string) => {
    const command = typeof given === 'string' ? given : await vscode.window.showInputBox({ title: 'Interlock: Explain Command', prompt: 'A command line to check', placeHolder: 'kubectl delete ns production' });
    if (!command) return;
    const folder = currentFolder();
    const d = await host.check(command, folder);
    const panel = vscode.window.createWebviewPanel('interlock.explain', `Interlock: ${d.decision.toUpperCase()}`, vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [] });
    panel.webview.html = explainHtml(command, d, randomBytes(16).toString('base64'), panel.webview.cspSource);
    return d;
  });
}
