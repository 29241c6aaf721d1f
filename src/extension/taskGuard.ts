/**
 * Task guard. VS Code offers no hook before a task starts, so a flagged shell or process task is
 * terminated the moment `onDidStartTask` reports it, and the person is asked; approved, the same
 * task runs again once. The race is real: the task runs for the few milliseconds between its start
 * and the event (measured in the end-to-end suite and stated in the README).
 */
import * as vscode from 'vscode';
import type { Guard } from './guard';
import type { SettingsWatcher } from './settings';

/** The command line a task runs, or undefined for custom executions Interlock cannot see. */
export function taskCommandLine(task: vscode.Task): string | undefined {
  const exec = task.execution;
  const quote = (a: string | vscode.ShellQuotedString): string => (typeof a === 'string' ? a : a.value);
  if (exec instanceof vscode.ShellExecution) {
    if (exec.commandLine) return exec.commandLine;
    if (exec.command) return [quote(exec.command), ...(exec.args ?? []).map(quote)].join(' ');
  }
  if (exec instanceof vscode.ProcessExecution) return [exec.process, ...exec.args].join(' ');
  return undefined;
}

function taskKey(task: vscode.Task, command: string): string {
  return `${task.source}\u0000${task.name}\u0000${command}`;
}

export function registerTaskGuard(guard: Guard, settings: SettingsWatcher, log: vscode.LogOutputChannel): vscode.Disposable {
  /** Tasks a person approved, allowed to start exactly once more. */
  const approvedOnce = new Set<string>();

  return vscode.tasks.onDidStartTask((e) => {
    if (!settings.current.enabled || !settings.current.taskGuard) return;
    const started = performance.now();
    const task = e.execution.task;
    const command = taskCommandLine(task);
    if (command === undefined) return;
    const key = taskKey(task, command);
    if (approvedOnce.delete(key)) return;
    const cwd = task.execution instanceof vscode.ShellExecution || task.execution instanceof vscode.ProcessExecution ? task.execution.options?.cwd : undefined;
    const folder = typeof task.scope === 'object' ? task.scope : undefined;
    // Task options may hold variables VS Code resolves only when it runs the task.
    const resolveVars = (v: string | undefined): string | undefined =>
      v?.replace(/\$\{workspaceFolder\}|\$\{workspaceRoot\}/g, folder?.uri.fsPath ?? '').replace(/\$\{workspaceFolderBasename\}/g, folder?.name ?? '');
    void (async () => {
      // Only a task that needs a person (or is blocked) is stopped; allowed ones run on untouched.
      let stopped = false;
      const result = await guard.decide({ command, cwd: resolveVars(cwd) || folder?.uri.fsPath, source: { kind: 'task', name: task.name }, stopFirst: () => {
        stopped = true;
        e.execution.terminate();
        log.info(`task "${task.name}" stopped ${(performance.now() - started).toFixed(1)} ms after it was reported started`);
      } });
      if (stopped && result.outcome === 'allow') {
        approvedOnce.add(key);
        await vscode.tasks.executeTask(task);
      } else if (result.outcome === 'deny') {
        void vscode.window.showWarningMessage(`Interlock stopped task "${task.name}": ${result.message}`);
      }
    })().catch((err: unknown) => log.error(`task guard: ${(err as Error).message}`));
  });
}
