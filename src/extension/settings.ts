/** The one place that reads `interlock.*` settings: a typed, frozen snapshot and a change event. */
import * as vscode from 'vscode';

export type WhenUnreachable = 'ask' | 'deny' | 'allow';

export interface Settings {
  readonly enabled: boolean;
  readonly tintProductionWindow: boolean;
  readonly whenUnreachable: WhenUnreachable;
  readonly countdownSeconds: { readonly production: number; readonly other: number };
  readonly confirmTimeoutSeconds: number;
  readonly terminalGuard: boolean;
  readonly interruptUnguarded: boolean;
  readonly taskGuard: boolean;
  /** Impact shown in the confirmation and snapshots before approved local destruction. */
  readonly undo: { readonly snapshots: boolean; readonly budgetBytes: number; readonly days: number; readonly impactTimeMs: number };
}

export interface SettingsWatcher extends vscode.Disposable {
  readonly current: Settings;
  readonly onDidChange: vscode.Event<Settings>;
}

function clamp(n: unknown, lo: number, hi: number, fallback: number): number {
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}

function read(): Settings {
  const c = vscode.workspace.getConfiguration('interlock');
  const unreachable = c.get<string>('guard.whenUnreachable');
  return Object.freeze({
    enabled: c.get<boolean>('enabled', true) !== false,
    tintProductionWindow: c.get<boolean>('environment.tintProductionWindow', false) === true,
    whenUnreachable: unreachable === 'deny' || unreachable === 'allow' ? unreachable : 'ask',
    countdownSeconds: Object.freeze({
      production: clamp(c.get('confirm.countdownSecondsProduction'), 0, 120, 10),
      other: clamp(c.get('confirm.countdownSeconds'), 0, 120, 3),
    }),
    // Never unbounded: an unanswered modal must deny, so an unattended agent is not waved through.
    confirmTimeoutSeconds: clamp(c.get('confirm.timeoutSeconds'), 10, 600, 60),
    terminalGuard: c.get<boolean>('terminal.guard', true) !== false,
    interruptUnguarded: c.get<boolean>('terminal.interruptUnguarded', false) === true,
    taskGuard: c.get<boolean>('tasks.guard', true) !== false,
    undo: Object.freeze({
      snapshots: c.get<boolean>('undo.snapshots', true) !== false,
      budgetBytes: clamp(c.get('undo.budgetMB'), 1, 1024 * 1024, 1024) * 1024 * 1024,
      days: clamp(c.get('undo.days'), 1, 365, 7),
      // Bounded: the panel waits for this before it shows.
      impactTimeMs: clamp(c.get('undo.impactTimeMs'), 100, 10_000, 2000),
    }),
  });
}

export function watchSettings(): SettingsWatcher {
  let current = read();
  const emitter = new vscode.EventEmitter<Settings>();
  const sub = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('interlock')) return;
    current = read();
    emitter.fire(current);
  });
  return {
    get current() {
      return current;
    },
    onDidChange: emitter.event,
    dispose() {
      sub.dispose();
      emitter.dispose();
    },
  };
}
