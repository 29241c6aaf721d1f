/**
 * Status-bar item naming the environment of the folder in use: the active editor's folder, else the
 * active terminal's, else the first. Production shows on the error background, staging on the
 * warning one, so nobody mistakes production for a sandbox. Clicking offers to relabel the folder,
 * open its rule file, or explain a command.
 */
import * as vscode from 'vscode';
import type { EngineHost } from './engineHost';
import { folderForPath } from './engineHost';
import type { SettingsWatcher } from './settings';
import type { ResolvedContext } from '../engine/resolve';
import { withEnvironmentLabel, WORKSPACE_CONFIG_FILE } from '../engine/workspaceConfig';
import { approveRuleFile, waiting } from './rulesTrust';
import { labelStrictness } from '../engine/ruleFileTrust';
import { realDir } from '../approvals/resolveWorkspace';
import type { AuditLog } from '../audit/auditLog';
import type { ProtectionCheck } from './protectionCheck';

const SHORT: Record<string, string> = { production: 'PRODUCTION', staging: 'STAGING', development: 'DEV', unknown: 'UNKNOWN' };

/** The folder the person is working in right now. */
export function currentFolder(): vscode.WorkspaceFolder | undefined {
  const doc = vscode.window.activeTextEditor?.document.uri;
  if (doc?.scheme === 'file') {
    const f = vscode.workspace.getWorkspaceFolder(doc);
    if (f) return f;
  }
  const terminal = vscode.window.activeTerminal;
  const cwd = terminal?.shellIntegration?.cwd ?? (terminal?.creationOptions as vscode.TerminalOptions | undefined)?.cwd;
  if (cwd) return folderForPath(typeof cwd === 'string' ? cwd : cwd.fsPath);
  return vscode.workspace.workspaceFolders?.[0];
}

export function labelText(r: ResolvedContext): string {
  if (r.environment.production) return 'PRODUCTION';
  return SHORT[r.environment.label] ?? r.environment.label.toUpperCase();
}

function tooltip(r: ResolvedContext, folder: vscode.WorkspaceFolder | undefined, unguarded: string[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const env = r.environment;
  md.appendMarkdown(`**Interlock** — ${folder ? `\`${folder.name}\`` : 'no folder'}\n\n`);
  md.appendMarkdown(`Environment: **${env.label}**${env.source !== 'none' ? ` (from ${env.source})` : ''}${env.production ? ' — $(alert) production' : ''}\n\n`);
  if (r.configError) md.appendMarkdown(`$(warning) The rule file is invalid: \`${r.configError}\`. ${r.folders.some((f) => f.pending.length > 0) ? 'The last approved reading applies' : 'The environment is unknown'} until it is fixed.\n\n`);
  if (r.storeUnreadable) md.appendMarkdown(`$(error) The approval store cannot be read (${r.storeUnreadable}); the stricter of each rule file and its last known label applies.\n\n`);
  for (const f of waiting(r)) {
    md.appendMarkdown(`$(warning) **A change to \`${f.file}\` is waiting for a person's approval**: ${f.pending.join('; ')}. Until then the last approved reading applies, in the editor, \`interlock check\` and every agent hook.\n\n`);
  }
  if (env.facts.length > 0) {
    md.appendMarkdown('Detected:\n');
    for (const f of env.facts) md.appendMarkdown(`- ${f.kind} \`${f.value}\` (from ${f.source})${f.production ? ' — **production**' : ''}\n`);
  }
  if (unguarded.length > 0) {
    md.appendMarkdown('\n$(warning) **Not guarded:**\n');
    for (const p of unguarded) md.appendMarkdown(`- ${p}\n`);
    md.appendMarkdown('\nRun **Interlock: Check Protection** for the steps that fix each.\n');
  }
  md.appendMarkdown('\nClick to change the label, open the rule file, check protection, or explain a command.');
  return md;
}

export function registerEnvironmentIndicator(host: EngineHost, settings: SettingsWatcher, audit: AuditLog, protection: ProtectionCheck): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('interlock.environment', vscode.StatusBarAlignment.Left, 1000);
  item.name = 'Interlock environment';
  item.command = 'interlock.showEnvironment';

  const render = (): void => {
    const folder = currentFolder();
    const r = host.resolve(folder);
    const text = labelText(r);
    const held = waiting(r).length > 0 || r.storeUnreadable !== undefined;
    const unguarded = protection.problems();
    // The label stays the one that applies; the mark says a change to it waits for a person, or
    // that something here is not guarded (an agent whose hook will not run, a terminal without one).
    item.text = held || unguarded.length > 0 ? `$(shield) ${text} $(warning)` : `$(shield) ${text}`;
    item.accessibilityInformation = {
      label: `Interlock environment: ${text}${held ? ', a rule-file change is waiting for approval' : ''}${unguarded.length > 0 ? `, ${unguarded.length} thing${unguarded.length === 1 ? ' is' : 's are'} not guarded` : ''}`,
      role: 'button',
    };
    item.backgroundColor = r.environment.production
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : r.environment.label === 'staging' || r.configError
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    item.tooltip = tooltip(r, folder, unguarded);
    item.show();
  };

  render();
  return vscode.Disposable.from(
    item,
    host.onDidChange(render),
    protection.onDidChange(render),
    settings.onDidChange(render),
    vscode.window.onDidChangeActiveTextEditor(render),
    vscode.window.onDidChangeActiveTerminal(render),
    vscode.window.onDidChangeTerminalShellIntegration(render),
    vscode.commands.registerCommand('interlock.showEnvironment', () => showEnvironmentMenu(host, audit)),
    vscode.commands.registerCommand('interlock.setEnvironmentLabel', async (label?: string) => {
      await setLabel(currentFolder(), label, host, audit);
      host.refresh();
    }),
    vscode.commands.registerCommand('interlock.openRuleFile', () => openRuleFile(currentFolder())),
  );
}

async function showEnvironmentMenu(host: EngineHost, audit: AuditLog): Promise<void> {
  const folder = currentFolder();
  const r = host.resolve(folder);
  const picked = await vscode.window.showQuickPick(
    [
      ...(waiting(r).length > 0 ? [{ label: '$(warning) Review the rule-file change waiting for approval…', id: 'review', description: waiting(r)[0].pending.join('; ') }] : []),
      { label: '$(edit) Set environment label…', id: 'label', description: folder ? `${folder.name} is ${r.environment.label}` : '' },
      { label: `$(go-to-file) Open ${WORKSPACE_CONFIG_FILE}`, id: 'open' },
      { label: '$(checklist) Check protection…', id: 'check' },
      { label: '$(question) Explain a command…', id: 'explain' },
    ],
    { title: 'Interlock', placeHolder: 'What do you want to do?' },
  );
  if (picked?.id === 'label') {
    await setLabel(folder, undefined, host, audit);
    host.refresh();
  }
  else if (picked?.id === 'review') await vscode.commands.executeCommand('interlock.reviewRuleFileChange');
  else if (picked?.id === 'open') await openRuleFile(folder);
  else if (picked?.id === 'check') await vscode.commands.executeCommand('interlock.checkProtection');
  else if (picked?.id === 'explain') await vscode.commands.executeCommand('interlock.explainCommand');
}

async function setLabel(folder: vscode.WorkspaceFolder | undefined, label: string | undefined, host: EngineHost, audit: AuditLog): Promise<void> {
  if (!folder) {
    void vscode.window.showWarningMessage('Interlock: open a folder to label its environment.');
    return;
  }
  let chosen = label;
  if (!chosen) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'production', description: 'Confirm risky commands with a typed name; refuse when the guard is unreachable' },
        { label: 'staging', description: 'Confirm risky commands' },
        { label: 'development', description: 'Confirm destructive commands only' },
        { label: 'Custom…', description: 'Any other name' },
      ],
      { title: `Interlock: environment of ${folder.name}` },
    );
    if (!pick) return;
    chosen = pick.label === 'Custom…' ? await vscode.window.showInputBox({ prompt: 'Environment name', validateInput: (v) => (v.trim() ? undefined : 'A name is needed') }) : pick.label;
    if (!chosen) return;
  }
  const uri = vscode.Uri.joinPath(folder.uri, WORKSPACE_CONFIG_FILE);
  let text: string | undefined;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    text = undefined;
  }
  const next = withEnvironmentLabel(text, chosen.trim());
  // A label given as the command's argument may come from another extension or an agent's tool,
  // not a person: a relabel that loosens is confirmed in a modal first.
  const current = host.resolve(folder).environment.label;
  if (label !== undefined && labelStrictness(chosen) < labelStrictness(current)) {
    const ok = await vscode.window.showWarningMessage(`Relabel ${folder.name} from ${current} to ${chosen.trim()}? Risky commands there will be judged less strictly.`, { modal: true }, 'Relabel');
    if (ok !== 'Relabel') return;
  }
  // A person chose this label through Interlock itself: that is the approval a relabel needs.
  approveRuleFile(realDir(folder.uri.fsPath), next, uri.fsPath, audit, `relabelled ${current} → ${chosen.trim()}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(next));
}

async function openRuleFile(folder: vscode.WorkspaceFolder | undefined): Promise<void> {
  if (!folder) return;
  const uri = vscode.Uri.joinPath(folder.uri, WORKSPACE_CONFIG_FILE);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(withEnvironmentLabel(undefined, 'development')));
  }
  await vscode.window.showTextDocument(uri);
}
