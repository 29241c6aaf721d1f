/** "Interlock: Show Audit Log": the newest decisions as a readable table, and whether the chain holds. */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseAuditEntry, verifyAuditText } from '../audit/auditLog';
import type { AuditEntry, AuditLog } from '../audit/auditLog';
import { escapeHtml } from './explainCommand';

const SHOWN = 500;

export function registerAuditView(audit: AuditLog): vscode.Disposable {
  return vscode.commands.registerCommand('interlock.showAuditLog', () => {
    let text = '';
    try {
      text = readFileSync(audit.path, 'utf8');
    } catch {
      text = '';
    }
    const v = verifyAuditText(text);
    const entries = text.split('\n').filter(Boolean).slice(-SHOWN).reverse().flatMap((l) => {
      const e = parseAuditEntry(l);
      return e ? [e] : [];
    });
    const nonce = randomBytes(16).toString('base64');
    const panel = vscode.window.createWebviewPanel('interlock.audit', 'Interlock: Audit Log', vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [] });
    const rows = entries.map((e) => `<tr class="${escapeHtml(e.outcome)}"><td>${escapeHtml(new Date(e.time).toLocaleString())}</td><td>${escapeHtml(e.source)}</td><td>${escapeHtml(e.workspace ?? '')}</td><td>${escapeHtml(e.environment ?? '')}${e.production ? ' ⚠' : ''}</td><td><code>${escapeHtml((e.command ?? e.detail ?? '').slice(0, 300))}</code></td><td>${escapeHtml(e.decision ?? '')}</td><td>${escapeHtml((e.rules ?? []).join(', '))}</td><td><strong>${escapeHtml(e.outcome)}</strong></td><td>${escapeHtml(e.by)}${e.user ? ` (${escapeHtml(e.user)})` : ''}</td></tr>`).join('');
    const chain = v.ok ? `The hash chain of all ${v.entries} entries verifies.` : `<strong>The hash chain is broken</strong> at ${v.problems.slice(0, 5).map((p) => `line ${p.line} (${escapeHtml(p.problem)})`).join('; ')}.`;
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';"><title>Interlock: Audit Log</title>
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1em}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid var(--vscode-panel-border);vertical-align:top}code{word-break:break-all}tr.denied td,tr.blocked td,tr.timed-out td,tr.ran-unguarded td{color:var(--vscode-errorForeground)}</style></head>
<body><h1>Audit log</h1><p>${chain} File: <code>${escapeHtml(audit.path)}</code> — newest ${Math.min(SHOWN, entries.length)} shown first. Check it from a shell with <code>interlock log verify</code>.</p>
<table><thead><tr><th>Time</th><th>Source</th><th>Workspace</th><th>Env</th><th>Command</th><th>Decision</th><th>Rules</th><th>Outcome</th><th>By</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
  });
}
