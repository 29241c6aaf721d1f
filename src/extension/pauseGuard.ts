/**
 * "Interlock: Pause Guard…": a person may pause confirmations for a few minutes, after saying so
 * in a modal; the status bar shows the pause the whole time and it ends by itself. Blocked
 * commands stay blocked while paused.
 */
import * as vscode from 'vscode';
import type { Guard } from './guard';

export function registerPauseGuard(guard: Guard): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('interlock.paused', vscode.StatusBarAlignment.Left, 999);
  item.name = 'Interlock paused';
  item.command = 'interlock.resumeGuard';
  item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  let ticker: NodeJS.Timeout | undefined;

  const render = (): void => {
    const until = guard.pausedUntil;
    if (until === undefined) {
      item.hide();
      clearInterval(ticker);
      ticker = undefined;
      return;
    }
    const minutes = Math.max(1, Math.ceil((until - Date.now()) / 60_000));
    item.text = `$(debug-pause) Interlock paused · ${minutes} min`;
    item.tooltip = `Confirmations are paused until ${new Date(until).toLocaleTimeString()}. Click to resume now.`;
    item.show();
    ticker ??= setInterval(render, 15_000);
  };

  return vscode.Disposable.from(
    item,
    guard.onDidChangePause(render),
    vscode.commands.registerCommand('interlock.pauseGuard', async () => {
      const pick = await vscode.window.showQuickPick(['5', '15', '30', '60'].map((m) => ({ label: `${m} minutes`, minutes: Number(m) })), { title: 'Interlock: pause confirmations for…' });
      if (!pick) return;
      const ok = await vscode.window.showWarningMessage(
        `Pause Interlock for ${pick.minutes} minutes? Commands that would ask for confirmation — from terminals, tasks and agents — will run without asking. Blocked commands stay blocked.`,
        { modal: true },
        'Pause',
      );
      if (ok === 'Pause') guard.pause(pick.minutes);
    }),
    vscode.commands.registerCommand('interlock.resumeGuard', () => guard.resume()),
    { dispose: () => clearInterval(ticker) },
  );
}
