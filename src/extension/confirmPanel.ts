/**
 * The confirmation panel: one webview that shows pending requests one at a time with a count of
 * those waiting. Approve unlocks after a countdown; in production the person types the environment
 * name; Esc, Deny or closing the panel deny; a request nobody answers denies when its timer ends,
 * so an unattended agent is never waved through; a panel that does not load denies everything.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Decision } from '../engine/types';
import type { RequestSource } from '../channel/protocol';
import type { FromPanel, PendingView, ToPanel } from './protocol';
import type { SettingsWatcher } from './settings';
import type { ImpactView } from './undo';

export type PanelAnswer =
  | { outcome: 'approved'; scope: 'once' | 'session' }
  | { outcome: 'denied'; why: 'person' | 'closed' | 'failed-to-load' }
  | { outcome: 'timed-out' };

export interface AskInput {
  command: string;
  decision: Decision;
  source: RequestSource;
  workspace?: string;
  /** Epoch ms when the asker stops waiting (an agent hook's own timeout): the request denies then. */
  deadline?: number;
  /** What it would destroy here and whether it can be undone. */
  impact?: ImpactView;
}

export interface ConfirmPanel extends vscode.Disposable {
  ask(input: AskInput): Promise<PanelAnswer>;
  /** Requests shown or waiting. */
  pending(): number;
  /** Fires when a request is first shown to a person (for measuring and tests). */
  readonly onDidShow: vscode.Event<{ command: string; at: number }>;
}

interface Pending {
  id: string;
  input: AskInput;
  phrase?: string;
  resolve(a: PanelAnswer): void;
  expiresAt: number;
  unlockAt?: number;
  timer: NodeJS.Timeout;
}

/** A panel that has not loaded by now has failed; generous, because the first webview of a remote window can take seconds. */
const READY_TIMEOUT_MS = 30_000;

export function createConfirmPanel(context: vscode.ExtensionContext, settings: SettingsWatcher, log: vscode.LogOutputChannel): ConfirmPanel {
  const queue: Pending[] = [];
  const shown = new vscode.EventEmitter<{ command: string; at: number }>();
  let panel: vscode.WebviewPanel | undefined;
  let ready = false;
  let readyTimer: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');

  const post = (msg: ToPanel): void => {
    if (panel && ready) void panel.webview.postMessage(msg);
  };
  const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

  const settle = (p: Pending, answer: PanelAnswer): void => {
    const i = queue.indexOf(p);
    if (i < 0) return;
    queue.splice(i, 1);
    clearTimeout(p.timer);
    p.resolve(answer);
    if (i === 0) showHead();
  };

  const view = (p: Pending): PendingView => {
    const now = Date.now();
    return {
      id: p.id,
      command: p.input.command,
      decision: p.input.decision,
      source: p.input.source,
      workspace: p.input.workspace,
      impact: p.input.impact,
      phrase: p.phrase,
      unlockIn: seconds((p.unlockAt ?? now) - now),
      expiresIn: seconds(p.expiresAt - now),
      queued: queue.length - 1,
    };
  };

  const showHead = (): void => {
    const head = queue[0];
    if (!head) {
      clearInterval(ticker);
      ticker = undefined;
      const p = panel;
      panel = undefined;
      p?.dispose();
      return;
    }
    if (!panel) return openPanel();
    if (!ready) return;
    if (head.unlockAt === undefined) {
      // The countdown starts when the person can see the request, not when it arrived.
      const production = head.input.decision.environment.production;
      head.unlockAt = Date.now() + 1000 * (production ? settings.current.countdownSeconds.production : settings.current.countdownSeconds.other);
      shown.fire({ command: head.input.command, at: Date.now() });
    }
    post({ type: 'show', pending: view(head) });
    panel.reveal(vscode.ViewColumn.Active, false);
    ticker ??= setInterval(() => {
      const h = queue[0];
      if (h) post({ type: 'tick', id: h.id, ...(({ unlockIn, expiresIn, queued }) => ({ unlockIn, expiresIn, queued }))(view(h)) });
    }, 1000);
  };

  const onMessage = (msg: FromPanel): void => {
    if (msg.type === 'ready') {
      ready = true;
      clearTimeout(readyTimer);
      showHead();
      return;
    }
    const head = queue[0];
    if (!head || msg.id !== head.id) return;
    if (msg.type === 'deny') return settle(head, { outcome: 'denied', why: 'person' });
    if (msg.type === 'approve') {
      if (head.unlockAt === undefined || Date.now() < head.unlockAt) return post({ type: 'rejected', id: head.id, why: 'Approve is not unlocked yet.' });
      if (head.phrase && (msg.typed ?? '').trim() !== head.phrase) return post({ type: 'rejected', id: head.id, why: `Type ${head.phrase} to approve.` });
      if (head.input.decision.decision === 'block') return post({ type: 'rejected', id: head.id, why: 'Blocked commands cannot be approved.' });
      settle(head, { outcome: 'approved', scope: msg.scope === 'session' ? 'session' : 'once' });
    }
  };

  const openPanel = (): void => {
    ready = false;
    panel = vscode.window.createWebviewPanel('interlock.confirm', 'Interlock: confirm command', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    const nonce = randomBytes(16).toString('base64');
    const webview = panel.webview;
    const css = webview.asWebviewUri(vscode.Uri.joinPath(media, 'confirm.css'));
    const js = webview.asWebviewUri(vscode.Uri.joinPath(media, 'confirm.js'));
    webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="${css}"><title>Interlock: confirm command</title></head>
<body><main aria-labelledby="title">
<header><h1 id="title">Confirm this command?</h1><span id="env" class="env" aria-label="Environment"></span><span id="queue" class="queue" aria-live="polite"></span></header>
<p class="meta"><span id="source"></span> <span id="workspace"></span></p>
<pre id="command" class="command" aria-label="Command to run"></pre>
<section id="impact" class="impact hidden" aria-label="What it would destroy"><p id="impact-summary"></p><p id="impact-undo" class="meta"></p></section>
<ul id="facts" class="meta" aria-label="Environment facts"></ul>
<section id="reasons" aria-label="Why Interlock asks"></section>
<div class="timers" aria-live="polite"><div id="unlock"></div><div id="expiry" class="expiry"></div></div>
<div id="phrase-box" class="hidden"><label for="typed">This is production. Type <strong id="phrase"></strong> to approve:</label><input id="typed" type="text" autocomplete="off" spellcheck="false"></div>
<div id="error" class="error" role="alert"></div>
<div class="actions"><button id="deny" class="deny" aria-label="Deny: do not run the command (Escape)">Deny</button>
<button id="approve-once" class="approve" disabled aria-label="Approve once: run this command now">Approve once</button>
<button id="approve-session" class="approve" disabled aria-label="Approve this exact command for this window's session">Approve for this session</button></div>
</main><script nonce="${nonce}" src="${js}"></script></body></html>`;
    webview.onDidReceiveMessage(onMessage);
    panel.onDidDispose(() => {
      panel = undefined;
      ready = false;
      clearTimeout(readyTimer);
      // Closing the panel is an answer: deny everything it was showing or holding.
      for (const p of [...queue]) settle(p, { outcome: 'denied', why: 'closed' });
    });
    readyTimer = setTimeout(() => {
      if (ready) return;
      log.error('the confirmation panel did not load; denying its requests');
      for (const p of [...queue]) settle(p, { outcome: 'denied', why: 'failed-to-load' });
    }, READY_TIMEOUT_MS);
  };

  return {
    onDidShow: shown.event,
    pending: () => queue.length,
    ask(input) {
      return new Promise<PanelAnswer>((resolve) => {
        const env = input.decision.environment;
        const expiresAt = Math.min(Date.now() + settings.current.confirmTimeoutSeconds * 1000, input.deadline ?? Infinity);
        const p: Pending = {
          id: randomBytes(8).toString('hex'),
          input,
          phrase: env.production ? (env.label !== 'unknown' ? env.label : 'production') : undefined,
          resolve,
          expiresAt,
          timer: setTimeout(() => settle(p, { outcome: 'timed-out' }), Math.max(0, expiresAt - Date.now())),
        };
        queue.push(p);
        if (queue.length === 1) showHead();
        else {
          const head = queue[0];
          if (head) post({ type: 'tick', id: head.id, ...(({ unlockIn, expiresIn, queued }) => ({ unlockIn, expiresIn, queued }))(view(head)) });
        }
      });
    },
    dispose() {
      for (const p of [...queue]) settle(p, { outcome: 'denied', why: 'closed' });
      clearInterval(ticker);
      clearTimeout(readyTimer);
      panel?.dispose();
      shown.dispose();
    },
  };
}
