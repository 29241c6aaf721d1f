/**
 * Impact and undo in the editor: before a person is asked, what the command would destroy and
 * whether it can be undone; after they approve and before the command is let through, a snapshot;
 * once it ran, a notification with Undo; and "Undo Last Destructive Command…" for recent snapshots.
 *
 * A snapshot promised in the confirmation that then cannot be taken (the disk filled meanwhile)
 * refuses the command instead of running it without undo; asked again within a few minutes, the
 * confirmation says there is no undo and why, so the person decides knowing it.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import type { EngineHost } from './engineHost';
import type { SettingsWatcher } from './settings';
import type { RequestSource } from '../channel/protocol';
import { assess } from '../impact/assess';
import type { Assessment, Impact } from '../impact/assess';
import { listSnapshots, planSnapshot, restoreSnapshot, sealSnapshot, takeSnapshot } from '../snapshot/store';
import type { Manifest, StoreOptions } from '../snapshot/store';

/** What the panel shows under the command. */
export interface ImpactView {
  summary: string;
  measured: boolean;
  /** `Undo: …` or `No undo: …`. */
  undo: string;
}

export interface Prepared {
  impact: Impact;
  view: ImpactView;
  /** Why no snapshot will be taken, when none will. */
  noUndo?: string;
}

export interface Undo extends vscode.Disposable {
  /** Impact and undo feasibility, before asking; undefined when the line destroys nothing here. */
  prepare(command: string, cwd: string | undefined, folder: vscode.WorkspaceFolder | undefined): Promise<Prepared | undefined>;
  /** After approval, before the answer: keep what the command will destroy. */
  keep(p: Prepared, command: string, cwd: string | undefined, folder: vscode.WorkspaceFolder | undefined): Promise<{ id?: string; manifest?: Manifest; problem?: string }>;
  /** The command was let through: offer Undo once it has run. */
  offer(m: Manifest, source: RequestSource, command: string): void;
}

/** A snapshot's list must be complete: it gets longer than the panel's impact measure. */
const KEEP_TIME_MS = 60_000;
/** How long a failed snapshot is remembered, so asking again says "no undo" instead of refusing again. */
const FAILURE_MEMORY_MS = 5 * 60_000;
/** Agents' commands give no end event: the offer comes after this. */
const AGENT_RUN_MS = 3000;
/** A terminal or task that never reports its end still gets the offer. */
const FALLBACK_MS = 120_000;

const nf = new Intl.NumberFormat('en-US');

/** Only a remote loses something (a force-push), or the targets are already gone. */
const nothingHere = (a: Assessment): boolean => a.targets.length === 0 && a.git.length === 0 && a.unknown.length === 0;

/** `Deleted 1,284 files`, `Overwrote 2 files`, or the impact line for git state. */
export function pastTense(m: Manifest): string {
  const files = m.entries.filter((e) => e.type === 'file' || e.type === 'symlink');
  const deleted = files.filter((e) => e.how === 'delete').length;
  const changed = files.length - deleted + m.entries.filter((e) => e.type === 'absent').length;
  const n = (k: number): string => `${nf.format(k)} file${k === 1 ? '' : 's'}`;
  if (deleted > 0) return `Deleted ${n(deleted)}${changed > 0 ? ` and changed ${n(changed)}` : ''}`;
  if (changed > 0) return `Changed ${n(changed)}`;
  return m.summary.charAt(0).toUpperCase() + m.summary.slice(1);
}

export function createUndo(host: EngineHost, settings: SettingsWatcher, log: vscode.LogOutputChannel): Undo {
  const home = homedir();
  const failures = new Map<string, { reason: string; at: number }>();
  const disposables: vscode.Disposable[] = [];
  const storeOpts = (): StoreOptions => ({ budgetBytes: settings.current.undo.budgetBytes, expiryMs: settings.current.undo.days * 24 * 3600 * 1000 });

  const assessLine = (command: string, cwd: string | undefined, folder: vscode.WorkspaceFolder | undefined, budgetMs: number): Promise<Assessment> =>
    assess(command, { engine: host.engine(folder), cwd: cwd ?? folder?.uri.fsPath ?? home, home, budgetMs });

  const restore = async (id: string, force = false): Promise<void> => {
    const r = await restoreSnapshot(id, { ...storeOpts(), force });
    if (r.ok) {
      log.info(`undo ${id}: restored ${r.restored} paths`);
      void vscode.window.showInformationMessage(`Interlock: undone — ${nf.format(r.restored)} paths restored.`);
      return;
    }
    if (r.conflicts.length > 0 && !force && r.failed.length === 0) {
      log.warn(`undo ${id}: changed since: ${r.conflicts.map((c) => `${c.path} (${c.why})`).join('; ')}`);
      const shown = r.conflicts.slice(0, 3).map((c) => vscode.workspace.asRelativePath(c.path)).join(', ');
      const pick = await vscode.window.showWarningMessage(
        `Interlock: nothing was restored. ${nf.format(r.conflicts.length)} path${r.conflicts.length === 1 ? '' : 's'} changed since the command ran: ${shown}${r.conflicts.length > 3 ? ', …' : ''}. Overwrite them?`,
        'Overwrite and Undo',
      );
      if (pick === 'Overwrite and Undo') await restore(id, true);
      return;
    }
    log.error(`undo ${id} incomplete: ${JSON.stringify(r.failed)}`);
    void vscode.window.showErrorMessage(`Interlock: undo is INCOMPLETE — ${nf.format(r.restored)} restored, ${nf.format(r.failed.length)} not (${r.failed.slice(0, 2).map((f) => `${f.path}: ${f.why}`).join('; ')}). See the Interlock log.`);
  };

  disposables.push(vscode.commands.registerCommand('interlock.undoLastDestructive', async () => {
    const all = listSnapshots(storeOpts());
    if (all.length === 0) {
      void vscode.window.showInformationMessage('Interlock: there is no snapshot to undo.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      all.map((m) => ({
        label: m.command.length > 80 ? `${m.command.slice(0, 79)}…` : m.command,
        description: `${new Date(m.createdAt).toLocaleString()}${m.restoredAt ? ' · undone' : ''}`,
        detail: `${m.summary} — in ${m.cwd}`,
        id: m.id,
      })),
      { title: 'Interlock: Undo Last Destructive Command', placeHolder: 'Restore what this command deleted or overwrote' },
    );
    if (picked) await restore(picked.id);
  }));

  return {
    async prepare(command, cwd, folder) {
      const a = await assessLine(command, cwd, folder, settings.current.undo.impactTimeMs);
      const i = a.impact;
      if (i.files === undefined && i.commits === undefined && i.modified === undefined && i.measured) return undefined;
      let noUndo: string | undefined;
      const failed = failures.get(command);
      if (!settings.current.undo.snapshots) noUndo = 'snapshots are turned off (interlock.undo.snapshots)';
      else if (failed && Date.now() - failed.at < FAILURE_MEMORY_MS) noUndo = failed.reason;
      else if (a.unknown.some((u) => !/out of time|not walked|not every match/.test(u))) noUndo = `what it changes is not fully known before it runs (${a.unknown[0]})`;
      else if (nothingHere(a)) noUndo = 'it changes nothing on this machine that a snapshot could keep';
      else if (i.measured) {
        const plan = await planSnapshot(a, storeOpts(), 5000);
        if (!plan.ok) noUndo = plan.reason;
        else if (plan.entries.length === 0 && a.git.length === 0) noUndo = 'it changes nothing on this machine that a snapshot could keep';
      }
      const remote = a.remoteOnly.length > 0 ? ` Commits dropped from ${a.remoteOnly.join(', ')} are on the remote and cannot be undone here.` : '';
      const undo = noUndo ? `No undo: ${noUndo}.${remote}` : `Undo: what it deletes or overwrites here is kept before it runs.${remote}`;
      return { impact: i, noUndo, view: { summary: i.summary, measured: i.measured, undo } };
    },

    async keep(p, command, cwd, folder) {
      if (p.noUndo) return {};
      // Measured again now: the files may have changed while the person read the panel.
      const a = await assessLine(command, cwd, folder, KEEP_TIME_MS);
      // Nothing to keep now (it was deleted meanwhile): nothing is lost by running it.
      if (nothingHere(a)) return {};
      const r = await takeSnapshot(a, command, cwd ?? folder?.uri.fsPath ?? home, storeOpts());
      if (!r.ok && r.nothing) return {};
      if (!r.ok) {
        failures.set(command, { reason: r.reason, at: Date.now() });
        log.warn(`no snapshot for ${command}: ${r.reason}`);
        return { problem: r.reason };
      }
      log.info(`snapshot ${r.manifest.id} for ${command}: ${r.manifest.files} files, ${r.manifest.linked} linked, ${r.manifest.copied} copied`);
      return { id: r.manifest.id, manifest: r.manifest };
    },

    offer(m, source, command) {
      let done = false;
      const subs: vscode.Disposable[] = [];
      const fire = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const s of subs) s.dispose();
        try {
          sealSnapshot(m.id, storeOpts());
        } catch (e) {
          log.warn(`could not seal snapshot ${m.id}: ${(e as Error).message}`);
        }
        void vscode.window.showInformationMessage(`${pastTense(m)} — ${command.length > 60 ? `${command.slice(0, 59)}…` : command}`, 'Undo').then((pick) => {
          if (pick === 'Undo') return restore(m.id);
        });
      };
      const timer = setTimeout(fire, source.kind === 'agent' ? AGENT_RUN_MS : FALLBACK_MS);
      if (source.kind === 'terminal') {
        subs.push(vscode.window.onDidEndTerminalShellExecution((e) => {
          if (e.execution.commandLine.value.trim() === command.trim()) fire();
        }));
      } else if (source.kind === 'task') {
        subs.push(vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name === source.name) fire();
        }));
      }
      disposables.push(...subs, { dispose: () => clearTimeout(timer) });
    },

    dispose() {
      for (const d of disposables) d.dispose();
    },
  };
}
