/**
 * "Interlock: Check Protection": the doctor's report for the folder in use (its environment and
 * rule files, each agent's hook and whether the agent will run it, the launcher, the guard), plus
 * what only the editor can see: each open terminal, and whether Interlock's shell hook was set up
 * in it. A summary of what is off feeds the status-bar item, so nothing unprotected goes unsaid.
 */
import * as vscode from 'vscode';
import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { doctorReport, doctorText } from '../doctor/report';
import type { DoctorReport } from '../doctor/report';
import { currentFolder } from './environmentIndicator';

const SCHEME = 'interlock-protection';
const HOOKED_SHELLS = new Set(['bash', 'zsh', 'fish']);

export interface ProtectionCheck extends vscode.Disposable {
  /** What is off right now, one line each (empty when everything is guarded). */
  problems(): string[];
  readonly onDidChange: vscode.Event<void>;
}

interface TerminalState {
  name: string;
  shell: string;
  hooked: boolean;
  why?: string;
}

/**
 * A terminal's shell and whether Interlock's hook was set up in it, from the process itself: the
 * shell it runs and the environment it started with (Linux /proc; elsewhere only the shell's name).
 */
async function terminalState(t: vscode.Terminal): Promise<TerminalState> {
  const options = t.creationOptions as vscode.TerminalOptions;
  const pid = await t.processId;
  let shell = basename(options.shellPath ?? '');
  let env = '';
  try {
    shell = basename(readlinkSync(`/proc/${pid}/exe`));
    env = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    // not Linux, or the process is gone
  }
  shell = shell.replace(/\.exe$/i, '').replace(/^-/, '') || 'unknown';
  if (!HOOKED_SHELLS.has(shell)) return { name: t.name, shell, hooked: false, why: `${shell} is not a shell Interlock hooks (bash, zsh, fish)` };
  if (options.strictEnv) return { name: t.name, shell, hooked: false, why: 'created with strictEnv: Interlock’s environment cannot reach it' };
  if (env && !/(^|\0)INTERLOCK_HOOK_DIR=/.test(env)) return { name: t.name, shell, hooked: false, why: 'opened before Interlock was active or with its environment removed: relaunch it' };
  return { name: t.name, shell, hooked: true };
}

function markdown(report: DoctorReport, terminals: TerminalState[]): string {
  const lines = ['# Interlock: protection', '', '```', doctorText(report), '```', '', '## Terminals in this window', ''];
  if (terminals.length === 0) lines.push('No terminal is open.');
  for (const t of terminals) lines.push(`- **${t.name}** (${t.shell}): ${t.hooked ? 'Interlock’s hook is set up' : `**not guarded** — ${t.why}`}`);
  return lines.join('\n') + '\n';
}

export function registerProtectionCheck(log: vscode.LogOutputChannel): ProtectionCheck {
  const changed = new vscode.EventEmitter<void>();
  const pages = new Map<string, string>();
  const pageChanged = new vscode.EventEmitter<vscode.Uri>();
  let found: string[] = [];

  const inspect = async (): Promise<{ report: DoctorReport; terminals: TerminalState[] }> => {
    const folder = currentFolder();
    const report = await doctorReport(folder?.uri.fsPath ?? process.env.HOME ?? '/', process.env);
    const terminals = await Promise.all(vscode.window.terminals.map(terminalState));
    return { report, terminals };
  };

  const refresh = async (): Promise<void> => {
    const { report, terminals } = await inspect();
    const next = [
      ...report.agents.filter((a) => a.problem).map((a) => `${a.label}: ${a.problem}`),
      ...(report.launcher.exists && !report.launcher.live ? [`the hook launcher starts a copy of Interlock that is gone`] : []),
      ...terminals.filter((t) => !t.hooked).map((t) => `terminal “${t.name}”: ${t.why}`),
    ];
    if (next.join('\n') !== found.join('\n')) {
      found = next;
      for (const p of found) log.warn(`not protected: ${p}`);
      changed.fire();
    }
  };
  const safeRefresh = (): void => {
    refresh().catch((e: unknown) => log.warn(`protection check failed: ${(e as Error).message}`));
  };

  const disposables = vscode.Disposable.from(
    changed,
    pageChanged,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: pageChanged.event, provideTextDocumentContent: (uri) => pages.get(uri.toString()) ?? '' }),
    vscode.window.onDidOpenTerminal(() => setTimeout(safeRefresh, 2000)),
    vscode.window.onDidCloseTerminal(safeRefresh),
    vscode.commands.registerCommand('interlock.checkProtection', async () => {
      const { report, terminals } = await inspect();
      const uri = vscode.Uri.from({ scheme: SCHEME, path: '/protection.md', query: String(Date.now()) });
      pages.set(uri.toString(), markdown(report, terminals));
      pageChanged.fire(uri);
      await vscode.commands.executeCommand('markdown.showPreview', uri);
      safeRefresh();
    }),
  );
  // Off the activation path; again when terminals come and go, and now and then (hooks change on disk).
  const first = setTimeout(safeRefresh, 5000);
  const every = setInterval(safeRefresh, 5 * 60_000);
  return {
    problems: () => found,
    onDidChange: changed.event,
    dispose: () => {
      clearTimeout(first);
      clearInterval(every);
      disposables.dispose();
    },
  };
}
