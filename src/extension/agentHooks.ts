/**
 * "Interlock: Install Agent Hooks": pick the agents and scopes to guard, read the exact change as
 * a diff, and apply it (or take Interlock's entries out again). The planning is the CLI's
 * `install-hooks`, so both make the same edits. Hooks name the per-user launcher, which this
 * module points at the extension's own CLI on every activation. Hooks written by older versions
 * name a versioned extension folder that an update removes: those are reported with an offer to
 * move them onto the launcher.
 */
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { currentRuntime, launcherPath, writeLauncher } from '../install/launcher';
import builtin from 'interlock:builtin-packs';
import {
  AGENT_LABELS,
  applyPlans,
  chooseTargets,
  copilotAutoApproveEntries,
  hookCommand,
  hookTargets,
  installedCommands,
  notesFor,
  planTargets,
} from '../install/installHooks';
import type { FilePlan, HookAction, HookTarget } from '../install/installHooks';
import type { AgentId } from '../cli/hooks/protocols';

const SCHEME = 'interlock-hooks';
const AUTO_APPROVE_ITEM = 'autoApprove';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function registerAgentHookInstaller(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  const previews = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    onDidChange: changed.event,
    provideTextDocumentContent: (uri) => previews.get(uri.toString()) ?? '',
  });
  const cli = context.asAbsolutePath(join('dist', 'cli.js'));
  const home = process.env.HOME ?? homedir();
  // Hooks name the stable launcher; every activation points it at this copy of Interlock, run by
  // the editor's own runtime (no Node on PATH is needed), so an update never strands a hook.
  let launcher = launcherPath();
  try {
    const written = writeLauncher(currentRuntime(cli));
    launcher = written.path;
    if (written.changed) log.info(`agent hooks: the launcher ${written.path} now starts ${cli}`);
  } catch (e) {
    log.error(`agent hooks: cannot write the launcher ${launcher}: ${(e as Error).message}`);
  }
  const commandFor = (agent: AgentId): string => hookCommand(launcher, agent);
  const projectDir = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  const preview = async (plans: FilePlan[], action: HookAction): Promise<boolean> => {
    const text = plans
      .filter((p) => p.changed || p.error)
      .map((p) => (p.error ? `# ${p.file}: ${p.error}; left untouched.\n` : `# ${AGENT_LABELS[p.target.agent]}, ${p.target.scope}\n${p.diff}`))
      .join('\n');
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${action === 'install' ? 'install' : 'uninstall'}-agent-hooks.diff`, query: String(Date.now()) });
    previews.set(uri.toString(), text);
    changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'diff');
    await vscode.window.showTextDocument(doc, { preview: true });
    const count = plans.filter((p) => p.changed && !p.error).length;
    // A quick pick, not a modal: the person can scroll the diff before answering.
    const choice = await vscode.window.showQuickPick(
      [
        { label: action === 'install' ? `$(check) Apply the changes to ${count} file${count === 1 ? '' : 's'}` : `$(trash) Remove Interlock from ${count} file${count === 1 ? '' : 's'}`, apply: true },
        { label: '$(close) Cancel', apply: false },
      ],
      { title: 'Interlock: agent hooks', placeHolder: 'Read the diff in the editor, then choose', ignoreFocusOut: true },
    );
    previews.delete(uri.toString());
    return choice?.apply === true;
  };

  const apply = (plans: FilePlan[], action: HookAction): void => {
    applyPlans(plans);
    for (const p of plans.filter((x) => x.changed && !x.error)) log.info(`agent hooks: ${action === 'install' ? 'updated' : 'removed Interlock from'} ${p.file}`);
    const notes = notesFor(plans, action);
    void vscode.window.showInformationMessage(
      `Interlock ${action === 'install' ? 'guards' : 'no longer guards'} ${[...new Set(plans.filter((p) => p.changed).map((p) => AGENT_LABELS[p.target.agent]))].join(', ')}.${notes.length > 0 ? ` ${notes.join(' ')}` : ''}`,
    );
  };

  const addAutoApproveDenies = async (): Promise<void> => {
    if (!vscode.workspace.workspaceFolders?.length) {
      void vscode.window.showWarningMessage('Open a folder first: the Copilot prompt entries go into the workspace settings.');
      return;
    }
    const rules = builtin.flatMap(({ pack }) => pack.rules);
    const config = vscode.workspace.getConfiguration('chat.tools.terminal');
    const current = config.inspect<Record<string, boolean>>('autoApprove')?.workspaceValue ?? {};
    // The person's own entries win: only keys they have not set are added.
    const merged = { ...copilotAutoApproveEntries(rules), ...current };
    await config.update('autoApprove', merged, vscode.ConfigurationTarget.Workspace);
    log.info(`agent hooks: added ${Object.keys(merged).length - Object.keys(current).length} entries to chat.tools.terminal.autoApprove`);
  };

  const run = async (): Promise<void> => {
    const pick = await vscode.window.showQuickPick(
      [
        { label: '$(shield) Install or update agent hooks', action: 'install' as const },
        { label: '$(trash) Remove Interlock’s agent hooks', action: 'uninstall' as const },
      ],
      { title: 'Interlock: agent hooks' },
    );
    if (!pick) return;
    const action = pick.action;
    const project = projectDir() ?? home;
    const all = hookTargets(home, project, process.env).filter((t) => t.scope === 'user' || projectDir() !== undefined);
    const preselected = new Set(chooseTargets(all, { action }, existsSync));
    const present = (t: HookTarget): boolean => installedCommands(t.agent, readText(t.file)).length > 0;
    const candidates = action === 'install' ? all : all.filter(present);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('No Interlock agent hooks are installed.');
      return;
    }
    type Item = vscode.QuickPickItem & { target?: HookTarget; extra?: string };
    const items: Item[] = candidates.map((t) => ({
      label: `${AGENT_LABELS[t.agent]} — ${t.scope === 'user' ? 'all projects' : 'this project'}`,
      description: t.file.startsWith(home + '/') ? `~${t.file.slice(home.length)}` : t.file,
      detail: present(t) ? 'Interlock hook installed' : existsSync(t.marker) ? 'agent configured here' : 'agent not configured here yet',
      picked: preselected.has(t),
      target: t,
    }));
    if (action === 'install') {
      items.push({ label: '$(comment-discussion) Also make Copilot in VS Code ask before flagged commands', description: 'chat.tools.terminal.autoApprove (workspace)', detail: 'Adds "false" entries for programs the rule packs flag', extra: AUTO_APPROVE_ITEM });
    }
    const chosen = await vscode.window.showQuickPick(items, { title: 'Interlock: agent hooks', canPickMany: true, placeHolder: 'Choose where Interlock checks agents’ tool calls', ignoreFocusOut: true });
    if (!chosen || chosen.length === 0) return;
    const targets = chosen.flatMap((c) => (c.target ? [c.target] : []));
    const plans = planTargets(targets, commandFor, action);
    const toChange = plans.filter((p) => p.changed || p.error);
    if (toChange.length > 0) {
      if (await preview(plans, action)) apply(plans, action);
    } else if (targets.length > 0) {
      void vscode.window.showInformationMessage(action === 'install' ? 'Interlock’s agent hooks are already up to date.' : 'There was nothing to remove.');
    }
    if (chosen.some((c) => c.extra === AUTO_APPROVE_ITEM)) await addAutoApproveDenies();
  };

  const command = vscode.commands.registerCommand('interlock.installAgentHooks', () =>
    run().catch((e: unknown) => {
      log.error(`agent hooks: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`Interlock could not change the agent hooks: ${(e as Error).message}`);
    }),
  );

  /** Hooks whose CLI is gone (an older version's folder, removed on update): offer to point them here. */
  const checkStale = (): void => {
    const project = projectDir() ?? home;
    // `[VAR=value …] node cli.js hook <agent>`: the runtime and the script must both still exist.
    const gone = (command: string): boolean => {
      const words = (command.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'|'$/g, '')).filter((w) => !/^[A-Z_]+=/.test(w));
      return words.slice(0, 2).some((w) => w.startsWith('/') && !existsSync(w));
    };
    const stale = hookTargets(home, project, process.env).filter((t) => installedCommands(t.agent, readText(t.file)).some(gone));
    if (stale.length === 0) return;
    log.warn(`agent hooks: ${stale.map((t) => t.file).join(', ')} point at a copy of Interlock that is gone`);
    void vscode.window
      .showWarningMessage('Some agent hooks point at a copy of Interlock that is gone (an earlier version?): those agents are unguarded.', 'Review and update')
      .then(async (answer) => {
        if (answer !== 'Review and update') return;
        const plans = planTargets(stale, commandFor, 'install');
        if (plans.some((p) => p.changed) && (await preview(plans, 'install'))) apply(plans, 'install');
      });
  };
  const staleTimer = setTimeout(() => {
    try {
      checkStale();
    } catch (e) {
      log.warn(`agent hooks: could not check installed hooks (${(e as Error).message})`);
    }
  }, 10_000);

  return vscode.Disposable.from(provider, command, changed, { dispose: () => clearTimeout(staleTimer) });
}
