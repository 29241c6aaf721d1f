/**
 * Optional production tint: the title bar and activity bar turn dark red while the current folder is
 * production, through the workspace's `workbench.colorCustomizations`. Only keys Interlock wrote
 * (and still hold its values) are removed again, so the person's own colours survive.
 */
import * as vscode from 'vscode';
import type { EngineHost } from './engineHost';
import type { SettingsWatcher } from './settings';
import { currentFolder } from './environmentIndicator';

export const TINT: Record<string, string> = {
  'titleBar.activeBackground': '#7a1010',
  'titleBar.activeForeground': '#ffffff',
  'titleBar.inactiveBackground': '#5a1010',
  'activityBar.background': '#5a1010',
};

type Colors = Record<string, unknown>;

export function registerProductionTint(host: EngineHost, settings: SettingsWatcher, log: vscode.LogOutputChannel): vscode.Disposable {
  let applied = false;

  const update = async (): Promise<void> => {
    const want = settings.current.tintProductionWindow && vscode.workspace.workspaceFolders !== undefined && host.resolve(currentFolder()).environment.production;
    if (want === applied) return;
    const config = vscode.workspace.getConfiguration('workbench');
    const current = { ...(config.inspect<Colors>('colorCustomizations')?.workspaceValue ?? {}) };
    if (want) Object.assign(current, TINT);
    else for (const [k, v] of Object.entries(TINT)) if (current[k] === v) delete current[k];
    applied = want;
    await config.update('colorCustomizations', Object.keys(current).length > 0 ? current : undefined, vscode.ConfigurationTarget.Workspace);
  };
  const run = (): void => {
    update().catch((e: unknown) => log.warn(`could not update the production tint: ${(e as Error).message}`));
  };

  // A tint left by an earlier session (crash, reload) is recognised by its values and cleared if unwanted.
  const existing = vscode.workspace.getConfiguration('workbench').inspect<Colors>('colorCustomizations')?.workspaceValue ?? {};
  applied = Object.entries(TINT).every(([k, v]) => existing[k] === v);
  run();
  return vscode.Disposable.from(host.onDidChange(run), settings.onDidChange(run), vscode.window.onDidChangeActiveTextEditor(run));
}
